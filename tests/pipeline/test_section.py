"""Section stage: an agency category naming a configured section files the story there."""

from __future__ import annotations

from pathlib import Path

import pytest

from wiredesk.config import parse_settings
from wiredesk.model import Item, Subject
from wiredesk.pipeline.context import StageContext, context_for
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


def _site_context(tmp_path: Path) -> StageContext:
    settings = parse_settings(
        {
            "site": {"language": "hi"},
            "sections": {
                "desh": {
                    "name": "देश",
                    "names": {"en": "National"},
                    "aliases": ["nation", "medtop:11000000", "subj:11000000"],
                },
                "khel": {"name": "खेल", "names": {"en": "Sports"}},
            },
            "sources": [{"id": "x", "name": "X", "url": "https://x.example/f", "section": "khel"}],
        },
        tmp_path / "wiredesk.toml",
    )
    return context_for(settings.site, settings.sources[0])


@pytest.mark.parametrize(
    "item",
    [
        Item(guid="g", categories=["National"]),
        Item(guid="g", categories=["देश"]),
        Item(guid="g", categories=["desh"]),
        Item(guid="g", categories=["NATION "]),
        Item(guid="g", categories=["misc", "national"]),
        # IPTC media topic, as NewsML-G2 writes it (a qcode) ...
        Item(guid="g", subjects=[Subject("medtop:11000000", "politics", "medtop")]),
        # ... as ninjs may (the scheme apart, or as IPTC's URI) ...
        Item(guid="g", subjects=[Subject("11000000", None, "medtop")]),
        Item(
            guid="g",
            subjects=[Subject("11000000", None, "http://cv.iptc.org/newscodes/mediatopic/")],
        ),
        Item(guid="g", subjects=[Subject("http://cv.iptc.org/newscodes/mediatopic/11000000")]),
        # ... and an IPTC subject code as NITF writes it
        Item(guid="g", subjects=[Subject("subj:11000000", "politics", "subj")]),
    ],
)
def test_every_name_and_code_of_a_section_files_copy_under_it(tmp_path: Path, item: Item) -> None:
    assert choose_section(item, _site_context(tmp_path)).section == "desh"


def test_a_category_comes_before_a_subject_code(tmp_path: Path) -> None:
    item = Item(guid="g", categories=["Sports"], subjects=[Subject("medtop:11000000")])
    assert choose_section(item, _site_context(tmp_path)).section == "khel"


def test_nothing_unconfigured_becomes_a_section(tmp_path: Path) -> None:
    """A category naming no section (and a code no section has) files copy under the
    source's section, never under a new one named after the category."""
    item = Item(guid="g", categories=["world"], subjects=[Subject("medtop:16000000")])
    assert choose_section(item, _site_context(tmp_path)).section == "khel"
