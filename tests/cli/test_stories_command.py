"""`wiredesk stories`: every copy with its story and lead, as an operator reads it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner

from tests.e2e.test_duplicates_policy import rss, seed_lines
from wiredesk.cli.main import cli
from wiredesk.config import load_settings
from wiredesk.ingest.accept import accept
from wiredesk.model import Envelope, Transport
from wiredesk.runtime import embedded

T0 = datetime(2022, 2, 5, 9, 0, tzinfo=UTC)


def write_config(tmp_path: Path) -> Path:
    cfg = tmp_path / "wiredesk.toml"
    sources = "".join(
        f'[[sources]]\nid = "{sid}"\nname = "{sid.upper()}"\n'
        f'url = "https://{sid}.example/feed"\nsection = "videsh"\n\n'
        for sid in ("ians", "pti", "ani")
    )
    cfg.write_text(
        '[site]\nlanguage = "hi"\nbase_url = "https://news.example"\n'
        'preferred_sources = ["pti"]\n\n[sections]\nvidesh = "विदेश"\n\n' + sources,
        encoding="utf-8",
    )
    return cfg


def ingest(cfg: Path) -> None:
    settings = load_settings(cfg)
    store = embedded.open_database(settings)
    lines = seed_lines()
    sends = [
        ("ians", "ians-xi", lines, 0),  # trailers kept: the credit names the originator
        ("pti", "pti-xi", lines[:5], 10),
        ("ani", "ani-other", ["यह बिल्कुल अलग ख़बर है, दिल्ली के मौसम के बारे में।"], 20),
    ]
    try:
        for sid, guid, paragraphs, minutes in sends:
            when = T0 + timedelta(minutes=minutes)
            source = settings.source(sid)
            assert source is not None
            headline = "दिल्ली में बारिश" if sid == "ani" else None
            payload = rss(sid.upper(), guid, paragraphs, when=when)
            if headline:
                payload = payload.replace(
                    "शी चिनफिंग ने कजाकिस्तान के राष्ट्रपति तोकायेव से मुलाकात की".encode(),
                    headline.encode(),
                )
            env = Envelope(sid, payload, Transport.PUSH, "push", received_at=when)
            assert accept(settings, store, source, env).error is None
    finally:
        store.close()


def test_stories_prints_each_copy_with_its_story_lead_and_originator(tmp_path: Path) -> None:
    cfg = write_config(tmp_path)
    ingest(cfg)
    result = CliRunner().invoke(cli, ["stories", "--json", "--config", str(cfg)])
    assert result.exit_code == 0, result.output
    rows = {r["source"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert set(rows) == {"ians", "pti", "ani"}
    assert set(rows["ians"]) == {"uri", "guid", "source", "story_id", "lead_uri", "originator"}
    assert rows["ians"]["guid"] == "ians-xi"
    assert rows["ians"]["story_id"] == rows["pti"]["story_id"] != rows["ani"]["story_id"]
    # PTI is the preferred source: it leads the story although IANS sent it first
    assert rows["ians"]["lead_uri"] == rows["pti"]["lead_uri"] == rows["pti"]["uri"]
    assert rows["ani"]["lead_uri"] == rows["ani"]["uri"]
    assert rows["ians"]["uri"].startswith("https://news.example/videsh/")
    assert rows["ians"]["originator"] == "चाइना मीडिया ग्रुप, पेइचिंग"
    assert rows["pti"]["originator"] is None

    plain = CliRunner().invoke(cli, ["stories", "--config", str(cfg)])
    assert plain.exit_code == 0
    lines = plain.stdout.splitlines()
    assert len(lines) == 3
    ians_line = next(line.split("\t") for line in lines if "\tians\t" in line)
    assert ians_line == [
        rows["ians"]["uri"], "ians-xi", "ians", str(rows["ians"]["story_id"]),
        rows["pti"]["uri"], "चाइना मीडिया ग्रुप, पेइचिंग",
    ]  # fmt: skip
