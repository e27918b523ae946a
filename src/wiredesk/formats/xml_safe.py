"""Reading agency XML (NewsML-G2, NITF) without letting the document make us do anything.

Agency documents come from outside, so the parser never fetches (no DTDs, no external
entities, no network), never expands entities, and refuses pathologically deep or large
trees. A document's own entities are expanded before it gets here, within a budget, or the
document is refused (`formats.entities`); a reference the parser still meets (one never
declared) is left as an unexpanded node that the text helpers here skip. Comments are
dropped at parse time because IPTC examples put them inside otherwise empty content elements.

The helpers work on local names so the same code reads a namespaced NITF (inside NewsML-G2)
and a DTD-era NITF without a namespace; what both XML formats read alike (times, sized image
links) is read here once, so a picture or a date means the same in either.
"""

from __future__ import annotations

import re
from datetime import datetime

from lxml import etree

from wiredesk.errors import FormatError
from wiredesk.formats.fields import parse_iso_datetime
from wiredesk.model import ImageLink

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

_PROLOG_RE = re.compile(
    r"""\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]*\[.*?\])?[^>]*>)*""", re.DOTALL
)
_START_TAG_RE = re.compile(r"<(?:([A-Za-z_][\w.\-]*):)?([A-Za-z_][\w.\-]*)([^>]*)")
# A namespace declaration in a start tag's attribute text: (prefix or None, URI in " or ').
XMLNS_RE = re.compile(r"""xmlns(?::([\w.\-]+))?\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


# No entity resolution, no network, no DTD, libxml2's size limits on, no comments or PIs.
_SAFE = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


def safe_parser() -> etree.XMLParser:
    """A fresh parser per document: lxml parsers must not be shared between threads."""
    return etree.XMLParser(**_SAFE)


def recovering_parser() -> etree.XMLParser:
    """`safe_parser` that reads a document as far as it goes, closing what is still open when
    the data runs out: only for documents known to be cut short, whose cut part is judged
    apart (`ingest.completeness`)."""
    return etree.XMLParser(recover=True, **_SAFE)


def parse_xml(payload: bytes, what: str) -> etree._Element:
    """The root element; `FormatError` naming `what` and the parser's complaint otherwise."""
    if not payload or not payload.strip():
        raise FormatError(f"{what} document is empty")
    try:
        root = etree.fromstring(payload, safe_parser())
    except etree.XMLSyntaxError as e:
        raise FormatError(f"{what} document is not well-formed XML: {one_line(str(e))}") from None
    except ValueError as e:  # e.g. an encoding declaration lxml cannot honour
        raise FormatError(f"{what} document cannot be read: {one_line(str(e))}") from None
    if root is None:
        raise FormatError(f"{what} document has no root element")
    return root


def root_element(head: bytes) -> tuple[str | None, str] | None:
    """(namespace URI, local name) of the root element, from a cheap scan of the head bytes.

    Used to decide the format before parsing anything; None when no start tag is visible.
    """
    text = _decode_head(head)
    prolog = _PROLOG_RE.match(text)
    m = _START_TAG_RE.match(text, prolog.end() if prolog else 0)
    if m is None:
        return None
    prefix, local, attributes = m.group(1), m.group(2), m.group(3)
    for decl in XMLNS_RE.finditer(attributes):
        if decl.group(1) == prefix:
            return decl.group(2) if decl.group(2) is not None else decl.group(3), local
    return None, local


def _decode_head(head: bytes) -> str:
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, errors="replace")
    if len(head) >= 2 and head[0] == 0 and head[1] != 0:
        return head.decode("utf-16-be", errors="replace")
    if len(head) >= 2 and head[1] == 0 and head[0] != 0:
        return head.decode("utf-16-le", errors="replace")
    return head.decode("latin-1")  # the markup we look for is ASCII


def local_name(el: etree._Element) -> str:
    """The element's name without its namespace; "" for entity references and the like."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def namespace(el: etree._Element) -> str | None:
    tag = el.tag
    if isinstance(tag, str) and tag.startswith("{"):
        return tag[1:].partition("}")[0]
    return None


def children(el: etree._Element | None, name: str) -> list[etree._Element]:
    """Direct children with this local name, in any namespace."""
    if el is None:
        return []
    return [c for c in el if local_name(c) == name]


def child(el: etree._Element | None, name: str) -> etree._Element | None:
    if el is None:
        return None
    for c in el:
        if local_name(c) == name:
            return c
    return None


def descendants(el: etree._Element | None, name: str) -> list[etree._Element]:
    if el is None:
        return []
    return [d for d in el.iterdescendants() if local_name(d) == name]


def raw_text(el: etree._Element | None) -> str:
    """All character data inside, skipping unexpanded entity references."""
    if el is None:
        return ""
    parts: list[str] = [el.text or ""]
    for c in el:
        if isinstance(c.tag, str):
            parts.append(raw_text(c))
        parts.append(c.tail or "")
    return "".join(parts)


def text(el: etree._Element | None) -> str:
    """The element's text as a reader sees it: whitespace runs collapsed, ends trimmed."""
    return " ".join(raw_text(el).split())


def lang_of(el: etree._Element | None) -> str | None:
    """`xml:lang` of the element or its nearest ancestor that declares one."""
    while el is not None:
        value: str | None = el.get(XML_LANG)
        if value and value.strip():
            return value.strip()
        el = el.getparent()
    return None


def as_int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


def element_datetime(el: etree._Element | None, attribute: str | None = None) -> datetime | None:
    """An aware UTC time from the element's ISO 8601 text; from `attribute` first where the
    format puts a normalized time there (NITF's `norm`). None when neither reads as a time."""
    if el is None:
        return None
    if attribute is not None:
        when = parse_iso_datetime(el.get(attribute))
        if when is not None:
            return when
    return parse_iso_datetime(text(el))


def sized_image(el: etree._Element, href: str, caption: str | None, mime: str | None) -> ImageLink:
    """An image link whose width and height are the element's attributes, as NITF
    `media-reference` and NewsML-G2 `remoteContent`, `itemRef` and `link` carry them."""
    return ImageLink(
        href=href,
        caption=caption,
        width=as_int(el.get("width")),
        height=as_int(el.get("height")),
        mime=mime,
    )


def is_image_type(mime: str | None) -> bool:
    """Whether a content type names an image (`image/jpeg`, `IMAGE/PNG`)."""
    return bool(mime) and mime.lower().startswith("image/")  # type: ignore[union-attr]


def one_line(message: str) -> str:
    """A parser's complaint as one short line, fit for a `FormatError` message."""
    return " ".join(message.split())[:300]


def attr(el: etree._Element | None, name: str) -> str | None:
    """An attribute's trimmed value; None when the element or the value is missing or blank.

    (lxml elements without children are falsy, so `el or default` must never be used.)
    """
    if el is None:
        return None
    value = el.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None
