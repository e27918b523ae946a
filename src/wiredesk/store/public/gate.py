"""The one visibility gate: what the public may see at time t.

Two rules, each written once, here:

- **visibility** (`public_from`): from when the public may see a copy — never (None) while it
  is killed, held for an editor, withheld or canceled by its agency, or while its whole story
  is taken down by the editors; otherwise from the later of its publication and the end of
  its embargo;
- **lead ranking** (`rank_key`): which copy of a story leads it — a preferred source first
  (`[site] preferred_sources`, in order), then the earliest published, then the oldest row.

From the two follows `outranked_at`: when a better-ranked copy of the same story *in the same
language* becomes public (the earliest such `public_from`; None if none ever does). Each
language is an edition of the site with lists of its own, so a story told in Hindi and in
English leads the Hindi edition with its best Hindi copy and the English one with its best
English copy; a copy is never kept off its edition by a copy another edition shows.

A copy that is public stays public until the next write about it, and every write recomputes
both values for the copies of the stories it touches (store/ledger/visibility.py), so a copy
is its story's lead exactly while `public_from <= now < outranked_at`. The columns are
indexed with each list's scope and order; the SQL below only compares them with `now`, which
is why an embargo lifts, and a story's next copy takes over from a lead that is killed or
still embargoed, at its time with no job running, and why no page's cost grows with the
archive.

The site's duplicates policy is part of the gate:
- "publish": every public copy is listed;
- "link": every public copy's page opens; lists and feeds show only each story's lead;
- "suppress": only the lead is public; the other copies' URLs redirect to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, or_

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


# --- the visibility rule -------------------------------------------------------------------


class Lifecycle(Protocol):
    """The columns of a copy that decide whether the public may see it."""

    state: str
    killed_at: datetime | None
    pub_status: str
    embargo_until: datetime | None
    published_at: datetime


def public_from(copy: Lifecycle, *, withdrawn: bool = False) -> datetime | None:
    """From when the public may see `copy`; None while nothing but a new write can change it
    (killed, held, withheld, canceled, or `withdrawn`: its story taken down by the editors)."""
    if (
        withdrawn
        or copy.killed_at is not None
        or copy.state != ItemState.PUBLISHED.value
        or copy.pub_status != PubStatus.USABLE.value
    ):
        return None
    if copy.embargo_until is not None and copy.embargo_until > copy.published_at:
        return copy.embargo_until
    return copy.published_at


# Where a copy stands, in one word, in the order the visibility rule checks it.
# "withdrawn" comes first: a story taken down by the editors hides every copy, whatever each
# copy's own state (which applies again if the story is restored).
COPY_STATES = ("published", "held", "withheld", "embargoed", "scheduled", "killed", "withdrawn")


def state_word(copy: Lifecycle, now: datetime, *, withdrawn: bool = False) -> str:
    """One word for where a copy stands at `now`, for operators (`withdrawn`: its story is
    taken down by the editors)."""
    if withdrawn:
        return "withdrawn"
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


# --- the lead-ranking rule -------------------------------------------------------------------


class Ranked(Protocol):
    """The columns of a copy that rank it within its story."""

    id: int
    source_id: str
    published_at: datetime


def rank_key(copy: Ranked, policy: DuplicatePolicy) -> tuple[int, datetime, int]:
    """Sort key of a story's copies, best lead first."""
    preferred = policy.preferred_sources
    rank = preferred.index(copy.source_id) if copy.source_id in preferred else len(preferred)
    return (rank, copy.published_at, copy.id)


class Member(Ranked, Protocol):
    public_from: datetime | None
    language: str | None


def outranked_at(members: Iterable[Member], policy: DuplicatePolicy) -> dict[int, datetime | None]:
    """Copy id -> when a better-ranked copy of the same story in the same language becomes
    public (None: never). `members` are one story's copies."""
    out: dict[int, datetime | None] = {}
    earliest: dict[str | None, datetime] = {}  # language -> earliest public_from so far
    for m in sorted(members, key=lambda m: rank_key(m, policy)):
        first = earliest.get(m.language)
        out[m.id] = first
        if m.public_from is not None and (first is None or m.public_from < first):
            earliest[m.language] = m.public_from
    return out


def best_first(copies: Iterable[Any], policy: DuplicatePolicy) -> list[Any]:
    """`copies` in lead order (each with `id`, `source_id`, `published_at`)."""
    return sorted(copies, key=lambda c: rank_key(c, policy))


# --- what queries read -----------------------------------------------------------------------

# A moment to compare with: a value, or a bound parameter of a statement built once for many.
Moment = datetime | ColumnElement[datetime]


def visible_clause(now: Moment, table: Any = items) -> ColumnElement[bool]:
    """The copy is public at `now` (whatever its story's other copies are doing)."""
    clause: ColumnElement[bool] = table.c.public_from <= now
    return clause


def lead_clause(now: Moment, table: Any = items) -> ColumnElement[bool]:
    """The copy is public at `now` and its story's best-ranked public copy."""
    t = table.c
    return and_(t.public_from <= now, or_(t.outranked_at.is_(None), t.outranked_at > now))


def public_clause(now: Moment, policy: DuplicatePolicy = DEFAULT_POLICY) -> ColumnElement[bool]:
    """May the public open this copy's page at `now`? Under "suppress", only a story's lead."""
    return lead_clause(now) if policy.mode == "suppress" else visible_clause(now)


def listed_clause(now: Moment, policy: DuplicatePolicy = DEFAULT_POLICY) -> ColumnElement[bool]:
    """Is this copy in lists and feeds at `now`? Under "link" and "suppress", only a story's
    lead; under "publish", every public copy."""
    return visible_clause(now) if policy.mode == "publish" else lead_clause(now)
