"""Every request gets a time limit for its queries, and loses them when its client goes.

A page is rendered in a worker thread; if its queries run long (a database under unusual
load, a plan gone wrong) the reader has long given up, and the thread and the connection
should be free for the next one. `RequestLimits` puts each request's queries under a
`QueryLimit` (store/public/deadline.py): SQLite statements abort and PostgreSQL statements
are cancelled when `timeout` seconds have passed or the client disconnects. Such a request
gets a 503 with Retry-After. Render times are recorded for `/health`.

At most RENDERS_AT_ONCE pages render at the same time; the others wait their turn in the event
loop. Rendering is Python holding the GIL, so more threads add no speed, only connections:
with Starlette's 40 worker threads against a pool of a few connections, a burst of misses had
the pool open and close a fresh database connection per page (with a cold SQLite page cache),
and pages took tens of milliseconds instead of one or two.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections import deque

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wiredesk.store.public.deadline import QueryLimit, limit_queries

REQUEST_TIMEOUT = 10.0  # seconds of queries a page may take before it answers 503
RENDERS_AT_ONCE = 4  # not above store.database.POOL_SIZE: each render holds a connection


class RenderTimes:
    """How long recent pages took to render (cache misses), for `/health`."""

    def __init__(self, keep: int = 500) -> None:
        self._times: deque[tuple[float, float]] = deque(maxlen=keep)
        self._lock = threading.Lock()

    def add(self, seconds: float) -> None:
        with self._lock:
            self._times.append((time.monotonic(), seconds))

    def p99(self, within: float = 300.0) -> tuple[int, float | None]:
        """(how many renders in the last `within` seconds, their 99th percentile)."""
        since = time.monotonic() - within
        with self._lock:
            recent = sorted(s for at, s in self._times if at >= since)
        if not recent:
            return 0, None
        return len(recent), recent[min(len(recent) - 1, int(len(recent) * 0.99))]


class RequestLimits:
    """ASGI middleware: a query limit per request, cancelled when the client disconnects."""

    def __init__(self, app: ASGIApp, times: RenderTimes, timeout: float = REQUEST_TIMEOUT) -> None:
        self.app = app
        self.times = times
        self.timeout = timeout
        self._renders: anyio.CapacityLimiter | None = None  # made in the event loop

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Pages only: a push (POST) is ingest's work, which may rightly take long.
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        limit = QueryLimit(time.monotonic() + self.timeout)
        # A GET has no body: this middleware reads the request's channel itself, to hear the
        # client leave, and hands the app a channel that says the same.
        gone = asyncio.Event()
        watcher = asyncio.create_task(_cancel_on_disconnect(receive, limit, gone))
        started = time.perf_counter()
        try:
            if self._renders is None:
                self._renders = anyio.CapacityLimiter(RENDERS_AT_ONCE)
            async with self._renders:
                with limit_queries(limit):
                    await self.app(scope, _Channel(gone), send)
        finally:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
            self.times.add(time.perf_counter() - started)


async def _cancel_on_disconnect(receive: Receive, limit: QueryLimit, gone: asyncio.Event) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            limit.cancel()
            gone.set()
            return


class _Channel:
    """The request channel as the app sees it: an empty body, then (when the client has
    gone) a disconnect — as the real one would say."""

    def __init__(self, gone: asyncio.Event) -> None:
        self.gone = gone
        self.read = False

    async def __call__(self) -> Message:
        if not self.read:
            self.read = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self.gone.wait()
        return {"type": "http.disconnect"}
