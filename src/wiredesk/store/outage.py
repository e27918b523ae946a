"""A database that cannot be written: an outage, told apart from an item the store refused.

Ingest blames an item for a write the database refuses (a constraint, a value too long) and
quarantines it, so the others go on. A full disk, an I/O error or a read-only database refuse
every write alike: blaming the item then quarantines a whole wire's worth of good copies, and
marks their payloads processed so that nothing retries them once space is back. So the write
path asks `unwritable_reason` first, and raises `DatabaseUnwritable` instead: the
transaction is rolled back, the payload stays "received" (or in its drop folder, or with the
pushing agency), and the next run after the outage completes it.

The driver says which it is: SQLite's result code (SQLITE_FULL, SQLITE_IOERR and its
extended codes, SQLITE_READONLY), PostgreSQL's SQLSTATE (53100 disk_full, 53200
out_of_memory, 58030 io_error, 25006 read_only_sql_transaction: a standby, or
`default_transaction_read_only`). A database that does not answer at all is another outage,
handled where it is met (`database_answers`).
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from wiredesk.errors import Outage
from wiredesk.store.database import Database

DISK_FULL = "disk full"
IO_ERROR = "disk I/O error"
READ_ONLY = "the database is read-only"
OUT_OF_MEMORY = "the database server is out of memory"

_SQLITE_PRIMARY = {13: DISK_FULL, 10: IO_ERROR, 8: READ_ONLY}  # SQLITE_FULL, _IOERR, _READONLY
_PG_SQLSTATE = {"53100": DISK_FULL, "53200": OUT_OF_MEMORY, "58030": IO_ERROR, "25006": READ_ONLY}
# What SQLite says when the code is not at hand (an error re-raised without it).
_SQLITE_WORDS = {
    "database or disk is full": DISK_FULL,
    "disk i/o error": IO_ERROR,
    "attempt to write a readonly database": READ_ONLY,
}
_ADVICE = {
    DISK_FULL: "free space on its disk",
    IO_ERROR: "check the disk (the kernel log says more)",
    READ_ONLY: "check the file's and folder's permissions, the mount, or that the server "
    "is the primary",
    OUT_OF_MEMORY: "check the database server",
}


class DatabaseUnwritable(Outage):
    """The database refuses every write for a reason of its own, not of the data."""

    def __init__(self, where: str, reason: str) -> None:
        self.where = where
        self.reason = reason
        # What `/health` and a push's answer say; the message adds what happened to the data
        # and what to do, for an operator reading the command's one line.
        self.short = f"the database at {where} cannot be written: {reason}"
        super().__init__(
            f"{self.short}; nothing was lost: what was not stored stays in its drop folder or "
            f"is fetched again, and the next run completes it; {self.advice}, then run again"
        )

    @property
    def advice(self) -> str:
        """What an operator does about it, in a few words."""
        return _ADVICE.get(self.reason, "check the database")


def unwritable_reason(error: BaseException) -> str | None:
    """Why the database refuses writes, if `error` (or what it wraps) says it is an outage of
    the database rather than a refusal of this write's data; None otherwise."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        code = getattr(current, "sqlite_errorcode", None)
        if isinstance(code, int) and (code & 0xFF) in _SQLITE_PRIMARY:
            return _SQLITE_PRIMARY[code & 0xFF]
        state = getattr(current, "sqlstate", None)
        if isinstance(state, str) and state in _PG_SQLSTATE:
            return _PG_SQLSTATE[state]
        if type(current).__module__ == "sqlite3":
            words = str(current).strip().lower()
            for phrase, reason in _SQLITE_WORDS.items():
                if words.startswith(phrase):
                    return reason
        orig = getattr(current, "orig", None)  # SQLAlchemy's wrapper: the driver's error
        current = orig if isinstance(orig, BaseException) else current.__cause__
    return None


def where(engine: Engine) -> str:
    """The database as an operator names it: SQLite's file, or PostgreSQL's host and name
    (never the password)."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    host = url.host or "localhost"
    port = f":{url.port}" if url.port else ""
    return f"{host}{port}/{url.database or ''}"


def raise_if_unwritable(db: Database, error: BaseException) -> None:
    """Raise `DatabaseUnwritable` (from `error`) when `error` is an outage of the database,
    noting it on `db` for `/health`; return, so the caller handles `error` as before, when it
    is not."""
    if isinstance(error, DatabaseUnwritable):
        db.write_outage = error.short
        raise error
    reason = unwritable_reason(error)
    if reason is not None:
        outage = DatabaseUnwritable(where(db.engine), reason)
        db.write_outage = outage.short
        raise outage from error
