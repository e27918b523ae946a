"""wiredesk as a library: what wiredesk makes of an agency file, without a site.

    import wiredesk
    items = wiredesk.parse(open("feed.xml", "rb").read(), location="feed.xml")

`parse` detects the format (RSS, Atom, JSON Feed, ninjs, NewsML-G2, NITF, IPTC 7901/ANPA),
reads every item and runs the pipeline's stages as ingest does: the body sanitized, the
credit line, upstream disclaimer, `Source : X` line and dateline lifted into fields, the
language settled, a slug made. The result is what a site would store. These names are the
stable library surface (docs/api.md); everything else in the package may change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from wiredesk import formats, pipeline
from wiredesk.errors import FormatError
from wiredesk.model import Envelope, Item, Transport

__all__ = ["FormatError", "Item", "Parsed", "parse", "parse_document"]

# The section an item is filed under when nothing says otherwise (as a source's default).
DEFAULT_SECTION = "news"


@dataclass(slots=True)
class Parsed:
    """One document as wiredesk reads it: its format, its items, and per-item problems that
    did not stop the rest (one line each)."""

    format: str
    items: list[Item] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def parse_document(
    data: bytes,
    *,
    content_type: str | None = None,
    location: str | None = None,
    format: str = "auto",
) -> Parsed:
    """`parse`, with the document's format and its per-item problems.

    An item that fails in the pipeline is left out and named in `problems`, as ingest would
    quarantine it; a document that cannot be read at all raises `FormatError`.
    """
    where = location or "<bytes>"
    env = Envelope(
        source_id="parse",
        payload=data,
        transport=Transport.FILE,
        location=where,
        content_type=content_type,
    )
    result = formats.parse(env, format)
    ctx = pipeline.StageContext(
        source_name=_source_name(location),
        default_section=DEFAULT_SECTION,
        site_language="",
        feed_language=result.language,
    )
    out = Parsed(format=result.format, problems=list(result.problems))
    for item in result.items:
        try:
            out.items.append(pipeline.process(item, ctx))
        except Exception as e:  # one bad item never hides the others
            out.problems.append(f"item {item.guid}: {type(e).__name__}: {e}")
    return out


def parse(
    data: bytes, *, content_type: str | None = None, location: str | None = None
) -> list[Item]:
    """The items of one agency document, as wiredesk would store them.

    `content_type` (an HTTP Content-Type, if the bytes came over HTTP) helps decoding;
    `location` (a URL or file name) is used in error messages and to make relative links
    absolute. Raises `wiredesk.FormatError` when the document cannot be read at all.
    """
    return parse_document(data, content_type=content_type, location=location).items


def _source_name(location: str | None) -> str:
    """A name for the source the document came from: its host, if it came from a URL."""
    if location:
        host = urlsplit(location).hostname
        if host:
            return host
    return ""
