"""What the poller remembers about each source between polls: validators, times, failures.

Read back by the poller itself (conditional GET, backoff) and by the operator's views
(`wiredesk sources`, `/health`) through `store.public.status`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from wiredesk.store.bulk import on_conflict_do_nothing
from wiredesk.store.database import Database
from wiredesk.store.public.views import SourceState
from wiredesk.store.schema import source_state


def get(db: Database, source_id: str) -> SourceState | None:
    with db.engine.connect() as conn:
        row = conn.execute(
            select(source_state).where(source_state.c.source_id == source_id)
        ).first()
    return SourceState(**row._mapping) if row else None


def update_state(db: Database, source_id: str, **values: Any) -> None:
    """Set the given columns, creating the source's row on its first poll.

    Two processes polling a source for the first time at once (two ingesters started
    together) both find no row: the insert skips a row the other made meanwhile, and the
    update then sets this process's values on it.
    """
    change = update(source_state).where(source_state.c.source_id == source_id).values(**values)
    with db.engine.begin() as conn:
        if conn.execute(change).rowcount:
            return
        made = conn.execute(
            on_conflict_do_nothing(conn, source_state).values(
                {"consecutive_failures": 0, **values, "source_id": source_id}
            )
        ).rowcount
        if not made:
            conn.execute(change)
