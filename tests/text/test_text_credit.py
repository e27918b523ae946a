"""Credit lines: who a story's originator is, in the shapes Hindi and English copy write it."""

from __future__ import annotations

import pytest

from tests import fixture_files
from wiredesk.text.credit import credit_name

SEED_LINES = [line for line in fixture_files.SEED.read_text(encoding="utf-8").splitlines() if line]


def test_the_seed_credit_names_china_media_group() -> None:
    assert SEED_LINES[-3] == "(साभार : चाइना मीडिया ग्रुप, पेइचिंग)"
    assert credit_name(SEED_LINES[-3]) == "चाइना मीडिया ग्रुप, पेइचिंग"


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("(साभार: दैनिक भास्कर)", "दैनिक भास्कर"),
        ("(साभार – दैनिक भास्कर)।", "दैनिक भास्कर"),
        ("साभार - अमर उजाला", "अमर उजाला"),
        ("(सौजन्य: दूरदर्शन)", "दूरदर्शन"),
        ("(इनपुट: एजेंसी)", "एजेंसी"),
        ("(भाषा इनपुट के साथ)", "भाषा"),
        ("(With inputs from PTI)", "PTI"),
        ("With inputs from Reuters.", "Reuters"),
        ("(Courtesy: Xinhua)", "Xinhua"),
        ("COURTESY: The Hindu", "The Hindu"),
    ],
)
def test_credit_shapes(line: str, name: str) -> None:
    assert credit_name(line) == name


@pytest.mark.parametrize(
    "line",
    [
        # the seed's other lines: story, a disclaimer, a source line
        *SEED_LINES[:-3],
        SEED_LINES[-2],
        "Source : IANS",
        # a sentence that starts like a credit is a sentence
        "(साभार : यह बात उन्होंने पत्रकारों से बातचीत में कही और कहा कि आगे भी ऐसा होगा)",
        "सरकार ने साभार सूचना दी।",
    ],
)
def test_story_and_other_apparatus_are_not_credits(line: str) -> None:
    assert credit_name(line) is None
