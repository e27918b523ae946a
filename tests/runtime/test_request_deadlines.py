"""Slow clients are cut off: headers and bodies have deadlines (issue 13, item 6).

Real servers on 127.0.0.1 configured as `wiredesk run` configures them, with each of uvicorn's
two HTTP parsers, and raw sockets that trickle a request a few bytes at a time. The deadlines
are short here (`[site] request_header_timeout`, `request_body_timeout`); each test has a hard
cap of a few seconds, so a missing deadline fails instead of hanging.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from tests.live_site import serving
from wiredesk.config import Settings, parse_settings
from wiredesk.runtime import request_deadlines
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database

TOKEN = "t" * 32
DEADLINE = 0.5  # both deadlines, in seconds
CAP = 4.0  # how long a connection may live in these tests at most

RSS = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
    b"<link>https://agency.example/</link><description>d</description>"
    b'<item><title>Headline</title><guid isPermaLink="false">g-1</guid>'
    b"<description>text</description></item></channel></rss>"
)


def make_settings(tmp_path: Path) -> Settings:
    return parse_settings(
        {
            "site": {
                "name": "Desk",
                "language": "en",
                "base_url": "https://news.example",
                "data_dir": str(tmp_path),
                "request_header_timeout": DEADLINE,
                "request_body_timeout": DEADLINE,
            },
            "sources": [{"id": "wire", "name": "Wire", "push_token": TOKEN}],
        },
        tmp_path / "wiredesk.toml",
    )


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    store = Database.open(f"sqlite:///{tmp_path / 'wiredesk.db'}")
    yield store
    store.close()


@pytest.fixture(params=["httptools", "h11"])
def port(request: pytest.FixtureRequest, tmp_path: Path, db: Database) -> Iterator[int]:
    settings = make_settings(tmp_path)
    protocol = request_deadlines.protocol_class(DEADLINE, DEADLINE, parser=request.param)
    with serving(settings, site_app(settings, db), http=protocol) as port:
        yield port


def trickle(port: int, request: bytes, every: float = 0.05) -> tuple[bytes, float]:
    """Send `request` a byte at a time until the server closes the connection (or CAP
    passes); what it answered, and after how many seconds."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=CAP) as sock:
        answer = b""
        closed = threading.Event()

        def read() -> None:
            nonlocal answer
            try:
                while chunk := sock.recv(4096):
                    answer += chunk
            except OSError:
                pass
            closed.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        for byte in request:
            if closed.wait(every) or time.monotonic() - started > CAP:
                break
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                break
        closed.wait(max(0.0, CAP - (time.monotonic() - started)))
        return answer, time.monotonic() - started


SLOW_GET = b"GET / HTTP/1.1\r\nHost: news.example\r\nUser-Agent: " + b"x" * 200 + b"\r\n\r\n"


def test_headers_sent_a_byte_at_a_time_are_cut_off(port: int) -> None:
    answer, took = trickle(port, SLOW_GET)
    assert answer.startswith(b"HTTP/1.1 408 "), answer
    assert took < CAP - 1


def test_a_connection_that_says_nothing_is_closed(port: int) -> None:
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=CAP) as sock:
        answer = sock.recv(4096)
        assert answer.startswith(b"HTTP/1.1 408 ")
        while sock.recv(4096):
            pass
    assert time.monotonic() - started < CAP - 1


def test_a_push_body_sent_a_byte_at_a_time_is_cut_off_and_nothing_stored(
    port: int, db: Database
) -> None:
    head = (
        f"POST /ingest/wire HTTP/1.1\r\nHost: news.example\r\n"
        f"Authorization: Bearer {TOKEN}\r\nContent-Type: application/rss+xml\r\n"
        f"Content-Length: {len(RSS)}\r\n\r\n"
    ).encode()
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=CAP) as sock:
        sock.sendall(head)  # the headers at once: only the body is slow
        answer = b""
        try:
            for byte in RSS:
                sock.sendall(bytes([byte]))
                time.sleep(0.05)
                if time.monotonic() - started > CAP:
                    break
        except OSError:  # the server closed the connection: what the test waits for
            pass
        try:
            while chunk := sock.recv(4096):
                answer += chunk
        except OSError:
            pass
    assert time.monotonic() - started < CAP
    assert answer == b"" or answer.startswith(b"HTTP/1.1 408 "), answer
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM envelopes")).scalar() == 0


def test_fifty_slow_clients_are_all_cut_off_while_readers_are_served(port: int) -> None:
    results: list[tuple[bytes, float]] = []
    clients = [
        threading.Thread(target=lambda: results.append(trickle(port, SLOW_GET, every=0.2)))
        for _ in range(50)
    ]
    for client in clients:
        client.start()
    assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=CAP).status_code == 200
    for client in clients:
        client.join(timeout=CAP + 1)
    assert len(results) == 50
    assert all(answer.startswith(b"HTTP/1.1 408 ") for answer, _ in results)
    assert max(took for _, took in results) < CAP - 1


def test_a_kept_alive_connection_may_idle_between_requests_and_push_in_time(
    port: int, db: Database
) -> None:
    """The deadlines run only while a request is arriving: an idle kept-alive connection is
    uvicorn's keep-alive timeout's business (5 s), and a prompt push goes through."""
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=CAP) as client:
        assert client.get("/health").status_code == 200
        time.sleep(DEADLINE * 2)
        response = client.post(
            "/ingest/wire",
            content=RSS,
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/rss+xml"},
        )
        assert response.status_code == 202, response.text
        assert response.json()["new_stories"] == 1
