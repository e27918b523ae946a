"""RSS 2.0, with content:encoded for the body, dc:creator and dc:source (the originator), and
wiredesk's provenance extension.

RSS's own `<source>` element names an RSS channel, not an organization, so the originator
goes in `dc:source` and the chain in `urn:wiredesk:provenance:1` (docs/formats.md).

RSS never says whether an element holds text or HTML, and most readers render `<description>`
(and many the title) as HTML: a teaser that mentions `<img src=x onerror=...>`, only
XML-escaped, became a live element in the subscriber's app. So every standard element that
carries our plain text carries it as `html_text` writes it: read as text or as HTML, it shows
the same characters. `content:encoded` is the one HTML field (the body, sanitized at ingest).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape, unescape

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
    sub(channel, "title", html_text(info.title))
    sub(channel, "link", site.base_url + info.home_path)
    sub(channel, "description", html_text(info.description))
    sub(channel, "language", info.language or site.language)
    sub(channel, "lastBuildDate", rfc822(info.now))
    sub(channel, "generator", "wiredesk")
    sub(
        channel,
        f"{{{ATOM_NS}}}link",
        href=site.base_url + info.feed_dir + "feed.xml",
        rel="self",
        type="application/rss+xml",
    )
    if settings.websub.enabled:  # WebSub discovery: subscribe there to be told of changes
        sub(channel, f"{{{ATOM_NS}}}link", href=site.base_url + settings.websub.path, rel="hub")
    for e in entries:
        item = sub(channel, "item")
        sub(item, "title", html_text(e.title))
        sub(item, "link", e.url)
        sub(item, "guid", e.url, isPermaLink="true")
        sub(item, "pubDate", rfc822(e.published))
        sub(item, "description", html_text(e.teaser))
        sub(item, f"{{{_CONTENT_NS}}}encoded", e.content_html)
        sub(item, f"{{{_DC_NS}}}creator", html_text(e.author))
        if e.originator:  # the resource this one derives from: who wrote it first
            sub(item, f"{{{_DC_NS}}}source", html_text(e.originator))
        for tag in e.tags:
            sub(item, "category", html_text(tag))
        provenance_elements(item, e.provenance)
    out: bytes = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return out


def html_text(text: str) -> str:
    """Plain text as an RSS element must hold it for readers that render it as HTML and for
    readers that show it as it is.

    Text that an HTML reading leaves unchanged — no `<`, no `&` that would start a character
    reference — is written as it is, so "AT&T" stays "AT&T" in readers that show titles
    literally (as the RSS Advisory Board advises). Anything else is escaped as HTML text
    (`&lt;`, `&amp;`) once more inside the XML: an HTML reading then shows exactly the
    characters the agency wrote and never makes an element of them. Escaping only when needed
    costs a feed two substring tests per field.
    """
    if "<" in text or ("&" in text and unescape(text) != text):
        return escape(text, quote=False)
    return text
