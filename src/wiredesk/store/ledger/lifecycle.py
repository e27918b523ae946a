"""The lifecycle rules, as pure functions the store applies when a version arrives.

Decide first, then write: `newer` orders two versions the way the agency meant them, and
`derive` turns the newest version into the columns the visibility gate reads. Keeping the rules
here, apart from SQL, lets the property test's reference model be checked against the same
words as the design's lifecycle table.

The rules, in short:
- the newest version wins — by the agency's version number when both versions have one, else by
  the agency's time, else by order of arrival;
- what the newest version says decides: usable (shown), withheld (hidden until a later usable
  version), canceled or a kill signal (killed: gone everywhere, its URL answers 410);
- so an older version arriving late never revives a killed story, and a newer one — the agency
  re-issuing it — does;
- an editor's kill is final: no agency version undoes it;
- an embargo hides the story until its time, then it appears with no further input (the gate
  compares with the clock at query time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from wiredesk.model import PubStatus, Signal


@dataclass(frozen=True, slots=True)
class VersionOrder:
    """What is known about a version's place in the agency's sequence."""

    source_version: int | None
    time: datetime | None  # the agency's version time (updated, else published)
    arrival: int  # our arrival sequence number: the last resort


def newer(a: VersionOrder, b: VersionOrder) -> bool:
    """Is `a` newer than `b` in the agency's sequence?"""
    va, vb = a.source_version, b.source_version
    if va is not None and vb is not None and va != vb:
        return va > vb
    if a.time is not None and b.time is not None and a.time != b.time:
        return a.time > b.time
    return a.arrival > b.arrival


def is_kill(pub_status: str, signals: list[str] | tuple[str, ...]) -> bool:
    return pub_status == PubStatus.CANCELED.value or Signal.KILL.value in signals


@dataclass(frozen=True, slots=True)
class Derived:
    """The item columns the gate reads, derived from the current version."""

    pub_status: str  # usable / withheld / canceled
    embargo_until: datetime | None
    killed: bool


def derive(pub_status: str, signals: list[str], embargo_until: datetime | None) -> Derived:
    killed = is_kill(pub_status, signals)
    status = PubStatus.CANCELED.value if killed else pub_status
    return Derived(pub_status=status, embargo_until=embargo_until, killed=killed)
