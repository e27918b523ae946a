"""Invisible characters an agency's text must not bring onto the page: bidirectional controls,
zero-width spaces and byte-order marks.

A headline is shown inline beside text that is not the agency's: in the page's `<title>`
("headline – site name"), in lists beside a time, in every outbound feed. A bidirectional
embedding, override or isolate (U+202A–U+202E, U+2066–U+2069) opens a state that lasts to
its closing control or the end of the paragraph, so a headline ending in U+202E (RIGHT-TO-LEFT
OVERRIDE) shows the site's name reversed after it, and a byline can reorder the date beside
it. These are removed from every short text field, not balanced: balanced controls still
let a headline spoof its own words (an override reverses what a reader sees against what is
stored and searched), and neither Devanagari nor Latin needs them; right-to-left scripts read
correctly by the implicit algorithm. The marks U+200E, U+200F and U+061C open no state and
are kept.

A zero-width space (U+200B) and a byte-order mark (U+FEFF, in text a zero-width no-break
space) are invisible in a headline but split what looks like one word for search, slugs and
grouping, and a headline pasted from a web page carries them: removed from headlines,
subheadlines, bylines and categories. In a summary a zero-width space can be a line-break
hint a writer placed, so there only the byte-order mark goes.

ZERO WIDTH JOINER (U+200D) and ZERO WIDTH NON-JOINER (U+200C) are never removed: in
Devanagari they choose between a conjunct and a half form (`क्‍ष` against `क्ष`), so they
are part of how a word is spelled.

The body is not cleaned here: it is HTML shown in blocks of its own, and the bidirectional
algorithm ends every embedding at the end of a paragraph, so a control in the body cannot
reach the page's own text.
"""

from __future__ import annotations

import re

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
ZERO_WIDTH_SPACE = "\u200b"
BYTE_ORDER_MARK = "\ufeff"

_LINE_RE = re.compile(f"[{BIDI_CONTROLS}{ZERO_WIDTH_SPACE}{BYTE_ORDER_MARK}]")
_RUNNING_RE = re.compile(f"[{BIDI_CONTROLS}{BYTE_ORDER_MARK}]")


def line_text(value: str) -> str:
    """A headline, subheadline, byline or category without bidirectional controls,
    zero-width spaces or byte-order marks (see the module's note); ZWJ and ZWNJ kept."""
    if not _LINE_RE.search(value):
        return value
    return _LINE_RE.sub("", value)


def running_text(value: str) -> str:
    """A summary without bidirectional controls or byte-order marks; zero-width spaces,
    ZWJ and ZWNJ kept."""
    if not _RUNNING_RE.search(value):
        return value
    return _RUNNING_RE.sub("", value)
