"""Routing rules decide a new copy: the first rule it meets, else its source's mode; keywords
match whole words, folded as search folds them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from wiredesk.config import Settings, parse_settings
from wiredesk.model import SOURCE_MODE, Item, RouteAction, Routing, Subject
from wiredesk.pipeline.rules import Router, router_for


def settings(tmp_path: Path, *rules: dict[str, Any]) -> Settings:
    return parse_settings(
        {
            "site": {"language": "hi"},
            "sections": {"khel": "खेल", "desh": "देश"},
            "sources": [
                {"id": "ians", "name": "IANS", "folder": "in"},
                {"id": "pti", "name": "PTI", "folder": "pti", "auto_publish": False},
            ],
            "rules": list(rules),
        },
        tmp_path / "wiredesk.toml",
    )


def item(**kw: Any) -> Item:
    kw.setdefault("language", "hi")
    kw.setdefault("section", "desh")
    return Item(guid="g", headline=kw.pop("headline", "ख़बर"), **kw)


def decide(tmp_path: Path, it: Item, source: str = "ians", *rules: dict[str, Any]) -> Routing:
    s = settings(tmp_path, *rules)
    found = s.source(source)
    assert found is not None
    return Router(s.rules).decide(it, found)


def test_without_rules_the_source_mode_decides(tmp_path: Path) -> None:
    assert decide(tmp_path, item()) == Routing(RouteAction.PUBLISH, SOURCE_MODE)
    assert decide(tmp_path, item(), "pti") == Routing(RouteAction.HOLD, SOURCE_MODE)


def test_the_first_matching_rule_decides(tmp_path: Path) -> None:
    rules = (
        {"name": "sport to editors", "action": "hold", "section": "khel"},
        {"name": "everything else", "action": "publish"},
    )
    assert decide(tmp_path, item(section="khel"), "ians", *rules).decided_by == "sport to editors"
    routed = decide(tmp_path, item(section="desh"), "pti", *rules)
    # a catch-all publish rule overrides a source that holds
    assert routed == Routing(RouteAction.PUBLISH, "everything else")


def test_every_condition_of_a_rule_must_hold(tmp_path: Path) -> None:
    rule = {"name": "pti flash", "action": "publish", "source": "pti", "urgency": "<= 2"}
    assert decide(tmp_path, item(urgency=1), "pti", rule).decided_by == "pti flash"
    assert decide(tmp_path, item(urgency=1), "ians", rule).decided_by == SOURCE_MODE
    assert decide(tmp_path, item(urgency=5), "pti", rule).decided_by == SOURCE_MODE
    # an item that says no urgency meets no urgency condition
    assert decide(tmp_path, item(), "pti", rule).decided_by == SOURCE_MODE


def test_an_agency_that_sends_only_a_priority_is_judged_by_it(tmp_path: Path) -> None:
    rule = {"name": "flash", "action": "publish", "urgency": 1}
    assert decide(tmp_path, item(priority=1), "pti", rule).decided_by == "flash"
    assert decide(tmp_path, item(urgency=3, priority=1), "pti", rule).decided_by == SOURCE_MODE


def test_language_is_compared_as_a_short_code(tmp_path: Path) -> None:
    rule = {"name": "english", "action": "hold", "language": "en"}
    assert decide(tmp_path, item(language="en"), "ians", rule).decided_by == "english"
    assert decide(tmp_path, item(language="hi"), "ians", rule).decided_by == SOURCE_MODE


@pytest.mark.parametrize(
    ("written", "text"),
    [
        ("हिन्दी", "हिंदी दिवस पर कार्यक्रम"),  # a nasal cluster and the anusvara
        ("ज़मीन", "जमीन का विवाद"),  # the nukta written in the rule, not in the copy
        ("जमीन", "ज़मीन का विवाद"),  # and the other way round
        ("हँसी", "हंसी मज़ाक"),  # chandrabindu and anusvara
        ("Earthquake", "Strong EARTHQUAKE hits"),  # case
        ("२०२६", "2026 का बजट"),  # Devanagari digits
    ],
)
def test_a_keyword_matches_however_the_agency_spelled_it(
    tmp_path: Path, written: str, text: str
) -> None:
    rule = {"name": "watch", "action": "hold", "keyword": written}
    assert decide(tmp_path, item(headline=text), "ians", rule).decided_by == "watch"


def test_a_keyword_matches_whole_words_only(tmp_path: Path) -> None:
    rule = {"name": "watch", "action": "hold", "keyword": "मिल"}
    assert decide(tmp_path, item(headline="वे मिलकर आए"), "ians", rule).decided_by == SOURCE_MODE
    assert decide(tmp_path, item(headline="वे मिल गए"), "ians", rule).decided_by == "watch"


def test_a_phrase_matches_its_words_in_a_row_in_the_body_too(tmp_path: Path) -> None:
    rule = {"name": "chatter", "action": "drop", "keyword": "टेस्ट संदेश"}
    body = item(headline="सूचना", body_text="यह एक टेस्ट  संदेश है।")
    assert decide(tmp_path, body, "ians", rule) == Routing(RouteAction.DROP, "chatter")
    apart = item(headline="सूचना", body_text="टेस्ट के बाद संदेश")
    assert decide(tmp_path, apart, "ians", rule).decided_by == SOURCE_MODE
    across = item(headline="यह टेस्ट", body_text="संदेश नहीं")  # not across headline and body
    assert decide(tmp_path, across, "ians", rule).decided_by == SOURCE_MODE


def test_any_keyword_of_a_list_will_do(tmp_path: Path) -> None:
    rule = {"name": "disasters", "action": "publish", "keyword": ["भूकंप", "बाढ़"]}
    assert decide(tmp_path, item(headline="असम में बाढ़"), "pti", rule).decided_by == "disasters"


@pytest.mark.parametrize(
    "subject",
    [
        Subject("15000000", "sport", "medtop"),  # ninjs: the scheme apart
        Subject("medtop:15000000", "sport", "medtop"),  # NewsML-G2: a qcode
        Subject("http://cv.iptc.org/newscodes/mediatopic/15000000"),  # by URI
    ],
)
def test_a_subject_code_matches_however_the_format_wrote_it(
    tmp_path: Path, subject: Subject
) -> None:
    rule = {"name": "sport", "action": "hold", "subject": "medtop:15000000"}
    assert decide(tmp_path, item(subjects=[subject]), "ians", rule).decided_by == "sport"


def test_a_subject_matches_by_name(tmp_path: Path) -> None:
    rule = {"name": "sport", "action": "hold", "subject": "Sport"}
    found = item(subjects=[Subject("medtop:15000000", "sport", "medtop")])
    assert decide(tmp_path, found, "ians", rule).decided_by == "sport"
    other = item(subjects=[Subject("medtop:11000000", "politics", "medtop")])
    assert decide(tmp_path, other, "ians", rule).decided_by == SOURCE_MODE


def test_a_router_is_built_once_per_set_of_rules(tmp_path: Path) -> None:
    rules = settings(tmp_path, {"action": "drop", "keyword": "x"}).rules
    assert router_for(rules) is router_for(rules)
    assert not router_for(())
