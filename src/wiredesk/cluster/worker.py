"""`wiredesk worker`: one process taking jobs from the queue until SIGTERM.

It opens (and migrates) the database like every wiredesk process, makes sure the queue's
schema is there, loads the syndication index in the background as `wiredesk run` does, and
then runs procrastinate's worker with wiredesk's tasks (`queue`, `jobs`) beside its own
dispatcher (`dispatch`).

Stopping. The first SIGTERM (or Ctrl-C) stops taking jobs and lets the running ones finish,
for `GRACE` seconds (`grace`); an async job still running then (a poll's fetch, a WebSub turn) is
cancelled and goes back to the queue or is queued again when due; a payload's job runs in a
thread, which cannot be cancelled: `GRACE + EXIT_AFTER` seconds after the signal the process
exits whatever runs. Nothing is lost by it: each write is a transaction, the job stays
"doing" with this worker's heartbeat stopped, and another worker's dispatcher hands it back
`stalled_after` seconds later; the payload's job starts again from its stored bytes. A second
signal exits at once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable

from wiredesk.cluster import queue
from wiredesk.cluster.dispatch import Dispatcher
from wiredesk.cluster.jobs import Jobs
from wiredesk.config import Settings
from wiredesk.errors import WiredeskError
from wiredesk.ingest import grouping
from wiredesk.runtime.database import open_database
from wiredesk.store import job_queue
from wiredesk.store.database import MIGRATION_LOCK, Database

log = logging.getLogger(__name__)

# Seconds running jobs get to finish after SIGTERM; then async ones are cancelled (at most a
# third of `stalled_after`: `grace`).
GRACE = 10.0
# Seconds after that before the process exits whatever still runs (a payload's thread).
EXIT_AFTER = 3.0
# Jobs one worker runs at once (polls wait on the network; payloads' writes take turns).
CONCURRENCY = 4
# Seconds without a heartbeat after which a worker counts as dead and its jobs are handed
# back (procrastinate's default); heartbeats are sent three times as often.
STALLED_AFTER = 30.0


def run(
    settings: Settings,
    *,
    concurrency: int = CONCURRENCY,
    stalled_after: float = STALLED_AFTER,
    on_ready: Callable[[], None] | None = None,
) -> None:
    queue.refuse_sqlite(settings, "worker")
    db = open_database(settings)
    try:
        ensure_queue_schema(db)
        if on_ready is not None:
            on_ready()
        asyncio.run(_work(settings, db, concurrency=concurrency, stalled_after=stalled_after))
    except KeyboardInterrupt:  # before the handlers were installed
        pass
    finally:
        db.close()


def ensure_queue_schema(db: Database) -> None:
    """The queue's tables: made by migration 0021, or here if procrastinate was not installed
    when the database was migrated (under the migration lock: workers may start together)."""
    with db.engine.begin() as conn:
        if job_queue.present(conn):
            return
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        if not job_queue.apply(conn) and not job_queue.present(conn):
            raise WiredeskError(
                "the job queue's tables are missing and procrastinate is not installed; "
                "install it with `pip install wiredesk[postgres]`"
            )
    log.info("made the job queue's tables")


async def _work(
    settings: Settings, db: Database, *, concurrency: int, stalled_after: float
) -> None:
    from procrastinate.worker import Worker

    jobs = Jobs(settings, db)
    app = queue.make_app(settings, jobs)
    grouping.load_in_background(db, jobs.write_lock)
    try:
        async with app.open_async(), jobs:
            worker = Worker(
                app,
                name=f"{socket.gethostname()}:{os.getpid()}",
                concurrency=concurrency,
                install_signal_handlers=False,  # ours: a second signal, and the exit watchdog
                shutdown_graceful_timeout=grace(stalled_after),
                update_heartbeat_interval=max(stalled_after / 3, 0.5),
                stalled_worker_timeout=stalled_after,
            )
            dispatcher = asyncio.create_task(
                Dispatcher(settings, db, app, stalled_after=stalled_after).run(), name="dispatch"
            )
            with _stopping(worker, dispatcher, jobs, stalled_after):
                await worker.run()  # type: ignore[no-untyped-call]
            dispatcher.cancel()
            await asyncio.gather(dispatcher, return_exceptions=True)
    finally:
        grouping.stop_loading(db)


def grace(stalled_after: float) -> float:
    """Seconds the running jobs get after SIGTERM: `GRACE`, or a third of `stalled_after`
    if that is shorter. A stopping worker sends no heartbeat, so it must be gone (grace and
    `exit_after`) before the others count it dead and start its jobs again."""
    return min(GRACE, stalled_after / 3)


def exit_after(stalled_after: float) -> float:
    return min(EXIT_AFTER, stalled_after / 3)


class _stopping:
    """SIGTERM/SIGINT: stop taking jobs, stop dispatching, end a WebSub turn, and arm the
    exit watchdog; a second one exits at once."""

    def __init__(
        self, worker: object, dispatcher: asyncio.Task[None], jobs: Jobs, stalled_after: float
    ) -> None:
        self.worker = worker
        self.dispatcher = dispatcher
        self.jobs = jobs
        self.stalled_after = stalled_after
        self.signalled = False

    def __enter__(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._handle, sig)

    def __exit__(self, *exc: object) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)

    def _handle(self, sig: signal.Signals) -> None:
        if self.signalled:
            log.warning("received %s again: exiting now", sig.name)
            _exit_now()
        self.signalled = True
        bound = grace(self.stalled_after) + exit_after(self.stalled_after)
        log.info("received %s: finishing the running jobs (at most %.0f s)", sig.name, bound)
        self.dispatcher.cancel()
        self.jobs.stop()
        self.worker.stop()  # type: ignore[attr-defined]
        threading.Thread(target=_watchdog, args=(bound,), name="exit watchdog", daemon=True).start()


def _watchdog(bound: float) -> None:
    time.sleep(bound)
    log.warning(
        "stopping: a job still running after %.0f s; exiting now (another worker takes it "
        "up again)",
        bound,
    )
    _exit_now()


def _exit_now() -> None:
    logging.shutdown()
    os._exit(0)
