"""What the poller remembers about each source between polls: validators, times, failures.

Read back by the poller itself (conditional GET, backoff) and by the operator's views
(`wiredesk sources`, `/health`) through `store.public.status`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update

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
    """Set the given columns, creating the source's row on its first poll."""
    with db.engine.begin() as conn:
        done = conn.execute(
            update(source_state).where(source_state.c.source_id == source_id).values(**values)
        ).rowcount
        if not done:
            conn.execute(
                insert(source_state).values(
                    {"consecutive_failures": 0, **values, "source_id": source_id}
                )
            )
