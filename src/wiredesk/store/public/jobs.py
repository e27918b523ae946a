"""What the job queue of cluster mode says, for `/health` and `/metrics` (read only).

Cluster mode's workers take jobs from procrastinate's tables in the site's database
(src/wiredesk/cluster/); each worker writes a heartbeat there. Every web process reads the
same tables, so each one reports on the whole cluster. A database without them (SQLite; a
PostgreSQL site that never ran a worker still has them, empty) gives None.

Every query is bounded whatever the queue's history: the waiting and running jobs along
procrastinate's partial indexes, latency over the last `RECENT_JOBS` jobs started (by id,
their events by job id).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, Engine, text

# Jobs whose start the latency figures cover: the newest ones that started.
RECENT_JOBS = 500


@dataclass(frozen=True, slots=True)
class Latency:
    """From queued (or due, or handed back) to started, over the recent jobs of a task."""

    jobs: int
    mean_seconds: float
    max_seconds: float


@dataclass(frozen=True, slots=True)
class QueueFigures:
    now: datetime  # the database's clock, which the heartbeats were written by
    heartbeats: dict[int, datetime]  # worker id -> its last heartbeat
    waiting: dict[str, int]  # task -> jobs due and not started
    running: dict[str, int]  # task -> jobs started and not ended
    oldest_waiting_since: datetime | None  # when the longest-waiting due job became due
    latency: dict[str, Latency] = field(default_factory=dict)

    def lag_seconds(self) -> float:
        """How long the oldest due job has waited (0 when none waits)."""
        if self.oldest_waiting_since is None:
            return 0.0
        return max((self.now - self.oldest_waiting_since).total_seconds(), 0.0)

    def alive(self, within_seconds: float) -> dict[int, datetime]:
        """The workers whose last heartbeat is at most `within_seconds` old."""
        return {
            w: at
            for w, at in self.heartbeats.items()
            if (self.now - at).total_seconds() <= within_seconds
        }


def queue_figures(engine: Engine) -> QueueFigures | None:
    """The queue as it is now; None when the database has no job queue."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as conn:
        if conn.exec_driver_sql("SELECT to_regclass('procrastinate_jobs')").scalar() is None:
            return None
        now = conn.exec_driver_sql("SELECT now()").scalar_one()
        heartbeats = {
            int(w): at
            for w, at in conn.exec_driver_sql(
                "SELECT id, last_heartbeat FROM procrastinate_workers"
            )
        }
        waiting, running = _counts(conn)
        oldest = conn.execute(text(_OLDEST_WAITING)).scalar()
        latency = {
            str(task): Latency(int(n), float(mean), float(most))
            for task, n, mean, most in conn.execute(text(_LATENCY), {"recent": RECENT_JOBS})
        }
    return QueueFigures(now, heartbeats, waiting, running, oldest, latency)


def _counts(conn: Connection) -> tuple[dict[str, int], dict[str, int]]:
    waiting: dict[str, int] = {}
    running: dict[str, int] = {}
    rows = conn.exec_driver_sql(
        "SELECT task_name, status::text, count(*) FROM procrastinate_jobs"
        " WHERE status IN ('todo', 'doing')"
        " AND (status = 'doing' OR scheduled_at IS NULL OR scheduled_at <= now())"
        " GROUP BY task_name, status"
    )
    for task, status, n in rows:
        (waiting if status == "todo" else running)[str(task)] = int(n)
    return waiting, running


# When each due job became due: the later of its schedule and its last queueing.
_DUE_SINCE = (
    "greatest(coalesce(j.scheduled_at, '-infinity'::timestamptz), (SELECT max(e.at)"
    " FROM procrastinate_events AS e WHERE e.job_id = j.id"
    " AND e.type IN ('deferred', 'deferred_for_retry', 'retried')))"
)
_OLDEST_WAITING = (
    f"SELECT min({_DUE_SINCE}) FROM procrastinate_jobs AS j WHERE j.status = 'todo'"
    " AND (j.scheduled_at IS NULL OR j.scheduled_at <= now())"
)
_LATENCY = (
    "SELECT task_name, count(*), avg(seconds), max(seconds) FROM ("
    " SELECT j.task_name, extract(epoch FROM s.at - greatest("
    "  coalesce(j.scheduled_at, '-infinity'::timestamptz), d.at)) AS seconds"
    " FROM (SELECT id, task_name, scheduled_at FROM procrastinate_jobs"
    "  WHERE status <> 'todo' ORDER BY id DESC LIMIT :recent) AS j"
    " CROSS JOIN LATERAL (SELECT max(at) AS at FROM procrastinate_events AS e"
    "  WHERE e.job_id = j.id AND e.type = 'started') AS s"
    " CROSS JOIN LATERAL (SELECT max(at) AS at FROM procrastinate_events AS e"
    "  WHERE e.job_id = j.id AND e.type IN ('deferred', 'deferred_for_retry', 'retried')"
    "  AND e.at <= s.at) AS d"
    " WHERE s.at IS NOT NULL AND d.at IS NOT NULL"
    ") AS started GROUP BY task_name"
)
