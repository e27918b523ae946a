"""Copies and their versions: the write path every parsed, processed item takes.

(source, guid) identifies a copy. Content already stored for it is a replay and changes
nothing; new content becomes a new version (a row in `item_versions`, never overwritten). Which
version is *current* is decided by the lifecycle rules (`ledger/lifecycle.py`): decide, then
write. Every new copy starts a story of its own in the same transaction (`ledger/stories.py`);
grouping later moves it into the story it matches.

A new copy is published or held as routing decided (`model.Routing`: a rule of the settings
file, or the source's mode), and records who decided (`items.decided_by`); a copy a rule
drops is not written at all. Routing decides once, on the first version: a later version
never publishes, holds or drops a copy that is already stored.

New copies are written in bulk (a handful of statements for the whole batch), because a first
poll of a big feed is almost all new copies and per-row round trips would dominate ingest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, union_all, update

from wiredesk.model import SOURCE_MODE, Item, ItemState, RouteAction, Routing, utcnow
from wiredesk.store.bulk import begin_write, insert_many, next_ids_of, pipelined
from wiredesk.store.database import Database
from wiredesk.store.ledger import changes, search_index, visibility
from wiredesk.store.ledger.editorial import agency, audit
from wiredesk.store.ledger.lifecycle import newer
from wiredesk.store.ledger.short_ids import free_short_ids, short_id_for
from wiredesk.store.ledger.stories import CopyFacts
from wiredesk.store.ledger.version_rows import (
    describe,
    first_public,
    lifecycle_columns,
    order_of,
    stored_order,
    update_time,
    version_row,
)
from wiredesk.store.public.gate import public_from
from wiredesk.store.public.views import normalize_name, scope_tags
from wiredesk.store.schema import audit_log, item_versions, items, sections
from wiredesk.store.schema import stories as stories_table

# Rows per `IN (...)` list: well under SQLite's 32,766 bound parameters, and a plan stays cheap.
_IN_CHUNK = 500


@dataclass(slots=True, frozen=True)
class SaveOutcome:
    """What saving one item did: created a copy, added a version, nothing (a replay), or
    nothing because routing dropped it (`dropped_by`: the rule's name; `short_id` is "").

    A created copy comes with its `facts` as written, so grouping need not read them back.
    """

    short_id: str
    version: int
    created: bool
    changed: bool
    facts: CopyFacts | None = None
    dropped_by: str | None = None


def save(
    db: Database,
    source_id: str,
    new_items: Sequence[Item],
    envelope_id: int,
    *,
    auto_publish: bool = True,
    routes: Sequence[Routing] | None = None,
    now: datetime | None = None,
) -> list[SaveOutcome]:
    """Save processed items of one envelope in one transaction of their own (`save_in`)."""
    with db.engine.begin() as conn:
        begin_write(conn)  # the ids of new rows are chosen here (`next_ids_of`)
        outcomes, saved = save_in(
            conn,
            db,
            source_id,
            new_items,
            envelope_id,
            auto_publish=auto_publish,
            routes=routes,
            now=now,
        )
    saved.announce(db)
    return outcomes


@dataclass(slots=True)
class Saved:
    """What a save tells the rest of the process once its transaction has committed."""

    tags: set[str] = field(default_factory=set)  # for the page caches (`changes`)
    sections: set[str] = field(default_factory=set)  # stored for certain from then on
    new_copies: int = 0  # for the planner's statistics

    def announce(self, db: Database, more_tags: set[str] | frozenset[str] = frozenset()) -> None:
        """Call after the commit: the caches hear what changed, and the process what is
        stored. Before it, a page rendered from the old rows could be kept as new."""
        db.known_sections |= self.sections
        db.notify(self.tags | more_tags)
        db.note_new_copies(self.new_copies)


def save_in(
    conn: Connection,
    db: Database,
    source_id: str,
    new_items: Sequence[Item],
    envelope_id: int,
    *,
    auto_publish: bool = True,
    routes: Sequence[Routing] | None = None,
    now: datetime | None = None,
    words: Sequence[str | None] | None = None,
) -> tuple[list[SaveOutcome], Saved]:
    """Save processed items of one envelope in the caller's transaction, which must hold the
    write lock (`begin_write`) and, once committed, call `announce` on what this returns.
    Ingest saves, groups and closes a payload in one transaction this way: on PostgreSQL a
    transaction is several round trips to the server whatever it holds.

    A version that is older than the current one (by the source's version number, else by
    the source's time) is kept in history but does not replace what is shown.

    `words`, when given, holds each item's folded search words (`search_index.words_of`),
    made beforehand by ingest's worker process; None (or a None in it) folds them here.

    `routes[i]` is what routing decided for `new_items[i]` should it be a new copy (None:
    every new copy as `auto_publish` says, decided by the source's mode). It is not asked for
    a copy already stored; a dropped item's outcome says so and nothing is written for it.
    """
    now = now or utcnow()
    outcomes: list[SaveOutcome | None] = [None] * len(new_items)
    saved = Saved()
    known, taken = _known_guids(conn, source_id, [it.guid for it in new_items])
    mode = Routing(RouteAction.PUBLISH if auto_publish else RouteAction.HOLD, SOURCE_MODE)
    fresh: list[int] = []
    later: list[int] = []
    for i, item in enumerate(new_items):
        route = routes[i] if routes is not None else mode
        if item.guid in known:
            later.append(i)  # an existing copy, or a guid repeated in this batch
        elif route.action is RouteAction.DROP:
            outcomes[i] = SaveOutcome(
                "", 0, created=False, changed=False, dropped_by=route.decided_by
            )
        else:
            known.add(item.guid)
            fresh.append(i)
    if fresh:
        batch = [new_items[i] for i in fresh]
        chosen = [routes[i] if routes is not None else mode for i in fresh]
        batch_words: list[str | None] = (
            [words[i] for i in fresh] if words is not None else [None] * len(fresh)
        )
        created = _create_many(conn, source_id, batch, envelope_id, chosen, now, taken, batch_words)
        for i, out in zip(fresh, created, strict=True):
            outcomes[i] = out
        saved.tags |= _note_new(conn, db, batch, source_id, now)
        saved.sections = {it.section or "news" for it in batch}
        saved.new_copies = len(fresh)
    versioned: list[int] = []
    for i in later:
        outcomes[i], item_id, before = _add_version(conn, source_id, new_items[i], envelope_id, now)
        if item_id is not None:
            versioned.append(item_id)
            saved.tags |= before
    if versioned:  # the gate's columns of these copies and of their stories' others
        visibility.refresh(conn, versioned, db.policy)
        saved.tags |= changes.tags_of(conn, versioned)
    changes.record(conn, db, saved.tags, now)
    return [o for o in outcomes if o is not None], saved


def _note_new(
    conn: Connection, db: Database, batch: list[Item], source_id: str, now: datetime
) -> set[str]:
    """Tags for a batch of new copies (the lists they enter; "nav" when a section is new),
    and every new section recorded. A new copy is alone in its story: nothing else to do."""
    tags: set[str] = set()
    for shape in {
        (
            it.section or "news",
            normalize_name(it.originator) if it.originator else None,
            it.language,
        )
        for it in batch
    }:
        tags |= scope_tags(shape[0], source_id, shape[1], shape[2])
    names = {it.section or "news" for it in batch}
    unsure = names - db.known_sections
    if unsure:
        known = conn.execute(select(sections.c.name).where(sections.c.name.in_(unsure)))
        new = sorted(unsure - set(known.scalars()))
        if new:
            conn.execute(insert(sections), [{"name": name, "first_at": now} for name in new])
            tags.add("nav")
    return tags


# Two lookups, each along its own unique index, in one statement (an OR of the two lets
# PostgreSQL's planner pick the source's listing index and filter the guids); built once, as
# its building and compiled-cache key cost about what the round trip does.
_KNOWN_COLUMNS = (items.c.source_id, items.c.guid, items.c.short_id)
_KNOWN = union_all(
    select(*_KNOWN_COLUMNS).where(
        items.c.source_id == bindparam("source_id"),
        items.c.guid.in_(bindparam("guids", expanding=True)),
    ),
    select(*_KNOWN_COLUMNS).where(items.c.short_id.in_(bindparam("short_ids", expanding=True))),
)


def _known_guids(conn: Connection, source_id: str, guids: list[str]) -> tuple[set[str], set[str]]:
    """(the guids of `source_id` already stored, the short ids those guids would get that are
    taken), in one query per 500 guids: the two questions a save asks before it writes, in
    one round trip to the server instead of two."""
    found: set[str] = set()
    taken: set[str] = set()
    unique = list(dict.fromkeys(guids))
    for start in range(0, len(unique), _IN_CHUNK):
        chunk = unique[start : start + _IN_CHUNK]
        short = [short_id_for(source_id, g) for g in chunk]
        rows = conn.execute(_KNOWN, {"source_id": source_id, "guids": chunk, "short_ids": short})
        for row_source, guid, short_id in rows:
            taken.add(short_id)
            if row_source == source_id:
                found.add(guid)
    return found & set(unique), taken


def _create_many(
    conn: Connection,
    source_id: str,
    batch: list[Item],
    envelope_id: int,
    routes: list[Routing],
    now: datetime,
    taken: set[str],
    words: list[str | None],
) -> list[SaveOutcome]:
    short_ids = free_short_ids(conn, source_id, [it.guid for it in batch], taken)
    # Every new copy is alone in a story of its own, and points at its first version: with
    # the ids known beforehand, each row is written once, in one statement per table.
    item_ids, story_ids, version_ids = next_ids_of(
        conn, [(items, len(batch)), (stories_table, len(batch)), (item_versions, len(batch))]
    )
    item_rows = [
        {
            "id": iid,
            "short_id": sid,
            "source_id": source_id,
            "guid": it.guid,
            "slug": (it.slug or "story")[:100],
            "section": it.section or "news",
            "state": (
                ItemState.PUBLISHED if route.action is RouteAction.PUBLISH else ItemState.HELD
            ).value,
            "decided_by": route.decided_by,
            "language": it.language,
            "current_version_id": vid,
            "version_count": 1,
            "published_at": first_public(it, now),
            "updated_at": None,
            "first_seen_at": now,
            "originator": normalize_name(it.originator) if it.originator else None,
            "story_id": story,
            "outranked_at": None,  # alone in its story
            **lifecycle_columns(it, source_id, now),
        }
        for it, sid, iid, story, vid, route in zip(
            batch, short_ids, item_ids, story_ids, version_ids, routes, strict=True
        )
    ]
    for row in item_rows:
        row["public_from"] = public_from(_Columns(row))
    story_rows = [
        {"id": story, "lead_item_id": iid, "created_at": now}
        for story, iid in zip(story_ids, item_ids, strict=True)
    ]
    version_rows = [
        version_row(iid, 1, it, envelope_id, now, version_id=vid)
        for iid, it, vid in zip(item_ids, batch, version_ids, strict=True)
    ]
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
    keys = [
        (
            row["id"],
            search_index.key_of(
                it,
                section=row["section"],
                source_id=source_id,
                language=row["language"],
                originator=row["originator"],
                published_at=row["published_at"],
                words=folded,
            ),
        )
        for it, row, folded in zip(batch, item_rows, words, strict=True)
    ]
    with pipelined(conn):  # writes whose answers nothing waits for: one round trip
        insert_many(conn, items, item_rows)
        insert_many(conn, stories_table, story_rows)
        insert_many(conn, item_versions, version_rows)
        search_index.add(conn, keys)
    if kills:  # a kill that arrived before the story it kills (rare; it reads its new id)
        conn.execute(insert(audit_log), kills)
    return [
        SaveOutcome(
            row["short_id"],
            1,
            created=True,
            changed=True,
            facts=CopyFacts(
                row["id"],
                row["short_id"],
                row["story_id"],
                row["published_at"],
                row["pub_status"],
                row["killed_at"],
                row["first_seen_at"],
            ),
        )
        for row in item_rows
    ]


class _Columns:
    """A row about to be inserted, read as the gate reads a stored copy."""

    __slots__ = ("embargo_until", "killed_at", "pub_status", "published_at", "state")

    def __init__(self, row: dict[str, Any]) -> None:
        self.state = row["state"]
        self.killed_at = row["killed_at"]
        self.pub_status = row["pub_status"]
        self.embargo_until = row["embargo_until"]
        self.published_at = row["published_at"]


def _add_version(
    conn: Connection, source_id: str, item: Item, envelope_id: int, now: datetime
) -> tuple[SaveOutcome, int | None, set[str]]:
    """Add `item` as a new version of its copy; returns the outcome, the copy's id (None for
    a replay, which changes nothing) and the tags of the lists the copy was in before: a
    version in another language moves it to another edition's lists, and the lists it
    leaves must drop it too."""
    row = conn.execute(
        select(
            items.c.id,
            items.c.short_id,
            items.c.current_version_id,
            items.c.version_count,
            items.c.published_at,
            items.c.killed_at,
            items.c.kill_manual,
            items.c.section,
            items.c.originator,
            items.c.language,
        ).where(items.c.source_id == source_id, items.c.guid == item.guid)
    ).one()
    item_id, short_id = row.id, row.short_id
    seen = conn.execute(
        select(item_versions.c.version).where(
            item_versions.c.item_id == item_id,
            item_versions.c.content_hash == item.content_hash(),
        )
    ).scalar()
    if seen is not None:  # a replay: nothing changes
        return SaveOutcome(short_id, int(seen), created=False, changed=False), None, set()
    before = scope_tags(row.section, source_id, row.originator, row.language)

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
        values["originator"] = normalize_name(item.originator) if item.originator else None
        key = search_index.key_of(
            item,
            section=row.section,
            source_id=source_id,
            language=item.language,
            originator=values["originator"],
            published_at=values.get("published_at", row.published_at),
        )
        search_index.replace(conn, item_id, key)  # what search finds is what the page shows
    conn.execute(update(items).where(items.c.id == item_id).values(**values))
    # even a version that is not shown joins the history the article page lists
    return SaveOutcome(short_id, number, created=False, changed=shown), int(item_id), before
