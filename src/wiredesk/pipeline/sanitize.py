"""Stage 1: make an item's text safe and canonical before anything reads it.

Every later stage matches text with regular expressions, so text must be NFC (a Devanagari
nukta letter can arrive precomposed or decomposed) and the body must be HTML we produced
ourselves: feeds send scripts, event handlers, `javascript:` links and bare text with line
breaks. After this stage `body_html` is trusted everywhere downstream.
"""

from __future__ import annotations

import html
import re
from dataclasses import fields
from operator import attrgetter

import nh3

from wiredesk.model import Item
from wiredesk.pipeline.context import StageContext
from wiredesk.pipeline.evolve import evolve
from wiredesk.pipeline.html_text import html_to_text, paragraph_shape, tidy
from wiredesk.pipeline.mathml import (
    MATH_HIDDEN_TAGS,
    MATH_START_RE,
    MATH_TAGS,
    formulas_as_text,
    html_sub,
    html_sup,
    text_sub,
    text_sup,
)
from wiredesk.pipeline.nfc import to_nfc
from wiredesk.text.invisible import line_text, running_text

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "a", "strong", "b", "em", "i", "u", "blockquote", "q", "ul", "ol", "li",
        "h2", "h3", "h4", "h5", "h6", "figure", "figcaption", "img",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
        "sub", "sup", "hr", "pre", "code",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"

# Elements that go with everything inside them, because a browser never shows that content
# to a reader: code, hidden text, and an `<iframe>`'s children (shown only by browsers without
# frames). An `<object>` is not among them: its children are the fallback a browser shows when
# it does not show the object, and wiredesk never shows one, so they are the story's text and
# are cleaned like the rest (its `<param>` elements are void and hold no text).
_DROPPED_WITH_CONTENT = frozenset({"script", "style", "noscript", "iframe", "template"})

_BODY_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    link_rel=LINK_REL,
    clean_content_tags=set(_DROPPED_WITH_CONTENT),
)
_TEXT_CLEANER = nh3.Cleaner(
    tags=set(),
    attributes={},
    clean_content_tags=set(_DROPPED_WITH_CONTENT),
)
# The first of two passes over a fragment with inline MathML: the body cleaner that also keeps
# MathML's shown elements (without attributes), so `mathml` gets a parsed, escaped formula to
# turn into text; the body or text cleaner then has the last word on the result.
_MATH_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS | MATH_TAGS),
    attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    link_rel=LINK_REL,
    clean_content_tags=set(_DROPPED_WITH_CONTENT | MATH_HIDDEN_TAGS),
)

_ANY_TAG_RE = re.compile(r"</?[a-zA-Z][^>]*>|<!--")
_BLOCKISH_RE = re.compile(
    r"<(?:p|div|br|li|ul|ol|h[1-6]|blockquote|table|figure|pre|section|article|hr)\b", re.I
)
# Containers nh3 does not keep; turned into paragraphs so their texts do not run together.
_DIV_OPEN_RE = re.compile(r"<(?:div|section|article|header|footer|main|aside)\b[^>]*>", re.I)
_DIV_CLOSE_RE = re.compile(r"</(?:div|section|article|header|footer|main|aside)\s*>", re.I)
_ENTITY_RE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")
_H1_RE = re.compile(r"<(/?)h1\b([^>]*)>", re.I)
# Any tag the three patterns above rewrite: one scan, so a body without any skips all three.
_RENAMED_TAG_RE = re.compile(r"</?(?:div|section|article|header|footer|main|aside|h1)\b", re.I)


def sanitize_html(fragment: str) -> str:
    """The one sanitizer for body HTML; other stages call it again after they edit a body."""
    if kept_as_is(fragment):
        return tidy(fragment)
    if MATH_START_RE.search(fragment):
        # A formula's text is kept (a reader must not lose it), its MathML is not.
        fragment = formulas_as_text(_MATH_CLEANER.clean(fragment), sup=html_sup, sub=html_sub)
    return tidy(_BODY_CLEANER.clean(fragment))


def kept_as_is(fragment: str) -> bool:
    """Whether the body cleaner would give `fragment` back unchanged, known without running it:
    true for bare `<p>` paragraphs of printable text without `&`, what most agency copy is.

    The cleaner parses the HTML and writes it out again, which for such a body changes
    nothing: `<p>` is allowed and has no attributes here, and in text only NUL, CR, `&`, `<`,
    `>` and U+00A0 come out otherwise (a test holds the cleaner to that for every code point;
    a lone surrogate makes it raise). `str.isprintable` is false for all of those but `&`,
    `<` and `>`, and `paragraph_shape` proves the angle brackets are the tags' own. The test
    costs a fraction of the cleaner, whose work is mostly converting the text to UTF-8 and
    back, and the line table reuses it.
    """
    return paragraph_shape(fragment)[1]


def collapse_spaces(text: str | None) -> str:
    """Plain text with its whitespace runs made single spaces and its ends trimmed."""
    return " ".join(text.split()) if text else ""


def plain_text(fragment: str) -> str:
    """Text with tags stripped, entities decoded and whitespace collapsed: for headlines etc."""
    if "<" in fragment:
        if MATH_START_RE.search(fragment):
            fragment = formulas_as_text(_MATH_CLEANER.clean(fragment), sup=text_sup, sub=text_sub)
        fragment = _TEXT_CLEANER.clean(fragment)
    return " ".join(html.unescape(fragment).split())


def body_to_html(body: str) -> str:
    """Sanitized body HTML; plain text (or inline-only HTML) becomes one `<p>` per line."""
    if _BLOCKISH_RE.search(body):
        if _RENAMED_TAG_RE.search(body):
            body = _DIV_OPEN_RE.sub("<p>", body)
            body = _DIV_CLOSE_RE.sub("</p>", body)
            body = _H1_RE.sub(r"<\1h2\2>", body)
        cleaned = sanitize_html(body)
        if not cleaned or _BLOCKISH_RE.search(cleaned):
            return cleaned
        body, is_html = cleaned, True  # only inline content survived: wrap it like text
    else:
        is_html = bool(_ANY_TAG_RE.search(body)) or bool(_ENTITY_RE.search(body))
    paragraphs = []
    for line in body.splitlines():
        line = line.strip()
        if line:
            paragraphs.append(f"<p>{line if is_html else html.escape(line, quote=False)}</p>")
    return sanitize_html("".join(paragraphs))


# Every field but `body_text`, which this stage always derives anew from the body.
_FIELDS = tuple(f.name for f in fields(Item) if f.name != "body_text")
_get_fields = attrgetter(*_FIELDS)


def _nfc(value: object) -> object:
    if isinstance(value, str):
        return to_nfc(value)
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    return value


def sanitize_item(item: Item, ctx: StageContext) -> Item:
    """NFC every text field, sanitize the body, and flatten headline-like fields to text."""
    # Most of an item's fields are None, numbers or enums: only text and lists are visited,
    # and only what NFC changed is set on the copy (lists are always new, as before).
    changes: dict[str, object] = {}
    for name, value in zip(_FIELDS, _get_fields(item), strict=True):
        kind = type(value)
        if kind is str:
            normal = to_nfc(value)
            if normal is not value:
                changes[name] = normal
        elif kind is list:
            changes[name] = _nfc(value) if value else []
    body_html = body_to_html(changes.get("body_html", item.body_html))  # type: ignore[arg-type]
    byline = changes.get("byline", item.byline)
    subheadline = changes.get("subheadline", item.subheadline)
    # Headline-like fields come from the parsers as plain text (each format's markup already
    # read as its spec says: an HTML title unescaped once, a text title as written), so a
    # `<` here is a character the agency wrote: only spacing is evened out. Treating them as
    # HTML again cut "if a <b> c" to "if a c". Invisible characters that could reorder the
    # page around them, or split a word unseen, go first (`text.invisible`).
    categories = [collapse_spaces(line_text(c)) for c in changes["categories"]]  # type: ignore[attr-defined]
    headline: str = changes.get("headline", item.headline)  # type: ignore[assignment]
    summary: str = changes.get("summary", item.summary)  # type: ignore[assignment]
    changes.update(
        headline=collapse_spaces(line_text(headline)),
        summary=collapse_spaces(running_text(summary)),
        byline=collapse_spaces(line_text(byline)) or None if isinstance(byline, str) else None,
        categories=[c for c in categories if c],
        body_html=body_html,
        body_text=html_to_text(body_html),
    )
    if isinstance(subheadline, str):
        changes["subheadline"] = collapse_spaces(line_text(subheadline)) or None
    return evolve(item, **changes)
