"""Datelines: the place and date a story was filed from, leading the story or in its first
sentence."""

from __future__ import annotations

import pytest

from tests import fixture_files
from wiredesk.text.dateline import LEADING_DATELINES, inline_dateline

SEED_LINES = [line for line in fixture_files.SEED.read_text(encoding="utf-8").splitlines() if line]


def _leading(line: str) -> tuple[str | None, str | None, str] | None:
    for pattern in LEADING_DATELINES:
        match = pattern.match(line)
        if match:
            return match.group("place"), match.groupdict().get("date"), line[match.end() :]
    return None


@pytest.mark.parametrize(
    ("line", "place", "date", "story"),
    [
        (
            "NEW DELHI, Feb 5 (IANS) — The minister said.",
            "NEW DELHI",
            "Feb 5",
            "The minister said.",
        ),
        ("Mumbai, February 5 (PTI): Shares fell.", "Mumbai", "February 5", "Shares fell."),
        ("LONDON (Reuters) - Oil rose.", "LONDON", None, "Oil rose."),
        ("नई दिल्ली, 5 फरवरी (आईएएनएस)। सरकार ने कहा।", "नई दिल्ली", "5 फरवरी", "सरकार ने कहा।"),
        ("केसरगढ़ (राजस्थान), 4 फरवरी (एसबी)। मेला लगा।", "केसरगढ़ (राजस्थान)", "4 फरवरी", "मेला लगा।"),
    ],
)
def test_leading_datelines(line: str, place: str, date: str | None, story: str) -> None:
    assert _leading(line) == (place, date, story)


@pytest.mark.parametrize(
    "line", ["Apple (AAPL) - shares rose.", "सरकार ने 5 फरवरी को घोषणा की।", SEED_LINES[0]]
)
def test_story_openings_without_a_leading_dateline(line: str) -> None:
    assert _leading(line) is None


def test_the_seed_writes_its_dateline_into_the_first_sentence() -> None:
    assert inline_dateline(SEED_LINES[0]) == ("पेइचिंग", "5 फरवरी")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("The talks were held on Feb 5 in Geneva, officials said.", ("Geneva", "Feb 5")),
        ("सरकार ने 5 फरवरी को यहां के लोगों से बात की।", (None, None)),  # यहां is no place
        ("The talks were held on Feb 5 in The Hague.", (None, None)),
        ("कोई तारीख नहीं।", (None, None)),
    ],
)
def test_inline_datelines_only_when_sure(
    line: str, expected: tuple[str | None, str | None]
) -> None:
    assert inline_dateline(line) == expected
