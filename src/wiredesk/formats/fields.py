"""Turning the loose strings feeds send into the exact values an `Item` holds.

Every feed parser (fastfeedparser, feedparser, our JSON Feed reader) hands back strings that
may be HTML, escaped HTML, plain text, odd dates or `mail (Name)` authors. These helpers are
shared so that the same story gives the same `Item` whichever parser happened to read it; the
agency parsers use the ones that fit their values too (dates, de-duplicated keyword lists).
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from wiredesk.model import Item

_TAG_RE = re.compile(r"<[^>]*>")
# "x@y.com (Name)" (RSS 2.0 <author>) and "Name <x@y.com>" (mail style).
_MAIL_PAREN_RE = re.compile(r"^\s*\S+@\S+\s*\((?P<name>[^)]*)\)\s*$")
_NAME_ANGLE_RE = re.compile(r"^\s*(?P<name>[^<]*?)\s*<\S+@\S+>\s*$")


def plain_text(value: str | None) -> str:
    """Plain text of a title or summary that may be HTML or entity-escaped HTML.

    Tags become spaces (so `<p>a</p><p>b</p>` reads "a b"), entities are unescaped once, and
    whitespace runs collapse, which is how a reader sees the text.
    """
    if not value:
        return ""
    if "<" in value:
        value = _TAG_RE.sub(" ", value)
    if "&" in value:
        value = html.unescape(value)
        if "<" in value:  # an escaped tag, as in an RSS title `&lt;b&gt;x&lt;/b&gt;`
            value = _TAG_RE.sub(" ", value)
    if "  " in value or "\n" in value or "\t" in value or "\r" in value or "\xa0" in value:
        return " ".join(value.split())
    return value.strip()


def summary_apart_from_body(summary_html: str | None, body_html: str) -> str:
    """The summary's plain text, or "" when it says nothing the body does not already start with.

    Parsers often fill the summary from the body (or the body from the summary), and a teaser
    that is the body's opening words is not a separate summary. Only as much of the body is
    reduced to text as the comparison needs: bodies are long and this runs for every item.
    """
    if summary_html == body_html:
        return ""  # the parser filled both from one element (RSS's <description>, usually)
    summary = plain_text(summary_html)
    if not summary or not body_html:
        return summary
    size = len(summary) + 256
    while True:
        body_head = plain_text(body_html[:size])
        if len(body_head) > len(summary) or size >= len(body_html):
            break
        size *= 4
    return "" if body_head.startswith(summary) else summary


def has_content(body_html: str) -> bool:
    """Whether a body shows anything; cheap for the usual long body, exact for short ones."""
    body = body_html.strip()
    if len(body) > 200:
        return True
    return bool(body) and (bool(plain_text(body)) or "<img" in body.lower())


def byline_from_author(author: str | None) -> str | None:
    """The person's name from an author field: `x@y (Name)` and `Name <x@y>` give `Name`."""
    if not author:
        return None
    author = plain_text(author)
    for pattern in (_MAIL_PAREN_RE, _NAME_ANGLE_RE):
        m = pattern.match(author)
        if m and m.group("name").strip():
            return m.group("name").strip()
    return author or None


def parse_iso_datetime(value: str | None) -> datetime | None:
    """An aware UTC datetime from an ISO 8601 / RFC 3339 string; None when it is not one.

    A time without a zone is taken as UTC: feeds that omit the zone mostly mean UTC, and a
    wrong guess by a few hours is better than losing the date.
    """
    if not value or not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    if dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    try:
        return dt.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def unique_texts(
    values: Iterable[str | None], clean: Callable[[str], str] = str.strip
) -> list[str]:
    """The values made clean (trimmed; `plain_text` for feed strings that may be HTML), blanks
    dropped, each kept once where it first appears: category names, keywords."""
    seen: dict[str, None] = {}
    for value in values:
        if value:
            value = clean(value)
            if value and value not in seen:
                seen[value] = None
    return list(seen)


def stable_guid(title: str, link: str | None, when: datetime | None) -> str:
    """An id for an entry that has neither id nor link: hash of its title, link and date.

    `urn:wiredesk:sha256:` + the first 32 hex digits of SHA-256 over the plain title, the link
    and the ISO UTC date, joined by newlines. The same entry fetched again gets the same id,
    so re-polling does not create duplicates; an edited title does make a new story, which is
    the best a feed without ids allows.
    """
    stamp = when.isoformat() if when else ""
    digest = hashlib.sha256(f"{title}\n{link or ''}\n{stamp}".encode()).hexdigest()
    return f"urn:wiredesk:sha256:{digest[:32]}"


def build_item(
    *,
    index: int,
    fmt: str,
    guid: str | None,
    title_html: str | None,
    body_html: str,
    summary_html: str | None,
    link: str | None,
    published_at: datetime | None,
    updated_at: datetime | None,
    language: str | None,
    author: str | None,
    categories: list[str | None],
    problems: list[str],
) -> Item | None:
    """One `Item`, or None with a line in `problems` when the entry has nothing to publish."""
    headline = plain_text(title_html)
    link = link.strip() if link else None
    guid = guid.strip() if guid else None
    if not headline and not has_content(body_html):
        shown = guid or link or "no id"
        problems.append(f"entry {index + 1} ({shown}): no title and no content; skipped")
        return None
    published_at = published_at or updated_at
    return Item(
        guid=guid or link or stable_guid(headline, link, published_at),
        headline=headline,
        body_html=body_html,
        summary=summary_apart_from_body(summary_html, body_html),
        link=link or None,
        published_at=published_at,
        updated_at=updated_at,
        language=(language.strip() or None) if language else None,
        byline=byline_from_author(author),
        categories=unique_texts(categories, plain_text),
        format=fmt,
    )
