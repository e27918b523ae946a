"""Copies and their versions: the write path every parsed, processed item takes.

(source, guid) identifies a copy. Content already stored for it is a replay and changes
nothing; new content becomes a new version (a row in `item_versions`, never overwritten). Which
version is *current* is decided by the lifecycle rules (`ledger/lifecycle.py`): decide, then
write. Every new copy starts a story of its own in the same transaction (`ledger/stories.py`);
grouping later moves it into the story it matches.

New copies are written in bulk (a handful of statements for the whole batch), because a first
poll of a big feed is almost all new copies and per-row round trips would dominate ingest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from wiredesk.model import Item, ItemState, utcnow
from wiredesk.store.bulk import insert_many
from wiredesk.store.database import Database
from wiredesk.store.ledger import stories
from wiredesk.store.ledger.editorial import agency, audit
from wiredesk.store.ledger.lifecycle import newer
from wiredesk.store.ledger.short_ids import free_short_ids
from wiredesk.store.ledger.version_rows import (
    describe,
    first_public,
    lifecycle_columns,
    order_of,
    stored_order,
    update_time,
    version_row,
)
from wiredesk.store.schema import audit_log, item_versions, items

# Rows per `IN (...)` list: well under SQLite's 32,766 bound parameters, and a plan stays cheap.
_IN_CHUNK = 500


@dataclass(slots=True, frozen=True)
class SaveOutcome:
    """What saving one item did: created a copy, added a version, or nothing (a replay)."""

    short_id: str
    version: int
    created: bool
    changed: bool


def save(
    db: Database,
    source_id: str,
    new_items: Sequence[Item],
    envelope_id: int,
    *,
    auto_publish: bool = True,
    now: datetime | None = None,
) -> list[SaveOutcome]:
    """Save processed items of one envelope in one transaction.

    A version that is older than the current one (by the source's version number, else by
    the source's time) is kept in history but does not replace what is shown.
    """
    now = now or utcnow()
    outcomes: list[SaveOutcome | None] = [None] * len(new_items)
    with db.engine.begin() as conn:
        known = _known_guids(conn, source_id, [it.guid for it in new_items])
        fresh: list[int] = []
        later: list[int] = []
        for i, item in enumerate(new_items):
            if item.guid in known:
                later.append(i)  # an existing copy, or a guid repeated in this batch
            else:
                known.add(item.guid)
                fresh.append(i)
        if fresh:
            created = _create_many(
                conn, source_id, [new_items[i] for i in fresh], envelope_id, auto_publish, now
            )
            for i, out in zip(fresh, created, strict=True):
                outcomes[i] = out
        for i in later:
            outcomes[i] = _add_version(conn, source_id, new_items[i], envelope_id, now)
    return [o for o in outcomes if o is not None]


def _known_guids(conn: Connection, source_id: str, guids: list[str]) -> set[str]:
    found: set[str] = set()
    unique = list(dict.fromkeys(guids))
    for start in range(0, len(unique), _IN_CHUNK):
        chunk = unique[start : start + _IN_CHUNK]
        found.update(
            conn.execute(
                select(items.c.guid).where(items.c.source_id == source_id, items.c.guid.in_(chunk))
            ).scalars()
        )
    return found


def _create_many(
    conn: Connection,
    source_id: str,
    batch: list[Item],
    envelope_id: int,
    auto_publish: bool,
    now: datetime,
) -> list[SaveOutcome]:
    short_ids = free_short_ids(conn, source_id, [it.guid for it in batch])
    state = (ItemState.PUBLISHED if auto_publish else ItemState.HELD).value
    item_rows = [
        {
            "short_id": sid,
            "source_id": source_id,
            "guid": it.guid,
            "slug": (it.slug or "story")[:100],
            "section": it.section or "news",
            "state": state,
            "language": it.language,
            "version_count": 1,
            "published_at": first_public(it, now),
            "updated_at": None,
            "first_seen_at": now,
            **lifecycle_columns(it, source_id, now),
        }
        for it, sid in zip(batch, short_ids, strict=True)
    ]
    # Plain executemany, then read the ids back by their unique keys: INSERT ... RETURNING
    # with sort_by_parameter_order makes SQLAlchemy send SQLite one row per statement.
    insert_many(conn, items, item_rows)
    id_of = _item_ids(conn, source_id, [it.guid for it in batch])
    item_ids = [id_of[it.guid] for it in batch]
    stories.create_singletons(conn, item_ids, now)  # every item belongs to a story
    version_rows = [
        version_row(iid, 1, it, envelope_id, now) for iid, it in zip(item_ids, batch, strict=True)
    ]
    insert_many(conn, item_versions, version_rows)
    first_version = (
        select(item_versions.c.id)
        .where(item_versions.c.item_id == items.c.id, item_versions.c.version == 1)
        .scalar_subquery()
    )
    for start in range(0, len(item_ids), _IN_CHUNK):
        conn.execute(
            update(items)
            .where(items.c.id.in_(item_ids[start : start + _IN_CHUNK]))
            .values(current_version_id=first_version)
        )
    kills = [
        {
            "at": now,
            "item_id": iid,
            "action": "kill",
            "actor": row["killed_by"],
            "reason": row["kill_reason"],
            "envelope_id": envelope_id,
        }
        for iid, row in zip(item_ids, item_rows, strict=True)
        if row["killed_at"] is not None
    ]
    if kills:  # a kill that arrived before the story it kills
        conn.execute(insert(audit_log), kills)
    return [SaveOutcome(sid, 1, created=True, changed=True) for sid in short_ids]


def _add_version(
    conn: Connection, source_id: str, item: Item, envelope_id: int, now: datetime
) -> SaveOutcome:
    row = conn.execute(
        select(
            items.c.id,
            items.c.short_id,
            items.c.current_version_id,
            items.c.version_count,
            items.c.published_at,
            items.c.killed_at,
            items.c.kill_manual,
        ).where(items.c.source_id == source_id, items.c.guid == item.guid)
    ).one()
    item_id, short_id = row.id, row.short_id
    seen = conn.execute(
        select(item_versions.c.version).where(
            item_versions.c.item_id == item_id,
            item_versions.c.content_hash == item.content_hash(),
        )
    ).scalar()
    if seen is not None:
        return SaveOutcome(short_id, int(seen), created=False, changed=False)

    number = int(row.version_count) + 1
    version_id = conn.execute(
        insert(item_versions).returning(item_versions.c.id),
        version_row(item_id, number, item, envelope_id, now),
    ).scalar_one()
    current = conn.execute(
        select(
            item_versions.c.version,
            item_versions.c.source_version,
            item_versions.c.source_updated_at,
            item_versions.c.source_published_at,
        ).where(item_versions.c.id == row.current_version_id)
    ).first()
    values: dict[str, Any] = {"version_count": number}
    shown = current is None or newer(order_of(item, number), stored_order(current))
    if shown:
        values.update(
            current_version_id=version_id,
            updated_at=update_time(item, row.published_at, now),
            language=item.language,
        )
        if row.published_at > now:  # not public yet (an embargo): it may have moved
            values["published_at"] = first_public(item, now)
        lifecycle = lifecycle_columns(item, source_id, now)
        values["pub_status"] = lifecycle["pub_status"]
        values["embargo_until"] = lifecycle["embargo_until"]
        if not row.kill_manual:  # an editor's kill is final; the agency's is not
            was_killed = row.killed_at is not None
            killed = lifecycle["killed_at"] is not None
            if killed and not was_killed:
                values.update(lifecycle)
                audit(
                    conn,
                    item_id,
                    "kill",
                    lifecycle["killed_by"],
                    lifecycle["kill_reason"],
                    envelope_id,
                    now,
                )
            elif was_killed and not killed:
                values.update(killed_at=None, killed_by=None, kill_reason=None)
                audit(
                    conn,
                    item_id,
                    "revive",
                    agency(source_id),
                    f"a newer version ({describe(item, number)}) re-issued it",
                    envelope_id,
                    now,
                )
    conn.execute(update(items).where(items.c.id == item_id).values(**values))
    return SaveOutcome(short_id, number, created=False, changed=shown)


def _item_ids(conn: Connection, source_id: str, guids: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(guids), _IN_CHUNK):
        rows = conn.execute(
            select(items.c.guid, items.c.id).where(
                items.c.source_id == source_id,
                items.c.guid.in_(guids[start : start + _IN_CHUNK]),
            )
        )
        found.update((guid, int(item_id)) for guid, item_id in rows)
    return found
