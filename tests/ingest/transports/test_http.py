"""Polling over HTTP against a real server on 127.0.0.1: validators, redirects, failures."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from wiredesk import __version__
from wiredesk.config import parse_settings
from wiredesk.errors import SourceError
from wiredesk.ingest.polling import ingest_source
from wiredesk.ingest.transports.fetched import Fetched, NotModified
from wiredesk.ingest.transports.http import HttpFetcher
from wiredesk.store.database import Database
from wiredesk.store.ledger import envelopes, source_state

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>एजेंसी</title><link>https://agency.example/</link>
<description>wire</description><language>hi</language>
<item><title>{title}</title><guid isPermaLink="false">{guid}</guid>
<pubDate>Sat, 05 Feb 2022 14:00:00 GMT</pubDate>
<description>नई दिल्ली, 5 फरवरी (आईएएनएस)। {title} पर खबर।</description></item>
</channel></rss>
"""
LAST_MODIFIED = "Sat, 05 Feb 2022 14:00:00 GMT"


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    etag: bool = True
    last_modified: bool = True
    delay: float = 0.0
    location: str | None = None


@dataclass
class Server:
    port: int = 0
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def server() -> Iterator[Server]:
    state = Server()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            route = state.routes.get(self.path)
            if route is None:
                self.send_error(404, "Not Found")
                return
            if route.delay:
                time.sleep(route.delay)
            if route.location:
                self.send_response(route.status)
                self.send_header("Location", route.location)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            etag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
            fresh = (route.etag and self.headers.get("If-None-Match") == etag) or (
                route.last_modified and self.headers.get("If-Modified-Since") == LAST_MODIFIED
            )
            self.send_response(304 if fresh and route.status == 200 else route.status)
            if route.etag:
                self.send_header("ETag", etag)
            if route.last_modified:
                self.send_header("Last-Modified", LAST_MODIFIED)
            if fresh and route.status == 200:
                self.end_headers()
                return
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # client gave up
                self.wfile.write(route.body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    httpd.block_on_close = False
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


def settings_for(tmp_path: Path, url: str, *, database: str | None = None, timeout: float = 5):
    data = {
        "site": {"language": "hi", "base_url": "https://news.example", "data_dir": "data"},
        "sources": [
            {"id": "ians", "name": "IANS", "url": url, "timeout": timeout, "allow_private": True}
        ],
    }
    if database:
        data["site"]["database"] = database
    return parse_settings(data, tmp_path / "wiredesk.toml")


def fetch(tmp_path: Path, url: str, *, timeout: float = 5, **validators: str) -> Fetched | None:
    settings = settings_for(tmp_path, url, timeout=timeout)

    async def go() -> Fetched | None:
        async with HttpFetcher(settings) as fetcher:
            got = await fetcher.fetch(settings.sources[0], **validators)
        return None if isinstance(got, NotModified) else got

    return asyncio.run(go())


def fetch_error(tmp_path: Path, url: str, *, timeout: float = 5) -> str:
    with pytest.raises(SourceError) as info:
        fetch(tmp_path, url, timeout=timeout)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_second_poll_is_conditional_and_stores_nothing_new(
    server: Server, tmp_path: Path, db_url: str
) -> None:
    server.routes["/rss.xml"] = Route(RSS.format(title="पहली खबर", guid="g-1").encode())
    settings = settings_for(tmp_path, server.url("/rss.xml"), database=db_url)
    store = Database.open(db_url)
    try:
        first = ingest_source(settings, store, settings.sources[0])
        assert first.ok and first.envelopes == 1 and first.new_stories == 1
        second = ingest_source(settings, store, settings.sources[0])
        assert second.ok and second.not_modified
        assert (second.envelopes, second.new_stories, second.new_versions) == (0, 0, 0)
        assert envelopes.count(store, "ians") == 1
        state = source_state.get(store, "ians")
        assert state is not None and state.etag and state.last_success_at is not None
    finally:
        store.close()
    (_, first_headers), (_, second_headers) = server.requests
    assert "if-none-match" not in first_headers
    assert second_headers["if-none-match"] == state.etag
    assert second_headers["if-modified-since"] == LAST_MODIFIED
    assert second_headers["user-agent"] == f"wiredesk/{__version__} (+https://news.example)"


def test_last_modified_alone_is_enough_for_a_304(server: Server, tmp_path: Path) -> None:
    server.routes["/rss.xml"] = Route(b"<rss/>", etag=False)
    first = fetch(tmp_path, server.url("/rss.xml"))
    assert first is not None and first.etag is None and first.last_modified == LAST_MODIFIED
    assert fetch(tmp_path, server.url("/rss.xml"), last_modified=first.last_modified) is None


def test_changed_feed_is_fetched_again_despite_old_etag(server: Server, tmp_path: Path) -> None:
    server.routes["/rss.xml"] = Route(b"<rss>one</rss>", last_modified=False)
    first = fetch(tmp_path, server.url("/rss.xml"))
    assert first is not None
    server.routes["/rss.xml"] = Route(b"<rss>two</rss>", last_modified=False)
    second = fetch(tmp_path, server.url("/rss.xml"), etag=first.etag or "")
    assert second is not None and second.payload == b"<rss>two</rss>"


def test_redirects_are_followed_and_the_final_url_kept(server: Server, tmp_path: Path) -> None:
    server.routes["/new.xml"] = Route(b"<rss/>")
    server.routes["/old.xml"] = Route(status=301, location="/new.xml")
    got = fetch(tmp_path, server.url("/old.xml"))
    assert got is not None and got.payload == b"<rss/>"
    assert got.location == server.url("/new.xml")
    assert got.content_type == "application/rss+xml; charset=utf-8"


def test_a_redirect_loop_is_one_clear_line(server: Server, tmp_path: Path) -> None:
    server.routes["/loop"] = Route(status=302, location="/loop")
    message = fetch_error(tmp_path, server.url("/loop"))
    assert "redirect loop" in message and "sources.ians.url" in message
    assert [path for path, _ in server.requests] == ["/loop"]  # noticed on the first repeat


def test_six_redirects_are_one_too_many(server: Server, tmp_path: Path) -> None:
    for i in range(6):
        server.routes[f"/r{i}"] = Route(status=307, location=f"/r{i + 1}")
    server.routes["/r6"] = Route(b"<rss/>")
    message = fetch_error(tmp_path, server.url("/r0"))
    assert "more than 5 redirects" in message and "sources.ians.url" in message
    assert "/r6" not in [path for path, _ in server.requests]
    server.routes["/r5"] = Route(b"<rss/>")  # exactly five redirects are fine
    got = fetch(tmp_path, server.url("/r0"))
    assert got is not None and got.payload == b"<rss/>"


def test_404_names_the_status_and_url(server: Server, tmp_path: Path) -> None:
    message = fetch_error(tmp_path, server.url("/missing.xml"))
    assert message == f"source 'ians': HTTP 404 Not Found from {server.url('/missing.xml')}"


def test_500_names_the_status(server: Server, tmp_path: Path) -> None:
    server.routes["/rss.xml"] = Route(b"oops", status=500)
    message = fetch_error(tmp_path, server.url("/rss.xml"))
    assert "HTTP 500 Internal Server Error from" in message


def test_connection_refused_names_the_host(tmp_path: Path) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    message = fetch_error(tmp_path, f"http://127.0.0.1:{port}/rss.xml")
    assert message == "source 'ians': cannot connect to 127.0.0.1: connection refused"


def test_a_slow_server_times_out_with_the_configured_limit(server: Server, tmp_path: Path) -> None:
    server.routes["/slow.xml"] = Route(b"<rss/>", delay=3)
    message = fetch_error(tmp_path, server.url("/slow.xml"), timeout=0.3)
    assert "timed out after 0.3 s" in message and "/slow.xml" in message


def test_failures_are_remembered_and_cleared_on_success(
    server: Server, tmp_path: Path, db_url: str
) -> None:
    settings = settings_for(tmp_path, server.url("/rss.xml"), database=db_url)
    store = Database.open(db_url)
    try:
        for _ in range(2):
            report = ingest_source(settings, store, settings.sources[0])
            assert not report.ok and "HTTP 404 Not Found" in (report.error or "")
        state = source_state.get(store, "ians")
        assert state is not None and state.consecutive_failures == 2
        assert "404" in (state.last_error or "")
        # backing off: the next poll is further away than poll_every
        assert state.next_poll_at is not None and state.last_polled_at is not None
        assert (state.next_poll_at - state.last_polled_at).total_seconds() > 300
        server.routes["/rss.xml"] = Route(RSS.format(title="खबर", guid="g-2").encode())
        report = ingest_source(settings, store, settings.sources[0])
        assert report.ok and report.new_stories == 1
        state = source_state.get(store, "ians")
        assert state is not None and state.consecutive_failures == 0 and state.last_error is None
    finally:
        store.close()
