"""What a ninjs item shows a reader: headlines, body, descriptions and pictures.

Each is read in both the 1.x shape (`headline`, `headline_main`, `body_html`,
`description_text`, `associations` as an object) and the 2.x/3.x one (`headlines`, `bodies`,
`descriptions` by role, `associations` as an array), since real feeds mix them. Names arrive
lowercased (`values.folded`), so `contentType` is read as `contenttype`.

A body sent as NITF (`text/vnd.IPTC.NITF`) is read by the NITF body reader, the same one NITF
and NewsML-G2 use, so its paragraphs show as paragraphs rather than as XML source.
"""

from __future__ import annotations

from typing import Any

from wiredesk.errors import FormatError
from wiredesk.formats.body_html import text_to_html
from wiredesk.formats.entities import expand_internal_entities
from wiredesk.formats.fields import plain_text
from wiredesk.formats.ninjs.values import dicts, integer, string
from wiredesk.formats.nitf.body import nitf_body_html
from wiredesk.formats.xml_safe import child, children, local_name, parse_xml
from wiredesk.model import ImageLink

_PICTURE_TYPES = ("picture", "graphic")
_HTML_TYPES = ("text/html", "application/xhtml+xml", "body_xhtml")
# NITF markup: read with the NITF body reader, never shown as text or passed on as HTML.
_NITF_TYPES = ("text/vnd.iptc.nitf", "application/nitf+xml", "application/vnd.iptc.nitf+xml")
_MAIN_BODY_ROLES = ("main", "body", "richtext", "html", "full", "")
_SUB_HEADLINE_ROLES = ("sub", "subheadline", "subhead", "subtitle", "deck", "secondary")
_SUMMARY_ROLES = ("summary", "abstract", "teaser", "lead", "description", "text", "")
# 1.x `headline_*` names that are the main headline, best first (`headline_simple` is the
# plain-text form IPTC's 1.x examples send beside an HTML one).
_MAIN_HEADLINE_KEYS = ("headline_main", "headline_simple", "headline_text", "headline_plain")


def headlines_of(obj: dict[str, Any]) -> tuple[str, str | None]:
    """(headline, subheadline): 1.x `headline` and `headline_*`, 2.x `headlines` by role."""
    headline = plain_text(string(obj.get("headline")))
    for key in _MAIN_HEADLINE_KEYS:
        headline = headline or plain_text(string(obj.get(key)))
    sub = None
    for key, value in obj.items():
        if key.startswith("headline_") and any(r in key[9:].lower() for r in ("sub", "deck")):
            sub = plain_text(string(value)) or sub
    main_candidates: list[str] = []
    for entry in dicts(obj.get("headlines")):
        value = plain_text(string(entry.get("value")))
        role = (string(entry.get("role")) or "").lower()
        if not value:
            continue
        if role in _SUB_HEADLINE_ROLES:
            sub = sub or value
        elif role in ("main", "", "headline", "title"):
            main_candidates.insert(0 if role == "main" else len(main_candidates), value)
        else:
            main_candidates.append(value)
    if not headline and main_candidates:
        headline = main_candidates[0]
    return headline, sub or None


def body_of(obj: dict[str, Any]) -> str:
    """HTML body: 1.x `body_html`/`body_xhtml` over `body_text`; 2.x `bodies`, HTML first."""
    for key in ("body_html", "body_xhtml"):
        value = string(obj.get(key))
        if value and value.strip():
            return value
    text = string(obj.get("body_text"))
    if text and text.strip():
        return text_to_html(text)
    bodies = [b for b in dicts(obj.get("bodies")) if string(b.get("value"))]
    main = [b for b in bodies if (string(b.get("role")) or "").lower() in _MAIN_BODY_ROLES]
    # The richest main body first: IPTC's own example sends role "main" as text/plain and the
    # same text with paragraphs as role "richtext" in XHTML.
    for group, want_html in ((main, True), (main, False), (bodies, True), (bodies, False)):
        for entry in group:
            contenttype = (string(entry.get("contenttype")) or "text/plain").lower()
            contenttype = contenttype.split(";")[0].strip()
            if contenttype in _NITF_TYPES:
                if want_html and (nitf := _nitf_html(entry["value"])):
                    return nitf
                continue  # unreadable NITF: another body, never its source as text
            if want_html and contenttype in _HTML_TYPES:
                html: str = entry["value"]
                return html
            if not want_html and contenttype.startswith("text/") and contenttype != "text/html":
                return text_to_html(entry["value"])
    for key, value in obj.items():  # any other 1.x body_* variant, as text
        if key.startswith("body_") and isinstance(value, str) and value.strip():
            return text_to_html(plain_text(value))
    return ""


def _nitf_html(value: str) -> str:
    """HTML of an NITF body sent as a string: a whole `<nitf>` document, its `<body>`, or
    its `<body.content>`; "" when it is not well-formed XML or has no body content."""
    document = expand_internal_entities(value.strip().encode("utf-8"))  # refuses the payload
    try:
        root = parse_xml(document, "NITF body")
    except FormatError:
        return ""
    body = child(root, "body") if local_name(root) == "nitf" else root
    if body is not None and local_name(body) == "body.content":
        contents = [body]
    else:
        contents = children(body, "body.content")
    return "".join(nitf_body_html(c) for c in contents).strip()


def descriptions_of(obj: dict[str, Any]) -> tuple[str | None, str | None]:
    """(summary, correction note): 1.x `description_*`, 2.x `descriptions` by role."""
    summary = string(obj.get("description_html")) or string(obj.get("description_text"))
    correction = None
    for key, value in obj.items():
        if key.startswith("description_") and "correction" in key and isinstance(value, str):
            correction = plain_text(value) or correction
    for entry in dicts(obj.get("descriptions")):
        value = string(entry.get("value"))
        role = (string(entry.get("role")) or "").lower()
        if not value:
            continue
        if "correction" in role:
            correction = correction or plain_text(value)
        elif role in _SUMMARY_ROLES and not summary:
            summary = value
    return summary, correction or None


def images_of(obj: dict[str, Any]) -> list[ImageLink]:
    """Pictures among `associations` (1.x object, 2.x array), and the item's own renditions
    when the item itself is a picture; the largest rendition of each is kept as a link."""
    associations = obj.get("associations")
    if isinstance(associations, dict):
        associated = [a for a in associations.values() if isinstance(a, dict)]
    else:
        associated = dicts(associations)
    images: list[ImageLink] = []
    for candidate in ([obj] if string(obj.get("type")) in _PICTURE_TYPES else []) + associated:
        if string(candidate.get("type")) not in (*_PICTURE_TYPES, None):
            continue
        image = _best_rendition(candidate)
        if image is not None and all(i.href != image.href for i in images):
            images.append(image)
    return images


def _best_rendition(obj: dict[str, Any]) -> ImageLink | None:
    renditions = obj.get("renditions")
    entries = list(renditions.values()) if isinstance(renditions, dict) else renditions
    best: ImageLink | None = None
    for entry in dicts(entries):
        href = string(entry.get("href"))
        mime = string(entry.get("contenttype")) or string(entry.get("mimetype"))
        if not href or (mime and not mime.startswith("image/")):
            continue
        image = ImageLink(
            href=href,
            width=integer(entry.get("width")),
            height=integer(entry.get("height")),
            mime=mime,
        )
        if best is None or (image.width or 0) * (image.height or 0) > (best.width or 0) * (
            best.height or 0
        ):
            best = image
    if best is not None:
        caption, _ = descriptions_of(obj)
        headline, _ = headlines_of(obj)
        best.caption = plain_text(caption) or headline or None
        best.credit = _picture_credit(obj)
    return best


def _picture_credit(obj: dict[str, Any]) -> str | None:
    """Who the picture is credited to: ninjs has no credit line of its own, so a
    `creditline` some agencies add, else the photographer (`by`), else the copyright
    holder."""
    for key in ("creditline", "by", "copyrightholder"):
        value = plain_text(string(obj.get(key)) or "")
        if value:
            return value
    return None
