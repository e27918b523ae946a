"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1), read directly.

A JSON Feed is already a clean object, so reading it ourselves is simpler and more exact than
going through a general feed library: `content_html` is HTML, `content_text` and `summary`
are plain text, dates are RFC 3339, and authors and language are inherited from the feed.
"""

from __future__ import annotations

import html
from typing import Any

from wiredesk.errors import FormatError
from wiredesk.formats.body_html import text_to_html
from wiredesk.formats.fields import (
    build_item,
    c1_as_windows_1252,
    parse_iso_datetime,
    payload_may_hold_c1,
)
from wiredesk.formats.json_safe import entry_places, load_json_payload
from wiredesk.model import ImageLink, Item, ParseResult


def parse_jsonfeed(payload: bytes) -> ParseResult:
    """Items of a JSON Feed; `FormatError` when the payload is not a JSON Feed object.

    Bytes that are not valid in the detected encoding, and raw control characters, become
    U+FFFD rather than refusing the feed, each entry that held one named in a problem line;
    nesting is bounded before decoding (`limits.MAX_JSON_DEPTH`).
    """
    doc, bad = load_json_payload(payload, "JSON Feed", "not a readable JSON Feed")
    if not isinstance(doc, dict):
        raise FormatError("not a readable JSON Feed: the document is not a JSON object")
    entries = doc.get("items")
    if not isinstance(entries, list):
        raise FormatError("not a readable JSON Feed: it has no `items` array")
    bad_bytes: list[str] = []
    if bad is not None:  # a byte that was not UTF-8, or a raw control: named, then U+FFFD
        bad_bytes = bad.lines(entry_places(doc, entries, _entry_name))
        doc = bad.replaced(doc)
        entries = doc["items"]

    feed_language = _string(doc.get("language"))
    feed_author = _author_name(doc)
    result = ParseResult(
        format="jsonfeed", title=_string(doc.get("title")) or None, language=feed_language
    )
    result.problems += bad_bytes
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            result.problems.append(f"entry {index + 1}: not a JSON object; skipped")
            continue
        item = _item(index, entry, feed_language, feed_author, result.problems)
        if item is not None:
            result.items.append(item)
    if payload_may_hold_c1(payload):
        c1_as_windows_1252(result.items)
    return result


def _entry_name(index: int, entry: Any) -> str:
    """An entry as a problem line names it: `entry 3 (its id)`."""
    raw_id = entry.get("id") if isinstance(entry, dict) else None
    shown = " ".join(str(raw_id).split())[:100] if isinstance(raw_id, str | int) else ""
    return f"entry {index + 1} ({shown})" if shown else f"entry {index + 1}"


def _item(
    index: int,
    entry: dict[str, Any],
    feed_language: str | None,
    feed_author: str | None,
    problems: list[str],
) -> Item | None:
    summary = _string(entry.get("summary"))
    content_html = _string(entry.get("content_html"))
    content_text = _string(entry.get("content_text"))
    if content_html:
        body = content_html
    elif content_text:
        body = text_to_html(content_text)
    else:
        body = text_to_html(summary) if summary else ""
    raw_id = entry.get("id")
    guid = str(raw_id) if isinstance(raw_id, str | int) and not isinstance(raw_id, bool) else None
    tags = entry.get("tags")
    item = build_item(
        index=index,
        fmt="jsonfeed",
        guid=guid,
        title_html=_title_text(entry.get("title")),
        title_is_text=True,
        body_html=body,
        summary_html=summary,
        link=_string(entry.get("url")) or _string(entry.get("external_url")),
        published_at=parse_iso_datetime(_string(entry.get("date_published"))),
        updated_at=parse_iso_datetime(_string(entry.get("date_modified"))),
        language=_string(entry.get("language")) or feed_language,
        author=_author_name(entry) or feed_author,
        categories=[t for t in tags if isinstance(t, str)] if isinstance(tags, list) else [],
        problems=problems,
    )
    if item is not None:
        item.images = _images(entry)
    return item


def _images(entry: dict[str, Any]) -> list[ImageLink]:
    """The item's `image` ("the main image", JSON Feed 1.1), then attachments whose
    `mime_type` is an image; each address once."""
    found: list[ImageLink] = []
    main = _string(entry.get("image"))
    if main and main.strip():
        found.append(ImageLink(href=main.strip()))
    attachments = entry.get("attachments")
    for attachment in attachments if isinstance(attachments, list) else []:
        if not isinstance(attachment, dict):
            continue
        url = _string(attachment.get("url"))
        mime = _string(attachment.get("mime_type")) or ""
        if not url or not url.strip() or not mime.lower().startswith("image/"):
            continue
        if all(image.href != url.strip() for image in found):
            title = _string(attachment.get("title"))
            found.append(ImageLink(href=url.strip(), caption=title or None, mime=mime))
    return found


def _title_text(value: Any) -> str | None:
    """An item's title as the plain text JSON Feed says it is ("HTML is not allowed"): a `<`
    is a character, so `<img src=x>` written in a title is shown as written, not read as an
    image and dropped. Character references are still decoded once, because many JSON
    feeds (WordPress's among them) write the same title string as their HTML pages do,
    `Tom &amp; Jerry`."""
    title = _string(value)
    return html.unescape(title) if title and "&" in title else title


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _author_name(obj: dict[str, Any]) -> str | None:
    """First author's name: 1.1 `authors` list, else 1.0 `author` object."""
    authors = obj.get("authors")
    candidates = authors if isinstance(authors, list) else [obj.get("author")]
    for author in candidates:
        name = author.get("name") if isinstance(author, dict) else None
        if isinstance(name, str):
            return name
    return None
