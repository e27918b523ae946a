"""Text a parser hands over must be text every later step can store and write out.

Feeds carry NUL bytes, other C0 control characters, and (in JSON, as `\\ud800` escapes) lone
surrogates. PostgreSQL refuses NUL in text, UTF-8 cannot encode a lone surrogate, and XML 1.0
(our outbound RSS and Atom) allows neither; one such character in one headline would otherwise
fail that item's save or, worse, every outbound feed that lists it. So they are removed (or,
for surrogates, replaced with U+FFFD) where items leave the parsers, whatever the format.
"""

from __future__ import annotations

from wiredesk.text.controls import clean_text as clean_text
from wiredesk.text.controls import may_decode_to_controls as may_decode_to_controls
from wiredesk.text.controls import scrub_item as scrub_item

_C0_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))


def payload_may_need_scrub(payload: bytes) -> bool:
    """Whether items of this payload can hold characters `scrub_item` removes.

    Only raw control bytes (UTF-16 text has NULs too) or JSON `\\u` escapes can put them in a
    parser's output, and both are cheap to look for in C, so most payloads skip the per-item
    scan entirely. A two-byte search compares at nearly every position of a big payload, so a
    backslash (one byte: `memchr`) is looked for first.
    """
    if b"\\" in payload and b"\\u" in payload:
        return True
    return len(payload.translate(None, _C0_BYTES)) != len(payload)
