"""Polls every source on its own `poll_every`, forever, inside whatever event loop runs it.

Each source gets its own small loop, so a slow agency never delays a fast one; a shared
semaphore bounds how many polls run at once (`[site] max_concurrent_polls`; the fetcher also
limits requests per host), and one lock keeps database writes one at a time (SQLite has one
writer). Sources that are overdue at start-up (per the stored `next_poll_at`)
are polled first, which is what an operator expects after a restart.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from wiredesk import metrics
from wiredesk.config import Settings, SourceSettings
from wiredesk.ingest.outcomes import SourceReport
from wiredesk.ingest.polling import ingest_source_async
from wiredesk.ingest.reprocess import recover_unfinished
from wiredesk.ingest.transports.fetched import Fetcher
from wiredesk.ingest.transports.lazy import LazyFetcher
from wiredesk.ingest.write_lock import locked
from wiredesk.model import utcnow
from wiredesk.store.database import Database
from wiredesk.store.ledger import source_state
from wiredesk.store.outage import DatabaseUnwritable

log = logging.getLogger(__name__)


class Scheduler:
    def __init__(
        self,
        settings: Settings,
        db: Database,
        *,
        max_parallel: int | None = None,
        on_report: Callable[[SourceReport], None] | None = None,
        clock: Callable[[], datetime] = utcnow,
        write_lock: threading.Lock | None = None,
    ) -> None:
        """`write_lock` is shared with anything else writing to the same store in this process
        (the push endpoint), so SQLite sees one writer at a time."""
        self.settings = settings
        self.db = db
        self.on_report = on_report
        self.clock = clock
        self._slots = asyncio.Semaphore(max_parallel or settings.site.max_concurrent_polls)
        self._store_lock = asyncio.Lock()
        self._write_lock = write_lock
        self._polled = [s for s in settings.sources if s.polled]  # push-only: nothing to poll

    async def run(self) -> None:
        """Run until cancelled."""
        if not self._polled:
            log.warning("no polled sources configured; nothing to poll")
            return
        await self._recover_unfinished()
        first_due = await asyncio.to_thread(self._first_due)
        order = sorted(self._polled, key=lambda s: first_due[s.id])
        async with LazyFetcher(self.settings) as fetcher, asyncio.TaskGroup() as group:
            for source in order:
                group.create_task(self._loop(source, first_due[source.id], fetcher))

    async def _recover_unfinished(self) -> None:
        """Process the payloads an earlier run stored but left "received", before polling.

        A database that refuses writes then (the disk that stopped the earlier run is still
        full) is an outage like one met while polling: one line, and again after the
        shortest poll interval until it passes. Raised, it ended the poller for good while
        the site went on serving, and nothing was polled until a restart."""
        while True:
            try:
                await asyncio.to_thread(
                    locked, self._write_lock, recover_unfinished, self.settings, self.db
                )
                return
            except DatabaseUnwritable as e:
                log.error("%s", e)
                await asyncio.sleep(min(s.poll_every for s in self._polled))

    def _first_due(self) -> dict[str, datetime]:
        now = self.clock()
        due: dict[str, datetime] = {}
        for s in self._polled:
            state = source_state.get(self.db, s.id)
            configured = None if state is None else (state.configured_url or state.url)
            if state is None or state.next_poll_at is None or configured != s.location:
                due[s.id] = now
            else:
                due[s.id] = state.next_poll_at
        return due

    async def _loop(self, source: SourceSettings, due: datetime, fetcher: Fetcher) -> None:
        while True:
            wait = (due - self.clock()).total_seconds()
            if wait > 0:
                await asyncio.sleep(wait)
            async with self._slots:
                started = time.perf_counter()
                try:
                    report = await ingest_source_async(
                        self.settings,
                        self.db,
                        source,
                        fetcher=fetcher,
                        store_lock=self._store_lock,
                        write_lock=self._write_lock,
                    )
                except DatabaseUnwritable as e:  # an outage, not a bug: one line, no traceback
                    log.error("%s", e)
                    due = self.clock() + _seconds(source.poll_every)
                    continue
                except Exception:  # e.g. the database went away: log, wait, try again
                    log.exception("polling source %r failed", source.id)
                    due = self.clock() + _seconds(source.poll_every)
                    continue
            tell(report, time.perf_counter() - started)
            if self.on_report is not None:
                self.on_report(report)
            due = report.next_poll_at or self.clock() + _seconds(source.poll_every)


def tell(report: SourceReport, seconds: float) -> None:
    """Count a poll (`wiredesk.metrics`) and log it: a failure always, a poll that brought
    payloads at INFO. Cluster mode's poll jobs report through here too."""
    metrics.count_poll(
        report.source_id,
        ok=report.ok,
        not_modified=report.not_modified,
        payloads=report.envelopes,
        new_stories=report.new_stories,
        new_versions=report.new_versions,
        dropped=report.dropped,
        problems=len(report.problems),
        seconds=seconds,
    )
    if not report.ok:  # an operator must see it without -v, in any log filter
        log.warning("%s", report.line())
    elif report.envelopes:
        log.info("%s", report.line())


def _seconds(value: float) -> timedelta:
    return timedelta(seconds=value)
