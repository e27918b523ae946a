"""Format parsers: one `Envelope` in, one `ParseResult` of `Item`s out.

`parse(envelope)` is the only entry point the rest of wiredesk needs. It detects the format
from the payload (unless the source's settings name one), reads it with the parser for that
format, and makes relative item links absolute against the URL the payload came from.
A payload that is not a readable feed raises `FormatError` naming where it came from.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urljoin, urlsplit

from wiredesk.errors import FormatError
from wiredesk.formats.detect import AGENCY_FORMATS, ALL_FORMATS, FEED_FORMATS, detect
from wiredesk.formats.entities import expand_internal_entities
from wiredesk.formats.feeds import parse_xml_feed
from wiredesk.formats.iptc7901 import parse_wire_text
from wiredesk.formats.jsonfeed import parse_jsonfeed
from wiredesk.formats.limits import check_document_size, check_item_count
from wiredesk.formats.newsml_g2 import parse_newsml_g2
from wiredesk.formats.ninjs import parse_ninjs
from wiredesk.formats.nitf import parse_nitf
from wiredesk.formats.scrub import payload_may_need_scrub, scrub_item
from wiredesk.model import Envelope, ParseResult

__all__ = [
    "AGENCY_FORMATS",
    "ALL_FORMATS",
    "FEED_FORMATS",
    "FormatError",
    "detect",
    "parse",
    "parse_payload",
]

# The formats read by an XML parser, whose documents may declare entities.
_XML_FORMATS = frozenset({"rss", "rdf", "atom", "newsml-g2", "nitf"})


def parse(envelope: Envelope, format: str = "auto") -> ParseResult:
    """Items of one received payload. `format` is "auto" (detect) or one of `ALL_FORMATS`.

    Payloads over the limits in `formats.limits` are refused before or right after parsing;
    items come out with text every later step can store and serialize (`formats.scrub`).
    """
    try:
        check_document_size(envelope.payload)
        result = parse_payload(
            envelope.payload, format, envelope.content_type, received_at=envelope.received_at
        )
        check_item_count(len(result.items))
    except FormatError as e:
        raise FormatError(f"{envelope.location}: {e}") from None
    if payload_may_need_scrub(envelope.payload):
        for item in result.items:
            scrub_item(item)
    if urlsplit(envelope.location).scheme in ("http", "https"):
        for item in result.items:
            if item.link and not urlsplit(item.link).scheme:
                item.link = urljoin(envelope.location, item.link)
            for image in item.images:  # a picture named relative to the feed's address
                if not urlsplit(image.href).scheme:
                    image.href = urljoin(envelope.location, image.href)
    return result


def parse_payload(
    payload: bytes,
    format: str = "auto",
    content_type: str | None = None,
    *,
    received_at: datetime | None = None,
) -> ParseResult:
    """`parse` for bare bytes, for callers (tests, tools) that have no envelope.

    `received_at` gives the year to wire formats whose headers carry only month and day.
    """
    if format == "auto":
        format = detect(payload, content_type)
    elif format == "anpa1312":
        format = "iptc7901"
    elif format not in ALL_FORMATS:
        raise FormatError(f"unknown format {format!r}; use auto or one of {', '.join(ALL_FORMATS)}")
    if format in _XML_FORMATS:  # no XML parser is given an entity declaration
        payload = expand_internal_entities(payload)
    if format == "jsonfeed":
        return parse_jsonfeed(payload)
    if format == "ninjs":
        return parse_ninjs(payload)
    if format == "newsml-g2":
        return parse_newsml_g2(payload)
    if format == "nitf":
        return parse_nitf(payload)
    if format == "iptc7901":
        return parse_wire_text(payload, received_at=received_at)
    return parse_xml_feed(payload, format, content_type)
