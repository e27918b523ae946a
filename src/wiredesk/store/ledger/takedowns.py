"""Editors' takedowns of whole stories: every copy, on every channel, now and later.

Killing one copy (`editorial.kill`) left the story up: another agency's copy of the same
news led it at once. An editor who takes a story down (legal, wrong, harmful) means the
story, so the takedown is the story's (`stories.taken_down_at`, `taken_down_by`,
`takedown_reason`) and the gate reads it with each copy (`visibility.refresh_public_from`):

- every copy of the story loses `public_from` at once, so it leaves every list, feed and
  sitemap through the indexes lists already read, and its page answers 410;
- a copy that joins the story later (grouping, `stories.apply_in`) is stored but never
  public, and the audit log says why ("joined a taken-down story");
- a story merged with a taken-down one stays down (the merge keeps the takedown), and so
  does a story a lone taken-down copy moves into: a takedown is never lost to grouping;
- an agency version never undoes it; only `restore` does, audited, after which each copy's
  own state (an agency's kill, an editor's kill of that copy, an embargo) applies again.

Every act writes one audit entry per copy, as copy-level acts do, so a copy's history tells
the whole story.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from wiredesk.model import utcnow
from wiredesk.store.bulk import begin_write
from wiredesk.store.database import Database
from wiredesk.store.ledger import changes, visibility
from wiredesk.store.ledger.editorial import SYNDICATION, find_copy
from wiredesk.store.schema import audit_log, items, stories

# Audit log actions (at most 32 characters: `audit_log.action`).
TAKEN_DOWN = "story taken down"
RESTORED = "story restored"
JOINED = "joined a taken-down story"

_IN_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Takedown:
    """A story's takedown as stored."""

    story_id: int
    at: datetime
    by: str
    reason: str

    def describe(self) -> str:
        """One line for the audit log and the command line."""
        return (
            f"story {self.story_id} was taken down by {self.by} "
            f"at {self.at:%Y-%m-%d %H:%M} UTC: {self.reason}"
        )


@dataclass(frozen=True, slots=True)
class StoryAct:
    """What `take_down` or `restore` did."""

    story_id: int
    done: bool  # False: nothing to do (already down; not down)
    takedown: Takedown | None  # the takedown in force after `take_down`, lifted by `restore`
    item_ids: tuple[int, ...]  # the story's copies, oldest first


def find_story(db: Database, ref: str) -> int | None:
    """A story id from what a person would paste: `story:<id>` or a bare story id (as
    `wiredesk stories` prints it), else anything `editorial.find_copy` takes, for that copy's
    story. A bare number that is also a copy's short id names the copy's story."""
    ref = ref.strip()
    number = ref.removeprefix("story:").strip()
    if number.isdigit() and (ref.startswith("story:") or find_copy(db, ref) is None):
        with db.engine.connect() as conn:
            found = conn.execute(select(stories.c.id).where(stories.c.id == int(number))).scalar()
        return None if found is None else int(found)
    item_id = find_copy(db, ref)
    return None if item_id is None else story_of_copy(db, item_id)


def story_of_copy(db: Database, item_id: int) -> int:
    """The story of a copy; a copy stored before stories existed gets one of its own now."""
    with db.engine.begin() as conn:
        sid = conn.execute(select(items.c.story_id).where(items.c.id == item_id)).scalar()
        if sid is None:
            sid = conn.execute(
                insert(stories)
                .values(lead_item_id=item_id, created_at=utcnow())
                .returning(stories.c.id)
            ).scalar_one()
            conn.execute(update(items).where(items.c.id == item_id).values(story_id=sid))
    return int(sid)


def takedown_of(db: Database, story_id: int, conn: Connection | None = None) -> Takedown | None:
    """The story's takedown, or None when it is up (or there is no such story)."""
    with db.reading(conn) as conn:
        return _takedown(conn, story_id)


def members(db: Database, story_id: int) -> list[int]:
    """The story's copies, oldest first."""
    with db.engine.connect() as conn:
        return _members(conn, story_id)


def take_down(
    db: Database,
    story_id: int,
    *,
    reason: str,
    actor: str,
    now: datetime | None = None,
    address: str | None = None,
) -> StoryAct:
    """Take the whole story down: every copy off every public channel at once, and every copy
    that joins it later too, until `restore`. Returns what was done (`done` False when it
    was down already: the first takedown is kept, reason and all)."""
    now = now or utcnow()
    with db.engine.begin() as conn:
        _lock(conn, story_id)
        ids = _members(conn, story_id)
        current = _takedown(conn, story_id)
        if current is not None:
            return StoryAct(story_id, False, current, tuple(ids))
        conn.execute(
            update(stories)
            .where(stories.c.id == story_id)
            .values(taken_down_at=now, taken_down_by=actor, takedown_reason=reason)
        )
        _audit(conn, ids, TAKEN_DOWN, actor, reason, now, address)
        tags = _refreshed(conn, db, story_id, now)
    db.notify(tags)  # every cached page showing any copy of the story goes at once
    return StoryAct(story_id, True, Takedown(story_id, now, actor, reason), tuple(ids))


def restore(
    db: Database,
    story_id: int,
    *,
    reason: str,
    actor: str,
    now: datetime | None = None,
    address: str | None = None,
) -> StoryAct:
    """Lift the story's takedown: each copy is public again as its own state allows (a copy
    killed by its agency or by an editor stays down). `done` is False when it was not down."""
    now = now or utcnow()
    with db.engine.begin() as conn:
        _lock(conn, story_id)
        ids = _members(conn, story_id)
        current = _takedown(conn, story_id)
        if current is None:
            return StoryAct(story_id, False, None, tuple(ids))
        conn.execute(
            update(stories)
            .where(stories.c.id == story_id)
            .values(taken_down_at=None, taken_down_by=None, takedown_reason=None)
        )
        _audit(conn, ids, RESTORED, actor, reason, now, address)
        tags = _refreshed(conn, db, story_id, now)
    db.notify(tags)
    return StoryAct(story_id, True, current, tuple(ids))


# --- for grouping (store/ledger/stories.py), in its transaction ----------------------------


def carry(conn: Connection, from_story: int, to_story: int) -> None:
    """`to_story` takes on `from_story`'s takedown (a taken-down story merged into it, or its
    lone copy moved into it): grouping never lifts a takedown."""
    row = conn.execute(
        select(stories.c.taken_down_at, stories.c.taken_down_by, stories.c.takedown_reason).where(
            stories.c.id == from_story
        )
    ).one()
    conn.execute(update(stories).where(stories.c.id == to_story).values(**row._mapping))


def note_arrivals(conn: Connection, item_ids: Iterable[int], now: datetime) -> list[int]:
    """Of these copies, just moved into another story by grouping, those now in a taken-down
    story get an audit entry saying so; returns their ids (their `public_from` must then be
    recomputed)."""
    wanted = sorted(set(item_ids))
    noted: list[int] = []
    entries: list[dict[str, object]] = []
    for start in range(0, len(wanted), _IN_CHUNK):
        q = (
            select(
                items.c.id,
                stories.c.id.label("story_id"),
                stories.c.taken_down_at,
                stories.c.taken_down_by,
                stories.c.takedown_reason,
            )
            .select_from(items.join(stories, stories.c.id == items.c.story_id))
            .where(
                items.c.id.in_(wanted[start : start + _IN_CHUNK]),
                stories.c.taken_down_at.is_not(None),
            )
        )
        for r in conn.execute(q):
            down = Takedown(int(r.story_id), r.taken_down_at, r.taken_down_by, r.takedown_reason)
            noted.append(int(r.id))
            entries.append(_entry(int(r.id), JOINED, SYNDICATION, down.describe(), now))
    if entries:
        conn.execute(insert(audit_log), entries)
    return noted


# --- helpers ---------------------------------------------------------------------------------


def _lock(conn: Connection, story_id: int) -> None:
    """Hold the story against grouping until the caller's transaction ends, so that a copy
    joining it meanwhile is either seen among its members here or sees the takedown there.

    SQLite: the database's write lock (ingest's transactions take it too). PostgreSQL: the
    story's copies, then its row; grouping reads the row with a share lock
    (`stories._story_and_takedown`) after it has written any copy it updates, and copies
    before the story is the order both take, so neither waits for the other in a circle.
    """
    begin_write(conn)
    if conn.dialect.name == "sqlite":
        return
    members = select(items.c.id).where(items.c.story_id == story_id).order_by(items.c.id)
    conn.execute(members.with_for_update())
    conn.execute(select(stories.c.id).where(stories.c.id == story_id).with_for_update())


def _takedown(conn: Connection, story_id: int) -> Takedown | None:
    row = conn.execute(
        select(stories.c.taken_down_at, stories.c.taken_down_by, stories.c.takedown_reason).where(
            stories.c.id == story_id
        )
    ).first()
    if row is None or row.taken_down_at is None:
        return None
    return Takedown(story_id, row.taken_down_at, row.taken_down_by or "", row.takedown_reason or "")


def _members(conn: Connection, story_id: int) -> list[int]:
    q = select(items.c.id).where(items.c.story_id == story_id).order_by(items.c.id)
    return [int(i) for i in conn.execute(q).scalars()]


def _entry(
    item_id: int,
    action: str,
    actor: str,
    reason: str,
    now: datetime,
    address: str | None = None,
) -> dict[str, object]:
    return {
        "at": now,
        "item_id": item_id,
        "action": action,
        "actor": actor,
        "reason": reason,
        "envelope_id": None,
        "address": address,
    }


def _audit(
    conn: Connection,
    ids: Sequence[int],
    action: str,
    actor: str,
    reason: str,
    now: datetime,
    address: str | None,
) -> None:
    """One entry per copy; `address` is the client's when the act came over HTTP (the desk)."""
    if ids:
        entries = [_entry(i, action, actor, reason, now, address) for i in ids]
        conn.execute(insert(audit_log), entries)


def _refreshed(conn: Connection, db: Database, story_id: int, now: datetime) -> set[str]:
    """The gate's columns of every copy of the story brought in step; its tags logged and
    returned (for `Database.notify` once committed)."""
    copies = visibility.refresh_stories(conn, [story_id], db.policy)
    tags = changes.tags_of(conn, [c.id for c in copies])
    changes.record(conn, db, tags, now)
    return tags
