"""What an article page tells search engines and social sites about itself: schema.org
`NewsArticle` JSON-LD, OpenGraph and a Twitter card.

All three are made here from the same facts the page shows — headline, times, language,
byline or credit, the agency, corrections — so that they cannot disagree with the page or
with each other, and the template only prints them.

The JSON-LD sits in a `<script>` element, whose text the HTML parser ends at the first
`</script>`, whatever the JSON around it: an agency headline quoting `</script><script>…`
would otherwise end the block and start markup of its own. So `<`, `>` and `&` (and the two
line separators JavaScript reads as line ends) are written as JSON escapes (`\\u003c`), which
any JSON reader reads back as the same characters.

Pictures: search engines and social sites are pointed only at a picture the site hosts
(`images = "host"`), at its largest JPEG rendition under `[site] base_url`: an `og:image` on
the agency's host would have every social site fetch the agency's file and show it under the
site's name, for a source whose pictures the site has no licence to show, or with none of the
site's sizing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from markupsafe import Markup

from wiredesk.channels.copy_extras import safe_href
from wiredesk.channels.timefmt import iso
from wiredesk.config import SiteSettings
from wiredesk.store.public.views import Copy, Correction, Picture

# og:locale wants language_TERRITORY; the site's languages as Indian sites write them.
OG_LOCALES = {"hi": "hi_IN", "en": "en_IN"}
_JSON_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


@dataclass(frozen=True, slots=True)
class SharedImage:
    """A picture the site may name to search engines and social sites."""

    url: str
    width: int | None = None
    height: int | None = None
    caption: str | None = None


@dataclass(frozen=True, slots=True)
class ArticleFacts:
    """What the page shows of a copy, as the structured data needs it."""

    copy: Copy
    canonical: str
    description: str
    language: str
    section_name: str
    source_name: str  # the agency the site received the copy from
    updated: datetime | None
    corrections: Sequence[Correction]
    correction_texts: Sequence[str]  # each correction as the page words it
    picture: Picture | None = None  # the lead picture the page shows, hosted by the site


@dataclass(frozen=True, slots=True)
class Structured:
    """The head's meta elements (attribute, key, value) and the JSON-LD, ready to print."""

    meta: list[tuple[str, str, str]]
    json_ld: Markup


def script_json(data: Any) -> Markup:
    """`data` as JSON that can stand inside `<script>`: no `<`, `>` or `&` as themselves."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.translate(_JSON_ESCAPES))  # safe: nothing in it can end the element


def shared_image(picture: Picture | None, site: SiteSettings) -> SharedImage | None:
    """The page's lead picture as the site serves it, if it has one (the module's note)."""
    if picture is None:
        return None
    return SharedImage(
        site.absolute(picture.largest),
        picture.display_width,
        picture.display_height,
        picture.caption,
    )


def article_structured(facts: ArticleFacts, site: SiteSettings) -> Structured:
    """JSON-LD, OpenGraph and Twitter card of one article page."""
    image = shared_image(facts.picture, site)
    return Structured(
        meta=_social_meta(facts, image),
        json_ld=script_json(_news_article(facts, site, image)),
    )


def _social_meta(facts: ArticleFacts, image: SharedImage | None) -> list[tuple[str, str, str]]:
    headline = facts.copy.headline
    meta = [
        ("property", "og:type", "article"),
        ("property", "og:title", headline),
        ("property", "og:description", facts.description),
        ("property", "og:url", facts.canonical),
    ]
    locale = OG_LOCALES.get(facts.language)
    if locale:
        meta.append(("property", "og:locale", locale))
    if image is not None:
        meta.append(("property", "og:image", image.url))
        if image.width and image.height:
            meta += [
                ("property", "og:image:width", str(image.width)),
                ("property", "og:image:height", str(image.height)),
            ]
        if image.caption:
            meta.append(("property", "og:image:alt", image.caption))
    meta += [
        ("name", "twitter:card", "summary_large_image" if image else "summary"),
        ("name", "twitter:title", headline),
        ("name", "twitter:description", facts.description),
    ]
    if image is not None:
        meta.append(("name", "twitter:image", image.url))
    return meta


def _news_article(
    facts: ArticleFacts, site: SiteSettings, image: SharedImage | None
) -> dict[str, Any]:
    copy = facts.copy
    agency = {"@type": "Organization", "name": facts.source_name}
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": facts.canonical},
        "url": facts.canonical,
        "headline": copy.headline,
        "description": facts.description,
        "datePublished": iso(copy.published_at),
        "dateModified": iso(facts.updated or copy.published_at),
        "inLanguage": facts.language,
        "articleSection": facts.section_name,
        # the byline's writer when the agency names one, else the agency itself
        "author": ([{"@type": "Person", "name": copy.byline}] if copy.byline else [dict(agency)]),
        "creditText": copy.credit_line or facts.source_name,
        "publisher": {
            "@type": "Organization",
            "name": site.name,
            "url": site.base_url + "/",
            "logo": {"@type": "ImageObject", "url": site.absolute(site.logo)},
        },
        "isBasedOn": _agency_copy(copy, agency),
    }
    if copy.originator:
        data["sourceOrganization"] = {"@type": "Organization", "name": copy.originator}
    if image is not None:
        picture: dict[str, Any] = {"@type": "ImageObject", "url": image.url}
        if image.width and image.height:
            picture.update(width=image.width, height=image.height)
        if image.caption:
            picture["caption"] = image.caption
        data["image"] = [picture]
    if facts.corrections:
        data["correction"] = [
            {"@type": "CorrectionComment", "text": text, "datePublished": iso(c.time)}
            for c, text in zip(facts.corrections, facts.correction_texts, strict=True)
        ]
    return data


def _agency_copy(copy: Copy, agency: dict[str, str]) -> dict[str, Any]:
    """The agency's copy the page republishes: who sent it, and where it lives, if the agency
    gave an address."""
    based: dict[str, Any] = {"@type": "NewsArticle", "publisher": agency}
    link = safe_href(copy.link)
    if link is not None:
        based["url"] = link
    if copy.copyright:
        based["copyrightNotice"] = copy.copyright
    return based
