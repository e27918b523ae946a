"""Bounds every payload must keep before a parser spends memory or stack on it.

Agency payloads come from outside; a document that is far bigger, deeper or longer than any
real news feed is either a mistake or an attack, and refusing it with a clear error keeps the
rest of the site working. The limits are generous for real feeds (the largest agency feeds we
know carry a few thousand items in a few megabytes) and documented in docs/operations.md.
"""

from __future__ import annotations

import re

from wiredesk.errors import FormatError

# The largest payload any parser is given (a 100,000-item RSS feed is about 30 MB).
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
# The most items one payload may carry; a feed with more is refused as a whole, so that a
# runaway export cannot hold the ingest worker for many minutes. Split such files.
MAX_ITEMS_PER_PAYLOAD = 20_000
# The deepest JSON nesting accepted (JSON Feed and ninjs need under 10). Python's decoder
# recurses once per level, so depth must be checked before decoding.
MAX_JSON_DEPTH = 64

# Strings are matched whole (possessively: an unterminated string costs linear time, not
# exponential) so that brackets inside them do not count towards the depth.
_DEPTH_TOKEN_RE = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[\]{}]')


def check_document_size(payload: bytes) -> None:
    if len(payload) > MAX_DOCUMENT_BYTES:
        raise FormatError(
            f"the payload is {_mb(len(payload))}, over the {_mb(MAX_DOCUMENT_BYTES)} limit "
            "for one document; ask the agency for smaller files (or split the file)"
        )


def check_item_count(count: int) -> None:
    if count > MAX_ITEMS_PER_PAYLOAD:
        raise FormatError(
            f"the payload has {count:,} items, over the limit of {MAX_ITEMS_PER_PAYLOAD:,} "
            "per payload; split it into smaller files"
        )


def check_json_depth(text: str, what: str) -> None:
    """Refuse JSON nested deeper than MAX_JSON_DEPTH, before anything decodes it."""
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return
    depth = 0
    for m in _DEPTH_TOKEN_RE.finditer(text):
        token = m.group()
        if token in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise FormatError(
                    f"not readable {what}: JSON nested deeper than {MAX_JSON_DEPTH} levels "
                    f"(at character {m.start()}); a news item is never that deep"
                )
        elif token in "]}":
            depth -= 1


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
