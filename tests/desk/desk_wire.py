"""Copies for the desk's tests, stored as ingest stores them (store/ledger/copies.py): an
agency's item in a payload of its own, grouped into stories as syndication groups them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

from wiredesk.model import Envelope, Item, Transport
from wiredesk.store.database import Database
from wiredesk.store.ledger import copies, editorial, envelopes
from wiredesk.store.ledger import stories as sg
from wiredesk.store.ledger.stories import GroupingPlan

# Before the desk's clock (tests/desk/desk_support.T0): these copies are out already.
WIRE_T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
_payloads = count()


def wire(
    db: Database,
    source: str,
    guid: str,
    minutes: int,
    *,
    headline: str | None = None,
    body: str = "The court heard the plea on Monday.",
    auto_publish: bool = True,
    arrived: int | None = None,
    **kw: Any,
) -> str:
    """One version of a copy from `source`, published `minutes` after WIRE_T0, stored a minute
    later (or `arrived` minutes after WIRE_T0); a second call with the same guid is the
    agency's next version. English, in `desh`, unless said otherwise."""
    env_id, _ = envelopes.record(
        db, Envelope(source, f"desk-{next(_payloads)}".encode(), Transport.PUSH, "push")
    )
    kw.setdefault("published_at", WIRE_T0 + timedelta(minutes=minutes))
    item = Item(
        guid=guid,
        headline=headline or f"Story {guid}",
        body_html=f"<p>{body}</p>",
        body_text=body,
        slug=f"story-{guid}",
        section=kw.pop("section", "desh"),
        language=kw.pop("language", "en"),
        **kw,
    )
    at = WIRE_T0 + timedelta(minutes=minutes + 1 if arrived is None else arrived)
    [out] = copies.save(db, source, [item], env_id, auto_publish=auto_publish, now=at)
    return out.short_id


def item_id(db: Database, short_id: str) -> int:
    found = editorial.find_copy(db, short_id)
    assert found is not None, short_id
    return found


def group(db: Database, *short_ids: str) -> None:
    """The copies in the first one's story, as syndication puts them on a match."""
    first = item_id(db, short_ids[0])
    joins = [(item_id(db, s), first) for s in short_ids[1:]]
    sg.apply(db, GroupingPlan(joins=joins), WIRE_T0 + timedelta(hours=1))
