"""The agency metadata an article page shows beside the copy: provenance, topics, images,
corrections.

These are small pure functions over a public `Copy` so the page and the outbound feeds say
the same thing, and so the rules (names only, no hot-linked pictures, only http(s) links)
live in one place rather than in template logic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from wiredesk.channels.timefmt import local_time
from wiredesk.config import SiteSettings
from wiredesk.store.public.views import Copy, Correction

# Roles of a provenance hop that name an organization a reader would recognise; "hop" steps
# (NewsML-G2 hopHistory) are system steps and only clutter the chain.
_CHAIN_ROLES = ("originator", "distributor")


@dataclass(frozen=True, slots=True)
class ImageView:
    href: str
    caption: str
    size: str | None  # "1024×768", when the agency said
    credit: str | None = None


def safe_href(url: str | None) -> str | None:
    """An agency-supplied URL we may put in an href: http(s) only, never javascript: or data:."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


@dataclass(frozen=True, slots=True)
class ProvenanceStep:
    role: str  # "originator", "distributor" or "site"
    name: str


def provenance_steps(
    copy: Copy, source_name: str, site_name: str, aliases: Sequence[str] = ()
) -> list[ProvenanceStep]:
    """Who handled the story, earliest first: originator(s), distributor(s), then this site.

    Put together from everything the item carries: the agency's own provenance (ninjs
    `infosources`, NewsML-G2 `provider`/`hopHistory`, NITF `doc.copyright`/`distributor`), the
    credit line the pipeline lifted (originator), a "Source : X" line another website
    appended (a distributor before us), and the agency we received it from (the last
    distributor). Each organization appears once, at its earliest place, and a name the
    source is configured to go by (`aliases`: "आईएएनएस" for IANS) is the source. Empty when
    nothing says more than "the agency sent it", which the page shows already.
    """
    own = {_key(a) for a in aliases} | {_key(source_name)}
    hops = [h for h in copy.provenance if h.get("role") in _CHAIN_ROLES and h.get("name")]
    originators = [str(h["name"]) for h in hops if h.get("role") == "originator"]
    if copy.originator and not originators:
        originators = [copy.originator]
    distributors = [str(h["name"]) for h in hops if h.get("role") == "distributor"]
    if copy.upstream_source:
        distributors.append(copy.upstream_source)
    if not originators and not hops and not copy.upstream_source:
        return []
    distributors.append(source_name)
    steps: list[ProvenanceStep] = []
    seen: set[str] = set()
    for role, names in (("originator", originators), ("distributor", distributors)):
        for name in names:
            if _key(name) in own:
                name = source_name
            key = _key(name)
            if key and key not in seen:
                seen.add(key)
                steps.append(ProvenanceStep(role, " ".join(name.split())))
    steps.append(ProvenanceStep("site", site_name))
    return steps


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def provenance_chain(copy: Copy, source_name: str, site_name: str) -> list[str]:
    """The names of `provenance_steps`, as the article page lists them."""
    return [step.name for step in provenance_steps(copy, source_name, site_name)]


def topic_names(copy: Copy) -> list[str]:
    """Keywords and named subjects, each once; codes without a name mean nothing to readers."""
    seen: set[str] = set()
    out: list[str] = []
    for name in [*(_subject_name(s) for s in copy.subjects), *copy.keywords]:
        if name and name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    return out


def _subject_name(subject: dict[str, Any]) -> str | None:
    name = subject.get("name")
    return str(name).strip() if name else None


def image_links(copy: Copy, default_caption: str) -> list[ImageView]:
    """Associated images as links with their captions and credits, for a source whose
    pictures are linked (`images = "link"`, the default): agency pictures are licensed per
    use, and a page never shows one from the agency's host (CSP `img-src 'self'`)."""
    out: list[ImageView] = []
    for img in copy.images:
        href = safe_href(img.get("href"))
        if href is None:
            continue
        w, h = img.get("width"), img.get("height")
        size = f"{w}×{h}" if w and h else None
        caption = (img.get("caption") or "").strip() or default_caption
        out.append(ImageView(href, caption, size, (img.get("credit") or "").strip() or None))
    return out


def correction_text(
    c: Correction, site: SiteSettings, t: dict[str, str], language: str | None = None
) -> str:
    """`Correction (5 Feb 2026, 15:30 IST): <note>` in `language` (an edition's; default the
    site's) and the site's zone; `t` are that language's interface strings."""
    when = local_time(c.time, site.timezone, language or site.language)
    note = (c.note or "").strip() or t["correction_default"]
    return f"{t['correction']} ({when}): {note}"
