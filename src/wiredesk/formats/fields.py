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
# Elements whose content is code, not text: in an HTML title it is dropped with its tags.
_CODE_RE = re.compile(r"<(script|style)\b[^>]*>.*?(?:</\1\s*>|$)", re.I | re.S)
_C1_RE = re.compile("[\x80-\x9f]")
_C1_UTF8_RE = re.compile(rb"\xc2[\x80-\x9f]")
_C1_REFERENCE_RE = re.compile(rb"&#(?:0*1[2-5][0-9]|[xX]0*[89][0-9a-fA-F]);|\\u00[89][0-9a-fA-F]")
_C1_BYTES_RE = re.compile(rb"[\x80-\x9f]")
_XML_ENCODING_RE = re.compile(rb"""\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:\-]+)""")
_C1_AS_WINDOWS_1252: dict[int, str | None] = {}
for _code in range(0x80, 0xA0):
    try:
        _C1_AS_WINDOWS_1252[_code] = bytes([_code]).decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: undefined in windows-1252
        _C1_AS_WINDOWS_1252[_code] = None
# "x@y.com (Name)" (RSS 2.0 <author>) and "Name <x@y.com>" (mail style).
_MAIL_PAREN_RE = re.compile(r"^\s*\S+@\S+\s*\((?P<name>[^)]*)\)\s*$")
_NAME_ANGLE_RE = re.compile(r"^\s*(?P<name>[^<]*?)\s*<\S+@\S+>\s*$")


def plain_text(value: str | None) -> str:
    """Plain text of a title or summary that is HTML.

    Tags become spaces (so `<p>a</p><p>b</p>` reads "a b"), entities are unescaped once, and
    whitespace runs collapse, which is how a reader sees the text. Unescaping happens once
    only: HTML `Use &lt;p&gt; for paragraphs` says "Use <p> for paragraphs", and stripping
    the tag it spells out would cut words the feed meant to show.
    """
    if not value:
        return ""
    if "<" in value:
        value = _TAG_RE.sub(" ", _CODE_RE.sub(" ", value))
    if "&" in value:
        value = html.unescape(value)
    return collapse_spaces(value)


def collapse_spaces(value: str) -> str:
    """The text with whitespace runs made one space and the ends trimmed: for a title that is
    plain text already (Atom `type="text"`), whose `<` and `&` are characters, not markup."""
    if "  " in value or "\n" in value or "\t" in value or "\r" in value or "\xa0" in value:
        return " ".join(value.split())
    return value.strip()


def payload_may_hold_c1(payload: bytes) -> bool:
    """Whether text parsed from this payload can hold a C1 control character.

    Only three things put one there: the UTF-8 bytes C2 80 to C2 9F, a numeric reference
    (`&#146;`, `&#x92;`, JSON `\\u0092`), or a raw byte 0x80-0x9F in a single-byte
    encoding the parsers read as latin-1. Each is cheap to rule out on the bytes, so the
    per-field scan (`c1_as_windows_1252`) runs only for payloads that may need it.
    """
    if b"\xc2" in payload and _C1_UTF8_RE.search(payload):
        return True
    # One-byte searches first (memchr): `&#` alone would be a slow two-byte search, and `&`
    # is in every escaped body.
    if (b"#" in payload or b"\\" in payload) and _C1_REFERENCE_RE.search(payload):
        return True
    if payload.isascii():
        return False
    if payload.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in payload[:4]:
        return True  # UTF-16 or UTF-32: the bytes say nothing, look at the text
    declared = _XML_ENCODING_RE.match(payload, 0, 512)
    if declared is None or declared.group(1).lower() in (b"utf-8", b"utf8"):
        return False  # UTF-8, which the first check covered
    return _C1_BYTES_RE.search(payload) is not None


def c1_as_windows_1252(items: list[Item]) -> None:
    """Read every C1 control character in the items' headline, body, summary and byline as
    windows-1252, in place (see `without_c1_controls`)."""
    for item in items:
        item.headline = without_c1_controls(item.headline)
        item.body_html = without_c1_controls(item.body_html)
        item.summary = without_c1_controls(item.summary)
        if item.byline:
            item.byline = without_c1_controls(item.byline)
        if item.categories:
            item.categories = [without_c1_controls(c) for c in item.categories]


def without_c1_controls(value: str) -> str:
    """The text with C1 control characters (U+0080 to U+009F) read as windows-1252, as
    browsers read them.

    They come from feeds that are windows-1252 in fact: bytes 0x80-0x9F decoded as latin-1,
    windows-1252 text re-encoded as if it were latin-1 (`\xc2\x92` in UTF-8), or numeric
    references (`&#146;`). Each is meant as the windows-1252 character (U+2019 for 0x92);
    the five positions windows-1252 leaves undefined are dropped, so no C1 control is
    ever stored.
    """
    if not _C1_RE.search(value):
        return value
    if _DOUBLE_ENCODED_RE.search(value):
        value = _DOUBLE_ENCODED_RE.sub(_as_utf8, value)
    return value.translate(_C1_AS_WINDOWS_1252)


# A UTF-8 sequence whose bytes were read as latin-1 characters (`â\x80¦` for `…`): a lead
# byte and its continuation bytes, each one character in U+0080-U+00FF.
_DOUBLE_ENCODED_RE = re.compile(
    "[\u00c2-\u00df][\u0080-\u00bf]|[\u00e0-\u00ef][\u0080-\u00bf]{2}"
    "|[\u00f0-\u00f4][\u0080-\u00bf]{3}"
)


def _as_utf8(m: re.Match[str]) -> str:
    """The character a double-encoded UTF-8 sequence stands for, when the sequence holds a
    C1 control (text that was UTF-8, read as latin-1 and encoded again: `&#226;&#128;&#166;`
    is `…`). A C1 control is never text, so a valid UTF-8 sequence around one is the mark of
    this mistake; a sequence without one (`Ã©` may be meant) is left as it is."""
    run = m.group(0)
    if not _C1_RE.search(run):
        return run
    try:
        return run.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return run


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
    if body_head.startswith(summary):
        return ""
    if "<" in body_head or "<" in summary:  # one side may be text the other sent as HTML
        return "" if _untagged(body_head).startswith(_untagged(summary)) else summary
    if _CODE_RE.search(body_html) and _with_code(body_html).startswith(summary):
        # made from the body by a parser that kept its scripts' and styles' text as words: a
        # teaser showing `alert(1)` or a stylesheet is no teaser, and the body has none of it
        return ""
    return summary


def _with_code(body_html: str) -> str:
    """A body's text as a parser that keeps script and style content as text reads it."""
    text = _TAG_RE.sub(" ", body_html)
    return collapse_spaces(html.unescape(text) if "&" in text else text)


def _untagged(text: str) -> str:
    """Text with anything tag-like removed: only to compare a summary with a body's start."""
    return collapse_spaces(_TAG_RE.sub(" ", text))


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
    title_is_text: bool = False,
) -> Item | None:
    """One `Item`, or None with a line in `problems` when the entry has nothing to publish.

    `title_html` is HTML unless `title_is_text` (the feed said the title is plain text, so a
    `<` in it is a character).
    """
    headline = collapse_spaces(title_html or "") if title_is_text else plain_text(title_html)
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
