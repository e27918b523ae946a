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

This module reads the document and links its items together; `metadata` reads a newsItem's
itemMeta and contentMeta (lifecycle, headlines, subjects, provenance), `content` its
contentSet (the story's HTML, picture renditions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from wiredesk.errors import FormatError
from wiredesk.formats.fields import unique_texts
from wiredesk.formats.lifecycle_codes import PUB_STATUS_CODES
from wiredesk.formats.newsml_g2.content import best_picture, body_of
from wiredesk.formats.newsml_g2.metadata import (
    byline_of,
    canonical_link,
    code_local,
    copyright_of,
    headlines_of,
    name_of,
    provenance_of,
    signals_of,
    subjects_of,
    summary_of,
)
from wiredesk.formats.nitf import NitfBody, split_dateline
from wiredesk.formats.xml_safe import (
    as_int,
    attr,
    child,
    children,
    descendants,
    element_datetime,
    is_image_type,
    lang_of,
    local_name,
    namespace,
    parse_xml,
    recovering_parser,
    root_element,
    sized_image,
    text,
)
from wiredesk.model import ImageLink, Item, ParseResult, PubStatus, Signal

FORMAT = "newsml-g2"
NAR_NS = "http://iptc.org/std/nar/2006-10-01/"
_ITEM_ROOTS = ("newsItem", "packageItem", "knowledgeItem", "conceptItem", "planningItem")
_ROOTS = frozenset((*_ITEM_ROOTS, "newsMessage", "catalogItem"))
# How every whole newsMessage ends; one that does not was cut short.
MESSAGE_END_RE = re.compile(rb"</(?:[\w.\-]+:)?newsMessage\s*>\s*\Z")


def looks_like_newsml_g2(head: bytes) -> bool:
    """Whether the root element is a NewsML-G2 item or message in the NewsML-G2 namespace,
    or one with no namespace at all: that one is taken so that the parser can refuse it
    saying the namespace is missing, rather than detection calling it "not a feed"."""
    root = root_element(head)
    return root is not None and root[0] in (NAR_NS, None) and root[1] in _ROOTS


def parse_newsml_g2(payload: bytes) -> ParseResult:
    """Text items of a NewsML-G2 document; `FormatError` when it is not one or, for a single
    item, when that item is invalid. In a newsMessage, an invalid item is a problem line.

    A newsMessage that is not well-formed because it breaks off (a truncated download) is
    read as far as it goes, so that the whole items before the cut are not lost with it; the
    item the cut falls in comes out as recovered, and `ingest.completeness` holds it (no half
    story is published). Any other document that is not well-formed is refused whole.
    """
    cut_short: str | None = None
    try:
        root = parse_xml(payload, "NewsML-G2")
    except FormatError as refusal:
        root = _cut_message(payload, refusal)
        cut_short = str(refusal)
    name, ns = local_name(root), namespace(root)
    if ns is None and name in _ROOTS:
        raise FormatError(
            f"NewsML-G2 <{name}> without its namespace: the root element must declare "
            f'xmlns="{NAR_NS}"; wiredesk does not guess a namespace, ask the provider to '
            "send it (every NewsML-G2 document has it)"
        )
    if ns != NAR_NS or name not in _ROOTS:
        where = f" in namespace {ns}" if ns else " without a namespace"
        raise FormatError(
            f"not a NewsML-G2 document: the root element is <{name}>{where}; expected "
            f"newsItem, packageItem or newsMessage in {NAR_NS}"
        )
    result = ParseResult(format=FORMAT, language=lang_of(root))
    if cut_short is not None:
        result.problems.append(
            f"{cut_short}; the newsMessage breaks off there: the items that close before "
            "the break are whole, the one it breaks off in is cut short"
        )
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


def _cut_message(payload: bytes, refusal: FormatError) -> etree._Element:
    """The root of a newsMessage in the NewsML-G2 namespace that breaks off, read by a
    recovering parser; `refusal` raised again for anything else (a single item, another
    document, XML broken in its middle rather than cut at its end: a message that still
    ends with its end tag is not cut short, and is refused as it is)."""
    if root_element(payload[:4096]) != (NAR_NS, "newsMessage") or MESSAGE_END_RE.search(
        payload[-256:]
    ):
        raise refusal
    try:
        root = etree.fromstring(payload, recovering_parser())
    except (etree.XMLSyntaxError, ValueError):
        raise refusal from None
    if root is None or local_name(root) != "newsMessage":
        raise refusal
    return root


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
    if href and is_image_type(mime):
        return sized_image(ref, href, text(child(ref, "title")) or None, mime)
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
    headline = headlines_of(child(el, "contentMeta"), lang_of(el))[0]
    return _Package(guid=guid, headline=headline, groups=list(groups.values()))


# --- newsItem --------------------------------------------------------------------------------


def _read_news_item(el: etree._Element, read: _Read, result: ParseResult) -> None:
    guid = attr(el, "guid")
    if guid is None:
        raise FormatError("NewsML-G2 newsItem without a guid attribute")
    item_meta = child(el, "itemMeta")
    if item_meta is None:
        raise FormatError(f"NewsML-G2 newsItem {guid} has no itemMeta")
    item_class = code_local(child(item_meta, "itemClass"))
    if item_class not in (None, "text"):
        if item_class in ("picture", "graphic"):
            read.pictures[guid] = best_picture(el)  # a problem line later if nothing uses it
        else:
            result.problems.append(f"newsItem {guid}: a {item_class} item, not a story; skipped")
        return
    read.links[guid] = children(item_meta, "link")
    read.texts.append(_news_item(el, guid, item_meta))


def _news_item(el: etree._Element, guid: str, item_meta: etree._Element) -> Item:
    content_meta = child(el, "contentMeta")
    language = attr(child(content_meta, "language"), "tag") or lang_of(el)
    body = body_of(child(el, "contentSet"))
    nitf = body.nitf or NitfBody()
    headline, subheadline = headlines_of(content_meta, language)

    pub_status = PUB_STATUS_CODES.get(code_local(child(item_meta, "pubStatus")) or "usable")
    pub_status = pub_status or PubStatus.USABLE
    signals = signals_of(item_meta)
    embargoed = child(item_meta, "embargoed")
    embargo_until = None
    if embargoed is not None:
        embargo_until = element_datetime(embargoed)
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
        place = name_of(child(content_meta, "located"), language)
    subjects, loose_names = subjects_of(content_meta, language)
    genres = [name_of(g, language) for g in children(content_meta, "genre")]
    rights = child(el, "rightsInfo")
    provenance = provenance_of(el, item_meta, content_meta, language)
    originator = next((h.name for h in provenance if h.role == "originator"), None)
    first_created = element_datetime(child(item_meta, "firstCreated"))
    version_created = element_datetime(child(item_meta, "versionCreated"))
    version = el.get("version")

    return Item(
        guid=guid,
        headline=headline or nitf.headline,
        subheadline=subheadline or nitf.subheadline,
        body_html=body.html,
        summary=summary_of(content_meta, language) or nitf.abstract,
        link=canonical_link(item_meta),
        version=1 if version is None else as_int(version),
        published_at=first_created or version_created,
        updated_at=version_created,
        language=language,
        byline=byline_of(content_meta, language) or nitf.byline,
        categories=unique_texts([s.name for s in subjects] + genres),
        format=FORMAT,
        pub_status=pub_status,
        signals=signals,
        embargo_until=embargo_until,
        urgency=as_int(text(child(content_meta, "urgency")) or None),
        slugline=text(child(content_meta, "slugline")) or None,
        subjects=subjects,
        keywords=unique_texts([text(k) for k in children(content_meta, "keyword")] + loose_names),
        copyright=copyright_of(rights),
        usage_terms=text(child(rights, "usageTerms")) or None,
        provenance=provenance,
        images=list(nitf.images),
        correction_note=correction_note,
        credit_line=text(child(content_meta, "creditline")) or nitf.tagline,
        originator=originator,
        dateline_place=place or nitf.dateline_place,
        dateline_date=date or nitf.dateline_date,
    )
