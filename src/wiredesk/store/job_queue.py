"""The job queue's tables (procrastinate's), kept in the site's own database.

Cluster mode (`wiredesk worker`, src/wiredesk/cluster/) takes its jobs from PostgreSQL with
procrastinate; its schema is applied by wiredesk's own migration path (migration 0021), so
one `wiredesk` start brings a database to everything the version needs, under the lock that
keeps two starting processes from migrating at once. SQLite has no job queue: there the one
process of `wiredesk run` does everything.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import Connection, text

from wiredesk.model import EnvelopeStatus
from wiredesk.store.database import Database

log = logging.getLogger(__name__)

# The table whose presence says the queue's schema is applied.
JOBS_TABLE = "procrastinate_jobs"
# Every object the queue's schema makes starts with this (tables, types, functions): the
# comparison of the migrated database with wiredesk's metadata leaves them out.
PREFIX = "procrastinate_"


def present(conn: Connection) -> bool:
    """Whether the queue's schema is in the database `conn` reads (its search path)."""
    if conn.dialect.name != "postgresql":
        return False
    return conn.exec_driver_sql(f"SELECT to_regclass('{JOBS_TABLE}')").scalar() is not None


def apply(conn: Connection) -> bool:
    """Apply procrastinate's schema in `conn`'s transaction unless it is there (PostgreSQL
    only). Returns whether it was applied; False also when procrastinate is not installed,
    which `wiredesk worker` then says at its start."""
    if conn.dialect.name != "postgresql" or present(conn):
        return False
    try:
        from procrastinate.schema import SchemaManager
    except ImportError:
        log.info("procrastinate is not installed: the job queue's schema is left for later")
        return False
    # the raw driver cursor: the schema is many statements, with `%` in some of them
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(SchemaManager.get_schema())
    finally:
        cursor.close()
    return True


# --- what the dispatcher asks ------------------------------------------------------------

_WAITING_OR_RUNNING = (
    "FROM procrastinate_jobs WHERE task_name = :task AND status IN ('todo', 'doing')"
)
_ACTIVE = f"SELECT args->>:key {_WAITING_OR_RUNNING}"


def active(db: Database, task: str, key: str) -> set[str]:
    """The values of argument `key` of the jobs of `task` waiting or running."""
    with db.engine.connect() as conn:
        return {str(v) for (v,) in conn.execute(text(_ACTIVE), {"key": key, "task": task})}


def any_active(db: Database, task: str) -> bool:
    """Whether a job of `task` is waiting or running."""
    with db.engine.connect() as conn:
        query = text(f"SELECT 1 {_WAITING_OR_RUNNING} LIMIT 1")
        return conn.execute(query, {"task": task}).first() is not None


def unqueued_payloads(
    db: Database, task: str, received_before: datetime, source_ids: list[str]
) -> list[tuple[int, str]]:
    """(id, source id) of the payloads of `source_ids` stored before `received_before` and
    still unprocessed ("received") that no job of `task` waits for or runs: a worker died
    between storing and processing them (a poll killed mid-way), or a push was stored while
    the queue could not take its job. Oldest first, at most a thousand at a time. A source no
    longer in the settings is left out: `wiredesk reprocess` after adding it back."""
    query = text(
        "SELECT e.id, e.source_id FROM envelopes AS e"
        " WHERE e.status = :received AND e.received_at < :before"
        " AND e.source_id = ANY(:sources)"
        " AND NOT EXISTS (SELECT 1 FROM procrastinate_jobs AS j WHERE j.task_name = :task"
        " AND j.status IN ('todo', 'doing') AND j.args->>'envelope_id' = e.id::text)"
        " ORDER BY e.id LIMIT 1000"
    )
    params = {
        "received": EnvelopeStatus.RECEIVED.value,
        "before": received_before,
        "task": task,
        "sources": source_ids,
    }
    with db.engine.connect() as conn:
        return [(int(i), str(source)) for i, source in conn.execute(query, params)]


# --- one holder at a time, across processes ----------------------------------------------

# The first key of the two-key advisory locks on envelopes (the second is the envelope's id):
# "WD" in ASCII, apart from the one-key locks (sources, migrations) by PostgreSQL's rules.
ENVELOPE_LOCK_CLASS = 0x5744


def source_key(source_id: str) -> int:
    """The advisory lock key of a source: the first eight bytes of sha256 of its id."""
    digest = hashlib.sha256(f"wiredesk source {source_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextlib.contextmanager
def holding_envelope(db: Database, envelope_id: int) -> Iterator[None]:
    """Hold the envelope's advisory lock (waiting for it) on a connection of its own for the
    `with` block: two runs of one payload's job never overlap, whatever the queue believes.
    A process that dies lets go of it with its connection."""
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        args = {"c": ENVELOPE_LOCK_CLASS, "e": envelope_id}
        conn.execute(text("SELECT pg_advisory_lock(:c, :e)"), args)
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:c, :e)"), args)


@contextlib.contextmanager
def holding_source(db: Database, source_id: str) -> Iterator[bool]:
    """Try the source's advisory lock on a connection of its own for the `with` block; yields
    whether it was had (False: another process polls the source now)."""
    with db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        key = {"k": source_key(source_id)}
        got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), key).scalar())
        try:
            yield got
        finally:
            if got:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), key)
