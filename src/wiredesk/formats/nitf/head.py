"""The metadata of an NITF document: `head` (`docdata`, `tobject`, `revision-history`) and
the document's language, read into the values an `Item` holds.
"""

from __future__ import annotations

from datetime import datetime

from lxml import etree

from wiredesk.formats.fields import parse_iso_datetime
from wiredesk.formats.lifecycle_codes import PUB_STATUS_CODES
from wiredesk.formats.xml_safe import (
    XML_LANG,
    as_int,
    attr,
    child,
    children,
    descendants,
    element_datetime,
    lang_of,
    text,
)
from wiredesk.model import Hop, PubStatus, Signal, Subject


def language_of(root: etree._Element, body: etree._Element | None) -> str | None:
    for value in (root.get("baselang"), root.get(XML_LANG), lang_of(body)):
        if value and value.strip():
            return value.strip()
    return None


def guid_of(docdata: etree._Element | None) -> str | None:
    return attr(child(docdata, "doc-id"), "id-string") or attr(child(docdata, "du-key"), "key")


def slugline_of(head: etree._Element | None, docdata: etree._Element | None) -> str | None:
    """The agency's slug: a `head/meta` named `slugline` or `slug` (how agencies that send
    NITF label it), else `docdata/du-key/@key`, NITF's own "dynamic use key" that stays the
    same across a story's versions — which is what a slug is."""
    for meta in children(head, "meta"):
        name = (meta.get("name") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if content and name.rpartition(":")[2].rpartition("-")[2] in ("slugline", "slug"):
            return content
    return attr(child(docdata, "du-key"), "key")


def status_of(
    docdata: etree._Element | None, issued: datetime | None
) -> tuple[PubStatus, list[Signal], datetime | None]:
    """pubStatus, signals and embargo from `management-status` and `date.release`.

    `date.release` is the time the story may be released: an embargo when it is later than
    `date.issue` (or there is no issue date), or whenever the status says "embargoed". An
    "embargoed" status without a release time holds the story (withheld) until a later version.
    """
    status = (attr(docdata, "management-status") or "").lower()
    release = element_datetime(child(docdata, "date.release"), "norm")
    embargo = release if release and (issued is None or release > issued) else None
    if status == "embargoed":
        if release is None:
            return PubStatus.WITHHELD, [], None
        return PubStatus.USABLE, [], release
    pub_status = PUB_STATUS_CODES.get(status, PubStatus.USABLE)
    if pub_status is PubStatus.CANCELED:
        return pub_status, [Signal.KILL], embargo
    return pub_status, [], embargo


def subjects_of(head: etree._Element | None, docdata: etree._Element | None) -> list[Subject]:
    subjects: list[Subject] = []
    for tobject in children(head, "tobject"):
        for s in children(tobject, "tobject.subject"):
            refnum = (s.get("tobject.subject.refnum") or "").strip()
            if not refnum:
                continue
            name = next(
                (
                    value.strip()
                    for a in (
                        "tobject.subject.detail",
                        "tobject.subject.matter",
                        "tobject.subject.type",
                    )
                    if (value := s.get(a) or "").strip()
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


def copyright_of(docdata: etree._Element | None) -> str | None:
    c = child(docdata, "doc.copyright")
    if c is None:
        return None
    year = (c.get("year") or "").strip()
    holder = (c.get("holder") or "").strip()
    if not year and not holder:
        return None
    return " ".join(p for p in ("©", year, holder) if p)


def revisions_of(head: etree._Element | None) -> list[Hop]:
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


def provenance_of(
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
