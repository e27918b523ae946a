"""Issue 13's text faults (items 1 and 3) through the whole path: each case of
`tests/hostile/cases/` is pushed as the agency sent it (parse → pipeline → store, SQLite and
PostgreSQL), and what is stored, the envelope's problem lines, the article pages and every
outbound feed are checked against its `expect.toml`.

How the keys are read here: `headlines` are the stored headlines in the payload's order (the
cases date their items in that order); each of `body_contains` is in some stored body and on
that story's page; no stored body or page holds any of `body_excludes`; each of
`problems_contain` is in the envelope's problem lines.
"""

from __future__ import annotations

import html
import json
import tomllib
from pathlib import Path
from typing import Any

import feedparser
import pytest
from starlette.testclient import TestClient

from wiredesk.config import Settings, parse_settings
from wiredesk.ingest.accept import accept
from wiredesk.model import Envelope, Transport
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database
from wiredesk.store.ledger import envelopes
from wiredesk.store.public.reader import PublicReader
from wiredesk.store.public.views import Copy
from wiredesk.text.invisible import BIDI_CONTROLS

CASES = Path(__file__).resolve().parents[1] / "hostile" / "cases"
MINE = (
    "utf8-stray-ff-byte",
    "utf8-nul-byte",
    "bad-byte-outside-items",
    "latin1-label-on-utf8-hindi",
    "latin1-label-windows-1252-text",
    "bidi-controls-in-headline",
    "zero-width-and-bom-in-headline",
    "img-tag-as-text-in-atom-title",
    "img-tag-as-text-in-json-feed-title",
)
SITE_NAME = "वायरडेस्क समाचार"


def settings_for(tmp_path: Path) -> Settings:
    return parse_settings(
        {
            "site": {
                "name": SITE_NAME,
                "language": "hi",
                "base_url": "https://news.example",
                "timezone": "Asia/Kolkata",
            },
            "editions": {"en": {}},  # the cases are in Hindi and in English
            "sources": [{"id": "wire", "name": "Wire", "push_token": "t" * 24}],
        },
        tmp_path / "wiredesk.toml",
    )


def page_of(settings: Settings, copy: Copy) -> str:
    """A copy's article path, in its language's edition."""
    edition = settings.site.edition(copy.language)
    assert edition is not None, f"no edition in {copy.language!r}"
    return edition.prefix + copy.path


def load_case(name: str) -> tuple[bytes, dict[str, Any]]:
    folder = CASES / name
    [payload] = folder.glob("payload.*")
    return payload.read_bytes(), tomllib.loads((folder / "expect.toml").read_text("utf-8"))


def feed_title(entry: Any) -> str:
    """An outbound feed entry's title as a reader that obeys its declared type shows it."""
    detail = entry.get("title_detail") or {}
    title = str(entry.get("title", ""))
    if detail.get("type") in ("text/html", "application/xhtml+xml"):
        return html.unescape(title)
    return title


def test_every_case_of_mine_is_there_and_says_its_issue() -> None:
    for name in MINE:
        payload, expect = load_case(name)
        assert payload and expect["issue"] == 13 and expect["item"] in (1, 3), name


@pytest.mark.parametrize("name", MINE)
def test_case_through_the_whole_path(name: str, tmp_path: Path, store: Database) -> None:
    payload, expect = load_case(name)
    settings = settings_for(tmp_path)
    source = settings.sources[0]
    outcome = accept(settings, store, source, Envelope("wire", payload, Transport.PUSH, "push"))
    assert outcome.error is None and outcome.quarantined == 0, outcome

    copies = PublicReader(store).list_copies(source_id="wire", limit=100)
    copies.sort(key=lambda c: c.published_at)
    assert [c.headline for c in copies] == expect.get("headlines", [c.headline for c in copies])
    bodies = [c.body_html for c in copies]
    for wanted in expect.get("body_contains", []):
        assert any(wanted in b for b in bodies), (wanted, bodies)
    for unwanted in expect.get("body_excludes", []):
        assert not any(unwanted in b for b in bodies), (unwanted, bodies)

    stored_error = (envelopes.get(store, outcome.envelope_id) or {}).get("error") or ""
    for wanted in expect.get("problems_contain", []):
        assert wanted in stored_error, (wanted, stored_error)
    if "problems_contain" not in expect:
        assert not outcome.problems, outcome.problems

    client = TestClient(site_app(settings, store))
    for copy in copies:
        page = client.get(page_of(settings, copy))
        assert page.status_code == 200
        text = page.text
        shown = html.escape(copy.headline, quote=False)
        title = text.split("<title>", 1)[1].split("</title>", 1)[0]
        assert shown in title and title.rstrip().endswith(SITE_NAME), title
        assert not any(ch in text for ch in BIDI_CONTROLS + "\u200b\ufeff"), name
        assert "<img src=x" not in text  # a tag the agency wrote as text is escaped
        for unwanted in expect.get("body_excludes", []):
            assert unwanted not in text
    for wanted in expect.get("body_contains", []):
        assert any(wanted in client.get(page_of(settings, c)).text for c in copies), wanted

    for edition in settings.site.editions:  # each copy in its own edition's feeds
        headlines = {c.headline for c in copies if c.language == edition.language}
        for path in ("/feed.xml", "/atom.xml"):
            raw = client.get(edition.prefix + path).content
            parsed = feedparser.parse(raw, sanitize_html=False)
            assert {feed_title(e) for e in parsed.entries} == headlines, path
            assert b"<img" not in raw, path
        entries = json.loads(client.get(edition.prefix + "/feed.json").content)["items"]
        assert {e["title"] for e in entries} == headlines
