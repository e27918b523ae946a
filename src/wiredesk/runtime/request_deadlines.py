"""Time limits on receiving a request: its headers, then its body.

uvicorn times out only an idle kept-alive connection. A client that opens a connection and
sends nothing, or sends its headers or its body a byte at a time, holds a connection (and for
a push, a worker waiting on the body) for as long as it likes: fifty such clients held the
site's connections for as long as they kept trickling. So each connection gets a deadline:

- `header_timeout` seconds from the moment it opens, or from the first byte of the next
  request on a kept-alive connection, until the request's headers are complete;
- then `body_timeout` seconds until its whole body is in (a GET's, having none, at once).

When one passes, a client still waiting for an answer gets `408 Request Timeout` and the
connection is closed; a handler reading the body sees the client leave (the push endpoint
answers nobody and stores nothing). The limits are on the whole header and the whole body,
not on each read, so a byte a second does not reset them.

This hooks into uvicorn's two HTTP protocol classes (httptools' callbacks, h11's states),
which are not a public API; `tests/runtime/test_request_deadlines.py` runs each against a real
socket, so an upgrade that moves them fails there. Behind a reverse proxy (nginx's
`client_header_timeout`, `client_body_timeout`) the proxy does this before wiredesk sees it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger(__name__)

_TIMED_OUT = (
    b"HTTP/1.1 408 Request Timeout\r\n"
    b"content-type: text/plain; charset=utf-8\r\n"
    b"content-length: 40\r\n"
    b"connection: close\r\n"
    b"\r\n"
    b"request not received in time; try again\n"
)


class _Deadlines:
    """The timer shared by both protocol classes: one deadline at a time, per connection."""

    header_timeout: float
    body_timeout: float
    transport: asyncio.Transport
    cycle: Any
    loop: asyncio.AbstractEventLoop

    _timer: asyncio.TimerHandle | None = None
    _phase: str | None = None

    def _expect(self, phase: str) -> None:
        """Start the deadline for `phase` ("headers" or "body") unless it already runs."""
        if self._phase == phase:
            return
        self._stop()
        seconds = self.header_timeout if phase == "headers" else self.body_timeout
        self._phase = phase
        self._timer = self.loop.call_later(seconds, self._timed_out, phase)

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = None
        self._phase = None

    def _timed_out(self, phase: str) -> None:
        self._timer = None
        self._phase = None
        if self.transport.is_closing():
            return
        log.debug("closed a connection whose request %s took too long", phase)
        if self.cycle is None or not self.cycle.response_started:
            self.transport.write(_TIMED_OUT)
        self.transport.close()


def protocol_class(
    header_timeout: float, body_timeout: float, parser: str = "auto"
) -> type[asyncio.Protocol]:
    """uvicorn's HTTP protocol with these deadlines, for `uvicorn.Config(http=...)`. `parser`
    "auto" takes httptools when it is installed, as uvicorn itself would, else h11; tests
    name each."""
    base: type[asyncio.Protocol] = H11Deadlines
    if parser != "h11":
        try:
            base = _httptools_class()
        except ImportError:
            if parser == "httptools":
                raise
    return type(
        base.__name__,
        (base,),
        {"header_timeout": header_timeout, "body_timeout": body_timeout},
    )


def _httptools_class() -> type[asyncio.Protocol]:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class HttpToolsDeadlines(_Deadlines, HttpToolsProtocol):
        """httptools says when a message begins, its headers end and the message ends."""

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._expect("headers")  # a connection that never says anything

        def connection_lost(self, exc: Exception | None) -> None:
            self._stop()
            super().connection_lost(exc)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._expect("headers")

        def on_headers_complete(self) -> None:
            super().on_headers_complete()
            self._expect("body")

        def on_message_complete(self) -> None:
            super().on_message_complete()
            self._stop()

    return HttpToolsDeadlines


class H11Deadlines(_Deadlines, H11Protocol):
    """h11 has no callbacks; after each piece of data its state says where the request is:
    IDLE with bytes waiting (headers incomplete), SEND_BODY (body incomplete), or done."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._expect("headers")

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._follow()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._follow()

    def _follow(self) -> None:
        state = self.conn.their_state
        if state is h11.IDLE:
            if self.conn.trailing_data[0]:
                self._expect("headers")
            elif self.cycle is not None:  # between requests: uvicorn's keep-alive timeout
                self._stop()
        elif state is h11.SEND_BODY:
            self._expect("body")
        else:
            self._stop()
