"""Reading JSON payloads (JSON Feed, ninjs, format detection) without letting them hurt us.

Every JSON reader needs the same two steps, and a reader that skipped one would either
refuse feeds it could read or crash on hostile ones: text is taken from the bytes as
RFC 8259 says (UTF-8/16/32 told apart by their NUL pattern, a BOM dropped, undecodable bytes
as U+FFFD rather than a refused feed), and nesting is bounded (`limits.MAX_JSON_DEPTH`) before
Python's decoder, which recurses once per level, ever sees the document.
"""

from __future__ import annotations

import json
from typing import Any

from wiredesk.errors import FormatError
from wiredesk.formats.limits import check_json_depth


def decode_json_payload(payload: bytes) -> str:
    """Text of a JSON payload: UTF-8/16/32 as RFC 8259 detects it, a BOM dropped."""
    try:
        codec = json.detect_encoding(payload)
    except (TypeError, ValueError):
        codec = "utf-8"
    return payload.decode(codec, errors="replace").lstrip("\ufeff")


def load_json(text: str, what: str, refusal: str) -> Any:
    """The decoded document, its depth checked first.

    `what` names the document in the depth refusal (see `limits.check_json_depth`); `refusal`
    starts the `FormatError` for text that is not JSON ("not a readable JSON Feed", ...).
    """
    check_json_depth(text, what)
    try:
        return json.loads(text)
    except RecursionError:  # defence in depth: the depth check should have caught it
        raise FormatError(f"{refusal}: JSON nested too deeply") from None
    except ValueError as e:
        raise FormatError(f"{refusal}: invalid JSON ({e})") from None
