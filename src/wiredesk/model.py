"""The one vocabulary every part of wiredesk speaks.

Parsers produce `Item`s from an `Envelope`; pipeline stages return new `Item`s with more
fields filled in; the store keeps them; channels only ever read what the store gives back.
Nothing downstream of a parser knows which format an item came from.

The shape follows IPTC ninjs where it can (guid, version, headline, body, byline, language,
subjects) so that later agency formats map onto it without new concepts.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum


def utcnow() -> datetime:
    """Aware UTC now; every time wiredesk stores is aware and in UTC."""
    return datetime.now(UTC)


class Transport(StrEnum):
    """How a payload reached us; kept on the envelope for provenance and for retries."""

    HTTP = "http"
    FILE = "file"
    FOLDER = "folder"
    PUSH = "push"


class EnvelopeStatus(StrEnum):
    RECEIVED = "received"  # stored raw, not yet parsed
    PROCESSED = "processed"  # parsed and every item went through
    FAILED = "failed"  # the payload as a whole could not be parsed; error says why


class ItemState(StrEnum):
    """Where a story stands for the public. Issue 2 uses published and held only."""

    PUBLISHED = "published"
    HELD = "held"  # the source has auto_publish = false: editors must approve


@dataclass(slots=True)
class Envelope:
    """One payload exactly as it was received. Stored before anything tries to parse it."""

    source_id: str
    payload: bytes
    transport: Transport
    location: str  # the URL fetched or the file path picked up
    received_at: datetime = field(default_factory=utcnow)
    content_type: str | None = None
    id: int | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.payload).hexdigest()


@dataclass(slots=True)
class Item:
    """One story version as a parser read it, progressively enriched by pipeline stages.

    Parsers fill the "as sent" fields. Stages fill the "lifted" fields and may rewrite
    `body_html` (sanitized, attribution lines removed). Times are aware UTC datetimes.
    """

    # --- as sent by the source -------------------------------------------------------
    guid: str
    headline: str = ""
    body_html: str = ""  # the story body; sanitized by the pipeline, never trusted before
    summary: str = ""  # plain text teaser, if the feed sent one separate from the body
    link: str | None = None  # the story's URL at the source, if any
    version: int | None = None  # the source's own version number, if the format has one
    published_at: datetime | None = None  # first published, per the source
    updated_at: datetime | None = None  # this version's time, per the source
    language: str | None = None  # BCP 47 as sent (item, or feed-level fallback)
    byline: str | None = None
    categories: list[str] = field(default_factory=list)
    format: str = ""  # which parser produced it: "rss", "atom", "rdf", "jsonfeed", ...

    # --- lifted by the pipeline ------------------------------------------------------
    body_text: str = ""  # plain text of the final body, for hashing, search and teasers
    credit_line: str | None = None  # the originator's credit exactly as written
    originator: str | None = None  # who the credit names, e.g. "चाइना मीडिया ग्रुप, पेइचिंग"
    upstream_disclaimer: str | None = None  # a disclaimer another website appended
    upstream_source: str | None = None  # a trailing "Source : X" another website appended
    dateline_place: str | None = None
    dateline_date: str | None = None  # as written in the story, e.g. "5 फरवरी"
    slug: str | None = None  # readable Latin, from the headline
    section: str | None = None  # the site section the story is filed under

    def content_hash(self) -> str:
        """Identity of a version's content: what a reader would see change."""
        h = hashlib.sha256()
        for part in (self.headline, self.body_html, self.summary, self.byline or ""):
            h.update(part.encode("utf-8"))
            h.update(b"\x00")
        return h.hexdigest()


@dataclass(slots=True)
class ParseResult:
    """What a format parser got out of one envelope.

    `items` are the items that parsed; `problems` are per-item problems (one line each) that
    did not stop the rest of the payload. A payload that cannot be read at all raises
    `wiredesk.errors.FormatError` instead.
    """

    format: str
    items: list[Item] = field(default_factory=list)
    title: str | None = None  # the feed's own title, if any
    language: str | None = None  # the feed-level language, if declared
    problems: list[str] = field(default_factory=list)
