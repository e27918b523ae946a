"""No half story is published: an empty item is not a story, a headline-less one gets a
derived headline or is held (per source), and an item cut short by a truncated payload is held
while the whole ones around it go through."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests import fixture_files
from wiredesk.config import Settings, parse_settings
from wiredesk.errors import ConfigError
from wiredesk.ingest.accept import accept
from wiredesk.ingest.completeness import DERIVED_HEADLINE_ACTION, derive_headline
from wiredesk.ingest.prepare import Prepared, prepare
from wiredesk.model import Envelope, Transport
from wiredesk.store.database import Database
from wiredesk.store.ledger import envelopes, quarantine
from wiredesk.store.public.reader import PublicReader

TOKEN = "t" * 24


def settings_for(tmp_path: Path, **source: Any) -> Settings:
    data = {
        "site": {"language": "en", "base_url": "https://news.example", "data_dir": "data"},
        "sources": [{"id": "wire", "name": "Wire", "push_token": TOKEN, **source}],
    }
    return parse_settings(data, tmp_path / "wiredesk.toml")


def prepared(settings: Settings, payload: bytes) -> Prepared:
    env = Envelope("wire", payload, Transport.PUSH, "push")
    return prepare(settings.site, settings.sources[0], env, 1)


def nitf(headline: str = "", abstract: str = "", body: str = "") -> bytes:
    return (
        "<nitf><head><docdata><doc-id id-string='n-1'/></docdata></head><body><body.head>"
        f"<hedline><hl1>{headline}</hl1></hedline>"
        + (f"<abstract>{abstract}</abstract>" if abstract else "")
        + f"</body.head><body.content>{body}</body.content></body></nitf>"
    ).encode()


RSS_CUT = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
    b"<item><guid>w-1</guid><title>Whole story</title>"
    b"<description>All of the first story.</description></item>"
    b"<item><guid>w-2</guid><title>Cut story</title>"
    b"<description>The second story breaks off in the mid"
)


def test_an_empty_nitf_is_not_a_story(tmp_path: Path, store: Database) -> None:
    settings = settings_for(tmp_path)
    env = Envelope("wire", nitf(), Transport.PUSH, "push")
    outcome = accept(settings, store, settings.sources[0], env)
    assert PublicReader(store).list_copies(limit=10) == []
    assert outcome.saved == 0
    assert any("no headline and no body; not a story" in p for p in outcome.problems)


def test_a_bare_kill_is_still_let_through(tmp_path: Path) -> None:
    kill = nitf().replace(b"<docdata>", b'<docdata management-status="canceled">')
    ready = prepared(settings_for(tmp_path), kill).ready
    assert [r.item.guid for r in ready] == ["n-1"]


def test_an_empty_headline_is_derived_from_the_abstract_and_marked(tmp_path: Path) -> None:
    payload = nitf(abstract="Fire closes the city bridge", body="<p>The bridge burned.</p>")
    result = prepared(settings_for(tmp_path), payload)
    [ready] = result.ready
    assert ready.item.headline == "Fire closes the city bridge"
    assert ready.item.provenance[-1].action == DERIVED_HEADLINE_ACTION
    assert any("no headline sent; derived from its summary" in p for p in result.problems)


def test_an_empty_headline_is_derived_from_the_first_real_sentence(tmp_path: Path) -> None:
    body = "<p>MOSCOW, Feb 5 (Wire). The bridge over the river burned down overnight. More.</p>"
    [ready] = prepared(settings_for(tmp_path), nitf(body=body)).ready
    assert ready.item.headline == "The bridge over the river burned down overnight."


def test_a_long_derived_headline_is_cut_at_a_word() -> None:
    headline = derive_headline("word " * 60, "")
    assert headline.endswith("word…") and len(headline) <= 120


def test_an_empty_headline_is_held_when_the_source_says_hold(
    tmp_path: Path, store: Database
) -> None:
    settings = settings_for(tmp_path, missing_headline="hold")
    payload = nitf(abstract="Fire closes the city bridge", body="<p>The bridge burned.</p>")
    env = Envelope("wire", payload, Transport.PUSH, "push")
    accept(settings, store, settings.sources[0], env)
    assert PublicReader(store).list_copies(limit=10) == []
    [row] = quarantine.list_rows(store)
    assert (row.guid, row.stage) == ("n-1", "parse")
    assert 'missing_headline = "hold"' in row.reason


def test_missing_headline_setting_is_checked(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"sources\.wire\.missing_headline: must be \"derive\""):
        settings_for(tmp_path, missing_headline="publish")


def test_a_truncated_feed_holds_the_cut_item_and_keeps_the_whole_one(
    tmp_path: Path, store: Database
) -> None:
    settings = settings_for(tmp_path)
    env = Envelope("wire", RSS_CUT, Transport.PUSH, "push")
    outcome = accept(settings, store, settings.sources[0], env)
    assert [c.headline for c in PublicReader(store).list_copies(limit=10)] == ["Whole story"]
    [row] = quarantine.list_rows(store)
    assert (row.guid, row.stage, row.item_index) == ("w-2", "parse", 1)
    assert "not well-formed XML" in row.reason and "cut short" in row.reason
    assert json.loads(row.raw_item or "")["headline"] == "Cut story"
    envelope = envelopes.get(store, outcome.envelope_id) or {}
    assert envelope["error"].startswith("1 item quarantined")


def test_a_feed_cut_between_items_loses_nothing(tmp_path: Path) -> None:
    whole_items_only = RSS_CUT[: RSS_CUT.index(b"<item><guid>w-2")]
    result = prepared(settings_for(tmp_path), whole_items_only)
    assert [r.item.guid for r in result.ready] == ["w-1"] and result.held == []


def test_a_cut_feed_with_unescaped_ampersands_holds_only_the_cut_item(tmp_path: Path) -> None:
    # no guids: each item is known by its link, and a whole item's link holds a bare `&`
    cut = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        b"<item><title>Fine & dandy</title><link>https://w.example/s?id=2&p=2</link>"
        b"<description>All of the story.</description></item>"
        b"<item><title>Cut story</title><link>https://w.example/s?id=3&p=2</link>"
        b"<description>The story breaks off in the mid"
    )
    result = prepared(settings_for(tmp_path), cut)
    [whole] = result.ready
    assert (whole.item.link, whole.item.headline) == (
        "https://w.example/s?id=2&p=2",
        "Fine & dandy",
    )
    assert [h.item.link for h in result.held] == ["https://w.example/s?id=3&p=2"]


iptc_message = fixture_files.iptc_news_message


def test_a_truncated_newsmessage_holds_the_cut_item_and_keeps_the_whole_one(
    tmp_path: Path, store: Database
) -> None:
    message = iptc_message()
    cut = message[: message.index(b"<body.content>") + 200]  # in the second item's body
    settings = settings_for(tmp_path)
    env = Envelope("wire", cut, Transport.PUSH, "push")
    outcome = accept(settings, store, settings.sources[0], env)
    [copy] = PublicReader(store).list_copies(limit=10)
    assert copy.headline.startswith("Fed to halt QE")
    [row] = quarantine.list_rows(store)
    assert (row.guid, row.stage, row.item_index) == (
        "tag:xmlteam.com,2016:xt.5932656-preview",
        "parse",
        1,
    )
    assert "not well-formed XML (it ends after" in row.reason and "cut short" in row.reason
    assert json.loads(row.raw_item or "")["headline"].startswith("Preview: Arizona")
    envelope = envelopes.get(store, outcome.envelope_id) or {}
    assert envelope["error"].startswith("1 item quarantined")


def test_a_whole_newsmessage_holds_nothing(tmp_path: Path) -> None:
    result = prepared(settings_for(tmp_path), iptc_message())
    assert len(result.ready) == 2 and result.held == []


def test_a_wire_text_cut_mid_message_holds_that_message_and_keeps_the_whole_one(
    tmp_path: Path, store: Database
) -> None:
    whole = fixture_files.FIXTURES.parent / "formats" / "samples" / "iptc7901-multi.txt"
    payload = whole.read_bytes()
    cut = payload[: payload.index(b"Thursday. The vote") + 20]  # in the second message
    settings = settings_for(tmp_path)
    env = Envelope("wire", cut, Transport.PUSH, "push")
    outcome = accept(settings, store, settings.sources[0], env)
    [copy] = PublicReader(store).list_copies(limit=10)
    assert copy.headline == "Stocks rise at the open"
    [row] = quarantine.list_rows(store)
    assert (row.stage, row.item_index) == ("parse", 1)
    assert row.guid.endswith(":parliament-budget")
    assert "no ETX (0x03) end of text" in row.reason and "cut short" in row.reason
    envelope = envelopes.get(store, outcome.envelope_id) or {}
    assert envelope["error"].startswith("1 item quarantined")
