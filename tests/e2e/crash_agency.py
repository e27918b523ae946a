"""A scripted news agency for the crash test: feeds that change over time, and drop folders.

Everything the agency will ever send is decided up front from a seed, so the test knows, after
any number of crashes, exactly which payloads were delivered and which version of every story
is the latest.

The HTTP feeds move on only when the poller proves it kept the current revision: a request that
sends back the current revision's ETag (which wiredesk saves only after storing the payload)
gets the next revision. So every revision the server ever sent must end up stored — a crash
may make the poller fetch a revision twice, never skip one.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

from sqlalchemy import Connection, select

from wiredesk.store.schema import item_versions, items

BASE_TIME = datetime(2025, 3, 1, 6, 0, tzinfo=UTC)  # all in the past: every story is public


@dataclass(frozen=True, slots=True)
class Version:
    guid: str
    number: int

    @property
    def headline(self) -> str:
        return f"Story {self.guid} v{self.number} समाचार"

    @property
    def body(self) -> str:
        return (
            f"<p>Body of {self.guid}, version {self.number}: what the agency filed.</p>"
            f"<p>Second paragraph of {self.guid} v{self.number}.</p>"
        )

    @property
    def when(self) -> datetime:
        # Later versions carry later times: RSS has no version numbers, the time orders them.
        serial = int(self.guid.rsplit("-", 1)[1])
        return BASE_TIME + timedelta(minutes=serial, hours=self.number)


def rss(title: str, versions: list[Version]) -> bytes:
    entries = "".join(
        f'<item><guid isPermaLink="false">{v.guid}</guid><title>{escape(v.headline)}</title>'
        f"<link>https://agency.example/{v.guid}</link>"
        f"<pubDate>{format_datetime(v.when)}</pubDate>"
        f"<description>{escape(v.body)}</description></item>"
        for v in versions
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://agency.example/</link>"
        f"<description>wire</description><language>en</language>{entries}</channel></rss>"
    ).encode()


def feed_revisions(source_id: str, revisions: int, window: int, per_rev: int) -> list[bytes]:
    """Each revision adds `per_rev` new stories and re-issues `per_rev` older ones as a new
    version; the feed shows the newest `window` stories at their current version."""
    current: dict[str, int] = {}
    order: list[str] = []
    out: list[bytes] = []
    serial = 0
    for r in range(revisions):
        for _ in range(per_rev):
            guid = f"{source_id}-{serial}"
            serial += 1
            current[guid] = 1
            order.append(guid)
        shown = order[-window:]
        if r > 0:  # bump some that are still in the window (deterministic spread)
            for k in range(per_rev):
                guid = shown[(r * 7 + k * 5) % max(1, len(shown) - per_rev)]
                current[guid] += 1
        out.append(rss(f"{source_id} wire", [Version(g, current[g]) for g in reversed(shown)]))
    return out


def drop_files(source_id: str, count: int, per_file: int) -> list[bytes]:
    """Files of `per_file` items: new stories, plus new versions of stories from earlier files,
    plus every tenth file re-delivered byte for byte (agencies resend)."""
    current: dict[str, int] = {}
    files: list[bytes] = []
    serial = 0
    for n in range(count):
        if n % 10 == 9:
            files.append(files[n - 5])
            continue
        versions: list[Version] = []
        for k in range(per_file):
            if k % 2 == 1 and serial > 10:
                guid = f"{source_id}-{(n * 13 + k) % (serial - 1)}"
                current[guid] += 1
            else:
                guid = f"{source_id}-{serial}"
                serial += 1
                current[guid] = 1
            versions.append(Version(guid, current[guid]))
        files.append(rss(f"{source_id} drop {n}", versions))
    return files


def write_drops(folder: Path, payloads: list[bytes]) -> None:
    """Files already settled (old mtimes), in delivery order."""
    folder.mkdir(parents=True, exist_ok=True)
    start = time.time() - 3600
    for n, payload in enumerate(payloads):
        path = folder / f"wire-{n:04d}.xml"
        path.write_bytes(payload)
        os.utime(path, (start + n, start + n))


def latest_versions(payloads: list[bytes]) -> dict[str, tuple[int, int]]:
    """guid -> (latest version number, how many distinct versions), read back from payloads."""
    import re

    seen: dict[str, set[int]] = {}
    for payload in payloads:
        for guid, number in re.findall(rb"<title>Story (\S+) v(\d+) ", payload):
            seen.setdefault(guid.decode(), set()).add(int(number))
    return {g: (max(vs), len(vs)) for g, vs in seen.items()}


def current_stories(conn: Connection) -> dict[str, tuple[str, int]]:
    """guid -> (the current version's headline, how many versions), as stored."""
    rows = conn.execute(
        select(items.c.guid, items.c.version_count, item_versions.c.headline).join(
            item_versions, item_versions.c.id == items.c.current_version_id
        )
    )
    return {r.guid: (r.headline, r.version_count) for r in rows}


def not_at_latest(
    current: dict[str, tuple[str, int]], expected: dict[str, tuple[int, int]]
) -> list[tuple[str, object]]:
    """The stories not at the latest version the agency sent, or with another number of
    versions than it sent (a few, for the assertion's message)."""
    wrong: list[tuple[str, object]] = [
        (g, (current.get(g), f"v{latest} of {count}"))
        for g, (latest, count) in expected.items()
        if current.get(g) != (f"Story {g} v{latest} समाचार", count)
    ]
    return wrong[:5]


def sha(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def etag_of(payload: bytes) -> str:
    return '"' + sha(payload)[:20] + '"'


@dataclass
class ChangingFeeds:
    """Feeds at /<source id>.xml that advance a revision when the current one is acknowledged."""

    revisions: dict[str, list[bytes]]
    port: int = 0
    at: dict[str, int] = field(default_factory=dict)
    served: dict[str, set[str]] = field(default_factory=dict)  # sha256 of each 200 body
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, source_id: str) -> str:
        return f"http://127.0.0.1:{self.port}/{source_id}.xml"

    def finished(self) -> bool:
        """Every feed is at its last revision and the poller has acknowledged it."""
        with self.lock:
            return all(self.at.get(s, 0) == len(r) for s, r in self.revisions.items())

    def answer(self, source_id: str, if_none_match: str | None) -> tuple[int, bytes, str]:
        with self.lock:
            revs = self.revisions[source_id]
            at = self.at.setdefault(source_id, 0)
            current = revs[min(at, len(revs) - 1)]
            if if_none_match == etag_of(current):
                if at >= len(revs) - 1:
                    self.at[source_id] = len(revs)  # the last one is acknowledged too
                    return 304, b"", etag_of(current)
                at = self.at[source_id] = at + 1
                current = revs[at]
            self.served.setdefault(source_id, set()).add(sha(current))
            return 200, current, etag_of(current)


@contextmanager
def serve_changing_feeds(revisions: dict[str, list[bytes]]) -> Iterator[ChangingFeeds]:
    feeds = ChangingFeeds(revisions)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            source_id = self.path.lstrip("/").removesuffix(".xml")
            if source_id not in feeds.revisions:
                self.send_error(404)
                return
            status, body, etag = feeds.answer(source_id, self.headers.get("If-None-Match"))
            self.send_response(status)
            self.send_header("ETag", etag)
            if status == 200:
                self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    feeds.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield feeds
    finally:
        server.shutdown()
        server.server_close()
