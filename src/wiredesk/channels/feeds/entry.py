"""One entry view: what every outbound feed says about one copy, computed once.

RSS, Atom and JSON Feed differ in syntax, not in content: subscribers downstream get what a
reader of the site gets — dated correction notes, the body, the originator's credit line, the
site's disclaimer for that agency and the agency's name — so provenance (and what was
corrected) survives syndication. Every URL is absolute (from `site.base_url`) because feed
readers resolve nothing.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from markupsafe import escape

from wiredesk.channels.copy_extras import correction_text, provenance_steps
from wiredesk.channels.i18n import strings
from wiredesk.channels.pictures import article_body, feed_lead, feed_picture, lead_picture
from wiredesk.config import Edition, Settings
from wiredesk.store.public.views import Copy, Correction

# short id -> that copy's corrections, oldest first; copies without any may be absent.
Corrections = Mapping[str, Sequence[Correction]]
# short id -> source ids of the other agencies that reported the same story.
AlsoReported = Mapping[str, Sequence[str]]

FEED_SIZE = 50


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """What one feed is: its title and where it and its HTML page live (paths, not URLs)."""

    title: str
    description: str
    home_path: str  # "/" or "/<section>/", under the edition's prefix ("/en/khel/")
    feed_dir: str  # "/" or "/<section>/" (the same); the three feeds live under it
    now: datetime
    language: str | None = None  # the edition's; None: the site's


@dataclass(frozen=True, slots=True)
class Entry:
    """One copy as every feed format tells it."""

    url: str
    title: str
    teaser: str
    content_html: str
    author: str
    originator: str | None
    tags: list[str]
    published: datetime
    modified: datetime
    language: str | None
    provenance: dict[str, Any]  # the `_wiredesk` object; RSS and Atom carry it as elements
    # the entry as a serializer wrote it, by format ("json"), kept with the entry so that a
    # feed made again (`EntryCache`) writes only its new entries
    written: dict[str, str] = field(default_factory=dict, compare=False, repr=False)


def source_name(settings: Settings, source_id: str) -> str:
    src = settings.source(source_id)
    return src.name if src else source_id


def disclaimer(settings: Settings, source_id: str) -> str:
    src = settings.source(source_id)
    return src.disclaimer if src else ""


def _edition_of(settings: Settings, copy: Copy) -> Edition:
    """The edition a copy is published in; the site's own for one in a language without one
    (no list or feed of the site has such a copy)."""
    return settings.site.edition(copy.language) or settings.site.main_edition


def content_html(settings: Settings, copy: Copy, corrections: Sequence[Correction] = ()) -> str:
    """The body as the article page shows it: correction notes first (in the copy's edition's
    language), then the lead picture the site hosts, the body (its pictures the site's, never
    the agency's: channels/pictures.py) with credit, disclaimer and source appended."""
    language = _edition_of(settings, copy).language
    t = strings(language)
    parts = [
        f'<p class="correction">{escape(correction_text(c, settings.site, t, language))}</p>'
        for c in corrections
    ]
    mode = src.images if (src := settings.source(copy.source_id)) else "link"
    lead = lead_picture(copy, mode)
    if lead is not None:
        parts.append(str(feed_lead(lead, settings.site.base_url)))
    picture = feed_picture(settings.site.base_url)
    parts.append(str(article_body(copy, mode, lead, picture, t["image"])))
    if copy.credit_line:
        parts.append(f'<p class="credit-line">{escape(copy.credit_line)}</p>')
    text = disclaimer(settings, copy.source_id)
    if text:
        parts.append(f'<p class="disclaimer">{escape(text)}</p>')
    parts.append(
        f'<p class="source-line">Source: {escape(source_name(settings, copy.source_id))}</p>'
    )
    return "\n".join(parts)


def provenance_json(settings: Settings, copy: Copy, also: Sequence[str] = ()) -> dict[str, Any]:
    """Originator, provenance chain and the other agencies that reported the story."""
    src = settings.source(copy.source_id)
    steps = provenance_steps(
        copy, source_name(settings, copy.source_id), settings.site.name, src.aliases if src else ()
    )
    return {
        "originator": copy.originator,
        "provenance": [{"role": st.role, "name": st.name} for st in steps],
        "also_reported_by": [{"source": sid, "name": source_name(settings, sid)} for sid in also],
    }


def entries(
    settings: Settings,
    copies: Sequence[Copy],
    corrections: Corrections | None = None,
    also: AlsoReported | None = None,
) -> list[Entry]:
    """The entry view of each copy, in order."""
    fixes, others = corrections or {}, also or {}
    return [
        make_entry(settings, c, fixes.get(c.short_id, ()), others.get(c.short_id, ()))
        for c in copies
    ]


def make_entry(
    settings: Settings, c: Copy, fixes: Sequence[Correction], also: Sequence[str]
) -> Entry:
    site = settings.site
    edition = _edition_of(settings, c)
    tags = [site.section_name(c.section, edition.language)]
    tags += [cat for cat in c.categories if cat and cat not in tags]
    return Entry(
        url=site.base_url + edition.prefix + c.path,
        title=c.headline,
        teaser=c.teaser,
        content_html=content_html(settings, c, fixes),
        author=c.byline or source_name(settings, c.source_id),
        originator=c.originator,
        tags=tags,
        published=c.published_at,
        modified=c.updated_at or c.published_at,
        language=c.language,
        provenance=provenance_json(settings, c, also),
    )


class EntryCache:
    """Entries as last made, so that a feed made again makes (and writes) only its new ones.

    After a push every feed the new copy is in is made again, and each push waits for
    /feed.json to show it: making fifty entries and encoding them was most of that render.
    An entry is kept with the copy, corrections and other agencies it was made from and
    reused only while all three are the same: the copy is the very object the reader's
    `CopyCache` hands out for an unchanged row, so a changed copy is always made anew.
    """

    def __init__(self, settings: Settings, size: int = 2048) -> None:
        self.settings = settings
        self.size = size
        self._kept: OrderedDict[str, tuple[Copy, tuple[Any, ...], tuple[str, ...], Entry]] = (
            OrderedDict()
        )
        self._lock = threading.Lock()

    def entries(
        self,
        copies: Sequence[Copy],
        corrections: Corrections | None = None,
        also: AlsoReported | None = None,
    ) -> list[Entry]:
        """As `entries`, reusing what is kept."""
        fixes, others = corrections or {}, also or {}
        out: list[Entry] = []
        for c in copies:
            mine = tuple(fixes.get(c.short_id, ()))
            theirs = tuple(others.get(c.short_id, ()))
            with self._lock:
                kept = self._kept.get(c.short_id)
            if kept is not None and kept[0] is c and kept[1] == mine and kept[2] == theirs:
                entry = kept[3]
            else:
                entry = make_entry(self.settings, c, mine, theirs)
                with self._lock:
                    self._kept[c.short_id] = (c, mine, theirs, entry)
                    while len(self._kept) > self.size:
                        self._kept.popitem(last=False)
            out.append(entry)
        return out
