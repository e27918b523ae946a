"""What the public read side hands to channels: plain, frozen records, no database handle.

The words, as everywhere in wiredesk: a *copy* (an item) is one source's version of the
news, at its current version; a *story* is the group of copies several wires sent of the
same news. Channels render copies; "Also reported by" names the other copies of a copy's
story.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from wiredesk.store.public.media import rendition_url
from wiredesk.text.search_keys import QueryTerms

# List columns stored as JSON text (store/schema.py), decoded here once.
JSON_FIELDS = ("categories", "subjects", "keywords", "provenance", "images", "pictures")


def normalize_name(name: str) -> str:
    """An originator's name as compared: NFC, runs of whitespace as one space."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def copy_path(section: str, slug: str, short_id: str) -> str:
    """The stable article URL path of a copy: /<section>/<slug>-<short id>."""
    return f"/{section}/{slug}-{short_id}"


@dataclass(frozen=True, slots=True)
class Picture:
    """A picture the site hosts, as a page shows it: renditions `widths` wide (ascending,
    never wider than the original), each as WebP and JPEG under /media/, the original's
    upright size, and the agency's caption and credit.

    `alt` is the caption (agencies write captions that describe the picture); empty when the
    agency sent none, which tells screen readers the picture adds nothing the text does not.
    """

    sha256: str
    width: int
    height: int
    widths: tuple[int, ...]
    caption: str | None = None
    credit: str | None = None
    href: str = ""  # the address the copy named it by (the agency's; never put on a page)

    @property
    def alt(self) -> str:
        return self.caption or ""

    def url(self, width: int, ext: str = "jpg") -> str:
        """The site path of the rendition `width` wide, as WebP ("webp") or JPEG ("jpg")."""
        return rendition_url(self.sha256, width, ext)

    def srcset(self, ext: str = "jpg") -> str:
        """Every rendition of one type, for `srcset`: `/media/…-320.jpg 320w, …`."""
        return ", ".join(f"{self.url(w, ext)} {w}w" for w in self.widths)

    @property
    def src(self) -> str:
        """The JPEG a browser without `srcset` loads: the middle width (640 when made)."""
        return self.url(self.widths[min(1, len(self.widths) - 1)])

    @property
    def display_width(self) -> int:
        """The largest rendition's size: the `width`/`height` a page gives the `<img>`, so
        the browser keeps the picture's room before it arrives."""
        return self.widths[-1]

    @property
    def display_height(self) -> int:
        return max(1, round(self.height * self.widths[-1] / self.width))

    @property
    def largest(self) -> str:
        """The largest JPEG rendition: what search engines and social sites are given."""
        return self.url(self.widths[-1])


def hosted_picture(record: Mapping[str, Any], image: Mapping[str, Any] | None = None) -> Picture:
    """A `Picture` from one of `Copy.pictures` (what the fetcher recorded), with the caption
    and credit of the copy's `image` that named it, when there is one."""
    caption = credit = None
    if image is not None:
        caption = (str(image.get("caption") or "").strip()) or None
        credit = (str(image.get("credit") or "").strip()) or None
    return Picture(
        sha256=str(record["sha256"]),
        width=int(record["width"]),
        height=int(record["height"]),
        widths=tuple(int(w) for w in record["widths"]),
        caption=caption,
        credit=credit,
        href=str(record.get("href") or ""),
    )


@dataclass(slots=True, frozen=True)
class Copy:
    """A copy at its current version, as channels render it."""

    item_id: int
    short_id: str
    source_id: str
    guid: str
    slug: str
    section: str
    state: str
    language: str | None
    version_count: int
    published_at: datetime
    updated_at: datetime | None
    version: int
    headline: str
    summary: str
    body_html: str
    body_text: str
    byline: str | None
    link: str | None
    categories: list[str]
    credit_line: str | None
    originator: str | None
    upstream_disclaimer: str | None
    upstream_source: str | None
    dateline_place: str | None
    dateline_date: str | None
    subheadline: str | None = None
    slugline: str | None = None
    urgency: int | None = None
    subjects: list[dict[str, Any]] = field(default_factory=list)  # {code, name, scheme}
    keywords: list[str] = field(default_factory=list)
    copyright: str | None = None
    usage_terms: str | None = None
    provenance: list[dict[str, Any]] = field(default_factory=list)  # {role, name, uri, ...}
    images: list[dict[str, Any]] = field(default_factory=list)  # {href, caption, ...}
    story_id: int | None = None  # the story this copy belongs to
    # The pictures the site hosts for this copy: {href, sha256, width, height, widths}, `href`
    # as the copy names it (in `images` or an `<img>` of the body).
    pictures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def path(self) -> str:
        """The stable article URL path: /<section>/<slug>-<short id>."""
        return copy_path(self.section, self.slug, self.short_id)

    @property
    def picture(self) -> Picture | None:
        """The copy's lead picture, hosted by the site: the first of the agency's pictures
        (`images`, in the order the agency gave them) that has arrived. None while none has,
        and for a source whose pictures the site does not host."""
        if not self.pictures:
            return None
        hosted = {str(p.get("href")): p for p in self.pictures}
        for image in self.images:
            record = hosted.get(str(image.get("href")))
            if record is not None:
                return hosted_picture(record, image)
        return None

    def hosted(self, href: str) -> Picture | None:
        """The hosted picture the copy names `href` (an `<img src>` of its body), if any."""
        for record in self.pictures:
            if record.get("href") == href:
                image = next((i for i in self.images if i.get("href") == href), None)
                return hosted_picture(record, image)
        return None

    @property
    def teaser(self) -> str:
        if self.summary:
            return self.summary
        first = self.body_text.split("\n\n", 1)[0]
        return first if len(first) <= 300 else first[:297].rsplit(" ", 1)[0] + " …"


def copy_from_row(m: Mapping[Any, Any]) -> Copy:
    """A `Copy` from a row of `queries.COPY_COLUMNS`."""
    data = dict(m)
    for name in JSON_FIELDS:
        raw = data[name]
        # most copies have no subjects, images or provenance: skip the parser for "[]"
        data[name] = json.loads(raw) if raw and raw != "[]" else []
    return Copy(**data)


_MAX_ID = 2**63 - 1  # the largest id either database stores


@dataclass(frozen=True, slots=True)
class Cursor:
    """Where a page of a list ends: the next page holds the copies listed after this one
    (older, or as old with a smaller id). Written into "older stories" links."""

    published_at: datetime
    item_id: int

    def token(self) -> str:
        return f"{self.published_at.astimezone(UTC):%Y%m%d%H%M%S%f}-{self.item_id}"

    @classmethod
    def parse(cls, token: str) -> Cursor | None:
        """The cursor a token names, or None if it is not one (a hand-edited URL)."""
        when, _, item_id = token.partition("-")
        if not (when.isascii() and when.isdigit() and item_id.isascii() and item_id.isdigit()):
            return None
        # Ids are 64-bit: a longer number is no cursor, and would fail in the database (or,
        # past 4,300 digits, in int() itself) instead of answering 404.
        if len(item_id) > 19 or int(item_id) > _MAX_ID:
            return None
        try:
            at = datetime.strptime(when, "%Y%m%d%H%M%S%f").replace(tzinfo=UTC)
        except ValueError:
            return None
        return cls(at, int(item_id))


@dataclass(frozen=True, slots=True)
class Scope:
    """Which list: the whole site, a section, an agency's copies, or an originator's; and in
    which language (an edition's lists hold only its language's copies; None: every
    language, as operators see them)."""

    section: str | None = None
    source_id: str | None = None
    originator: str | None = None
    language: str | None = None

    def tag(self) -> str:
        """The page-cache tag of this list: what a write that changes it says (`scope_tags`)."""
        if self.section is not None:
            kind = f"section:{self.section}"
        elif self.source_id is not None:
            kind = f"source:{self.source_id}"
        elif self.originator is not None:
            kind = f"originator:{normalize_name(self.originator)}"
        else:
            kind = "home"
        return f"{kind}@{self.language}" if self.language else kind


def scope_tags(
    section: str, source_id: str, originator: str | None, language: str | None
) -> set[str]:
    """The tags of every list a copy with these columns may appear in: its language's whole
    list, its section's, its agency's and its originator's (`Scope.tag` of each). A change to
    an English copy so drops the English edition's pages and leaves the Hindi ones alone."""
    scopes = [
        Scope(language=language),
        Scope(section=section, language=language),
        Scope(source_id=source_id, language=language),
    ]
    if originator:
        scopes.append(Scope(originator=originator, language=language))
    return {s.tag() for s in scopes}


EVERYTHING = Scope()  # the whole site's list


@dataclass(frozen=True, slots=True)
class CopyPage:
    """One page of a list, newest first, and where the next (older) page starts."""

    copies: list[Copy]
    older: Cursor | None


@dataclass(slots=True, frozen=True)
class VersionLine:
    """One version in a copy's history, as the article page lists it.

    `time` is the agency's time for the version, as the page's header reads it (the first
    version's publication time; a later one's update time, when the agency says one after
    first publication, else its arrival); `received_at` is when it arrived, which the page
    shows beside it where the two differ.
    """

    version: int
    headline: str
    received_at: datetime
    time: datetime

    @property
    def arrived_apart(self) -> bool:
        """Whether arrival and the agency's time differ by a minute or more."""
        return abs((self.received_at - self.time).total_seconds()) >= 60


def version_times(rows: Sequence[Any]) -> list[datetime]:
    """The agency's time of each version (rows oldest first, with `received_at`,
    `source_published_at` and `source_updated_at`), by the rules the header's published and
    updated times follow (ledger: `first_public`, `update_time`): never after arrival, and a
    later version's told time only when it is after the first's."""
    out: list[datetime] = []
    for r in rows:
        arrived = r.received_at
        if not out:
            told = r.source_published_at or r.source_updated_at
            out.append(min(told, arrived) if told else arrived)
            continue
        told = r.source_updated_at or r.source_published_at
        good = told is not None and out[0] < told <= arrived
        out.append(told if good else arrived)
    return out


@dataclass(slots=True, frozen=True)
class Correction:
    """A dated correction note: when the correcting version arrived and what the agency said."""

    time: datetime
    note: str | None
    version: int


@dataclass(slots=True, frozen=True)
class CopyDetail:
    """Everything an article page shows of one copy."""

    copy: Copy
    versions: list[VersionLine] = field(default_factory=list)  # newest first
    corrections: list[Correction] = field(default_factory=list)  # oldest first


@dataclass(frozen=True, slots=True)
class OtherCopy:
    """Another public copy of the same story, as "Also reported by" names it."""

    item_id: int
    short_id: str
    source_id: str
    path: str  # the article path of this copy
    language: str | None = None


@dataclass(slots=True, frozen=True)
class SourceState:
    """What the poller last recorded about a source (`source_state`)."""

    source_id: str
    url: str | None
    etag: str | None
    last_modified: str | None
    last_polled_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    next_poll_at: datetime | None
    consecutive_failures: int
    configured_url: str | None = None


@dataclass(slots=True, frozen=True)
class SitemapEntry:
    """One listed copy as a sitemap names it: its address and its times, and for the news
    sitemap its headline."""

    path: str
    language: str | None
    published: datetime  # when the public first saw it (an embargo's end, if later)
    modified: datetime  # its last change: the current version's time, else `published`
    headline: str | None = None


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A reader's search: the folded words and phrases of what they typed
    (`wiredesk.text.search_keys.parse_query`), and the filters they chose. Dates bound the
    copies' publication time: `since` inclusive, `until` exclusive."""

    terms: QueryTerms
    section: str | None = None
    source_id: str | None = None
    language: str | None = None
    originator: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of search results, newest first, and the item id the next page starts below
    (None: no more)."""

    copies: list[Copy]
    more_after: int | None
