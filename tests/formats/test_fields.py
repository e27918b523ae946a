"""Shared value helpers: the parts every parser's items are made of."""

from __future__ import annotations

from wiredesk.formats import parse
from wiredesk.formats.fields import plain_text, summary_apart_from_body, unique_texts
from wiredesk.model import Envelope, Transport


def test_unique_texts_trims_drops_blanks_and_keeps_the_first_of_each() -> None:
    assert unique_texts([" Politics", None, "", "  ", "Sport ", "Politics", "sport"]) == [
        "Politics",
        "Sport",
        "sport",
    ]


def test_unique_texts_cleans_each_value_with_the_callers_rule() -> None:
    values = ["<b>Markets</b>", "Markets", "AT&amp;T", "  "]
    assert unique_texts(values, plain_text) == ["Markets", "AT&T"]
    assert unique_texts(values) == ["<b>Markets</b>", "Markets", "AT&amp;T"]


def test_plain_text_unescapes_once_and_keeps_the_tag_it_spells_out() -> None:
    assert plain_text("Use &lt;p&gt; for paragraphs") == "Use <p> for paragraphs"
    assert plain_text("<b>Fire</b> &amp; rescue") == "Fire & rescue"


def test_script_and_style_in_an_html_title_are_dropped_with_their_code() -> None:
    """feedparser's sanitizing cases put a script inside an HTML title; its code is not words
    of the headline (the tag alone used to go, its JavaScript stayed)."""
    title = "safe<script type=\"text/javascript\">location.href='x';</script> description"
    assert plain_text(title) == "safe description"
    assert plain_text("a <STYLE>p { color: red }</STYLE>b") == "a b"
    assert plain_text("<script>never closed") == ""


def test_a_teaser_a_parser_made_from_a_body_s_script_and_style_text_is_no_teaser() -> None:
    """An Atom entry with only `<content>`: the fast parser fills its summary with the
    content's text, scripts and stylesheets included. A reader must never see `alert(5)` or a
    stylesheet as the teaser; the body (sanitized later) has none of it."""
    payload = (
        b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        b"<title>Wire</title><id>urn:w</id><updated>2026-02-05T10:04:00Z</updated><entry>"
        b"<id>urn:w:1</id><title>Storm closes the coast road</title>"
        b'<updated>2026-02-05T10:04:00Z</updated><content type="html">&lt;p&gt;The road is '
        b"closed.&lt;/p&gt;&lt;script&gt;alert(5)&lt;/script&gt;&lt;p&gt;Detours are "
        b"signposted.&lt;/p&gt;&lt;style&gt;body{display:none}&lt;/style&gt;</content>"
        b"</entry></feed>"
    )
    env = Envelope(source_id="w", payload=payload, transport=Transport.PUSH, location="test")
    [item] = parse(env).items
    assert "alert" not in item.summary and "display" not in item.summary
    assert "Detours are signposted." in item.body_html


def test_a_summary_of_its_own_beside_a_body_with_a_script_is_kept() -> None:
    body = "<p>The road is closed.</p><script>alert(5)</script><p>Detours.</p>"
    assert summary_apart_from_body("Coast road shut by the storm", body) == (
        "Coast road shut by the storm"
    )
    assert summary_apart_from_body("The road is closed. alert(5) Detours.", body) == ""
