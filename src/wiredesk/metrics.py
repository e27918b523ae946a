"""What the process counts for Prometheus: polls, payloads, items, requests, the page cache.

The instruments live here, at the bottom of the layers, so ingest and the channels can count
without knowing who reads the figures; `wiredesk.channels.web.metrics_page` serves them at
`/metrics`, with what the database says at the moment of the scrape (sources' health, open
quarantine) beside them.

They are the figures of this process. In `wiredesk run` that is the whole site; where
`wiredesk ingest` runs beside `wiredesk serve`, the poll and payload counters of the other
process are not here, and the database's figures are the ones to watch
(docs/operations.md, "Metrics for Prometheus").

Labels are bounded: a source id (from the settings), an outcome from a short fixed list, and
the kind of page a path is (`page_kind`), never the path itself, which a scanner could make
infinite.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from functools import lru_cache

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

REGISTRY = CollectorRegistry(auto_describe=True)

POLLS = Counter(
    "wiredesk_polls",
    "Polls of a source, by outcome: ok (something new or nothing new), not_modified, failed.",
    ["source", "outcome"],
    registry=REGISTRY,
)
POLL_SECONDS = Histogram(
    "wiredesk_poll_seconds",
    "Time from the start of a poll to its last copy saved.",
    ["source"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
    registry=REGISTRY,
)
PAYLOADS = Counter(
    "wiredesk_payloads",
    "New payloads stored (polled, dropped or pushed); the same bytes again are not counted.",
    ["source"],
    registry=REGISTRY,
)
ITEMS = Counter(
    "wiredesk_items",
    "Items by what became of them: new_story, new_version, dropped (by a routing rule), "
    "quarantined, problem (saved with a problem noted).",
    ["source", "outcome"],
    registry=REGISTRY,
)
# Answers are counted on every request, cache hits included, where a hit costs tens of
# microseconds: prometheus_client's labelled instruments (a lock and a label lookup each)
# took a quarter of that throughput. So the answers are counted in plain dictionaries by the
# event loop's thread, the only one that answers, and read out at a scrape (`_Answers`).
REQUEST_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)


class _Answers(Collector):
    """Answers by kind of page and status class, their times in fixed buckets, and the page
    cache's hits and misses."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, str], int] = {}
        self.buckets: dict[str, list[int]] = {}  # per kind: one count per bucket, then +Inf
        self.sums: dict[str, float] = {}
        self.cache = {"hit": 0, "miss": 0}

    def answered(self, kind: str, status: int, seconds: float) -> None:
        key = (kind, _STATUS_CLASSES.get(status // 100, "5xx"))
        self.counts[key] = self.counts.get(key, 0) + 1
        counts = self.buckets.get(kind)
        if counts is None:
            counts = self.buckets[kind] = [0] * (len(REQUEST_BUCKETS) + 1)
        counts[bisect_left(REQUEST_BUCKETS, seconds)] += 1
        self.sums[kind] = self.sums.get(kind, 0.0) + seconds

    def collect(self) -> Iterator[Metric]:
        requests = CounterMetricFamily(
            "wiredesk_http_requests",
            "HTTP requests answered, by the kind of page and status class (2xx ... 5xx).",
            labels=["kind", "status"],
        )
        for (kind, status), n in sorted(self.counts.items()):
            requests.add_metric([kind, status], n)
        yield requests
        times = HistogramMetricFamily(
            "wiredesk_http_request_seconds",
            "Time from a request's arrival to the end of its answer, by the kind of page.",
            labels=["kind"],
        )
        for kind, counts in sorted(self.buckets.items()):
            cumulative, running = [], 0
            for bound, n in zip((*map(str, REQUEST_BUCKETS), "+Inf"), counts, strict=True):
                running += n
                cumulative.append((bound, running))
            times.add_metric([kind], cumulative, sum_value=self.sums.get(kind, 0.0))
        yield times
        cache = CounterMetricFamily(
            "wiredesk_page_cache",
            "Pages and feeds answered from the page cache (hit) or rendered (miss).",
            labels=["result"],
        )
        for result, n in self.cache.items():
            cache.add_metric([result], n)
        yield cache


_STATUS_CLASSES = {1: "1xx", 2: "2xx", 3: "3xx", 4: "4xx", 5: "5xx"}
ANSWERS = _Answers()
REGISTRY.register(ANSWERS)

# Paths at the root that are a kind of their own.
_ROOT_KINDS = {
    "/health": "health",
    "/metrics": "metrics",
    "/robots.txt": "robots",
    "/favicon.ico": "static",
}
_PREFIX_KINDS = (
    ("/api/", "api"),
    ("/desk/", "desk"),
    ("/ingest/", "push"),
    ("/websub", "websub"),
    ("/static/", "static"),
    ("/media/", "media"),
)
_FEED_NAMES = ("feed.xml", "feed.json", "atom.xml")


@lru_cache(maxsize=4096)  # the same few thousand paths are most requests; a miss costs 1 µs
def page_kind(path: str, edition_prefixes: tuple[str, ...] = ()) -> str:
    """What a request path asks for, as a label: home, section (any list), article, feed,
    sitemap, search, api, desk, push, static, media, health, metrics, websub or robots.
    An edition's prefix (`/en`) is not part of the kind."""
    if path in _ROOT_KINDS:
        return _ROOT_KINDS[path]
    for prefix, kind in _PREFIX_KINDS:
        if path.startswith(prefix):
            return kind
    for prefix in edition_prefixes:
        if path == prefix or path.startswith(prefix + "/"):
            path = path[len(prefix) :] or "/"
            break
    last = path.rsplit("/", 1)[-1]
    if path == "/":
        return "home"
    if last in _FEED_NAMES:
        return "feed"
    if last.startswith("sitemap"):
        return "sitemap"
    if path == "/search":
        return "search"
    return "section" if path.endswith("/") else "article"


def count_poll(
    source: str,
    *,
    ok: bool,
    not_modified: bool,
    payloads: int,
    new_stories: int,
    new_versions: int,
    dropped: int,
    problems: int,
    seconds: float | None = None,
) -> None:
    """One poll of `source` (the scheduler's report of it)."""
    outcome = "failed" if not ok else "not_modified" if not_modified and not payloads else "ok"
    POLLS.labels(source, outcome).inc()
    if seconds is not None:
        POLL_SECONDS.labels(source).observe(seconds)
    count_items(
        source,
        payloads=payloads,
        new_stories=new_stories,
        new_versions=new_versions,
        dropped=dropped,
        problems=problems,
    )


def count_items(
    source: str,
    *,
    payloads: int = 0,
    new_stories: int = 0,
    new_versions: int = 0,
    dropped: int = 0,
    quarantined: int = 0,
    problems: int = 0,
) -> None:
    """What a poll or a push of `source` stored."""
    if payloads:
        PAYLOADS.labels(source).inc(payloads)
    for outcome, n in (
        ("new_story", new_stories),
        ("new_version", new_versions),
        ("dropped", dropped),
        ("quarantined", quarantined),
        ("problem", problems),
    ):
        if n:
            ITEMS.labels(source, outcome).inc(n)
