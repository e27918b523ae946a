"""IPTC NITF 3.x (News Industry Text Format) documents into one `Item`.

NITF is one story per document: `head` carries the agency metadata (`docdata`), `body`
carries the headline block (`body.head`), the story (`body.content`) and the end matter
(`body.end`). The same body markup travels inside NewsML-G2 `inlineXML`, so the body reader
(`read_nitf_body`, `nitf_body_html`) is shared with the NewsML-G2 parser.

Both the DTD-era documents without a namespace and the schema ones in
`http://iptc.org/std/NITF/2006-10-18/` are read: every lookup is by local name.
See docs/formats/nitf.md for the field mapping.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

from wiredesk.errors import FormatError
from wiredesk.formats.fields import parse_iso_datetime, stable_guid
from wiredesk.formats.xml_safe import (
    XML_LANG,
    as_int,
    attr,
    child,
    children,
    descendants,
    lang_of,
    local_name,
    namespace,
    parse_xml,
    root_element,
    text,
)
from wiredesk.model import Hop, ImageLink, Item, ParseResult, PubStatus, Signal, Subject

FORMAT = "nitf"

# NITF body elements and the HTML they become; anything else keeps only its text.
_SAME_BLOCKS = {
    "p": "p",
    "hl1": "h2",
    "hl2": "h2",
    "pre": "pre",
    "bq": "blockquote",
    "ol": "ol",
    "ul": "ul",
    "li": "li",
    "dl": "dl",
    "dt": "dt",
    "dd": "dd",
    "table": "table",
    "caption": "caption",
    "thead": "thead",
    "tbody": "tbody",
    "tfoot": "tfoot",
    "tr": "tr",
    "th": "th",
    "td": "td",
}
_SAME_INLINE = {"em": "em", "q": "q", "sub": "sub", "sup": "sup"}
_VOID = {"br": "br", "hr": "hr"}
_KEPT_ATTRIBUTES = ("colspan", "rowspan")
_SPACES_RE = re.compile(r"[ \t\r\n]+")  # XML whitespace only: keep no-break spaces
_SKIPPED = frozenset({"nitf-table-metadata", "media-object", "media-metadata", "media-producer"})


@dataclass(slots=True)
class NitfBody:
    """What `body` says, before it is merged with metadata from `head` or NewsML-G2."""

    headline: str = ""
    subheadline: str | None = None
    byline: str | None = None
    abstract: str = ""
    dateline_place: str | None = None
    dateline_date: str | None = None
    distributor: str | None = None
    tagline: str | None = None
    body_html: str = ""
    images: list[ImageLink] = field(default_factory=list)


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
    language = _language(root, body_el)
    result = ParseResult(format=FORMAT, title=text(child(head, "title")) or None, language=language)

    headline = body.headline or text(child(head, "title"))
    issued = _date(child(docdata, "date.issue"))
    pubdata = child(head, "pubdata")
    published_at = parse_iso_datetime(attr(pubdata, "date.publication")) or issued
    guid = _guid(docdata)
    if guid is None:
        if not headline:
            raise FormatError(
                "NITF document has neither docdata/doc-id/@id-string nor a headline; "
                "cannot tell which story it is"
            )
        guid = stable_guid(headline, None, published_at)

    pub_status, signals, embargo_until = _status(docdata, issued)
    correction = child(docdata, "correction")
    if correction is not None:
        signals.append(Signal.CORRECTION)
    correction_note = None
    if Signal.CORRECTION in signals:
        notes = [correction.get("info") if correction is not None else None]
        notes += [m.get("info") or text(m) for m in children(docdata, "ed-msg")]
        correction_note = " ".join(n.strip() for n in notes if n and n.strip()) or None

    subjects = _subjects(head, docdata)
    revisions = _revisions(head)
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
        categories=_unique([s.name for s in subjects if s.name]),
        format=FORMAT,
        pub_status=pub_status,
        signals=signals,
        embargo_until=embargo_until,
        urgency=as_int(attr(child(docdata, "urgency"), "ed-urg")),
        subjects=subjects,
        keywords=_unique(
            [k.get("key") or text(k) for k in descendants(child(docdata, "key-list"), "keyword")]
        ),
        copyright=_copyright(docdata),
        usage_terms=attr(child(docdata, "doc.rights"), "limitations"),
        provenance=_provenance(docdata, revisions, body.distributor),
        images=body.images,
        correction_note=correction_note,
        credit_line=body.tagline,
        dateline_place=body.dateline_place,
        dateline_date=body.dateline_date,
    )
    result.items.append(item)
    return result


# --- body -----------------------------------------------------------------------------------


def read_nitf_body(body: etree._Element) -> NitfBody:
    """The headline block, story HTML and end matter of an NITF `body`."""
    head = child(body, "body.head")
    out = NitfBody()
    hedline = child(head, "hedline")
    out.headline = text(child(hedline, "hl1"))
    out.subheadline = text(child(hedline, "hl2")) or None
    bylines = [text(b) for b in children(head, "byline")]
    out.byline = "; ".join(b for b in bylines if b) or None
    out.abstract = text(child(head, "abstract"))
    out.distributor = text(child(head, "distributor")) or None
    dateline = child(head, "dateline")
    if dateline is not None:
        place = text(child(dateline, "location"))
        date = text(child(dateline, "story.date"))
        if place or date:
            out.dateline_place, out.dateline_date = place or None, date or None
        else:
            out.dateline_place, out.dateline_date = split_dateline(text(dateline))
    contents = children(body, "body.content")
    out.body_html = "".join(nitf_body_html(c) for c in contents)
    for content in contents:
        out.images.extend(_media_images(content))
    out.tagline = text(child(child(body, "body.end"), "tagline")) or None
    return out


def nitf_body_html(body_content: etree._Element) -> str:
    """NITF `body.content` as simple HTML: paragraphs, headings, lists, tables, quotes,
    figures for `media`; NITF's semantic inline tags (person, org, money, ...) keep their text.

    The result is not sanitized here; the pipeline sanitizes every body the same way.
    """
    return _inner(body_content).strip()


def _inner(el: etree._Element) -> str:
    keep = local_name(el) == "pre"
    parts = [esc_text(el.text, keep)]
    for c in el:
        if isinstance(c.tag, str):
            parts.append(_element(c))
        parts.append(esc_text(c.tail, keep))
    return "".join(parts)


def esc_text(value: str | None, keep_whitespace: bool) -> str:
    """Escaped text; the indentation of pretty-printed XML collapsed to single spaces."""
    if not value:
        return ""
    if not keep_whitespace:
        value = _SPACES_RE.sub(" ", value)
    return html.escape(value, quote=False)


def _element(el: etree._Element) -> str:
    name = local_name(el)
    if name in _SKIPPED:
        return ""
    if name in _VOID:
        return f"<{_VOID[name]}>"
    if name in _SAME_BLOCKS or name in _SAME_INLINE:
        tag = _SAME_BLOCKS.get(name) or _SAME_INLINE[name]
        attrs = "".join(
            f' {a}="{_esc(el.get(a))}"' for a in _KEPT_ATTRIBUTES if el.get(a) is not None
        )
        return f"<{tag}{attrs}>{_inner(el)}</{tag}>"
    if name == "a":
        href = el.get("href")
        if href:
            return f'<a href="{_esc(href)}">{_inner(el)}</a>'
        return _inner(el)
    if name == "media":
        return _figure(el)
    if name == "credit":  # the source of a block quote
        return f"<p><cite>{_inner(el)}</cite></p>"
    if name == "frac":
        return _esc(f"{text(child(el, 'numer'))}/{text(child(el, 'denom'))}")
    return _inner(el)  # block, nitf-table, fn, note and inline semantics: their content


def _figure(media: etree._Element) -> str:
    images = _media_images_of(media)
    caption = text(child(media, "media-caption"))
    if not images:
        return f"<p>{_esc(caption)}</p>" if caption else ""
    img = images[0]
    size = "".join(
        f' {k}="{v}"' for k, v in (("width", img.width), ("height", img.height)) if v is not None
    )
    alt = _esc(caption)
    figcaption = f"<figcaption>{_esc(caption)}</figcaption>" if caption else ""
    return f'<figure><img src="{_esc(img.href)}" alt="{alt}"{size}>{figcaption}</figure>'


def _media_images(content: etree._Element) -> list[ImageLink]:
    found: list[ImageLink] = []
    for media in descendants(content, "media"):
        found.extend(_media_images_of(media))
    return found


def _media_images_of(media: etree._Element) -> list[ImageLink]:
    """The first image reference of one `media` element (NITF lists renditions in order)."""
    media_type = (media.get("media-type") or "image").lower()
    caption = text(child(media, "media-caption")) or None
    for ref in children(media, "media-reference"):
        mime = ref.get("mime-type")
        source = (ref.get("source") or "").strip()
        if not source or (media_type not in ("image", "graphic") and not _is_image(mime)):
            continue
        return [
            ImageLink(
                href=source,
                caption=caption or (ref.get("alternate-text") or "").strip() or None,
                width=as_int(ref.get("width")),
                height=as_int(ref.get("height")),
                mime=mime,
            )
        ]
    return []


def _is_image(mime: str | None) -> bool:
    return bool(mime) and mime.lower().startswith("image/")  # type: ignore[union-attr]


def split_dateline(dateline: str) -> tuple[str | None, str | None]:
    """("MOSCOW", "Monday") from "MOSCOW, Monday (Reuters)": place before the first comma,
    date after it without a trailing "(Agency)". A dateline without a comma is all place.
    """
    dateline = dateline.strip()
    if not dateline:
        return None, None
    place, _, rest = dateline.partition(",")
    rest = rest.strip()
    if rest.endswith(")") and "(" in rest:
        rest = rest[: rest.rindex("(")].strip()
    rest = rest.rstrip(" -—–:").strip()
    return place.strip() or None, rest or None


def _esc(value: str | None) -> str:
    return html.escape(value, quote=True) if value else ""


# --- head -----------------------------------------------------------------------------------


def _language(root: etree._Element, body: etree._Element | None) -> str | None:
    for value in (root.get("baselang"), root.get(XML_LANG), lang_of(body)):
        if value and value.strip():
            return value.strip()
    return None


def _guid(docdata: etree._Element | None) -> str | None:
    return attr(child(docdata, "doc-id"), "id-string") or attr(child(docdata, "du-key"), "key")


def _date(el: etree._Element | None) -> datetime | None:
    if el is None:
        return None
    return parse_iso_datetime(el.get("norm")) or parse_iso_datetime(text(el))


def _status(
    docdata: etree._Element | None, issued: datetime | None
) -> tuple[PubStatus, list[Signal], datetime | None]:
    """pubStatus, signals and embargo from `management-status` and `date.release`.

    `date.release` is the time the story may be released: an embargo when it is later than
    `date.issue` (or there is no issue date), or whenever the status says "embargoed". An
    "embargoed" status without a release time holds the story (withheld) until a later version.
    """
    status = (attr(docdata, "management-status") or "").lower()
    release = _date(child(docdata, "date.release"))
    embargo = release if release and (issued is None or release > issued) else None
    signals: list[Signal] = []
    if status in ("canceled", "cancelled"):
        return PubStatus.CANCELED, [Signal.KILL], embargo
    if status == "withheld":
        return PubStatus.WITHHELD, signals, embargo
    if status == "embargoed":
        if release is None:
            return PubStatus.WITHHELD, signals, None
        return PubStatus.USABLE, signals, release
    return PubStatus.USABLE, signals, embargo


def _subjects(head: etree._Element | None, docdata: etree._Element | None) -> list[Subject]:
    subjects: list[Subject] = []
    for tobject in children(head, "tobject"):
        for s in children(tobject, "tobject.subject"):
            refnum = (s.get("tobject.subject.refnum") or "").strip()
            if not refnum:
                continue
            name = next(
                (
                    s.get(a).strip()  # type: ignore[union-attr]
                    for a in (
                        "tobject.subject.detail",
                        "tobject.subject.matter",
                        "tobject.subject.type",
                    )
                    if (s.get(a) or "").strip()
                ),
                None,
            )
            subjects.append(Subject(code=f"subj:{refnum}", name=name, scheme="subj"))
    for classifier in descendants(child(docdata, "identified-content"), "classifier"):
        value = (classifier.get("value") or "").strip()
        if not value:
            continue
        scheme = (classifier.get("idsrc") or "").strip() or None
        code = f"{scheme}:{value}" if scheme and not value.startswith(f"{scheme}:") else value
        subjects.append(Subject(code=code, name=text(classifier) or None, scheme=scheme))
    return subjects


def _copyright(docdata: etree._Element | None) -> str | None:
    c = child(docdata, "doc.copyright")
    if c is None:
        return None
    year = (c.get("year") or "").strip()
    holder = (c.get("holder") or "").strip()
    if not year and not holder:
        return None
    return " ".join(p for p in ("©", year, holder) if p)


def _revisions(head: etree._Element | None) -> list[Hop]:
    hops = []
    for r in children(head, "revision-history"):
        name = (r.get("name") or "").strip()
        if not name:
            continue
        action = ", ".join(
            p.strip() for p in (r.get("function"), r.get("comment")) if p and p.strip()
        )
        hops.append(
            Hop(
                role="hop",
                name=name,
                time=parse_iso_datetime(r.get("norm")),
                action=action or None,
            )
        )
    return hops


def _provenance(
    docdata: etree._Element | None, revisions: list[Hop], distributor: str | None
) -> list[Hop]:
    """Revision history (editing steps), then the delivery trail (`del-list/from-src`, by
    level number), then `body.head/distributor`: earliest first, as the model wants."""
    hops = list(revisions)
    sources = descendants(child(docdata, "del-list"), "from-src")
    sources.sort(key=lambda s: as_int(s.get("level-number")) or 0)
    for s in sources:
        name = (s.get("src-name") or "").strip()
        if name:
            hops.append(Hop(role="distributor", name=name))
    if distributor and all(h.name != distributor for h in hops):
        hops.append(Hop(role="distributor", name=distributor))
    return hops


def _unique(values: list[str | None]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        if v and v.strip():
            seen.setdefault(v.strip(), None)
    return list(seen)
