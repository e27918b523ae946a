"""Sanitize stage: what a reader (and an attacker) would notice about the body and headline."""

from __future__ import annotations

import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from tests import fixture_files
from wiredesk.model import Item
from wiredesk.pipeline.context import StageContext
from wiredesk.pipeline.html_text import tidy
from wiredesk.pipeline.sanitize import (
    _BODY_CLEANER,
    kept_as_is,
    plain_text,
    sanitize_html,
    sanitize_item,
)

SEED = fixture_files.SEED
CTX = StageContext(source_name="IANS", default_section="news", site_language="hi")


def _norm(**fields: object) -> Item:
    return sanitize_item(Item(guid="g", **fields), CTX)  # type: ignore[arg-type]


def test_script_event_handlers_and_javascript_links_are_removed_devanagari_kept() -> None:
    body = (
        '<p onclick="steal()">हिंदी समाचार <script>alert("x")</script>'
        '<img src="https://img.example/a.jpg" onerror="alert(1)" alt="चित्र">'
        '<a href="javascript:alert(1)">क्लिक</a> <a href="https://example.com/x">लिंक</a></p>'
        "<style>body{display:none}</style><iframe src='https://evil.example'></iframe>"
    )
    out = _norm(body_html=body)
    lowered = out.body_html.lower()
    for bad in ("script", "onerror", "onclick", "javascript:", "style", "iframe", "alert"):
        assert bad not in lowered
    assert "हिंदी समाचार" in out.body_html
    assert 'alt="चित्र"' in out.body_html
    assert '<a href="https://example.com/x" rel="noopener noreferrer nofollow">' in out.body_html
    assert "क्लिक" in out.body_text and "लिंक" in out.body_text


def test_allowed_structure_survives() -> None:
    body = (
        "<h2>Heading</h2><blockquote><p>quote</p></blockquote><ul><li>one</li></ul>"
        "<table><tr><td>cell</td></tr></table><figure><img src='https://x/a.png' width='10'>"
        "<figcaption>cap</figcaption></figure><p>H<sub>2</sub>O <code>x</code></p>"
    )
    out = sanitize_html(body)
    for tag in ("<h2>", "<blockquote>", "<li>", "<td>", "<figure>", "<figcaption>", "<sub>"):
        assert tag in out
    assert 'width="10"' in out


def test_mailto_allowed_other_schemes_dropped() -> None:
    out = sanitize_html('<a href="mailto:desk@example.com">m</a><a href="data:text/html,x">d</a>')
    assert 'href="mailto:desk@example.com"' in out
    assert "data:" not in out


def test_plain_text_body_becomes_paragraphs_per_line() -> None:
    out = _norm(body_html="First line & more.\nSecond line.\n\nThird < fourth.\n")
    assert out.body_html == (
        "<p>First line &amp; more.</p><p>Second line.</p><p>Third &lt; fourth.</p>"
    )
    assert out.body_text == "First line & more.\n\nSecond line.\n\nThird < fourth."


def test_divs_become_separate_paragraphs_not_run_together() -> None:
    out = _norm(body_html="<div>पहला</div><div>दूसरा</div>")
    assert out.body_text == "पहला\n\nदूसरा"


def test_br_separated_lines_stay_lines_in_body_text() -> None:
    out = _norm(body_html="<p>one<br>two<br/>three</p><p>four</p>")
    assert out.body_text == "one\ntwo\nthree\n\nfour"


def test_headline_is_plain_text_as_the_parser_gave_it() -> None:
    """Parsers read each format's title markup by its rules and hand over plain text; a `<`
    or `&` left in it is a character the agency wrote (issue 12: "if a <b> c" lost "<b>")."""
    out = _norm(headline="  Modi & Xi\n  meet ")
    assert out.headline == "Modi & Xi meet"
    assert _norm(headline="if a <b> c").headline == "if a <b> c"
    assert _norm(headline="Use <p> for paragraphs").headline == "Use <p> for paragraphs"


def test_every_text_field_is_nfc() -> None:
    precomposed_qa = "\u0958"  # क़ as one code point: NFC writes it as क + nukta
    out = _norm(
        headline="Cafe\u0301 " + precomposed_qa,
        body_html="<p>Cafe\u0301</p>",
        byline="Jose\u0301",
        categories=["Re\u0301sume\u0301"],
    )
    for text in (out.headline, out.body_html, out.body_text, out.byline, *out.categories):
        assert text is not None
        assert unicodedata.is_normalized("NFC", text)
    assert out.headline == "Café \u0915\u093c"


def test_seed_is_eight_paragraphs_before_attribution() -> None:
    out = _norm(body_html=SEED.read_text(encoding="utf-8"))
    assert out.body_html.count("<p>") == 8
    assert out.body_text.split("\n\n")[-1] == "Source : IANS"


def test_plain_text_helper_unescapes_and_collapses() -> None:
    assert plain_text("a&nbsp;&nbsp;b\n\tc &lt;d&gt;") == "a b c <d>"


def test_input_item_is_not_modified() -> None:
    item = Item(guid="g", headline="<b>x</b>", body_html="<script>x</script>y")
    sanitize_item(item, CTX)
    assert item.headline == "<b>x</b>"
    assert item.body_html == "<script>x</script>y"


@given(st.text(max_size=300) | st.sampled_from(["<p>x", "0<P", "a<br>b", "<div>y</div>z"]))
def test_normalizing_twice_changes_nothing(body: str) -> None:
    once = _norm(body_html=body, headline=body)
    assert sanitize_item(once, CTX) == once


def test_every_character_the_shortcut_lets_through_is_kept_by_the_cleaner() -> None:
    """`kept_as_is` skips the cleaner only where the cleaner would change nothing: every
    code point it accepts, in and around paragraphs, comes out of the cleaner as it went in."""
    accepted = [
        ch
        for ch in map(chr, range(sys.maxunicode + 1))
        if kept_as_is(f"<p>{ch}</p>") and kept_as_is(f"<p>x{ch}x</p>")
    ]
    assert {"&", "<", ">", "\x00", "\r", "\xa0", "\ud800"}.isdisjoint(accepted)
    assert len(accepted) > 100_000
    for i in range(0, len(accepted), 500):
        batch = accepted[i : i + 500]
        body = "<p>" + "x".join(batch) + "</p>" + "".join(f"<p>{ch}</p>" for ch in batch)
        assert kept_as_is(body)
        assert _BODY_CLEANER.clean(body) == body


_SHAPES = [
    "<p>",
    "</p>",
    "</p><p>",
    "<br>",
    "<b>",
    "<",
    ">",
    "&amp;",
    "&",
    "\n",
    "\r",
    "\xa0",
    "\x00",
]


@given(st.lists(st.sampled_from([*_SHAPES, "ज़", "text ", " ", "\u200b"]), max_size=20).map("".join))
def test_the_shortcut_agrees_with_the_cleaner(body: str) -> None:
    if kept_as_is(body):
        assert _BODY_CLEANER.clean(body) == body
    assert sanitize_html(body) == tidy(_BODY_CLEANER.clean(body))


def test_an_objects_fallback_content_is_kept_and_sanitized_its_params_dropped() -> None:
    """An `<object>`'s children are what a browser shows when it does not show the object,
    and wiredesk never shows it: they are the story's text, cleaned like any other."""
    body = (
        '<p>safe<object classid="clsid:C932BA85"><param name="movie" value="x.swf">'
        '<b onclick="steal()">description</b><script>alert(1)</script>'
        '<a href="javascript:alert(2)">link</a>'
        "<object data='y.swf'><param name='z'>inner <em>fallback</em></object>"
        "<embed src='z.swf'></object> after</p>"
    )
    out = sanitize_html(body)
    assert (
        out == '<p>safe<b>description</b><a rel="noopener noreferrer nofollow">link</a>'
        "inner <em>fallback</em> after</p>"
    )
    assert plain_text(body) == "safedescriptionlinkinner fallback after"


def test_an_iframes_children_are_still_dropped() -> None:
    """A browser that shows iframes never renders their children: they are no text."""
    assert sanitize_html("<p>safe<iframe src='https://x.example'>description</iframe></p>") == (
        "<p>safe</p>"
    )
