"""Shared value helpers: the parts every parser's items are made of."""

from __future__ import annotations

from wiredesk.formats.fields import plain_text, unique_texts


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
