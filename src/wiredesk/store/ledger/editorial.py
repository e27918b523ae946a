"""Editors' acts on copies (approve, kill) and the audit log every act writes.

An editor's kill is final: `items.kill_manual` marks it, the lifecycle never lets an agency
version undo it, and the public side tells such a takedown apart by that column. Who did
something is written in the audit log as "agency <source id>", "editor <name>" (a person at
the desk), "operator <name>" (someone at the command line managing the desk's users) or
"syndication" (grouping merging two stories), made here and nowhere else.

The log is append-only: the database refuses UPDATE and DELETE on it (migration 0014).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from wiredesk.model import ItemState, utcnow
from wiredesk.store.database import Database
from wiredesk.store.ledger import changes, visibility
from wiredesk.store.schema import audit_log, items

# The audit log's name for grouping, when a copy that matches two stories makes them one.
SYNDICATION = "syndication"


def agency(source_id: str) -> str:
    """The audit log's name for an agency acting through its feed."""
    return f"agency {source_id}"


def editor(name: str) -> str:
    """The audit log's name for a person at the desk (or on the command line)."""
    return f"editor {name}"


def operator(name: str) -> str:
    """The audit log's name for someone managing the desk from the command line (`$USER`)."""
    return f"operator {name}"


def person(name: str) -> str:
    """The audit log's `subject` of an act about one of the desk's people."""
    return f"user {name}"


def audit(
    conn: Connection,
    item_id: int | None,
    action: str,
    actor: str,
    reason: str | None,
    envelope_id: int | None,
    now: datetime,
    *,
    address: str | None = None,
    subject: str | None = None,
) -> None:
    """One audit entry, in the caller's transaction. `item_id` is None for the desk's own
    acts (a sign-in, a user added), which name what they were about in `subject`; `address`
    is the client's, for an act done over HTTP."""
    conn.execute(
        insert(audit_log),
        {
            "at": now,
            "item_id": item_id,
            "action": action,
            "actor": actor,
            "reason": reason,
            "envelope_id": envelope_id,
            "address": address,
            "subject": subject,
        },
    )


def find_copy(db: Database, ref: str) -> int | None:
    """A copy's item id from what a person would paste: an article URL or path, a short id,
    or `source:guid`."""
    ref = ref.strip()
    short = ref.rstrip("/").rsplit("/", 1)[-1].rsplit("-", 1)[-1]
    with db.engine.connect() as conn:
        found = conn.execute(select(items.c.id).where(items.c.short_id == short)).scalar()
        if found is None and ":" in ref and "/" not in ref.split(":", 1)[0]:
            source_id, guid = ref.split(":", 1)
            found = conn.execute(
                select(items.c.id).where(items.c.source_id == source_id, items.c.guid == guid)
            ).scalar()
    return None if found is None else int(found)


def approve(db: Database, item_id: int, *, actor: str, now: datetime | None = None) -> bool:
    """Publish a copy held for editors (its source has `auto_publish = false`, or a routing rule
    held it).

    Approval lifts only our own hold: the agency's word (withheld, embargo, kill) still
    applies through the gate. Returns False if the copy was not held.
    """
    now = now or utcnow()
    tags: set[str] = set()
    with db.engine.begin() as conn:
        done = conn.execute(
            update(items)
            .where(items.c.id == item_id, items.c.state == ItemState.HELD.value)
            .values(state=ItemState.PUBLISHED.value)
        ).rowcount
        if done:
            audit(conn, item_id, "approve", actor, None, None, now)
            tags = _changed(conn, db, item_id, now)
    db.notify(tags)
    return bool(done)


def kill(
    db: Database,
    item_id: int,
    *,
    reason: str,
    actor: str,
    now: datetime | None = None,
    address: str | None = None,
) -> bool:
    """Take a copy down everywhere, for good: an editor's kill is never undone by the
    agency. Returns False if it was already killed by an editor. `address` is the client's
    when the act came over HTTP (the desk)."""
    now = now or utcnow()
    with db.engine.begin() as conn:
        manual = conn.execute(select(items.c.kill_manual).where(items.c.id == item_id)).scalar_one()
        if manual:
            return False
        conn.execute(
            update(items)
            .where(items.c.id == item_id)
            .values(killed_at=now, killed_by=actor, kill_reason=reason, kill_manual=True)
        )
        audit(conn, item_id, "kill", actor, reason, None, now, address=address)
        tags = _changed(conn, db, item_id, now)
    db.notify(tags)  # every cached page showing the copy goes at once
    return True


def _changed(conn: Connection, db: Database, item_id: int, now: datetime) -> set[str]:
    """Bring the gate's columns in step after an act on `item_id`; log and return its tags."""
    visibility.refresh(conn, [item_id], db.policy)
    tags = changes.tags_of(conn, [item_id])
    changes.record(conn, db, tags, now)
    return tags
