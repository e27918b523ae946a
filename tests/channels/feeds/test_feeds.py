"""Outbound feeds read back the way subscribers read them: RSS and Atom with feedparser,
JSON Feed as JSON (feedparser 6.0 does not read JSON Feed)."""

from __future__ import annotations

import json
from datetime import timedelta
from html import unescape
from typing import Any

import feedparser
from starlette.testclient import TestClient

from tests.channels.channels_support import (
    BASE_URL,
    CREDIT,
    DISCLAIMER,
    T0,
    Clock,
    Filler,
    story_item,
)


def _title(entry: Any) -> str:
    """A title as a reader shows it: RSS titles that needed it are HTML-escaped text, and
    feedparser says so (test_feed_text_safety.py holds the rule)."""
    detail = entry.title_detail
    return unescape(detail.value) if detail.type == "text/html" else str(detail.value)


def _fill_two_sections(fill: Filler) -> tuple[str, str]:
    first = fill(story_item(1, credit_line=CREDIT, byline="संवाददाता", categories=["चीन"]))
    second = fill(story_item(2, section="khel", headline="क्रिकेट <मैच> & नतीजे"))
    return first, second


def test_rss_lists_latest_first_with_absolute_links_and_provenance(
    hi_client: TestClient, fill: Filler
) -> None:
    first, second = _fill_two_sections(fill)
    resp = hi_client.get("/feed.xml")
    assert resp.headers["content-type"] == "application/rss+xml; charset=utf-8"
    feed = feedparser.parse(resp.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "rss20"
    assert [_title(e) for e in feed.entries] == ["क्रिकेट <मैच> & नतीजे", "ख़बर संख्या 1"]
    entry = feed.entries[1]
    url = f"{BASE_URL}/videsh/khabar-1-{first}"
    assert entry.link == url and entry.id == url
    assert f'<guid isPermaLink="true">{url}</guid>' in resp.text
    assert entry.published_parsed[:5] == (2026, 2, 5, 10, 1)
    content = entry.content[0].value
    assert "पहला अनुच्छेद 1।" in content
    assert CREDIT in content and DISCLAIMER in content and "Source: IANS" in content
    assert entry.author == "संवाददाता"
    assert {t.term for t in entry.tags} == {"विदेश", "चीन"}
    assert {"rel": "self", "href": f"{BASE_URL}/feed.xml"}.items() <= {
        k: v for link in feed.feed.links if link.rel == "self" for k, v in link.items()
    }.items()
    assert feed.entries[0].link == f"{BASE_URL}/khel/khabar-2-{second}"


def test_atom_entries_have_ids_times_html_content_and_authors(
    hi_client: TestClient, fill: Filler
) -> None:
    first, _ = _fill_two_sections(fill)
    resp = hi_client.get("/atom.xml")
    assert resp.headers["content-type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(resp.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    entry = feed.entries[1]
    url = f"{BASE_URL}/videsh/khabar-1-{first}"
    assert (entry.id, entry.link) == (url, url)
    assert entry.published_parsed[:5] == (2026, 2, 5, 10, 1)
    assert entry.updated_parsed[:5] == (2026, 2, 5, 10, 1)
    assert entry.content[0].type == "text/html"
    assert CREDIT in entry.content[0].value and "Source: IANS" in entry.content[0].value
    assert entry.author == "संवाददाता"
    assert feed.entries[0].author == "IANS"  # no byline: the agency is the author


def test_json_feed_is_version_1_1_with_the_story_fields(
    hi_client: TestClient, fill: Filler
) -> None:
    first, _ = _fill_two_sections(fill)
    resp = hi_client.get("/feed.json")
    assert resp.headers["content-type"] == "application/feed+json; charset=utf-8"
    feed = json.loads(resp.content)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == f"{BASE_URL}/feed.json"
    assert feed["home_page_url"] == f"{BASE_URL}/"
    item = feed["items"][1]
    url = f"{BASE_URL}/videsh/khabar-1-{first}"
    assert (item["id"], item["url"], item["title"]) == (url, url, "ख़बर संख्या 1")
    assert item["date_published"] == "2026-02-05T10:01:00Z"
    assert item["language"] == "hi"
    assert item["authors"] == [{"name": "संवाददाता"}]
    assert item["tags"] == ["विदेश", "चीन"]
    assert DISCLAIMER in item["content_html"] and item["summary"] == "पहला अनुच्छेद 1।"


def test_section_feeds_contain_only_that_section(hi_client: TestClient, fill: Filler) -> None:
    _fill_two_sections(fill)
    for kind in ("feed.xml", "atom.xml"):
        feed = feedparser.parse(hi_client.get(f"/khel/{kind}").content)
        assert [_title(e) for e in feed.entries] == ["क्रिकेट <मैच> & नतीजे"], kind
    items = json.loads(hi_client.get("/videsh/feed.json").content)["items"]
    assert [i["title"] for i in items] == ["ख़बर संख्या 1"]
    assert hi_client.get("/nothing-here/feed.xml").status_code == 404


def test_feeds_follow_the_visibility_gate_and_the_clock(
    hi_client: TestClient, clock: Clock, fill: Filler
) -> None:
    fill(story_item(1, published_at=T0 + timedelta(hours=5)), now=T0 + timedelta(hours=6))
    clock.now = T0 + timedelta(hours=1)
    assert feedparser.parse(hi_client.get("/feed.xml").content).entries == []
    clock.now = T0 + timedelta(hours=6)
    assert len(feedparser.parse(hi_client.get("/feed.xml").content).entries) == 1


def test_feeds_carry_at_most_fifty_stories(hi_client: TestClient, fill: Filler) -> None:
    fill(*(story_item(n) for n in range(55)))
    items = json.loads(hi_client.get("/feed.json").content)["items"]
    assert len(items) == 50
    assert items[0]["title"] == "ख़बर संख्या 54"


def test_control_characters_in_a_story_do_not_break_the_xml(
    hi_client: TestClient, fill: Filler
) -> None:
    fill(story_item(1, headline="शीर्षक\x0b टूटा"))
    feed = feedparser.parse(hi_client.get("/atom.xml").content)
    assert not feed.bozo and feed.entries[0].title == "शीर्षक टूटा"


def test_every_feed_names_the_site_s_websub_hub_for_subscribers(
    hi_client: TestClient, fill: Filler
) -> None:
    """WebSub discovery (W3C WebSub 4): the hub and the feed's own URL, in the feed and in the
    HTTP Link header, so a subscriber knows where to ask to be told of changes."""
    _fill_two_sections(fill)
    hub = f"{BASE_URL}/websub"
    rss = hi_client.get("/feed.xml")
    parsed = feedparser.parse(rss.content)
    assert {(link["rel"], link["href"]) for link in parsed.feed.links} >= {
        ("hub", hub),
        ("self", f"{BASE_URL}/feed.xml"),
    }
    atom = feedparser.parse(hi_client.get("/videsh/atom.xml").content)
    assert ("hub", hub) in {(link["rel"], link["href"]) for link in atom.feed.links}
    feed = json.loads(hi_client.get("/feed.json").content)
    assert feed["hubs"] == [{"type": "WebSub", "url": hub}]
    assert len(feed["items"]) == 2
    assert rss.headers["link"] == f'<{hub}>; rel="hub", <{BASE_URL}/feed.xml>; rel="self"'
