"""The desk's three roles, each allowed what the one below it is and more.

viewer reads; editor also acts on stories; admin also manages the desk's people. The order
is the point: `allows` is how every route's check (`desk.guard.require`) is decided.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    VIEWER = "viewer"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANKS[self]

    def allows(self, needed: Role) -> bool:
        """Whether someone with this role may do what `needed` may."""
        return self.rank >= needed.rank

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]


_RANKS = {Role.VIEWER: 0, Role.EDITOR: 1, Role.ADMIN: 2}
_DESCRIPTIONS = {
    Role.VIEWER: "reads the desk; changes nothing",
    Role.EDITOR: "reads the desk and acts on stories",
    Role.ADMIN: "acts on stories and manages the desk's users",
}
ROLE_NAMES = tuple(r.value for r in Role)


def parse_role(value: str) -> Role | None:
    """The role named `value`, or None."""
    try:
        return Role(value)
    except ValueError:
        return None
