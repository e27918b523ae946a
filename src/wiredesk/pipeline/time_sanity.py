"""Stage 7: forget a source's times that cannot be true.

A version dated 9999 would otherwise sort as the newest forever, hiding every real update,
and a time at the edge of the calendar cannot even be shown in some time zones. So publish,
update and hop times later than the payload's arrival (beyond a day's clock skew) or before
the year 1000 are dropped; the story is then dated by its arrival, and the raw payload keeps
what was sent. Embargo times are left alone: a distant embargo is the agency's word, not a
clock error.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from wiredesk.model import Item
from wiredesk.pipeline.context import StageContext
from wiredesk.pipeline.evolve import evolve

# A source time later than this after arrival is a clock error, not news from the future.
FUTURE_TOLERANCE = timedelta(days=1)
EARLIEST_SOURCE_TIME = datetime(1000, 1, 1, tzinfo=UTC)


def _believable(when: datetime | None, latest: datetime) -> datetime | None:
    if when is None or when.tzinfo is None:  # naive: the store refuses it, by name
        return when
    if EARLIEST_SOURCE_TIME <= when <= latest:
        return when
    return None


def forget_unbelievable_times(item: Item, ctx: StageContext) -> Item:
    """The item without source times after arrival + `FUTURE_TOLERANCE` or before the year
    1000; unchanged when the context has no arrival time (`ctx.received_at` is None)."""
    if ctx.received_at is None:
        return item
    latest = ctx.received_at + FUTURE_TOLERANCE
    published_at = _believable(item.published_at, latest)
    updated_at = _believable(item.updated_at, latest)
    provenance = item.provenance
    for hop in provenance:
        if _believable(hop.time, latest) is not hop.time:
            provenance = [
                hop if _believable(hop.time, latest) is hop.time else replace(hop, time=None)
                for hop in item.provenance
            ]
            break
    if (
        published_at is item.published_at
        and updated_at is item.updated_at
        and provenance is item.provenance
    ):
        return item
    return evolve(item, published_at=published_at, updated_at=updated_at, provenance=provenance)
