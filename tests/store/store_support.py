"""What the store's tests share: a payload to hang copies on, a wire item, and for stories a
copy saved at a given minute, grouping as syndication does it, and what the lists show."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

from wiredesk.model import Envelope, Item, Transport
from wiredesk.store.database import Database
from wiredesk.store.ledger import copies, editorial, envelopes
from wiredesk.store.ledger import stories as sg
from wiredesk.store.ledger.stories import GroupingPlan
from wiredesk.store.public.reader import PublicReader

T0 = datetime(2026, 2, 5, 10, 0, tzinfo=UTC)
NOW = T0 + timedelta(hours=3)
_payloads = count()


def envelope(store: Database, payload: bytes = b"<rss/>", source: str = "ians") -> int:
    """A stored raw payload, as every copy has one."""
    env_id, _ = envelopes.record(
        store, Envelope(source_id=source, payload=payload, transport=Transport.HTTP, location="x")
    )
    return env_id


def wire_item(
    guid: str = "g1", headline: str = "शी चिनफिंग की मुलाकात", body: str = "<p>एक</p>", **kw: Any
) -> Item:
    """A processed Hindi item in `videsh`, published at T0 unless said otherwise."""
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


def save(store: Database, source: str, guid: str, minutes: int, **kw: Any) -> str:
    """One copy from `source`, published `minutes` after T0 and stored a minute later."""
    env_id, _ = envelopes.record(
        store, Envelope(source, f"p{next(_payloads)}".encode(), Transport.PUSH, "push")
    )
    item = Item(
        guid=guid,
        headline=kw.pop("headline", f"ख़बर {guid}"),
        body_html="<p>पाठ।</p>",
        body_text="पाठ।",
        slug=f"khabar-{guid}",
        section=kw.pop("section", "desh"),
        language=kw.pop("language", "hi"),
        published_at=T0 + timedelta(minutes=minutes),
        **kw,
    )
    [out] = copies.save(store, source, [item], env_id, now=T0 + timedelta(minutes=minutes + 1))
    return out.short_id


def item_id(store: Database, short_id: str) -> int:
    found = editorial.find_copy(store, short_id)
    assert found is not None
    return found


def group(store: Database, *short_ids: str) -> None:
    """Put the items in the first one's story, as the syndication step does on a match."""
    first = item_id(store, short_ids[0])
    joins = [(item_id(store, sid), first) for sid in short_ids[1:]]
    sg.apply(store, GroupingPlan(joins=joins), NOW)


def listed(store: Database, **kw: Any) -> list[str]:
    return [s.short_id for s in PublicReader(store).list_copies(NOW, **kw)]


def three_wires(store: Database) -> tuple[str, str, str]:
    """IANS first, then PTI, then ANI: one story from three wires."""
    ians = save(store, "ians", "i1", 0)
    pti = save(store, "pti", "p1", 10)
    ani = save(store, "ani", "a1", 20)
    group(store, ians, pti, ani)
    return ians, pti, ani


@contextlib.contextmanager
def audit_log_opened(conn: Any) -> Iterator[None]:
    """The audit log's append-only triggers (migration 0014) set aside for the block, for a
    test that empties every table to start over: nothing else may change or delete entries."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        yield
        return
    kept = list(
        conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
        )
    )
    for name, _ in kept:
        conn.exec_driver_sql(f"DROP TRIGGER {name}")
    yield
    for _, sql in kept:
        conn.exec_driver_sql(sql)
