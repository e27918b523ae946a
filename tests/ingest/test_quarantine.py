"""Quarantine and reprocess on real databases: one bad item never blocks the rest, and a fix
(or an upgrade) followed by `reprocess` gets it in without touching what was already saved."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from wiredesk import pipeline
from wiredesk.config import Settings, parse_settings
from wiredesk.errors import WiredeskError
from wiredesk.ingest.accept import accept
from wiredesk.ingest.reprocess import reprocess_envelope
from wiredesk.model import Envelope, EnvelopeStatus, Item, Transport
from wiredesk.store.database import Database
from wiredesk.store.ledger import envelopes, quarantine
from wiredesk.store.public.reader import PublicReader

TOKEN = "t" * 24


def rss(*stories: tuple[str, str]) -> bytes:
    items = "".join(
        f'<item><guid isPermaLink="false">{guid}</guid><title>{title}</title>'
        "<pubDate>Sat, 05 Feb 2022 14:00:00 GMT</pubDate>"
        f"<description>नई दिल्ली, 5 फरवरी (आईएएनएस)। {title} का पाठ।</description></item>"
        for guid, title in stories
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        "<link>https://agency.example/</link><description>d</description>"
        f"<language>hi</language>{items}</channel></rss>"
    ).encode()


def settings_for(tmp_path: Path, **source: Any) -> Settings:
    data = {
        "site": {"language": "hi", "base_url": "https://news.example", "data_dir": "data"},
        "sources": [{"id": "wire", "name": "Wire", "push_token": TOKEN, **source}],
    }
    return parse_settings(data, tmp_path / "wiredesk.toml")


def push(settings: Settings, store: Database, payload: bytes) -> int:
    env = Envelope("wire", payload, Transport.PUSH, "push")
    return accept(settings, store, settings.sources[0], env).envelope_id


def headlines(store: Database) -> list[str]:
    return sorted(s.headline for s in PublicReader(store).list_copies(limit=100))


STORIES = (("s-1", "पहली खबर"), ("s-2", "दूसरी खबर"), ("s-3", "तीसरी खबर"))


def test_an_item_the_pipeline_cannot_process_is_quarantined_and_reprocessed_after_a_fix(
    tmp_path: Path, store: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_for(tmp_path)
    real = pipeline.process

    def buggy(item: Item, ctx: pipeline.StageContext) -> Item:
        if item.guid == "s-2":
            raise ValueError("dateline stage exploded")
        return real(item, ctx)

    monkeypatch.setattr(pipeline, "process", buggy)
    envelope_id = push(settings, store, rss(*STORIES))

    assert headlines(store) == ["तीसरी खबर", "पहली खबर"]
    [row] = quarantine.list_rows(store)
    assert (row.envelope_id, row.source_id, row.item_index, row.guid, row.stage) == (
        envelope_id,
        "wire",
        1,
        "s-2",
        "pipeline",
    )
    assert row.reason == "ValueError: dateline stage exploded"
    raw = json.loads(row.raw_item or "")
    assert raw["headline"] == "दूसरी खबर" and raw["guid"] == "s-2"
    assert datetime.fromisoformat(raw["published_at"]).year == 2022  # datetimes as ISO
    envelope = envelopes.get(store, envelope_id) or {}
    assert envelope["status"] == EnvelopeStatus.PROCESSED
    assert envelope["error"].startswith("1 item quarantined")

    monkeypatch.setattr(pipeline, "process", real)  # the fix is deployed
    result = reprocess_envelope(settings, store, envelope_id)
    assert (result.error, result.new_stories, result.resolved, result.still_quarantined) == (
        None,
        1,
        1,
        0,
    )
    assert headlines(store) == ["तीसरी खबर", "दूसरी खबर", "पहली खबर"]
    assert quarantine.list_rows(store) == []
    [resolved] = quarantine.list_rows(store, include_resolved=True)
    assert resolved.resolved_at is not None

    again = reprocess_envelope(settings, store, envelope_id)  # replays change nothing
    assert (again.new_stories, again.new_versions, again.saved) == (0, 0, 3)
    assert all(s.version_count == 1 for s in PublicReader(store).list_copies())


def test_an_item_the_store_refuses_is_quarantined_and_the_rest_of_the_batch_is_kept(
    tmp_path: Path, store: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A version with a time the database cannot take (naive) fails the batch's transaction;
    the items are then saved one by one, so only that one is held back."""
    settings = settings_for(tmp_path)
    real = pipeline.process

    def naive_time(item: Item, ctx: pipeline.StageContext) -> Item:
        out = real(item, ctx)
        if item.guid == "s-3":
            return replace(out, updated_at=datetime(2022, 2, 5, 14, 0))  # no time zone
        return out

    monkeypatch.setattr(pipeline, "process", naive_time)
    envelope_id = push(settings, store, rss(*STORIES))
    assert headlines(store) == ["दूसरी खबर", "पहली खबर"]
    [row] = quarantine.list_rows(store)
    assert (row.stage, row.guid, row.item_index) == ("store", "s-3", 2)
    assert "naive datetime" in row.reason
    assert "INSERT" not in row.reason  # the driver's words, not SQL
    assert (envelopes.get(store, envelope_id) or {})["item_count"] == 2


def test_a_headline_over_the_limit_is_refused_without_losing_the_others(
    tmp_path: Path, store: Database
) -> None:
    settings = settings_for(tmp_path)
    huge = "लंबा " * (quarantine.MAX_HEADLINE_CHARS // 2)
    envelope_id = push(settings, store, rss(STORIES[0], ("s-huge", huge), STORIES[1]))
    assert headlines(store) == ["दूसरी खबर", "पहली खबर"]
    [row] = quarantine.list_rows(store)
    assert (row.stage, row.guid, row.envelope_id) == ("store", "s-huge", envelope_id)
    assert "headline is" in row.reason and "1,000" in row.reason
    # Still refused on a retry: the row stays, with no duplicate.
    result = reprocess_envelope(settings, store, envelope_id)
    assert (result.resolved, result.still_quarantined) == (0, 1)
    assert len(quarantine.list_rows(store)) == 1


def test_an_unreadable_payload_is_one_quarantine_row_and_reprocess_reads_it_after_a_fix(
    tmp_path: Path, store: Database
) -> None:
    wrong = settings_for(tmp_path, format="jsonfeed")  # an operator's mistake: it sends RSS
    envelope_id = push(wrong, store, rss(*STORIES))
    envelope = envelopes.get(store, envelope_id) or {}
    assert envelope["status"] == EnvelopeStatus.FAILED
    [row] = quarantine.list_rows(store)
    assert (row.item_index, row.guid, row.stage, row.raw_item) == (None, None, "parse", None)
    assert "not a readable JSON Feed" in row.reason
    assert quarantine.envelopes_to_retry(store) == [envelope_id]

    fixed = settings_for(tmp_path, format="auto")
    result = reprocess_envelope(fixed, store, envelope_id)
    assert (result.error, result.new_stories, result.resolved) == (None, 3, 1)
    assert (envelopes.get(store, envelope_id) or {})["status"] == EnvelopeStatus.PROCESSED
    assert quarantine.list_rows(store) == [] and quarantine.envelopes_to_retry(store) == []


def test_a_parser_crash_is_quarantined_against_its_payload_and_the_source_carries_on(
    tmp_path: Path, store: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wiredesk import formats

    settings = settings_for(tmp_path)
    real = formats.parse

    def crashing(env: Envelope, fmt: str = "auto") -> Any:
        if b"s-1" in env.payload:
            raise KeyError("parser bug")
        return real(env, fmt)

    monkeypatch.setattr(formats, "parse", crashing)
    bad = push(settings, store, rss(STORIES[0]))
    good = push(settings, store, rss(STORIES[1]))
    assert headlines(store) == ["दूसरी खबर"]
    assert (envelopes.get(store, bad) or {})["status"] == EnvelopeStatus.FAILED
    assert (envelopes.get(store, good) or {})["status"] == EnvelopeStatus.PROCESSED
    [row] = quarantine.list_rows(store)
    assert row.stage == "parse" and "KeyError" in row.reason and f"reprocess {bad}" in row.reason


def test_reprocess_of_an_unknown_envelope_says_so(tmp_path: Path, store: Database) -> None:
    with pytest.raises(WiredeskError, match="no envelope 999"):
        reprocess_envelope(settings_for(tmp_path), store, 999)
