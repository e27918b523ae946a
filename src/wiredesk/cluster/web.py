"""`wiredesk web`: the site, the desk and the push endpoint, no polling; any number of them.

The same site as `wiredesk serve` (runtime/embedded.py), with two differences that make it one
of many processes on one PostgreSQL:

- a pushed payload is stored raw, as always, and its processing is queued for a worker
  (`queue.ACCEPT`); the agency's answer says "queued" with the envelope's id, at once. Should
  the queue refuse the job, the payload is stored anyway and a worker's dispatcher gives it a
  job once it has waited `dispatch.RECOVER_AFTER`: the agency is never asked to send again
  for it;
- WebSub notifications are sent by the workers (one at a time), not by each web process; the
  hub's endpoint, which takes subscriptions, is served here.

Pages follow the workers' writes through the `changes` log, as `serve` follows `ingest`'s.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import anyio.to_thread

from wiredesk.cluster import queue
from wiredesk.config import Settings, SourceSettings
from wiredesk.ingest.accept import record_payload
from wiredesk.ingest.outcomes import EnvelopeOutcome
from wiredesk.ingest.transports.push import PushEndpoint
from wiredesk.model import Envelope
from wiredesk.store.database import Database

if TYPE_CHECKING:
    import procrastinate

log = logging.getLogger(__name__)


class QueuedPush(PushEndpoint):
    """The push endpoint that stores a payload and queues its processing."""

    def __init__(self, settings: Settings, db: Database, write_lock: threading.Lock) -> None:
        super().__init__(settings, db, write_lock)
        self._app: procrastinate.App | None = None
        self._opening = asyncio.Lock()

    async def take(self, source: SourceSettings, env: Envelope) -> EnvelopeOutcome:
        envelope_id, done = await anyio.to_thread.run_sync(record_payload, self.db, env)
        if done is not None:
            return done
        try:
            await queue.defer_accept(await self._queue(), source.id, envelope_id)
        except Exception as e:  # stored: a worker's dispatcher gives it a job later
            log.warning(
                "push %s: envelope %d stored, but its job could not be queued (%s: %s); a "
                "worker will pick it up",
                source.id,
                envelope_id,
                type(e).__name__,
                e,
            )
        return EnvelopeOutcome(envelope_id, new=True, queued=True)

    async def _queue(self) -> procrastinate.App:
        async with self._opening:
            if self._app is None:
                app = queue.make_app(self.settings)
                await app.open_async()
                self._app = app
            return self._app


def run(
    settings: Settings,
    host: str,
    port: int,
    *,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """Serve until SIGTERM or Ctrl-C (runtime/embedded.py's shutdown)."""
    from wiredesk.runtime import embedded

    queue.refuse_sqlite(settings, "web")
    embedded.serve(settings, host, port, on_ready=on_ready, push=QueuedPush, send_websub=False)
