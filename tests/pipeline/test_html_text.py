"""Line views of body HTML: reading from the end must give the lines reading from the start
gives, in reverse, whatever the markup (the attribution stage reads backwards)."""

from __future__ import annotations

import html

from hypothesis import given
from hypothesis import strategies as st

from wiredesk.pipeline.html_text import (
    _PIECE_RE,
    _blocks_text,
    _paragraph_lines,
    _scanned_lines,
    first_line,
    has_line_after,
    html_to_text,
    lines,
    text_offsets,
)

_PIECES = [
    "<p>", "</p>", "<br>", "<br/>", "\n", "साभार : आईएएनएस ", "ज़ ", "text ", "<strong>",
    "</strong>", "<li>", "</li>", '<p class="x">', "<h2>", "</h2>", "<em>x</em>", "<", ">",
    '<td colspan="<br>">', '<a title="</p>">', "&amp; ", " ",
]  # fmt: skip


@given(st.lists(st.sampled_from(_PIECES), max_size=60).map("".join))
def test_lines_from_the_end_are_the_lines_from_the_start_reversed(body: str) -> None:
    forward = [(line.start, line.end, line.text) for line in lines(body)]
    backward = [(line.start, line.end, line.text) for line in lines(body, reverse=True)]
    assert backward == forward[::-1]


def test_a_long_body_read_from_the_end_gives_its_last_lines_first() -> None:
    body = "".join(f"<p>पैराग्राफ {i}</p>" for i in range(200)) + "<p>(साभार : आईएएनएस)</p>"
    last = [line.text for _, line in zip(range(3), lines(body, reverse=True), strict=False)]
    assert last == ["(साभार : आईएएनएस)", "पैराग्राफ 199", "पैराग्राफ 198"]


@given(st.lists(st.sampled_from(_PIECES), max_size=60).map("".join))
def test_the_first_line_and_what_follows_it_are_read_as_lines_reads_them(body: str) -> None:
    """`first_line` (remembered) and `has_line_after` (no slice) are shortcuts for `lines`."""
    first = next(lines(body), None)
    assert first_line(body) == first
    assert first_line(body) == first  # from the memo
    for line in lines(body):
        assert has_line_after(body, line.end) == (next(lines(body[line.end :]), None) is not None)
    assert has_line_after(body, 0) == (first is not None)


_TEXTS = ["", " ", "ज़ ", "text", "  two  spaces ", "&amp;", "\t", "\r", "\u200b", "a\xa0b", "।"]
_PARAGRAPHS = st.lists(st.lists(st.sampled_from(_TEXTS), max_size=4).map("".join), max_size=8)


@given(_PARAGRAPHS, st.sampled_from(["", "<", ">", "\n", "<br>", "</p><p>", "<p>", "<b>"]))
def test_a_body_of_plain_paragraphs_reads_as_the_scan_reads_it(
    paragraphs: list[str], extra: str
) -> None:
    """The line table (`_paragraph_lines`) gives what scanning gives, and is only used where
    the body is nothing but `<p>` paragraphs."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    for candidate in (body, body[:-4] + extra + "</p>", extra + body, body + extra):
        if not candidate:
            continue
        scanned = list(_scanned_lines(candidate, False))
        if _paragraph_lines(candidate) is not None:
            assert all("<" not in p and ">" not in p and "\n" not in p for p in paragraphs)
        assert list(lines(candidate, reverse=True)) == scanned[::-1]
        assert list(lines(candidate)) == scanned  # from the table, when it has one
        assert first_line(candidate) == (scanned[0] if scanned else None)
        assert html_to_text(candidate) == _blocks_text(candidate)
        _paragraph_lines(candidate)  # remembered: `has_line_after` reads the table
        for line in scanned:
            after = next(_scanned_lines(candidate[line.end :], False), None) is not None
            assert has_line_after(candidate, line.end) == after


def _offsets_one_by_one(fragment: str) -> tuple[str, list[int]]:
    """`text_offsets` piece by piece, as it reads a fragment with tags or entities."""
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


@given(st.lists(st.sampled_from([*_PIECES, "नई दिल्ली, 5 फरवरी "]), max_size=30).map("".join))
def test_text_offsets_of_plain_text_are_its_own_indexes(fragment: str) -> None:
    raw, offsets = text_offsets(fragment)
    assert (raw, list(offsets)) == _offsets_one_by_one(fragment)
