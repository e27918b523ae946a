"""The one visibility gate: what the public may see at time t.

Every public channel (pages, feeds, and anything added later) reads through `public_clause`
(a story page) or `listed_clause` (lists and feeds). No channel filters on its own, so a rule
added here takes effect everywhere at once.

The clause compares with `now` at query time, which is what makes an embargo lift by itself:
no job has to run at the embargo's end. The same holds for stories told by several wires: the
lead is the best-ranked member that is public at `now` (preferred source first, then the
earliest), so when the lead is killed, withheld or still embargoed the next member takes its
place with no job either.

The site's duplicates policy is part of the gate:
- "publish": every copy is public and listed;
- "link": every copy is public (its URL works), lists and feeds show only the lead;
- "suppress": only the lead is public; the other copies' URLs redirect to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, literal, not_, or_, select

from wiredesk.model import ItemState, PubStatus
from wiredesk.store.schema import items

DUPLICATE_MODES = ("link", "suppress", "publish")


@dataclass(frozen=True, slots=True)
class DuplicatePolicy:
    """`[site] duplicates` and `[site] preferred_sources`, as the gate needs them."""

    mode: str = "link"
    preferred_sources: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.mode not in DUPLICATE_MODES:
            raise ValueError(f"duplicates must be one of {', '.join(DUPLICATE_MODES)}")


DEFAULT_POLICY = DuplicatePolicy()


def usable_clause(now: datetime, table: Any = items) -> ColumnElement[bool]:
    """Published by us, usable by the agency, not killed, embargo over, not in the future."""
    t = table.c
    return and_(
        t.state == ItemState.PUBLISHED.value,
        t.killed_at.is_(None),
        t.pub_status == PubStatus.USABLE.value,
        or_(t.embargo_until.is_(None), t.embargo_until <= now),
        t.published_at <= now,
    )


# Where a copy stands, in one word, in the order the gate checks it (`state_word`).
COPY_STATES = ("published", "held", "withheld", "embargoed", "scheduled", "killed")


def state_word(copy: Any, now: datetime) -> str:
    """One word for where a copy stands at `now`, checked in the order `usable_clause`
    checks it; `copy` has the `items` columns the clause reads."""
    if copy.killed_at is not None:
        return "killed"
    if copy.state != ItemState.PUBLISHED.value:
        return str(copy.state)
    if copy.pub_status != PubStatus.USABLE.value:
        return str(copy.pub_status)
    if copy.embargo_until is not None and copy.embargo_until > now:
        return "embargoed"
    if copy.published_at > now:
        return "scheduled"
    return "published"


def public_clause(now: datetime, policy: DuplicatePolicy = DEFAULT_POLICY) -> ColumnElement[bool]:
    """May the public open this story's page at `now`? Under "suppress", only a story's lead."""
    if policy.mode == "suppress":
        return and_(usable_clause(now), not_(outranked(now, policy)))
    return usable_clause(now)


def listed_clause(now: datetime, policy: DuplicatePolicy = DEFAULT_POLICY) -> ColumnElement[bool]:
    """Does this story appear in lists and feeds at `now`? Under "link" and "suppress", only
    a story's lead does; under "publish", every public copy."""
    if policy.mode == "publish":
        return usable_clause(now)
    return and_(usable_clause(now), not_(outranked(now, policy)))


def preference_rank(policy: DuplicatePolicy, table: Any = items) -> ColumnElement[Any]:
    """0 for the first preferred source, 1 for the next, ...; the rest after them all."""
    if not policy.preferred_sources:
        return literal(0)
    ranks = {sid: i for i, sid in enumerate(policy.preferred_sources)}
    return case(ranks, value=table.c.source_id, else_=len(ranks))


def ranks_before(a: Any, b: Any, policy: DuplicatePolicy) -> ColumnElement[bool]:
    """Is item `a` a better lead than item `b`: preferred source, then earlier, then older id."""
    pa, pb = preference_rank(policy, a), preference_rank(policy, b)
    earlier = or_(
        a.c.published_at < b.c.published_at,
        and_(a.c.published_at == b.c.published_at, a.c.id < b.c.id),
    )
    if not policy.preferred_sources:
        return earlier
    return or_(pa < pb, and_(pa == pb, earlier))


def outranked(now: datetime, policy: DuplicatePolicy) -> ColumnElement[bool]:
    """Another member of this item's story is public at `now` and ranks before it."""
    other = items.alias("story_member")
    return exists(
        select(literal(1)).where(
            other.c.story_id == items.c.story_id,
            other.c.id != items.c.id,
            usable_clause(now, other),
            ranks_before(other, items, policy),
        )
    )


__all__ = [
    "COPY_STATES",
    "DEFAULT_POLICY",
    "DUPLICATE_MODES",
    "DuplicatePolicy",
    "listed_clause",
    "outranked",
    "preference_rank",
    "public_clause",
    "ranks_before",
    "state_word",
    "usable_clause",
]
