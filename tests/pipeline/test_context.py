"""The stage context built from the settings file, for one payload of one source."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from wiredesk.config import parse_settings
from wiredesk.pipeline import StageContext, context_for


def test_context_from_settings(tmp_path: Path) -> None:
    settings = parse_settings(
        {
            "site": {"language": "hi"},
            "sections": {"world": "दुनिया"},
            "sources": [
                {"id": "ians", "name": "IANS", "url": "https://x.example/f", "section": "world"}
            ],
        },
        tmp_path / "wiredesk.toml",
    )
    ctx = context_for(settings.site, settings.sources[0], feed_language="hi-IN")
    assert ctx == StageContext(
        "IANS",
        "world",
        "hi",
        {"world": "दुनिया"},
        "hi-IN",
        section_keys={"world": "world", "दुनिया": "world"},
    )
    assert ctx.received_at is None

    arrived = datetime(2024, 2, 5, 9, 30, tzinfo=UTC)
    ctx = context_for(settings.site, settings.sources[0], received_at=arrived)
    assert (ctx.feed_language, ctx.received_at) == (None, arrived)
