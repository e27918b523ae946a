"""RSS 2.0 (and 0.9x), RSS 1.0/RDF and Atom 1.0 (and 0.3) into `Item`s.

fastfeedparser reads nearly every real feed many times faster than feedparser, so it goes
first; feedparser, slower but forgiving, reads what fastfeedparser cannot or reads badly:

- fastfeedparser refuses the document (no `<channel>`, pre-Atom namespaces, and so on);
- it finds no entries although the document has `<item` or `<entry` tags (RSS 0.90);
- the text it returns has U+FFFD where the bytes were not valid in the declared encoding
  (a windows-1252 feed that says UTF-8), which feedparser decodes properly;
- an entry lost its title to an XHTML title that fastfeedparser does not serialize;
- an entry came out with neither title nor body, which happens when the markup is not
  escaped (`<description><p>x</p></description>`) or in an element only feedparser knows.

HTML named entities (`&nbsp;`, `&mdash;`), which XML does not define and libxml2 silently
drops, are turned into numeric references before fastfeedparser sees the bytes.

Both parsers are used without network access: fastfeedparser only fetches when given a URL
string, and is only given bytes; its lxml parsers have `resolve_entities=False` and lxml's
defaults `no_network=True` and `load_dtd=False`, and are given the document without its
entity declarations. feedparser is given a file object, never a string it could take
for a URL or path, turns off external entities in its SAX parser itself, and is given the
document without its internal entity declarations, which expat would expand. The document's
own entities are expanded before either parser sees it, by `formats.entities`.
"""

from __future__ import annotations

import base64
import binascii
import html.entities
import io
import re
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import fastfeedparser
import fastfeedparser.main

from wiredesk.errors import FormatError
from wiredesk.formats.body_html import text_to_html
from wiredesk.formats.detect import head_text
from wiredesk.formats.encoding import as_browsers_decode, mostly_utf8, repair_bad_bytes
from wiredesk.formats.fields import (
    build_item,
    c1_as_windows_1252,
    parse_iso_datetime,
    payload_may_hold_c1,
    plain_text,
)
from wiredesk.formats.xml_safe import one_line
from wiredesk.model import ImageLink, Item, ParseResult

_ANY_ENTITY_RE = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")
_HTML_ENTITY_RE = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)[A-Za-z][A-Za-z0-9]{1,31};")
_XML_ENTITIES = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})

_ENTITY_DECL_RE = re.compile(rb"<!ENTITY\s[^>]*>")
_DOCTYPE_SCAN_BYTES = 8192

_LANGUAGE_SCAN_BYTES = 32768
_CHANNEL_LANGUAGE_RE = re.compile(r"<(?:[\w.\-]+:)?language\b[^>]*>\s*([A-Za-z][\w\-]{0,34})\s*<")
_XML_LANG_RE = re.compile(r"""\bxml:lang\s*=\s*["']([A-Za-z][\w\-]{0,34})["']""")
_FIRST_ENTRY_RE = re.compile(r"<(?:[\w.\-]+:)?(?:item|entry)[\s>]")

_XHTML_WRAPPER_RE = re.compile(
    r"^\s*<content\b[^>]*>\s*(?:<div\b[^>]*>(?P<div>.*)</div>|(?P<bare>.*))\s*</content>\s*$",
    re.DOTALL,
)
_TEXT_TYPES = frozenset({"text", "text/plain"})

# The end tag of an element that carries a title or a body. Markup right inside one
# (`<title>Breaking: <b>Fire</b> in city</title>`) is found from its end tag: fastfeedparser
# keeps only the text before the first child element, feedparser keeps it all.
_TEXT_ELEMENT_END_RE = re.compile(
    rb"</(?:[\w.\-]+:)?(?:title|description|summary|content|encoded|body)\s*>"
)
# Body containers fastfeedparser does not read (RSS 1.0 `content:encoded`, `atom:content` in
# RSS 2.0, `xhtml:body`, Atom `summary type="xhtml"`): looked for only when an entry came
# out without a body.
_NAME_ENDS = frozenset({b" ", b"\t", b"\r", b"\n", b">", b"/"})
_BODY_CONTAINER_RE = re.compile(
    rb"<(?:(?:[\w.\-]+:)?(?:encoded|content|summary|body)\b|media:description\b)"
)
# Atom text that is base64 (Atom 0.3 `mode="base64"`, or a media type that is neither text nor
# XML): a hint on the bytes first, then the elements themselves, read only when it is there.
_BASE64_HINT_RE = re.compile(
    rb"""\b(?:mode\s*=\s*["']base64|type\s*=\s*["'](?:application|image|audio|video)/)"""
)
_TEXT_ELEMENT_RE = re.compile(rb"<(?:[\w.\-]+:)?(?:title|summary|content)(\s[^>]*)>([^<]*)<")
# base64, perhaps broken into lines: words joined by line breaks only, never by a space.
_BASE64_WORD_RE = re.compile(r"[A-Za-z0-9+/]+(?:[ \t\r]*\n\s*[A-Za-z0-9+/]+)*\s*={0,2}")
_MODE_ATTR_RE = re.compile(rb"""\bmode\s*=\s*["']([^"']*)["']""")
_TYPE_ATTR_RE = re.compile(rb"""\btype\s*=\s*["']([^"']*)["']""")
# XML has only `&#x41;`; libxml2 drops `&#X41;` whole, feedparser and browsers read it.
_UPPER_HEX_REFERENCE_RE = re.compile(rb"&#X([0-9A-Fa-f]{1,6};)")
# An RSS item's title or description next to an element of another namespace with the same
# local name (`media:title`, `szf:description`): fastfeedparser takes whichever comes first.
_PREFIXED_TEXT_RE = re.compile(rb"<([\w.\-]+):(title|description)[\s>/]")
_RSS_ROOT_RE = re.compile(rb"<(?:([\w.\-]+):)?rss[\s>]")
# An Atom-style `<link href="..."/>` without the Atom namespace, as some podcast feeds write
# in RSS 2.0 items (with an Atom `<id>`): fastfeedparser reads neither.
_HREF_LINK_RE = re.compile(rb"<link\s[^>]*\bhref\s*=")
_XML_BASE_RE = re.compile(rb"""\bxml:base\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_FIRST_ENTRY_BYTES_RE = re.compile(rb"<(?:[\w.\-]+:)?(?:item|entry)[\s>/]")
# An element an entry's date may come from (fastfeedparser's and feedparser's names, any
# prefix, any case): looked for only when a guid reads as a date.
_DATE_ELEMENT_RE = re.compile(
    rb"<(?:[\w.\-]+:)?(?:pubdate|published|issued|date|created|modified|updated)[\s>/]",
    re.IGNORECASE,
)
# An `&` that starts no reference (`?a=1&b=2`): not well-formed, and libxml2's recovery drops
# it with the name after it (`?a=1=2`), and often more text after it. CDATA is left as it is.
_BARE_AMPERSAND_RE = re.compile(rb"&(?![A-Za-z_][\w.\-]*;|#[0-9]+;|#[xX][0-9A-Fa-f]+;)")
_CDATA_RE = re.compile(rb"<!\[CDATA\[.*?\]\]>", re.DOTALL)
# Only these link relations name the story itself; `enclosure` (a podcast file), `related`
# (another page), `via` (where the writer found it), `self` and the rest never do.
_STORY_RELS = frozenset({"", "alternate", "http://www.iana.org/assignments/relation/alternate"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_SCHEME_RE = re.compile(r"\s*[A-Za-z][A-Za-z0-9+.\-]*:")
_YEAR_RE = re.compile(r"(?<!\d)\d{4}(?!\d)")
_BASE64_TEXT_RE = re.compile(r"[A-Za-z0-9+/=\s]+")
# A picture whose element says neither a media type nor a medium is taken by its name.
_PICTURE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")


def parse_xml_feed(payload: bytes, fmt: str, content_type: str | None = None) -> ParseResult:
    """Items of an RSS, RDF or Atom payload; `FormatError` when it is not a readable feed.

    No C1 control character (U+0080-U+009F) is left in an item's text: each is read as the
    windows-1252 character it stands for, as browsers do.
    """
    payload, content_type = as_browsers_decode(payload, content_type)
    payload, bad_bytes = repair_bad_bytes(payload, content_type)
    result = _read_xml_feed(payload, fmt, content_type)
    result.problems[:0] = bad_bytes
    if payload_may_hold_c1(payload):
        c1_as_windows_1252(result.items)
    return result


def _read_xml_feed(payload: bytes, fmt: str, content_type: str | None) -> ParseResult:
    try:
        feed = fastfeedparser.parse(
            _numeric_entities(escape_bare_ampersands(_without_entity_declarations(payload)))
        )
    except Exception as e:  # any refusal, ValueError or other, is feedparser's turn
        return _parse_with_feedparser(payload, fmt, content_type, first_error=str(e))
    entries = feed.get("entries") or []
    if not entries and (b"<item" in payload or b"<entry" in payload):
        return _parse_with_feedparser(payload, fmt, content_type, first_error=None)
    if any(not e.get("title") for e in entries) and b"xhtml" in payload:
        return _parse_with_feedparser(payload, fmt, content_type, first_error=None)
    if _fast_reading_is_short(payload, fmt, entries):
        fuller = _second_reading(payload, fmt, content_type, at_least=len(entries))
        if fuller is not None:
            return fuller
    guid_dated: set[int] = set()
    if fmt != "atom":  # fastfeedparser dates only an RSS <guid>, never an Atom <id>
        guid_dated = {i for i, e in enumerate(entries) if _date_may_be_its_guids(e)}
    if guid_dated and _entries_have_date_elements(payload):
        fuller = _second_reading(payload, fmt, content_type, at_least=len(entries))
        if fuller is not None:  # feedparser reads dates from date elements only
            return fuller
    coded = _base64_texts(payload, fmt) if fmt == "atom" and _may_hold_base64(entries) else {}
    result = _from_fastfeedparser(feed, entries, fmt, payload, coded, guid_dated)
    if (
        _has_replacement_chars(result.items)
        and b"\xef\xbf\xbd" not in payload
        and not mostly_utf8(payload)
    ):
        return _parse_with_feedparser(payload, fmt, content_type, first_error=None)
    if result.problems:  # entries that look empty may hold markup fastfeedparser skips
        second = _second_reading(payload, fmt, content_type, at_least=len(result.items) + 1)
        if second is not None:
            return second
    return result


def _has_markup_in_text(payload: bytes) -> bool:
    """Whether a title or body element holds a child element (not CDATA, not escaped).

    One regex pass finds the end tags (a two-byte literal start keeps it fast); for each,
    the last `>` before it must close the element's own start tag, or end a CDATA section.
    Both look-backs are reverse byte searches, so a long body costs no more than a short one.
    Atom `content type="xhtml"` is meant to hold elements, and fastfeedparser reads it, and
    Media RSS `media:content` holds its caption and credit, which fastfeedparser reads too.
    """
    rfind = payload.rfind
    for m in _TEXT_ELEMENT_END_RE.finditer(payload):
        end = m.start()
        gt = rfind(b">", 0, end)
        if gt < 2 or payload[gt - 2 : gt] == b"]]":
            continue  # CDATA (or no start tag at all: not well-formed, the parsers decide)
        lt = rfind(b"<", 0, gt)
        name = m.group(0)[2:].rstrip(b" \t\r\n>")
        if name == b"media:content":
            continue  # Media RSS: a picture's or a video's element, whose children are its own
        after = lt + 1 + len(name)
        if payload.startswith(name, lt + 1) and payload[after : after + 1] in _NAME_ENDS:
            continue  # the element's own start tag: text only
        if name.endswith(b"content"):
            start = rfind(b"<" + name, 0, end)
            if start >= 0 and b"xhtml" in payload[start : payload.find(b">", start)]:
                continue
        return True
    return False


def _second_reading(
    payload: bytes, fmt: str, content_type: str | None, at_least: int
) -> ParseResult | None:
    """feedparser's reading when it finds at least `at_least` items, else None: a document
    feedparser reads worse than fastfeedparser (fewer items) keeps fastfeedparser's."""
    try:
        second = _parse_with_feedparser(payload, fmt, content_type, first_error=None)
    except FormatError:
        return None
    return second if len(second.items) >= at_least else None


def _fast_reading_is_short(payload: bytes, fmt: str, entries: list[Any]) -> bool:
    """Whether fastfeedparser's entries may have lost text the document holds, so that the
    document must be read by feedparser instead. Never publish a shortened story.

    Each check is a scan of the bytes or of values already read, and fires only on documents
    that have the construct: markup right inside a title or body element, a title that holds
    a `<` (whose meaning depends on the element's `type`, which fastfeedparser drops), an
    entry without a body where the document has a body container fastfeedparser does not
    read (or a `media:description`, the only text of a video entry), an RSS item whose own
    title or description comes after another namespace's (`media:title`), an RSS item
    without a link in a document with Atom-style `<link href>`, or `xml:base` on more than
    the root. Base64 text is not one: it is decoded here (`_base64_texts`).
    """
    if _has_markup_in_text(payload):
        return True
    if any("<" in (e.get("title") or "") for e in entries):
        return True
    if any(not _ffp_has_body(e) for e in entries) and _BODY_CONTAINER_RE.search(payload):
        return True
    if _foreign_text_first(payload, fmt):
        return True
    if fmt == "rss" and any(not e.get("link") for e in entries) and _HREF_LINK_RE.search(payload):
        return True
    return (
        any(_is_relative(_ffp_link(e)) for e in entries)
        and b"xml:base" in payload
        and _document_base(payload) is None
    )


# --- fastfeedparser ---------------------------------------------------------------------


def _from_fastfeedparser(
    feed: Any,
    entries: list[Any],
    fmt: str,
    payload: bytes,
    coded: dict[str, tuple[str, bool]],
    guid_dated: set[int],
) -> ParseResult:
    """`coded` is `_base64_texts(payload)`: fastfeedparser hands base64 text over as it is.
    `guid_dated`: the entries whose published time may be their guid read as a date (see
    `_date_may_be_its_guids`), which is no date: they get none."""
    info = feed.get("feed") or {}
    language = info.get("language") or scan_feed_language(payload)
    result = ParseResult(format=fmt, title=plain_text(info.get("title")) or None, language=language)
    base: str | None = None  # looked up on the first relative link: most feeds have none
    for index, entry in enumerate(entries):
        title, title_is_text = entry.get("title"), False
        description = entry.get("description")
        if coded:
            title, title_is_text = _decoded(title, coded)
            description = _decoded_html(description, coded)
        body, item_language = _ffp_body(entry, description, coded)
        link = _ffp_link(entry)
        if _is_relative(link):
            if base is None:
                base = (_document_base(payload) or "") if b"xml:base" in payload else ""
            if base:
                link = _joined(base, link)
        item = build_item(
            index=index,
            fmt=fmt,
            guid=entry.get("id"),
            title_html=title,
            title_is_text=title_is_text,
            body_html=body,
            summary_html=description,
            link=link,
            published_at=None
            if index in guid_dated
            else parse_iso_datetime(entry.get("published")),
            updated_at=parse_iso_datetime(entry.get("updated")),
            language=item_language or language,
            author=entry.get("author"),
            categories=[t.get("term") or t.get("label") for t in entry.get("tags") or []],
            problems=result.problems,
        )
        if item is not None:
            item.images = _ffp_images(entry)
            result.items.append(item)
    return result


def _date_may_be_its_guids(entry: Any) -> bool:
    """Whether fastfeedparser may have taken the entry's published time from its guid.

    With no date element, fastfeedparser reads an RSS guid that is not an http(s) URL as a
    date: `<guid>2003</guid>` made a story of 2003. A guid is an identifier, never a date.
    Only an entry whose published time is exactly its guid read as a date can have got it
    that way. A date read from the guid writes its year there (as 2024 or 24), so a guid
    without the published year's last two digits is not read at all: most guids cost a
    substring test, not a date parse.
    """
    guid, published = entry.get("id"), entry.get("published")
    if not isinstance(guid, str) or not isinstance(published, str) or len(published) < 4:
        return False
    if guid.startswith(("http://", "https://")) or published[2:4] not in guid:
        return False
    return bool(fastfeedparser.main._parse_date(guid.strip()) == published)


def _entries_have_date_elements(payload: bytes) -> bool:
    """Whether an element after the first entry's start could hold a date: if none does, a
    published time equal to the guid's reading came from the guid; if one does, the entry
    may have a date element that happens to say what its guid does, and feedparser, which
    never reads a guid as a date, decides."""
    first_entry = _FIRST_ENTRY_BYTES_RE.search(payload)
    return first_entry is not None and bool(_DATE_ELEMENT_RE.search(payload, first_entry.start()))


def _ffp_images(entry: Any) -> list[ImageLink]:
    """An entry's pictures: Media RSS `media:content` (fastfeedparser gives a lone
    `media:thumbnail` as one), then RSS `<enclosure>`s and Atom `rel="enclosure"` links that
    are images. Each address once, in that order; the first is the story's lead picture."""
    found: list[ImageLink] = []
    for m in entry.get("media_content") or []:
        _add_picture(
            found,
            m.get("url"),
            mime=m.get("type"),
            medium=m.get("medium"),
            caption=m.get("description") or m.get("title"),
            credit=m.get("credit"),
            width=m.get("width"),
            height=m.get("height"),
        )
    for enclosure in entry.get("enclosures") or []:
        _add_picture(found, enclosure.get("url"), mime=enclosure.get("type"))
    for ln in entry.get("links") or []:
        if (ln.get("rel") or "").strip().lower() == "enclosure":
            _add_picture(found, ln.get("href"), mime=ln.get("type"), caption=ln.get("title"))
    return found


def _add_picture(
    found: list[ImageLink],
    url: Any,
    *,
    mime: Any = None,
    medium: Any = None,
    caption: Any = None,
    credit: Any = None,
    width: Any = None,
    height: Any = None,
) -> None:
    """Append the picture at `url` to `found`, unless it is no picture (a podcast's audio, a
    video) or already there."""
    if not isinstance(url, str) or not url.strip():
        return
    url = url.strip()
    kind = mime.split(";")[0].strip().lower() if isinstance(mime, str) and mime.strip() else ""
    if kind:
        if not kind.startswith("image/"):
            return
    elif isinstance(medium, str) and medium.strip():
        if medium.strip().lower() != "image":
            return
    elif not urlsplit(url).path.lower().endswith(_PICTURE_SUFFIXES):
        return
    if any(image.href == url for image in found):
        return
    found.append(
        ImageLink(
            href=url,
            caption=plain_text(caption) or None if isinstance(caption, str) else None,
            credit=plain_text(credit) or None if isinstance(credit, str) else None,
            width=_dimension(width),
            height=_dimension(height),
            mime=kind or None,
        )
    )


def _dimension(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 1_000_000 else None


def _ffp_has_body(entry: Any) -> bool:
    return bool(entry.get("description")) or any(c.get("value") for c in entry.get("content") or [])


def _ffp_body(
    entry: Any, description: str | None, coded: dict[str, tuple[str, bool]]
) -> tuple[str, str | None]:
    """(body HTML, item language) from fastfeedparser's content, else its description
    (already decoded, when it was base64)."""
    contents = [c for c in entry.get("content") or [] if c.get("value")]
    if not contents:
        return description or "", None
    best = max(contents, key=lambda c: len(c["value"]))
    kind = (best.get("type") or "").lower()
    value = best["value"]
    if coded and "".join(value.split()) in coded:
        return _decoded_html(value, coded) or "", best.get("language")
    if kind in _TEXT_TYPES:
        value = text_to_html(value)
    elif kind in ("xhtml", "application/xhtml+xml"):
        m = _XHTML_WRAPPER_RE.match(value)
        if m:
            value = m.group("div") if m.group("div") is not None else m.group("bare")
    elif _is_base64_type(kind):
        value = _base64_body(value)
    return value, best.get("language")


def _ffp_link(entry: Any) -> str | None:
    """The story's link. fastfeedparser's `link` is RSS's `<link>` element when it has one,
    else simply the first `<link>` of any relation; the story is an alternate link, and
    of several alternates the HTML page (a PDF or audio alternate is not the story page)."""
    link: str | None = entry.get("link")
    links = entry.get("links") or []
    if link and not any(ln.get("href") == link for ln in links):
        return link  # RSS <link> element
    return _story_link(links, default_type=None)


def _story_link(links: list[Any], default_type: str | None) -> str | None:
    """The href of the alternate link (no `rel` means alternate) that is an HTML page, else of
    the first alternate link; None when every link is an enclosure, `related`, `via` and so on.
    `default_type` is the type a link without one is taken to have."""
    first: str | None = None
    for ln in links:
        href = ln.get("href")
        if not href or (ln.get("rel") or "").strip().lower() not in _STORY_RELS:
            continue
        kind = (ln.get("type") or default_type or "").split(";")[0].strip().lower()
        if kind in _HTML_TYPES:
            return str(href)
        if first is None:
            first = str(href)
    return first


def _is_relative(link: str | None) -> bool:
    """Whether a link needs a base: it has no scheme (RFC 3986), which includes scheme-less
    `//host/...`. A regex, not urlsplit: this runs for every entry."""
    return bool(link) and _SCHEME_RE.match(link) is None  # type: ignore[arg-type]


def _joined(base: str, link: str | None) -> str | None:
    try:
        return urljoin(base, (link or "").strip())
    except ValueError:
        return link


def _document_base(payload: bytes) -> str | None:
    """The `xml:base` that applies to every entry: "" when the document has none, the value
    when its only `xml:base` is on the root or channel (before the first entry), None when
    entries carry their own (then feedparser, which tracks the base of every element, reads
    the document)."""
    bases = list(_XML_BASE_RE.finditer(payload))
    if not bases:
        return ""
    first_entry = _FIRST_ENTRY_BYTES_RE.search(payload)
    if len(bases) > 1 or (first_entry is not None and bases[0].start() > first_entry.start()):
        return None
    raw = bases[0].group(1) if bases[0].group(1) is not None else bases[0].group(2)
    return html.unescape(raw.decode("utf-8", errors="replace")).strip()


def _is_base64_type(kind: str) -> bool:
    """Whether Atom content of this `type` is base64 (RFC 4287 4.1.3.3): a media type that is
    neither text nor XML."""
    if not kind or "/" not in kind or kind.startswith("text/"):
        return False
    return not (kind.endswith(("/xml", "+xml")) or kind in ("html", "xhtml", "text"))


def _base64_texts(payload: bytes, fmt: str) -> dict[str, tuple[str, bool]]:
    """The Atom titles, summaries and contents that are base64, decoded: their base64 (without
    whitespace) -> (the text, whether it is plain text).

    fastfeedparser hands such text over undecoded; feedparser decodes it but calls Atom 0.3's
    untyped text `text/plain`. Decoded text is HTML (`<p>History of the &lt;blink&gt;
    tag</p>` reads "History of the <blink> tag"), as the senders of base64 markup mean it,
    unless the element says `type="text/plain"`; text that does not decode to UTF-8 (an image)
    is left out. The bytes are read only when they hint at base64, so a feed without it pays
    one scan.
    """
    if fmt != "atom" or not _BASE64_HINT_RE.search(payload):
        return {}
    found: dict[str, tuple[str, bool]] = {}
    for m in _TEXT_ELEMENT_RE.finditer(payload):
        attrs = m.group(1)
        mode = _MODE_ATTR_RE.search(attrs)
        typed = _TYPE_ATTR_RE.search(attrs)
        kind = typed.group(1).decode("ascii", "replace").strip().lower() if typed else ""
        if not (mode and mode.group(1).lower() == b"base64") and not _is_base64_type(kind):
            continue
        raw = "".join(m.group(2).decode("ascii", "replace").split())
        text = _base64_body(raw)
        if raw and text:
            found[raw] = (text, kind in _TEXT_TYPES)
    return found


def _may_hold_base64(entries: list[Any]) -> bool:
    """Whether a title, summary or content value fastfeedparser read could be base64 (one
    word of the base64 alphabet, a multiple of four long, once line breaks are gone): only
    then are the bytes scanned for base64 elements. Most Atom feeds carry a
    `type="application/..."` link, so the bytes alone would be scanned for nearly all."""
    for entry in entries:
        values = [entry.get("title"), entry.get("description")]
        values += [c.get("value") for c in entry.get("content") or []]
        for value in values:
            if (
                value
                and len(value) >= 4
                and _BASE64_WORD_RE.fullmatch(value.strip())
                and len("".join(value.split())) % 4 == 0
            ):
                return True
    return False


def _decoded(value: str | None, coded: dict[str, tuple[str, bool]]) -> tuple[str | None, bool]:
    """(text, whether it is plain text) of a value that may be base64 (`_base64_texts`)."""
    if not value:
        return value, False
    return coded.get("".join(value.split()), (value, False))


def _decoded_html(value: str | None, coded: dict[str, tuple[str, bool]]) -> str | None:
    """The HTML of a body or summary value that may be base64."""
    text, is_text = _decoded(value, coded)
    return text_to_html(text) if is_text and text else text


def _foreign_text_first(payload: bytes, fmt: str) -> bool:
    """Whether an RSS item has another namespace's `title` or `description` (`media:title`,
    an extension's `szf:description`) before its own, which fastfeedparser, matching on the
    local name only, would take instead. The item's own is the story's; feedparser knows
    the difference. Only the items with such an element are looked at, by byte searches."""
    if fmt != "rss" or (b":title" not in payload and b":description" not in payload):
        return False
    root = _RSS_ROOT_RE.search(payload)
    own = (root.group(1) + b":") if root and root.group(1) else b""
    item = b"<" + own + b"item"
    for m in _PREFIXED_TEXT_RE.finditer(payload):
        if m.group(1) + b":" == own:
            continue
        start = payload.rfind(item, 0, m.start())
        if start < 0:
            continue  # the channel's
        if payload.rfind(b"<media:content", start, m.start()) > payload.rfind(
            b"</media:content", start, m.start()
        ):
            continue  # a picture's caption inside its `media:content`: fastfeedparser knows it
        end = payload.find(b"</" + own + b"item", m.end())
        tag = b"<" + own + m.group(2)
        if _has_tag(payload, tag, start, m.start()):
            continue  # the item's own comes first, and fastfeedparser takes it
        if _has_tag(payload, tag, m.end(), end if end >= 0 else len(payload)):
            return True
    return False


def _has_tag(payload: bytes, tag: bytes, start: int, end: int) -> bool:
    """Whether the start tag `tag` (`<title`, not `<titles`) is in payload[start:end]."""
    at = payload.find(tag, start, end)
    while at >= 0:
        if payload[at + len(tag) : at + len(tag) + 1] in _NAME_ENDS:
            return True
        at = payload.find(tag, at + 1, end)
    return False


def _base64_body(value: str) -> str:
    """The body HTML that base64 content decodes to; "" when it is not base64 or not text
    (an image sent as content is no story body)."""
    try:
        raw = base64.b64decode("".join(value.split()), validate=True)
        return raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return ""


# --- feedparser ---------------------------------------------------------------------------


def _parse_with_feedparser(
    payload: bytes, fmt: str, content_type: str | None, first_error: str | None
) -> ParseResult:
    import feedparser  # only for the feeds fastfeedparser cannot read: not loaded at start

    headers = {"content-type": content_type} if content_type else None
    try:
        parsed = feedparser.parse(
            io.BytesIO(_without_entity_declarations(payload)),
            response_headers=headers,
            sanitize_html=False,  # the pipeline sanitizes every body the same way
            resolve_relative_uris=False,
        )
    except Exception as e:  # feedparser promises not to raise; if it does, it is not a feed
        raise FormatError(f"not a readable feed: {one_line(str(e))}") from None
    entries = parsed.get("entries") or []
    if not entries and (parsed.get("bozo") or not parsed.get("version")):
        reason = parsed.get("bozo_exception") or first_error or "no feed elements found"
        raise FormatError(f"not a readable {fmt} feed: {one_line(str(reason))}")
    info = parsed.get("feed") or {}
    language = info.get("language") or (info.get("title_detail") or {}).get("language")
    result = ParseResult(format=fmt, title=plain_text(info.get("title")) or None, language=language)
    # feedparser decodes base64 itself, but calls Atom 0.3's untyped text `text/plain`: what
    # the document sent as base64 HTML is HTML (`_base64_texts`).
    html_texts = {t for t, is_text in _base64_texts(payload, fmt).values() if not is_text}
    for index, entry in enumerate(entries):
        body = _fp_body(entry, html_texts)
        title_type = (entry.get("title_detail") or {}).get("type")
        item = build_item(
            index=index,
            fmt=fmt,
            guid=entry.get("id"),
            title_html=entry.get("title"),
            title_is_text=title_type == "text/plain" and entry.get("title") not in html_texts,
            body_html=body,
            summary_html=entry.get("summary"),
            link=_story_link(entry.get("links") or [], default_type="text/html"),
            # dict.get: FeedParserDict would answer "published" with "updated", and warn.
            published_at=_fp_date(entry, "published"),
            updated_at=_fp_date(entry, "updated"),
            language=_fp_language(entry) or language,
            author=(entry.get("author_detail") or {}).get("name") or entry.get("author"),
            categories=[t.get("term") or t.get("label") for t in entry.get("tags") or []],
            problems=result.problems,
        )
        if item is not None:
            item.images = _fp_images(entry)
            result.items.append(item)
    return result


def _fp_images(entry: Any) -> list[ImageLink]:
    """An entry's pictures as feedparser reads them: `media:content`, enclosures (RSS's and
    Atom's both come as `enclosures`), and `media:thumbnail` when there is nothing else.
    feedparser keeps one `media:credit` per entry, which goes with each."""
    found: list[ImageLink] = []
    credits = entry.get("media_credit") or []
    credit = next((c.get("content") for c in credits if c.get("content")), None)
    for m in entry.get("media_content") or []:
        _add_picture(
            found,
            m.get("url"),
            mime=m.get("type"),
            medium=m.get("medium"),
            credit=credit,
            width=m.get("width"),
            height=m.get("height"),
        )
    for enclosure in entry.get("enclosures") or []:
        _add_picture(found, enclosure.get("href"), mime=enclosure.get("type"), credit=credit)
    if not found:
        for thumbnail in entry.get("media_thumbnail") or []:
            _add_picture(
                found,
                thumbnail.get("url"),
                medium="image",
                credit=credit,
                width=thumbnail.get("width"),
                height=thumbnail.get("height"),
            )
    return found


def _fp_body(entry: Any, html_texts: set[str]) -> str:
    """The body HTML from feedparser's content, else its summary; `html_texts` are the texts
    the document sent as base64 HTML, whatever type feedparser gives them."""
    contents = [c for c in entry.get("content") or [] if c.get("value")]
    if contents:
        best = max(contents, key=lambda c: len(c["value"]))
        kind = (best.get("type") or "").lower()
        if best["value"] in html_texts:
            return str(best["value"])
        if kind == "text/plain":
            return text_to_html(best["value"])
        if _is_base64_type(kind):  # feedparser decodes base64 only when it is UTF-8 text
            return _base64_body(best["value"]) if _looks_base64(best["value"]) else best["value"]
        return str(best["value"])
    summary = entry.get("summary") or ""
    if summary in html_texts:
        return str(summary)
    if (entry.get("summary_detail") or {}).get("type") == "text/plain":
        return text_to_html(summary)
    return summary


def _fp_language(entry: Any) -> str | None:
    for key in ("content", "summary_detail", "title_detail"):
        detail = entry.get(key)
        if isinstance(detail, list):
            detail = detail[0] if detail else None
        if detail and detail.get("language"):
            language: str = detail["language"]
            return language
    return None


def _fp_date(entry: Any, key: str) -> datetime | None:
    """The entry's `published` or `updated` time, read the same on every day.

    feedparser completes a date without a year (`07-01T01:55:07-05:00`) with the current
    year, so the same payload would give different dates next year. The raw string is read
    again by fastfeedparser's date reader (made clock-free by `_install_clock_free_dates`),
    and feedparser's own reading, which knows more formats, is kept only when the string
    writes a year.
    """
    raw = dict.get(entry, key)  # dict.get: FeedParserDict would answer "published" with
    if not isinstance(raw, str) or not raw.strip():  # "updated", and warn
        return None
    iso = fastfeedparser.main._parse_date(raw)
    if iso:
        return parse_iso_datetime(iso)
    if _YEAR_RE.search(raw):
        return _from_struct_time(dict.get(entry, f"{key}_parsed"))
    return None


def _looks_base64(value: str) -> bool:
    return bool(value) and _BASE64_TEXT_RE.fullmatch(value) is not None


def _from_struct_time(value: time.struct_time | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


# --- shared ---------------------------------------------------------------------------------


def _install_clock_free_dates() -> None:
    """Make fastfeedparser's date reader give the same answer on every day.

    For a string its exact readers do not take, fastfeedparser asks dateutil, which fills
    what the string leaves out from today: `2003` became 2003-12-06 on 6 December, and
    `07-01T01:55:07-05:00` took the current year. Here dateutil fills from 1 January of
    year 1 instead: a year alone is 1 January of that year, a month alone its first day, and
    a string without a year (year 1 comes back) is no date at all. dateparser, which
    fastfeedparser tries last when it is installed, fills from today too and is not asked.
    The results are cached by fastfeedparser, so the cache is emptied once here.
    """
    module: Any = fastfeedparser.main
    tzinfos = getattr(module, "_custom_tzinfos", None)
    dateutil_parser = module.dateutil_parser  # fastfeedparser's own dependency, as it uses it

    def read(value: str) -> datetime | None:
        try:
            when: datetime = dateutil_parser.parse(value, default=_NO_DATE, tzinfos=tzinfos)
        except (ValueError, TypeError, ArithmeticError):
            return None
        return None if when.year == _NO_DATE.year else when

    module._slow_dateutil_parse = read
    module._slow_dateparser = lambda value: None
    module._parse_date.cache_clear()


_NO_DATE = datetime(1, 1, 1)
_install_clock_free_dates()


def scan_feed_language(payload: bytes) -> str | None:
    """The feed-level language from the document's head: `<language>`, `<dc:language>`, or
    the root's `xml:lang`.

    fastfeedparser drops the RSS channel's `<language>`; a scan of the head before the first
    item finds it without parsing the document a second time.
    """
    head = head_text(payload, _LANGUAGE_SCAN_BYTES)
    first_entry = _FIRST_ENTRY_RE.search(head)
    if first_entry:
        head = head[: first_entry.start()]
    m = _CHANNEL_LANGUAGE_RE.search(head) or _XML_LANG_RE.search(head)
    return m.group(1) if m else None


def _numeric_entities(payload: bytes) -> bytes:
    """HTML named entities as numeric references, which any XML parser understands; and
    `&#X41;` as `&#x41;`, which XML spells with a small x only."""
    if b"&#X" in payload:
        payload = _UPPER_HEX_REFERENCE_RE.sub(rb"&#x\1", payload)
    if not _HTML_ENTITY_RE.search(payload):
        return payload
    return _ANY_ENTITY_RE.sub(_numeric_reference, payload)


def escape_bare_ampersands(payload: bytes) -> bytes:
    """Every `&` that starts no entity or character reference written `&amp;`, outside CDATA
    sections, for fastfeedparser's libxml2: a feed's unescaped link (`?a=1&b=2`) reads as
    written, as feedparser and browsers read it, instead of `?a=1=2` with the text after it
    lost. One regular-expression search when there is none. A UTF-16 or UTF-32 document
    (a byte-order mark, or a NUL in its first bytes) or one with ISO-2022 escapes is left
    alone: there a 0x26 byte may be half of another character (`द` is 26 09 in UTF-16)."""
    if payload[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in payload[:64]:
        return payload
    if not _BARE_AMPERSAND_RE.search(payload) or b"\x1b" in payload:
        return payload
    if b"<![CDATA[" not in payload:
        return _BARE_AMPERSAND_RE.sub(b"&amp;", payload)
    out: list[bytes] = []
    at = 0
    for m in _CDATA_RE.finditer(payload):
        out += [_BARE_AMPERSAND_RE.sub(b"&amp;", payload[at : m.start()]), m.group(0)]
        at = m.end()
    out.append(_BARE_AMPERSAND_RE.sub(b"&amp;", payload[at:]))
    return b"".join(out)


def _numeric_reference(m: re.Match[bytes]) -> bytes:
    name = m.group(1)
    if name in _XML_ENTITIES:
        return m.group(0)
    text = html.entities.html5.get(name.decode("ascii") + ";")
    if text is None:
        return m.group(0)  # perhaps declared in the document's own DTD; leave it be
    return "".join(f"&#{ord(ch)};" for ch in text).encode("ascii")


def _without_entity_declarations(payload: bytes) -> bytes:
    """The payload with its DTD's `<!ENTITY>` declarations removed.

    `formats.entities` has already expanded a well-formed prolog's entities and removed
    their declarations; this is the second line, for a payload that reaches the parsers
    another way or whose DOCTYPE hides behind junk a recovering parser skips. feedparser's
    expat would expand declarations, and nested ones ("billion laughs") cost seconds of CPU
    per payload; fastfeedparser's lxml parsers run with `huge_tree=True`, which turns off
    libxml2's entity amplification limit. So neither parser ever sees one.
    """
    start = payload.find(b"<!DOCTYPE", 0, _DOCTYPE_SCAN_BYTES)
    if start < 0 and b"<!ENTITY" in payload:  # a prolog padded past the usual scan
        start = payload.find(b"<!DOCTYPE")
    if start < 0:
        return payload
    end = payload.find(b"]>", start)
    if end < 0:
        return payload
    subset = _ENTITY_DECL_RE.sub(b"", payload[start:end])
    return payload[:start] + subset + payload[end:]


def _has_replacement_chars(items: list[Item]) -> bool:
    return any("\ufffd" in it.headline or "\ufffd" in it.body_html for it in items)
