"""Sign-in attempts, counted to throttle guessing: per account and per address.

Every attempt at the desk's sign-in is a row: `failed` (a wrong name or password), `ok`,
`refused` (asked while locked: not counted, so a lockout ends on time however often it is
tried), `disabled` (the right password for a disabled account: not counted) and `unlock`
(an operator lifting a lockout). An account's failures count from its last `ok` or
`unlock`; an address's from its last `unlock`, never from a success, so someone with an
account of their own cannot reset their address by signing in between guesses. The limits
and the window are the desk's (settings); the store only counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, func, insert, or_, select

from wiredesk.store.database import Database
from wiredesk.store.schema import desk_signins

OUTCOMES = ("failed", "ok", "refused", "disabled", "unlock")
# `address` of an account's unlock row, and `name` of an address's: matches no real one
NOBODY = ""


@dataclass(frozen=True, slots=True)
class Failures:
    """The newest failures within the window, newest first, at most as many as asked for."""

    account: tuple[datetime, ...]
    address: tuple[datetime, ...]


def record(db: Database, *, name: str, address: str, outcome: str, now: datetime) -> None:
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown sign-in outcome {outcome!r}")
    with db.engine.begin() as conn:
        conn.execute(
            insert(desk_signins),
            {"at": now, "name": name[:64], "address": address[:64], "outcome": outcome},
        )


def failures(
    db: Database,
    *,
    name: str,
    address: str,
    since: datetime,
    account_limit: int,
    address_limit: int,
) -> Failures:
    """Failures after `since` (a window's start: a failure exactly that old has left it) for
    the account `name` (after its last success or unlock) and from `address` (after its last
    unlock), each list cut at its limit."""
    name, address = name[:64], address[:64]
    account_reset = (
        select(func.max(desk_signins.c.at))
        .where(desk_signins.c.name == name, desk_signins.c.outcome.in_(("ok", "unlock")))
        .scalar_subquery()
    )
    address_reset = (
        select(func.max(desk_signins.c.at))
        .where(desk_signins.c.address == address, desk_signins.c.outcome == "unlock")
        .scalar_subquery()
    )

    def newest(q: Select[Any], reset: ColumnElement[Any], limit: int) -> Select[Any]:
        return (
            q.where(
                desk_signins.c.outcome == "failed",
                desk_signins.c.at > since,
                or_(reset.is_(None), desk_signins.c.at > reset),
            )
            .order_by(desk_signins.c.at.desc())
            .limit(limit)
        )

    with db.engine.connect() as conn:
        by_account = conn.execute(
            newest(
                select(desk_signins.c.at).where(desk_signins.c.name == name),
                account_reset,
                account_limit,
            )
        ).all()
        account = tuple(r[0] for r in by_account)
        by_address = conn.execute(
            newest(
                select(desk_signins.c.at).where(desk_signins.c.address == address),
                address_reset,
                address_limit,
            )
        ).all()
        return Failures(account, tuple(r[0] for r in by_address))


def unlock(
    db: Database, *, name: str | None = None, address: str | None = None, now: datetime
) -> None:
    """Lift a lockout: the failures before now no longer count for the account `name` or
    the address `address`."""
    if name is None and address is None:
        raise ValueError("unlock needs a name or an address")
    record(db, name=name or NOBODY, address=address or NOBODY, outcome="unlock", now=now)


def prune(db: Database, before: datetime) -> int:
    """Forget attempts older than `before` (longer ago than any window looks)."""
    with db.engine.begin() as conn:
        return int(conn.execute(delete(desk_signins).where(desk_signins.c.at < before)).rowcount)
