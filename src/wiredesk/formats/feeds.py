"""RSS 2.0 (and 0.9x), RSS 1.0/RDF and Atom 1.0 (and 0.3) into `Item`s.

fastfeedparser reads nearly every real feed many times faster than feedparser, so it goes
first; feedparser, slower but forgiving, reads what fastfeedparser cannot or reads badly:

- fastfeedparser refuses the document (no `<channel>`, pre-Atom namespaces, and so on);
- it finds no entries although the document has `<item` or `<entry` tags (RSS 0.90);
- the text it returns has U+FFFD where the bytes were not valid in the declared encoding
  (a windows-1252 feed that says UTF-8), which feedparser decodes properly;
- an entry lost its title to an XHTML title that fastfeedparser does not serialize;
- an entry came out with neither title nor body, which happens when the markup is not
  escaped (`<description><p>x</p></description>`) or in an element only feedparser knows.

HTML named entities (`&nbsp;`, `&mdash;`), which XML does not define and libxml2 silently
drops, are turned into numeric references before fastfeedparser sees the bytes.

Both parsers are used without network access: fastfeedparser only fetches when given a URL
string, and is only given bytes; its lxml parsers have `resolve_entities=False` and lxml's
defaults `no_network=True` and `load_dtd=False`, and are given the document without its
entity declarations. feedparser is given a file object, never a string it could take
for a URL or path, turns off external entities in its SAX parser itself, and is given the
document without its internal entity declarations, which expat would expand.
"""

from __future__ import annotations

import html.entities
import io
import re
import time
from datetime import UTC, datetime
from typing import Any

import fastfeedparser

from wiredesk.errors import FormatError
from wiredesk.formats.body_html import text_to_html
from wiredesk.formats.detect import head_text
from wiredesk.formats.fields import build_item, parse_iso_datetime, plain_text
from wiredesk.formats.xml_safe import one_line
from wiredesk.model import Item, ParseResult

_ANY_ENTITY_RE = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")
_HTML_ENTITY_RE = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)[A-Za-z][A-Za-z0-9]{1,31};")
_XML_ENTITIES = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})

_ENTITY_DECL_RE = re.compile(rb"<!ENTITY\s[^>]*>")
_DOCTYPE_SCAN_BYTES = 8192

_LANGUAGE_SCAN_BYTES = 32768
_CHANNEL_LANGUAGE_RE = re.compile(r"<(?:[\w.\-]+:)?language\b[^>]*>\s*([A-Za-z][\w\-]{0,34})\s*<")
_XML_LANG_RE = re.compile(r"""\bxml:lang\s*=\s*["']([A-Za-z][\w\-]{0,34})["']""")
_FIRST_ENTRY_RE = re.compile(r"<(?:[\w.\-]+:)?(?:item|entry)[\s>]")

_XHTML_WRAPPER_RE = re.compile(
    r"^\s*<content\b[^>]*>\s*(?:<div\b[^>]*>(?P<div>.*)</div>|(?P<bare>.*))\s*</content>\s*$",
    re.DOTALL,
)
_TEXT_TYPES = frozenset({"text", "text/plain"})


def parse_xml_feed(payload: bytes, fmt: str, content_type: str | None = None) -> ParseResult:
    """Items of an RSS, RDF or Atom payload; `FormatError` when it is not a readable feed."""
    try:
        feed = fastfeedparser.parse(_numeric_entities(_without_entity_declarations(payload)))
    except Exception as e:  # any refusal, ValueError or other, is feedparser's turn
        return _parse_with_feedparser(payload, fmt, content_type, first_error=str(e))
    entries = feed.get("entries") or []
    if not entries and (b"<item" in payload or b"<entry" in payload):
        return _parse_with_feedparser(payload, fmt, content_type, first_error=None)
    if any(not e.get("title") for e in entries) and b"xhtml" in payload:
        return _parse_with_feedparser(payload, fmt, content_type, first_error=None)
    result = _from_fastfeedparser(feed, entries, fmt, payload)
    if (
        _has_replacement_chars(result.items)
        and b"\xef\xbf\xbd" not in payload
        and not _mostly_utf8(payload)
    ):
        return _parse_with_feedparser(payload, fmt, content_type, first_error=None)
    if result.problems:  # entries that look empty may hold markup fastfeedparser skips
        try:
            second = _parse_with_feedparser(payload, fmt, content_type, first_error=None)
        except FormatError:
            return result
        if len(second.items) > len(result.items):
            return second
    return result


# --- fastfeedparser ---------------------------------------------------------------------


def _from_fastfeedparser(feed: Any, entries: list[Any], fmt: str, payload: bytes) -> ParseResult:
    info = feed.get("feed") or {}
    language = info.get("language") or scan_feed_language(payload)
    result = ParseResult(format=fmt, title=plain_text(info.get("title")) or None, language=language)
    for index, entry in enumerate(entries):
        body, item_language = _ffp_body(entry)
        link = entry.get("link") or next(
            (ln.get("href") for ln in entry.get("links") or [] if ln.get("href")), None
        )
        item = build_item(
            index=index,
            fmt=fmt,
            guid=entry.get("id"),
            title_html=entry.get("title"),
            body_html=body,
            summary_html=entry.get("description"),
            link=link,
            published_at=parse_iso_datetime(entry.get("published")),
            updated_at=parse_iso_datetime(entry.get("updated")),
            language=item_language or language,
            author=entry.get("author"),
            categories=[t.get("term") or t.get("label") for t in entry.get("tags") or []],
            problems=result.problems,
        )
        if item is not None:
            result.items.append(item)
    return result


def _ffp_body(entry: Any) -> tuple[str, str | None]:
    """(body HTML, item language) from fastfeedparser's content, else its description."""
    contents = [c for c in entry.get("content") or [] if c.get("value")]
    if not contents:
        return entry.get("description") or "", None
    best = max(contents, key=lambda c: len(c["value"]))
    kind = (best.get("type") or "").lower()
    value = best["value"]
    if kind in _TEXT_TYPES:
        value = text_to_html(value)
    elif kind in ("xhtml", "application/xhtml+xml"):
        m = _XHTML_WRAPPER_RE.match(value)
        if m:
            value = m.group("div") if m.group("div") is not None else m.group("bare")
    return value, best.get("language")


# --- feedparser ---------------------------------------------------------------------------


def _parse_with_feedparser(
    payload: bytes, fmt: str, content_type: str | None, first_error: str | None
) -> ParseResult:
    import feedparser  # only for the feeds fastfeedparser cannot read: not loaded at start

    headers = {"content-type": content_type} if content_type else None
    try:
        parsed = feedparser.parse(
            io.BytesIO(_without_entity_declarations(payload)),
            response_headers=headers,
            sanitize_html=False,  # the pipeline sanitizes every body the same way
            resolve_relative_uris=False,
        )
    except Exception as e:  # feedparser promises not to raise; if it does, it is not a feed
        raise FormatError(f"not a readable feed: {one_line(str(e))}") from None
    entries = parsed.get("entries") or []
    if not entries and (parsed.get("bozo") or not parsed.get("version")):
        reason = parsed.get("bozo_exception") or first_error or "no feed elements found"
        raise FormatError(f"not a readable {fmt} feed: {one_line(str(reason))}")
    info = parsed.get("feed") or {}
    language = info.get("language") or (info.get("title_detail") or {}).get("language")
    result = ParseResult(format=fmt, title=plain_text(info.get("title")) or None, language=language)
    for index, entry in enumerate(entries):
        body = _fp_body(entry)
        item = build_item(
            index=index,
            fmt=fmt,
            guid=entry.get("id"),
            title_html=entry.get("title"),
            body_html=body,
            summary_html=entry.get("summary"),
            link=entry.get("link"),
            # dict.get: FeedParserDict would answer "published" with "updated", and warn.
            published_at=_from_struct_time(dict.get(entry, "published_parsed")),
            updated_at=_from_struct_time(dict.get(entry, "updated_parsed")),
            language=_fp_language(entry) or language,
            author=(entry.get("author_detail") or {}).get("name") or entry.get("author"),
            categories=[t.get("term") or t.get("label") for t in entry.get("tags") or []],
            problems=result.problems,
        )
        if item is not None:
            result.items.append(item)
    return result


def _fp_body(entry: Any) -> str:
    contents = [c for c in entry.get("content") or [] if c.get("value")]
    if contents:
        best = max(contents, key=lambda c: len(c["value"]))
        return text_to_html(best["value"]) if best.get("type") == "text/plain" else best["value"]
    summary = entry.get("summary") or ""
    if (entry.get("summary_detail") or {}).get("type") == "text/plain":
        return text_to_html(summary)
    return summary


def _fp_language(entry: Any) -> str | None:
    for key in ("content", "summary_detail", "title_detail"):
        detail = entry.get(key)
        if isinstance(detail, list):
            detail = detail[0] if detail else None
        if detail and detail.get("language"):
            language: str = detail["language"]
            return language
    return None


def _from_struct_time(value: time.struct_time | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


# --- shared ---------------------------------------------------------------------------------


def scan_feed_language(payload: bytes) -> str | None:
    """The feed-level language from the document's head: `<language>`, `<dc:language>`, or
    the root's `xml:lang`.

    fastfeedparser drops the RSS channel's `<language>`; a scan of the head before the first
    item finds it without parsing the document a second time.
    """
    head = head_text(payload, _LANGUAGE_SCAN_BYTES)
    first_entry = _FIRST_ENTRY_RE.search(head)
    if first_entry:
        head = head[: first_entry.start()]
    m = _CHANNEL_LANGUAGE_RE.search(head) or _XML_LANG_RE.search(head)
    return m.group(1) if m else None


def _numeric_entities(payload: bytes) -> bytes:
    """HTML named entities as numeric references, which any XML parser understands."""
    if not _HTML_ENTITY_RE.search(payload):
        return payload
    return _ANY_ENTITY_RE.sub(_numeric_reference, payload)


def _numeric_reference(m: re.Match[bytes]) -> bytes:
    name = m.group(1)
    if name in _XML_ENTITIES:
        return m.group(0)
    text = html.entities.html5.get(name.decode("ascii") + ";")
    if text is None:
        return m.group(0)  # perhaps declared in the document's own DTD; leave it be
    return "".join(f"&#{ord(ch)};" for ch in text).encode("ascii")


def _without_entity_declarations(payload: bytes) -> bytes:
    """The payload with its DTD's `<!ENTITY>` declarations removed.

    feedparser's expat would expand them, and nested ones ("billion laughs") cost seconds of
    CPU per payload. fastfeedparser does not expand them, but its lxml parsers run with
    `huge_tree=True`, which turns off libxml2's entity amplification limit; it gets the
    declarations removed too, so neither parser ever sees one and both agree.
    """
    start = payload.find(b"<!DOCTYPE", 0, _DOCTYPE_SCAN_BYTES)
    if start < 0 and b"<!ENTITY" in payload:  # a prolog padded past the usual scan
        start = payload.find(b"<!DOCTYPE")
    if start < 0:
        return payload
    end = payload.find(b"]>", start)
    if end < 0:
        return payload
    subset = _ENTITY_DECL_RE.sub(b"", payload[start:end])
    return payload[:start] + subset + payload[end:]


def _mostly_utf8(payload: bytes) -> bool:
    """Whether a payload with invalid UTF-8 is still UTF-8 text with a few broken bytes.

    A windows-1252 feed that says UTF-8 has invalid sequences and almost no valid multi-byte
    ones; a Hindi feed with one stray byte has thousands of valid ones. The first is
    feedparser's to decode (it falls back to windows-1252); the second keeps fastfeedparser's
    reading, with U+FFFD for the stray byte, instead of turning every Devanagari letter
    into windows-1252 mojibake.
    """
    text = payload.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    return non_ascii - bad > bad


def _has_replacement_chars(items: list[Item]) -> bool:
    return any("\ufffd" in it.headline or "\ufffd" in it.body_html for it in items)
