"""`POST /ingest/<source id>`: agencies that push instead of being polled.

A pushed payload takes exactly the path a polled one does (`ingest.accept`: raw first,
then parse, stages, save), so push adds a transport and nothing else. The endpoint is the only
part of the application that writes; it is guarded in the order that keeps cost off the
server and secrets off the wire:

1. the bearer token, compared in constant time; a wrong token, a missing one, a source without
   push and an unknown source id all get the same 401, so ids cannot be probed;
2. the size: a declared Content-Length over `site.push_max_bytes` is refused before reading,
   and the body is counted as it streams in, so a client that sends more than it declared
   (or declares nothing) is cut off at the limit;
3. then the payload is stored and processed in a worker thread, holding the write lock the
   process shares with its poller (in cluster mode, stored and queued for a worker:
   "queued"), and the answer says what happened to it: 202, or 503 with
   `Retry-After` while the database refuses writes (a full disk), which is no fault of the
   payload's.
"""

from __future__ import annotations

import hmac
import logging
import threading
from functools import partial

import anyio.to_thread
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse

from wiredesk import metrics
from wiredesk.config import Settings, SourceSettings
from wiredesk.ingest.accept import accept
from wiredesk.ingest.outcomes import EnvelopeOutcome
from wiredesk.ingest.write_lock import locked
from wiredesk.model import Envelope, Transport
from wiredesk.store.database import Database
from wiredesk.store.outage import DatabaseUnwritable

log = logging.getLogger(__name__)

# Compared against when there is no real token, so every refusal costs the same.
_NO_TOKEN = b"\x00" * 48
# Seconds an agency is asked to wait before pushing again while the database refuses writes
# (a full disk): long enough for someone to free space, short enough that news is not late.
OUTAGE_RETRY_AFTER = 60


class TooLarge(Exception):
    pass


class PushEndpoint:
    def __init__(self, settings: Settings, db: Database, write_lock: threading.Lock) -> None:
        self.settings = settings
        self.db = db
        self.write_lock = write_lock
        self.limit = settings.site.push_max_bytes

    async def handle(self, request: Request) -> JSONResponse:
        source = self.settings.source(request.path_params["source_id"])
        if not _authorized(source, request.headers.get("authorization")):
            return JSONResponse(
                {"error": "missing or wrong bearer token for this source"},
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer realm="wiredesk ingest"'},
            )
        assert source is not None
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isascii() or not declared.isdigit()):
            return JSONResponse({"error": "invalid Content-Length header"}, status_code=400)
        if declared is not None and int(declared) > self.limit:
            return self._too_large()
        try:
            payload = await self._read(request)
        except TooLarge:
            return self._too_large()
        except ClientDisconnect:
            # The client went, or was cut off for sending its body too slowly
            # (runtime/request_deadlines.py): nothing was stored, and nobody hears the answer.
            log.info("push %s: the body did not arrive in full; nothing stored", source.id)
            return JSONResponse({"error": "request body not received"}, status_code=408)
        if not payload:
            return JSONResponse(
                {"error": "empty body; send the feed document as the request body"},
                status_code=400,
            )
        client = request.client.host if request.client else "unknown"
        env = Envelope(
            source_id=source.id,
            payload=payload,
            transport=Transport.PUSH,
            location=f"push from {client}",
            content_type=request.headers.get("content-type"),
        )
        try:
            outcome = await self.take(source, env)
        except DatabaseUnwritable as e:  # an outage: the agency sends it again later
            log.error("push %s refused: %s", source.id, e.short)
            return JSONResponse(
                {"error": f"{e.short}; nothing was processed, send it again later"},
                status_code=503,
                headers={"Retry-After": str(OUTAGE_RETRY_AFTER)},
            )
        status = (
            "duplicate"
            if not outcome.new
            else "queued"
            if outcome.queued
            else "failed"
            if outcome.error
            else "processed"
        )
        if outcome.new and not outcome.queued:
            metrics.count_items(
                source.id,
                payloads=1,
                new_stories=outcome.new_stories,
                new_versions=outcome.new_versions,
                dropped=outcome.dropped,
                quarantined=outcome.quarantined,
                problems=len(outcome.problems),
            )
        if outcome.new:
            log.info(
                "push %s: envelope %d %s, %d new stories, %d new versions",
                source.id,
                outcome.envelope_id,
                status,
                outcome.new_stories,
                outcome.new_versions,
            )
        return JSONResponse(
            {
                "envelope": outcome.envelope_id,
                "status": status,
                "new_stories": outcome.new_stories,
                "new_versions": outcome.new_versions,
                "dropped": outcome.dropped,
                "error": outcome.error,
                "problems": outcome.problems,
            },
            status_code=202,
        )

    async def take(self, source: SourceSettings, env: Envelope) -> EnvelopeOutcome:
        """Store and process the payload (`ingest.accept`), in a worker thread holding the
        write lock. Cluster mode's web process stores it and queues its processing instead
        (cluster/web.py)."""
        work = partial(accept, self.settings, self.db, source, env)
        return await anyio.to_thread.run_sync(partial(locked, self.write_lock, work))

    async def _read(self, request: Request) -> bytes:
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > self.limit:
                raise TooLarge
        return bytes(body)

    def _too_large(self) -> JSONResponse:
        return JSONResponse(
            {
                "error": f"body larger than {self.limit} bytes; split the payload or raise "
                "site.push_max_bytes"
            },
            status_code=413,
            headers={"Connection": "close"},  # the rest of the body is not worth reading
        )


def _authorized(source: SourceSettings | None, header: str | None) -> bool:
    expected = source.push_token.encode() if source and source.push_token else None
    scheme, _, given = (header or "").partition(" ")
    offered = given.strip().encode("utf-8", "replace") if scheme.lower() == "bearer" else b""
    same = hmac.compare_digest(offered, expected or _NO_TOKEN)
    return same and expected is not None
