"""Text a parser hands over must be text every later step can store and write out.

Feeds carry NUL bytes, other C0 control characters, and (in JSON, as `\\ud800` escapes) lone
surrogates. PostgreSQL refuses NUL in text, UTF-8 cannot encode a lone surrogate, and XML 1.0
(our outbound RSS and Atom) allows neither; one such character in one headline would otherwise
fail that item's save or, worse, every outbound feed that lists it. So they are removed (or,
for surrogates, replaced with U+FFFD) where items leave the parsers, whatever the format.
"""

from __future__ import annotations

import re

from wiredesk.text.controls import clean_text as clean_text
from wiredesk.text.controls import may_decode_to_controls as may_decode_to_controls
from wiredesk.text.controls import scrub_item as scrub_item

_C0_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))
# A single-byte encoding named in the document's head: its bytes 0x80–0x9F decode to C1
# controls (ISO-8859-1) where the writer meant windows-1252 characters.
_SINGLE_BYTE_RE = re.compile(
    rb"encoding\s*=\s*[\"']?\s*(?:iso[-_]?8859|latin|l1\b|ascii|us-ascii|cp1252|windows-1252)", re.I
)
_C1_BYTES = bytes(range(0x80, 0xA0))
# A numeric reference to a C1 control (`&#146;`, `&#x92;`), which XML decodes as written.
_C1_REFERENCE_RE = re.compile(rb"&#(?:1(?:2[89]|[3-5][0-9])|[xX]0*[89][0-9a-fA-F]);")


def payload_may_need_scrub(payload: bytes) -> bool:
    """Whether items of this payload can hold characters `scrub_item` removes.

    Only raw control bytes (UTF-16 text has NULs too), JSON `\\u` escapes, bytes 0x80–0x9F in
    a document that names a single-byte encoding, or a reference to a C1 control can put them
    in a parser's output, and each is cheap to look for, so most payloads skip the per-item
    scan entirely. A two-byte search compares at nearly every position of a big payload, so a
    backslash (one byte: `memchr`) is looked for first.
    """
    if b"\\" in payload and b"\\u" in payload:
        return True
    head = payload[:300]
    if _SINGLE_BYTE_RE.search(head) and len(payload.translate(None, _C1_BYTES)) != len(payload):
        return True
    if b"&#" in payload and _C1_REFERENCE_RE.search(payload):
        return True
    return len(payload.translate(None, _C0_BYTES)) != len(payload)
