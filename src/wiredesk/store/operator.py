"""What operators see and the public does not: every copy with its state, stories with
their members and leads, the audit log.

Read-only, like the public side, but not behind the gate: `wiredesk items`, `wiredesk
stories` and (later) the desk read from here. Channels never do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from wiredesk.model import SOURCE_MODE, utcnow
from wiredesk.store.database import Database
from wiredesk.store.public.gate import COPY_STATES, best_first, state_word
from wiredesk.store.public.views import copy_path
from wiredesk.store.schema import audit_log, item_versions, items, stories

__all__ = [
    "COPY_STATES",
    "AuditEntry",
    "CopyStatus",
    "DeskEntry",
    "StoryMembership",
    "all_copies",
    "audit_entries",
    "copy_statuses",
    "desk_entries",
    "memberships",
]


@dataclass(slots=True, frozen=True)
class CopyStatus:
    """One copy as an operator sees it, whatever the public may see."""

    short_id: str
    source_id: str
    guid: str
    path: str
    headline: str
    version_count: int
    state: str  # one of COPY_STATES
    published_at: datetime
    killed_at: datetime | None
    kill_reason: str | None
    id: int = 0  # the copy's row id (its place in lead order, after source and time)
    story_id: int | None = None
    # the story's takedown by the editors (state "withdrawn"), None while the story is up
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None
    withdrawn_reason: str | None = None
    language: str | None = None  # published only if the site has an edition in it
    # what decided its state on arrival: a routing rule's name, or "source mode"
    decided_by: str = SOURCE_MODE


@dataclass(slots=True, frozen=True)
class AuditEntry:
    at: datetime
    action: str
    actor: str
    reason: str | None


@dataclass(slots=True, frozen=True)
class DeskEntry:
    """An entry of the audit log about the desk itself (sign-ins, users), not a copy."""

    at: datetime
    action: str
    actor: str
    reason: str | None
    address: str | None
    subject: str | None


@dataclass(frozen=True, slots=True)
class StoryMembership:
    """One copy with its story and that story's lead, as `wiredesk stories` prints it."""

    item_id: int
    short_id: str
    path: str
    guid: str
    source_id: str
    story_id: int | None
    lead_path: str
    originator: str | None
    language: str | None = None


def copy_statuses(
    db: Database,
    now: datetime | None = None,
    *,
    state: str | None = None,
    item_id: int | None = None,
    story_id: int | None = None,
    limit: int | None = 1000,
) -> list[CopyStatus]:
    """Every copy with its state, newest first; `state`, `item_id` and `story_id` filter; at
    most `limit` rows (None: all)."""
    now = now or utcnow()
    q = (
        select(
            items.c.id,
            items.c.short_id,
            items.c.source_id,
            items.c.guid,
            items.c.slug,
            items.c.section,
            items.c.version_count,
            items.c.state,
            items.c.pub_status,
            items.c.embargo_until,
            items.c.published_at,
            items.c.killed_at,
            items.c.kill_reason,
            items.c.language,
            items.c.decided_by,
            item_versions.c.headline,
            items.c.story_id,
            stories.c.taken_down_at,
            stories.c.taken_down_by,
            stories.c.takedown_reason,
        )
        .select_from(
            items.join(item_versions, item_versions.c.id == items.c.current_version_id).outerjoin(
                stories, stories.c.id == items.c.story_id
            )
        )
        .order_by(items.c.published_at.desc(), items.c.id.desc())
    )
    if item_id is not None:
        q = q.where(items.c.id == item_id)
    if story_id is not None:
        q = q.where(items.c.story_id == story_id)
    if state is None and limit is not None:  # the newest `limit` along the listing index
        q = q.limit(limit)
    out: list[CopyStatus] = []
    with db.engine.connect() as conn:
        for r in conn.execute(q):
            row = CopyStatus(
                short_id=r.short_id,
                source_id=r.source_id,
                guid=r.guid,
                path=copy_path(r.section, r.slug, r.short_id),
                headline=r.headline,
                version_count=r.version_count,
                state=state_word(r, now, withdrawn=r.taken_down_at is not None),
                published_at=r.published_at,
                killed_at=r.killed_at,
                kill_reason=r.kill_reason,
                id=int(r.id),
                story_id=None if r.story_id is None else int(r.story_id),
                withdrawn_at=r.taken_down_at,
                withdrawn_by=r.taken_down_by,
                withdrawn_reason=r.takedown_reason,
                language=r.language,
                decided_by=r.decided_by,
            )
            if state is None or row.state == state:
                out.append(row)
                if limit is not None and len(out) >= limit:
                    break
    return out


def audit_entries(db: Database, item_id: int) -> list[AuditEntry]:
    """What happened to a copy, oldest first."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(audit_log.c.at, audit_log.c.action, audit_log.c.actor, audit_log.c.reason)
            .where(audit_log.c.item_id == item_id)
            .order_by(audit_log.c.at, audit_log.c.id)
        )
        return [AuditEntry(**r._mapping) for r in rows]


def desk_entries(db: Database, *, subject: str | None = None, limit: int = 200) -> list[DeskEntry]:
    """The desk's own entries (no copy), newest first; only those about `subject` if given
    ("user <name>")."""
    q = (
        select(
            audit_log.c.at,
            audit_log.c.action,
            audit_log.c.actor,
            audit_log.c.reason,
            audit_log.c.address,
            audit_log.c.subject,
        )
        .where(audit_log.c.item_id.is_(None))
        .order_by(audit_log.c.at.desc(), audit_log.c.id.desc())
        .limit(limit)
    )
    if subject is not None:
        q = q.where(audit_log.c.subject == subject)
    with db.engine.connect() as conn:
        return [DeskEntry(**r._mapping) for r in conn.execute(q)]


def all_copies(db: Database) -> Iterable[dict[str, Any]]:
    """Every `items` row as stored, oldest first."""
    with db.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(select(items).order_by(items.c.id))]


def memberships(db: Database, now: datetime) -> list[StoryMembership]:
    """Every copy with its story and that story's lead at `now`."""
    q = select(
        items.c.id,
        items.c.short_id,
        items.c.section,
        items.c.slug,
        items.c.guid,
        items.c.source_id,
        items.c.story_id,
        item_versions.c.originator,
        items.c.published_at,
        items.c.public_from,
        items.c.language,
    ).select_from(items.outerjoin(item_versions, item_versions.c.id == items.c.current_version_id))
    with db.engine.connect() as conn:
        rows = best_first(conn.execute(q).all(), db.policy)

    def public(r: Any) -> bool:
        return r.public_from is not None and r.public_from <= now

    def key(r: Any) -> tuple[int, str | None]:
        """A story leads each of its languages with a copy of its own (the gate's rule)."""
        return (r.story_id if r.story_id is not None else -r.id, r.language)

    lead: dict[tuple[int, str | None], Any] = {}
    for r in rows:  # best-ranked first: the first public copy leads, else the first at all
        if key(r) not in lead or (public(r) and not public(lead[key(r)])):
            lead[key(r)] = r
    out = []
    for r in rows:
        chief = lead[key(r)]
        out.append(
            StoryMembership(
                item_id=int(r.id),
                short_id=r.short_id,
                path=copy_path(r.section, r.slug, r.short_id),
                guid=r.guid,
                source_id=r.source_id,
                story_id=None if r.story_id is None else int(r.story_id),
                lead_path=copy_path(chief.section, chief.slug, chief.short_id),
                originator=r.originator,
                language=r.language,
            )
        )
    return sorted(out, key=lambda s: (s.story_id or 0, s.item_id))
