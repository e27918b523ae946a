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
    """Where a story stands by our own decision (routing, editors), apart from the agency's."""

    PUBLISHED = "published"
    HELD = "held"  # a routing rule or the source's mode (auto_publish = false) held it


# What `items.decided_by` says of a copy no routing rule matched: its source's own mode
# (`auto_publish`) decided whether it was published or held.
SOURCE_MODE = "source mode"


class RouteAction(StrEnum):
    """What routing does with a new copy: a rule's `action`, or its source's mode."""

    PUBLISH = "publish"
    HOLD = "hold"  # for an editor to approve
    DROP = "drop"  # not stored as a copy at all (its payload is kept, as every payload is)


@dataclass(frozen=True, slots=True)
class Routing:
    """The decision on one new copy, and who made it: a rule's name, or SOURCE_MODE."""

    action: RouteAction
    decided_by: str = SOURCE_MODE


class PubStatus(StrEnum):
    """The agency's word on a version (IPTC `pubStatus`): may it be used?"""

    USABLE = "usable"
    WITHHELD = "withheld"  # hidden until a later usable version
    CANCELED = "canceled"  # killed: take it down everywhere


class Signal(StrEnum):
    """What a version says about the ones before it (IPTC `signal`, ANPA/7901 codes)."""

    UPDATE = "update"
    CORRECTION = "correction"
    KILL = "kill"


@dataclass(slots=True)
class Subject:
    """A subject code with its scheme (`medtop`, `subj`, ...) and its name where given."""

    code: str
    name: str | None = None
    scheme: str | None = None


@dataclass(slots=True)
class Hop:
    """One step in a story's provenance chain, earliest first.

    `role` is "originator" (who wrote it), "distributor" (an agency passing it on) or "hop"
    (a system step from NewsML-G2 `hopHistory`).
    """

    role: str
    name: str
    uri: str | None = None
    time: datetime | None = None
    action: str | None = None


@dataclass(slots=True)
class ImageLink:
    """An associated picture as the agency named it: its address (as written, perhaps
    relative to the payload), caption, credit and size. Whether the site hosts it, links to
    it or shows nothing is the source's `images` setting (docs/configuration.md)."""

    href: str
    caption: str | None = None
    width: int | None = None
    height: int | None = None
    mime: str | None = None
    credit: str | None = None  # who made or owns the picture, as the agency credits it


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
    format: str = ""  # which parser produced it: "rss", "atom", "ninjs", "newsml-g2", ...

    # --- agency metadata (ninjs, NewsML-G2, NITF, IPTC 7901 / ANPA) --------------------
    pub_status: PubStatus = PubStatus.USABLE
    signals: list[Signal] = field(default_factory=list)
    embargo_until: datetime | None = None  # not to be shown anywhere before this time
    urgency: int | None = None  # 1 (most urgent) .. 9, as the agency sent it
    priority: int | None = None  # 1 .. 9, as the agency sent it
    subheadline: str | None = None
    slugline: str | None = None  # the agency's short label, e.g. "CHINA-KAZAKHSTAN/"
    subjects: list[Subject] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    copyright: str | None = None
    usage_terms: str | None = None
    provenance: list[Hop] = field(default_factory=list)  # originator ... distributor
    images: list[ImageLink] = field(default_factory=list)
    correction_note: str | None = None  # the agency's note on what was corrected

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
        """Identity of a version: what a reader would see change, and the agency's lifecycle
        word on it. The same text re-sent as withheld, embargoed, killed or as a numbered new
        version is a different version; the same payload replayed is not.
        """
        parts = (
            self.headline,
            self.body_html,
            self.summary,
            self.byline or "",
            "" if self.version is None else str(self.version),
            self.pub_status.value if self.pub_status is not PubStatus.USABLE else "",
            self.embargo_until.isoformat() if self.embargo_until else "",
            ",".join(sorted(s.value for s in self.signals)),
            self.correction_note or "",
        )
        # Each part's UTF-8 followed by a NUL byte (the form every stored hash has), encoded
        # and hashed in one call rather than two per part.
        return hashlib.sha256(("\x00".join(parts) + "\x00").encode()).hexdigest()


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
    # Items the parser itself knows may be cut short (position in `items`: why), such as a
    # wire message that breaks off before its end-of-text mark; ingest holds them.
    cut_short: dict[int, str] = field(default_factory=dict)
