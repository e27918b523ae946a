"""IPTC NITF 3.x (News Industry Text Format) documents into one `Item`.

NITF is one story per document: `head` carries the agency metadata (`docdata`), `body`
carries the headline block (`body.head`), the story (`body.content`) and the end matter
(`body.end`). This module puts the two together into the item; `head` reads the metadata and
`body` the story. The same body markup travels inside NewsML-G2 `inlineXML`, so the body
reader (`read_nitf_body`, `nitf_body_html`) is shared with the NewsML-G2 parser.

Both the DTD-era documents without a namespace and the schema ones in
`http://iptc.org/std/NITF/2006-10-18/` are read: every lookup is by local name.
See docs/formats/nitf.md for the field mapping.
"""

from __future__ import annotations

from wiredesk.errors import FormatError
from wiredesk.formats.fields import parse_iso_datetime, stable_guid, unique_texts
from wiredesk.formats.nitf.body import NitfBody, nitf_body_html, read_nitf_body, split_dateline
from wiredesk.formats.nitf.head import (
    copyright_of,
    guid_of,
    language_of,
    provenance_of,
    revisions_of,
    slugline_of,
    status_of,
    subjects_of,
)
from wiredesk.formats.xml_safe import (
    as_int,
    attr,
    child,
    children,
    descendants,
    element_datetime,
    local_name,
    namespace,
    parse_xml,
    root_element,
    text,
)
from wiredesk.model import Item, ParseResult, Signal

__all__ = [
    "FORMAT",
    "NitfBody",
    "looks_like_nitf",
    "nitf_body_html",
    "parse_nitf",
    "read_nitf_body",
    "split_dateline",
]

FORMAT = "nitf"


def looks_like_nitf(head: bytes) -> bool:
    """Whether the document's root element is `nitf` (without namespace or in an IPTC one)."""
    root = root_element(head)
    if root is None:
        return False
    ns, local = root
    return local == "nitf" and (ns is None or "iptc.org/std/nitf" in ns.lower())


def parse_nitf(payload: bytes) -> ParseResult:
    """The one story of an NITF document; `FormatError` when it is not one."""
    root = parse_xml(payload, "NITF")
    if local_name(root) != "nitf":
        ns = namespace(root)
        where = f" in namespace {ns}" if ns else ""
        raise FormatError(f"not an NITF document: the root element is <{local_name(root)}>{where}")
    head = child(root, "head")
    docdata = child(head, "docdata")
    body_el = child(root, "body")
    body = read_nitf_body(body_el) if body_el is not None else NitfBody()
    language = language_of(root, body_el)
    result = ParseResult(format=FORMAT, title=text(child(head, "title")) or None, language=language)

    headline = body.headline or text(child(head, "title"))
    issued = element_datetime(child(docdata, "date.issue"), "norm")
    pubdata = child(head, "pubdata")
    published_at = parse_iso_datetime(attr(pubdata, "date.publication")) or issued
    guid = guid_of(docdata)
    if guid is None:
        if not headline:
            raise FormatError(
                "NITF document has neither docdata/doc-id/@id-string nor a headline; "
                "cannot tell which story it is"
            )
        guid = stable_guid(headline, None, published_at)

    pub_status, signals, embargo_until = status_of(docdata, issued)
    correction = child(docdata, "correction")
    if correction is not None:
        signals.append(Signal.CORRECTION)
    correction_note = None
    if Signal.CORRECTION in signals:
        notes = [correction.get("info") if correction is not None else None]
        notes += [m.get("info") or text(m) for m in children(docdata, "ed-msg")]
        correction_note = " ".join(n.strip() for n in notes if n and n.strip()) or None

    subjects = subjects_of(head, docdata)
    revisions = revisions_of(head)
    item = Item(
        guid=guid,
        headline=headline,
        subheadline=body.subheadline,
        body_html=body.body_html,
        summary=body.abstract,
        version=as_int(attr(child(docdata, "du-key"), "version")),
        published_at=published_at,
        updated_at=max((h.time for h in revisions if h.time), default=issued),
        language=language,
        byline=body.byline,
        categories=unique_texts([s.name for s in subjects if s.name]),
        format=FORMAT,
        pub_status=pub_status,
        signals=signals,
        embargo_until=embargo_until,
        urgency=as_int(attr(child(docdata, "urgency"), "ed-urg")),
        slugline=slugline_of(head, docdata),
        subjects=subjects,
        keywords=unique_texts(
            [k.get("key") or text(k) for k in descendants(child(docdata, "key-list"), "keyword")]
        ),
        copyright=copyright_of(docdata),
        usage_terms=attr(child(docdata, "doc.rights"), "limitations"),
        provenance=provenance_of(docdata, revisions, body.distributor),
        images=body.images,
        correction_note=correction_note,
        credit_line=body.tagline,
        dateline_place=body.dateline_place,
        dateline_date=body.dateline_date,
    )
    result.items.append(item)
    return result
