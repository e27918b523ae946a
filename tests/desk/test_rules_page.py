"""/desk/rules: the routing rules in order, with their conditions and actions, and each
source's own mode; any signed-in role reads it, nobody else."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.desk.desk_support import DeskSite, make_site, push, rss

SETTINGS = {
    "sections": {"khel": {"name": "खेल", "aliases": ["Sports"]}},
    "sources": [
        {"id": "pti", "name": "PTI", "folder": "pti", "auto_publish": False},
        {"id": "ians", "name": "IANS", "folder": "ians"},
    ],
    "rules": [
        {"name": "wire chatter", "action": "drop", "keyword": ["टेस्ट संदेश", "ignore"]},
        {"name": "pti flash", "action": "publish", "source": "pti", "urgency": "<= 2"},
        {"action": "hold", "section": "Sports", "language": "hi"},
    ],
}


@pytest.fixture
def rules_site(tmp_path: Path) -> Iterator[DeskSite]:
    with make_site(tmp_path, more=SETTINGS) as made:
        made.add("reader", "viewer")
        yield made


def rows(html: str, table: str) -> list[str]:
    """The body rows of a table of the page, as text with single spaces."""
    body = html.split(f'class="desk-table {table}"', 1)[1].split("<tbody>", 1)[1]
    body = body.split("</tbody>", 1)[0]
    found = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", r).split()) for r in found]


def test_a_viewer_reads_the_rules_in_order_with_conditions_and_actions(
    rules_site: DeskSite,
) -> None:
    page = rules_site.signed_in("reader").get("/desk/rules")
    assert page.status_code == 200
    assert rows(page.text, "desk-rules") == [
        "1 wire chatter keyword “टेस्ट संदेश”, “ignore” drop : not stored as a copy "
        "(its payload is kept)",
        "2 pti flash source pti urgency &lt;= 2 publish : published at once",
        "3 rule 3 language hi section khel hold : held for an editor to approve",
    ]
    assert rows(page.text, "desk-source-modes") == [
        "ians IANS publish",
        "pti PTI hold for an editor",
    ]


def test_the_page_is_for_the_desk_only(rules_site: DeskSite) -> None:
    page = rules_site.client().get("/desk/rules")
    assert page.status_code == 303
    assert page.headers["location"].startswith("/desk/login")


def test_without_rules_the_page_says_the_sources_decide(tmp_path: Path) -> None:
    with make_site(tmp_path) as site:
        site.add("reader", "viewer")
        page = site.signed_in("reader").get("/desk/rules")
    assert page.status_code == 200
    assert "No routing rules are set: every copy goes as its source's mode says." in page.text
    assert "No sources are configured." in page.text


def test_the_desk_home_links_to_the_rules(rules_site: DeskSite) -> None:
    home = rules_site.signed_in("reader").get("/desk/")
    assert 'href="/desk/rules"' in home.text


def test_each_copy_shows_the_rule_that_decided_it(tmp_path: Path) -> None:
    """Incoming and the story page say which rule decided a copy, or that the source's own
    mode did; the rule links to the page of rules."""
    rules = {
        "sources": [{"id": "ians", "name": "IANS", "folder": "ians"}],
        "rules": [{"name": "desk review", "action": "hold", "keyword": "review"}],
    }
    with make_site(tmp_path, more=rules) as site:
        site.add("reader", "viewer")
        push(site, "ians", rss(("g-review", "Court to review the order")))
        push(site, "ians", rss(("g-plain", "A plain story")))
        desk = site.signed_in("reader")
        incoming = desk.get("/desk/incoming").text
        decided = {}
        for row in re.findall(r'<tr class="desk-copy".*?</tr>', incoming, re.S):
            headline = re.search(r'<a href="/desk/copies/[^"]+">([^<]+)</a>', row)
            rule = re.search(r'desk-decided">by ([^<]+)<', row)
            assert headline is not None and rule is not None, row
            decided[headline.group(1)] = rule.group(1)
        assert decided == {
            "Court to review the order": "desk review",
            "A plain story": "source mode",
        }
        held_story = re.search(
            r'<tr class="desk-copy".*?Court to review.*?href="(/desk/stories/\d+)"', incoming, re.S
        )
        assert held_story is not None
        story = desk.get(held_story.group(1)).text
        assert 'routing rule <a href="/desk/rules">desk review</a>' in story
