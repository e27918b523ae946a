"""Reading JSON payloads (JSON Feed, ninjs, format detection) without letting them hurt us.

Every JSON reader needs the same two steps, and a reader that skipped one would either
refuse feeds it could read or crash on hostile ones: text is taken from the bytes as
RFC 8259 says (UTF-8/16/32 told apart by their NUL pattern, a BOM dropped, undecodable bytes
as U+FFFD rather than a refused feed), and nesting is bounded (`limits.MAX_JSON_DEPTH`) before
Python's decoder, which recurses once per level, ever sees the document.

One bad byte stays local, as in XML feeds (`encoding.py`): in a UTF-8 document each byte
that is not UTF-8, and each raw control character (JSON allows none: a NUL in a title made
Python's decoder refuse the whole feed), becomes U+FFFD where it was, and the reader names
the entry that held it in a problem line (`BadBytes`).
"""

from __future__ import annotations

import codecs
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
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


# C0 controls but tab, newline and carriage return: raw, JSON allows none of them (RFC 8259
# wants them escaped inside strings, and there is no other place for them); tab, newline and
# carriage return are whitespace between tokens.
_CONTROL_RE = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Noncharacters, one of which stands for a bad byte while the document is decoded, so that
# each can be found again in the entry that held it; one the document does not hold is used.
_MARKERS = [chr(code) for code in range(0xFDD0, 0xFDF0)]
OUTSIDE = "the document outside its entries"


@dataclass(frozen=True)
class BadBytes:
    """The bad bytes of a UTF-8 JSON payload, each decoded as `marker` for now: `lines`
    says where they were, `replaced` turns each into U+FFFD."""

    payload: bytes
    spans: list[tuple[int, int]]
    marker: str

    def replaced(self, value: Any) -> Any:
        """`value` (a decoded document or part of it) with every marker as U+FFFD."""
        if isinstance(value, str):
            return value.replace(self.marker, "\ufffd") if self.marker in value else value
        if isinstance(value, list):
            return [self.replaced(v) for v in value]
        if isinstance(value, dict):
            return {self.replaced(k): self.replaced(v) for k, v in value.items()}
        return value

    def lines(self, places: list[tuple[str, Any]]) -> list[str]:
        """One problem line per place that held a bad byte, naming its first one with its
        offset in the payload as stored. `places` are the document's parts in the order
        they are written (each entry by its name, the rest as `OUTSIDE`), so the n-th marker
        met is the n-th bad byte."""
        found: dict[str, tuple[int, int]] = {}  # place -> (index of its first span, count)
        seen = 0
        for name, value in places:
            count = self._count(value)
            if count:
                first, before = found.get(name, (seen, 0))
                found[name] = (first, before + count)
            seen += count
        out = []
        for name, (first, count) in found.items():
            start = self.spans[min(first, len(self.spans) - 1)][0]
            byte = self.payload[start]
            why = "a control character JSON does not allow" if byte < 0x20 else "not UTF-8"
            at = f"0x{byte:02X} at byte {start}"
            if count == 1:
                what = f"invalid byte {at} ({why}) replaced with U+FFFD"
            else:
                what = f"{count} invalid bytes replaced with U+FFFD (the first, {at}, is {why})"
            out.append(f"{self.replaced(name)}: {what}")
        return out

    def _count(self, value: Any) -> int:
        if isinstance(value, str):
            return value.count(self.marker)
        if isinstance(value, list):
            return sum(self._count(v) for v in value)
        if isinstance(value, dict):
            return sum(self._count(k) + self._count(v) for k, v in value.items())
        return 0


def load_json_payload(payload: bytes, what: str, refusal: str) -> tuple[Any, BadBytes | None]:
    """The decoded document (see `load_json`) and, for a UTF-8 payload with bytes that are
    not UTF-8 or raw control characters, those bytes (`BadBytes`, still marked in the
    document: the reader names its entries with `lines`, then calls `replaced`). A clean
    payload costs one scan for control bytes and the decode it needs anyway."""
    try:
        codec = json.detect_encoding(payload)
    except (TypeError, ValueError):
        codec = "utf-8"
    if codec not in ("utf-8", "utf-8-sig"):
        return load_json(decode_json_payload(payload), what, refusal), None
    try:
        text = payload.decode(codec)
        clean = _CONTROL_RE.search(payload) is None
    except UnicodeDecodeError:
        clean = False
    if clean:
        return load_json(text.lstrip("\ufeff"), what, refusal), None
    marker = next((m for m in _MARKERS if _absent(m, payload)), None)
    if marker is None:  # every noncharacter in one document: read it as before, unnamed
        return load_json(decode_json_payload(payload), what, refusal), None
    spans: list[tuple[int, int]] = []
    # each control byte as one invalid byte, so the decoder finds both kinds in one pass and
    # in order; offsets are unchanged
    marked = _CONTROL_RE.sub(b"\xff", payload)
    _recording.state = (spans, marker)
    try:
        text = marked.decode(codec, errors="wiredesk-json-mark-bad-bytes")
    finally:
        del _recording.state
    doc = load_json(text.lstrip("\ufeff"), what, refusal)
    return doc, BadBytes(payload, spans, marker)


def entry_places(
    doc: Any, entries: list[Any], name: Callable[[int, Any], str]
) -> list[tuple[str, Any]]:
    """The parts of `doc` in written order for `BadBytes.lines`: each of `entries` by
    `name(index, entry)`, everything else as `OUTSIDE`."""
    named = [(name(i, e), e) for i, e in enumerate(entries)]
    if doc is entries or (len(entries) == 1 and entries[0] is doc):
        return named
    if not isinstance(doc, dict):
        return [(OUTSIDE, doc)]
    out: list[tuple[str, Any]] = []
    for key, value in doc.items():
        if value is entries:
            out += [(OUTSIDE, key), *named]
        else:
            out.append((OUTSIDE, {key: value}))
    return out


def _absent(marker: str, payload: bytes) -> bool:
    escaped = f"\\u{ord(marker):04x}".encode()
    return marker.encode() not in payload and escaped not in payload.lower()


_recording = threading.local()


def _mark_bad_sequence(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    spans, marker = _recording.state
    spans.append((error.start, error.end))
    return marker, error.end


codecs.register_error("wiredesk-json-mark-bad-bytes", _mark_bad_sequence)
