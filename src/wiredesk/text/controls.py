"""Text every later step can store and write out: no control characters, no lone surrogates.

Feeds carry NUL bytes, other C0 control characters, and (in JSON, as `\\ud800` escapes) lone
surrogates; a body's `&#1;` becomes a control character when the HTML is sanitized. PostgreSQL
refuses NUL in text, UTF-8 cannot encode a lone surrogate, and XML 1.0 (our outbound RSS and
Atom) allows neither; one such character in one headline would otherwise fail that item's save
or, worse, every outbound feed that lists it. So they are removed (or, for surrogates, replaced
with U+FFFD): by the parsers where items leave them (`scrub_item`, in place, on items they
just made) and by the pipeline's last step (`scrubbed`, a copy) after the sanitizer decoded
character references. Both are here so that "what may not be stored" has one definition.
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass, replace
from operator import attrgetter
from typing import Any, TypeVar

from wiredesk.model import Item

R = TypeVar("R")

# C0 controls except tab, newline and carriage return; U+FFFE and U+FFFF (not characters).
_CONTROLS_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SURROGATES_RE = re.compile("[\ud800-\udfff]")
_BAD_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x80-\x9f\ufffe\uffff\ud800-\udfff]")
# C1 controls (U+0080–U+009F) in text come from windows-1252 bytes read as ISO-8859-1 (a
# document that says latin-1 and means windows-1252, as browsers assume): each becomes the
# character windows-1252 gives that byte (`\x92` → ’), or goes where it gives none.
_C1_AS_1252 = {c: bytes([c]).decode("cp1252", "ignore") or None for c in range(0x80, 0xA0)}


def clean_text(value: str) -> str:
    """The string without control characters (C1 ones read as windows-1252), lone surrogates
    replaced by U+FFFD."""
    if not _BAD_RE.search(value):
        return value
    value = value.translate(_C1_AS_1252)
    return _SURROGATES_RE.sub("\ufffd", _CONTROLS_RE.sub("", value))


def may_decode_to_controls(fragment: str) -> bool:
    """Whether sanitizing this HTML can produce control characters: only a numeric character
    reference (`&#1;`) decodes to one."""
    return "&#" in fragment


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


def scrubbed(record: R) -> R:
    """`scrub_item` without editing anything: `record` itself when none of its text needs
    cleaning, else a copy with every text field cleaned (in lists and nested records too; a
    list or record is copied only when something in it changed)."""
    changes: dict[str, Any] = {}
    for f in fields(record):  # type: ignore[arg-type]
        value = getattr(record, f.name)
        if isinstance(value, str):
            new: Any = clean_text(value)
        elif isinstance(value, list) and value:
            new = _scrubbed_list(value)
        else:
            continue
        if new is not value:
            changes[f.name] = new
    return replace(record, **changes) if changes else record  # type: ignore[type-var]


def _scrubbed_list(values: list[Any]) -> list[Any]:
    out: list[Any] | None = None
    for i, element in enumerate(values):
        if isinstance(element, str):
            new: Any = clean_text(element)
        elif is_dataclass(element) and not isinstance(element, type):
            new = scrubbed(element)
        else:
            continue
        if new is not element:
            if out is None:
                out = list(values)
            out[i] = new
    return values if out is None else out
