"""`GET /metrics`: the process's counters (wiredesk.metrics) and the database's view of the
wire, in Prometheus' text format.

What the database says is read at each scrape, from small tables only (`source_state`, one row
per source; the open rows of `quarantine` along their index), so a scrape costs the same at a
thousand stories and at a million, and it holds for every process writing to the database,
not only this one:

- `wiredesk_source_last_success_timestamp_seconds`, `..._last_poll_timestamp_seconds`,
  `..._next_poll_timestamp_seconds` and `wiredesk_source_consecutive_failures`, per source
  in the settings (an alert on `time() - last_success > 3 * poll interval` finds a silent
  agency);
- `wiredesk_quarantine_open`, per source: payloads and items waiting for an operator;
- in cluster mode (PostgreSQL with procrastinate's tables): `wiredesk_jobs_waiting` and
  `wiredesk_jobs_running` by task, `wiredesk_job_queue_lag_seconds` (the oldest due job's
  wait), `wiredesk_job_latency_mean_seconds` / `..._max_seconds` by task (queued to started,
  over the last jobs started) and `wiredesk_worker_last_heartbeat_timestamp_seconds` per
  worker (store/public/jobs.py).

Who may read it: this machine, and the networks in `[site] metrics_allow`. A request that came
through a proxy (it carries `X-Forwarded-For` or `Forwarded`) is refused whatever its address,
so a reverse proxy in front of the site never exposes it by accident; Prometheus scrapes the
site's own port.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from ipaddress import ip_address

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from wiredesk import metrics
from wiredesk.config import Settings
from wiredesk.store.public import status
from wiredesk.store.public.jobs import queue_figures
from wiredesk.store.public.reader import PublicReader

_FORWARDED = (b"x-forwarded-for", b"forwarded", b"x-real-ip")


class DatabaseFigures(Collector):
    """Gauges read from the database at each scrape."""

    def __init__(self, settings: Settings, reader: PublicReader) -> None:
        self.settings = settings
        self.reader = reader

    def collect(self) -> Iterator[GaugeMetricFamily]:
        up = GaugeMetricFamily(
            "wiredesk_database_up", "1 when the database answered this scrape, else 0."
        )
        try:
            states = status.source_states(self.reader.engine)
            quarantined = status.open_quarantine(self.reader.engine)
        except Exception:  # the scrape still answers: the process's counters and `up` 0
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        families = {
            "last_success": GaugeMetricFamily(
                "wiredesk_source_last_success_timestamp_seconds",
                "When the source last gave a good answer (Unix time).",
                labels=["source"],
            ),
            "last_poll": GaugeMetricFamily(
                "wiredesk_source_last_poll_timestamp_seconds",
                "When the source was last polled (Unix time).",
                labels=["source"],
            ),
            "next_poll": GaugeMetricFamily(
                "wiredesk_source_next_poll_timestamp_seconds",
                "When the source is due next, backoff included (Unix time).",
                labels=["source"],
            ),
            "failures": GaugeMetricFamily(
                "wiredesk_source_consecutive_failures",
                "Polls of the source that failed in a row (0: the last one worked).",
                labels=["source"],
            ),
        }
        waiting = GaugeMetricFamily(
            "wiredesk_quarantine_open",
            "Payloads and items in quarantine not yet got through by a reprocess.",
            labels=["source"],
        )
        for source in self.settings.sources:
            state = states.get(source.id)
            waiting.add_metric([source.id], quarantined.get(source.id, 0))
            if state is None:
                continue
            for key, when in (
                ("last_success", state.last_success_at),
                ("last_poll", state.last_polled_at),
                ("next_poll", state.next_poll_at),
            ):
                if when is not None:
                    families[key].add_metric([source.id], _unix(when))
            families["failures"].add_metric([source.id], state.consecutive_failures)
        yield from families.values()
        yield waiting


class QueueFigures(Collector):
    """Cluster mode's job queue, read at each scrape from procrastinate's tables (nothing on
    a database without them): the same figures from every web process."""

    def __init__(self, reader: PublicReader) -> None:
        self.reader = reader

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            queue = queue_figures(self.reader.engine)
        except Exception:  # `wiredesk_database_up` already says the database is away
            return
        if queue is None:
            return
        waiting = GaugeMetricFamily(
            "wiredesk_jobs_waiting", "Jobs due and not started, by task.", labels=["task"]
        )
        running = GaugeMetricFamily(
            "wiredesk_jobs_running", "Jobs started and not ended, by task.", labels=["task"]
        )
        for family, counts in ((waiting, queue.waiting), (running, queue.running)):
            for task, n in sorted(counts.items()):
                family.add_metric([task], n)
        lag = GaugeMetricFamily(
            "wiredesk_job_queue_lag_seconds", "How long the oldest due job has waited."
        )
        lag.add_metric([], queue.lag_seconds())
        mean = GaugeMetricFamily(
            "wiredesk_job_latency_mean_seconds",
            "From queued (or due) to started, mean over the recent jobs of each task.",
            labels=["task"],
        )
        most = GaugeMetricFamily(
            "wiredesk_job_latency_max_seconds",
            "From queued (or due) to started, longest among the recent jobs of each task.",
            labels=["task"],
        )
        for task, latency in sorted(queue.latency.items()):
            mean.add_metric([task], latency.mean_seconds)
            most.add_metric([task], latency.max_seconds)
        beats = GaugeMetricFamily(
            "wiredesk_worker_last_heartbeat_timestamp_seconds",
            "Each worker's last heartbeat (Unix time); a stopped worker leaves the list.",
            labels=["worker"],
        )
        for worker, at in sorted(queue.heartbeats.items()):
            beats.add_metric([str(worker)], _unix(at))
        yield from (waiting, running, lag, mean, most, beats)


def _unix(when: datetime) -> float:
    return when.timestamp()


class MetricsPage:
    """The `/metrics` handler: the process's registry and the database's figures."""

    def __init__(self, settings: Settings, reader: PublicReader) -> None:
        self.settings = settings
        self.database = CollectorRegistry(auto_describe=False)
        self.database.register(DatabaseFigures(settings, reader))
        self.database.register(QueueFigures(reader))

    def allowed(self, request: Request) -> bool:
        if any(name in _FORWARDED for name, _ in request.scope["headers"]):
            return False
        client = request.client
        if client is None:
            return False
        try:
            address = ip_address(client.host)
        except ValueError:
            return False
        if address.is_loopback:
            return True
        return any(address in network for network in self.settings.site.metrics_allow)

    def page(self, request: Request) -> Response:
        if not self.allowed(request):
            return PlainTextResponse(
                "/metrics is read from this machine or from [site] metrics_allow, "
                "not through a proxy.\n",
                status_code=403,
                headers={"Cache-Control": "no-store"},
            )
        body = generate_latest(metrics.REGISTRY) + generate_latest(self.database)
        return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})
