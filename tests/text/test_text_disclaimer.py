"""Disclaimers: a re-syndicating website's note that it did not edit the agency's copy."""

from __future__ import annotations

import pytest

from tests import fixture_files
from wiredesk.text.disclaimer import DISCLAIMER_LABEL, DISCLAIMER_WORDS, is_disclaimer

SEED_LINES = [line for line in fixture_files.SEED.read_text(encoding="utf-8").splitlines() if line]


def test_the_seed_disclaimer_with_the_visarga_as_its_colon() -> None:
    line = SEED_LINES[-2]
    assert line.startswith("डिस्क्लेमरः")  # ः, the visarga, not ":"
    assert is_disclaimer(line)


@pytest.mark.parametrize(
    "line",
    [
        "Disclaimer: This story is from a syndicated feed.",
        "(अस्वीकरण: यह खबर सीधे फीड से प्रकाशित हुई है)",
        "This story has not been edited by our staff and is auto-generated from a syndicated feed.",
        "Only the headline of this report was reworked; the rest comes from a syndicated feed",
        "यह खबर सीधे न्यूज एजेंसी की फीड से प्रकाशित की गई है, इसे संपादित नहीं किया गया है।",
    ],
)
def test_disclaimer_shapes(line: str) -> None:
    assert is_disclaimer(line)


@pytest.mark.parametrize("line", [*SEED_LINES[:-2], SEED_LINES[-1], "मंत्री ने अस्वीकरण पर बात की।"])
def test_story_credit_and_source_lines_are_not_disclaimers(line: str) -> None:
    assert not is_disclaimer(line)


def test_the_label_is_found_where_a_cms_ran_the_disclaimer_into_the_last_paragraph() -> None:
    paragraph = "कजाकिस्तान चीन का दोस्त है। " + SEED_LINES[-2]
    match = DISCLAIMER_LABEL.search(paragraph)
    assert match is not None
    assert paragraph[: match.start()].strip() == "कजाकिस्तान चीन का दोस्त है।"
    assert any(word in paragraph for word in DISCLAIMER_WORDS)
    assert DISCLAIMER_LABEL.search("नॉनडिस्क्लेमरः") is None  # only at a word start
