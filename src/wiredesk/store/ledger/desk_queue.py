"""What the desk's working pages read and do: the held queue (approve, reject, the desk's
fix of a headline or section), a source's failed pictures, and the audit log read back.

The desk may not write SQL of its own (`.importlinter`), so its queries live here, beside the
editorial acts they extend (`editorial.py`). Every act writes its audit entry in the same
transaction as the change, with who did it and from which address.

Two decisions the pages rest on:
- **reject is an editor's kill of the copy** (`kill_manual`, with the reason): final, never
  undone by a later agency version, and the gate never shows it. The copy leaves the queue
  and stays in the store (and the audit log) with the reason.
- **the desk's fix never overwrites the agency's text.** A new headline becomes a new version
  row, a copy of the current one with the headline replaced and a provenance step
  `{"role": "desk", "action": "edited by the desk: headline"}` (no name: who did it is in the
  audit log, not in what subscribers see); the agency's versions stay as received. It is
  ordered like the version it edits (same agency number and time, a later arrival), so a
  newer agency version still wins over it. A section is the copy's own column (the agency's
  version has none to keep): changed in place, the old one in the audit entry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update

from wiredesk.model import ItemState
from wiredesk.store.database import Database
from wiredesk.store.ledger import changes, editorial, search_index, visibility
from wiredesk.store.ledger.quarantine import MAX_HEADLINE_CHARS
from wiredesk.store.public.views import scope_tags
from wiredesk.store.schema import audit_log, item_versions, items, picture_urls

# The provenance step a desk's version carries; the desk's pages find desk versions by it.
DESK_ROLE = "desk"


class DeskActError(ValueError):
    """An act the desk cannot do as asked (an empty headline, a copy no longer held)."""


@dataclass(frozen=True, slots=True)
class HeldCopy:
    """A copy waiting for an editor, as the held queue shows it."""

    item_id: int
    short_id: str
    source_id: str
    guid: str
    section: str
    language: str | None
    first_seen_at: datetime
    headline: str  # of the current version: the desk's fix if there is one
    summary: str
    version: int  # the current version's number
    agency_headline: str  # of the newest version the agency sent
    edited: bool  # the current version is the desk's


@dataclass(frozen=True, slots=True)
class FailedPicture:
    """A picture address of a source the site could not host (yet, or for good)."""

    url: str
    state: str  # "waiting" (tried again at next_try_at) or "failed" (for good)
    error: str | None
    tries: int
    last_tried_at: datetime
    next_try_at: datetime | None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the audit log, with the copy it was about (if any) as a person knows it."""

    id: int
    at: datetime
    action: str
    actor: str
    reason: str | None
    address: str | None
    subject: str | None
    item_id: int | None
    envelope_id: int | None
    short_id: str | None
    source_id: str | None
    guid: str | None
    headline: str | None


# -- the held queue -------------------------------------------------------------------------


def _held_query() -> Any:
    current = item_versions.alias("current")
    return (
        select(
            items.c.id,
            items.c.short_id,
            items.c.source_id,
            items.c.guid,
            items.c.section,
            items.c.language,
            items.c.first_seen_at,
            current.c.headline,
            current.c.summary,
            current.c.version,
            current.c.provenance,
        )
        .select_from(items.join(current, current.c.id == items.c.current_version_id))
        .where(
            # a held copy is never public, so its `public_from` is NULL: that index finds the
            # few copies not public (held, killed, withheld) without walking the archive
            items.c.public_from.is_(None),
            items.c.state == ItemState.HELD.value,
            items.c.killed_at.is_(None),
        )
    )


def held(
    db: Database, *, limit: int = 50, after: tuple[datetime, int] | None = None
) -> list[HeldCopy]:
    """Copies waiting for approval, oldest first (by arrival); `after`: the (first seen, id)
    of the last one of the previous page."""
    # Sorted after finding them: ordered by the bare column, a planner may walk the index of
    # arrival times from the oldest copy of the archive, looking for the few held ones.
    arrival = func.coalesce(items.c.first_seen_at, items.c.first_seen_at)
    q = _held_query().order_by(arrival, items.c.id).limit(limit)
    if after is not None:
        seen, last = after
        q = q.where(
            or_(
                items.c.first_seen_at > seen,
                and_(items.c.first_seen_at == seen, items.c.id > last),
            )
        )
    with db.engine.connect() as conn:
        rows = conn.execute(q).all()
        return [_held_copy(conn, r) for r in rows]


def held_copy(db: Database, item_id: int) -> HeldCopy | None:
    """One copy of the queue, or None if it is not (or no longer) waiting."""
    with db.engine.connect() as conn:
        row = conn.execute(_held_query().where(items.c.id == item_id)).first()
        return _held_copy(conn, row) if row is not None else None


def _held_copy(conn: Connection, row: Any) -> HeldCopy:
    edited = is_desk_version(row.provenance)
    agency_headline = row.headline
    if edited:
        agency_headline = _agency_headline(conn, int(row.id)) or row.headline
    return HeldCopy(
        item_id=int(row.id),
        short_id=row.short_id,
        source_id=row.source_id,
        guid=row.guid,
        section=row.section,
        language=row.language,
        first_seen_at=row.first_seen_at,
        headline=row.headline,
        summary=row.summary,
        version=int(row.version),
        agency_headline=agency_headline,
        edited=edited,
    )


def _agency_headline(conn: Connection, item_id: int) -> str | None:
    """The headline of the newest version the agency sent (not one of the desk's)."""
    for headline, provenance in conn.execute(
        select(item_versions.c.headline, item_versions.c.provenance)
        .where(item_versions.c.item_id == item_id)
        .order_by(item_versions.c.version.desc())
    ):
        if not is_desk_version(provenance):
            return str(headline)
    return None


def is_desk_version(provenance: str | None) -> bool:
    """Whether a version row (its provenance JSON) is the desk's edit, not the agency's."""
    if not provenance or DESK_ROLE not in provenance:
        return False
    try:
        hops = json.loads(provenance)
    except ValueError:
        return False
    return any(isinstance(h, dict) and h.get("role") == DESK_ROLE for h in hops)


def approve(db: Database, item_id: int, *, actor: str, address: str | None, now: datetime) -> bool:
    """Publish a held copy, as `editorial.approve` does, but only one still waiting (not
    rejected, not killed by its agency); False otherwise. Logged with the client's address."""
    return _decide_held(
        db, item_id, {"state": ItemState.PUBLISHED.value}, "approve", actor, None, address, now
    )


def reject(
    db: Database,
    item_id: int,
    *,
    reason: str,
    actor: str,
    address: str | None,
    now: datetime,
) -> bool:
    """Reject a held copy: an editor's kill (final), logged as "reject" with the reason.
    False if it was not waiting."""
    reason = reason.strip()
    if not reason:
        raise DeskActError("say why the copy is rejected")
    kill = {"killed_at": now, "killed_by": actor, "kill_reason": reason, "kill_manual": True}
    return _decide_held(db, item_id, kill, "reject", actor, reason, address, now)


def _decide_held(
    db: Database,
    item_id: int,
    values: dict[str, object],
    action: str,
    actor: str,
    reason: str | None,
    address: str | None,
    now: datetime,
) -> bool:
    """Set `values` on a copy still waiting (held, not killed), audit the act, and tell the
    caches; False (and nothing written) if it was not waiting."""
    with db.engine.begin() as conn:
        done = conn.execute(
            update(items)
            .where(
                items.c.id == item_id,
                items.c.state == ItemState.HELD.value,
                items.c.killed_at.is_(None),
            )
            .values(**values)
        ).rowcount
        if not done:
            return False
        editorial.audit(conn, item_id, action, actor, reason, None, now, address=address)
        tags = _refresh(conn, db, item_id, now)
    db.notify(tags)
    return True


def fix(
    db: Database,
    item_id: int,
    *,
    headline: str | None = None,
    slug: str | None = None,
    section: str | None = None,
    actor: str,
    address: str | None,
    now: datetime,
) -> list[str]:
    """The desk's fix of a held copy's headline and/or section (see the module's note).

    `slug`: the copy's new address word for the new headline (the pipeline's, which the store
    may not import); kept as it was if None. Returns what changed ("headline", "section");
    nothing if both are as they were. Raises
    `DeskActError` for a copy not waiting or an unusable headline.
    """
    if headline is not None:
        headline = " ".join(headline.split())
        if not headline:
            raise DeskActError("the headline cannot be empty")
        if len(headline) > MAX_HEADLINE_CHARS:
            raise DeskActError(f"a headline may have at most {MAX_HEADLINE_CHARS} characters")
    with db.engine.begin() as conn:
        row = conn.execute(
            select(items, item_versions.c.headline.label("current_headline"))
            .select_from(
                items.join(item_versions, item_versions.c.id == items.c.current_version_id)
            )
            .where(
                items.c.id == item_id,
                items.c.state == ItemState.HELD.value,
                items.c.killed_at.is_(None),
            )
        ).first()
        if row is None:
            raise DeskActError("this copy is no longer waiting for approval")
        done: list[str] = []
        before = scope_tags(row.section, row.source_id, row.originator, row.language)
        values: dict[str, Any] = {}
        version: Any = None
        if headline is not None and headline != row.current_headline:
            version = _desk_version(conn, row, headline, now)
            values.update(current_version_id=version["id"], version_count=version["version"])
            if slug:
                values["slug"] = slug[:100]
            editorial.audit(
                conn,
                item_id,
                "desk-edit",
                actor,
                f"headline: {row.current_headline!r} -> {headline!r}",
                None,
                now,
                address=address,
            )
            done.append("headline")
        if section is not None and section != row.section:
            values["section"] = section
            editorial.audit(
                conn,
                item_id,
                "desk-edit",
                actor,
                f"section: {row.section} -> {section}",
                None,
                now,
                address=address,
            )
            done.append("section")
        if not done:
            return done
        conn.execute(update(items).where(items.c.id == item_id).values(**values))
        texts = version if version is not None else _current_texts(conn, row.current_version_id)
        key = search_index.key_of(
            texts,
            section=values.get("section", row.section),
            source_id=row.source_id,
            language=row.language,
            originator=row.originator,
            published_at=row.published_at,
        )
        search_index.replace(conn, item_id, key)
        tags = before | _refresh(conn, db, item_id, now)
    db.notify(tags)
    return done


def _desk_version(conn: Connection, row: Any, headline: str, now: datetime) -> dict[str, Any]:
    """Insert the desk's version of `row`'s current version with `headline`; returns it."""
    current = conn.execute(
        select(item_versions).where(item_versions.c.id == row.current_version_id)
    ).one()
    values = {k: v for k, v in current._mapping.items() if k != "id"}
    hops = json.loads(current.provenance or "[]")
    hops.append(
        {
            "role": DESK_ROLE,
            "name": "",
            "uri": None,
            "time": now.isoformat(),
            "action": "edited by the desk: headline",
        }
    )
    number = int(row.version_count) + 1
    stamp = json.dumps([current.content_hash, headline, now.isoformat(), number])
    values.update(
        version=number,
        headline=headline,
        received_at=now,
        provenance=json.dumps(hops, ensure_ascii=False),
        content_hash=hashlib.sha256(("desk\n" + stamp).encode("utf-8")).hexdigest(),
    )
    values["id"] = conn.execute(
        insert(item_versions).returning(item_versions.c.id), values
    ).scalar_one()
    return values


def _current_texts(conn: Connection, version_id: int) -> dict[str, Any]:
    cols = [item_versions.c[name] for name in search_index.KEY_TEXTS]
    return dict(conn.execute(select(*cols).where(item_versions.c.id == version_id)).one()._mapping)


def _refresh(conn: Connection, db: Database, item_id: int, now: datetime) -> set[str]:
    visibility.refresh(conn, [item_id], db.policy)
    tags = changes.tags_of(conn, [item_id])
    changes.record(conn, db, tags, now)
    return tags


# -- acts that are not about a copy ---------------------------------------------------------


def record_act(
    db: Database,
    action: str,
    actor: str,
    *,
    reason: str | None,
    address: str | None,
    now: datetime,
    subject: str | None = None,
    envelope_id: int | None = None,
) -> None:
    """An audit entry for a desk act done elsewhere (a reprocess, run by ingest)."""
    with db.engine.begin() as conn:
        editorial.audit(
            conn, None, action, actor, reason, envelope_id, now, address=address, subject=subject
        )


# -- sources --------------------------------------------------------------------------------


def failed_pictures(db: Database, source_id: str, *, limit: int = 20) -> list[FailedPicture]:
    """The source's picture addresses not hosted, most recently tried first."""
    q = (
        select(picture_urls)
        .where(picture_urls.c.source_id == source_id, picture_urls.c.state != "hosted")
        .order_by(picture_urls.c.last_tried_at.desc(), picture_urls.c.id.desc())
        .limit(limit)
    )
    with db.engine.connect() as conn:
        return [
            FailedPicture(
                url=r.url,
                state=r.state,
                error=r.error,
                tries=int(r.tries),
                last_tried_at=r.last_tried_at,
                next_try_at=r.next_try_at,
            )
            for r in conn.execute(q)
        ]


# -- the audit log, read back ----------------------------------------------------------------


def audit_entries(
    db: Database,
    *,
    actors: Sequence[str] = (),
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    before: tuple[datetime, int] | None = None,
    limit: int = 50,
) -> list[AuditEntry]:
    """Audit entries, newest first; filtered by actor (any of `actors`), action and time
    (`since` <= at < `until`). `before`: the (at, id) of the last entry of the previous page."""
    current = item_versions.alias("current")
    q = (
        select(
            audit_log,
            items.c.short_id,
            items.c.source_id,
            items.c.guid,
            current.c.headline,
        )
        .select_from(
            audit_log.outerjoin(items, items.c.id == audit_log.c.item_id).outerjoin(
                current, current.c.id == items.c.current_version_id
            )
        )
        .order_by(audit_log.c.at.desc(), audit_log.c.id.desc())
        .limit(limit)
    )
    if actors:
        q = q.where(audit_log.c.actor.in_(list(actors)))
    if action:
        q = q.where(audit_log.c.action == action)
    if since is not None:
        q = q.where(audit_log.c.at >= since)
    if until is not None:
        q = q.where(audit_log.c.at < until)
    if before is not None:
        at, last = before
        q = q.where(or_(audit_log.c.at < at, and_(audit_log.c.at == at, audit_log.c.id < last)))
    with db.engine.connect() as conn:
        return [
            AuditEntry(
                id=int(r.id),
                at=r.at,
                action=r.action,
                actor=r.actor,
                reason=r.reason,
                address=r.address,
                subject=r.subject,
                item_id=r.item_id,
                envelope_id=r.envelope_id,
                short_id=r.short_id,
                source_id=r.source_id,
                guid=r.guid,
                headline=r.headline,
            )
            for r in conn.execute(q)
        ]


def audit_actions(db: Database) -> list[str]:
    """Every action the log holds, for the audit page's filter."""
    with db.engine.connect() as conn:
        return sorted(
            str(a) for a in conn.execute(select(func.distinct(audit_log.c.action))).scalars()
        )
