from __future__ import annotations

from datetime import UTC, datetime, timedelta

from wiredesk.model import Envelope, Item, Transport
from wiredesk.store.database import Database
from wiredesk.store.ledger import copies, envelopes
from wiredesk.store.public.reader import Cursor, PublicReader, Scope

T0 = datetime(2026, 2, 5, 10, 0, tzinfo=UTC)


def _env(store: Database, payload: bytes = b"<rss/>", source: str = "ians") -> int:
    env_id, _ = envelopes.record(
        store, Envelope(source_id=source, payload=payload, transport=Transport.HTTP, location="x")
    )
    return env_id


def _item(
    guid: str = "g1", headline: str = "शी चिनफिंग की मुलाकात", body: str = "<p>एक</p>", **kw
) -> Item:
    kw.setdefault("published_at", T0)
    return Item(
        guid=guid,
        headline=headline,
        body_html=body,
        body_text=body[3:-4],
        slug="shi-chinfing-ki-mulakat",
        section="videsh",
        **kw,
    )


def test_lists_filter_by_section_and_source_and_paginate(store: Database) -> None:
    env = _env(store)
    batch = [
        _item(guid=f"g{i}", headline=f"h{i}", published_at=T0 + timedelta(minutes=i))
        for i in range(5)
    ]
    for i, it in enumerate(batch):
        it.section = "khel" if i % 2 else "desh"
    copies.save(store, "ians", batch, env, now=T0 + timedelta(hours=1))
    now = T0 + timedelta(hours=2)
    reader = PublicReader(store)
    first = reader.page(now, size=2)
    assert [s.headline for s in first.copies] == ["h4", "h3"]
    second = reader.page(now, size=2, after=first.older)
    assert [s.headline for s in second.copies] == ["h2", "h1"]
    last = reader.page(now, size=2, after=second.older)
    assert [s.headline for s in last.copies] == ["h0"] and last.older is None
    assert second.older is not None and Cursor.parse(second.older.token()) == second.older
    assert len(reader.list_copies(now, section="khel", limit=10**6)) == 2
    assert len(reader.list_copies(now, source_id="ians", limit=10**6)) == 5
    assert not reader.has_copies(now, Scope(source_id="pti"))
    assert reader.nav_sections(now) == ["desh", "khel"]
