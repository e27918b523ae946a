"""Raw payloads leaving the database by age, and coming back (`wiredesk archive`).

Every payload is kept raw so that it can be read again after a fix; after months that is
most of a database's size (a busy wire sends megabytes an hour) and rarely wanted. Pruning
takes the bytes of old payloads out — moved to files, or deleted when the operator says so —
and keeps everything else: the envelope's row, its sha256 (a payload sent again is still
recognised as already seen), its copies and their provenance.

Never pruned: a payload not yet processed (its copies are not saved yet), and one with a
quarantined item or a parse failure not yet resolved: it is what `reprocess` will read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, exists, insert, select, update

from wiredesk.model import EnvelopeStatus
from wiredesk.store.database import Database
from wiredesk.store.schema import envelope_payloads, envelopes, quarantine


@dataclass(frozen=True, slots=True)
class StoredPayload:
    """An envelope whose bytes may be pruned, with them."""

    id: int
    source_id: str
    received_at: datetime
    sha256: str
    format: str | None
    payload: bytes


def prunable(db: Database, before: datetime, after_id: int, limit: int) -> list[StoredPayload]:
    """Up to `limit` payloads received before `before` that may leave, with their bytes,
    in envelope order from `after_id` on (the caller pages through with the last id)."""
    open_quarantine = exists().where(
        and_(quarantine.c.envelope_id == envelopes.c.id, quarantine.c.resolved_at.is_(None))
    )
    query = (
        select(
            envelopes.c.id,
            envelopes.c.source_id,
            envelopes.c.received_at,
            envelopes.c.sha256,
            envelopes.c.format,
            envelope_payloads.c.payload,
        )
        .join(envelope_payloads, envelope_payloads.c.envelope_id == envelopes.c.id)
        .where(
            envelopes.c.id > after_id,
            envelopes.c.received_at < before,
            envelopes.c.status != EnvelopeStatus.RECEIVED.value,
            ~open_quarantine,
        )
        .order_by(envelopes.c.id)
        .limit(limit)
    )
    with db.engine.connect() as conn:
        return [StoredPayload(*row) for row in conn.execute(query)]


def take_out(db: Database, moved_to: Mapping[int, str | None], now: datetime) -> int:
    """Remove the bytes of these envelopes, recording when and (if moved) the file that holds
    them, in one transaction. Returns how many left."""
    if not moved_to:
        return 0
    with db.engine.begin() as conn:
        gone = conn.execute(
            delete(envelope_payloads).where(envelope_payloads.c.envelope_id.in_(list(moved_to)))
        ).rowcount
        for envelope_id, path in moved_to.items():
            conn.execute(
                update(envelopes)
                .where(envelopes.c.id == envelope_id)
                .values(payload_pruned_at=now, payload_moved_to=path)
            )
    return int(gone)


@dataclass(frozen=True, slots=True)
class PrunedPayload:
    """An envelope whose bytes were taken out."""

    id: int
    sha256: str
    pruned_at: datetime
    moved_to: str | None


def pruned(db: Database, ids: list[int] | None = None) -> list[PrunedPayload]:
    """Envelopes whose bytes are out (these ids, or all), in envelope order."""
    query = (
        select(
            envelopes.c.id,
            envelopes.c.sha256,
            envelopes.c.payload_pruned_at,
            envelopes.c.payload_moved_to,
        )
        .where(envelopes.c.payload_pruned_at.is_not(None))
        .order_by(envelopes.c.id)
    )
    if ids is not None:
        query = query.where(envelopes.c.id.in_(ids))
    with db.engine.connect() as conn:
        return [PrunedPayload(*row) for row in conn.execute(query)]


class PayloadMismatch(ValueError):
    """Bytes offered back are not the payload the envelope recorded."""


def put_back(db: Database, envelope_id: int, sha256: str, payload: bytes) -> None:
    """The bytes of a pruned envelope, back in the database; refused (`PayloadMismatch`)
    unless they hash to the envelope's sha256."""
    if hashlib.sha256(payload).hexdigest() != sha256:
        raise PayloadMismatch(f"envelope {envelope_id}: the bytes are not the payload received")
    with db.engine.begin() as conn:
        conn.execute(insert(envelope_payloads).values(envelope_id=envelope_id, payload=payload))
        conn.execute(
            update(envelopes)
            .where(envelopes.c.id == envelope_id)
            .values(payload_pruned_at=None, payload_moved_to=None)
        )
