"""RSS 2.0, with content:encoded for the body, dc:creator and dc:source (the originator), and
wiredesk's provenance extension.

RSS's own `<source>` element names an RSS channel, not an organization, so the originator
goes in `dc:source` and the chain in `urn:wiredesk:provenance:1` (docs/formats.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from wiredesk.channels.feeds.entry import Entry, FeedInfo
from wiredesk.channels.feeds.xml import ATOM_NS, WIREDESK_NS, provenance_elements, sub
from wiredesk.channels.timefmt import rfc822
from wiredesk.config import Settings

MEDIA_TYPE = "application/rss+xml; charset=utf-8"
_CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
_DC_NS = "http://purl.org/dc/elements/1.1/"


def rss(settings: Settings, info: FeedInfo, entries: Sequence[Entry]) -> bytes:
    site = settings.site
    root = etree.Element(
        "rss",
        {"version": "2.0"},
        nsmap={"atom": ATOM_NS, "content": _CONTENT_NS, "dc": _DC_NS, "wiredesk": WIREDESK_NS},
    )
    channel = sub(root, "channel")
    sub(channel, "title", info.title)
    sub(channel, "link", site.base_url + info.home_path)
    sub(channel, "description", info.description)
    sub(channel, "language", site.language)
    sub(channel, "lastBuildDate", rfc822(info.now))
    sub(channel, "generator", "wiredesk")
    sub(
        channel,
        f"{{{ATOM_NS}}}link",
        href=site.base_url + info.feed_dir + "feed.xml",
        rel="self",
        type="application/rss+xml",
    )
    for e in entries:
        item = sub(channel, "item")
        sub(item, "title", e.title)
        sub(item, "link", e.url)
        sub(item, "guid", e.url, isPermaLink="true")
        sub(item, "pubDate", rfc822(e.published))
        sub(item, "description", e.teaser)
        sub(item, f"{{{_CONTENT_NS}}}encoded", e.content_html)
        sub(item, f"{{{_DC_NS}}}creator", e.author)
        if e.originator:  # the resource this one derives from: who wrote it first
            sub(item, f"{{{_DC_NS}}}source", e.originator)
        for tag in e.tags:
            sub(item, "category", tag)
        provenance_elements(item, e.provenance)
    out: bytes = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return out
