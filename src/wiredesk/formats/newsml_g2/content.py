"""A NewsML-G2 newsItem's contentSet: the story as HTML, and the picture a picture item is.

The first rendition with text wins: inline NITF (read by the NITF body reader), inline XHTML,
other inline XML, inline data (plain text or base64). `remoteContent` is never fetched; for
pictures only its link and size are kept.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from lxml import etree

from wiredesk.formats.body_html import escape_html, inner_html, text_to_html
from wiredesk.formats.newsml_g2.metadata import attr_code, headlines_of, pick_by_language
from wiredesk.formats.nitf import NitfBody, read_nitf_body
from wiredesk.formats.xml_safe import (
    attr,
    child,
    children,
    descendants,
    is_image_type,
    lang_of,
    local_name,
    raw_text,
    sized_image,
    text,
)
from wiredesk.model import ImageLink

# Picture renditions in the order a web page wants them.
_RENDITION_ORDER = ("web", "preview", "viewimage", "highres", "baseimage", "original", "thumb")
_XHTML_KEPT_ATTRIBUTES = ("href", "src", "alt", "title", "colspan", "rowspan", "width", "height")


@dataclass(slots=True)
class Body:
    html: str = ""
    nitf: NitfBody | None = None


def body_of(content_set: etree._Element | None) -> Body:
    """The first rendition with text: inline NITF, inline XHTML, other inline XML, inline data.
    `remoteContent` is never fetched."""
    for el in content_set if content_set is not None else []:
        kind = local_name(el)
        if kind == "inlineXML":
            body = _inline_xml(el)
        elif kind == "inlineData":
            body = Body(html=_inline_data(el))
        else:
            continue
        if body.html.strip() or body.nitf is not None:
            return body
    return Body()


def _inline_xml(el: etree._Element) -> Body:
    for top in el:
        name = local_name(top)
        if name == "nitf":
            body_el = child(top, "body")
            if body_el is None:
                continue
            nitf = read_nitf_body(body_el)
            # Some providers put the headline only in the NITF document's own title.
            nitf.headline = nitf.headline or text(child(child(top, "head"), "title"))
            return Body(html=nitf.body_html, nitf=nitf)
        if name == "html":
            return Body(html=_xhtml_inner(child(top, "body")))
        if name:
            return Body(html=_xhtml_element(top))
    return Body()


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
    html = inner_html(el, _xhtml_element)
    return html.strip() if local_name(el) == "body" else html


def _xhtml_element(el: etree._Element) -> str:
    """XHTML re-serialized without namespaces; the pipeline sanitizer decides what stays."""
    tag = local_name(el).lower()
    attrs = "".join(
        f' {a}="{escape_html(el.get(a))}"' for a in _XHTML_KEPT_ATTRIBUTES if el.get(a) is not None
    )
    if tag in ("br", "hr", "img"):
        return f"<{tag}{attrs}>"
    return f"<{tag}{attrs}>{_xhtml_inner(el)}</{tag}>"


def best_picture(el: etree._Element) -> ImageLink | None:
    """One image per picture item: the rendition a web page wants most (see _RENDITION_ORDER)."""
    candidates = []
    for rc in descendants(child(el, "contentSet"), "remoteContent"):
        href = attr(rc, "href")
        mime = attr(rc, "contenttype")
        if not href or (mime and not is_image_type(mime)):
            continue
        rendition = (attr_code(rc, "rendition") or "").lower()
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
            for d in pick_by_language(children(content_meta, "description"), language)
            if (attr_code(d, "role") or "caption").lower() == "caption" and text(d)
        ),
        None,
    ) or (headlines_of(content_meta, language)[0] or None)
    image = sized_image(rc, href, caption, mime)
    # the picture's own credit line, else its photographer
    image.credit = text(child(content_meta, "creditline")) or text(child(content_meta, "by"))
    image.credit = image.credit or None
    return image
