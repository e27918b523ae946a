"""The desk's people: who they are, their role, their password's hash, whether they may sign in.

The store keeps what it is given: names are checked, folded and hashed by the desk
(`wiredesk.desk.accounts`), which reads the settings; the store does not. Every change is
one transaction with its audit entry, and whatever ends a person's right to their open
sessions (a new password, a disable) deletes those sessions in the same transaction: there
is no moment at which the change is stored and an old session still works.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from wiredesk.errors import WiredeskError
from wiredesk.store.database import Database
from wiredesk.store.ledger import editorial
from wiredesk.store.schema import desk_sessions, desk_users


class AccountExists(WiredeskError):
    """A name that is already taken (disabled people keep theirs)."""


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    name: str
    role: str  # viewer, editor or admin
    disabled: bool
    created_at: datetime
    changed_at: datetime


ACCOUNT_COLUMNS = (
    desk_users.c.id,
    desk_users.c.name,
    desk_users.c.role,
    desk_users.c.disabled,
    desk_users.c.created_at,
    desk_users.c.changed_at,
)


def account_of(row: object) -> Account:
    """An `Account` from a row holding `ACCOUNT_COLUMNS` (also read by `desk_sessions`)."""
    m = row._mapping  # type: ignore[attr-defined]
    return Account(
        id=m["id"],
        name=m["name"],
        role=m["role"],
        disabled=bool(m["disabled"]),
        created_at=m["created_at"],
        changed_at=m["changed_at"],
    )


def add(
    db: Database,
    name: str,
    role: str,
    password_hash: str,
    *,
    actor: str,
    now: datetime,
    address: str | None = None,
) -> Account:
    """A new person; `AccountExists` if the name is taken."""
    try:
        with db.engine.begin() as conn:
            new_id = conn.execute(
                insert(desk_users).returning(desk_users.c.id),
                {
                    "name": name,
                    "role": role,
                    "password_hash": password_hash,
                    "disabled": False,
                    "created_at": now,
                    "changed_at": now,
                },
            ).scalar_one()
            editorial.audit(
                conn,
                None,
                "user-add",
                actor,
                f"role {role}",
                None,
                now,
                address=address,
                subject=editorial.person(name),
            )
    except IntegrityError:
        raise AccountExists(f"there is already a user named {name!r}") from None
    return Account(int(new_id), name, role, False, now, now)


def find(db: Database, name: str) -> Account | None:
    with db.engine.connect() as conn:
        row = conn.execute(select(*ACCOUNT_COLUMNS).where(desk_users.c.name == name)).first()
    return None if row is None else account_of(row)


def credentials(db: Database, name: str) -> tuple[Account, str] | None:
    """The person named and their password's hash, for signing in."""
    with db.engine.connect() as conn:
        row = conn.execute(
            select(*ACCOUNT_COLUMNS, desk_users.c.password_hash).where(desk_users.c.name == name)
        ).first()
    return None if row is None else (account_of(row), row.password_hash)


def everyone(db: Database) -> list[Account]:
    """Every person, by name."""
    with db.engine.connect() as conn:
        rows = conn.execute(select(*ACCOUNT_COLUMNS).order_by(desk_users.c.name)).all()
    return [account_of(r) for r in rows]


def set_password(
    db: Database,
    account: Account,
    password_hash: str,
    *,
    actor: str,
    now: datetime,
    address: str | None = None,
) -> None:
    """A new password: every session of the person ends with the old one."""
    with db.engine.begin() as conn:
        conn.execute(
            update(desk_users)
            .where(desk_users.c.id == account.id)
            .values(password_hash=password_hash, changed_at=now)
        )
        _end_sessions(conn, account.id)
        editorial.audit(
            conn,
            None,
            "user-password",
            actor,
            None,
            None,
            now,
            address=address,
            subject=editorial.person(account.name),
        )


def rehash(db: Database, account_id: int, old_hash: str, new_hash: str) -> bool:
    """The same password hashed with the current parameters (at a sign-in); only if the hash
    is still `old_hash`, so a password changed meanwhile is never overwritten. Not an act of
    anyone's: no audit entry, sessions kept."""
    with db.engine.begin() as conn:
        done = conn.execute(
            update(desk_users)
            .where(desk_users.c.id == account_id, desk_users.c.password_hash == old_hash)
            .values(password_hash=new_hash)
        ).rowcount
    return bool(done)


def set_disabled(
    db: Database,
    account: Account,
    disabled: bool,
    *,
    actor: str,
    now: datetime,
    address: str | None = None,
) -> bool:
    """Disable (ending every session at once) or enable a person; False if they already were."""
    with db.engine.begin() as conn:
        done = conn.execute(
            update(desk_users)
            .where(desk_users.c.id == account.id, desk_users.c.disabled == (not disabled))
            .values(disabled=disabled, changed_at=now)
        ).rowcount
        if not done:
            return False
        if disabled:
            _end_sessions(conn, account.id)
        editorial.audit(
            conn,
            None,
            "user-disable" if disabled else "user-enable",
            actor,
            None,
            None,
            now,
            address=address,
            subject=editorial.person(account.name),
        )
    return True


def _end_sessions(conn: Connection, account_id: int) -> None:
    conn.execute(delete(desk_sessions).where(desk_sessions.c.user_id == account_id))
