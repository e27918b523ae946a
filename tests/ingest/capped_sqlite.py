"""A real SQLite file that is full: every connection this process opens gets
`PRAGMA max_page_count`, so a write that needs one page more fails with SQLITE_FULL
("database or disk is full") exactly as on a full disk — no mock of the store anywhere.

Used in-process (`capped`) and as a script that runs the `wiredesk` command under a cap:
`python capped_sqlite.py <pages> <wiredesk arguments...>`.
"""

from __future__ import annotations

import contextlib
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.pool import Pool


def page_count(path: Path) -> int:
    """Pages the database file holds now (its log copied back first)."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return int(conn.execute("PRAGMA page_count").fetchone()[0])
    finally:
        conn.close()


@contextlib.contextmanager
def capped(pages: int) -> Iterator[None]:
    """Every SQLite connection opened in the block may hold at most `pages` pages. Dispose
    of engines opened inside it afterwards: their pooled connections keep the cap."""

    def cap(dbapi_conn: Any, _record: Any) -> None:
        if isinstance(dbapi_conn, sqlite3.Connection):
            dbapi_conn.execute(f"PRAGMA max_page_count={pages}")

    event.listen(Pool, "connect", cap)
    try:
        yield
    finally:
        event.remove(Pool, "connect", cap)


if __name__ == "__main__":
    from wiredesk.cli.main import main

    with capped(int(sys.argv[1])):
        sys.argv = ["wiredesk", *sys.argv[2:]]
        main()
