"""Atom 1.0, with the body as `content type="html"` and wiredesk's provenance extension.

Atom says what each text is: titles, subtitle and summary are our plain text and say
`type="text"` (the default, written out so that no reader has to know the default), the body
is sanitized HTML and says `type="html"`; author names and category terms are text by the
spec. So unlike RSS nothing is escaped twice: a reader that follows the types shows a headline
about `<img>` as those characters.

Atom's `<source>` holds a copied entry's feed metadata, not an organization, so provenance
goes in `urn:wiredesk:provenance:1` as in RSS (docs/formats.md).
"""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from wiredesk.channels.feeds.entry import Entry, FeedInfo
from wiredesk.channels.feeds.xml import ATOM_NS, WIREDESK_NS, provenance_elements, sub
from wiredesk.channels.timefmt import iso
from wiredesk.config import Settings

MEDIA_TYPE = "application/atom+xml; charset=utf-8"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def atom(settings: Settings, info: FeedInfo, entries: Sequence[Entry]) -> bytes:
    site = settings.site
    a = f"{{{ATOM_NS}}}"
    root = etree.Element(a + "feed", nsmap={None: ATOM_NS, "wiredesk": WIREDESK_NS})
    root.set(_XML_LANG, info.language or site.language)
    sub(root, a + "id", site.base_url + info.home_path)
    sub(root, a + "title", info.title, type="text")
    sub(root, a + "subtitle", info.description, type="text")
    sub(root, a + "updated", iso(max((e.modified for e in entries), default=info.now)))
    sub(
        root,
        a + "link",
        rel="self",
        type="application/atom+xml",
        href=site.base_url + info.feed_dir + "atom.xml",
    )
    if settings.websub.enabled:  # WebSub discovery: subscribe there to be told of changes
        sub(root, a + "link", rel="hub", href=site.base_url + settings.websub.path)
    sub(root, a + "link", rel="alternate", type="text/html", href=site.base_url + info.home_path)
    sub(sub(root, a + "author"), a + "name", site.name)
    sub(root, a + "generator", "wiredesk")
    for e in entries:
        entry = sub(root, a + "entry")
        if e.language:
            entry.set(_XML_LANG, e.language)
        sub(entry, a + "id", e.url)
        sub(entry, a + "title", e.title, type="text")
        sub(entry, a + "link", rel="alternate", type="text/html", href=e.url)
        sub(entry, a + "published", iso(e.published))
        sub(entry, a + "updated", iso(e.modified))
        sub(sub(entry, a + "author"), a + "name", e.author)
        for tag in e.tags:
            sub(entry, a + "category", term=tag)
        sub(entry, a + "summary", e.teaser, type="text")
        sub(entry, a + "content", e.content_html, type="html")
        provenance_elements(entry, e.provenance)
    out: bytes = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    return out
