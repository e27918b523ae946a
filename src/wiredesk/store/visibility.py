"""The one visibility gate: what the public may see at time t.

Every public channel (pages, feeds, and anything added later) reads through `public_clause`.
No channel filters on its own, so a rule added here takes effect everywhere at once.

The clause compares with `now` at query time, which is what makes an embargo lift by itself:
no job has to run at the embargo's end.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_

from wiredesk.model import ItemState, PubStatus
from wiredesk.store.schema import items


def public_clause(now: datetime) -> ColumnElement[bool]:
    """Published by us, usable by the agency, not killed, embargo over, not in the future."""
    return and_(
        items.c.state == ItemState.PUBLISHED.value,
        items.c.killed_at.is_(None),
        items.c.pub_status == PubStatus.USABLE.value,
        or_(items.c.embargo_until.is_(None), items.c.embargo_until <= now),
        items.c.published_at <= now,
    )
