"""What a worker's jobs do: poll a source, accept a stored payload, a turn of WebSub.

Each is the one-process runtime's own code (ingest/polling.py, ingest/reprocess.py,
runtime/websub/publisher.py), run by whichever worker takes the job:

- **Poll.** The poll of `ingest_source_async`, as the scheduler makes it: fetch (or read the
  drop folder), store raw, process, remember in the source's state when it is due next. The
  source's advisory lock is tried first, so a source is polled by one process at a time even
  beside an old `wiredesk ingest`; a poll queued before another worker polled the source
  finds it not due and does nothing.
- **Accept.** A stored payload ("received") processed by `reprocess_envelope`. Holding the
  envelope's advisory lock, the job reads the envelope's status and processes only a
  payload still "received": the status is written in the transaction that saves its last
  copies, so a job run twice, or after a worker died mid-way, finds it processed or
  processes it again from the start, and saving what was saved before is a replay (no copy
  or version twice).
- **WebSub.** The publisher of the one-process runtime, run for `WEBSUB_TURN` seconds by one
  worker at a time (the job's lock), then queued again by the dispatcher: the feeds it sends
  are rendered by a site app in the worker, through the same page cache code, and each
  subscription's last sent hash is in the database, so the next turn, in any worker, goes on
  where this one stopped. An embargo ends by the clock, with no write: the publisher's tick
  finds the changed feeds, and the web processes' caches hold pages only until the gate's
  next change (`PublicReader.next_change_after`), as in one process.

Writes in one worker take its write lock, as in the one-process runtime: a worker is one
writer; the cluster scales by workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from datetime import timedelta

from wiredesk import metrics
from wiredesk.config import Settings
from wiredesk.ingest.polling import ingest_source_async
from wiredesk.ingest.reprocess import reprocess_envelope
from wiredesk.ingest.scheduler import tell
from wiredesk.ingest.transports.lazy import LazyFetcher
from wiredesk.ingest.write_lock import locked
from wiredesk.model import EnvelopeStatus, utcnow
from wiredesk.runtime.websub.publisher import Publisher
from wiredesk.store.database import Database
from wiredesk.store.job_queue import holding_envelope, holding_source
from wiredesk.store.ledger import envelopes, source_state
from wiredesk.store.outage import DatabaseUnwritable

log = logging.getLogger(__name__)

# Seconds one WebSub job sends notifications before it ends and another is queued.
WEBSUB_TURN = 60.0
# A poll queued for a source whose next poll is further off than this was overtaken by
# another worker's poll: it does nothing.
NOT_DUE_SLACK = timedelta(seconds=1)


class Jobs:
    def __init__(self, settings: Settings, db: Database) -> None:
        self.settings = settings
        self.db = db
        self.write_lock = threading.Lock()  # one writer per worker, as in one process
        self.fetcher: LazyFetcher | None = None
        self._publisher: Publisher | None = None
        self._stopping = asyncio.Event()

    async def __aenter__(self) -> Jobs:
        self.fetcher = await LazyFetcher(self.settings).__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.fetcher is not None:
            await self.fetcher.__aexit__(None, None, None)
        if self._publisher is not None:
            await self._publisher.render.aclose()  # type: ignore[attr-defined]

    # --- poll ------------------------------------------------------------------------------

    async def poll(self, source_id: str) -> None:
        source = self.settings.source(source_id)
        if source is None or not source.polled:
            log.info("poll of %r skipped: no such polled source in the settings", source_id)
            return
        assert self.fetcher is not None, "Jobs used outside `async with`"
        with contextlib.ExitStack() as stack:
            got = await asyncio.to_thread(stack.enter_context, holding_source(self.db, source_id))
            if not got:
                log.info("source %r is being polled by another process; skipped", source_id)
                await asyncio.to_thread(stack.close)
                return
            try:
                if not await asyncio.to_thread(self._due, source_id, source.location):
                    return
                started = time.perf_counter()
                try:
                    report = await ingest_source_async(
                        self.settings,
                        self.db,
                        source,
                        fetcher=self.fetcher,
                        write_lock=self.write_lock,
                    )
                except Exception as e:  # the database refuses writes, or is away
                    await self._wait_out(source_id, source.poll_every, e)
                    return
                tell(report, time.perf_counter() - started)
            finally:
                await asyncio.to_thread(stack.close)  # the lock's connection: not in the loop

    async def _wait_out(self, source_id: str, poll_every: float, error: Exception) -> None:
        """A poll the database stopped (an outage, not the source's fault: its state could
        not be written): said in one line, and the job keeps the source's turn for
        `poll_every` seconds, as the one-process scheduler waits, so that the dispatcher does
        not queue a poll of it every second and fetch the agency's feed as often. A stop
        ends the wait."""
        if isinstance(error, DatabaseUnwritable):
            log.error("%s", error)
        else:  # the database away, or a bug: the whole story, for whoever looks into it
            log.error("polling source %r failed", source_id, exc_info=error)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), poll_every)

    def _due(self, source_id: str, location: str) -> bool:
        state = source_state.get(self.db, source_id)
        if state is None or state.next_poll_at is None:
            return True
        if (state.configured_url or state.url) != location:
            return True
        return state.next_poll_at <= utcnow() + NOT_DUE_SLACK

    # --- accept ----------------------------------------------------------------------------

    def accept(self, envelope_id: int) -> None:
        """Process a stored payload, once (blocking: a worker thread)."""
        with holding_envelope(self.db, envelope_id):
            row = envelopes.status_of(self.db, envelope_id)
            if row is None:
                log.info("envelope %d is not in the database; nothing to accept", envelope_id)
                return
            source_id, status = row
            if status != EnvelopeStatus.RECEIVED.value:
                return  # processed before: by an earlier run of this job, or a poll
            if self.settings.source(source_id) is None:
                log.warning(
                    "envelope %d came from source %r, which is not in %s; left unprocessed "
                    "(add the source back, then `wiredesk reprocess %d`)",
                    envelope_id,
                    source_id,
                    self.settings.path,
                    envelope_id,
                )
                return
            out = locked(self.write_lock, reprocess_envelope, self.settings, self.db, envelope_id)
        metrics.count_items(
            source_id,
            payloads=1,
            new_stories=out.new_stories,
            new_versions=out.new_versions,
            dropped=out.dropped,
            quarantined=out.still_quarantined,
        )
        log.info(
            "source %s: envelope %d processed, %d new stories, %d new versions%s",
            source_id,
            envelope_id,
            out.new_stories,
            out.new_versions,
            f" ({out.error})" if out.error else "",
        )

    # --- WebSub ----------------------------------------------------------------------------

    async def websub_turn(self) -> None:
        if not self.settings.websub.enabled:
            return
        publisher = self._publisher or self._make_publisher()
        turn = asyncio.create_task(publisher.run(), name="websub")
        stopping = asyncio.create_task(self._stopping.wait())
        try:  # the turn ends after WEBSUB_TURN seconds, or at once when the worker stops
            await asyncio.wait([turn, stopping], timeout=WEBSUB_TURN)
        finally:
            for task in (turn, stopping):
                task.cancel()
            await asyncio.gather(turn, stopping, return_exceptions=True)
        if turn.done() and not turn.cancelled() and turn.exception() is not None:
            raise turn.exception()  # type: ignore[misc]

    def stop(self) -> None:
        """The worker is stopping: a WebSub turn ends now (the next worker's goes on)."""
        self._stopping.set()

    def _make_publisher(self) -> Publisher:
        """The one-process runtime's publisher, rendering through a site app of this worker
        (the hub's route is the web processes'; this one only sends)."""
        from wiredesk.runtime.embedded import site_app

        app = site_app(self.settings, self.db, write_lock=self.write_lock)
        publisher: Publisher | None = app.state.websub
        assert publisher is not None  # websub is enabled
        self._publisher = publisher
        return publisher
