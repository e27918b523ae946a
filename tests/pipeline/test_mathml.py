"""Inline MathML: a formula's words and symbols reach the reader as text, never its markup,
and nothing hostile rides in on it."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from wiredesk.model import Item
from wiredesk.pipeline.context import StageContext
from wiredesk.pipeline.sanitize import plain_text, sanitize_html, sanitize_item

CTX = StageContext(source_name="IANS", default_section="news", site_language="hi")
# As feedparser's corpus sends it (atommathml.xml, rss2.0mathml.xml), XLink and all.
A_PLUS_B = (
    '<math xmlns="http://www.w3.org/1998/Math/MathML"><mrow xlink:type="simple" '
    'xlink:show="replace" xlink:href="http://golem.ph.utexas.edu"><mrow><mi>a</mi><mo>+</mo>'
    "<mi>b</mi></mrow></mrow></math>"
)


def test_a_formula_alone_is_the_body_as_text() -> None:
    item = sanitize_item(Item(guid="g", body_html=A_PLUS_B), CTX)
    assert item.body_html == "<p>a + b</p>"
    assert item.body_text == "a + b"


def test_scripts_fractions_and_roots_read_as_written() -> None:
    body = (
        "<p>E = <math><mi>m</mi><msup><mi>c</mi><mn>2</mn></msup></math>, half is "
        "<math><mfrac><mrow><mi>a</mi><mo>+</mo><mi>b</mi></mrow><mn>2</mn></mfrac></math>; "
        "<math><msub><mi>x</mi><mi>i</mi></msub><mo>=</mo><mrow><mo>-</mo><msqrt><mn>2</mn>"
        "<mi>y</mi></msqrt></mrow><mo>,</mo><mi>n</mi><mo>!</mo></math></p>"
    )
    assert sanitize_html(body) == (
        "<p>E = mc<sup>2</sup>, half is (a + b)/2; x<sub>i</sub> = -√(2y), n!</p>"
    )
    assert plain_text(body) == "E = mc^2, half is (a + b)/2; x_i = -√(2y), n!"


def test_what_a_browser_does_not_show_is_no_text() -> None:
    """An annotation (the TeX source) and an mphantom are not rendered; neither is shown."""
    body = (
        "<p><math><semantics><mrow><mi>f</mi><mo>(</mo><mi>x</mi><mo>)</mo><mphantom><mi>z</mi>"
        '</mphantom></mrow><annotation encoding="application/x-tex">f(x)</annotation>'
        '<annotation-xml encoding="text/html"><b>html</b></annotation-xml></semantics></math>'
        "</p>"
    )
    assert sanitize_html(body) == "<p>f(x)</p>"


def test_characters_in_a_formula_stay_characters() -> None:
    out = sanitize_html("<p><math><mi>&lt;script&gt;</mi><mo>&amp;</mo><mtext>x</mtext></math></p>")
    assert out == "<p>&lt;script&gt; &amp; x</p>"


def test_hostile_markup_inside_a_formula_is_cleaned_like_any_other() -> None:
    body = (
        '<p><math><mtext><b onclick="steal()">hi</b><script>alert(1)</script>'
        '<a href="javascript:alert(2)">l</a><img src="x" onerror="alert(3)"></mtext>'
        '<annotation-xml encoding="text/html"><iframe src="https://evil.example"></iframe>'
        '</annotation-xml><mi href="javascript:alert(4)" onmouseover="alert(5)">y</mi></math></p>'
    )
    out = sanitize_html(body)
    _assert_harmless(out)
    assert "hi" in out and out.endswith("y</p>")


_PIECES = [
    "<math>",
    "</math>",
    '<math xmlns="http://www.w3.org/1998/Math/MathML">',
    "<mi>",
    "</mi>",
    "<mo>",
    "</mo>",
    "<mtext>",
    "</mtext>",
    "<msup>",
    "</msup>",
    "<mfrac>",
    "<annotation-xml encoding='text/html'>",
    "<svg>",
    "<style>",
    "<![CDATA[",
    "]]>",
    "<!--",
    "-->",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">',
    "<iframe>",
    "<object>",
    "<p>",
    "&lt;",
    "<",
    ">",
    "x",
    " ",
]


@given(st.lists(st.sampled_from(_PIECES), max_size=25).map("".join))
def test_no_arrangement_of_formula_markup_lets_anything_through(body: str) -> None:
    _assert_harmless(sanitize_html(body))
    plain_text(body)  # text, unescaped: a `<` in it is a character; it only must not fail


def _assert_harmless(out: str) -> None:
    lowered = out.lower()
    for bad in ("<script", "<iframe", "<object", "<math", "<svg", "<style", "javascript:"):
        assert bad not in lowered
    assert not re.search(r"<[^>]*\son\w+\s*=", lowered)
    assert set(re.findall(r"</?([a-z0-9-]+)", lowered)) <= {
        "p", "b", "a", "img", "sup", "sub", "br", "strong", "em", "i", "u",
    }  # fmt: skip
