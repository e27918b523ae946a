"""Quarantine: what could not go through, kept with its reason until a reprocess gets it in.

One bad item must never block the rest of its payload or its source, but it must not vanish
either: the operator needs to see what was refused and why, and to retry it after a fix or an
upgrade. A row holds the item as the parser read it (JSON), so the reason can be checked
without re-reading the raw payload; the raw payload itself stays in `envelopes`, which is what
a reprocess reads. A payload that cannot be parsed at all is one row with no item index.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, fields, is_dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import insert, or_, select, update

from wiredesk.model import EnvelopeStatus, Item, utcnow
from wiredesk.store.database import Database
from wiredesk.store.schema import envelopes, quarantine

STAGES = ("parse", "pipeline", "store")
_MAX_REASON_CHARS = 1000

# What the store accepts of one item. Beyond these an item is quarantined (stage "store")
# rather than saved: a headline this long is a body in the title element, and PostgreSQL's
# unique index on (source, guid) refuses keys over about 2,700 bytes.
MAX_HEADLINE_CHARS = 1000
MAX_GUID_BYTES = 2000
MAX_LANGUAGE_CHARS = 16  # items.language and item_versions.language are VARCHAR(16)


@dataclass(slots=True, frozen=True)
class QuarantineRow:
    id: int
    envelope_id: int
    source_id: str
    item_index: int | None  # None: the payload as a whole
    guid: str | None
    stage: str  # parse, pipeline, store
    reason: str
    raw_item: str | None  # the item as the parser read it, JSON
    quarantined_at: datetime
    resolved_at: datetime | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "quarantined_at": self.quarantined_at.isoformat(),
            "source": self.source_id,
            "envelope": self.envelope_id,
            "item_index": self.item_index,
            "guid": self.guid,
            "stage": self.stage,
            "reason": self.reason,
            "resolved_at": self.resolved_at.isoformat() if self.resolved_at else None,
        }


def item_json(item: Item) -> str:
    """The item as JSON: datetimes as ISO 8601, enums as their values, nested records as
    objects. Never raises, so recording a broken item cannot itself break ingest."""
    return json.dumps(_plain(item), ensure_ascii=False, default=str)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str):  # a lone surrogate would make the JSON unencodable
        return value.encode("utf-8", "replace").decode("utf-8")
    return value


def one_line(text: str) -> str:
    """A reason as one storable line (no NUL, no lone surrogate: PostgreSQL refuses both)."""
    return " ".join((_clean(text) or "").split())[:_MAX_REASON_CHARS]


def record(
    db: Database,
    *,
    envelope_id: int,
    source_id: str,
    stage: str,
    reason: str,
    item_index: int | None = None,
    item: Item | None = None,
    now: datetime | None = None,
) -> int:
    """Quarantine one item (or, with no `item_index`, the payload as a whole); returns the id.

    An unresolved row for the same envelope, position and stage is updated rather than
    duplicated, so a reprocess that fails again does not multiply rows.
    """
    if stage not in STAGES:
        raise ValueError(f"unknown quarantine stage {stage!r}")
    values = {
        "guid": _clean(item.guid) if item is not None else None,
        "reason": one_line(reason) or "no reason given",
        "raw_item": item_json(item) if item is not None else None,
        "quarantined_at": now or utcnow(),
    }
    same = (
        quarantine.c.envelope_id == envelope_id,
        quarantine.c.stage == stage,
        quarantine.c.resolved_at.is_(None),
        quarantine.c.item_index.is_(None)
        if item_index is None
        else quarantine.c.item_index == item_index,
    )
    with db.engine.begin() as conn:
        existing = conn.execute(select(quarantine.c.id).where(*same)).scalar()
        if existing is not None:
            conn.execute(update(quarantine).where(quarantine.c.id == existing).values(**values))
            return int(existing)
        new_id = conn.execute(
            insert(quarantine)
            .values(
                envelope_id=envelope_id,
                source_id=source_id,
                item_index=item_index,
                stage=stage,
                **values,
            )
            .returning(quarantine.c.id)
        ).scalar_one()
    return int(new_id)


def store_refusal(item: Item) -> str | None:
    """Why the store would refuse this processed item, in one line; None when it would not."""
    if not item.guid.strip():
        return "the item has no id (guid)"
    if len(item.headline) > MAX_HEADLINE_CHARS:
        return (
            f"headline is {len(item.headline):,} characters, over the {MAX_HEADLINE_CHARS:,} "
            "a headline may have (is the story body in the title element?)"
        )
    guid_bytes = len(item.guid.encode("utf-8", "replace"))
    if guid_bytes > MAX_GUID_BYTES:
        return f"guid is {guid_bytes:,} bytes, over the {MAX_GUID_BYTES:,} an id may have"
    if item.language and len(item.language) > MAX_LANGUAGE_CHARS:
        return f"language tag {item.language[:40]!r} is longer than {MAX_LANGUAGE_CHARS} characters"
    return None


def list_rows(
    db: Database,
    *,
    include_resolved: bool = False,
    envelope_id: int | None = None,
    limit: int | None = None,
) -> list[QuarantineRow]:
    """Quarantined rows, oldest first; unresolved ones only unless `include_resolved`."""
    q = select(quarantine).order_by(quarantine.c.quarantined_at, quarantine.c.id)
    if not include_resolved:
        q = q.where(quarantine.c.resolved_at.is_(None))
    if envelope_id is not None:
        q = q.where(quarantine.c.envelope_id == envelope_id)
    if limit is not None:
        q = q.limit(limit)
    with db.engine.connect() as conn:
        return [QuarantineRow(**r._mapping) for r in conn.execute(q)]


def resolve(db: Database, ids: Iterable[int], *, now: datetime | None = None) -> int:
    """Mark rows resolved (their item or payload has now gone through); returns how many."""
    wanted = list(ids)
    if not wanted:
        return 0
    with db.engine.begin() as conn:
        return int(
            conn.execute(
                update(quarantine)
                .where(quarantine.c.id.in_(wanted), quarantine.c.resolved_at.is_(None))
                .values(resolved_at=now or utcnow())
            ).rowcount
        )


def envelopes_to_retry(db: Database) -> list[int]:
    """Envelopes a `reprocess --all` should read again: failed ones, and those with
    unresolved quarantined items; oldest first."""
    pending = select(quarantine.c.envelope_id).where(quarantine.c.resolved_at.is_(None))
    q = (
        select(envelopes.c.id)
        .where(
            or_(
                envelopes.c.status == EnvelopeStatus.FAILED.value,
                envelopes.c.id.in_(pending),
            )
        )
        .order_by(envelopes.c.id)
    )
    with db.engine.connect() as conn:
        return [int(i) for i in conn.execute(q).scalars()]


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")
