"""Section stage: an agency category naming a configured section files the story there."""

from __future__ import annotations

import pytest

from wiredesk.model import Item
from wiredesk.pipeline.context import StageContext
from wiredesk.pipeline.section import choose_section

CTX = StageContext(
    "IANS", "news", "hi", sections={"world": "दुनिया", "sports": "Sports", "business": "कारोबार"}
)


@pytest.mark.parametrize(
    ("categories", "section"),
    [
        (["WORLD"], "world"),
        (["दुनिया"], "world"),
        (["sports"], "sports"),
        (["SPORTS "], "sports"),
        (["misc", "कारोबार"], "business"),
        (["politics"], "news"),
        ([], "news"),
    ],
)
def test_category_to_section(categories: list[str], section: str) -> None:
    assert choose_section(Item(guid="g", categories=categories), CTX).section == section


def test_matching_is_unicode_normalization_insensitive() -> None:
    ctx = StageContext("X", "news", "en", sections={"cafe": "Cafe\u0301"})
    assert choose_section(Item(guid="g", categories=["café"]), ctx).section == "cafe"
