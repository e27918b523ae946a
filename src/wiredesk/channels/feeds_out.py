"""Outbound feeds: RSS 2.0, Atom 1.0 and JSON Feed 1.1 from the same public stories.

Subscribers downstream get what a reader of the site gets: dated correction notes, the body,
the originator's credit line, the site's disclaimer for that agency and the agency's name, so
provenance (and what was corrected) survives syndication. XML is built with lxml so escaping
is never hand-rolled; every URL is absolute (from `site.base_url`) because feed readers
resolve nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree
from markupsafe import escape

from wiredesk.channels.i18n import strings
from wiredesk.channels.story_extras import correction_text, provenance_steps
from wiredesk.channels.timefmt import iso, rfc822
from wiredesk.config import Settings
from wiredesk.store import Correction, Story

# short id -> that story's corrections, oldest first; stories without any may be absent.
Corrections = Mapping[str, Sequence[Correction]]
# short id -> source ids of the other agencies that reported the same story (store/stories.py).
AlsoReported = Mapping[str, Sequence[str]]

FEED_SIZE = 50
RSS_TYPE = "application/rss+xml; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
JSON_TYPE = "application/feed+json; charset=utf-8"

_ATOM_NS = "http://www.w3.org/2005/Atom"
_CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
_DC_NS = "http://purl.org/dc/elements/1.1/"
# Our extension for provenance and syndication in RSS and Atom (JSON Feed: `_wiredesk`);
# documented in docs/formats.md, "Outbound feeds".
WIREDESK_NS = "urn:wiredesk:provenance:1"
# Characters XML 1.0 forbids; lxml refuses them, and a stray one must not take the feed down.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """What one feed is: its title and where it and its HTML page live (paths, not URLs)."""

    title: str
    description: str
    home_path: str  # "/" or "/<section>/"
    feed_dir: str  # "/" or "/<section>/"; the three feeds live under it
    now: datetime


def source_name(settings: Settings, source_id: str) -> str:
    src = settings.source(source_id)
    return src.name if src else source_id


def disclaimer(settings: Settings, source_id: str) -> str:
    src = settings.source(source_id)
    return src.disclaimer if src else ""


def content_html(settings: Settings, story: Story, corrections: Sequence[Correction] = ()) -> str:
    """The body as the article page shows it: correction notes first, then the body with
    credit, disclaimer and source appended."""
    t = strings(settings.site.language)
    parts = [
        f'<p class="correction">{escape(correction_text(c, settings.site, t))}</p>'
        for c in corrections
    ]
    parts.append(story.body_html)
    if story.credit_line:
        parts.append(f'<p class="credit-line">{escape(story.credit_line)}</p>')
    text = disclaimer(settings, story.source_id)
    if text:
        parts.append(f'<p class="disclaimer">{escape(text)}</p>')
    parts.append(
        f'<p class="source-line">Source: {escape(source_name(settings, story.source_id))}</p>'
    )
    return "\n".join(parts)


def _url(settings: Settings, path: str) -> str:
    return settings.site.base_url + path


def _clean(text: str | None) -> str:
    return _NOT_XML.sub("", text or "")


def _author(settings: Settings, story: Story) -> str:
    return story.byline or source_name(settings, story.source_id)


def _tags(settings: Settings, story: Story) -> list[str]:
    tags = [settings.site.section_name(story.section)]
    tags += [c for c in story.categories if c and c not in tags]
    return tags


def _modified(story: Story) -> datetime:
    return story.updated_at or story.published_at


def provenance_json(settings: Settings, story: Story, also: Sequence[str] = ()) -> dict[str, Any]:
    """The `_wiredesk` object of a JSON Feed item; RSS and Atom carry the same in elements."""
    steps = provenance_steps(story, source_name(settings, story.source_id), settings.site.name)
    return {
        "originator": story.originator,
        "provenance": [{"role": st.role, "name": st.name} for st in steps],
        "also_reported_by": [{"source": sid, "name": source_name(settings, sid)} for sid in also],
    }


def _provenance_elements(
    settings: Settings, parent: etree._Element, story: Story, also: Sequence[str]
) -> None:
    """<wiredesk:provenance><wiredesk:step role="originator">...</wiredesk:step>...</...> and
    <wiredesk:alsoReportedBy><wiredesk:agency source="pti">PTI</wiredesk:agency>...</...>."""
    w = f"{{{WIREDESK_NS}}}"
    data = provenance_json(settings, story, also)
    if data["originator"]:
        _sub(parent, w + "originator", data["originator"])
    if data["provenance"]:
        chain = _sub(parent, w + "provenance")
        for step in data["provenance"]:
            _sub(chain, w + "step", step["name"], role=step["role"])
    if data["also_reported_by"]:
        others = _sub(parent, w + "alsoReportedBy")
        for other in data["also_reported_by"]:
            _sub(others, w + "agency", other["name"], source=other["source"])


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> Any:
    el = etree.SubElement(parent, tag, {k.rstrip("_"): v for k, v in attrib.items()})
    if text is not None:
        el.text = _clean(text)
    return el


def rss(
    settings: Settings,
    info: FeedInfo,
    stories: Sequence[Story],
    corrections: Corrections | None = None,
    *,
    also: AlsoReported | None = None,
) -> bytes:
    fixes = corrections or {}
    site = settings.site
    root = etree.Element(
        "rss",
        {"version": "2.0"},
        nsmap={"atom": _ATOM_NS, "content": _CONTENT_NS, "dc": _DC_NS, "wiredesk": WIREDESK_NS},
    )
    channel = _sub(root, "channel")
    _sub(channel, "title", info.title)
    _sub(channel, "link", _url(settings, info.home_path))
    _sub(channel, "description", info.description)
    _sub(channel, "language", site.language)
    _sub(channel, "lastBuildDate", rfc822(info.now))
    _sub(channel, "generator", "wiredesk")
    _sub(
        channel,
        f"{{{_ATOM_NS}}}link",
        href=_url(settings, info.feed_dir + "feed.xml"),
        rel="self",
        type="application/rss+xml",
    )
    for story in stories:
        url = _url(settings, story.path)
        item = _sub(channel, "item")
        _sub(item, "title", story.headline)
        _sub(item, "link", url)
        _sub(item, "guid", url, isPermaLink="true")
        _sub(item, "pubDate", rfc822(story.published_at))
        _sub(item, "description", story.teaser)
        _sub(
            item,
            f"{{{_CONTENT_NS}}}encoded",
            content_html(settings, story, fixes.get(story.short_id, ())),
        )
        _sub(item, f"{{{_DC_NS}}}creator", _author(settings, story))
        if story.originator:  # the resource this one derives from: who wrote it first
            _sub(item, f"{{{_DC_NS}}}source", story.originator)
        for tag in _tags(settings, story):
            _sub(item, "category", tag)
        _provenance_elements(settings, item, story, (also or {}).get(story.short_id, ()))
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def atom(
    settings: Settings,
    info: FeedInfo,
    stories: Sequence[Story],
    corrections: Corrections | None = None,
    *,
    also: AlsoReported | None = None,
) -> bytes:
    fixes = corrections or {}
    a = f"{{{_ATOM_NS}}}"
    root = etree.Element(a + "feed", nsmap={None: _ATOM_NS, "wiredesk": WIREDESK_NS})
    root.set("{http://www.w3.org/XML/1998/namespace}lang", settings.site.language)
    _sub(root, a + "id", _url(settings, info.home_path))
    _sub(root, a + "title", info.title)
    _sub(root, a + "subtitle", info.description)
    newest = max((_modified(s) for s in stories), default=info.now)
    _sub(root, a + "updated", iso(newest))
    _sub(
        root,
        a + "link",
        rel="self",
        type="application/atom+xml",
        href=_url(settings, info.feed_dir + "atom.xml"),
    )
    _sub(root, a + "link", rel="alternate", type="text/html", href=_url(settings, info.home_path))
    _sub(_sub(root, a + "author"), a + "name", settings.site.name)
    _sub(root, a + "generator", "wiredesk")
    for story in stories:
        url = _url(settings, story.path)
        entry = _sub(root, a + "entry")
        if story.language:
            entry.set("{http://www.w3.org/XML/1998/namespace}lang", story.language)
        _sub(entry, a + "id", url)
        _sub(entry, a + "title", story.headline)
        _sub(entry, a + "link", rel="alternate", type="text/html", href=url)
        _sub(entry, a + "published", iso(story.published_at))
        _sub(entry, a + "updated", iso(_modified(story)))
        _sub(_sub(entry, a + "author"), a + "name", _author(settings, story))
        for tag in _tags(settings, story):
            _sub(entry, a + "category", term=tag)
        _sub(entry, a + "summary", story.teaser, type="text")
        _sub(
            entry,
            a + "content",
            content_html(settings, story, fixes.get(story.short_id, ())),
            type="html",
        )
        _provenance_elements(settings, entry, story, (also or {}).get(story.short_id, ()))
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def json_feed(
    settings: Settings,
    info: FeedInfo,
    stories: Sequence[Story],
    corrections: Corrections | None = None,
    *,
    also: AlsoReported | None = None,
) -> bytes:
    fixes = corrections or {}
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": info.title,
        "description": info.description,
        "home_page_url": _url(settings, info.home_path),
        "feed_url": _url(settings, info.feed_dir + "feed.json"),
        "language": settings.site.language,
        "items": [
            {
                "id": _url(settings, s.path),
                "url": _url(settings, s.path),
                "title": s.headline,
                "content_html": content_html(settings, s, fixes.get(s.short_id, ())),
                "summary": s.teaser,
                "date_published": iso(s.published_at),
                "date_modified": iso(_modified(s)),
                "language": s.language or settings.site.language,
                "authors": [{"name": _author(settings, s)}],
                "tags": _tags(settings, s),
                "_wiredesk": provenance_json(settings, s, (also or {}).get(s.short_id, ())),
            }
            for s in stories
        ],
    }
    return json.dumps(feed, ensure_ascii=False, indent=1).encode("utf-8")
