"""Passwords: what the desk accepts, and argon2id hashes of them (argon2-cffi).

The cost is the settings' (`[desk] password_*`), by default argon2-cffi's own: RFC 9106's
second recommended choice, argon2id with 3 passes over 64 MiB in 4 lanes. A stored hash
names the parameters it was made with, so raising them later costs nothing at once: each
person's hash is made again with the new ones at their next sign-in (`needs_rehash`).

A sign-in for a name nobody has still runs one verification (against a hash made once per
process), so a wrong name takes as long as a wrong password and timing does not tell which
names exist.
"""

from __future__ import annotations

import functools
import unicodedata

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from wiredesk.config import DeskSettings
from wiredesk.errors import WiredeskError

MIN_LENGTH = 12
# argon2 takes any length; a cap keeps a megabyte "password" from being read and hashed
MAX_LENGTH = 1024


class WeakPassword(WiredeskError):
    """A password the desk does not accept, with what to do instead."""


def check_password(name: str, password: str) -> None:
    """Refuse an empty, short, overlong or name-like password, in one line that says why."""
    if not password.strip():
        raise WeakPassword("the password is empty; choose one of at least 12 characters")
    length = len(unicodedata.normalize("NFC", password))
    if length < MIN_LENGTH:
        raise WeakPassword(
            f"the password has {length} characters; use at least {MIN_LENGTH} "
            "(a few unrelated words make a long one easy to remember)"
        )
    if length > MAX_LENGTH:
        raise WeakPassword(f"the password is longer than {MAX_LENGTH} characters")
    if name and name.casefold() in password.casefold():
        raise WeakPassword("the password contains the user's name; choose another")


class Hasher:
    """argon2id with the settings' cost."""

    def __init__(self, desk: DeskSettings) -> None:
        self._hasher = PasswordHasher(
            time_cost=desk.password_time_cost,
            memory_cost=desk.password_memory_kib,
            parallelism=desk.password_parallelism,
            type=Type.ID,
        )

    def hash(self, password: str) -> str:
        return self._hasher.hash(_normal(password))

    def verify(self, stored: str, password: str) -> bool:
        """Whether `password` is the one `stored` was made from; False for a damaged hash."""
        try:
            return bool(self._hasher.verify(stored, _normal(password)))
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        """Whether `stored` was made with other parameters than the current ones."""
        try:
            return bool(self._hasher.check_needs_rehash(stored))
        except (InvalidHashError, ValueError):
            return True

    def verify_nobody(self, password: str) -> None:
        """As long as a verification, for a name nobody has (see the module's note)."""
        self.verify(self._nobody(), password)

    @functools.cache  # noqa: B019 - one hash per Hasher, kept as long as the Hasher
    def _nobody(self) -> str:
        return self.hash("no one signs in with this password " + "x" * MIN_LENGTH)


def _normal(password: str) -> bytes:
    """One form of the same characters: a password typed on a phone and on a laptop may
    reach us composed differently (NFC), and must still match."""
    return unicodedata.normalize("NFC", password).encode("utf-8")
