"""Counting and timing every answer for `/metrics` (wiredesk.metrics).

Outermost of the site's middleware, so an answer from the page cache is counted and timed as
a reader gets it, as is a render. The label is the kind of page (`metrics.page_kind`), never
the path: a scanner's made-up addresses must not make new series.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wiredesk import metrics


class Metering:
    def __init__(self, app: ASGIApp, edition_prefixes: tuple[str, ...] = ()) -> None:
        self.app = app
        self.edition_prefixes = edition_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # an answer never started is the server's fault

        async def noting(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting)
        finally:
            metrics.ANSWERS.answered(
                metrics.page_kind(scope["path"], self.edition_prefixes),
                status,
                time.perf_counter() - started,
            )
