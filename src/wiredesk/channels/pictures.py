"""Pictures on an article page and in the outbound feeds, by the source's `images` setting.

- `"host"`: the copy's lead picture (`Copy.picture`) above the story, in the sizes the site
  made (templates/_picture.html); an `<img>` of the body the site hosts becomes the same
  `<picture>` in its place, and one it does not host (not yet arrived, or failed) is left
  out, its caption kept. No page names the agency's address.
- `"link"`: no picture inline (the pages allow only the site's own pictures, CSP
  `img-src 'self'`); the agency's pictures are links under "Images", and an `<img>` of the
  body becomes a link to the picture with its alt text.
- `"none"`: nothing: no picture, no link; an `<img>` of the body is left out.

The body was sanitized when it arrived, so its `<img>` elements are nh3's: attributes in
double quotes, entities escaped. Rewriting happens when a page or feed is rendered (both are
kept in the page cache, so once per change), because a picture arrives after its copy. The
feeds get the same rules with plain `<img>` elements on the site's absolute addresses
(`feed_picture`): a feed reader shows pictures from the site, never from the agency.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import replace

from markupsafe import Markup, escape

from wiredesk.channels.copy_extras import safe_href
from wiredesk.store.public.views import Copy, Picture

# The article column: the full width of a phone less its margins, at most 39 rem (624 px).
ARTICLE_SIZES = "(min-width: 48rem) 624px, calc(100vw - 2rem)"

_IMG_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTR_RE = re.compile(r"""\b([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_FIGURE_RE = re.compile(r"<figure\b[^>]*>(.*?)</figure>", re.IGNORECASE | re.DOTALL)
_EMPTY_FIGURE_RE = re.compile(r"<figure\b[^>]*>\s*</figure>", re.IGNORECASE)

# a hosted picture -> its element: `<picture>` on a page (templates/_picture.html), a plain
# `<img>` on the site's absolute address in a feed (`feed_picture`)
PictureHtml = Callable[[Picture], Markup]


def lead_picture(copy: Copy, mode: str) -> Picture | None:
    """The picture above the story: the copy's lead, when the site hosts its source's."""
    return copy.picture if mode == "host" else None


def article_body(
    copy: Copy,
    mode: str,
    lead: Picture | None,
    picture_html: PictureHtml,
    link_text: str,
) -> Markup:
    """The copy's body as the page shows it, its `<img>` elements dealt with by `mode`."""
    body = copy.body_html
    if "<img" not in body and "<IMG" not in body:
        return Markup(body)  # safe: sanitized on arrival
    if lead is not None:
        # the figure that holds the lead picture is shown above the story already
        body = _FIGURE_RE.sub(lambda m: "" if _shows(m.group(1), lead.href) else m.group(0), body)

    def one(m: re.Match[str]) -> str:
        attrs = _attributes(m.group(0))
        src = attrs.get("src", "")
        alt = attrs.get("alt", "").strip()
        if mode == "host":
            picture = copy.hosted(src)
            if picture is None or (lead is not None and src == lead.href):
                return ""
            return str(picture_html(replace(picture, caption=alt or picture.caption)))
        href = safe_href(src) if mode == "link" else None
        if href is None:
            return ""
        return f'<a class="picture-link" href="{escape(href)}" rel="nofollow noopener noreferrer">{escape(alt or link_text)}</a>'  # noqa: E501

    body = _EMPTY_FIGURE_RE.sub("", _IMG_RE.sub(one, body))
    return Markup(body)  # safe: sanitized on arrival; what was added is escaped


def feed_picture(base_url: str) -> PictureHtml:
    """A hosted picture as a feed reader gets it: one `<img>` of the 640 px JPEG (the size
    most readers show) on the site's absolute address, with its size and alt text."""

    def element(picture: Picture) -> Markup:
        height = max(1, round(picture.height * _feed_width(picture) / picture.width))
        return Markup(
            f'<img src="{escape(base_url + picture.src)}" width="{_feed_width(picture)}" '
            f'height="{height}" alt="{escape(picture.alt)}">'
        )

    return element


def feed_lead(picture: Picture, base_url: str) -> Markup:
    """The lead picture at the top of a feed entry's content, with caption and credit."""
    words = " ".join(w for w in (picture.caption, picture.credit) if w)
    caption = f"<figcaption>{escape(words)}</figcaption>" if words else ""
    return Markup(f"<figure>{feed_picture(base_url)(picture)}{caption}</figure>")


def _feed_width(picture: Picture) -> int:
    return picture.widths[min(1, len(picture.widths) - 1)]


def _attributes(tag: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in _ATTR_RE.finditer(tag):
        value = m.group(2) if m.group(2) is not None else m.group(3)
        out.setdefault(m.group(1).lower(), html.unescape(value))
    return out


def _shows(fragment: str, href: str) -> bool:
    return any(_attributes(tag).get("src") == href for tag in _IMG_RE.findall(fragment))
