"""Source health: what an operator (and a monitor) needs to know about every configured source.

`wiredesk sources` and `GET /health` read the same answer from here, so the command line and
the monitor never disagree about which source is failing. It only reads (through
`store.public.status`): the poller writes `source_state` after every poll, and the version
table already says what arrived when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from wiredesk.config import Settings, SourceSettings
from wiredesk.model import utcnow
from wiredesk.store.public.jobs import QueueFigures, queue_figures
from wiredesk.store.public.status import (
    languages_since,
    picture_problems,
    source_states,
    versions_since,
)
from wiredesk.store.public.views import SourceState

# One poll failing is "failing"; from the second failure in a row the poller waits longer than
# `poll_every` before trying again, which an operator should see as "backing off".
BACKOFF_AFTER_FAILURES = 2
MAX_ERROR_CHARS = 160
RECENT = timedelta(hours=24)
# A worker whose last heartbeat is older than this is not counted as alive (cluster mode;
# workers beat every 10 s by default and count each other dead after 30).
WORKER_ALIVE_WITHIN = 60.0
# Jobs waiting longer than this with no worker alive make the site "degraded": nothing ingests.
STUCK_AFTER = 60.0

OK = "ok"
FAILING = "failing"
BACKING_OFF = "backing off"
NEVER_POLLED = "never polled"
PUSH_ONLY = "push-only"
STATES = (OK, FAILING, BACKING_OFF, NEVER_POLLED, PUSH_ONLY)


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """One configured source as the operator sees it."""

    id: str
    name: str
    state: str  # one of STATES
    last_polled_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None  # one line, at most MAX_ERROR_CHARS characters
    last_error_at: datetime | None
    next_poll_at: datetime | None
    consecutive_failures: int
    items_24h: int  # stories first seen plus new versions received in the last 24 hours
    url: str  # what is polled now: after permanent redirects, else the configured location
    configured_url: str  # the URL, folder or "push" in the settings file
    # Pictures of the last 24 hours the site could not host (`images = "host"`), and the
    # newest problem line, which names the picture and says why: the copies went up without.
    pictures_failed_24h: int = 0
    last_picture_error: str | None = None

    @property
    def moved(self) -> bool:
        """The source is polled at another URL than the settings say (a permanent redirect)."""
        return self.url != self.configured_url

    @property
    def failing(self) -> bool:
        return self.state in (FAILING, BACKING_OFF)

    def as_json(self) -> dict[str, Any]:
        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value is not None else None

        return {
            "id": self.id,
            "name": self.name,
            "state": self.state,
            "last_polled_at": iso(self.last_polled_at),
            "last_success_at": iso(self.last_success_at),
            "last_error": self.last_error,
            "last_error_at": iso(self.last_error_at),
            "next_poll_at": iso(self.next_poll_at),
            "consecutive_failures": self.consecutive_failures,
            "items_24h": self.items_24h,
            "url": self.url,
            "configured_url": self.configured_url,
            "moved": self.moved,
            "pictures_failed_24h": self.pictures_failed_24h,
            "last_picture_error": self.last_picture_error,
        }


def source_health(
    engine: Engine, settings: Settings, now: datetime | None = None
) -> list[SourceHealth]:
    """A row per configured source, in the settings' order. Raises if the database is down."""
    now = now or utcnow()
    states = source_states(engine)
    recent = versions_since(engine, now - RECENT)
    pictures = picture_problems(engine, now - RECENT)
    return [
        _health(s, states.get(s.id), recent.get(s.id, 0), pictures.get(s.id))
        for s in settings.sources
    ]


def health_report(
    engine: Engine,
    settings: Settings,
    now: datetime | None = None,
    *,
    write_outage: str | None = None,
) -> tuple[dict[str, Any], int]:
    """The `/health` answer and its HTTP status: 200 ok or degraded, 503 down.

    "degraded" means the site serves but some sources fail (or, in cluster mode, jobs wait
    and no worker is alive); a monitor should page someone for "down" and open a ticket for
    "degraded". `write_outage` is this process's line about
    a database that answers but refuses every write (a full disk): that is "down" too, since
    no news goes up until someone acts, though the pages already stored still serve.
    """
    now = now or utcnow()
    try:
        rows = source_health(engine, settings, now)
        arrived = languages_since(engine, now - RECENT)
        queue = queue_figures(engine)
    except Exception as e:
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        body = {
            "status": "down",
            "database": False,
            "error": first[:MAX_ERROR_CHARS],
            "checked_at": now.isoformat(),
        }
        return body, 503
    if write_outage is not None:
        return {
            "status": "down",
            "database": True,
            "writes": False,
            "error": write_outage[:MAX_ERROR_CHARS],
            "checked_at": now.isoformat(),
        }, 503
    failing = [r.id for r in rows if r.failing]
    polled_times = [r.last_polled_at for r in rows if r.last_polled_at is not None]
    jobs = _jobs(queue) if queue is not None else None
    stuck = jobs is not None and jobs["stuck"]
    body = {
        "status": "degraded" if failing or stuck else "ok",
        "database": True,
        "sources": {
            "total": len(rows),
            "failing": failing,
            "never_polled": [r.id for r in rows if r.state == NEVER_POLLED],
            # pictures the site could not host lately: the stories went up without them,
            # which is worth a look but no reason to call the site degraded
            "pictures_failing": [r.id for r in rows if r.pictures_failed_24h],
        },
        "last_poll_at": max(polled_times).isoformat() if polled_times else None,
        "editions": _editions(settings, arrived),
        "checked_at": now.isoformat(),
    }
    if jobs is not None:
        body["jobs"] = jobs
    return body, 200


def _jobs(queue: QueueFigures) -> dict[str, Any]:
    """Cluster mode's queue: each worker's last heartbeat, how long the oldest due job has
    waited (`lag_seconds`), the jobs waiting and running by task. "stuck": jobs have waited
    past STUCK_AFTER and no worker is alive; nothing is ingested until one starts. A
    PostgreSQL site run by `wiredesk run` has the queue's tables but no workers and no jobs,
    so it is never stuck."""
    alive = queue.alive(WORKER_ALIVE_WITHIN)
    lag = queue.lag_seconds()
    return {
        "workers": [
            {
                "id": worker,
                "last_heartbeat": at.isoformat(),
                "alive": worker in alive,
            }
            for worker, at in sorted(queue.heartbeats.items())
        ],
        "workers_alive": len(alive),
        "lag_seconds": round(lag, 1),
        "waiting": queue.waiting,
        "running": queue.running,
        "stuck": bool(queue.waiting) and lag > STUCK_AFTER and not alive,
    }


def _editions(settings: Settings, arrived: dict[str | None, int]) -> dict[str, Any]:
    """The languages the site publishes, and the copies of the last 24 hours by language:
    those in a language with no edition are stored but on no page, list or feed, and an
    operator should see how many (an agency sending the wrong language, a missing edition).
    A copy whose language is unknown counts as "und" (BCP 47's undetermined)."""
    published = [e.language for e in settings.site.editions]
    counts = {language or "und": n for language, n in sorted(arrived.items(), key=str)}
    return {
        "published": published,
        "copies_24h": counts,
        "unpublished_24h": {k: n for k, n in counts.items() if k not in published},
    }


def _health(
    source: SourceSettings,
    state: SourceState | None,
    recent: int,
    pictures: tuple[int, str] | None = None,
) -> SourceHealth:
    configured = source.location
    current = configured
    # A permanent redirect moved it: `configured_url` says which settings the redirect was
    # followed for. Without that, a different `url` is a stale one from older settings.
    if state is not None and state.url and state.configured_url == configured:
        current = state.url
    return SourceHealth(
        id=source.id,
        name=source.name,
        state=_state(source, state),
        last_polled_at=state.last_polled_at if state else None,
        last_success_at=state.last_success_at if state else None,
        last_error=_one_line(state.last_error) if state and state.last_error else None,
        last_error_at=state.last_error_at if state else None,
        next_poll_at=state.next_poll_at if state and source.polled else None,
        consecutive_failures=state.consecutive_failures if state else 0,
        items_24h=recent,
        url=current,
        configured_url=configured,
        pictures_failed_24h=pictures[0] if pictures else 0,
        last_picture_error=_one_line(pictures[1]) if pictures and pictures[1] else None,
    )


def _state(source: SourceSettings, state: SourceState | None) -> str:
    if not source.polled:
        return PUSH_ONLY
    if state is None or state.last_polled_at is None:
        return NEVER_POLLED
    if state.last_error:  # a success clears it, so it is the last poll's
        if state.consecutive_failures >= BACKOFF_AFTER_FAILURES:
            return BACKING_OFF
        return FAILING
    return OK


def _one_line(text_: str) -> str:
    line = " ".join(text_.split())
    return line if len(line) <= MAX_ERROR_CHARS else line[: MAX_ERROR_CHARS - 1] + "…"
