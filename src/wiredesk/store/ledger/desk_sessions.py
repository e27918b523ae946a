"""Signed-in sessions of the desk, kept server side.

A session is found by the SHA-256 of the random id its cookie carries (`id_hash`); the id
itself is never stored, so reading this table (a backup, a leaked dump) signs nobody in.
When a session has expired is the desk's decision (it reads the settings); the store keeps
the times and deletes what it is told to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, or_, select, update

from wiredesk.store.database import Database
from wiredesk.store.ledger import editorial
from wiredesk.store.ledger.accounts import ACCOUNT_COLUMNS, Account, account_of
from wiredesk.store.schema import desk_sessions, desk_users


@dataclass(frozen=True, slots=True)
class Session:
    id_hash: str
    csrf_secret: str  # hex
    created_at: datetime
    last_seen_at: datetime
    address: str | None
    user_agent: str | None
    account: Account


def start(
    db: Database,
    account: Account,
    id_hash: str,
    csrf_secret: str,
    *,
    now: datetime,
    address: str | None,
    user_agent: str | None,
    replacing: str | None = None,
) -> None:
    """A new session for `account`, audited as a sign-in. `replacing` (the hash of whatever
    session id the browser brought to the sign-in) is deleted in the same transaction: an
    id that existed before signing in never works after it (session fixation)."""
    with db.engine.begin() as conn:
        if replacing is not None:
            conn.execute(delete(desk_sessions).where(desk_sessions.c.id_hash == replacing))
        conn.execute(
            insert(desk_sessions),
            {
                "id_hash": id_hash,
                "user_id": account.id,
                "csrf_secret": csrf_secret,
                "created_at": now,
                "last_seen_at": now,
                "address": address,
                "user_agent": user_agent,
            },
        )
        editorial.audit(
            conn,
            None,
            "sign-in",
            editorial.editor(account.name),
            None,
            None,
            now,
            address=address,
            subject=editorial.person(account.name),
        )


_SESSION_COLUMNS = (
    desk_sessions.c.id_hash,
    desk_sessions.c.csrf_secret,
    desk_sessions.c.created_at,
    desk_sessions.c.last_seen_at,
    desk_sessions.c.address,
    desk_sessions.c.user_agent,
)


def _session_of(row: object) -> Session:
    m = row._mapping  # type: ignore[attr-defined]
    return Session(
        id_hash=m["id_hash"],
        csrf_secret=m["csrf_secret"],
        created_at=m["created_at"],
        last_seen_at=m["last_seen_at"],
        address=m["address"],
        user_agent=m["user_agent"],
        account=account_of(row),
    )


def find(db: Database, id_hash: str) -> Session | None:
    """The session and its person, whatever their times say."""
    with db.engine.connect() as conn:
        row = conn.execute(
            select(*_SESSION_COLUMNS, *ACCOUNT_COLUMNS)
            .select_from(desk_sessions.join(desk_users))
            .where(desk_sessions.c.id_hash == id_hash)
        ).first()
    return None if row is None else _session_of(row)


def of_account(db: Database, account_id: int) -> list[Session]:
    """A person's sessions, newest first."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(*_SESSION_COLUMNS, *ACCOUNT_COLUMNS)
            .select_from(desk_sessions.join(desk_users))
            .where(desk_sessions.c.user_id == account_id)
            .order_by(desk_sessions.c.created_at.desc())
        ).all()
    return [_session_of(r) for r in rows]


def touch(db: Database, id_hash: str, now: datetime) -> None:
    """The session was used at `now` (its idle time starts again)."""
    with db.engine.begin() as conn:
        conn.execute(
            update(desk_sessions).where(desk_sessions.c.id_hash == id_hash).values(last_seen_at=now)
        )


def forget(db: Database, id_hash: str) -> None:
    """Delete a session that has expired or whose person may no longer use it (no act of
    anyone's, so no audit entry)."""
    with db.engine.begin() as conn:
        conn.execute(delete(desk_sessions).where(desk_sessions.c.id_hash == id_hash))


def end(db: Database, session: Session, *, now: datetime, address: str | None) -> None:
    """Sign out of one session."""
    with db.engine.begin() as conn:
        conn.execute(delete(desk_sessions).where(desk_sessions.c.id_hash == session.id_hash))
        editorial.audit(
            conn,
            None,
            "sign-out",
            editorial.editor(session.account.name),
            None,
            None,
            now,
            address=address,
            subject=editorial.person(session.account.name),
        )


def end_all(db: Database, account: Account, *, now: datetime, address: str | None) -> int:
    """Sign out everywhere: every session of the person; returns how many there were."""
    with db.engine.begin() as conn:
        ended = conn.execute(
            delete(desk_sessions).where(desk_sessions.c.user_id == account.id)
        ).rowcount
        editorial.audit(
            conn,
            None,
            "sign-out-everywhere",
            editorial.editor(account.name),
            f"{ended} session(s) ended",
            None,
            now,
            address=address,
            subject=editorial.person(account.name),
        )
    return int(ended)


def prune(db: Database, *, idle_since: datetime, started_since: datetime) -> int:
    """Delete every session last used before `idle_since` or started before `started_since`
    (expired whoever asks); returns how many."""
    with db.engine.begin() as conn:
        gone = conn.execute(
            delete(desk_sessions).where(
                or_(
                    desk_sessions.c.last_seen_at < idle_since,
                    desk_sessions.c.created_at < started_since,
                )
            )
        ).rowcount
    return int(gone)
