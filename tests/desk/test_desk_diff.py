"""The word diff the story page shows between two versions of a copy (desk/diff.py)."""

from __future__ import annotations

from wiredesk.desk.diff import changed, word_diff


def test_words_taken_out_and_put_in_are_marked() -> None:
    shown = word_diff("Five dead in Patna floods", "Seven dead in Patna floods on Monday")
    assert shown == "<del>Five</del><ins>Seven</ins> dead in Patna floods<ins> on Monday</ins>"


def test_the_same_text_is_shown_as_it_is() -> None:
    text = "नई दिल्ली, 2 मार्च\nसंसद में बहस जारी है।"
    assert word_diff(text, text) == text
    assert not changed(text, text)


def test_spacing_alone_is_not_a_change() -> None:
    assert not changed("two  words", "two words\n")
    assert "<ins>" not in word_diff("two  words", "two words")


def test_the_agencys_text_is_escaped() -> None:
    shown = word_diff("a <b>", 'a <script>alert("x")</script> &')
    assert "<script>" not in shown
    assert "&lt;script&gt;" in shown and "&amp;" in shown
    assert shown.startswith("a <del>&lt;b&gt;</del><ins>")
