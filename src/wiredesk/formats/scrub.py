"""Text a parser hands over must be text every later step can store and write out.

Feeds carry NUL bytes, other C0 control characters, and (in JSON, as `\\ud800` escapes) lone
surrogates. PostgreSQL refuses NUL in text, UTF-8 cannot encode a lone surrogate, and XML 1.0
(our outbound RSS and Atom) allows neither; one such character in one headline would otherwise
fail that item's save or, worse, every outbound feed that lists it. So they are removed (or,
for surrogates, replaced with U+FFFD) where items leave the parsers, whatever the format.
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass
from operator import attrgetter
from typing import Any

from wiredesk.model import Item

# C0 controls except tab, newline and carriage return; U+FFFE and U+FFFF (not characters).
_CONTROLS_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SURROGATES_RE = re.compile("[\ud800-\udfff]")
_BAD_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean_text(value: str) -> str:
    """The string without control characters, lone surrogates replaced by U+FFFD."""
    if not _BAD_RE.search(value):
        return value
    return _SURROGATES_RE.sub("\ufffd", _CONTROLS_RE.sub("", value))


_ITEM_FIELDS = tuple(f.name for f in fields(Item))
_item_values = attrgetter(*_ITEM_FIELDS)


def scrub_item(item: Item) -> None:
    """Clean every text field of a freshly parsed item in place (nested records included).

    Runs for every item of every payload, so the usual case (nothing to clean) is one regex
    search per field and nothing else."""
    search = _BAD_RE.search
    for value in _item_values(item):
        if isinstance(value, str):
            if search(value):
                break
        elif isinstance(value, list) and value:
            break  # lists are rare and short: let the full walk look inside them
    else:
        return
    _scrub(item)


def _scrub(record: Any) -> None:
    for f in fields(record):
        value = getattr(record, f.name)
        if isinstance(value, str):
            if _BAD_RE.search(value):
                setattr(record, f.name, clean_text(value))
        elif isinstance(value, list) and value:
            for i, element in enumerate(value):
                if isinstance(element, str):
                    if _BAD_RE.search(element):
                        value[i] = clean_text(element)
                elif is_dataclass(element):
                    _scrub(element)


_C0_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))


def payload_may_need_scrub(payload: bytes) -> bool:
    """Whether items of this payload can hold characters `scrub_item` removes.

    Only raw control bytes (UTF-16 text has NULs too) or JSON `\\u` escapes can put them in a
    parser's output, and both are cheap to look for in C, so most payloads skip the per-item
    scan entirely.
    """
    return b"\\u" in payload or len(payload.translate(None, _C0_BYTES)) != len(payload)


def may_decode_to_controls(fragment: str) -> bool:
    """Whether sanitizing this HTML can produce control characters: only a numeric character
    reference (`&#1;`) decodes to one."""
    return "&#" in fragment
