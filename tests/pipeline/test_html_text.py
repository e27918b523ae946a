"""Line views of body HTML: reading from the end must give the lines reading from the start
gives, in reverse, whatever the markup (the attribution stage reads backwards)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wiredesk.pipeline.html_text import lines

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
