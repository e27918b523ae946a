"""A WebSub subscriber on 127.0.0.1 for the hub's tests."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Subscriber:
    """A WebSub subscriber: echoes the hub's challenge (unless told not to) and keeps every
    notification it receives."""

    echo: bool = True
    status: int = 204  # what a notification is answered with
    checks: list[dict[str, list[str]]] = field(default_factory=list)
    notes: list[tuple[float, dict[str, str], bytes]] = field(default_factory=list)
    got: threading.Condition = field(default_factory=threading.Condition)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/cb"

    def wait(self, what: Callable[[], object], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self.got:
            while not what():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.got.wait(left)
        return True


@contextlib.contextmanager
def serving_subscriber() -> Iterator[Subscriber]:
    sub = Subscriber()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # verification of intent
            query = parse_qs(urlsplit(self.path).query)
            answer = query.get("hub.challenge", [""])[0].encode() if sub.echo else b"no"
            with sub.got:  # kept before answering: the hub acts on the answer at once
                sub.checks.append(query)
                sub.got.notify_all()
            self.send_response(200 if sub.echo else 404)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def do_POST(self) -> None:  # a notification
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with sub.got:  # kept before answering: the sender may look right after
                sub.notes.append((time.monotonic(), dict(self.headers.items()), body))
                sub.got.notify_all()
            self.send_response(sub.status)
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    sub.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield sub
    finally:
        server.shutdown()
        server.server_close()
