"""Copies, stories and versions as IPTC ninjs 2.x objects (ninjs-schema_2.1.json's names).

ninjs 2.x allows no properties of its own beyond the standard's, so everything wiredesk knows
goes into a standard field (docs/api.md has the table):

- `uri` is the copy's article URL on this site, stable for the copy's whole life; `altids`
  carry the agency's guid (`guid`) and the short id the API's paths take (`shortid`).
- provenance: the agency that sent the copy is an `infosources` entry with role
  `distributor`, the originator it credits (`(साभार : ...)`) one with role `originator`, the
  agency line it carried (`Source : IANS`) one with role `source`, and any hops the feed
  named with their own roles; the credit line as printed and the site's disclaimer for the
  agency are `descriptions` with roles `creditline` and `disclaimer`. The upstream website's
  own disclaimer is not republished (it speaks for another team), as on the site.
- the section, categories and keywords are `subjects` with `rel` `section`, `category`,
  `keyword`.
- a canceled copy (taken down after the public saw it) carries no text of its own: its
  headline is the site's withdrawal notice, there are no bodies, and `representationtype` is
  `partial`; `versioncreated` is when it was taken down.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from wiredesk.channels.i18n import strings
from wiredesk.config import Settings
from wiredesk.store.public.subscriptions import (
    CANCELED,
    USABLE,
    Story,
    SubscriberCopy,
    Version,
)
from wiredesk.store.public.views import Copy

NINJS_VERSION = "2.1"
STANDARD = {
    "name": "ninjs",
    "version": NINJS_VERSION,
    "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_2.1.json",
}


def iso(when: datetime) -> str:
    """RFC 3339 in UTC, to the second, with `Z`."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _uri_or_literal(value: str) -> dict[str, str]:
    """`{"uri": ...}` for an absolute http(s) URI, else `{"literal": ...}` (ninjs's `uri` must
    be a URI; a QCode like `medtop:20000763` is a literal)."""
    return {"uri": value} if value.startswith(("http://", "https://")) else {"literal": value}


def _drop_empty(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if v not in (None, "", [], {})}


def _infosources(copy: Copy, settings: Settings) -> list[dict[str, Any]]:
    source = settings.source(copy.source_id)
    out: list[dict[str, Any]] = [
        {
            "name": source.name if source else copy.source_id,
            "role": "distributor",
            "literal": copy.source_id,
        }
    ]
    if copy.originator:
        out.append({"name": copy.originator, "role": "originator"})
    if copy.upstream_source:
        out.append({"name": copy.upstream_source, "role": "source"})
    for hop in copy.provenance:
        name = hop.get("name")
        if not name:
            continue
        entry: dict[str, Any] = {"name": str(name), "role": str(hop.get("role") or "hop")}
        uri = hop.get("uri")
        if isinstance(uri, str) and uri.startswith(("http://", "https://")):
            entry["uri"] = uri
        out.append(entry)
    return out


def _subjects(copy: Copy, settings: Settings) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [
        {
            "name": settings.site.section_name(copy.section),
            "rel": "section",
            "literal": copy.section,
        }
    ]
    for s in copy.subjects:
        code, name = s.get("code"), s.get("name")
        if not (code or name):
            continue
        entry: dict[str, Any] = {"rel": "subject"}
        if name:
            entry["name"] = str(name)
        if code:
            entry.update(_uri_or_literal(str(code)))
        out.append(entry)
    out += [{"name": c, "rel": "category"} for c in copy.categories if c]
    out += [{"name": k, "rel": "keyword"} for k in copy.keywords if k]
    return out


def _headlines(headline: str, subheadline: str | None) -> list[dict[str, str]]:
    out = [{"role": "main", "value": headline}]
    if subheadline:
        out.append({"role": "sub", "value": subheadline})
    return out


def _bodies(body_html: str, body_text: str) -> list[dict[str, Any]]:
    return [
        {
            "role": "main",
            "contenttype": "text/html",
            "charcount": len(body_text),
            "wordcount": len(body_text.split()),
            "value": body_html,
        },
        {"role": "main", "contenttype": "text/plain", "value": body_text},
    ]


def _descriptions(
    summary: str, credit_line: str | None, disclaimer: str | None
) -> list[dict[str, str]]:
    out = []
    if summary:
        out.append({"role": "summary", "contenttype": "text/plain", "value": summary})
    if credit_line:
        out.append({"role": "creditline", "contenttype": "text/plain", "value": credit_line})
    if disclaimer:
        out.append({"role": "disclaimer", "contenttype": "text/plain", "value": disclaimer})
    return out


def _images(copy: Copy) -> list[dict[str, Any]]:
    out = []
    for n, img in enumerate(copy.images, 1):
        href = img.get("href")
        if not isinstance(href, str) or not href.startswith(("http://", "https://")):
            continue
        rendition: dict[str, Any] = {"name": "original", "href": href}
        if img.get("mime"):
            rendition["contenttype"] = str(img["mime"])
        for key in ("width", "height"):
            if isinstance(img.get(key), int | float):
                rendition[key] = img[key]
        picture: dict[str, Any] = {
            "name": f"picture{n}",
            "uri": href,
            "type": "picture",
            "renditions": [rendition],
        }
        if img.get("caption"):
            picture["descriptions"] = [{"role": "caption", "value": str(img["caption"])}]
        out.append(picture)
    return out


def _identity(copy: Copy, settings: Settings) -> dict[str, Any]:
    return {
        "uri": settings.site.base_url + copy.path,
        "type": "text",
    }


def _altids(copy: Copy) -> list[dict[str, str]]:
    return [{"role": "guid", "value": copy.guid}, {"role": "shortid", "value": copy.short_id}]


def copy_ninjs(found: SubscriberCopy, settings: Settings) -> dict[str, Any]:
    """One copy as a ninjs 2.x object: whole when public, a withdrawal notice when canceled."""
    copy = found.copy
    if found.canceled:
        return canceled_ninjs(found, settings)
    source = settings.source(copy.source_id)
    urgency = copy.urgency if copy.urgency is not None and 1 <= copy.urgency <= 9 else None
    out: dict[str, Any] = {
        **_identity(copy, settings),
        "representationtype": "full",
        "version": str(copy.version),
        "firstcreated": iso(copy.published_at),
        "versioncreated": iso(copy.updated_at or copy.published_at),
        "embargoed": iso(found.embargo_until) if found.embargo_until else None,
        "pubstatus": USABLE,
        "urgency": urgency,
        "copyrightnotice": copy.copyright,
        "usageterms": copy.usage_terms,
        "language": copy.language,
        "headlines": _headlines(copy.headline, copy.subheadline),
        "descriptions": _descriptions(
            copy.summary, copy.credit_line, source.disclaimer if source else None
        ),
        "bodies": _bodies(copy.body_html, copy.body_text),
        "by": copy.byline,
        "slugline": copy.slugline,
        "located": copy.dateline_place,
        "subjects": _subjects(copy, settings),
        "infosources": _infosources(copy, settings),
        "altids": _altids(copy),
        "renditions": [
            {"name": "web", "href": settings.site.base_url + copy.path, "contenttype": "text/html"}
        ],
        "associations": _images(copy),
        "standard": STANDARD,
    }
    return _drop_empty(out)


def canceled_ninjs(found: SubscriberCopy, settings: Settings) -> dict[str, Any]:
    """A copy taken down after the public saw it: who it was, and that it is withdrawn —
    nothing of its text (neither the story nor the agency's kill notice)."""
    copy = found.copy
    words = strings(settings.site.language)
    if found.withdrawn:  # the whole story, as its page says (channels/web/pages.py)
        notice = words["gone_text_story"]
    elif found.by_editor:
        notice = words["gone_text_editor"]
    else:
        notice = words["gone_text"]
    out: dict[str, Any] = {
        **_identity(copy, settings),
        "representationtype": "partial",
        "version": str(copy.version),
        "firstcreated": iso(copy.published_at),
        "versioncreated": iso(found.killed_at or copy.updated_at or copy.published_at),
        "pubstatus": CANCELED,
        "language": copy.language,
        "headlines": [{"role": "main", "value": words["gone_title"]}],
        "descriptions": [{"role": "notice", "contenttype": "text/plain", "value": notice}],
        "infosources": _infosources_brief(copy, settings),
        "altids": _altids(copy),
        "standard": STANDARD,
    }
    return _drop_empty(out)


def _infosources_brief(copy: Copy, settings: Settings) -> list[dict[str, Any]]:
    return _infosources(copy, settings)[:1]


def version_ninjs(copy: Copy, version: Version, settings: Settings) -> dict[str, Any]:
    """One past (or the current) version of a public copy, with its own text."""
    out: dict[str, Any] = {
        **_identity(copy, settings),
        "representationtype": "full",
        "version": str(version.version),
        "firstcreated": iso(copy.published_at),
        "versioncreated": iso(version.time),
        "pubstatus": USABLE,
        "language": version.language or copy.language,
        "headlines": _headlines(version.headline, version.subheadline),
        "descriptions": _descriptions(version.summary, None, None)
        + (
            [{"role": "correction", "contenttype": "text/plain", "value": version.correction_note}]
            if version.correction_note
            else []
        ),
        "bodies": _bodies(version.body_html, version.body_text),
        "by": version.byline,
        "altids": _altids(copy),
        "standard": STANDARD,
    }
    return _drop_empty(out)


def story_ninjs(story: Story, settings: Settings) -> dict[str, Any]:
    """A story: its lead's headline and description, and every public copy (in the key's
    scope) as an association, best-ranked first, each named after its agency."""
    lead = story.lead.copy
    copies = [c.copy for c in story.copies]
    created = min(c.published_at for c in copies)
    changed = max((c.updated_at or c.published_at) for c in copies)
    out: dict[str, Any] = {
        "uri": f"{settings.site.base_url}/api/v1/stories/{story.story_id}",
        "type": "composite",
        "representationtype": "partial",
        "firstcreated": iso(created),
        "versioncreated": iso(changed),
        "pubstatus": USABLE,
        "language": lead.language,
        "headlines": _headlines(lead.headline, lead.subheadline),
        "descriptions": _descriptions(lead.teaser, None, None),
        "subjects": _subjects(lead, settings)[:1],
        "altids": [{"role": "storyid", "value": str(story.story_id)}],
        "associations": [
            _drop_empty(
                {
                    "name": c.source_id,
                    **_identity(c, settings),
                    "representationtype": "partial",
                    "version": str(c.version),
                    "firstcreated": iso(c.published_at),
                    "versioncreated": iso(c.updated_at or c.published_at),
                    "pubstatus": USABLE,
                    "language": c.language,
                    "headlines": _headlines(c.headline, None),
                    "infosources": _infosources(c, settings)[:1],
                    "altids": _altids(c),
                }
            )
            for c in copies
        ],
        "standard": STANDARD,
    }
    return _drop_empty(out)
