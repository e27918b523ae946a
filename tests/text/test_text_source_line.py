"""`Source : X` lines: which agency a re-syndicating website took the story from."""

from __future__ import annotations

import pytest

from tests import fixture_files
from wiredesk.text.source_line import TRAILING_SOURCE, source_name

SEED_LINES = [line for line in fixture_files.SEED.read_text(encoding="utf-8").splitlines() if line]


def test_the_seed_source_line_names_ians() -> None:
    assert SEED_LINES[-1] == "Source : IANS"
    assert source_name(SEED_LINES[-1]) == "IANS"


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Source: PTI", "PTI"),
        ("स्रोत: भाषा।", "भाषा"),
        ("सोर्सः आईएएनएस", "आईएएनएस"),
        ("SOURCE - ANI", "ANI"),
    ],
)
def test_source_line_shapes(line: str, name: str) -> None:
    assert source_name(line) == name


@pytest.mark.parametrize(
    "line",
    [
        SEED_LINES[-3],  # the originator's credit is not the upstream source
        SEED_LINES[-2],
        "Source : officials who asked not to be named because talks are still going on",
        "The source said the talks would resume.",
    ],
)
def test_other_lines_are_not_source_lines(line: str) -> None:
    assert source_name(line) is None


def test_a_source_run_into_the_last_paragraph_is_found_at_its_end() -> None:
    paragraph = "कजाकिस्तान चीन का दोस्त है। Source : IANS"
    match = TRAILING_SOURCE.search(paragraph)
    assert match is not None
    assert paragraph[: match.start()] == "कजाकिस्तान चीन का दोस्त है।"
    assert TRAILING_SOURCE.search("Source : IANS के अनुसार बैठक सफल रही।") is None
