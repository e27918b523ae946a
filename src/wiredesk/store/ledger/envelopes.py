"""Raw payloads, stored before anything parses them ("raw first").

The same bytes from the same source are stored once (unique `(source_id, sha256)`), so a
replay is detected before parsing and costs one indexed lookup. The bytes live in
`envelope_payloads`, apart from the envelope's bookkeeping (store/schema.py says why).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from wiredesk.model import Envelope, EnvelopeStatus, utcnow
from wiredesk.store.database import Database
from wiredesk.store.schema import envelope_payloads, envelopes


def record(db: Database, env: Envelope) -> tuple[int, bool]:
    """Store the raw payload before anything parses it. Returns (id, is_new).

    The same bytes from the same source are stored once; a replay returns the first id
    and `is_new = False`, so the caller can skip reprocessing.
    """
    sha = env.sha256
    same = (envelopes.c.source_id == env.source_id, envelopes.c.sha256 == sha)
    with db.engine.begin() as conn:
        existing = conn.execute(select(envelopes.c.id).where(*same)).scalar()
        if existing is not None:
            return int(existing), False
        try:
            with conn.begin_nested():
                new_id = conn.execute(
                    insert(envelopes)
                    .returning(envelopes.c.id)
                    .values(
                        source_id=env.source_id,
                        transport=str(env.transport),
                        location=env.location,
                        content_type=env.content_type,
                        sha256=sha,
                        size=len(env.payload),
                        received_at=env.received_at,
                        status=EnvelopeStatus.RECEIVED.value,
                        item_count=0,
                    )
                ).scalar_one()
                conn.execute(
                    insert(envelope_payloads).values(envelope_id=new_id, payload=env.payload)
                )
        except IntegrityError:  # a concurrent writer stored the same bytes first
            existing = conn.execute(select(envelopes.c.id).where(*same)).scalar_one()
            return int(existing), False
    return int(new_id), True


def finish(
    db: Database,
    envelope_id: int,
    status: EnvelopeStatus,
    *,
    error: str | None = None,
    fmt: str | None = None,
    item_count: int = 0,
) -> None:
    """Record how processing the payload ended."""
    with db.engine.begin() as conn:
        conn.execute(
            update(envelopes)
            .where(envelopes.c.id == envelope_id)
            .values(
                status=status.value,
                error=error,
                format=fmt,
                item_count=item_count,
                processed_at=utcnow(),
            )
        )


def get(db: Database, envelope_id: int) -> dict[str, Any] | None:
    """The envelope's bookkeeping and, under "payload", the raw bytes as received."""
    with db.engine.connect() as conn:
        row = conn.execute(
            select(envelopes, envelope_payloads.c.payload)
            .select_from(
                envelopes.join(envelope_payloads, envelope_payloads.c.envelope_id == envelopes.c.id)
            )
            .where(envelopes.c.id == envelope_id)
        ).first()
    return dict(row._mapping) if row else None


def unfinished(db: Database) -> list[tuple[int, str]]:
    """(id, source id) of payloads stored but never processed: the process that received
    them died in between. Oldest first."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(envelopes.c.id, envelopes.c.source_id)
            .where(envelopes.c.status == EnvelopeStatus.RECEIVED.value)
            .order_by(envelopes.c.id)
        )
        return [(int(i), str(sid)) for i, sid in rows]


def count(db: Database, source_id: str | None = None) -> int:
    """How many payloads are stored (of one source, if given)."""
    q = select(func.count()).select_from(envelopes)
    if source_id is not None:
        q = q.where(envelopes.c.source_id == source_id)
    with db.engine.connect() as conn:
        return int(conn.execute(q).scalar_one())
