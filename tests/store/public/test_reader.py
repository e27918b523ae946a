from __future__ import annotations

from datetime import timedelta

from tests.store.store_support import T0, envelope, wire_item
from wiredesk.store.database import Database
from wiredesk.store.ledger import copies
from wiredesk.store.public.reader import Cursor, PublicReader, Scope


def test_lists_filter_by_section_and_source_and_paginate(store: Database) -> None:
    env = envelope(store)
    batch = [
        wire_item(guid=f"g{i}", headline=f"h{i}", published_at=T0 + timedelta(minutes=i))
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
