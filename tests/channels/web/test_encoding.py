"""Pages and feeds go out compressed, in the encoding the reader asks for, compressed once per
render; each encoding has its own ETag and answers 304 to it. SQLite and PostgreSQL."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import brotli
import lxml.html
import pytest
from starlette.testclient import TestClient

from tests.channels.channels_support import Clock, Filler, make_settings, story_item
from wiredesk.channels.web import encoding
from wiredesk.channels.web.encoding import preferred
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database

# HTML, RSS, Atom, JSON Feed, a sitemap: every text type the site renders
PAGES = ("/", "/videsh/", "/feed.xml", "/atom.xml", "/feed.json", "/sitemap-news.xml")
DECODE = {"br": brotli.decompress, "gzip": gzip.decompress}


def client_for(store: Database, tmp_path: Path, clock: Clock) -> TestClient:
    app = site_app(make_settings(tmp_path, "hi"), store, clock=clock, follow_changes_every=3600)
    return TestClient(app, follow_redirects=False)


def raw(client: TestClient, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and the body as sent (httpx would decompress it)."""
    with client.stream("GET", path, headers=headers) as response:
        return response.status_code, dict(response.headers), b"".join(response.iter_raw())


def pages(client: TestClient) -> list[str]:
    doc = lxml.html.fromstring(raw(client, "/", **{"accept-encoding": "identity"})[2])
    [article] = doc.xpath("//h2/a/@href")[:1]
    return [*PAGES, str(article)]


@pytest.mark.parametrize("coding", ["br", "gzip"])
def test_pages_and_feeds_are_sent_compressed_when_the_reader_accepts_it(
    store: Database, fill: Filler, tmp_path: Path, clock: Clock, coding: str
) -> None:
    fill(story_item(1), story_item(2))
    client = client_for(store, tmp_path, clock)
    for path in pages(client):
        status, plain_headers, plain = raw(client, path, **{"accept-encoding": "identity"})
        assert status == 200 and "content-encoding" not in plain_headers, path
        status, headers, packed = raw(client, path, **{"accept-encoding": coding})
        assert status == 200, path
        assert headers["content-encoding"] == coding, path
        assert DECODE[coding](packed) == plain, path
        assert len(packed) < len(plain) / 2, path
        assert int(headers["content-length"]) == len(packed)
        assert headers["content-type"] == plain_headers["content-type"]
        assert headers["vary"] == plain_headers["vary"] == "Accept-Encoding"
        assert headers["etag"] != plain_headers["etag"]  # another representation, another tag
        assert headers["last-modified"] == plain_headers["last-modified"]
        assert headers["content-security-policy"]


@pytest.mark.parametrize("coding", ["br", "gzip"])
def test_a_compressed_copy_is_revalidated_by_its_own_etag(
    store: Database, fill: Filler, tmp_path: Path, clock: Clock, coding: str
) -> None:
    fill(story_item(1))
    client = client_for(store, tmp_path, clock)
    for path in pages(client):
        _, headers, _ = raw(client, path, **{"accept-encoding": coding})
        status, again, body = raw(
            client, path, **{"accept-encoding": coding, "if-none-match": headers["etag"]}
        )
        assert status == 304 and body == b"", path
        assert again["etag"] == headers["etag"] and again["vary"] == "Accept-Encoding"
        weak = raw(
            client, path, **{"accept-encoding": coding, "if-none-match": "W/" + headers["etag"]}
        )
        assert weak[0] == 304
        since = raw(
            client,
            path,
            **{"accept-encoding": coding, "if-modified-since": headers["last-modified"]},
        )
        assert since[0] == 304 and since[1]["etag"] == headers["etag"]
        other = raw(client, path, **{"accept-encoding": coding, "if-none-match": '"other"'})
        assert other[0] == 200 and other[1]["content-encoding"] == coding


def test_a_cached_page_is_compressed_once_not_per_request(
    store: Database,
    fill: Filler,
    tmp_path: Path,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fill(story_item(1))
    client = client_for(store, tmp_path, clock)
    calls: list[str] = []
    real = encoding.compress

    def counted(coding: str, body: bytes) -> bytes:
        calls.append(coding)
        return real(coding, body)

    monkeypatch.setattr(encoding, "compress", counted)
    for path in PAGES:
        raw(client, path, **{"accept-encoding": "br"})
    # the render compresses for its reader only: nobody waits for a gzip body no one asked for
    assert calls == ["br"] * len(PAGES)
    calls.clear()
    for path in PAGES:
        raw(client, path, **{"accept-encoding": "gzip"})
    assert calls == ["gzip"] * len(PAGES)  # made once, for the first reader wanting it
    calls.clear()
    for path in PAGES:
        for accept in ("br", "gzip", "gzip, deflate, br", "identity", "*"):
            status, headers, _ = raw(client, path, **{"accept-encoding": accept})
            assert status == 200 and headers.get("vary") == "Accept-Encoding"
    assert calls == []


def test_a_fresh_page_answers_its_reader_before_other_codings_are_made(
    store: Database, fill: Filler, tmp_path: Path, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a reader who takes no compression gets the page without any compression at all, and
    # a cache in front is still told that the answer varies by Accept-Encoding
    fill(story_item(1))
    client = client_for(store, tmp_path, clock)
    calls: list[str] = []
    real = encoding.compress
    monkeypatch.setattr(encoding, "compress", lambda c, b: calls.append(c) or real(c, b))
    status, headers, body = raw(client, "/", **{"accept-encoding": "identity"})
    assert status == 200 and "content-encoding" not in headers
    assert headers["vary"] == "Accept-Encoding" and calls == []
    status, headers, packed = raw(client, "/", **{"accept-encoding": "br"})
    assert headers["content-encoding"] == "br" and calls == ["br"]
    assert brotli.decompress(packed) == body


def test_no_accept_encoding_gets_the_plain_body(
    store: Database, fill: Filler, tmp_path: Path, clock: Clock
) -> None:
    fill(story_item(1))
    client = client_for(store, tmp_path, clock)
    client.headers.pop("accept-encoding", None)
    status, headers, body = raw(client, "/")
    assert status == 200 and "content-encoding" not in headers
    assert body.startswith(b"<!doctype html>")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "identity"),  # said nothing: may not decode anything
        (b"", "identity"),
        (b"gzip, deflate, br, zstd", "br"),  # a browser: the smallest wins a tie
        (b"gzip", "gzip"),
        (b"x-gzip", "gzip"),
        (b"GZIP;Q=1.0", "gzip"),
        (b"br;q=0.5, gzip;q=0.8", "gzip"),
        (b"br;q=0, gzip", "gzip"),
        (b"br;q=0.001", "br"),
        (b"identity", "identity"),
        (b"deflate", "identity"),
        (b"*", "br"),
        (b"*;q=0.5, br;q=0.1", "gzip"),
        (b"gzip;q=0.5, identity", "identity"),  # the reader would rather have it plain
        (b"identity;q=0, *;q=0", "identity"),  # refuses everything: a page beats a 406
        (b"br;q=nonsense, gzip;q=0.2", "gzip"),
        (b" , ;q=1, br ; q = 0.9 ", "br"),
    ],
)
def test_the_reader_s_accept_encoding_chooses_the_coding(
    header: bytes | None, expected: str
) -> None:
    assert preferred(header, ("br", "gzip")) == expected


def test_only_codings_the_entry_has_are_chosen() -> None:
    assert preferred(b"br", ("gzip",)) == "identity"
    assert preferred(b"br, gzip;q=0.1", ("gzip",)) == "gzip"
    assert preferred(b"*", ()) == "identity"


def test_what_is_compressed_goes_by_content_type() -> None:
    body = b"<p>" + "ख़बर ".encode() * 200 + b"</p>"
    for kind in (
        b"text/html; charset=utf-8",
        b"application/rss+xml",
        b"application/atom+xml; charset=utf-8",
        b"application/xml",
        b"application/feed+json",
        b"text/plain",
    ):
        _, variants = encoding.encode(((b"content-type", kind),), body, b'"t"')
        assert [v.coding for v in variants] == ["br", "gzip"], kind
        assert [v.etag for v in variants] == [b'"t-br"', b'"t-gz"']
    for kind in (b"image/webp", b"font/woff2", b"application/octet-stream"):
        assert encoding.encode(((b"content-type", kind),), body, b'"t"') == (
            ((b"content-type", kind),),
            (),
        )
    small = encoding.encode(((b"content-type", b"text/html"),), b"<p>hi</p>", b'"t"')
    assert small[1] == ()


def test_an_answer_that_is_not_kept_is_compressed_for_its_reader_alone(
    store: Database,
    fill: Filler,
    tmp_path: Path,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A page rendered for one request (here /health; any handler that does not tag its
    answer for the cache) is compressed once, in the one coding its reader asked for."""
    fill(story_item(1))
    client = client_for(store, tmp_path, clock)
    calls: list[str] = []
    real = encoding.compress

    def counted(coding: str, body: bytes) -> bytes:
        calls.append(coding)
        return real(coding, body)

    monkeypatch.setattr(encoding, "compress", counted)
    # /health is a few hundred bytes, below what is worth compressing: lower the bar
    monkeypatch.setattr(encoding, "MIN_SIZE", 64)
    status, plain_headers, plain = raw(client, "/health", **{"accept-encoding": "identity"})
    assert status == 200 and "content-encoding" not in plain_headers and calls == []
    status, headers, packed = raw(client, "/health", **{"accept-encoding": "gzip"})
    assert calls == ["gzip"]
    assert headers["content-encoding"] == "gzip" and headers["vary"] == "Accept-Encoding"
    assert headers["cache-control"] == "no-store" and "etag" not in headers
    assert int(headers["content-length"]) == len(packed)
    assert json.loads(gzip.decompress(packed))["status"] == json.loads(plain)["status"]
