"""Stories: the same news from many wires, told once.

Every item belongs to exactly one story. A new item starts a story of its own (the store does
that in the same transaction that creates it); the syndication step at ingest then moves it
into an existing story when its text matches one (`attach`). Membership sticks: an update of
any member keeps it where it is, and a kill never splits a story.

Which member leads is not stored as the truth: it is decided at query time by the gate
(`visibility.outranked`): the best-ranked member that is public at that moment, preferred
sources first (`[site] preferred_sources`), then the earliest, then the oldest row. So a kill,
a withheld version or an embargo of the lead promotes the next member at once, with no job.
`stories.lead_item_id` keeps the lead as of the last change, for operators and debugging.

Originators: the name a credit line or an agency's provenance gives (`item_versions.originator`
of the current version). `/originator/<name>` lists a name's stories; names are compared after
NFC and whitespace folding, so a name typed with precomposed nukta letters still matches.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, func, insert, select, update

from wiredesk.store.bulk import insert_many
from wiredesk.store.schema import item_fingerprints, item_versions, items, stories
from wiredesk.store.visibility import DuplicatePolicy, preference_rank, usable_clause

if TYPE_CHECKING:
    from wiredesk.store.store import Store, Story

_IN_CHUNK = 500
FINGERPRINT_FIELDS = ("exact", "signature", "features", "language")


@dataclass(frozen=True, slots=True)
class Member:
    """Another public copy of a story, as "Also reported by" names it."""

    item_id: int
    short_id: str
    source_id: str
    path: str  # the article path of this copy


@dataclass(frozen=True, slots=True)
class StoryRow:
    """One item with its story, as `wiredesk stories` prints it."""

    item_id: int
    short_id: str
    path: str
    guid: str
    source_id: str
    story_id: int | None
    lead_path: str
    originator: str | None


def normalize_name(name: str) -> str:
    """An originator's name as compared: NFC, runs of whitespace as one space."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def _path(section: str, slug: str, short_id: str) -> str:
    return f"/{section}/{slug}-{short_id}"


# --- writing -------------------------------------------------------------------------------


def create_singletons(conn: Connection, item_ids: Sequence[int], now: datetime) -> None:
    """A story of its own for each new item (two statements per chunk, whatever its size)."""
    for start in range(0, len(item_ids), _IN_CHUNK):
        chunk = list(item_ids[start : start + _IN_CHUNK])
        insert_many(conn, stories, [{"lead_item_id": i, "created_at": now} for i in chunk])
        # max(): the row just inserted, even if a stale story still names a reused item id
        own = (
            select(func.max(stories.c.id))
            .where(stories.c.lead_item_id == items.c.id)
            .scalar_subquery()
        )
        conn.execute(update(items).where(items.c.id.in_(chunk)).values(story_id=own))


def story_of(conn: Connection, item_id: int, now: datetime) -> int:
    """The item's story id; an item stored before stories existed gets one now."""
    sid = conn.execute(select(items.c.story_id).where(items.c.id == item_id)).scalar()
    if sid is None:
        create_singletons(conn, [item_id], now)
        sid = conn.execute(select(items.c.story_id).where(items.c.id == item_id)).scalar_one()
    return int(sid)


def member_count(conn: Connection, story_id: int) -> int:
    q = select(func.count()).select_from(items).where(items.c.story_id == story_id)
    return int(conn.execute(q).scalar_one())


def attach(
    conn: Connection, item_id: int, to_item_id: int, policy: DuplicatePolicy, now: datetime
) -> int:
    """Move `item_id` into the story `to_item_id` belongs to; returns that story's id.

    The item's own story is deleted when it is left empty. Only the one item moves: a story
    already told by several wires is never merged wholesale into another on one match.
    """
    target = story_of(conn, to_item_id, now)
    own = story_of(conn, item_id, now)
    if own == target:
        return target
    conn.execute(update(items).where(items.c.id == item_id).values(story_id=target))
    if member_count(conn, own) == 0:
        conn.execute(delete(stories).where(stories.c.id == own))
    refresh_lead(conn, target, policy, now)
    return target


def refresh_lead(conn: Connection, story_id: int, policy: DuplicatePolicy, now: datetime) -> None:
    """Record the lead as of `now` (the gate decides again at every query)."""
    lead = lead_item(conn, story_id, policy, now)
    conn.execute(update(stories).where(stories.c.id == story_id).values(lead_item_id=lead))


def lead_item(
    conn: Connection, story_id: int, policy: DuplicatePolicy, now: datetime
) -> int | None:
    """The best-ranked member public at `now`; if none is, the best-ranked member at all."""
    q = (
        select(items.c.id, usable_clause(now).label("public"))
        .where(items.c.story_id == story_id)
        .order_by(preference_rank(policy), items.c.published_at, items.c.id)
    )
    rows = conn.execute(q).all()
    public = [r.id for r in rows if r.public]
    if public:
        return int(public[0])
    return int(rows[0].id) if rows else None


def save_fingerprint(
    conn: Connection, item_id: int, row: Mapping[str, object], published_at: datetime
) -> None:
    """Keep the fingerprint of an item's current version (replacing the one before)."""
    conn.execute(delete(item_fingerprints).where(item_fingerprints.c.item_id == item_id))
    values = {name: row.get(name) for name in FINGERPRINT_FIELDS}
    conn.execute(
        insert(item_fingerprints).values(item_id=item_id, published_at=published_at, **values)
    )


def load_fingerprints(
    conn: Connection, since: datetime
) -> list[tuple[str, dict[str, object], datetime]]:
    """(short id, fingerprint row, published) of items published since `since`, oldest first."""
    q = (
        select(items.c.short_id, item_fingerprints)
        .select_from(item_fingerprints.join(items, items.c.id == item_fingerprints.c.item_id))
        .where(item_fingerprints.c.published_at >= since)
        .order_by(item_fingerprints.c.published_at, item_fingerprints.c.item_id)
    )
    out: list[tuple[str, dict[str, object], datetime]] = []
    for r in conn.execute(q):
        m = r._mapping
        row: dict[str, object] = {name: m[name] for name in FINGERPRINT_FIELDS}
        for name in ("signature", "features"):  # psycopg hands back memoryview
            value = row[name]
            if isinstance(value, memoryview):
                row[name] = value.tobytes()
        out.append((str(m["short_id"]), row, m["published_at"]))
    return out


_ITEM_FACTS = (
    items.c.id,
    items.c.short_id,
    items.c.story_id,
    items.c.published_at,
    items.c.pub_status,
    items.c.killed_at,
)


def item_by_short_id(conn: Connection, short_id: str) -> Any:
    """(id, short_id, story_id, published_at, pub_status, killed_at) of an item, or None."""
    return conn.execute(select(*_ITEM_FACTS).where(items.c.short_id == short_id)).first()


def items_by_short_id(conn: Connection, short_ids: Sequence[str]) -> dict[str, Any]:
    """`item_by_short_id` for many at once (one query per 500)."""
    found: dict[str, Any] = {}
    unique = list(dict.fromkeys(short_ids))
    for start in range(0, len(unique), _IN_CHUNK):
        chunk = unique[start : start + _IN_CHUNK]
        for r in conn.execute(select(*_ITEM_FACTS).where(items.c.short_id.in_(chunk))):
            found[r.short_id] = r
    return found


def current_texts(conn: Connection, short_ids: Sequence[str]) -> list[tuple[int, str, Any]]:
    """(item id, short id, row with headline, body_text, language) of each item's current
    version: what a fingerprint is computed from, when a stored one must be redone."""
    out: list[tuple[int, str, Any]] = []
    unique = list(dict.fromkeys(short_ids))
    for start in range(0, len(unique), _IN_CHUNK):
        q = (
            select(
                items.c.id,
                items.c.short_id,
                item_versions.c.headline,
                item_versions.c.body_text,
                item_versions.c.language,
            )
            .select_from(
                items.join(item_versions, item_versions.c.id == items.c.current_version_id)
            )
            .where(items.c.short_id.in_(unique[start : start + _IN_CHUNK]))
        )
        out += [(int(r.id), str(r.short_id), r) for r in conn.execute(q)]
    return out


def save_fingerprints(
    conn: Connection, rows: Sequence[tuple[int, Mapping[str, object], datetime]], replace: bool
) -> None:
    """Many fingerprints in one statement; `replace` first deletes the items' old ones."""
    if not rows:
        return
    if replace:
        ids = [item_id for item_id, _, _ in rows]
        for start in range(0, len(ids), _IN_CHUNK):
            conn.execute(
                delete(item_fingerprints).where(
                    item_fingerprints.c.item_id.in_(ids[start : start + _IN_CHUNK])
                )
            )
    insert_many(
        conn,
        item_fingerprints,
        [
            {
                "item_id": item_id,
                "published_at": published_at,
                **{name: row.get(name) for name in FINGERPRINT_FIELDS},
            }
            for item_id, row, published_at in rows
        ],
    )


# --- reading (public: only members the gate lets through at `now`) ------------------------


def public_members(
    store: Store, story_ids: Iterable[int], now: datetime
) -> dict[int, list[Member]]:
    """Story id -> its members public at `now`, best-ranked first.

    Uses the gate's ranking and its usable test, not the "suppress" exclusion: a suppressed
    copy is still a copy the story was reported in, and its agency is named.
    """
    wanted = sorted({s for s in story_ids if s is not None})
    out: dict[int, list[Member]] = {}
    if not wanted:
        return out
    policy = store.duplicates
    with store.engine.connect() as conn:
        for start in range(0, len(wanted), _IN_CHUNK):
            q = (
                select(
                    items.c.id,
                    items.c.story_id,
                    items.c.short_id,
                    items.c.source_id,
                    items.c.section,
                    items.c.slug,
                )
                .where(items.c.story_id.in_(wanted[start : start + _IN_CHUNK]), usable_clause(now))
                .order_by(preference_rank(policy), items.c.published_at, items.c.id)
            )
            for r in conn.execute(q):
                out.setdefault(int(r.story_id), []).append(
                    Member(int(r.id), r.short_id, r.source_id, _path(r.section, r.slug, r.short_id))
                )
    return out


def also_reported(story: Story, members: Sequence[Member]) -> list[Member]:
    """The other copies of `story`, one per agency, without the story's own agency."""
    seen = {story.source_id}
    out: list[Member] = []
    for m in members:
        if m.item_id != story.item_id and m.source_id not in seen:
            seen.add(m.source_id)
            out.append(m)
    return out


def also_reported_many(
    store: Store, shown: Sequence[Story], now: datetime
) -> dict[str, list[Member]]:
    """Short id -> "Also reported by" members for each story of a list or a feed."""
    members = public_members(store, [s.story_id for s in shown if s.story_id is not None], now)
    return {
        s.short_id: also_reported(s, members.get(s.story_id, []))
        for s in shown
        if s.story_id is not None
    }


def lead_path(store: Store, short_id: str, now: datetime) -> str | None:
    """Where a suppressed copy's URL redirects: its story's lead, public at `now`."""
    with store.engine.connect() as conn:
        sid = conn.execute(select(items.c.story_id).where(items.c.short_id == short_id)).scalar()
        if sid is None:
            return None
        row = conn.execute(
            select(items.c.section, items.c.slug, items.c.short_id)
            .where(items.c.story_id == sid, usable_clause(now))
            .order_by(preference_rank(store.duplicates), items.c.published_at, items.c.id)
            .limit(1)
        ).first()
    if row is None or row.short_id == short_id:
        return None
    return _path(row.section, row.slug, row.short_id)


def story_rows(store: Store, now: datetime) -> list[StoryRow]:
    """Every item with its story and that story's lead at `now`, for operators."""
    policy = store.duplicates
    q = (
        select(
            items.c.id,
            items.c.short_id,
            items.c.section,
            items.c.slug,
            items.c.guid,
            items.c.source_id,
            items.c.story_id,
            item_versions.c.originator,
            usable_clause(now).label("public"),
        )
        .select_from(
            items.outerjoin(item_versions, item_versions.c.id == items.c.current_version_id)
        )
        .order_by(preference_rank(policy), items.c.published_at, items.c.id)
    )
    with store.engine.connect() as conn:
        rows = conn.execute(q).all()
    lead: dict[int, Any] = {}
    for r in rows:  # best-ranked first: the first public member leads, else the first at all
        key = r.story_id if r.story_id is not None else -r.id
        if key not in lead or (r.public and not lead[key].public):
            lead[key] = r
    out = [
        StoryRow(
            item_id=int(r.id),
            short_id=r.short_id,
            path=_path(r.section, r.slug, r.short_id),
            guid=r.guid,
            source_id=r.source_id,
            story_id=None if r.story_id is None else int(r.story_id),
            lead_path=_path(
                (chief := lead[r.story_id if r.story_id is not None else -r.id]).section,
                chief.slug,
                chief.short_id,
            ),
            originator=r.originator,
        )
        for r in rows
    ]
    return sorted(out, key=lambda s: (s.story_id or 0, s.item_id))
