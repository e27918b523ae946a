"""The job queue: a procrastinate App over the site's database, and wiredesk's tasks on it.

Every task takes what locates its work (a source id, an envelope id) and nothing else; what a
job does is in `jobs`. Locks, by procrastinate's rules:

- `lock="source:<id>"` on polls and payload accepts: a source's jobs run one at a time, in
  the order they were queued, across the cluster, so its payloads are processed in order of
  arrival (the order decides version numbers) and no two workers save the same copy at once;
- `queueing_lock="poll:<id>"`, `"accept:<envelope id>"`, `"websub"`: a job is waiting at most
  once.

A job of a worker that died stays "doing" until the dispatcher of a living worker hands it
back (`dispatch`, procrastinate's heartbeats); a job retried while its first run is somehow
still alive is kept from overlapping it by an advisory lock (`store.job_queue`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import make_url

from wiredesk.config import Settings
from wiredesk.errors import WiredeskError

if TYPE_CHECKING:
    import procrastinate

    from wiredesk.cluster.jobs import Jobs

log = logging.getLogger(__name__)

POLL = "wiredesk.poll"
ACCEPT = "wiredesk.accept"
WEBSUB = "wiredesk.websub"

# A payload's job that fails (the database away for a moment) is tried again: 2, 4, 8 ...
# seconds later, ten times. Its source's later jobs wait meanwhile (they share its lock).
ACCEPT_ATTEMPTS = 10
ACCEPT_BACKOFF = 2


def refuse_sqlite(settings: Settings, command: str) -> None:
    """Cluster mode needs PostgreSQL: one line saying so, and what to run instead."""
    if not settings.site.database.startswith("postgresql"):
        raise WiredeskError(
            f"wiredesk {command}: cluster mode needs PostgreSQL, and site.database in "
            f"{settings.path} is SQLite; `wiredesk run` does everything in one process there"
        )


def conninfo(database_url: str) -> str:
    """The libpq address of the site's database URL (SQLAlchemy's, with its driver named)."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def make_app(settings: Settings, jobs: Jobs | None = None) -> procrastinate.App:
    """The App, with wiredesk's tasks. `jobs` does the work (a worker); without it the App
    can only queue jobs (a web process)."""
    try:
        import procrastinate
    except ImportError:
        raise WiredeskError(
            "cluster mode needs procrastinate; install it with `pip install wiredesk[postgres]`"
        ) from None
    connector = procrastinate.PsycopgConnector(
        conninfo=conninfo(settings.site.database), min_size=1, max_size=4
    )
    app = procrastinate.App(connector=connector)

    def work() -> Jobs:
        if jobs is None:  # a web process queues jobs; it never runs them
            raise RuntimeError("this process only queues jobs")
        return jobs

    @app.task(name=POLL, pass_context=True)
    async def poll(context: Any, source_id: str) -> None:
        await work().poll(source_id)

    @app.task(
        name=ACCEPT,
        pass_context=True,
        retry=procrastinate.RetryStrategy(
            max_attempts=ACCEPT_ATTEMPTS, exponential_wait=ACCEPT_BACKOFF
        ),
    )
    def accept(context: Any, envelope_id: int) -> None:  # sync: runs in a thread
        work().accept(envelope_id)

    @app.task(name=WEBSUB, pass_context=True)
    async def websub(context: Any) -> None:
        await work().websub_turn()

    return app


async def defer_poll(app: procrastinate.App, source_id: str) -> bool:
    """Queue a poll of the source unless one is waiting; whether it was queued."""
    lock, queueing_lock = f"source:{source_id}", f"poll:{source_id}"
    return await _defer(app, POLL, lock=lock, queueing_lock=queueing_lock, source_id=source_id)


async def defer_accept(app: procrastinate.App, source_id: str, envelope_id: int) -> bool:
    """Queue the processing of a stored payload unless it is waiting; whether it was queued."""
    return await _defer(
        app,
        ACCEPT,
        lock=f"source:{source_id}",
        queueing_lock=f"accept:{envelope_id}",
        envelope_id=envelope_id,
    )


async def defer_websub(app: procrastinate.App) -> bool:
    """Queue a turn of WebSub notifications unless one is waiting."""
    return await _defer(app, WEBSUB, lock="websub", queueing_lock="websub")


async def _defer(
    app: procrastinate.App, task: str, *, lock: str, queueing_lock: str, **kwargs: Any
) -> bool:
    from procrastinate.exceptions import AlreadyEnqueued

    try:
        await app.configure_task(task, lock=lock, queueing_lock=queueing_lock).defer_async(**kwargs)
    except AlreadyEnqueued:
        return False
    return True
