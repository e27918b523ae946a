from __future__ import annotations

from datetime import UTC, datetime, timedelta

from wiredesk.model import Envelope, Item, Transport
from wiredesk.store.database import Database
from wiredesk.store.ledger import copies, envelopes
from wiredesk.store.public.reader import PublicReader

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
    assert [s.headline for s in PublicReader(store).list_copies(now, limit=2)] == ["h4", "h3"]
    assert [s.headline for s in PublicReader(store).list_copies(now, limit=2, offset=2)] == [
        "h2",
        "h1",
    ]
    assert PublicReader(store).count_copies(now, section="khel") == 2
    assert PublicReader(store).count_copies(now, source_id="ians") == 5
    assert PublicReader(store).count_copies(now, source_id="pti") == 0
    assert dict(PublicReader(store).sections(now)) == {"desh": 3, "khel": 2}
