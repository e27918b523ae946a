"""wiredesk: news-agency feeds in; a live news site and clean feeds out, with provenance.

The stable library surface is `wiredesk.parse` (and `parse_document`), `wiredesk.Item` and
`wiredesk.FormatError` (docs/api.md). They are loaded on first use, so that starting the
`wiredesk` command does not pay for the parsers it may not need.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wiredesk.version import __version__

__all__ = ["FormatError", "Item", "Parsed", "__version__", "parse", "parse_document"]

if TYPE_CHECKING:
    from wiredesk.api import FormatError, Item, Parsed, parse, parse_document


def __getattr__(name: str) -> Any:
    if name in ("parse", "parse_document", "Parsed", "Item", "FormatError"):
        from wiredesk import api

        return getattr(api, name)
    raise AttributeError(f"module 'wiredesk' has no attribute {name!r}")
