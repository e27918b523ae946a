"""The scheduler after a restart: a moved feed is polled at its new URL on its own schedule;
a URL changed in the settings is polled at once, from scratch."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from wiredesk.config import Settings, parse_settings
from wiredesk.ingest.outcomes import SourceReport
from wiredesk.ingest.polling import ingest_source
from wiredesk.ingest.scheduler import Scheduler
from wiredesk.model import utcnow
from wiredesk.store.database import Database
from wiredesk.store.ledger import source_state

RSS = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
    b"<link>https://agency.example/</link><description>d</description>"
    b'<item><guid isPermaLink="false">g-1</guid><title>Story</title>'
    b"<description>text</description></item></channel></rss>"
)


class Feeds:
    def __init__(self) -> None:
        self.paths: list[str] = []
        self.port = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def feeds() -> Iterator[Feeds]:
    state = Feeds()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.paths.append(self.path)
            if self.path == "/old.xml":
                self.send_response(301)
                self.send_header("Location", "/new.xml")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(RSS)))
            self.end_headers()
            self.wfile.write(RSS)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield state
    httpd.shutdown()
    httpd.server_close()


def settings_for(tmp_path: Path, url: str) -> Settings:
    source = {"id": "ians", "name": "IANS", "url": url, "poll_every": 60, "allow_private": True}
    data = {"site": {"base_url": "https://news.example"}, "sources": [source]}
    return parse_settings(data, tmp_path / "wiredesk.toml")


def first_poll(settings: Settings, store: Database, clock: Callable[[], datetime]) -> SourceReport:
    """Run the scheduler until its first report, with a hard cap."""

    async def go() -> SourceReport:
        got: list[SourceReport] = []
        done = asyncio.Event()

        def on_report(report: SourceReport) -> None:
            got.append(report)
            done.set()

        task = asyncio.create_task(
            Scheduler(settings, store, on_report=on_report, clock=clock).run()
        )
        try:
            await asyncio.wait_for(done.wait(), 30)
        finally:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        return got[0]

    return asyncio.run(go())


def test_a_moved_feed_is_polled_at_its_new_url_after_a_restart(
    feeds: Feeds, tmp_path: Path, store: Database
) -> None:
    settings = settings_for(tmp_path, feeds.url("/old.xml"))
    assert ingest_source(settings, store, settings.sources[0]).ok
    assert feeds.paths == ["/old.xml", "/new.xml"]
    later = utcnow() + timedelta(minutes=5)  # the stored next poll is overdue
    report = first_poll(settings, store, lambda: later)
    assert report.ok
    assert feeds.paths[2:] == ["/new.xml"]


def test_a_url_changed_in_the_settings_is_polled_at_once(
    feeds: Feeds, tmp_path: Path, store: Database
) -> None:
    settings = settings_for(tmp_path, feeds.url("/old.xml"))
    assert ingest_source(settings, store, settings.sources[0]).ok
    state = source_state.get(store, "ians")
    assert state is not None and state.next_poll_at is not None
    assert state.next_poll_at > utcnow() + timedelta(seconds=30)  # not due for a while
    changed = settings_for(tmp_path, feeds.url("/other.xml"))
    report = first_poll(changed, store, utcnow)
    assert report.ok
    assert feeds.paths[2:] == ["/other.xml"]
    state = source_state.get(store, "ians")
    assert state is not None and state.url == state.configured_url == feeds.url("/other.xml")


def test_a_failing_source_is_logged_as_a_warning(
    tmp_path: Path, store: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 13, item 7: a source that fails must reach an operator whose logs show
    warnings and worse (a poll that went well stays at INFO)."""
    with socket.socket() as s:  # a port nobody listens on: the connection is refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = settings_for(tmp_path, f"http://127.0.0.1:{port}/feed.xml")
    with caplog.at_level(logging.INFO, logger="wiredesk.ingest.scheduler"):
        report = first_poll(settings, store, utcnow)
    assert not report.ok
    [record] = [r for r in caplog.records if r.name == "wiredesk.ingest.scheduler"]
    assert record.levelno == logging.WARNING
    assert record.getMessage().startswith("ians: FAILED: ")
