"""Agency sign-offs as the wires write them, and the endings that only look like one."""

from __future__ import annotations

import pytest

from wiredesk.text.signoff import signoff_name, signoff_tail


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("--आईएएनएस", "आईएएनएस"),
        ("-- IANS", "IANS"),
        ("/ PTI", "PTI"),
        ("(भाषा)", "भाषा"),
        ("— Reuters", "Reuters"),
    ],
)
def test_a_line_that_is_only_a_sign_off_names_the_wire(line: str, name: str) -> None:
    assert signoff_name(line) == name


@pytest.mark.parametrize(
    "line",
    [
        "(फाइल फोटो)",  # a caption, not a wire
        "यह एक वाक्य है।",
        "-- यह बहुत लंबा वाक्य है जो कुछ और कहता है",  # a dash, then a sentence
    ],
)
def test_what_only_looks_like_a_sign_off_is_not_one(line: str) -> None:
    assert signoff_name(line) is None


def test_a_parenthesized_name_counts_when_it_is_the_source_s() -> None:
    assert signoff_name("(समाचार सेवा)") is None
    assert signoff_name("(समाचार सेवा)", ["समाचार सेवा"]) == "समाचार सेवा"


def test_a_sign_off_ending_the_last_paragraph_is_found_only_for_a_known_name() -> None:
    assert signoff_tail("उन्होंने कहा। --आईएएनएस") == ("--आईएएनएस", "आईएएनएस")
    assert signoff_tail("उन्होंने कहा। (भाषा)") == ("(भाषा)", "भाषा")
    assert signoff_tail("The minister said. -- IANS") == ("-- IANS", "IANS")
    assert signoff_tail("The score was 3-2") is None
    assert signoff_tail("He went home -- tired") is None  # a dash and a word: a sentence
