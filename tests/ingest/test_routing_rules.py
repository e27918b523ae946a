"""Routing rules at ingest, end to end: files dropped in two agencies' folders, one
`wiredesk ingest --once` over a real SQLite file, and every copy published, held or dropped as
the settings' `[[rules]]` say, each naming the rule that decided it."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from wiredesk import pipeline
from wiredesk.config import Settings, load_settings, parse_settings
from wiredesk.ingest.accept import accept
from wiredesk.ingest.reprocess import reprocess_envelope
from wiredesk.model import SOURCE_MODE, Envelope, Item, Transport
from wiredesk.store import operator
from wiredesk.store.database import Database
from wiredesk.store.ledger import envelopes

CONFIG = """\
[site]
name = "t"
language = "hi"
data_dir = "data"

[sections]
khel = { name = "खेल", aliases = ["Sports"] }

[[sources]]
id = "wire"
name = "Wire"
folder = "wire-in"
auto_publish = false

[[sources]]
id = "agency"
name = "Agency"
folder = "agency-in"

[[rules]]
name = "wire chatter"
action = "drop"
keyword = "टेस्ट संदेश"

[[rules]]
name = "quakes at once"
action = "publish"
source = "wire"
keyword = "भूकंप"

[[rules]]
name = "sport to editors"
action = "hold"
section = "khel"
"""


def rss(*items: tuple[str, str, str, str]) -> str:
    """An RSS file of (guid, headline, body, category) items."""
    entries = "".join(
        f"<item><guid>{guid}</guid><title>{title}</title><category>{category}</category>"
        f"<description>&lt;p&gt;{body}&lt;/p&gt;</description></item>"
        for guid, title, body, category in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        "<link>https://t.example/</link><description>d</description>"
        f"<language>hi</language>{entries}</channel></rss>"
    )


def once(config: Path) -> str:
    run = subprocess.run(
        [sys.executable, "-m", "wiredesk.cli.main", "ingest", "--once", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout + run.stderr


def decisions(config: Path) -> dict[str, tuple[str, str, str]]:
    """guid -> (state, decided by, headline), as `wiredesk items` and the desk read them."""
    settings = load_settings(config)
    db = Database.open(settings.site.database)
    try:
        return {
            r.guid: (r.state, r.decided_by, r.headline)
            for r in operator.copy_statuses(db, limit=None)
        }
    finally:
        db.close()


def test_rules_publish_hold_and_drop_new_copies_and_each_copy_names_its_rule(
    tmp_path: Path,
) -> None:
    config = tmp_path / "wiredesk.toml"
    config.write_text(CONFIG, encoding="utf-8")
    (tmp_path / "wire-in").mkdir()
    (tmp_path / "agency-in").mkdir()
    (tmp_path / "wire-in" / "1.xml").write_text(
        rss(
            ("chatter", "सूचना", "यह एक टेस्ट संदेश है, कृपया ध्यान न दें।", "देश"),
            ("quake", "असम में भूकंप के झटके", "गुवाहाटी में भूकंप महसूस किया गया।", "देश"),
            ("plain", "संसद का सत्र", "संसद का सत्र सोमवार से शुरू होगा।", "देश"),
        ),
        encoding="utf-8",
    )
    (tmp_path / "agency-in" / "1.xml").write_text(
        rss(
            ("match", "भारत ने मैच जीता", "भारत ने मैच जीत लिया।", "Sports"),
            ("budget", "बजट पेश", "वित्त मंत्री ने बजट पेश किया।", "देश"),
        ),
        encoding="utf-8",
    )

    out = once(config)

    assert "wire: ok, 1 new payload, 2 new stories, 0 new versions, 1 item dropped by rules" in out
    assert "agency: ok, 1 new payload, 2 new stories, 0 new versions" in out
    assert "item 'chatter' dropped by the rule 'wire chatter'" in out  # the log line
    assert decisions(config) == {
        # a publish rule overrides a source that holds; the source's mode takes the rest
        "quake": ("published", "quakes at once", "असम में भूकंप के झटके"),
        "plain": ("held", SOURCE_MODE, "संसद का सत्र"),
        "match": ("held", "sport to editors", "भारत ने मैच जीता"),
        "budget": ("published", SOURCE_MODE, "बजट पेश"),
    }
    # the dropped item is no copy, but its payload is kept and says what was dropped
    settings = load_settings(config)
    db = Database.open(settings.site.database)
    try:
        stored = [envelopes.get(db, n) for n in (1, 2)]
    finally:
        db.close()
    [wire_payload] = [e for e in stored if e is not None and e["source_id"] == "wire"]
    assert "यह एक टेस्ट संदेश है" in wire_payload["payload"].decode()
    assert "1 item dropped by rules (wire chatter)" in wire_payload["error"]
    assert wire_payload["item_count"] == 2

    # Later versions: rules decided these copies once. The published quake story, now
    # matching the drop rule, is updated and stays up; the held one stays held for editors
    # even though its new text matches the publish rule.
    (tmp_path / "wire-in" / "2.xml").write_text(
        rss(
            ("quake", "भूकंप: नुकसान की खबर नहीं", "टेस्ट संदेश: भूकंप से कोई नुकसान नहीं।", "देश"),
            ("plain", "संसद सत्र टला", "भूकंप के कारण संसद का सत्र टला।", "देश"),
        ),
        encoding="utf-8",
    )
    out = once(config)
    assert "wire: ok, 1 new payload, 0 new stories, 2 new versions" in out
    assert "dropped" not in out
    after = decisions(config)
    assert after["quake"] == ("published", "quakes at once", "भूकंप: नुकसान की खबर नहीं")
    assert after["plain"] == ("held", SOURCE_MODE, "संसद सत्र टला")


# --- in process, on SQLite and PostgreSQL -------------------------------------------------


def push_settings(tmp_path: Path, *rules: dict[str, Any]) -> Settings:
    return parse_settings(
        {
            "site": {"language": "hi", "base_url": "https://news.example", "data_dir": "data"},
            "sources": [{"id": "wire", "name": "Wire", "push_token": "t" * 24}],
            "rules": list(rules),
        },
        tmp_path / "wiredesk.toml",
    )


CHATTER = {"name": "wire chatter", "action": "drop", "keyword": "टेस्ट संदेश"}
PAYLOAD = rss(
    ("chatter", "सूचना", "यह एक टेस्ट संदेश है।", "देश"),
    ("budget", "बजट पेश", "वित्त मंत्री ने बजट पेश किया।", "देश"),
    ("rain", "बारिश", "दिल्ली में बारिश हुई।", "देश"),
).encode()


def test_reprocessing_a_payload_after_the_rules_change_lets_the_dropped_item_in(
    tmp_path: Path, store: Database
) -> None:
    before = push_settings(tmp_path, CHATTER)
    env = Envelope("wire", PAYLOAD, Transport.PUSH, "push")
    outcome = accept(before, store, before.sources[0], env)
    assert (outcome.new_stories, outcome.dropped, outcome.saved) == (2, 1, 2)
    assert {r.guid for r in operator.copy_statuses(store)} == {"budget", "rain"}

    after = push_settings(tmp_path, {**CHATTER, "action": "hold"})
    again = reprocess_envelope(after, store, outcome.envelope_id)
    assert (again.new_stories, again.dropped) == (1, 0)
    decided = {r.guid: (r.state, r.decided_by) for r in operator.copy_statuses(store)}
    assert decided == {
        "chatter": ("held", "wire chatter"),
        "budget": ("published", SOURCE_MODE),
        "rain": ("published", SOURCE_MODE),
    }


def test_a_payload_saved_item_by_item_counts_its_drops_once(
    tmp_path: Path, store: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One item the store refuses (a naive time) sends the batch through one item at a time;
    the payload's record still counts the drop once and the copies it kept."""
    settings = push_settings(tmp_path, CHATTER)
    real = pipeline.process

    def naive_time(item: Item, ctx: pipeline.StageContext) -> Item:
        out = real(item, ctx)
        return replace(out, updated_at=datetime(2022, 2, 5, 14)) if item.guid == "rain" else out

    monkeypatch.setattr(pipeline, "process", naive_time)
    outcome = accept(
        settings, store, settings.sources[0], Envelope("wire", PAYLOAD, Transport.PUSH, "push")
    )
    assert (outcome.new_stories, outcome.dropped, outcome.quarantined) == (1, 1, 1)
    record = envelopes.get(store, outcome.envelope_id) or {}
    assert record["item_count"] == 1
    assert record["error"].count("dropped by rules") == 1
    assert "1 item dropped by rules (wire chatter)" in record["error"]
