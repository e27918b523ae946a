"""The text wire formats IPTC 7901 and ANPA-1312, read into `Item`s.

Both come from the teleprinter age and share one frame: each message starts with SOH (0x01),
carries a header, then STX (0x02), the text, ETX (0x03), a time line and EOT (0x04); a payload
(one file, one stream capture) may hold many messages. They differ in the header:

- IPTC 7901: `SOH` source id + message number, priority digit, category code, word count and
  optional information on one line; keyword (slug) lines; `STX`; heading lines ending in `=`;
  the text in blank-line separated paragraphs; `ETX`; `DDhhmm Mon YY`; `EOT`.
- ANPA-1312 (AP and others): optional `SYN SYN`, `SOH`, service level letter + 4-digit message
  number, `US` + selector code; then priority letter, category letter, format codes, keyword
  (slug) with version, `MM-DD` and word count; `STX`; `^`-marked header lines (headline, byline,
  editor's note); tab-indented paragraphs; the `AP-WF-MM-DD-YY HHMMGMT` time stamp; `ETX`.

Identity: a wire message number changes with every transmission, so a write-thru or kill of a
story would never meet the story it replaces if the guid were built from it. The guid is built
from the source, the story's date and its slug instead (see docs/formats/iptc7901-anpa.md).
Decoding is UTF-8 when the bytes are valid UTF-8, else Latin-1 (7-bit wire copy is both), with
C1 control bytes replaced.

This module finds the messages in a payload and tells the two formats apart; `iptc_message`
and `anpa_message` read each format's header and text, `story` turns what either read into
an `Item`.
"""

from __future__ import annotations

import re
from datetime import datetime

from wiredesk.errors import FormatError
from wiredesk.formats.iptc7901.anpa_message import (
    ANPA_CATEGORIES,
    ANPA_LINE1_RE,
    ANPA_PRIORITIES,
    anpa_parts,
)
from wiredesk.formats.iptc7901.iptc_message import IPTC_HEADER_RE, iptc_parts
from wiredesk.formats.iptc7901.story import Skip, story_item
from wiredesk.model import Item, ParseResult

__all__ = [
    "ANPA_CATEGORIES",
    "ANPA_PRIORITIES",
    "EOT",
    "ETX",
    "SOH",
    "STX",
    "SYN",
    "US",
    "looks_like_wire_text",
    "parse_wire_text",
]

SOH, STX, ETX, EOT, SYN, US = "\x01", "\x02", "\x03", "\x04", "\x16", "\x1f"


def looks_like_wire_text(head: bytes) -> bool:
    """Whether a payload starts like a 7901 or ANPA message: SOH (after optional SYN or line
    ends) and a header line of either shape, with an STX following it."""
    text = head[:8192].decode("latin-1")
    start = text.lstrip("\x16\x00\r\n ")
    if not start.startswith(SOH):
        return False
    first = start[1:].split("\n", 1)[0].rstrip("\r")
    if not (IPTC_HEADER_RE.match(first) or ANPA_LINE1_RE.match(first)):
        return False
    return STX in start or len(start) >= 8192


def parse_wire_text(payload: bytes, received_at: datetime | None = None) -> ParseResult:
    """Items of an IPTC 7901 / ANPA-1312 payload, one per message.

    `received_at` (the envelope's time) supplies the year when a message carries only a
    month and day. `FormatError` when there is no message at all or none can be read.
    """
    text = _decode(payload)
    chunks = _messages(text)
    if not chunks:
        raise FormatError(
            "not IPTC 7901 / ANPA-1312 wire text: no SOH (0x01) start-of-header found"
        )
    result = ParseResult(format="")
    for index, chunk in enumerate(chunks):
        try:
            item, fmt, whole = _message(index, chunk, received_at)
        except Skip as skip:
            result.problems.append(f"message {index + 1}: {skip}")
            continue
        if item is not None:
            result.format = result.format or fmt
            if not whole:  # a payload cut off mid-message: never published as if whole
                result.problems.append(
                    f"message {index + 1} ({item.guid}): no ETX (0x03) end of text; it "
                    "breaks off, so its text may be cut short"
                )
                result.cut_short[len(result.items)] = (
                    "the wire message has no ETX (0x03) end of text: it breaks off before "
                    "it is complete, so it may be cut short; held until the source sends it "
                    "whole (then `wiredesk reprocess`)"
                )
            result.items.append(item)
    if not result.items:
        raise FormatError(
            f"not readable IPTC 7901 / ANPA-1312 wire text: {len(chunks)} message(s), none "
            f"readable ({result.problems[0] if result.problems else 'no content'})"
        )
    return result


# --- framing ---------------------------------------------------------------------------------


def _decode(payload: bytes) -> str:
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        text = payload.decode("latin-1")
    text = re.sub(r"[\x80-\x9f]", "\ufffd", text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _messages(text: str) -> list[str]:
    """Each SOH ... EOT span (or up to the next SOH when EOT is missing)."""
    starts = [m.start() for m in re.finditer(SOH, text)]
    chunks = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(text)
        chunk = text[start + 1 : end]
        eot = chunk.find(EOT)
        chunks.append(chunk[:eot] if eot >= 0 else chunk)
    return chunks


def _message(index: int, chunk: str, received_at: datetime | None) -> tuple[Item | None, str, bool]:
    """The message's item, its format, and whether it is whole: a message without ETX
    broke off (a truncated capture, or the next SOH arrived first)."""
    stx = chunk.find(STX)
    if stx < 0:
        raise Skip("no STX (0x02) start of text; skipped")
    header, rest = chunk[:stx], chunk[stx + 1 :]
    etx = rest.find(ETX)
    body, trailer = (rest[:etx], rest[etx + 1 :]) if etx >= 0 else (rest, "")
    header_lines = [line for line in header.split("\n") if line.strip()]
    if not header_lines:
        raise Skip("empty header; skipped")
    first = header_lines[0].strip(" \x16")
    if m := IPTC_HEADER_RE.match(first):
        parts = iptc_parts(m, header_lines[1:], body, trailer)
    elif (m := ANPA_LINE1_RE.match(first)) and len(header_lines) > 1:
        parts = anpa_parts(m, header_lines[1], body, trailer)
    else:
        raise Skip(f"header {first[:40]!r} is neither IPTC 7901 nor ANPA-1312; skipped")
    return story_item(parts, received_at), parts.fmt, etx >= 0
