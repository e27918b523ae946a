"""IPTC NewsML-G2 documents (newsItem, packageItem, newsMessage) into `Item`s.

NewsML-G2 is the agencies' own wire format: every version of a story is a complete
`newsItem` with its lifecycle (`pubStatus`, `signal`, `embargoed`), its metadata
(`contentMeta`) and its content (`contentSet`, usually NITF or XHTML inline). A
`newsMessage` bundles several items; a `packageItem` only points at other items.

What becomes an item: every text `newsItem` (itemClass `ninat:text`, or no itemClass) with a
guid. Pictures and other media are not stories; their links are attached as `images` to the
text items that a package groups them with or that point at them with `link`. Packages lend
their headline to referenced text items that lack one. Everything that is skipped gets one
line in `ParseResult.problems`. See docs/formats/newsml-g2.md for the field mapping.
"""

from __future__ import annotations

import base64
import binascii
import html
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from lxml import etree

from wiredesk.errors import FormatError
from wiredesk.formats.fields import parse_iso_datetime, text_to_html
from wiredesk.formats.nitf import NitfBody, esc_text, read_nitf_body, split_dateline
from wiredesk.formats.xml_safe import (
    as_int,
    attr,
    child,
    children,
    descendants,
    lang_of,
    local_name,
    namespace,
    parse_xml,
    raw_text,
    root_element,
    text,
)
from wiredesk.model import Hop, ImageLink, Item, ParseResult, PubStatus, Signal, Subject

FORMAT = "newsml-g2"
NAR_NS = "http://iptc.org/std/nar/2006-10-01/"
_ITEM_ROOTS = ("newsItem", "packageItem", "knowledgeItem", "conceptItem", "planningItem")
_ROOTS = frozenset((*_ITEM_ROOTS, "newsMessage", "catalogItem"))

_PUB_STATUS = {
    "usable": PubStatus.USABLE,
    "withheld": PubStatus.WITHHELD,
    "canceled": PubStatus.CANCELED,
    "cancelled": PubStatus.CANCELED,
}
_SIGNALS = {
    "update": Signal.UPDATE,
    "correction": Signal.CORRECTION,
    "correct": Signal.CORRECTION,
    "kill": Signal.KILL,
    "cancel": Signal.KILL,
}
# Picture renditions in the order a web page wants them.
_RENDITION_ORDER = ("web", "preview", "viewimage", "highres", "baseimage", "original", "thumb")
_IPTC_CV = "http://cv.iptc.org/newscodes/"
_CV_ALIASES = {"mediatopic": "medtop", "subjectcode": "subj"}
_XHTML_KEPT_ATTRIBUTES = ("href", "src", "alt", "title", "colspan", "rowspan", "width", "height")


def looks_like_newsml_g2(head: bytes) -> bool:
    """Whether the root element is a NewsML-G2 item or message in the NewsML-G2 namespace."""
    root = root_element(head)
    return root is not None and root[0] == NAR_NS and root[1] in _ROOTS


def parse_newsml_g2(payload: bytes) -> ParseResult:
    """Text items of a NewsML-G2 document; `FormatError` when it is not one or, for a single
    item, when that item is invalid. In a newsMessage, an invalid item is a problem line."""
    root = parse_xml(payload, "NewsML-G2")
    name, ns = local_name(root), namespace(root)
    if ns != NAR_NS or name not in _ROOTS:
        where = f" in namespace {ns}" if ns else " without a namespace"
        raise FormatError(
            f"not a NewsML-G2 document: the root element is <{name}>{where}; expected "
            f"newsItem, packageItem or newsMessage in {NAR_NS}"
        )
    result = ParseResult(format=FORMAT, language=lang_of(root))
    if name == "newsMessage":
        header = child(root, "header")
        priority = as_int(text(child(header, "priority")) or None)
        elements = [e for s in children(root, "itemSet") for e in s if local_name(e)]
        _read_elements(elements, result, in_message=True)
        for item in result.items:
            if item.priority is None:
                item.priority = priority
    else:
        _read_elements([root], result, in_message=False)
    return result


# --- one document's items, linked together -----------------------------------------------


@dataclass(slots=True)
class _Package:
    guid: str
    headline: str
    groups: list[list[etree._Element]]  # itemRefs, grouped as the package groups them


@dataclass(slots=True)
class _Read:
    texts: list[Item] = field(default_factory=list)
    pictures: dict[str, ImageLink | None] = field(default_factory=dict)  # guid -> best image
    packages: list[_Package] = field(default_factory=list)
    links: dict[str, list[etree._Element]] = field(default_factory=dict)  # guid -> itemMeta/link
    attached: set[str] = field(default_factory=set)  # picture guids some text item uses


def _read_elements(elements: list[etree._Element], result: ParseResult, in_message: bool) -> None:
    read = _Read()
    for index, el in enumerate(elements):
        kind = local_name(el)
        try:
            if kind == "newsItem":
                _read_news_item(el, read, result)
            elif kind == "packageItem":
                read.packages.append(_read_package(el))
            else:
                guid = attr(el, "guid") or "no guid"
                result.problems.append(f"{kind} {guid}: describes concepts, not news; skipped")
        except FormatError as e:
            if not in_message:
                raise
            result.problems.append(f"item {index + 1} in newsMessage: {e}; skipped")
    by_guid = {item.guid: item for item in read.texts}
    for package in read.packages:
        _apply_package(package, read, by_guid, result)
    for item in read.texts:
        for link in read.links.get(item.guid, []):
            image = _linked_image(link, read)
            if image is not None and image not in item.images:
                item.images.append(image)
    for guid in read.pictures:
        if guid not in read.attached:
            result.problems.append(
                f"newsItem {guid}: a picture, not a story, and no text item here refers to it; "
                "skipped"
            )
    for item in read.texts:
        empty = not item.headline and not item.body_html.strip() and not item.summary
        if empty and item.pub_status is PubStatus.USABLE:
            result.problems.append(
                f"newsItem {item.guid}: no headline and no content to publish; skipped"
            )
            continue
        result.items.append(item)


def _apply_package(
    package: _Package, read: _Read, by_guid: dict[str, Item], result: ParseResult
) -> None:
    """Package headline to headline-less text items; grouped pictures to their text items."""
    refs = [r for group in package.groups for r in group]
    present = [r for r in refs if _ref_id(r) in by_guid or _ref_id(r) in read.pictures]
    if not present:
        shown = ", ".join(filter(None, (_ref_id(r) for r in refs[:5]))) or "nothing"
        result.problems.append(
            f"packageItem {package.guid}: only references other items ({shown}); "
            "nothing to publish on its own"
        )
        return
    for group in package.groups:
        images: list[ImageLink] = []
        texts: list[tuple[Item, etree._Element]] = []
        for ref in group:
            ref_id = _ref_id(ref)
            if ref_id in by_guid:
                texts.append((by_guid[ref_id], ref))
            elif ref_id in read.pictures:
                read.attached.add(ref_id)
                if (picture := read.pictures[ref_id]) is not None:
                    images.append(picture)
            elif (image := _direct_image(ref)) is not None:
                images.append(image)
        for item, ref in texts:
            if not item.headline:
                item.headline = text(child(ref, "title")) or package.headline
            for image in images:
                if image not in item.images:
                    item.images.append(image)


def _ref_id(ref: etree._Element) -> str | None:
    return attr(ref, "residref") or attr(ref, "href")


def _direct_image(ref: etree._Element) -> ImageLink | None:
    """An itemRef or link that points straight at an image file (contenttype image/*)."""
    mime = attr(ref, "contenttype")
    href = attr(ref, "href")
    if href and mime and mime.lower().startswith("image/"):
        return ImageLink(
            href=href,
            caption=text(child(ref, "title")) or None,
            width=as_int(ref.get("width")),
            height=as_int(ref.get("height")),
            mime=mime,
        )
    return None


def _linked_image(link: etree._Element, read: _Read) -> ImageLink | None:
    target = _ref_id(link)
    if target and target in read.pictures:
        read.attached.add(target)
        return read.pictures[target]
    return _direct_image(link)


def _read_package(el: etree._Element) -> _Package:
    guid = attr(el, "guid")
    if guid is None:
        raise FormatError("NewsML-G2 packageItem without a guid attribute")
    groups: dict[int, list[etree._Element]] = {}
    for ref in descendants(el, "itemRef"):
        parent = ref.getparent()
        groups.setdefault(id(parent), []).append(ref)
    headline = _headlines(child(el, "contentMeta"), lang_of(el))[0]
    return _Package(guid=guid, headline=headline, groups=list(groups.values()))


# --- newsItem --------------------------------------------------------------------------------


def _read_news_item(el: etree._Element, read: _Read, result: ParseResult) -> None:
    guid = attr(el, "guid")
    if guid is None:
        raise FormatError("NewsML-G2 newsItem without a guid attribute")
    item_meta = child(el, "itemMeta")
    if item_meta is None:
        raise FormatError(f"NewsML-G2 newsItem {guid} has no itemMeta")
    item_class = _code_local(child(item_meta, "itemClass"))
    if item_class not in (None, "text"):
        if item_class in ("picture", "graphic"):
            read.pictures[guid] = _best_picture(el)  # a problem line later if nothing uses it
        else:
            result.problems.append(f"newsItem {guid}: a {item_class} item, not a story; skipped")
        return
    read.links[guid] = children(item_meta, "link")
    read.texts.append(_news_item(el, guid, item_meta))


def _news_item(el: etree._Element, guid: str, item_meta: etree._Element) -> Item:
    content_meta = child(el, "contentMeta")
    language = attr(child(content_meta, "language"), "tag") or lang_of(el)
    body = _body(child(el, "contentSet"))
    nitf = body.nitf or NitfBody()
    headline, subheadline = _headlines(content_meta, language)

    pub_status = _PUB_STATUS.get(_code_local(child(item_meta, "pubStatus")) or "usable")
    pub_status = pub_status or PubStatus.USABLE
    signals = _signals(item_meta)
    embargoed = child(item_meta, "embargoed")
    embargo_until = None
    if embargoed is not None:
        embargo_until = parse_iso_datetime(text(embargoed))
        if embargo_until is None and pub_status is PubStatus.USABLE:
            pub_status = PubStatus.WITHHELD  # embargoed "until further notice"
    if pub_status is PubStatus.CANCELED and Signal.KILL not in signals:
        signals.append(Signal.KILL)
    notes = [text(n) for n in children(item_meta, "edNote")]
    correction_note = None
    if Signal.CORRECTION in signals:
        correction_note = " ".join(n for n in notes if n) or None

    place, date = split_dateline(text(child(content_meta, "dateline")))
    if place is None:
        place = _name(child(content_meta, "located"), language)
    subjects, loose_names = _subjects(content_meta, language)
    genres = [_name(g, language) for g in children(content_meta, "genre")]
    rights = child(el, "rightsInfo")
    provenance = _provenance(el, item_meta, content_meta, language)
    originator = next((h.name for h in provenance if h.role == "originator"), None)
    first_created = _time(child(item_meta, "firstCreated"))
    version_created = _time(child(item_meta, "versionCreated"))
    version = el.get("version")

    return Item(
        guid=guid,
        headline=headline or nitf.headline,
        subheadline=subheadline or nitf.subheadline,
        body_html=body.html,
        summary=_summary(content_meta, language) or nitf.abstract,
        link=_canonical_link(item_meta),
        version=1 if version is None else as_int(version),
        published_at=first_created or version_created,
        updated_at=version_created,
        language=language,
        byline=_byline(content_meta, language) or nitf.byline,
        categories=_unique([s.name for s in subjects] + genres),
        format=FORMAT,
        pub_status=pub_status,
        signals=signals,
        embargo_until=embargo_until,
        urgency=as_int(text(child(content_meta, "urgency")) or None),
        slugline=text(child(content_meta, "slugline")) or None,
        subjects=subjects,
        keywords=_unique([text(k) for k in children(content_meta, "keyword")] + loose_names),
        copyright=_copyright(rights),
        usage_terms=text(child(rights, "usageTerms")) or None,
        provenance=provenance,
        images=list(nitf.images),
        correction_note=correction_note,
        credit_line=text(child(content_meta, "creditline")) or nitf.tagline,
        originator=originator,
        dateline_place=place or nitf.dateline_place,
        dateline_date=date or nitf.dateline_date,
    )


def _code_local(el: etree._Element | None) -> str | None:
    """The concept's code without its scheme: "text" from qcode "ninat:text" or from
    uri "http://cv.iptc.org/newscodes/ninature/text"."""
    code = attr(el, "qcode") or attr(el, "uri") or attr(el, "literal")
    if code is None:
        return None
    return code.rstrip("/").rpartition("/")[2].rpartition(":")[2].lower() or None


def _signals(item_meta: etree._Element) -> list[Signal]:
    signals: list[Signal] = []
    for s in children(item_meta, "signal"):
        signal = _SIGNALS.get(_code_local(s) or "")
        if signal is not None and signal not in signals:
            signals.append(signal)
    return signals


def _time(el: etree._Element | None) -> datetime | None:
    return parse_iso_datetime(text(el)) if el is not None else None


def _pick_by_language(elements: list[etree._Element], language: str | None) -> list[etree._Element]:
    """The elements in the item's language (or without one); all of them if none match."""
    if not language:
        return elements
    base = language.split("-")[0].lower()
    same = [e for e in elements if (lang_of(e) or language).split("-")[0].lower() == base]
    return same or elements


def _name(el: etree._Element | None, language: str | None) -> str | None:
    if el is None:
        return None
    names = [n for n in _pick_by_language(children(el, "name"), language) if text(n)]
    return text(names[0]) if names else None


def _headlines(content_meta: etree._Element | None, language: str | None) -> tuple[str, str | None]:
    main, sub = "", None
    for h in _pick_by_language(children(content_meta, "headline"), language):
        role = (_role(h) or "main").lower()
        value = text(h)
        if not value:
            continue
        if "sub" in role:
            sub = sub or value
        elif not main:
            main = value
    return main, sub


def _role(el: etree._Element) -> str | None:
    role = attr(el, "role")
    return role.rpartition(":")[2] if role else None


def _summary(content_meta: etree._Element | None, language: str | None) -> str:
    descriptions = _pick_by_language(children(content_meta, "description"), language)
    for d in descriptions:
        if (_role(d) or "summary").lower() == "summary" and text(d):
            return text(d)
    return ""


def _byline(content_meta: etree._Element | None, language: str | None) -> str | None:
    bylines = [text(b) for b in _pick_by_language(children(content_meta, "by"), language)]
    return "; ".join(b for b in bylines if b) or None


def _subjects(
    content_meta: etree._Element | None, language: str | None
) -> tuple[list[Subject], list[str]]:
    """Coded subjects; and the names of subjects that have no code (kept as keywords)."""
    subjects: list[Subject] = []
    loose: list[str] = []
    for s in children(content_meta, "subject"):
        name = _name(s, language)
        code, scheme = _qualified_code(s)
        if code is None:
            if name:
                loose.append(name)
            continue
        if all(x.code != code for x in subjects):
            subjects.append(Subject(code=code, name=name, scheme=scheme))
    return subjects, loose


def _qualified_code(el: etree._Element) -> tuple[str | None, str | None]:
    """("medtop:04000000", "medtop") from a qcode, or from an IPTC NewsCodes URI."""
    qcode = attr(el, "qcode")
    if qcode:
        scheme, sep, _ = qcode.partition(":")
        return qcode, scheme if sep else None
    uri = attr(el, "uri")
    if uri and uri.startswith(_IPTC_CV):
        cv, _, code = uri[len(_IPTC_CV) :].strip("/").partition("/")
        scheme = _CV_ALIASES.get(cv, cv)
        return f"{scheme}:{code}", scheme
    return uri or attr(el, "literal"), None


def _copyright(rights: etree._Element | None) -> str | None:
    notice = text(child(rights, "copyrightNotice"))
    if notice:
        return notice
    holder = child(rights, "copyrightHolder")
    if holder is None:
        return None
    return _name(holder, None) or attr(holder, "literal")


def _canonical_link(item_meta: etree._Element) -> str | None:
    """The story's own web page: an itemMeta `link` with rel canonical/alternate/self and an
    http(s) href. Other links (seeAlso, associated media) are not the story's URL."""
    for link in children(item_meta, "link"):
        rel = (attr(link, "rel") or "").rpartition(":")[2].lower()
        href = attr(link, "href")
        if rel in ("canonical", "alternate", "self") and href and href.startswith("http"):
            return href
    return None


# --- provenance ------------------------------------------------------------------------------


def _party(el: etree._Element, language: str | None) -> Hop | None:
    """A Hop for a provider / infoSource / hop party: its name, else its code's local part;
    `uri` is the party's URI, else its qcode (a compact URI)."""
    name = _name(el, language) or attr(el, "literal")
    code = attr(el, "qcode")
    uri = attr(el, "uri")
    if not name and code:
        name = code.rpartition(":")[2]
    if not name and uri:
        name = urlsplit(uri).hostname or uri
    if not name:
        return None
    return Hop(role="distributor", name=name, uri=uri or code)


def _provenance(
    el: etree._Element,
    item_meta: etree._Element,
    content_meta: etree._Element | None,
    language: str | None,
) -> list[Hop]:
    """Originators (infoSource with an origin role), then the hopHistory in `seq` order, then
    other information sources, then the provider that released the item to us."""
    originators: list[Hop] = []
    sources: list[Hop] = []
    for source in children(content_meta, "infoSource"):
        hop = _party(source, language)
        if hop is None:
            continue
        roles = " ".join((r.rpartition(":")[2]).lower() for r in (source.get("role") or "").split())
        if "origin" in roles:
            hop.role = "originator"
            originators.append(hop)
        else:
            sources.append(hop)
    hops: list[tuple[int, int, Hop]] = []
    for index, hop_el in enumerate(descendants(child(el, "hopHistory"), "hop")):
        party = child(hop_el, "party")
        hop = _party(party, language) if party is not None else None
        if hop is None:
            continue
        hop.role = "hop"
        hop.time = parse_iso_datetime(hop_el.get("timestamp"))
        actions = [
            " ".join(
                filter(
                    None,
                    (
                        (attr(a, "qcode") or "").rpartition(":")[2],
                        (attr(a, "target") or "").rpartition(":")[2],
                    ),
                )
            )
            for a in children(hop_el, "action")
        ]
        hop.action = ", ".join(a for a in actions if a) or None
        hops.append((as_int(hop_el.get("seq")) or index, index, hop))
    chain = originators + [h for _, _, h in sorted(hops, key=lambda t: (t[0], t[1]))] + sources
    provider = child(item_meta, "provider")
    hop = _party(provider, language) if provider is not None else None
    if hop is not None and all(h.name != hop.name or h.role == "hop" for h in chain):
        chain.append(hop)
    return chain


# --- content ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Body:
    html: str = ""
    nitf: NitfBody | None = None


def _body(content_set: etree._Element | None) -> _Body:
    """The first rendition with text: inline NITF, inline XHTML, other inline XML, inline data.
    `remoteContent` is never fetched."""
    for el in content_set if content_set is not None else []:
        kind = local_name(el)
        if kind == "inlineXML":
            body = _inline_xml(el)
        elif kind == "inlineData":
            body = _Body(html=_inline_data(el))
        else:
            continue
        if body.html.strip() or body.nitf is not None:
            return body
    return _Body()


def _inline_xml(el: etree._Element) -> _Body:
    for top in el:
        name = local_name(top)
        if name == "nitf":
            body_el = child(top, "body")
            if body_el is None:
                continue
            nitf = read_nitf_body(body_el)
            return _Body(html=nitf.body_html, nitf=nitf)
        if name == "html":
            return _Body(html=_xhtml_inner(child(top, "body")))
        if name:
            return _Body(html=_xhtml_element(top))
    return _Body()


def _inline_data(el: etree._Element) -> str:
    data = raw_text(el)
    if (attr(el, "encoding") or "").lower() == "base64":
        try:
            data = base64.b64decode("".join(data.split()), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return ""
    content_type = (attr(el, "contenttype") or "text/plain").lower()
    if "html" in content_type:
        return data.strip()
    return text_to_html(data)


def _xhtml_inner(el: etree._Element | None) -> str:
    if el is None:
        return ""
    keep = local_name(el) == "pre"
    parts = [esc_text(el.text, keep)]
    for c in el:
        if isinstance(c.tag, str):
            parts.append(_xhtml_element(c))
        parts.append(esc_text(c.tail, keep))
    return "".join(parts).strip() if local_name(el) == "body" else "".join(parts)


def _xhtml_element(el: etree._Element) -> str:
    """XHTML re-serialized without namespaces; the pipeline sanitizer decides what stays."""
    tag = local_name(el).lower()
    attrs = "".join(
        f' {a}="{_esc(el.get(a))}"' for a in _XHTML_KEPT_ATTRIBUTES if el.get(a) is not None
    )
    if tag in ("br", "hr", "img"):
        return f"<{tag}{attrs}>"
    return f"<{tag}{attrs}>{_xhtml_inner(el)}</{tag}>"


def _best_picture(el: etree._Element) -> ImageLink | None:
    """One image per picture item: the rendition a web page wants most (see _RENDITION_ORDER)."""
    candidates = []
    for rc in descendants(child(el, "contentSet"), "remoteContent"):
        href = attr(rc, "href")
        mime = attr(rc, "contenttype")
        if not href or (mime and not mime.lower().startswith("image/")):
            continue
        rendition = (_code_local_attr(rc, "rendition") or "").lower()
        rank = _RENDITION_ORDER.index(rendition) if rendition in _RENDITION_ORDER else 4
        candidates.append((rank, rc, href, mime))
    if not candidates:
        return None
    _, rc, href, mime = min(candidates, key=lambda c: c[0])
    content_meta = child(el, "contentMeta")
    language = lang_of(el)
    caption = next(
        (
            text(d)
            for d in _pick_by_language(children(content_meta, "description"), language)
            if (_role(d) or "caption").lower() == "caption" and text(d)
        ),
        None,
    ) or (_headlines(content_meta, language)[0] or None)
    return ImageLink(
        href=href,
        caption=caption,
        width=as_int(rc.get("width")),
        height=as_int(rc.get("height")),
        mime=mime,
    )


def _code_local_attr(el: etree._Element, name: str) -> str | None:
    value = attr(el, name)
    return value.rpartition(":")[2] if value else None


def _esc(value: str | None) -> str:
    return html.escape(value, quote=True) if value else ""


def _unique(values: list[str | None]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        if v and v.strip():
            seen.setdefault(v.strip(), None)
    return list(seen)
