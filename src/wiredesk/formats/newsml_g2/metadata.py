"""A NewsML-G2 newsItem's metadata: itemMeta (lifecycle, links) and contentMeta (headlines,
descriptions, subjects, bylines, rights, provenance), read into the values an `Item` holds.

Concepts come as qcodes (`medtop:04000000`), URIs or literals, and names in several
languages; the readers here take the code's local part and the name in the item's language.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from lxml import etree

from wiredesk.formats.fields import parse_iso_datetime
from wiredesk.formats.lifecycle_codes import SIGNAL_CODES
from wiredesk.formats.xml_safe import as_int, attr, child, children, descendants, lang_of, text
from wiredesk.model import Hop, Signal, Subject

# The shared signal codes; NewsML-G2 providers' `cancel` is a kill too.
_SIGNALS = {**SIGNAL_CODES, "cancel": Signal.KILL}
_IPTC_CV = "http://cv.iptc.org/newscodes/"
_CV_ALIASES = {"mediatopic": "medtop", "subjectcode": "subj"}


def code_local(el: etree._Element | None) -> str | None:
    """The concept's code without its scheme: "text" from qcode "ninat:text" or from
    uri "http://cv.iptc.org/newscodes/ninature/text"."""
    code = attr(el, "qcode") or attr(el, "uri") or attr(el, "literal")
    if code is None:
        return None
    return code.rstrip("/").rpartition("/")[2].rpartition(":")[2].lower() or None


def signals_of(item_meta: etree._Element) -> list[Signal]:
    signals: list[Signal] = []
    for s in children(item_meta, "signal"):
        signal = _SIGNALS.get(code_local(s) or "")
        if signal is not None and signal not in signals:
            signals.append(signal)
    return signals


def pick_by_language(elements: list[etree._Element], language: str | None) -> list[etree._Element]:
    """The elements in the item's language (or without one); all of them if none match."""
    if not language:
        return elements
    base = language.split("-")[0].lower()
    same = [e for e in elements if (lang_of(e) or language).split("-")[0].lower() == base]
    return same or elements


def name_of(el: etree._Element | None, language: str | None) -> str | None:
    if el is None:
        return None
    names = [n for n in pick_by_language(children(el, "name"), language) if text(n)]
    return text(names[0]) if names else None


def headlines_of(
    content_meta: etree._Element | None, language: str | None
) -> tuple[str, str | None]:
    main, sub = "", None
    for h in pick_by_language(children(content_meta, "headline"), language):
        role = (attr_code(h, "role") or "main").lower()
        value = text(h)
        if not value:
            continue
        if "sub" in role:
            sub = sub or value
        elif not main:
            main = value
    return main, sub


def attr_code(el: etree._Element, name: str) -> str | None:
    """An attribute's code without its scheme: "summary" from role="drol:summary"."""
    value = attr(el, name)
    return value.rpartition(":")[2] if value else None


def summary_of(content_meta: etree._Element | None, language: str | None) -> str:
    descriptions = pick_by_language(children(content_meta, "description"), language)
    for d in descriptions:
        if (attr_code(d, "role") or "summary").lower() == "summary" and text(d):
            return text(d)
    return ""


def byline_of(content_meta: etree._Element | None, language: str | None) -> str | None:
    bylines = [text(b) for b in pick_by_language(children(content_meta, "by"), language)]
    return "; ".join(b for b in bylines if b) or None


def subjects_of(
    content_meta: etree._Element | None, language: str | None
) -> tuple[list[Subject], list[str]]:
    """Coded subjects; and the names of subjects that have no code (kept as keywords)."""
    subjects: list[Subject] = []
    loose: list[str] = []
    for s in children(content_meta, "subject"):
        name = name_of(s, language)
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


def copyright_of(rights: etree._Element | None) -> str | None:
    notice = text(child(rights, "copyrightNotice"))
    if notice:
        return notice
    holder = child(rights, "copyrightHolder")
    if holder is None:
        return None
    return name_of(holder, None) or attr(holder, "literal")


def canonical_link(item_meta: etree._Element) -> str | None:
    """The story's own web page: an itemMeta `link` with rel canonical/alternate/self and an
    http(s) href. Other links (seeAlso, associated media) are not the story's URL."""
    for link in children(item_meta, "link"):
        rel = (attr_code(link, "rel") or "").lower()
        href = attr(link, "href")
        if rel in ("canonical", "alternate", "self") and href and href.startswith("http"):
            return href
    return None


# --- provenance ------------------------------------------------------------------------------


def _party(el: etree._Element, language: str | None) -> Hop | None:
    """A Hop for a provider / infoSource / hop party: its name, else its code's local part;
    `uri` is the party's URI, else its qcode (a compact URI)."""
    name = name_of(el, language) or attr(el, "literal")
    code = attr(el, "qcode")
    uri = attr(el, "uri")
    if not name and code:
        name = code.rpartition(":")[2]
    if not name and uri:
        name = urlsplit(uri).hostname or uri
    if not name:
        return None
    return Hop(role="distributor", name=name, uri=uri or code)


def provenance_of(
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
            " ".join(filter(None, (attr_code(a, "qcode"), attr_code(a, "target"))))
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
