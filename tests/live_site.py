"""A real server on 127.0.0.1 for tests that need the wire: raw sockets, Host headers, slow
clients. It is configured as `wiredesk run` configures it (`embedded.server_config`)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import uvicorn
from starlette.applications import Starlette

from wiredesk.config import Settings
from wiredesk.runtime.embedded import server_config


@contextlib.contextmanager
def serving(settings: Settings, app: Starlette, **overrides: object) -> Iterator[int]:
    """Serve `app` on a free port until the block ends; yields the port. `overrides` replace
    attributes of the uvicorn config (e.g. `http=` for one protocol class)."""
    config = server_config(settings, app)
    config.lifespan = "off"
    for name, value in overrides.items():
        setattr(config, name, value)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # held from the start: no race for the port
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start within 10 s")
        time.sleep(0.02)
    try:
        yield int(sock.getsockname()[1])
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
