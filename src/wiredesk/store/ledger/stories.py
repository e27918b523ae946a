"""Stories: the same news from many wires, told once — the write side.

Every copy belongs to exactly one story. A new copy starts a story of its own (in the
transaction that creates it, `create_singletons`); grouping at ingest (`wiredesk.ingest.
grouping`) then decides which copies join which stories and hands this module one
`GroupingPlan`, applied in one transaction (`apply`). Membership sticks: an update of any
member keeps it where it is, and a kill never splits a story. A new copy that matches copies
of two stories joins them: the newer story is merged into the older (the smaller id), and
each copy moved says so in the audit log ("story merged"), so that arrival order does not
decide which stories exist.

A story the editors took down stays down whatever grouping does (`ledger/takedowns.py`): a
copy that joins it is stored but never public, a story merged with it is down with it, and
so is a story its lone copy moves into; each copy that comes under the takedown this way
gets an audit entry ("joined a taken-down story").

Which member leads is decided by the gate (store/public/gate.py) at each query;
`stories.lead_item_id` keeps the lead as of the last change, for operators.

Grouping reads what it needs before deciding (`facts`, `story_sizes`, `load_fingerprints`,
`current_texts`) and writes nothing itself but its turn (`take_turn`): groupings of all
processes on one database go one after another, numbered in the order they commit, and the
fingerprints each writes carry its number, so that every process's index catches up on the
others' (`load_fingerprints(after_seq=...)`). Copies saved without grouping while a process's
index was loading are named in `grouping_pending` (`defer_in`) until they are grouped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, delete, func, insert, select, text, update

from wiredesk.store.bulk import insert_many
from wiredesk.store.database import Database
from wiredesk.store.ledger import changes, takedowns, visibility
from wiredesk.store.ledger.editorial import SYNDICATION
from wiredesk.store.public.gate import DuplicatePolicy, best_first
from wiredesk.store.schema import (
    audit_log,
    grouping_clock,
    grouping_pending,
    item_fingerprints,
    item_versions,
    items,
    stories,
)

_IN_CHUNK = 500
_LOAD_BATCH = 10_000  # fingerprint rows fetched at a time when an index loads
FINGERPRINT_FIELDS = ("exact", "signature", "features", "language")

# (item id, fingerprint row as `Fingerprint.to_row()` gives it, published)
FingerprintRow = tuple[int, Mapping[str, object], datetime]


@dataclass(frozen=True, slots=True)
class CopyFacts:
    """What grouping needs to know of a copy before deciding."""

    id: int
    short_id: str
    story_id: int | None  # None only for copies stored before stories existed
    published_at: datetime
    pub_status: str
    killed_at: datetime | None
    first_seen_at: datetime  # its arrival: how long grouping compares new copies with it


class StoredFingerprint(NamedTuple):
    """A persisted fingerprint with what the syndication index keeps beside it."""

    item_id: int
    short_id: str
    row: dict[str, object]  # as `Fingerprint.to_row()` gave it
    published_at: datetime  # the copy's own date
    first_seen_at: datetime  # its arrival
    story_id: int | None


@dataclass(slots=True)
class GroupingPlan:
    """Grouping's decisions for one batch, applied by `apply` in one transaction."""

    joins: list[tuple[int, int]] = field(default_factory=list)  # (item id, into item id's story)
    # (item id, item id, why): their two stories become one, the older (smaller id) kept;
    # applied after the joins
    merges: list[tuple[int, int, str]] = field(default_factory=list)
    new_fingerprints: list[FingerprintRow] = field(default_factory=list)
    replaced_fingerprints: list[FingerprintRow] = field(default_factory=list)
    # items whose story's recorded lead may have changed (a kill, a withheld version, an update)
    refresh_leads_of: list[int] = field(default_factory=list)
    seq: int = 0  # the grouping's number (`take_turn`): on every fingerprint it writes or moves

    def __bool__(self) -> bool:
        return bool(
            self.joins
            or self.merges
            or self.new_fingerprints
            or self.replaced_fingerprints
            or self.refresh_leads_of
        )


# --- reading, for grouping's decisions -------------------------------------------------


_FACTS = (
    items.c.id,
    items.c.short_id,
    items.c.story_id,
    items.c.published_at,
    items.c.pub_status,
    items.c.killed_at,
    items.c.first_seen_at,
)


def facts(
    db: Database, short_ids: Sequence[str], conn: Connection | None = None
) -> dict[str, CopyFacts]:
    """Short id -> `CopyFacts`, for the copies that exist (one query per 500); read through
    `conn` when given (a transaction that has just written them)."""
    found: dict[str, CopyFacts] = {}
    unique = list(dict.fromkeys(short_ids))
    if not unique:
        return found
    with db.reading(conn) as conn:
        for start in range(0, len(unique), _IN_CHUNK):
            chunk = unique[start : start + _IN_CHUNK]
            for r in conn.execute(select(*_FACTS).where(items.c.short_id.in_(chunk))):
                found[r.short_id] = CopyFacts(**r._mapping)
    return found


def story_sizes(
    db: Database, story_ids: Sequence[int], conn: Connection | None = None
) -> dict[int, int]:
    """Story id -> how many copies it has now (through `conn` when given)."""
    wanted = sorted(set(story_ids))
    out: dict[int, int] = {}
    if not wanted:
        return out
    with db.reading(conn) as conn:
        for start in range(0, len(wanted), _IN_CHUNK):
            q = (
                select(items.c.story_id, func.count())
                .where(items.c.story_id.in_(wanted[start : start + _IN_CHUNK]))
                .group_by(items.c.story_id)
            )
            out.update((int(s), int(n)) for s, n in conn.execute(q))
    return out


def load_fingerprints(
    db: Database,
    arrived_since: datetime,
    conn: Connection | None = None,
    *,
    after_seq: int | None = None,
    upto_seq: int | None = None,
) -> list[StoredFingerprint]:
    """The fingerprints of copies that arrived (`first_seen_at`) since `arrived_since`,
    in order of arrival: what a syndication index rebuilt at start holds. By arrival, not by
    the copies' own dates: a copy dated years ago that arrived today is compared with the
    copies arriving after it, in a new process as in a running one.

    `after_seq` (and `upto_seq`): instead, whatever the arrival, the fingerprints written or
    moved by the groupings numbered after it (up to `upto_seq`), in the order of their
    numbers: what other processes grouped since an index last caught up (`take_turn`). One
    range scan of `grouping_seq`'s index, nothing read when nothing was grouped."""
    fp = item_fingerprints.c
    q = (
        select(
            fp.item_id,
            items.c.short_id,
            fp.exact,
            fp.signature,
            fp.features,
            fp.language,
            fp.published_at,
            items.c.first_seen_at,
            items.c.story_id,
        )
        .select_from(item_fingerprints.join(items, items.c.id == fp.item_id))
        # read in batches (PostgreSQL: from a server-side cursor), not a million rows at once
        .execution_options(yield_per=_LOAD_BATCH)
    )
    if after_seq is None:
        q = q.where(items.c.first_seen_at >= arrived_since).order_by(
            items.c.first_seen_at, fp.item_id
        )
    else:
        q = q.where(fp.grouping_seq > after_seq).order_by(fp.grouping_seq, fp.item_id)
        if upto_seq is not None:
            q = q.where(fp.grouping_seq <= upto_seq)
    out: list[StoredFingerprint] = []
    with db.reading(conn) as conn:
        # by position, not by name: a tenth of the read's cost at a window of 50,000 copies
        for (
            item_id,
            short_id,
            exact,
            sig,
            feats,
            language,
            published,
            arrived,
            story,
        ) in conn.execute(q):
            row: dict[str, object] = {
                "exact": exact,
                "signature": _bytes(sig),
                "features": _bytes(feats),
                "language": language,
            }
            out.append(StoredFingerprint(item_id, short_id, row, published, arrived, story))
    return out


def _bytes(value: object) -> object:
    """psycopg hands blobs back as memoryview."""
    return value.tobytes() if isinstance(value, memoryview) else value


# The turn and number of a grouping: one statement, the same on SQLite and PostgreSQL. On
# PostgreSQL its row lock waits for the grouping in progress to commit; the SET clauses read
# the row as it was, so `prev_token` says who had the turn before.
_TAKE_TURN = text(
    "INSERT INTO grouping_clock (id, seq, token, prev_token) VALUES (1, 1, :token, 0) "
    "ON CONFLICT (id) DO UPDATE SET seq = grouping_clock.seq + 1, "
    "prev_token = grouping_clock.token, token = excluded.token "
    "RETURNING seq, prev_token"
)


def take_turn(conn: Connection, token: int) -> tuple[int, int]:
    """Take the grouping turn in `conn`'s transaction, which holds it until it ends: the
    grouping's number (the one before it is the last committed: a grouping that rolls back
    gives its number back) and the token of the grouping that had that one. `token`: this
    grouping's own, told to the next."""
    seq, prev = conn.execute(_TAKE_TURN, {"token": token}).one()
    return int(seq), int(prev)


def last_grouping(db: Database, conn: Connection | None = None) -> int:
    """The number of the last grouping committed (0: none yet): every fingerprint written
    or moved by it and by the ones before is readable once this is."""
    with db.reading(conn) as conn:
        found = conn.execute(select(grouping_clock.c.seq).where(grouping_clock.c.id == 1))
        return int(found.scalar() or 0)


def pending(conn: Connection, limit: int) -> list[tuple[int, str]]:
    """(item id, short id) of up to `limit` copies saved without grouping while the index
    was loading (`defer_in`), in order of arrival."""
    q = (
        select(items.c.id, items.c.short_id)
        .select_from(grouping_pending.join(items, items.c.id == grouping_pending.c.item_id))
        .order_by(items.c.first_seen_at, items.c.id)
        .limit(limit)
    )
    return [(int(r.id), str(r.short_id)) for r in conn.execute(q)]


def defer_in(conn: Connection, short_ids: Sequence[str]) -> None:
    """Name these copies, just saved in `conn`'s transaction without grouping, as waiting to
    be grouped (`pending`): in the same transaction, so that no restart can lose them."""
    unique = list(dict.fromkeys(short_ids))
    for start in range(0, len(unique), _IN_CHUNK):
        waiting = select(grouping_pending.c.item_id).where(grouping_pending.c.item_id == items.c.id)
        conn.execute(
            insert(grouping_pending).from_select(
                ["item_id"],
                select(items.c.id).where(
                    items.c.short_id.in_(unique[start : start + _IN_CHUNK]), ~waiting.exists()
                ),
            )
        )


def grouped_in(conn: Connection, short_ids: Sequence[str]) -> None:
    """These copies are grouped now (or given up on): no longer waiting (`defer_in`)."""
    unique = list(dict.fromkeys(short_ids))
    for start in range(0, len(unique), _IN_CHUNK):
        ids = select(items.c.id).where(items.c.short_id.in_(unique[start : start + _IN_CHUNK]))
        conn.execute(delete(grouping_pending).where(grouping_pending.c.item_id.in_(ids)))


def current_texts(
    db: Database, short_ids: Sequence[str], conn: Connection | None = None
) -> list[tuple[int, str, Any]]:
    """(item id, short id, row with headline, body_text, language) of each copy's current
    version: what a fingerprint is computed from, when a stored one must be redone."""
    out: list[tuple[int, str, Any]] = []
    unique = list(dict.fromkeys(short_ids))
    with db.reading(conn) as conn:
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


# --- writing ---------------------------------------------------------------------------


def apply(db: Database, plan: GroupingPlan, now: datetime) -> None:
    """Write grouping's decisions in one transaction of their own (`apply_in`)."""
    if not plan:
        return
    with db.engine.begin() as conn:
        tags = apply_in(conn, db, plan, now)
    db.notify(tags)


def apply_in(conn: Connection, db: Database, plan: GroupingPlan, now: datetime) -> set[str]:
    """Write grouping's decisions in the caller's transaction: joins, fingerprints, recorded
    leads. Returns the tags to tell the page caches once it commits (`Database.notify`)."""
    if not plan:
        return set()
    policy = db.policy
    tags: set[str] = set()
    touched: set[int] = set()
    # copies that came under a takedown (joined a taken-down story, or their story merged
    # with one): known only as the writes go, since a join may be followed by a merge
    under_takedown: list[int] = []
    for item_id, into_item_id in plan.joins:
        story, arrived = _attach(conn, item_id, into_item_id, now)
        touched.add(story)
        under_takedown += arrived
    for a, b, why in plan.merges:
        kept, gone, arrived = _merge(conn, a, b, why, now, plan.seq)
        if gone != kept:
            touched.discard(gone)
        touched.add(kept)
        under_takedown += arrived
    for item_id in plan.refresh_leads_of:
        touched.add(_story_of(conn, item_id, now))
    if under_takedown:  # stored, never public: said in the audit log, then hidden
        visibility.refresh_public_from(conn, takedowns.note_arrivals(conn, under_takedown, now))
    if plan.joins or plan.merges:  # a story gained copies: who leads it, from when
        members = visibility.rerank(conn, touched, policy)
        tags = changes.tags_of(conn, [m.id for m in members])
        changes.record(conn, db, tags, now)
    for story_id in sorted(touched):
        _refresh_lead(conn, story_id, policy, now)
    save_fingerprints(conn, plan.new_fingerprints, replace=False, seq=plan.seq)
    save_fingerprints(conn, plan.replaced_fingerprints, replace=True, seq=plan.seq)
    return tags


def create_singletons(conn: Connection, item_ids: Sequence[int], now: datetime) -> None:
    """A story of its own for each new copy (two statements per chunk, whatever its size)."""
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


def save_fingerprints(
    conn: Connection, rows: Sequence[FingerprintRow], replace: bool, seq: int = 0
) -> None:
    """Many fingerprints in one statement; `replace` first deletes the copies' old ones.
    `seq`: the number of the grouping that writes them (`take_turn`)."""
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
                "grouping_seq": seq,
                **{name: row.get(name) for name in FINGERPRINT_FIELDS},
            }
            for item_id, row, published_at in rows
        ],
    )


def replace_fingerprints(
    db: Database, rows: Sequence[FingerprintRow], conn: Connection | None = None
) -> None:
    """Fingerprints recomputed for copies stored by an older wiredesk: in `conn`'s
    transaction when given, else in one of their own."""
    if conn is not None:
        save_fingerprints(conn, rows, replace=True)
        return
    with db.engine.begin() as own:
        save_fingerprints(own, rows, replace=True)


def _story_of(conn: Connection, item_id: int, now: datetime) -> int:
    """The copy's story id; a copy stored before stories existed gets one now."""
    return _story_and_takedown(conn, item_id, now)[0]


# With a share lock on the story's row (PostgreSQL; SQLite's writers hold the whole database):
# a takedown of the story in flight finishes first, and one starting after waits for this
# transaction, so a copy joining a story never misses its takedown (`takedowns._lock`).
_STORY_AND_TAKEDOWN = (
    select(items.c.story_id, stories.c.taken_down_at)
    .select_from(items.join(stories, stories.c.id == items.c.story_id))
    .with_for_update(read=True, of=stories)
)


def _story_and_takedown(conn: Connection, item_id: int, now: datetime) -> tuple[int, bool]:
    """The copy's story id and whether that story is taken down, in one query; a copy stored
    before stories existed gets a story now (not taken down)."""
    row = conn.execute(_STORY_AND_TAKEDOWN.where(items.c.id == item_id)).first()
    if row is None:
        create_singletons(conn, [item_id], now)
        sid = conn.execute(select(items.c.story_id).where(items.c.id == item_id)).scalar_one()
        return int(sid), False
    return int(row.story_id), row.taken_down_at is not None


def _members(conn: Connection, story_id: int) -> list[int]:
    q = select(items.c.id).where(items.c.story_id == story_id)
    return [int(i) for i in conn.execute(q).scalars()]


def _attach(
    conn: Connection, item_id: int, to_item_id: int, now: datetime
) -> tuple[int, list[int]]:
    """Move `item_id` into the story `to_item_id` belongs to; returns that story's id and the
    copies that came under a takedown by the move: `item_id` if that story is taken down, or
    the story's other copies if `item_id`'s own story was (a lone taken-down copy takes its
    takedown along, as a merge does).

    The copy's own story is deleted when it is left empty.
    """
    target, target_down = _story_and_takedown(conn, to_item_id, now)
    own, own_down = _story_and_takedown(conn, item_id, now)
    if own == target:
        return target, []
    arrived: list[int] = []
    if target_down and not own_down:
        arrived = [item_id]
    elif own_down and not target_down:
        arrived = _members(conn, target)
        takedowns.carry(conn, own, target)
    conn.execute(update(items).where(items.c.id == item_id).values(story_id=target))
    left = conn.execute(
        select(func.count()).select_from(items).where(items.c.story_id == own)
    ).scalar_one()
    if left == 0:
        conn.execute(delete(stories).where(stories.c.id == own))
    return target, arrived


def _merge(
    conn: Connection, a: int, b: int, why: str, now: datetime, seq: int = 0
) -> tuple[int, int, list[int]]:
    """Make the stories of copies `a` and `b` one: the newer story's copies move into the
    older (the smaller id, as the index's `merge_groups` keeps it), the newer story is
    deleted, and each copy moved gets an audit entry saying why: the story's history shows
    the merge. If either story was taken down, the one story is (`takedowns.carry`). The
    moved copies' fingerprints take the grouping's number `seq`, so that other processes'
    indexes learn of the move when they catch up.
    Returns (kept story id, merged story id, the copies that came under a takedown), the two
    ids equal when they were one already."""
    (sa, down_a), (sb, down_b) = (
        _story_and_takedown(conn, a, now),
        _story_and_takedown(conn, b, now),
    )
    kept, gone = min(sa, sb), max(sa, sb)
    if kept == gone:
        return kept, gone, []
    kept_down, gone_down = (down_a, down_b) if kept == sa else (down_b, down_a)
    moved = conn.execute(select(items.c.id).where(items.c.story_id == gone)).scalars().all()
    arrived: list[int] = []
    if kept_down and not gone_down:
        arrived = [int(i) for i in moved]
    elif gone_down and not kept_down:
        arrived = _members(conn, kept)
        takedowns.carry(conn, gone, kept)
    if moved and seq:
        conn.execute(
            update(item_fingerprints)
            .where(
                item_fingerprints.c.item_id.in_(select(items.c.id).where(items.c.story_id == gone))
            )
            .values(grouping_seq=seq)
        )
    conn.execute(update(items).where(items.c.story_id == gone).values(story_id=kept))
    conn.execute(delete(stories).where(stories.c.id == gone))
    reason = f"story {gone} merged into story {kept}: {why}"
    if moved:
        conn.execute(
            insert(audit_log),
            [
                {
                    "at": now,
                    "item_id": item_id,
                    "action": "story merged",
                    "actor": SYNDICATION,
                    "reason": reason,
                    "envelope_id": None,
                }
                for item_id in moved
            ],
        )
    return kept, gone, arrived


def _refresh_lead(conn: Connection, story_id: int, policy: DuplicatePolicy, now: datetime) -> None:
    """Record the lead as of `now`, for operators (the gate's columns say it for the public):
    the best-ranked copy public at `now`, else the best-ranked copy at all."""
    q = select(items.c.id, items.c.source_id, items.c.published_at, items.c.public_from).where(
        items.c.story_id == story_id
    )
    rows = best_first(conn.execute(q).all(), policy)
    public = [r.id for r in rows if r.public_from is not None and r.public_from <= now]
    lead = int(public[0]) if public else (int(rows[0].id) if rows else None)
    conn.execute(update(stories).where(stories.c.id == story_id).values(lead_item_id=lead))
