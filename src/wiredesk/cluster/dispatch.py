"""Each worker's dispatcher: queue what is due, hand back what died.

Every `DISPATCH_EVERY` seconds, in every worker (jobs' queueing locks make the workers'
dispatchers agree without talking):

- a poll of each polled source that is due by the schedule stored in the database
  (`source_state.next_poll_at`, written by the last poll, whichever worker made it; a source
  never polled, or whose settings changed, is due now), unless one is waiting or running;
- a WebSub turn when `[websub]` is on and none is waiting or running.

Every `RECOVER_EVERY` seconds:

- the jobs of workers whose heartbeat stopped (`stalled_after`: killed, the machine gone)
  are handed back to the queue (procrastinate's `retry_job`), and those workers are removed
  from the list of workers;
- finished jobs older than an hour are deleted (every ten minutes);
- payloads stored more than `RECOVER_AFTER` ago and still unprocessed, with no job for them,
  get one: a worker killed in a poll, between storing a payload and processing it (looked
  for every `LEFT_PAYLOADS_EVERY` seconds: the status of envelopes has no index, and the
  look reads the envelopes' bookkeeping, without their bytes, which at a million payloads
  is a fraction of a second of one worker's database time).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from wiredesk.cluster import queue
from wiredesk.config import Settings
from wiredesk.model import utcnow
from wiredesk.store import job_queue
from wiredesk.store.database import Database
from wiredesk.store.public.status import source_states

if TYPE_CHECKING:
    import procrastinate

log = logging.getLogger(__name__)

DISPATCH_EVERY = 1.0
RECOVER_EVERY = 5.0
# A payload stored this long ago and still unprocessed, with no job waiting for it, was left
# by a worker that died: longer than any poll takes between storing a payload and processing it.
RECOVER_AFTER = timedelta(seconds=30)
# Finished jobs are deleted after this many hours, looked for every CLEANUP_EVERY seconds.
KEEP_FINISHED_HOURS = 1
CLEANUP_EVERY = 600.0
# Seconds between two looks for payloads left unprocessed.
LEFT_PAYLOADS_EVERY = 30.0


class Dispatcher:
    def __init__(
        self,
        settings: Settings,
        db: Database,
        app: procrastinate.App,
        *,
        stalled_after: float,
        recover_after: timedelta = RECOVER_AFTER,
    ) -> None:
        self.settings = settings
        self.db = db
        self.app = app
        self.stalled_after = stalled_after
        self.recover_after = recover_after
        self._last_cleanup = 0.0
        self._last_left_look = 0.0
        self._polled = {s.id: s.location for s in settings.sources if s.polled}

    async def run(self) -> None:
        """Until cancelled; a failed round (the database away) is logged and tried again."""
        last_recovery = 0.0
        loop = asyncio.get_running_loop()
        while True:
            try:
                await self.dispatch()
                if loop.time() - last_recovery >= RECOVER_EVERY:
                    last_recovery = loop.time()
                    await self.recover()
            except Exception as e:
                log.warning("dispatcher: %s: %s; trying again", type(e).__name__, e)
            await asyncio.sleep(DISPATCH_EVERY)

    async def dispatch(self) -> int:
        """Queue the polls that are due (and a WebSub turn); how many were queued."""
        queued = 0
        if self._polled:
            due = await asyncio.to_thread(self._due, utcnow())
            for source_id in due:
                queued += await queue.defer_poll(self.app, source_id)
        websub = self.settings.websub.enabled
        if websub and not await asyncio.to_thread(job_queue.any_active, self.db, queue.WEBSUB):
            queued += await queue.defer_websub(self.app)
        return queued

    def _due(self, now: datetime) -> list[str]:
        states = source_states(self.db.engine)
        active = job_queue.active(self.db, queue.POLL, "source_id")
        due = []
        for source_id, location in self._polled.items():
            if source_id in active:
                continue
            state = states.get(source_id)
            if (
                state is None
                or state.next_poll_at is None
                or (state.configured_url or state.url) != location
                or state.next_poll_at <= now
            ):
                due.append(source_id)
        return due

    async def recover(self) -> None:
        """Hand back dead workers' jobs; give a job to payloads left unprocessed."""
        from procrastinate.exceptions import ConnectorException

        manager = self.app.job_manager
        for job in await manager.get_stalled_jobs(seconds_since_heartbeat=self.stalled_after):
            try:
                await manager.retry_job(job)
            except ConnectorException:  # another worker's dispatcher handed it back first
                continue
            log.warning("job %s (%s) of a worker that stopped: queued again", job.id, job.task_name)
        # and the dead workers leave the list (`/health`): procrastinate prunes only at a start
        await manager.prune_stalled_workers(self.stalled_after)
        now = asyncio.get_running_loop().time()
        if now - self._last_cleanup >= CLEANUP_EVERY:
            self._last_cleanup = now
            # finished jobs are kept an hour: /metrics reads recent latency from them
            await manager.delete_old_jobs(nb_hours=KEEP_FINISHED_HOURS)
        if now - self._last_left_look < LEFT_PAYLOADS_EVERY:
            return
        self._last_left_look = now
        left = await asyncio.to_thread(
            job_queue.unqueued_payloads,
            self.db,
            queue.ACCEPT,
            utcnow() - self.recover_after,
            [source.id for source in self.settings.sources],
        )
        for envelope_id, source_id in left:
            if await queue.defer_accept(self.app, source_id, envelope_id):
                log.info("envelope %d was left unprocessed: queued", envelope_id)
