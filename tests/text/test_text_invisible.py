"""Invisible characters in short text (issue 13, item 3): bidirectional controls, zero-width
spaces and byte-order marks go; ZWJ and ZWNJ, which spell Devanagari, stay."""

from __future__ import annotations

from wiredesk.text.invisible import BIDI_CONTROLS, line_text, running_text

ZWJ, ZWNJ = "\u200d", "\u200c"


def test_every_bidirectional_control_is_removed_from_a_line() -> None:
    assert len(BIDI_CONTROLS) == 9
    for control in BIDI_CONTROLS:
        assert line_text(f"खबर{control} एक") == "खबर एक"
        assert running_text(f"सार{control} एक") == "सार एक"


def test_zero_width_space_and_bom_leave_a_line_but_joiners_stay() -> None:
    assert line_text("\ufeffक्\u200dष\u200b और क्\u200cष") == f"क्{ZWJ}ष और क्{ZWNJ}ष"


def test_a_summary_keeps_its_zero_width_spaces() -> None:
    assert running_text("a\u200bb\ufeff") == "a\u200bb"


def test_clean_text_is_the_same_object() -> None:
    value = "साफ़ शीर्षक"
    assert line_text(value) is value
    assert running_text(value) is value


def test_marks_that_open_no_state_are_kept() -> None:
    assert line_text("a\u200eb\u200fc\u061c") == "a\u200eb\u200fc\u061c"
