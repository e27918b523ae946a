"""Hostile and flaky feed servers, each a real server on 127.0.0.1.

Every case must end in one clear error on that source (or a correct result), quickly and in
bounded memory. No timing is asserted: each run has a generous hard cap so a broken guard fails
the test instead of hanging it.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import brotli
import pytest

from wiredesk.config import Settings, parse_settings
from wiredesk.errors import SourceError
from wiredesk.ingest.polling import ingest_once, ingest_source
from wiredesk.ingest.transports.addresses import IPAddress, public_only
from wiredesk.ingest.transports.fetched import Fetched, NotModified
from wiredesk.ingest.transports.http import HttpFetcher
from wiredesk.store.database import Database
from wiredesk.store.ledger import source_state

T = TypeVar("T")
HARD_CAP = 60.0  # seconds; only a broken guard gets near it
MiB = 2**20
RSS = (
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
    b"<link>https://agency.example/</link><description>d</description>"
    b'<item><title>\xe0\xa4\x96\xe0\xa4\xac\xe0\xa4\xb0</title><guid isPermaLink="false">g-1'
    b"</guid><description>text</description></item></channel></rss>"
)

Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Hostile:
    """A server whose routes are functions that write whatever they like to the socket."""

    port: int = 0
    routes: dict[str, Handler] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    active: int = 0
    most_active: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]


@pytest.fixture
def hostile() -> Iterator[Hostile]:
    state = Hostile()

    class RequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            state.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            route = state.routes.get(self.path)
            if route is None:
                self.send_error(404)
                return
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                route(self)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
    httpd.daemon_threads = True
    httpd.block_on_close = False
    state.port = httpd.server_address[1]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield state
    state.stopping.set()
    httpd.shutdown()
    httpd.server_close()


def settings_for(tmp_path: Path, *urls: str, allow_private: bool = True, **site: Any) -> Settings:
    sources = [
        {"id": f"s{i}", "name": f"Agency {i}", "url": url, "timeout": 5, "poll_every": 60}
        for i, url in enumerate(urls)
    ]
    for s in sources:
        s["allow_private"] = allow_private
    data = {
        "site": {"base_url": "https://news.example", "data_dir": "data", **site},
        "sources": sources,
    }
    return parse_settings(data, tmp_path / "wiredesk.toml")


def capped(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(asyncio.wait_for(coro, HARD_CAP))


def fetch(settings: Settings, **kwargs: Any) -> Fetched | NotModified:
    async def go() -> Fetched | NotModified:
        async with HttpFetcher(settings, **kwargs) as fetcher:
            return await fetcher.fetch(settings.sources[0])

    return capped(go())


def fetch_error(settings: Settings, **kwargs: Any) -> str:
    with pytest.raises(SourceError) as info:
        fetch(settings, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    return message


def respond(
    handler: BaseHTTPRequestHandler, status: int = 200, body: bytes = b"", **headers: str
) -> None:
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


# --- bombs, endless bodies and trickles ---------------------------------------------------


def _repeating_stream(wbits: int) -> tuple[bytes, bytes]:
    """(start, block): start + block * n decompresses to (n + 1) MiB of zeros.

    After a full flush the compressor forgets its history, so compressing the same MiB again
    gives the same bytes: a bomb of any size is served from a few KB held in memory.
    """
    c = zlib.compressobj(9, zlib.DEFLATED, wbits)
    zeros = bytes(MiB)
    start = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    assert block == c.compress(zeros) + c.flush(zlib.Z_FULL_FLUSH)
    return start, block


@pytest.fixture(scope="session")
def brotli_bomb() -> bytes:
    """256 MiB of zeros in a few hundred bytes (brotli compresses far beyond gzip)."""
    c = brotli.Compressor(quality=5)
    zeros = bytes(MiB)
    out = [c.process(zeros) for _ in range(256)]
    return b"".join(out) + c.finish()


def _serve_bomb(hostile: Hostile, encoding: str, brotli_bomb: bytes) -> None:
    def bomb(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Content-Encoding", encoding)
        handler.send_header("Connection", "close")
        handler.end_headers()
        if encoding == "br":
            handler.wfile.write(brotli_bomb)
            return
        start, block = _repeating_stream(31 if encoding == "gzip" else zlib.MAX_WBITS)
        handler.wfile.write(start)
        for _ in range(1024):  # 1 GiB once inflated
            if hostile.stopping.is_set():
                return
            handler.wfile.write(block)

    hostile.routes["/bomb"] = bomb


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_a_compression_bomb_stops_at_the_limit_in_bounded_memory(
    hostile: Hostile, tmp_path: Path, encoding: str, brotli_bomb: bytes
) -> None:
    _serve_bomb(hostile, encoding, brotli_bomb)
    settings = settings_for(tmp_path, hostile.url("/bomb"))
    tracemalloc.start()
    try:
        message = fetch_error(settings)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert message == (
        f"source 's0': response from {hostile.url('/bomb')} is larger than 16 MiB after "
        "decompression; raise [site] max_body_bytes if this feed is really that big"
    )
    assert peak < 48 * MiB, f"decoding used {peak / MiB:.0f} MiB for a 16 MiB limit"


def test_the_body_limit_is_configurable(hostile: Hostile, tmp_path: Path) -> None:
    start, block = _repeating_stream(31)
    hostile.routes["/big.xml.gz"] = lambda h: respond(
        h, body=start + block, Content_Encoding="gzip"
    )  # 2 MiB once inflated
    settings = settings_for(tmp_path, hostile.url("/big.xml.gz"), max_body_bytes=3 * MiB)
    got = fetch(settings)
    assert isinstance(got, Fetched) and got.payload == bytes(2 * MiB)
    settings = settings_for(tmp_path, hostile.url("/big.xml.gz"), max_body_bytes=MiB)
    assert "larger than 1 MiB after decompression" in fetch_error(settings)


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate", "br", "gzip, br"])
def test_compressed_feeds_are_decoded(hostile: Hostile, tmp_path: Path, encoding: str) -> None:
    bodies = {
        "gzip": (gzip.compress(RSS), "gzip"),
        "deflate": (zlib.compress(RSS), "deflate"),
        "raw-deflate": (zlib.compress(RSS, wbits=-15), "deflate"),  # what some servers send
        "br": (brotli.compress(RSS), "br"),
        "gzip, br": (brotli.compress(gzip.compress(RSS)), "gzip, br"),
    }
    body, header = bodies[encoding]
    hostile.routes["/feed"] = lambda h: respond(h, body=body, Content_Encoding=header)
    got = fetch(settings_for(tmp_path, hostile.url("/feed")))
    assert isinstance(got, Fetched) and got.payload == RSS
    [(_, headers)] = hostile.requests
    assert headers["accept-encoding"] == "gzip, deflate, br"


def test_a_corrupt_compressed_body_is_one_clear_line(hostile: Hostile, tmp_path: Path) -> None:
    hostile.routes["/feed"] = lambda h: respond(h, body=b"not gzip at all", Content_Encoding="gzip")
    message = fetch_error(settings_for(tmp_path, hostile.url("/feed")))
    assert message.startswith(f"source 's0': cannot read the response from {hostile.url('/feed')}")
    assert "invalid compressed data" in message


def test_an_endless_body_stops_at_the_limit(hostile: Hostile, tmp_path: Path) -> None:
    def endless(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        chunk = b"<item>" * 10_000
        frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        while not hostile.stopping.is_set():
            handler.wfile.write(frame)

    hostile.routes["/endless"] = endless
    message = fetch_error(settings_for(tmp_path, hostile.url("/endless")))
    assert "is larger than 16 MiB after decompression" in message
    assert "raise [site] max_body_bytes" in message


def test_a_declared_oversized_body_is_refused_before_it_is_read(
    hostile: Hostile, tmp_path: Path
) -> None:
    def huge(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(10 * MiB))
        handler.end_headers()
        handler.wfile.write(b"<rss>")  # and then nothing: only the header could tell

    hostile.routes["/huge"] = huge
    settings = settings_for(tmp_path, hostile.url("/huge"), max_body_bytes=MiB)
    assert "larger than 1 MiB after decompression" in fetch_error(settings)


@pytest.mark.parametrize("where", ["body", "headers"])
def test_a_slowloris_server_is_cut_at_the_total_timeout(
    hostile: Hostile, tmp_path: Path, where: str
) -> None:
    """One byte at a time, each well within the read timeout, forever."""

    def trickle(handler: BaseHTTPRequestHandler) -> None:
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        if where == "body":
            handler.wfile.write(b"Content-Length: 1000000\r\n\r\n")
        while not hostile.stopping.is_set():
            handler.wfile.write(b"<" if where == "body" else b"X")
            handler.wfile.flush()
            time.sleep(0.2)

    hostile.routes["/slow"] = trickle
    settings = settings_for(tmp_path, hostile.url("/slow"), fetch_total_timeout=1.5)
    message = fetch_error(settings)
    assert message == (
        f"source 's0': gave up on {hostile.url('/slow')} after 1.5 s in total (the server "
        "sends too slowly or never finishes); raise [site] fetch_total_timeout if this feed "
        "is really that slow"
    )


# --- redirects ----------------------------------------------------------------------------


def redirect(status: int, location: str) -> Handler:
    return lambda h: respond(h, status, Location=location)


def test_a_two_step_redirect_loop_is_named(hostile: Hostile, tmp_path: Path) -> None:
    hostile.routes["/a"] = redirect(302, "/b")
    hostile.routes["/b"] = redirect(307, hostile.url("/a"))
    message = fetch_error(settings_for(tmp_path, hostile.url("/a")))
    assert message == (
        f"source 's0': redirect loop: {hostile.url('/b')} sends us back to {hostile.url('/a')}; "
        "fix sources.s0.url or ask the feed's publisher"
    )
    assert hostile.paths() == ["/a", "/b"]


def test_a_redirect_to_another_scheme_is_refused(hostile: Hostile, tmp_path: Path) -> None:
    hostile.routes["/a"] = redirect(302, "file:///etc/passwd")
    message = fetch_error(settings_for(tmp_path, hostile.url("/a")))
    assert "redirects to file:///etc/passwd; only http:// and https:// URLs are followed" in message


def poll(settings: Settings, store: Database, now: datetime | None = None, index: int = 0):
    return ingest_source(settings, store, settings.sources[index], now=now)


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Database]:
    store = Database.open(f"sqlite:///{tmp_path / 'wiredesk.db'}")
    yield store
    store.close()


@pytest.mark.parametrize("status", [301, 308])
def test_a_permanent_redirect_moves_the_polled_url(
    hostile: Hostile, tmp_path: Path, sqlite_store: Database, status: int
) -> None:
    hostile.routes["/old.xml"] = redirect(status, "/new.xml")
    hostile.routes["/new.xml"] = lambda h: respond(h, body=RSS, ETag='"v1"')
    settings = settings_for(tmp_path, hostile.url("/old.xml"))
    first = poll(settings, sqlite_store)
    assert first.ok and first.new_stories == 1
    state = source_state.get(sqlite_store, "s0")
    assert state is not None
    assert (state.url, state.configured_url) == (hostile.url("/new.xml"), hostile.url("/old.xml"))
    assert state.etag == '"v1"'

    second = poll(settings, sqlite_store)
    assert second.ok
    assert hostile.paths() == ["/old.xml", "/new.xml", "/new.xml"]  # straight to the new URL
    assert hostile.requests[-1][1]["if-none-match"] == '"v1"'

    # The operator edits the settings: that URL is polled, from scratch.
    hostile.routes["/other.xml"] = lambda h: respond(h, body=RSS)
    moved = settings_for(tmp_path, hostile.url("/other.xml"))
    assert poll(moved, sqlite_store).ok
    assert hostile.paths()[-1] == "/other.xml"
    assert "if-none-match" not in hostile.requests[-1][1]
    state = source_state.get(sqlite_store, "s0")
    assert state is not None and state.url == state.configured_url == hostile.url("/other.xml")


@pytest.mark.parametrize("status", [302, 303, 307])
def test_a_temporary_redirect_is_for_this_poll_only(
    hostile: Hostile, tmp_path: Path, sqlite_store: Database, status: int
) -> None:
    hostile.routes["/feed"] = redirect(status, "/today.xml")
    hostile.routes["/today.xml"] = lambda h: respond(h, body=RSS)
    settings = settings_for(tmp_path, hostile.url("/feed"))
    assert poll(settings, sqlite_store).ok
    assert poll(settings, sqlite_store).ok
    assert hostile.paths() == ["/feed", "/today.xml", "/feed", "/today.xml"]
    state = source_state.get(sqlite_store, "s0")
    assert state is not None and state.url == hostile.url("/feed")


def test_a_permanent_redirect_behind_a_temporary_one_does_not_move_the_source(
    hostile: Hostile, tmp_path: Path, sqlite_store: Database
) -> None:
    hostile.routes["/feed"] = redirect(302, "/mirror")
    hostile.routes["/mirror"] = redirect(301, "/final.xml")
    hostile.routes["/final.xml"] = lambda h: respond(h, body=RSS)
    settings = settings_for(tmp_path, hostile.url("/feed"))
    assert poll(settings, sqlite_store).ok
    state = source_state.get(sqlite_store, "s0")
    assert state is not None and state.url == hostile.url("/feed")


# --- the SSRF guard -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "what"),
    [
        ("127.0.0.1", "127.0.0.1 is a loopback address"),
        ("localhost", "a loopback address"),  # a name that resolves to loopback
        ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1 is a loopback address"),
    ],
)
def test_a_local_source_is_refused_without_allow_private_and_never_contacted(
    hostile: Hostile, tmp_path: Path, host: str, what: str
) -> None:
    hostile.routes["/feed"] = lambda h: respond(h, body=RSS)
    url = hostile.url("/feed", host=host)
    message = fetch_error(settings_for(tmp_path, url, allow_private=False))
    assert message.startswith(f"source 's0': refused to fetch {url}: ")
    assert what in message
    assert message.endswith(
        "only public addresses are polled unless sources.s0.allow_private = true"
    )
    assert hostile.requests == []  # refused before any connection
    got = fetch(settings_for(tmp_path, url, allow_private=True))
    assert isinstance(got, Fetched) and got.payload == RSS


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://10.1.2.3/feed", "10.1.2.3 is a private address"),
        ("http://192.168.1.1/feed", "192.168.1.1 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://[::1]:8080/feed", "::1 is a loopback address"),
        ("http://[fe80::1]/feed", "fe80::1 is a link-local address"),
        ("http://0.0.0.0/feed", "0.0.0.0 is a unspecified address"),
        ("http://224.0.0.1/feed", "224.0.0.1 is a multicast address"),
        ("http://100.64.0.1/feed", "100.64.0.1 is a non-public address"),
    ],
)
def test_non_public_address_literals_are_refused(tmp_path: Path, url: str, kind: str) -> None:
    message = fetch_error(settings_for(tmp_path, url, allow_private=False))
    assert f"refused to fetch {url}: {kind};" in message


def test_one_private_address_among_public_ones_is_enough_to_refuse(tmp_path: Path) -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "10.0.0.7"]

    url = "http://feeds.example/rss"
    message = fetch_error(settings_for(tmp_path, url, allow_private=False), resolver=resolver)
    assert "feeds.example resolves to 10.0.0.7, a private address" in message


def _public_looking(name: str) -> Callable[[str, IPAddress], bool]:
    """The guard's policy, except that `name` counts as public wherever it points: stands in
    for a real public host in tests that can only serve from 127.0.0.1."""

    def allowed(host: str, ip: IPAddress) -> bool:
        return host == name or public_only(host, ip)

    return allowed


def test_a_redirect_to_loopback_from_a_public_source_is_refused(
    hostile: Hostile, tmp_path: Path
) -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return {"news.example": ["127.0.0.1"]}[host]

    hostile.routes["/feed"] = redirect(302, hostile.url("/admin"))
    hostile.routes["/admin"] = lambda h: respond(h, body=b"secret")
    url = hostile.url("/feed", host="news.example")
    settings = settings_for(tmp_path, url, allow_private=False)
    message = fetch_error(
        settings, resolver=resolver, address_allowed=_public_looking("news.example")
    )
    assert message == (
        f"source 's0': refused to fetch redirect from {url} to {hostile.url('/admin')}: "
        "127.0.0.1 is a loopback address; only public addresses are polled unless "
        "sources.s0.allow_private = true"
    )
    assert hostile.paths() == ["/feed"]  # the redirect target was never contacted


def test_the_connection_goes_to_the_address_that_was_checked(
    hostile: Hostile, tmp_path: Path
) -> None:
    """`news.example` has no DNS here: the fetch can only work if the transport connects to
    the address the guard checked, never looking the name up again (DNS rebinding)."""

    async def resolver(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    hostile.routes["/feed"] = lambda h: respond(h, body=RSS)
    url = hostile.url("/feed", host="news.example")
    got = fetch(
        settings_for(tmp_path, url, allow_private=False),
        resolver=resolver,
        address_allowed=_public_looking("news.example"),
    )
    assert isinstance(got, Fetched) and got.payload == RSS
    assert hostile.requests[0][1]["host"] == f"news.example:{hostile.port}"


def test_an_unknown_host_name_is_one_clear_line(tmp_path: Path) -> None:
    async def resolver(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    message = fetch_error(
        settings_for(tmp_path, "https://nowhere.example/rss", allow_private=False),
        resolver=resolver,
    )
    assert (
        message
        == "source 's0': cannot connect to nowhere.example: host name not found; check the URL"
    )


# --- Retry-After, backoff, per-host limits -----------------------------------------------

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "retry_after", "expected"),
    [
        (429, "7200", NOW + timedelta(hours=2)),
        (503, "Sun, 01 Mar 2026 14:30:00 GMT", NOW + timedelta(hours=2, minutes=30)),
        (429, "999999999", NOW + timedelta(hours=24)),  # capped: a day at most
    ],
)
def test_retry_after_is_honoured(
    hostile: Hostile,
    tmp_path: Path,
    sqlite_store: Database,
    status: int,
    retry_after: str,
    expected: datetime,
) -> None:
    hostile.routes["/feed"] = lambda h: respond(h, status, b"slow down", Retry_After=retry_after)
    settings = settings_for(tmp_path, hostile.url("/feed"))
    report = poll(settings, sqlite_store, now=NOW)
    assert not report.ok
    phrase = {429: "Too Many Requests", 503: "Service Unavailable"}[status]
    when = expected.strftime("%Y-%m-%d %H:%M:%S UTC")
    assert report.error == (
        f"source 's0': HTTP {status} {phrase}; retrying after {when} ({hostile.url('/feed')})"
    )
    assert report.next_poll_at == expected
    state = source_state.get(sqlite_store, "s0")
    assert state is not None and state.next_poll_at == expected
    assert state.consecutive_failures == 1


def test_a_503_without_retry_after_is_an_ordinary_failure(
    hostile: Hostile, tmp_path: Path, sqlite_store: Database
) -> None:
    hostile.routes["/feed"] = lambda h: respond(h, 503, b"down")
    report = poll(settings_for(tmp_path, hostile.url("/feed")), sqlite_store, now=NOW)
    assert report.error == f"source 's0': HTTP 503 Service Unavailable from {hostile.url('/feed')}"
    assert report.next_poll_at is not None
    assert NOW + timedelta(seconds=60) <= report.next_poll_at <= NOW + timedelta(seconds=120)


def test_backoff_grows_and_resets_on_success(
    hostile: Hostile, tmp_path: Path, sqlite_store: Database
) -> None:
    hostile.routes["/feed"] = lambda h: respond(h, 500, b"oops")
    settings = settings_for(tmp_path, hostile.url("/feed"), max_backoff=600)
    windows = [(60, 120), (60, 240), (60, 480), (60, 600), (60, 600)]
    for failures, (low, high) in enumerate(windows, start=1):
        report = poll(settings, sqlite_store, now=NOW)
        assert not report.ok and report.next_poll_at is not None
        delay = (report.next_poll_at - NOW).total_seconds()
        assert low <= delay <= high, (failures, delay)
        state = source_state.get(sqlite_store, "s0")
        assert state is not None and state.consecutive_failures == failures
    hostile.routes["/feed"] = lambda h: respond(h, body=RSS)
    report = poll(settings, sqlite_store, now=NOW)
    assert report.ok and report.next_poll_at == NOW + timedelta(seconds=60)
    state = source_state.get(sqlite_store, "s0")
    assert state is not None and state.consecutive_failures == 0


def test_requests_per_host_are_limited(hostile: Hostile, tmp_path: Path) -> None:
    def held(handler: BaseHTTPRequestHandler) -> None:
        with hostile.lock:
            hostile.active += 1
            hostile.most_active = max(hostile.most_active, hostile.active)
        try:
            time.sleep(0.2)
            body = RSS.replace(b"g-1", handler.path.encode())
            respond(handler, body=body)
        finally:
            with hostile.lock:
                hostile.active -= 1

    for i in range(10):
        hostile.routes[f"/feed{i}"] = held
    settings = settings_for(
        tmp_path, *(hostile.url(f"/feed{i}") for i in range(10)), max_requests_per_host=2
    )
    store = Database.open(f"sqlite:///{tmp_path / 'wiredesk.db'}")
    try:
        reports = ingest_once(settings, store)
    finally:
        store.close()
    assert [r.ok for r in reports] == [True] * 10
    assert len(hostile.requests) == 10
    assert 1 <= hostile.most_active <= 2


def test_an_international_host_name_is_checked_and_reached(
    hostile: Hostile, tmp_path: Path
) -> None:
    asked: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["127.0.0.1"]

    hostile.routes["/feed"] = lambda h: respond(h, body=RSS)
    url = hostile.url("/feed", host="समाचार.example")
    got = fetch(
        settings_for(tmp_path, url, allow_private=False),
        resolver=resolver,
        address_allowed=_public_looking("xn--61b3bh3a5ab.example"),
    )
    assert isinstance(got, Fetched) and got.payload == RSS
    assert asked == ["xn--61b3bh3a5ab.example"]  # the name as DNS knows it
    message = fetch_error(settings_for(tmp_path, url, allow_private=False), resolver=resolver)
    assert "समाचार.example resolves to 127.0.0.1, a loopback address" in message
