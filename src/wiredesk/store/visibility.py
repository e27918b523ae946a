"""The one visibility gate: what the public may see at time t.

Every public channel (pages, feeds, and anything added later) reads through `public_clause`.
No channel filters on its own, so a rule added here (kills, embargoes, holds) takes effect
everywhere at once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_

from wiredesk.model import ItemState
from wiredesk.store.schema import items


def public_clause(now: datetime) -> ColumnElement[bool]:
    """Published, and not in the future. `now` is aware UTC."""
    return and_(items.c.state == ItemState.PUBLISHED.value, items.c.published_at <= now)
