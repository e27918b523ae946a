"""The one place text is escaped into body HTML, whichever format it came from."""

from __future__ import annotations

from lxml import etree

from wiredesk.formats.body_html import (
    escape_html,
    inner_html,
    paragraphs_to_html,
    preformatted_to_html,
    text_to_html,
    xml_text_to_html,
)


def test_escape_html_is_safe_in_text_and_quoted_attributes() -> None:
    assert escape_html('a <b> & "c"') == "a &lt;b&gt; &amp; &quot;c&quot;"
    assert escape_html(None) == ""
    assert escape_html("") == ""


def test_plain_text_becomes_paragraphs_with_line_breaks() -> None:
    assert text_to_html("  One\nline <two>\n\n\n  Three & four  ") == (
        "<p>One<br>\nline &lt;two&gt;</p><p>Three &amp; four</p>"
    )
    assert text_to_html(" \n\n ") == ""


def test_wire_paragraphs_keep_quotes_and_preformatted_text_escapes_them() -> None:
    assert paragraphs_to_html(['He said "no" <loudly>', "B & C"]) == (
        '<p>He said "no" &lt;loudly&gt;</p><p>B &amp; C</p>'
    )
    assert preformatted_to_html('Team   "A"  1\nTeam B  <2>') == (
        "<pre>Team   &quot;A&quot;  1\nTeam B  &lt;2&gt;</pre>"
    )


def test_xml_text_collapses_indentation_but_not_no_break_spaces() -> None:
    assert xml_text_to_html("\n    a\t\tb\xa0 c <d>\n", keep_whitespace=False) == (
        " a b\xa0 c &lt;d&gt; "
    )
    assert xml_text_to_html("a\n  b", keep_whitespace=True) == "a\n  b"
    assert xml_text_to_html(None, keep_whitespace=False) == ""


def test_inner_html_lets_the_format_write_its_elements() -> None:
    el = etree.fromstring("<p>Price &lt; 5 <em>now</em>, <pre>a\n  b</pre> end</p>")

    def element_html(child: etree._Element) -> str:
        return f"[{child.tag}:{inner_html(child, element_html)}]"

    assert inner_html(el, element_html) == "Price &lt; 5 [em:now], [pre:a\n  b] end"
