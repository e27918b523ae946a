"""Line-level views of sanitized body HTML, shared by the stages that edit a body.

Attribution and dateline lines are "lines" to an editor whether the feed wrapped each one in its
own `<p>` or ran them together with `<br>`. Reading the sanitized HTML as a flat sequence of
text chunks between block boundaries lets the stages treat both shapes the same way, and lets
them cut a chunk out by its character span without rebuilding a DOM.

Only ever fed HTML that `sanitize.sanitize_html` produced, so tag shapes are predictable.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

_BLOCK_TAGS = (
    r"(?:p|div|h[1-6]|li|ul|ol|blockquote|figure|figcaption|table|caption|thead|tbody|tfoot"
    r"|tr|td|th|pre|hr)"
)
_BR_RE = r"<br\s*/?>"
# A boundary between lines: a line break or any block-level tag, opening or closing.
BOUNDARY_RE = re.compile(rf"{_BR_RE}|</?{_BLOCK_TAGS}\b[^>]*>", re.IGNORECASE)
# The two kinds apart, so `html_to_text` can split with C-level `re.split` calls: a block tag
# starts a paragraph, a `<br>` a line. Neither can match inside a match of the other.
_BLOCK_BOUNDARY_RE = re.compile(rf"</?{_BLOCK_TAGS}\b[^>]*>", re.IGNORECASE)
_BR_BOUNDARY_RE = re.compile(_BR_RE, re.IGNORECASE)
_TAG_RE = re.compile(r"<[^>]*>")
_HAS_BLOCK_RE = re.compile(rf"{_BR_RE}|<{_BLOCK_TAGS}\b", re.IGNORECASE)
_EMPTY_BLOCK_RE = re.compile(
    rf"<(p|h[2-6]|li|blockquote|figcaption)\b[^>]*>(?:\s|&nbsp;|{_BR_RE})*</\1>", re.IGNORECASE
)
_EMPTY_INLINE_RE = re.compile(r"<(strong|b|em|i|u|q|sub|sup|code)\b[^>]*>\s*</\1>", re.IGNORECASE)
# Every pattern below starts with a literal "<": CPython's regex engine scans for a literal
# prefix quickly, while a leading character class is tried at every position (far slower).
_LEADING_BR_RE = re.compile(rf"(<(?:p|li|blockquote|h[2-6])\b[^>]*>)\s*(?:{_BR_RE}\s*)+", re.I)
_TRAILING_BR_RE = re.compile(
    rf"{_BR_RE}(?:\s*{_BR_RE})*\s*(?=</(?:p|li|blockquote|h[2-6])>|$)", re.I
)
_OUTER_BR_RE = re.compile(rf"^\s*(?:{_BR_RE}\s*)+", re.I)
# Every pattern above needs a `<br` or a tag closing right after another one ends (with only
# spaces, `&nbsp;` or `<br>` between): two scans that say whether `tidy` has anything to do.
_ANY_BR_RE = re.compile(r"<br", re.I)
_EMPTY_CANDIDATE_RE = re.compile(r">\s*(?:</|&nbsp;|<br)", re.I)


@dataclass(frozen=True, slots=True)
class Line:
    """A run of body HTML between two boundaries that holds visible text."""

    start: int  # span of the chunk in the HTML string
    end: int
    text: str  # its plain text: tags dropped, entities decoded, whitespace collapsed


# Fragments longer than this are converted every time, so the cache stays a few megabytes.
_CACHED_FRAGMENT_CHARS = 4096


def chunk_text(fragment: str) -> str:
    """Plain text of an inline HTML fragment, whitespace collapsed to single spaces.

    Memoized because the stages read the same paragraphs again and again: sanitize converts
    the whole body, then attribution and dateline each cut one line and convert the body once
    more, and line scanning reads the first and last lines. A cache hit costs a hash of the
    fragment, well below tag stripping, unescaping and collapsing. The conversion is pure, so
    caching cannot change a result.
    """
    if len(fragment) > _CACHED_FRAGMENT_CHARS:
        return _chunk_text(fragment)
    return _cached_chunk_text(fragment)


def _chunk_text(fragment: str) -> str:
    text = fragment
    if "<" in text:
        text = _TAG_RE.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    return collapse_spaces(text)


_cached_chunk_text = lru_cache(maxsize=256)(_chunk_text)


def collapse_spaces(text: str) -> str:
    """Whitespace runs (and zero-width spaces, byte order marks) as one space, ends trimmed.

    Most text is already like that, and `" ".join(text.split())` costs one new string per word
    (5 us for a 400-character Devanagari paragraph), so look first: `str.isprintable()` is
    false for every whitespace character except U+0020 and for U+200B and U+FEFF, so printable
    text without a double space only needs its ends trimmed.
    """
    if text.isprintable() and "  " not in text:
        return text.strip(" ")
    if "\u200b" in text or "\ufeff" in text:
        text = text.replace("\u200b", " ").replace("\ufeff", " ")
    return " ".join(text.split())


def lines(body_html: str, *, reverse: bool = False) -> Iterator[Line]:
    """The visible lines of the body in reading order (or from the end), with their spans.

    Lines end at block tags, `<br>` and raw newlines. Lazy, because the stages only look at
    the first or the last few lines and a body can have a hundred; a body of plain paragraphs
    is read from its line table (`_paragraph_lines`) instead, built once for all the stages.
    """
    body, table = _table
    if body is not body_html:
        # Reading forwards usually stops at the first line (a body is never built for it);
        # reading backwards would scan the whole body anyway.
        table = _paragraph_lines(body_html) if reverse else None
    if table is None:
        return _scanned_lines(body_html, reverse)
    return (Line(*row) for row in (reversed(table) if reverse else table))


def _scanned_lines(body_html: str, reverse: bool) -> Iterator[Line]:
    """`lines` of any body, found by scanning for boundaries, as far as they are read."""
    if not reverse:
        spans = _raw_spans(body_html, 0, len(body_html))
    elif _LT_IN_TAG_RE.search(body_html):  # a `<` inside a tag: only a full scan is sure
        spans = reversed(list(_raw_spans(body_html, 0, len(body_html))))
    else:
        spans = _raw_spans_backwards(body_html)
    for start, end in spans:
        text = chunk_text(body_html[start:end])
        if text:
            yield Line(start, end, text)


_PARAGRAPH_BREAK = "</p><p>"
# The last body `paragraph_shape` looked at, and what it found; as `_table` below.
_shape: tuple[str, bool, bool] = ("", False, False)


def paragraph_shape(body_html: str) -> tuple[bool, bool]:
    """Whether the body is nothing but `<p>` paragraphs (one `<p>...</p>` after another, with
    no other `<` or `>`), and whether it is that and printable text without `&` besides.

    Counting the `<` and `>` proves the first: the first `<p>`, the last `</p>` and each
    `</p><p>` cannot overlap, so when they account for every angle bracket there is no other
    tag. Remembered for the last body: sanitizing asks about a body (`sanitize.kept_as_is`)
    and the line table asks again about the same body when tidying left it as it was.
    """
    global _shape
    body, paragraphs, plain = _shape
    if body is body_html:
        return paragraphs, plain
    paragraphs = False
    if body_html.startswith("<p>") and body_html.endswith("</p>"):
        tags = 2 * body_html.count(_PARAGRAPH_BREAK) + 2
        paragraphs = body_html.count("<") == tags and body_html.count(">") == tags
    plain = paragraphs and "&" not in body_html and body_html.isprintable()
    _shape = (body_html, paragraphs, plain)
    return paragraphs, plain


# The last body `_paragraph_lines` read, and what it found. Strings cannot change, and the memo
# holds the body it names, so `is` makes it exact.
_table: tuple[str, list[tuple[int, int, str]] | None] = ("", None)


def _paragraph_lines(body_html: str) -> list[tuple[int, int, str]] | None:
    """Every line of a body of plain paragraphs as (start, end, text), or None for any other
    body: `<p>` paragraphs only (`paragraph_shape`), and no raw newline.

    That is what sanitized agency copy almost always is, and there the lines are the
    paragraphs: the only boundaries are the `<p>` and `</p>` tags, so `_raw_spans` would give
    each paragraph's inside as one span (none for an empty one), and `html_to_text`'s blocks
    are the same insides with empty strings between. Attribution reads the last lines,
    dateline the first, and sanitizing and attribution the whole text, so the table is worked
    out once per body (with the paragraphs' texts) and remembered for the last body.
    """
    global _table
    body, table = _table
    if body is body_html:
        return table
    table = None
    paragraphs, plain = paragraph_shape(body_html)
    if paragraphs and (plain or "\n" not in body_html):  # (printable text has no newline)
        # With no `&`, no whitespace but U+0020 and no double space anywhere, each
        # paragraph's `chunk_text` is the paragraph without its end spaces: one check of the
        # body instead of one per paragraph.
        plain = plain and "  " not in body_html
        table = []
        start = 3
        for fragment in body_html[3:-4].split(_PARAGRAPH_BREAK):
            end = start + len(fragment)
            text = fragment.strip(" ") if plain else chunk_text(fragment)
            if text:
                table.append((start, end, text))
            start = end + len(_PARAGRAPH_BREAK)
    _table = (body_html, table)
    return table


# The last body whose first line was asked for, and that line: attribution and dateline both
# start from the first line, and most bodies reach the dateline as attribution left them.
# Strings cannot change, and the memo holds the body it names, so `is` makes it exact.
_first: tuple[str, Line | None] = ("", None)


def first_line(body_html: str) -> Line | None:
    """`next(lines(body_html), None)`, remembered for the last body asked about."""
    global _first
    body, line = _first
    if body is body_html:
        return line
    _paragraph_lines(body_html)  # remembered, so `lines` reads the table when there is one
    line = next(lines(body_html), None)
    _first = (body_html, line)
    return line


def has_line_after(body_html: str, start: int) -> bool:
    """Whether `body_html[start:]` has a visible line: `lines` of that slice, without the
    slice or the lines (spans found from `start` are the slice's spans, shifted)."""
    body, table = _table
    if body is body_html and table:
        # From the end of a paragraph on, the lines are the paragraphs after it.
        for i, (_, end, _) in enumerate(table):
            if end == start:
                return i + 1 < len(table)
    for begin, end in _raw_spans(body_html, start, len(body_html)):
        if chunk_text(body_html[begin:end]):
            return True
    return False


def _raw_spans(body_html: str, begin: int, stop: int) -> Iterator[tuple[int, int]]:
    # A generator, so that reading the first line does not scan the whole body.
    pos = begin
    for match in BOUNDARY_RE.finditer(body_html, begin, stop):
        yield from _split_newlines(body_html, pos, match.start())
        pos = match.end()
    yield from _split_newlines(body_html, pos, stop)


# A `<` before the `>` that closes a tag (an attribute value holding one): then a boundary
# found by searching backwards might be inside a tag the forward scan reads as one.
_LT_IN_TAG_RE = re.compile(r"<[^<>]*<")
# Boundaries taken per step when reading from the end: a paragraph is two, so a step covers
# the last few lines, which is all the stages that read backwards ever look at.
_BACK_STEP = 12


def _raw_spans_backwards(body_html: str) -> Iterator[tuple[int, int]]:
    """`_raw_spans` in reverse, scanning only as far back as the reader reads.

    The body is read in pieces that begin where a boundary tag begins; when no tag holds a
    `<` (the caller checks), spans of such a piece are exactly the full scan's spans in that
    range, so the pieces' spans, last piece first, are the full scan's spans from the end.
    """
    stop = len(body_html)
    while stop > 0:
        begin, found = stop, 0
        while found < _BACK_STEP:
            begin = body_html.rfind("<", 0, begin)
            if begin < 0:
                begin = 0
                break
            if BOUNDARY_RE.match(body_html, begin):
                found += 1
        yield from reversed(list(_raw_spans(body_html, begin, stop)))
        stop = begin


def _split_newlines(body_html: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    # A raw newline inside a block is only whitespace to a browser, but feeds that paste
    # "story\n(साभार : X)\nSource : IANS" into one <p> mean it as a line break.
    while start < end:
        newline = body_html.find("\n", start, end)
        stop = end if newline == -1 else newline
        if stop > start:
            yield start, stop
        start = stop + 1


def remove_spans(body_html: str, spans: list[tuple[int, int]]) -> str:
    """Cut the given spans out, then drop the empty paragraphs and stray breaks left behind."""
    out = body_html
    for start, end in sorted(spans, reverse=True):
        out = out[:start] + out[end:]
    return tidy(out)


def tidy(body_html: str) -> str:
    """Remove empty blocks/inline tags and leading/trailing `<br>` inside blocks.

    A body that is left with inline content only is wrapped in one `<p>`.
    """
    out = body_html
    changed = bool(_ANY_BR_RE.search(out) or _EMPTY_CANDIDATE_RE.search(out))
    while changed:  # removing one empty tag can empty its parent; every removal shortens `out`
        out, n_inline = _EMPTY_INLINE_RE.subn("", out)
        out, n_block = _EMPTY_BLOCK_RE.subn("", out)
        out, n_leading = _LEADING_BR_RE.subn(r"\1", out)
        out, n_trailing = _TRAILING_BR_RE.subn("", out)
        out, n_outer = _OUTER_BR_RE.subn("", out)
        changed = bool(n_inline or n_block or n_leading or n_trailing or n_outer)
    out = out.strip()
    if out and not _HAS_BLOCK_RE.search(out):
        out = f"<p>{out}</p>"  # loose inline text is a paragraph, so re-processing is stable
    return out


def html_to_text(body_html: str) -> str:
    """Plain text of a body: paragraphs separated by a blank line, `<br>` kept as a newline.

    This is what hashing, search and teasers read, so it must not depend on how the HTML was
    indented or which inline tags it used.
    """
    table = _paragraph_lines(body_html)
    if table is not None:
        return "\n\n".join([text for _, _, text in table])
    return _blocks_text(body_html)


def _blocks_text(body_html: str) -> str:
    """`html_to_text` of any body, from its blocks and line breaks."""
    blocks = _BLOCK_BOUNDARY_RE.split(body_html)
    if _BR_BOUNDARY_RE.search(body_html) is None:  # the usual case: one line per paragraph
        return "\n\n".join(filter(None, map(chunk_text, blocks)))
    paragraphs = (
        "\n".join(filter(None, map(chunk_text, _BR_BOUNDARY_RE.split(b)))) for b in blocks
    )
    return "\n\n".join(filter(None, paragraphs))


def text_with_first_line_replaced(
    body_html: str, body_text: str, first: Line, new_fragment: str
) -> str | None:
    """`html_to_text` of `body_html` with `first`'s span replaced by `new_fragment`, worked
    out from the old text without converting the body again, or None when that is not sure.

    Sure when the first line is a whole paragraph (no `<br>` in the body, no raw newline in
    the paragraph): then the old text is that line's text, a blank line and the rest, and
    only the first part changes (or goes, with its blank line, when nothing is left of it).
    A stage that edits only the first line (the dateline) saves a whole-body conversion.
    """
    head = first.text
    whole_block = (first.start == 0 or body_html[first.start - 1] == ">") and body_html[
        first.end : first.end + 1
    ] in ("", "<")
    if not whole_block or not body_text.startswith(head):
        return None
    body, table = _table
    if (body is not body_html or table is None) and _BR_BOUNDARY_RE.search(body_html):
        return None  # (a body with a line table has no tag but its paragraphs')
    rest = body_text[len(head) :]
    if rest and not rest.startswith("\n\n"):
        return None
    new_head = chunk_text(new_fragment)
    if new_head:
        return new_head + rest
    return rest[2:]


_PIECE_RE = re.compile(r"<[^>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);|[^<&]+|[<&]")


def text_offsets(fragment: str) -> tuple[str, Sequence[int]]:
    """Raw (uncollapsed) text of a fragment and, for each text char, its index in `fragment`.

    The offsets have one extra entry, the fragment's length, so a match end maps to a cut
    point. Lets a stage find something in the text and cut exactly that out of the HTML.
    A fragment without tags and entities is its own text, each char at its own index.
    """
    if "<" not in fragment and "&" not in fragment:
        return fragment, range(len(fragment) + 1)
    chars: list[str] = []
    offsets: list[int] = []
    for piece in _PIECE_RE.finditer(fragment):
        token = piece.group(0)
        if token.startswith("<") and len(token) > 1:
            continue
        if token.startswith("&") and len(token) > 1:
            decoded = html.unescape(token)
            chars.append(decoded)
            offsets.extend([piece.start()] * len(decoded))
            continue
        chars.append(token)
        offsets.extend(range(piece.start(), piece.end()))
    offsets.append(len(fragment))
    return "".join(chars), offsets


def cut_text(fragment: str, start: int, end: int) -> str:
    """Remove the HTML between two indexes but keep any tags inside it, so nesting survives."""
    kept_tags = "".join(_TAG_RE.findall(fragment[start:end]))
    return fragment[:start] + kept_tags + fragment[end:]
