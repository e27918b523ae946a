"""The body of an NITF document (`body.head`, `body.content`, `body.end`) as HTML and fields.

NewsML-G2 carries the same markup inline, so this is the one reader of NITF body markup for
both formats: headline block, dateline and byline from `body.head`, the story as simple HTML
from `body.content`, the tagline from `body.end`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from wiredesk.formats.body_html import escape_html, inner_html
from wiredesk.formats.xml_safe import (
    child,
    children,
    descendants,
    is_image_type,
    local_name,
    raw_text,
    sized_image,
    text,
)
from wiredesk.model import ImageLink

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


def read_nitf_body(body: etree._Element) -> NitfBody:
    """The headline block, story HTML and end matter of an NITF `body`."""
    head = child(body, "body.head")
    out = NitfBody()
    hedline = child(head, "hedline")
    out.headline = text(child(hedline, "hl1"))
    out.subheadline = text(child(hedline, "hl2")) or None
    bylines = [byline_text(b) for b in children(head, "byline")]
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


def byline_text(byline: etree._Element) -> str:
    """A byline as a reader would say it: `<byline>By JANE DOE<byttl>AP Writer</byttl>
    </byline>` is "By JANE DOE, AP Writer".

    The byline's title (`byttl`) is a separate element with nothing between it and the name,
    so joining the text as it stands gives "By JANE DOEAP Writer"; each title is set off
    with a comma instead, unless the agency already put one there.
    """
    parts: list[str] = [byline.text or ""]
    for el in byline:
        if local_name(el) == "byttl":
            title = text(el)
            if title:
                before = " ".join("".join(parts).split()).rstrip()
                parts = [before if before.endswith((",", ";")) or not before else before + ","]
                parts.append(" " + title + " ")
        elif isinstance(el.tag, str):
            parts.append(raw_text(el))
        parts.append(el.tail or "")
    return " ".join("".join(parts).split())


def nitf_body_html(body_content: etree._Element) -> str:
    """NITF `body.content` as simple HTML: paragraphs, headings, lists, tables, quotes,
    figures for `media`; NITF's semantic inline tags (person, org, money, ...) keep their text.

    The result is not sanitized here; the pipeline sanitizes every body the same way.
    """
    return inner_html(body_content, _element).strip()


def _element(el: etree._Element) -> str:
    name = local_name(el)
    if name in _SKIPPED:
        return ""
    if name in _VOID:
        return f"<{_VOID[name]}>"
    if name in _SAME_BLOCKS or name in _SAME_INLINE:
        tag = _SAME_BLOCKS.get(name) or _SAME_INLINE[name]
        attrs = "".join(
            f' {a}="{escape_html(el.get(a))}"' for a in _KEPT_ATTRIBUTES if el.get(a) is not None
        )
        return f"<{tag}{attrs}>{inner_html(el, _element)}</{tag}>"
    if name == "a":
        href = el.get("href")
        if href:
            return f'<a href="{escape_html(href)}">{inner_html(el, _element)}</a>'
        return inner_html(el, _element)
    if name == "media":
        return _figure(el)
    if name == "credit":  # the source of a block quote
        return f"<p><cite>{inner_html(el, _element)}</cite></p>"
    if name == "frac":
        return escape_html(f"{text(child(el, 'numer'))}/{text(child(el, 'denom'))}")
    # block, nitf-table, fn, note and inline semantics: their content
    return inner_html(el, _element)


def _figure(media: etree._Element) -> str:
    images = _media_images_of(media)
    caption = text(child(media, "media-caption"))
    if not images:
        return f"<p>{escape_html(caption)}</p>" if caption else ""
    img = images[0]
    size = "".join(
        f' {k}="{v}"' for k, v in (("width", img.width), ("height", img.height)) if v is not None
    )
    alt = escape_html(caption)
    figcaption = f"<figcaption>{escape_html(caption)}</figcaption>" if caption else ""
    return f'<figure><img src="{escape_html(img.href)}" alt="{alt}"{size}>{figcaption}</figure>'


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
        if not source or (media_type not in ("image", "graphic") and not is_image_type(mime)):
            continue
        alternate_text = (ref.get("alternate-text") or "").strip()
        image = sized_image(ref, source, caption or alternate_text or None, mime)
        image.credit = text(child(media, "media-producer")) or None
        return [image]
    return []


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
