"""The loose JSON values ninjs is made of, read as wiredesk needs them.

Providers send numbers as strings, blanks for absent values and single objects where the
schema says arrays; these readers turn each into the one type a field holds, or None / [].
"""

from __future__ import annotations

import re
from typing import Any


def string(value: Any) -> str | None:
    """A string's trimmed text; None for a blank string or any other type."""
    return value.strip() or None if isinstance(value, str) else None


def folded(value: Any) -> Any:
    """The JSON value with every object's names lowercased, at every depth.

    ninjs 3.x renamed every field to camelCase (`pubStatus`, `versionCreated`,
    `bodies[].contentType`) where 1.x and 2.x are lowercase; the meaning did not change, so
    the readers look names up lowercased and read all three. A name sent in both spellings
    keeps the value of its first spelling.
    """
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            name = key.lower() if isinstance(key, str) else key
            if name not in out:
                out[name] = folded(item)
        return out
    if isinstance(value, list):
        return [folded(v) for v in value]
    return value


def dicts(value: Any) -> list[dict[str, Any]]:
    """The objects in a list; [] for anything that is not a list."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def integer(value: Any) -> int | None:
    """A whole number sent as a number or as digits; None otherwise (booleans included)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def rank(value: Any) -> int | None:
    """An urgency or priority: 1..9 as IPTC defines them, anything else is dropped."""
    number = integer(value)
    return number if number is not None and 1 <= number <= 9 else None


def last_segment(code: str) -> str:
    """The code's own word, lowercased: `update` from `sig:update` or `.../signal/update`."""
    return re.split(r"[:/#]", code.strip().rstrip("/"))[-1].lower()
