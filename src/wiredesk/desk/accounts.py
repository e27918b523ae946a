"""The desk's accounts as one service: people, sign-in with its throttle, sessions.

The command line (`wiredesk user ...`) and the desk's pages both go through `Accounts`, so a
name is checked, a password judged and hashed, and a lockout counted the same way whichever
door is used. Its methods block (the database, argon2): the pages call them in a worker
thread.

Sign-in throttling (docs/desk.md, "Lockout"): within `[desk] lockout_window` (15 minutes),
`lockout_account_failures` (5) failures for one account name, or `lockout_address_failures`
(20) from one address, and sign-in is refused for that account or address until the oldest
of those failures is older than the window. A refused attempt is not checked and not
counted, so a lockout ends on time however often it is tried; a success clears its
account's count (not its address's); `wiredesk user unlock` lifts either at once. The first
refusal of a lockout is logged (WARNING) and audited.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeGuard

from wiredesk.config import DeskSettings
from wiredesk.desk.passwords import Hasher, check_password
from wiredesk.desk.roles import ROLE_NAMES, Role, parse_role
from wiredesk.errors import WiredeskError
from wiredesk.model import utcnow
from wiredesk.store.database import Database
from wiredesk.store.ledger import accounts, desk_sessions, editorial, signins
from wiredesk.store.ledger.accounts import Account
from wiredesk.store.ledger.desk_sessions import Session

log = logging.getLogger(__name__)

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
# A session id: 32 random bytes, base64url without padding (43 characters).
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
# Attempts older than this are deleted (no window looks further back).
KEEP_SIGNINS = timedelta(days=1)


class AccountError(WiredeskError):
    """A request about the desk's people that cannot be done, with what to do instead."""


def fold_name(typed: str) -> str:
    """A name as stored: lowercase, no surrounding spaces (people type "Asha " at sign-in)."""
    return typed.strip().lower()


def check_name(name: str) -> None:
    if not NAME_RE.match(name):
        raise AccountError(
            f"{name!r} is not a valid user name; use 1-64 lowercase letters, digits, "
            "'.', '-' or '_', starting with a letter or digit (e.g. asha.verma)"
        )


def new_token() -> str:
    """A new session id: 256 random bits."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).rstrip(b"=").decode("ascii")


def token_hash(token: str) -> str:
    """What the store keeps of a session id (its SHA-256): never the id itself."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def well_formed(token: str | None) -> TypeGuard[str]:
    return token is not None and _TOKEN_RE.match(token) is not None


def _taken(name: str) -> str:
    return (
        f"there is already a user named {name!r}; pick another name, or give that user a "
        f"new password with `wiredesk user passwd {name}`"
    )


class Refusal(enum.Enum):
    WRONG = "wrong"  # unknown name or wrong password: the same answer for both
    DISABLED = "disabled"  # the right password for a disabled account
    LOCKED_ACCOUNT = "locked-account"
    LOCKED_ADDRESS = "locked-address"


@dataclass(frozen=True, slots=True)
class SignedIn:
    token: str  # the new session id, for the cookie
    account: Account
    csrf_secret: str


@dataclass(frozen=True, slots=True)
class Refused:
    why: Refusal
    until: datetime | None = None  # when a lockout ends


@dataclass(frozen=True, slots=True)
class Visit:
    """A session id looked up: the live session, or None with whether it had just expired."""

    session: Session | None
    expired: bool = False


@dataclass(frozen=True, slots=True)
class Person:
    """A person as `wiredesk user list` and the users page show them."""

    account: Account
    locked_until: datetime | None
    sessions: int


class Accounts:
    """The desk's people and sessions over `db`, with the `[desk]` settings."""

    def __init__(
        self,
        db: Database,
        desk: DeskSettings,
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.db = db
        self.settings = desk
        self.clock = clock
        self.hasher = Hasher(desk)
        self.idle = timedelta(seconds=desk.session_idle_timeout)
        self.max_age = timedelta(seconds=desk.session_max_age)
        self.window = timedelta(seconds=desk.lockout_window)
        # last_seen_at is written at most this often: a page view is not a write each time
        self.touch_every = min(timedelta(seconds=60), self.idle / 30)

    # -- people --------------------------------------------------------------------------

    def add(
        self, name: str, role: str, password: str, *, actor: str, address: str | None = None
    ) -> Account:
        name, chosen = self.check_new(name, role)
        check_password(name, password)
        try:
            return accounts.add(
                self.db,
                name,
                chosen.value,
                self.hasher.hash(password),
                actor=actor,
                now=self.clock(),
                address=address,
            )
        except accounts.AccountExists:  # added by someone else since `check_new`
            raise AccountError(_taken(name)) from None

    def check_new(self, name: str, role: str) -> tuple[str, Role]:
        """The name as stored and the role, if a user may be added with them."""
        name = fold_name(name)
        check_name(name)
        chosen = parse_role(role)
        if chosen is None:
            raise AccountError(f"{role!r} is not a role; use one of {', '.join(ROLE_NAMES)}")
        if accounts.find(self.db, name) is not None:
            raise AccountError(_taken(name))
        return name, chosen

    def find(self, name: str) -> Account:
        found = accounts.find(self.db, fold_name(name))
        if found is None:
            raise AccountError(
                f"no user named {fold_name(name)!r}; `wiredesk user list` shows who there is"
            )
        return found

    def set_password(
        self, name: str, password: str, *, actor: str, address: str | None = None
    ) -> Account:
        """A new password; every session of the person ends."""
        account = self.find(name)
        check_password(account.name, password)
        accounts.set_password(
            self.db,
            account,
            self.hasher.hash(password),
            actor=actor,
            now=self.clock(),
            address=address,
        )
        return account

    def set_disabled(
        self, name: str, disabled: bool, *, actor: str, address: str | None = None
    ) -> bool:
        """Disable (every session ends at once) or enable; False if already so."""
        account = self.find(name)
        return accounts.set_disabled(
            self.db, account, disabled, actor=actor, now=self.clock(), address=address
        )

    def unlock(self, *, name: str | None = None, address: str | None = None, actor: str) -> None:
        """Lift a lockout of an account (by name, which need not exist: guesses lock unknown
        names too) or of an address."""
        now = self.clock()
        folded = fold_name(name) if name is not None else None
        signins.unlock(self.db, name=folded, address=address, now=now)
        with self.db.engine.begin() as conn:
            editorial.audit(
                conn,
                None,
                "sign-in-unlock",
                actor,
                None,
                None,
                now,
                subject=editorial.person(folded) if folded else f"address {address}",
            )

    def people(self) -> list[Person]:
        now = self.clock()
        out = []
        for account in accounts.everyone(self.db):
            failures = self._failures(account.name, "", now)
            out.append(
                Person(
                    account,
                    self._lock_end(failures.account, self.settings.lockout_account_failures),
                    len(self.live_sessions(account)),
                )
            )
        return out

    # -- signing in ----------------------------------------------------------------------

    def sign_in(
        self,
        typed_name: str,
        password: str,
        *,
        address: str,
        user_agent: str | None,
        replacing: str | None,
    ) -> SignedIn | Refused:
        """Check a sign-in against the throttle and the password; a new session if right.

        `replacing` is the session id the browser already had, if any: it is ended, and the
        new session gets a new id whatever happens (no fixation).
        """
        now = self.clock()
        name = fold_name(typed_name)[:64]
        failures = self._failures(name, address, now)
        account_end = self._lock_end(failures.account, self.settings.lockout_account_failures)
        address_end = self._lock_end(failures.address, self.settings.lockout_address_failures)
        if account_end is not None or address_end is not None:
            signins.record(self.db, name=name, address=address, outcome="refused", now=now)
            if account_end is not None:
                return Refused(Refusal.LOCKED_ACCOUNT, account_end)
            return Refused(Refusal.LOCKED_ADDRESS, address_end)

        found = accounts.credentials(self.db, name) if NAME_RE.match(name) else None
        if found is None:
            self.hasher.verify_nobody(password)
            return self._wrong(name, address, failures, now)
        account, stored = found
        if not self.hasher.verify(stored, password):
            return self._wrong(name, address, failures, now)
        if account.disabled:
            signins.record(self.db, name=name, address=address, outcome="disabled", now=now)
            return Refused(Refusal.DISABLED)
        if self.hasher.needs_rehash(stored):
            accounts.rehash(self.db, account.id, stored, self.hasher.hash(password))
        token, csrf = new_token(), secrets.token_hex(32)
        desk_sessions.start(
            self.db,
            account,
            token_hash(token),
            csrf,
            now=now,
            address=address,
            user_agent=(user_agent or "")[:300] or None,
            replacing=token_hash(replacing) if well_formed(replacing) else None,
        )
        signins.record(self.db, name=name, address=address, outcome="ok", now=now)
        signins.prune(self.db, now - max(KEEP_SIGNINS, self.window))
        desk_sessions.prune(self.db, idle_since=now - self.idle, started_since=now - self.max_age)
        return SignedIn(token, account, csrf)

    def _wrong(self, name: str, address: str, before: signins.Failures, now: datetime) -> Refused:
        signins.record(self.db, name=name, address=address, outcome="failed", now=now)
        self._note_lockout(name, address, before, now)
        return Refused(Refusal.WRONG)

    def _failures(self, name: str, address: str, now: datetime) -> signins.Failures:
        return signins.failures(
            self.db,
            name=name,
            address=address,
            since=now - self.window,
            account_limit=self.settings.lockout_account_failures,
            address_limit=self.settings.lockout_address_failures,
        )

    def _lock_end(self, failures: tuple[datetime, ...], limit: int) -> datetime | None:
        """When a lockout by these failures (newest first) ends, or None if there is none:
        once the oldest of the last `limit` failures leaves the window."""
        if len(failures) < limit:
            return None
        return failures[limit - 1] + self.window

    def _note_lockout(
        self, name: str, address: str, before: signins.Failures, now: datetime
    ) -> None:
        """Log and audit a failure that has just locked an account or an address."""
        locked = []
        if len(before.account) + 1 == self.settings.lockout_account_failures:
            locked.append(f"account {name!r}")
        if len(before.address) + 1 == self.settings.lockout_address_failures:
            locked.append(f"address {address}")
        if not locked:
            return
        minutes = self.window.total_seconds() / 60
        what = " and ".join(locked)
        log.warning(
            "desk sign-in locked for %s after too many failures within %g min (last from %s)",
            what,
            minutes,
            address,
        )
        with self.db.engine.begin() as conn:
            editorial.audit(
                conn,
                None,
                "sign-in-locked",
                editorial.editor(name),
                f"{what} locked after too many failed sign-ins within {minutes:g} min",
                None,
                now,
                address=address,
                subject=editorial.person(name),
            )

    # -- sessions ------------------------------------------------------------------------

    def visit(self, token: str | None) -> Visit:
        """The session a cookie's id names, if it is still good; an expired one is deleted."""
        if not well_formed(token):
            return Visit(None)
        session = desk_sessions.find(self.db, token_hash(token))
        if session is None:
            return Visit(None)
        now = self.clock()
        if session.account.disabled:
            desk_sessions.forget(self.db, session.id_hash)
            return Visit(None)
        if not self._live(session, now):
            desk_sessions.forget(self.db, session.id_hash)
            return Visit(None, expired=True)
        if now - session.last_seen_at >= self.touch_every:
            desk_sessions.touch(self.db, session.id_hash, now)
        return Visit(session)

    def _live(self, session: Session, now: datetime) -> bool:
        return now - session.last_seen_at < self.idle and now - session.created_at < self.max_age

    def live_sessions(self, account: Account) -> list[Session]:
        now = self.clock()
        return [s for s in desk_sessions.of_account(self.db, account.id) if self._live(s, now)]

    def sign_out(self, session: Session, *, address: str | None) -> None:
        desk_sessions.end(self.db, session, now=self.clock(), address=address)

    def sign_out_everywhere(self, account: Account, *, address: str | None) -> int:
        return desk_sessions.end_all(self.db, account, now=self.clock(), address=address)

    def role_of(self, session: Session) -> Role:
        """The session's person's role; an unknown word in the store (a hand edit) is the
        least of them."""
        return parse_role(session.account.role) or Role.VIEWER
