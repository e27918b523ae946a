"""The job queue's tables (procrastinate's), kept in the site's own database.

Cluster mode (`wiredesk worker`, src/wiredesk/cluster/) takes its jobs from PostgreSQL with
procrastinate; its schema is applied by wiredesk's own migration path (migration 0021), so
one `wiredesk` start brings a database to everything the version needs, under the lock that
keeps two starting processes from migrating at once. SQLite has no job queue: there the one
process of `wiredesk run` does everything.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection

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
