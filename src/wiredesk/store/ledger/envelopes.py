"""Raw payloads, stored before anything parses them ("raw first").

The same bytes from the same source are stored once (unique `(source_id, sha256)`), so a
replay is detected before parsing and costs one indexed lookup. The bytes live in
`envelope_payloads`, apart from the envelope's bookkeeping (store/schema.py says why).
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Connection, LargeBinary, Select, bindparam, func, insert, select, update

from wiredesk.model import Envelope, EnvelopeStatus, utcnow
from wiredesk.store.bulk import on_conflict_do_nothing
from wiredesk.store.database import Database
from wiredesk.store.schema import envelope_payloads, envelopes


def record(db: Database, env: Envelope) -> tuple[int, bool]:
    """Store the raw payload before anything parses it. Returns (id, is_new).

    The same bytes from the same source are stored once; a replay returns the first id
    and `is_new = False`, so the caller can skip reprocessing. The envelope's insert says
    itself whether the bytes were there before (`ON CONFLICT DO NOTHING`). On PostgreSQL
    the envelope and its bytes go in one statement, which is its own transaction: one round
    trip where a BEGIN, a look, an insert in a savepoint and a COMMIT took seven, in every
    push. On SQLite, two inserts in one transaction.
    """
    values = {
        "source_id": env.source_id,
        "transport": str(env.transport),
        "location": env.location,
        "content_type": env.content_type,
        "sha256": env.sha256,
        "size": len(env.payload),
        "received_at": env.received_at,
        "status": EnvelopeStatus.RECEIVED.value,
        "item_count": 0,
    }
    if db.dialect == "postgresql":
        with db.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            params = {f"v_{name}": value for name, value in values.items()}
            new_id = conn.execute(_pg_record(), {**params, "payload": env.payload}).scalar()
            if new_id is None:  # stored before (or by a concurrent writer, first)
                return _stored_id(conn, env), False
        return int(new_id), True
    with db.engine.begin() as conn:
        new_id = conn.execute(
            on_conflict_do_nothing(conn, envelopes).returning(envelopes.c.id).values(**values)
        ).scalar()
        if new_id is None:
            return _stored_id(conn, env), False
        conn.execute(insert(envelope_payloads).values(envelope_id=new_id, payload=env.payload))
    return int(new_id), True


_RECORDED = (
    *("source_id", "transport", "location", "content_type", "sha256", "size"),
    *("received_at", "status", "item_count"),
)


@functools.cache
def _pg_record() -> Select[Any]:
    """The envelope and its bytes in one statement, built once (building it and its key for
    SQLAlchemy's compiled cache cost more than the round trip it saves)."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert

    columns = _RECORDED  # what `record` gives, by column
    stored = (
        pg_insert(envelopes)
        .values({name: bindparam(f"v_{name}", type_=envelopes.c[name].type) for name in columns})
        .on_conflict_do_nothing()
        .returning(envelopes.c.id)
        .cte("stored")
    )
    kept = (
        insert(envelope_payloads)
        .from_select(
            ["envelope_id", "payload"],
            select(stored.c.id, bindparam("payload", type_=LargeBinary)),
        )
        .returning(envelope_payloads.c.envelope_id)
        .cte("kept")
    )
    # This statement's commit does not wait for its log to reach the disk (for the
    # statement's own transaction only): a push then waits for one flush, its copies', not
    # two. Nothing acknowledged can be lost by it: the write-ahead log is flushed in order,
    # and every path writes and commits again, waiting for the flush, before it answers 202,
    # deletes a dropped file or moves past a fetched feed (the copies' transaction, the
    # envelope's end, or a worker's queued job); a server crash in the moment between loses
    # a payload nobody was told was stored, which its agency sends, or its poll fetches, again.
    no_wait = func.set_config("synchronous_commit", "off", True)
    return select(kept.c.envelope_id).where(no_wait.is_not(None))


def _stored_id(conn: Connection, env: Envelope) -> int:
    return int(
        conn.execute(
            select(envelopes.c.id).where(
                envelopes.c.source_id == env.source_id, envelopes.c.sha256 == env.sha256
            )
        ).scalar_one()
    )


def finish(
    db: Database,
    envelope_id: int,
    status: EnvelopeStatus,
    *,
    error: str | None = None,
    fmt: str | None = None,
    item_count: int = 0,
    conn: Connection | None = None,
) -> None:
    """Record how processing the payload ended: in `conn`'s transaction when given (the one
    that saved the payload's copies, so the two commit together), else in one of its own."""
    values = {  # the columns to set, and the envelope's id
        "envelope_id": envelope_id,
        "status": status.value,
        "error": error,
        "format": fmt,
        "item_count": item_count,
        "processed_at": utcnow(),
    }
    if conn is not None:
        conn.execute(_FINISH, values)
        return
    with db.engine.begin() as own:
        own.execute(_FINISH, values)


def get(db: Database, envelope_id: int) -> dict[str, Any] | None:
    """The envelope's bookkeeping and, under "payload", the raw bytes as received (None
    when they were pruned: "payload_pruned_at" and "payload_moved_to" say when and where)."""
    with db.engine.connect() as conn:
        row = conn.execute(
            select(envelopes, envelope_payloads.c.payload)
            .select_from(
                envelopes.outerjoin(
                    envelope_payloads, envelope_payloads.c.envelope_id == envelopes.c.id
                )
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


# Built once (a push runs each of these): building a statement and its compiled-cache key
# costs about as much as the round trip to PostgreSQL.
_FINISH = update(envelopes).where(envelopes.c.id == bindparam("envelope_id"))


def status_of(db: Database, envelope_id: int) -> tuple[str, str] | None:
    """(source id, status) of an envelope, without its bytes; None if there is none."""
    with db.engine.connect() as conn:
        row = conn.execute(
            select(envelopes.c.source_id, envelopes.c.status).where(envelopes.c.id == envelope_id)
        ).first()
    return None if row is None else (str(row[0]), str(row[1]))
