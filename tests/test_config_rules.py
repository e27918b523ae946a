"""Settings: routing rules (`[[rules]]`), checked against the file's own sources and sections
so a typo fails at start-up instead of quietly matching nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from wiredesk.config import Settings, load_settings, parse_settings
from wiredesk.errors import ConfigError


def parse(tmp_path: Path, *rules: dict[str, Any]) -> Settings:
    return parse_settings(
        {
            "site": {"language": "hi"},
            "sections": {"khel": {"name": "खेल", "aliases": ["Sports"]}, "desh": "देश"},
            "sources": [
                {"id": "ians", "name": "IANS", "folder": "in"},
                {"id": "pti", "name": "PTI", "folder": "pti", "auto_publish": False},
            ],
            "rules": list(rules),
        },
        tmp_path / "wiredesk.toml",
    )


def error(tmp_path: Path, *rules: dict[str, Any]) -> str:
    with pytest.raises(ConfigError) as info:
        parse(tmp_path, *rules)
    return str(info.value).removeprefix(f"{tmp_path / 'wiredesk.toml'}: ")


def test_rules_keep_their_order_names_and_conditions_in_one_shape(tmp_path: Path) -> None:
    first, second, third = parse(
        tmp_path,
        {"name": "flash", "action": "publish", "urgency": "<= 2", "source": "pti"},
        {"action": "hold", "section": "Sports", "language": "HI", "keyword": ["भूकंप", "बाढ़"]},
        {"action": "drop", "subject": "medtop:01000000"},
    ).rules
    assert (first.name, first.action, first.sources) == ("flash", "publish", ("pti",))
    assert first.urgencies == {1, 2} and first.urgency_as_written == "<= 2"
    # unnamed rules are named by their place; a section by any of its names is its slug
    assert (second.name, second.sections, second.languages) == ("rule 2", ("khel",), ("hi",))
    assert second.keywords == ("भूकंप", "बाढ़")
    assert (third.name, third.subjects) == ("rule 3", ("medtop:01000000",))
    assert second.conditions() == [
        ("language", "hi"),
        ("section", "khel"),
        ("keyword", "“भूकंप”, “बाढ़”"),
    ]


def test_no_rules_is_no_rules(tmp_path: Path) -> None:
    assert parse(tmp_path).rules == ()


@pytest.mark.parametrize(
    ("urgency", "taken", "shown"),
    [
        (1, {1}, "1"),
        ([3, 1], {1, 3}, "1, 3"),
        ("< 3", {1, 2}, "< 3"),
        (">=8", {8, 9}, ">= 8"),
        ("2-4", {2, 3, 4}, "2–4"),
        ("5", {5}, "5"),
    ],
)
def test_urgency_is_a_number_a_list_a_comparison_or_a_range(
    tmp_path: Path, urgency: Any, taken: set[int], shown: str
) -> None:
    [rule] = parse(tmp_path, {"action": "hold", "urgency": urgency}).rules
    assert (rule.urgencies, rule.urgency_as_written) == (taken, shown)


@pytest.mark.parametrize("urgency", [0, 10, "<= 12", "soon", [], [1, "2"], True, "4-2", "< 1"])
def test_an_urgency_off_the_agencies_scale_is_refused(tmp_path: Path, urgency: Any) -> None:
    message = error(tmp_path, {"action": "hold", "urgency": urgency})
    assert message.startswith("rules[0] (rule 1).urgency: ")


def test_an_unknown_key_names_the_rule_and_suggests_the_right_one(tmp_path: Path) -> None:
    message = error(tmp_path, {"action": "hold"}, {"action": "drop", "keywords": ["x"]})
    assert message == "rules[1].keywords: unknown key; did you mean 'keyword'?"


def test_a_rule_without_an_action_says_which_actions_there_are(tmp_path: Path) -> None:
    message = error(tmp_path, {"name": "sport", "section": "khel"})
    assert message == (
        'rules[0] (sport).action: is required: add action = "publish", "hold" (for an editor '
        'to approve) or "drop"'
    )


def test_an_unknown_action_is_refused(tmp_path: Path) -> None:
    message = error(tmp_path, {"action": "delete"})
    assert message == (
        'rules[0] (rule 1).action: must be "publish", "hold" (for an editor to approve) or '
        "\"drop\", not 'delete'"
    )


def test_a_source_the_file_does_not_configure_is_refused_with_a_guess(tmp_path: Path) -> None:
    message = error(tmp_path, {"action": "drop", "source": ["pti", "ainas"]})
    assert message == (
        "rules[0] (rule 1).source[1]: 'ainas' is not a source id in this file; did you mean "
        "'ians'? (known: ians, pti)"
    )


def test_an_unknown_section_lists_the_known_ones(tmp_path: Path) -> None:
    message = error(tmp_path, {"action": "hold", "section": "cricket"})
    assert message.startswith("rules[0] (rule 1).section: unknown section 'cricket'; ")
    assert "the known sections are khel, desh, news" in message


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"language": "Hindi"}, "language: 'hindi' is not a language code"),
        ({"keyword": "  ...  "}, "keyword: '...' has no letters or digits to match"),
        ({"keyword": 5}, "keyword: must be a string or a list of strings"),
        ({"subject": [""]}, "subject: must be a string or a list of strings"),
        ({"name": ""}, "name: must be a name for the rule"),
    ],
)
def test_bad_values_say_what_is_wanted(tmp_path: Path, rule: dict[str, Any], expected: str) -> None:
    assert expected in error(tmp_path, {"action": "hold", **rule})


def test_two_rules_may_not_share_a_name(tmp_path: Path) -> None:
    message = error(
        tmp_path, {"name": "sport", "action": "hold"}, {"name": " sport ", "action": "drop"}
    )
    assert message.startswith("rules[1].name: another rule is named 'sport'")


def test_rules_must_be_an_array_of_tables(tmp_path: Path) -> None:
    config = tmp_path / "wiredesk.toml"
    config.write_text('[site]\nlanguage = "hi"\n[rules]\naction = "drop"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"rules: must be an array of tables: write \[\[rules"):
        load_settings(config)


def test_rules_read_from_a_file(tmp_path: Path) -> None:
    config = tmp_path / "wiredesk.toml"
    config.write_text(
        '[site]\nlanguage = "hi"\n'
        '[[sources]]\nid = "ians"\nname = "IANS"\nfolder = "in"\n'
        '[[rules]]\nname = "chatter"\naction = "drop"\nkeyword = "टेस्ट संदेश"\n'
        '[[rules]]\naction = "hold"\nsource = "ians"\nurgency = "<= 2"\n',
        encoding="utf-8",
    )
    rules = load_settings(config).rules
    assert [(r.name, r.action) for r in rules] == [("chatter", "drop"), ("rule 2", "hold")]
