"""POST /ingest/<source id>: agencies that push. Real app, real store on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.channels.channels_support import Clock
from wiredesk.config import Settings, parse_settings
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database
from wiredesk.store.ledger import envelopes

TOKEN = "s3cret-push-token-for-ians"
PTI_TOKEN = "another-token-for-pti-0001"


def rss(guid: str = "p-1", title: str = "पुश से आई ख़बर", body: str = "ख़बर का पाठ।") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>एजेंसी</title><link>https://agency.example/</link><description>d</description>"
        f'<language>hi</language><item><guid isPermaLink="false">{guid}</guid>'
        f"<title>{title}</title><pubDate>Thu, 05 Feb 2026 10:00:00 GMT</pubDate>"
        f"<description>{body}</description></item></channel></rss>"
    ).encode()


def json_feed(title: str) -> bytes:
    return (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "पोर्टल", "items": ['
        f'{{"id": "j-1", "title": "{title}", "content_html": "<p>पाठ</p>",'
        ' "date_published": "2026-02-05T10:00:00Z"}]}'
    ).encode()


def settings(tmp_path: Path, **site: Any) -> Settings:
    return parse_settings(
        {
            "site": {"language": "hi", "base_url": "https://news.example", **site},
            "sections": {"videsh": "विदेश"},
            "sources": [
                {"id": "ians", "name": "IANS", "push_token": TOKEN, "section": "videsh"},
                {"id": "pti", "name": "PTI", "url": "https://wire.example/pti.xml"},
                {
                    "id": "both",
                    "name": "Both",
                    "url": "https://wire.example/b.xml",
                    "push_token": PTI_TOKEN,
                },
            ],
        },
        tmp_path / "wiredesk.toml",
    )


@pytest.fixture
def client(store: Database, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(site_app(settings(tmp_path), store, clock=Clock())) as c:
        yield c


def push(client: TestClient, body: bytes, source: str = "ians", token: str | None = TOKEN, **kw):
    headers = {"Content-Type": "application/rss+xml"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    headers.update(kw.pop("headers", {}))
    return client.post(f"/ingest/{source}", content=body, headers=headers, **kw)


def test_a_pushed_feed_is_stored_processed_and_published(
    client: TestClient, store: Database
) -> None:
    answer = push(client, rss())
    assert answer.status_code == 202
    got = answer.json()
    assert got["status"] == "processed" and got["error"] is None
    assert got["new_stories"] == 1 and got["new_versions"] == 0
    env = envelopes.get(store, got["envelope"])
    assert env is not None and env["transport"] == "push" and env["payload"] == rss()
    assert "पुश से आई ख़बर" in client.get("/").text
    assert "पुश से आई ख़बर" in client.get("/videsh/feed.xml").text  # the source's section

    changed = push(client, rss(body="बदला हुआ पाठ।")).json()
    assert changed["status"] == "processed" and changed["new_versions"] == 1


def test_a_json_feed_can_be_pushed_too(client: TestClient) -> None:
    answer = push(client, json_feed("जेसन फ़ीड की ख़बर"), headers={"Content-Type": "x"})
    assert answer.status_code == 202 and answer.json()["new_stories"] == 1
    assert "जेसन फ़ीड की ख़बर" in client.get("/").text


def test_the_same_payload_twice_is_a_duplicate(client: TestClient, store: Database) -> None:
    first = push(client, rss()).json()
    again = push(client, rss())
    assert again.status_code == 202
    assert again.json() == {
        "envelope": first["envelope"],
        "status": "duplicate",
        "new_stories": 0,
        "new_versions": 0,
        "dropped": 0,
        "error": None,
        "problems": [],
    }
    assert envelopes.count(store) == 1


def test_an_unreadable_payload_is_kept_raw_and_reported_failed(
    client: TestClient, store: Database
) -> None:
    answer = push(client, b"this is not a feed")
    assert answer.status_code == 202
    got = answer.json()
    assert got["status"] == "failed" and "cannot read the payload" in got["error"]
    assert envelopes.get(store, got["envelope"])["payload"] == b"this is not a feed"


@pytest.mark.parametrize(
    ("source", "header"),
    [
        ("ians", None),  # no token
        ("ians", "Bearer wrong-token-of-some-length"),
        ("ians", f"Bearer {TOKEN}x"),
        ("ians", f"Basic {TOKEN}"),
        ("ians", "Bearer "),
        ("pti", f"Bearer {TOKEN}"),  # a polled source without push
        ("pti", "Bearer "),
        ("both", f"Bearer {TOKEN}"),  # another source's token
        ("nosuch", f"Bearer {TOKEN}"),  # unknown ids answer exactly the same
    ],
)
def test_a_missing_or_wrong_token_is_401_and_stores_nothing(
    client: TestClient, store: Database, source: str, header: str | None
) -> None:
    headers = {"Authorization": header} if header is not None else {}
    answer = client.post(f"/ingest/{source}", content=rss(), headers=headers)
    assert answer.status_code == 401
    assert answer.json() == {"error": "missing or wrong bearer token for this source"}
    assert answer.headers["www-authenticate"].startswith("Bearer")
    assert envelopes.count(store) == 0
    assert "पुश से आई ख़बर" not in client.get("/").text


def test_a_source_that_polls_can_also_accept_pushes(client: TestClient, store: Database) -> None:
    assert push(client, rss(), source="both", token=PTI_TOKEN).status_code == 202
    assert envelopes.count(store, "both") == 1


def test_a_body_over_the_limit_is_413_and_stores_nothing(store: Database, tmp_path: Path) -> None:
    app = site_app(settings(tmp_path, push_max_bytes=1024), store, clock=Clock())
    big = rss(body="क" * 2000)
    with TestClient(app) as client:
        declared = push(client, big)
        assert declared.status_code == 413
        assert "push_max_bytes" in declared.json()["error"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
            for i in range(0, len(big), 256):
                yield big[i : i + 256]

        streamed = push(client, chunks())  # type: ignore[arg-type]
        assert streamed.status_code == 413
        assert envelopes.count(store) == 0
        assert push(client, rss()).status_code == 202  # under the limit is fine


def test_bad_requests_store_nothing(client: TestClient, store: Database) -> None:
    assert push(client, b"").status_code == 400
    assert push(client, rss(), headers={"Content-Length": "abc"}).status_code == 400
    assert client.get("/ingest/ians").status_code == 404  # not a page
    assert envelopes.count(store) == 0
