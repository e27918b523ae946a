"""A site with many copies, for the commands that list them (`items`, `stories`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from wiredesk.model import Envelope, Item, Transport
from wiredesk.store.database import Database
from wiredesk.store.ledger import copies, envelopes

T0 = datetime(2026, 2, 5, 10, 0, tzinfo=UTC)


def site_with_copies(tmp_path: Path, count: int) -> Path:
    """A settings file over a SQLite database holding `count` copies from one source, saved
    through the ledger as ingest saves them; returns the settings file."""
    db_path = tmp_path / "wiredesk.db"
    cfg = tmp_path / "wiredesk.toml"
    cfg.write_text(
        '[site]\nlanguage = "en"\nbase_url = "https://news.example"\n'
        f'database = "sqlite:///{db_path}"\n\n'
        '[[sources]]\nid = "wire"\nname = "Wire"\nurl = "https://wire.example/feed"\n',
        encoding="utf-8",
    )
    db = Database.open(f"sqlite:///{db_path}")
    try:
        env_id, _ = envelopes.record(
            db,
            Envelope("wire", b"many", Transport.HTTP, "https://wire.example/feed"),
        )
        batch = [
            Item(
                guid=f"g-{n}",
                headline=f"Story number {n} of the day, with a headline of some length",
                body_html=f"<p>Body {n}.</p>",
                body_text=f"Body {n}.",
                published_at=T0 + timedelta(minutes=n),
                language="en",
                slug=f"story-number-{n}",
            )
            for n in range(count)
        ]
        copies.save(db, "wire", batch, env_id, now=T0 + timedelta(days=1))
    finally:
        db.close()
    return cfg
