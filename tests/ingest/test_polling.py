"""Ingest end to end on real files and real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from wiredesk import pipeline
from wiredesk.config import Settings, parse_settings
from wiredesk.ingest.polling import ingest_once, ingest_source
from wiredesk.model import EnvelopeStatus, Item
from wiredesk.store import operator
from wiredesk.store.database import Database
from wiredesk.store.ledger import envelopes, source_state
from wiredesk.store.public.reader import PublicReader


def rss(*stories: tuple[str, str, str]) -> bytes:
    """RSS with (guid, headline, body) items."""
    items = "".join(
        f'<item><guid isPermaLink="false">{guid}</guid><title>{title}</title>'
        f"<pubDate>Sat, 05 Feb 2022 14:00:00 GMT</pubDate>"
        f"<description>{body}</description></item>"
        for guid, title, body in stories
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>समाचार</title><link>https://agency.example/</link><description>d</description>"
        f"<language>hi</language>{items}</channel></rss>"
    ).encode()


ONE = ("s-1", "पहली खबर", "नई दिल्ली, 5 फरवरी (आईएएनएस)। पहली खबर का पाठ।")
TWO = ("s-2", "दूसरी खबर", "मुंबई, 5 फरवरी (आईएएनएस)। दूसरी खबर का पाठ।")
THREE = ("s-3", "तीसरी खबर", "पटना, 5 फरवरी (आईएएनएस)। तीसरी खबर का पाठ।")


def make_settings(tmp_path: Path, *sources: dict[str, Any]) -> Settings:
    data = {
        "site": {"language": "hi", "base_url": "https://news.example", "data_dir": "data"},
        "sources": list(sources),
    }
    return parse_settings(data, tmp_path / "wiredesk.toml")


def drop(folder: Path, name: str, payload: bytes) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_bytes(payload)
    then = time.time() - 10  # the writer is done
    os.utime(path, (then, then))
    return path


def headlines(store: Database) -> list[str]:
    return sorted(s.headline for s in PublicReader(store).list_copies(limit=100))


def test_dropped_file_becomes_stories_and_moves_to_processed(
    tmp_path: Path, store: Database
) -> None:
    settings = make_settings(tmp_path, {"id": "drop", "name": "Drop", "folder": "inbox"})
    drop(tmp_path / "inbox", "001.xml", rss(ONE, TWO))
    report = ingest_source(settings, store, settings.sources[0])
    assert report.ok, report.error
    assert (report.envelopes, report.new_stories, report.new_versions) == (1, 2, 0)
    assert headlines(store) == ["दूसरी खबर", "पहली खबर"]
    assert (tmp_path / "inbox" / "processed" / "001.xml").exists()
    assert not (tmp_path / "inbox" / "001.xml").exists()


def test_raw_payload_is_stored_even_when_it_cannot_be_parsed(
    tmp_path: Path, store: Database
) -> None:
    settings = make_settings(tmp_path, {"id": "drop", "name": "Drop", "folder": "inbox"})
    garbage = b"<html><body>Login required</body></html>"
    drop(tmp_path / "inbox", "bad.xml", b"\x00\x01 not a feed at all")
    drop(tmp_path / "inbox", "also-bad.xml", garbage)
    report = ingest_source(settings, store, settings.sources[0])
    assert not report.ok
    assert "bad.xml" in (report.error or "") and "failed/" in (report.error or "")
    assert envelopes.count(store, "drop") == 2
    stored = [envelopes.get(store, i) for i in (1, 2)]
    assert {e["payload"] for e in stored if e} == {b"\x00\x01 not a feed at all", garbage}
    assert all(e and e["status"] == EnvelopeStatus.FAILED and e["error"] for e in stored)
    for name in ("bad.xml", "also-bad.xml"):
        assert (tmp_path / "inbox" / "failed" / name).exists()
        assert (tmp_path / "inbox" / "failed" / f"{name}.error").read_text().strip()
    assert PublicReader(store).list_copies() == []


def test_a_failed_file_does_not_stop_the_next_one(tmp_path: Path, store: Database) -> None:
    settings = make_settings(tmp_path, {"id": "drop", "name": "Drop", "folder": "inbox"})
    drop(tmp_path / "inbox", "1-bad.xml", b"garbage")
    drop(tmp_path / "inbox", "2-good.xml", rss(ONE))
    report = ingest_source(settings, store, settings.sources[0])
    assert not report.ok and report.new_stories == 1
    assert "still saved" in report.line()
    assert headlines(store) == ["पहली खबर"]


def test_the_same_payload_twice_changes_nothing(tmp_path: Path, store: Database) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(rss(ONE, TWO))
    settings = make_settings(
        tmp_path,
        {"id": "wire", "name": "Wire", "url": feed.as_uri()},
        {"id": "drop", "name": "Drop", "folder": "inbox"},
    )
    (tmp_path / "inbox").mkdir()
    first = ingest_once(settings, store)
    assert [r.ok for r in first] == [True, True]
    before = (envelopes.count(store), list(operator.all_copies(store)))
    # the file feed is unchanged; the same bytes are dropped into the folder twice
    drop(tmp_path / "inbox", "a.xml", rss(THREE))
    ingest_once(settings, store)
    after_first_drop = (envelopes.count(store), list(operator.all_copies(store)))
    drop(tmp_path / "inbox", "a.xml", rss(THREE))
    wire, folder = ingest_once(settings, store)
    assert wire.ok and wire.not_modified and wire.envelopes == 0
    assert folder.ok and (folder.envelopes, folder.new_stories, folder.new_versions) == (0, 0, 0)
    assert (envelopes.count(store), list(operator.all_copies(store))) == after_first_drop
    assert after_first_drop[0] == before[0] + 1
    assert sorted(p.name for p in (tmp_path / "inbox" / "processed").iterdir()) == [
        "a.1.xml",
        "a.xml",
    ]


def test_a_changed_story_becomes_a_new_version(tmp_path: Path, store: Database) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(rss(ONE))
    settings = make_settings(tmp_path, {"id": "wire", "name": "Wire", "url": feed.as_uri()})
    ingest_source(settings, store, settings.sources[0])
    feed.write_bytes(rss(("s-1", "पहली खबर (अपडेट)", "नई दिल्ली, 5 फरवरी (आईएएनएस)। नया पाठ।")))
    report = ingest_source(settings, store, settings.sources[0])
    assert report.ok and (report.new_stories, report.new_versions) == (0, 1)
    [story] = PublicReader(store).list_copies()
    assert story.headline == "पहली खबर (अपडेट)" and story.version_count == 2


def test_a_bad_item_does_not_stop_the_others(
    tmp_path: Path, store: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline.process

    def fails_on_two(item: Item, ctx: pipeline.StageContext) -> Item:
        if item.guid == "s-2":
            raise ValueError("stage exploded")
        return real(item, ctx)

    monkeypatch.setattr(pipeline, "process", fails_on_two)
    feed = tmp_path / "feed.xml"
    feed.write_bytes(rss(ONE, TWO, THREE))
    settings = make_settings(tmp_path, {"id": "wire", "name": "Wire", "url": feed.as_uri()})
    report = ingest_source(settings, store, settings.sources[0])
    assert report.ok and report.new_stories == 2
    assert report.problems == ["item s-2: ValueError: stage exploded"]
    assert headlines(store) == ["तीसरी खबर", "पहली खबर"]
    envelope = envelopes.get(store, 1)
    assert envelope and envelope["status"] == EnvelopeStatus.PROCESSED
    assert "s-2" in envelope["error"] and envelope["item_count"] == 2


def test_one_failing_source_does_not_stop_the_others(tmp_path: Path, store: Database) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(rss(ONE))
    settings = make_settings(
        tmp_path,
        {"id": "gone", "name": "Gone", "url": (tmp_path / "missing.xml").as_uri()},
        {"id": "wire", "name": "Wire", "url": feed.as_uri()},
        {"id": "nofolder", "name": "No folder", "folder": "nowhere"},
    )
    gone, wire, nofolder = ingest_once(settings, store)
    assert not gone.ok and "does not exist" in (gone.error or "")
    assert wire.ok and wire.new_stories == 1
    assert not nofolder.ok and "create it or fix sources.nofolder.folder" in (nofolder.error or "")
    state = source_state.get(store, "gone")
    assert state is not None and state.consecutive_failures == 1


def test_held_sources_do_not_publish(tmp_path: Path, store: Database) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(rss(ONE))
    settings = make_settings(
        tmp_path, {"id": "wire", "name": "Wire", "url": feed.as_uri(), "auto_publish": False}
    )
    report = ingest_source(settings, store, settings.sources[0])
    assert report.ok and report.new_stories == 1
    assert PublicReader(store).list_copies() == []
    assert [i["state"] for i in operator.all_copies(store)] == ["held"]
