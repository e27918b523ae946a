"""The bytes of an RSS, RDF or Atom document made into bytes both feed parsers read the same.

Two things go wrong before any element is read, and both are settled here, on the bytes:

- **The label.** A document labelled latin-1 or ASCII is read as windows-1252, as browsers
  read those labels (WHATWG Encoding Standard): `It\\x92s` means "It’s". But many Hindi
  feeds carry an `iso-8859-1` declaration left over from a template while the text is
  UTF-8: such a document, valid UTF-8 with multi-byte sequences, is read as UTF-8, since
  windows-1252 would turn every Devanagari letter into three characters of mojibake.
  A document that says UTF-8 (or nothing) but has no more valid multi-byte sequences than
  invalid ones is another encoding mislabelled, left to feedparser, which detects it.
- **Bad bytes in a UTF-8 document.** One byte that is not UTF-8 (`0xFF`) or a control
  character XML does not allow (NUL) sends libxml2, inside fastfeedparser, into recovery,
  and from there it drops the entity-encoded markup of every item, before and after the
  byte (`&lt;p&gt;` came out as `p`), while reporting nothing. So each such byte (each
  invalid sequence, as the Encoding Standard counts them) is replaced by U+FFFD where it
  is, before a parser sees the document: the other items read exactly as they would
  without it, and the entry that held it is named in a problem line, so the operator
  learns of it and the editor knows where the U+FFFD comes from.

Every check on the usual document is a byte scan (`isascii`, `translate`, one UTF-8
decode), well under a millisecond per megabyte; the repair itself runs only on documents
that need it.
"""

from __future__ import annotations

import codecs
import re
import threading
from bisect import bisect_right

# Labels the WHATWG Encoding Standard reads as windows-1252, as every browser does.
WINDOWS_1252_LABELS = frozenset(
    {
        "ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1",
        "iso-ir-100", "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1",
        "latin1", "us-ascii", "windows-1252", "x-cp1252",
    }
)  # fmt: skip
_UTF8_LABELS = frozenset({"utf-8", "utf8", "unicode-1-1-utf-8"})
_XML_DECL_ENCODING_RE = re.compile(
    rb"""^(\s*<\?xml\b[^>]*?\bencoding\s*=\s*["'])([A-Za-z0-9._:\-]+)(["'])"""
)
_CHARSET_RE = re.compile(r";\s*charset\s*=\s*[\"']?([^\s;\"']+)[\"']?", re.IGNORECASE)
_C1_BYTES_RE = re.compile(rb"[\x80-\x9f]")
# C0 controls but tab, newline and carriage return: XML 1.0 allows none of them, even
# as a reference.
_XML_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))
_XML_CONTROL_RE = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_LATIN1_AS_WINDOWS_1252 = {
    code: bytes([code]).decode("cp1252", errors="ignore") or None for code in range(0x80, 0xA0)
}
_REPLACEMENT = "\ufffd".encode()
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

# An entry's start and end tags, in any namespace prefix (`<item>`, `<atom:entry ...>`);
# `<items>` (RSS 1.0's table of contents) is not one.
_ENTRY_START_RE = re.compile(rb"<(?:[\w.\-]+:)?(?:item|entry)[\s>/]")
_ENTRY_END_RE = re.compile(rb"</(?:[\w.\-]+:)?(?:item|entry)\s*>")
_ENTRY_ID_RE = re.compile(rb"<(?:guid|id)\b[^>]*>\s*(?:<!\[CDATA\[)?\s*([^<\s][^<]*?)\s*[<\]]")
_ENTRY_LINK_RE = re.compile(rb"<link\b[^>]*?(?:href\s*=\s*[\"']([^\"']+)|>\s*([^<\s][^<]*?)\s*<)")
_MAX_SHOWN = 100


def as_browsers_decode(payload: bytes, content_type: str | None) -> tuple[bytes, str | None]:
    """(payload, content type) with a document labelled latin-1 or ASCII given as UTF-8:
    re-encoded from windows-1252, which is how browsers read those labels, or relabelled
    when it is valid UTF-8 with multi-byte sequences (an `iso-8859-1` declaration on a
    UTF-8 Hindi feed).

    Only a document with a byte the two readings disagree on is changed: a byte in
    0x80–0x9F, or a control byte (which `repair_bad_bytes` can then replace in UTF-8).
    Its declaration and the Content-Type's charset then say UTF-8, so both parsers read the
    same text. The label is the XML declaration's, else the Content-Type's charset.
    """
    decl = _XML_DECL_ENCODING_RE.match(payload, 0, 512)
    header = _CHARSET_RE.search(content_type) if content_type else None
    label = decl.group(2).decode("ascii") if decl else header.group(1) if header else None
    if not label or label.strip().lower() not in WINDOWS_1252_LABELS:
        return payload, content_type
    if header and header.group(1).strip().lower() not in WINDOWS_1252_LABELS:
        return payload, content_type  # the two labels disagree: leave it to the parsers
    if payload.isascii() and not _has_control_bytes(payload):
        return payload, content_type
    if payload.isascii() or _is_utf8(payload):
        out = payload  # ASCII with control bytes, or UTF-8 text under a latin-1 label
    elif _C1_BYTES_RE.search(payload) or _has_control_bytes(payload):
        out = _windows_1252_as_utf8(payload)
    else:
        return payload, content_type  # latin-1 and windows-1252 agree on every byte
    return _labelled_utf8(out, content_type, decl is not None, header is not None)


def repair_bad_bytes(payload: bytes, content_type: str | None) -> tuple[bytes, list[str]]:
    """(payload, problem lines): a UTF-8 document with every byte that is not UTF-8, and
    every control character XML does not allow, replaced by U+FFFD where it is; one
    problem line for each entry (or the part outside the entries) that held one.

    A document that says UTF-8 (or nothing) but is not — invalid bytes and no more valid
    multi-byte sequences than invalid ones: windows-1252 or Shift_JIS text mislabelled —
    is left as it is for feedparser, which detects its encoding, as is a document in
    another declared encoding (UTF-16, windows-1251, ...).
    """
    controls = _has_control_bytes(payload)
    if payload.isascii() and not controls:
        return payload, []
    if not _says_utf8(payload, content_type):
        return payload, []
    valid = _is_utf8(payload)
    if valid and not controls:
        return payload, []
    spans: list[tuple[int, int]] = []
    if not valid:
        text = _decode_recording(payload, spans)
        bad = len(spans)
        if len(text) - len(text.encode("ascii", errors="ignore")) - bad <= bad:
            # No more valid multi-byte sequences than invalid ones: not UTF-8 text at all
            # but windows-1252, Shift_JIS, ... mislabelled, which feedparser's detection
            # reads (`feeds._read_xml_feed`). Nothing here is a stray byte.
            return payload, []
    if controls:
        spans += [(m.start(), m.end()) for m in _XML_CONTROL_RE.finditer(payload)]
        spans.sort()
    return _replaced(payload, spans), _problem_lines(payload, spans)


def mostly_utf8(payload: bytes) -> bool:
    """Whether a payload with invalid UTF-8 is still UTF-8 text with a few broken bytes:
    more valid multi-byte sequences than invalid ones (a Hindi feed with one stray byte has
    thousands), where a windows-1252 feed that says UTF-8 has almost none."""
    text = payload.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    return non_ascii - bad > bad


def _has_control_bytes(payload: bytes) -> bool:
    return len(payload.translate(None, _XML_CONTROL_BYTES)) != len(payload)


def _is_utf8(payload: bytes) -> bool:
    try:
        payload.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _says_utf8(payload: bytes, content_type: str | None) -> bool:
    """Whether the document is to be read as UTF-8: no UTF-16/32 byte pattern, and UTF-8
    (or nothing, XML's default) in its declaration, else in the Content-Type's charset."""
    if payload.startswith(_UTF16_BOMS) or b"\x00" in payload[:4]:
        return False
    decl = _XML_DECL_ENCODING_RE.match(payload, 0, 512)
    if decl:
        return decl.group(2).decode("ascii").lower() in _UTF8_LABELS
    header = _CHARSET_RE.search(content_type) if content_type else None
    return header is None or header.group(1).strip().lower() in _UTF8_LABELS


def _windows_1252_as_utf8(payload: bytes) -> bytes:
    return payload.decode("latin-1").translate(_LATIN1_AS_WINDOWS_1252).encode("utf-8")


def _labelled_utf8(
    payload: bytes, content_type: str | None, has_decl: bool, has_charset: bool
) -> tuple[bytes, str | None]:
    if has_decl:
        payload = _XML_DECL_ENCODING_RE.sub(rb"\g<1>utf-8\g<3>", payload, count=1)
    if content_type and has_charset:
        content_type = _CHARSET_RE.sub("; charset=utf-8", content_type, count=1)
    return payload, content_type


# Invalid sequences as the decoder finds them (one maximal invalid subpart each, as the
# Encoding Standard replaces them), recorded by an error handler: one pass over the bytes.
_recording = threading.local()


def _record_bad_sequence(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    _recording.spans.append((error.start, error.end))
    return "\ufffd", error.end


codecs.register_error("wiredesk-record-bad-bytes", _record_bad_sequence)


def _decode_recording(payload: bytes, spans: list[tuple[int, int]]) -> str:
    _recording.spans = spans
    try:
        return payload.decode("utf-8", errors="wiredesk-record-bad-bytes")
    finally:
        del _recording.spans


def _replaced(payload: bytes, spans: list[tuple[int, int]]) -> bytes:
    parts: list[bytes] = []
    at = 0
    for start, end in spans:
        parts += (payload[at:start], _REPLACEMENT)
        at = end
    parts.append(payload[at:])
    return b"".join(parts)


def _problem_lines(payload: bytes, spans: list[tuple[int, int]]) -> list[str]:
    """One line per entry that held a bad byte (and one for the rest of the document),
    naming the entry as the parsers' own problem lines do (`entry 3 (its id)`) and the
    first bad byte with its offset in the payload as stored."""
    starts = [m.start() for m in _ENTRY_START_RE.finditer(payload)]
    ends = [m.start() for m in _ENTRY_END_RE.finditer(payload)]
    by_place: dict[int, list[tuple[int, int]]] = {}
    for span in spans:
        by_place.setdefault(_entry_at(starts, ends, span[0]), []).append(span)
    lines = []
    for place, found in by_place.items():
        start = found[0][0]
        byte = payload[start]
        why = "a control character XML does not allow" if byte < 0x20 else "not UTF-8"
        first = f"0x{byte:02X} at byte {start}"
        if len(found) == 1:
            what = f"invalid byte {first} ({why}) replaced with U+FFFD"
        else:
            what = f"{len(found)} invalid bytes replaced with U+FFFD (the first, {first}, is {why})"
        lines.append(f"{_place_name(payload, starts, ends, place)}: {what}")
    return lines


def _entry_at(starts: list[int], ends: list[int], offset: int) -> int:
    """The 1-based number of the entry holding `offset`; 0 outside every entry."""
    number = bisect_right(starts, offset)
    if number == 0:
        return 0
    closing = bisect_right(ends, starts[number - 1])
    if closing < len(ends) and ends[closing] < offset:
        return 0  # after the entry's end tag: between entries, or after the last
    return number


def _place_name(payload: bytes, starts: list[int], ends: list[int], number: int) -> str:
    if number == 0:
        return "the document outside its entries"
    start = starts[number - 1]
    closing = bisect_right(ends, start)
    entry = payload[start : ends[closing] if closing < len(ends) else len(payload)]
    found = _ENTRY_ID_RE.search(entry) or _ENTRY_LINK_RE.search(entry)
    if found is None:
        return f"entry {number}"
    shown = (found.group(1) or found.group(found.lastindex or 1)).decode("utf-8", "replace")
    return f"entry {number} ({' '.join(shown.split())[:_MAX_SHOWN]})"
