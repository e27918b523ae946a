"""The pages issue 15's front page, related stories, 410 page and search added, in editions:
each reads only its edition's language, and links under its edition's prefix (`/en/`). The
real site over a real store, SQLite and PostgreSQL, read as HTML."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import lxml.html
from starlette.testclient import TestClient

from tests.channels.channels_support import T0, Clock, Filler, story_item
from tests.channels.web.test_editions import ENGLISH, client_for, settings_for, statements
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database
from wiredesk.store.ledger import editorial

HINDI_HEADS = [f"ख़बर संख्या {n}" for n in range(1, 9)]
ENGLISH_HEADS = [f"Wire story {n}" for n in range(11, 19)]


def both_editions(fill: Filler) -> dict[str, str]:
    """Eight Hindi copies and eight English ones, alternately in desh and khel, the English a
    few minutes newer: headline -> short id."""
    ids = {}
    for n in range(1, 9):
        section = "desh" if n % 2 else "khel"
        ids[f"ख़बर संख्या {n}"] = fill(story_item(n, section=section))
        ids[f"Wire story {n + 10}"] = fill(
            story_item(
                n + 10,
                section=section,
                headline=f"Wire story {n + 10}",
                language="en",
                slug=f"wire-story-{n + 10}",
            )
        )
    return ids


def doc_of(client: TestClient, path: str) -> lxml.html.HtmlElement:
    resp = client.get(path)
    assert resp.status_code in (200, 410), (path, resp.status_code)
    return lxml.html.fromstring(resp.text)


def texts(doc: lxml.html.HtmlElement, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in doc.xpath(xpath)]


def test_each_edition_s_front_page_is_made_of_its_own_language(
    store: Database, tmp_path: Path, clock: Clock, fill: Filler
) -> None:
    both_editions(fill)
    clock.now = T0 + timedelta(minutes=40)
    client = client_for(store, tmp_path, clock, english=True)
    hi, en = doc_of(client, "/"), doc_of(client, "/en/")

    # top stories, the rail and the section blocks: every story of the page is the edition's
    shown_en = set(texts(en, "//main//h2[@class='headline']/a | //main//h3/a | //main//li/a"))
    shown_hi = set(texts(hi, "//main//h2[@class='headline']/a | //main//h3/a | //main//li/a"))
    assert shown_en and shown_en <= set(ENGLISH_HEADS)
    assert shown_hi and shown_hi <= set(HINDI_HEADS)
    assert texts(en, "//ol[@class='rail-list']//h3/a") == ENGLISH_HEADS[::-1][:8]
    assert texts(hi, "//ol[@class='rail-list']//h3/a") == HINDI_HEADS[::-1][:8]
    # three stories did not fit at the top: they are in their sections' blocks
    blocks_en = texts(en, "//section[@class='section-block']//a")
    assert blocks_en and set(blocks_en) - {"National", "Sports"} <= set(ENGLISH_HEADS)
    assert en.xpath("//h2[@class='block-title']/a/@href") == ["/en/desh/", "/en/khel/"]
    assert texts(en, "//h2[@class='block-title']/a") == ["National", "Sports"]
    assert hi.xpath("//h2[@class='block-title']/a/@href") == ["/desh/", "/khel/"]
    # every link of the English front page stays in the English edition, and the reverse
    assert all(h.startswith("/en/") for h in en.xpath("//main//a/@href"))
    assert not any(h.startswith("/en/") for h in hi.xpath("//main//a/@href"))
    # times are told in the edition's language
    assert texts(en, "//ol[@class='rail-list']//time")[0] == "22 min ago"
    assert texts(hi, "//ol[@class='rail-list']//time")[0] == "32 मिनट पहले"
    # and each names the other for search engines
    assert en.xpath("//link[@hreflang='hi']/@href") == [
        hi.xpath("//link[@rel='canonical']/@href")[0]
    ]


def test_an_article_s_related_stories_are_in_its_edition(
    store: Database, tmp_path: Path, clock: Clock, fill: Filler
) -> None:
    ids = both_editions(fill)
    client = client_for(store, tmp_path, clock, english=True)
    en = doc_of(client, f"/en/desh/wire-story-13-{ids['Wire story 13']}")
    related = texts(en, "//section[@class='related']//h3/a")
    # its section's English neighbours; never the Hindi copies around it in time
    assert related and set(related) <= {"Wire story 11", "Wire story 15", "Wire story 17"}
    assert all(h.startswith("/en/") for h in en.xpath("//section[@class='related']//a/@href"))
    hi = doc_of(client, f"/desh/khabar-3-{ids['ख़बर संख्या 3']}")
    assert set(texts(hi, "//section[@class='related']//h3/a")) <= {
        "ख़बर संख्या 1",
        "ख़बर संख्या 5",
        "ख़बर संख्या 7",
    }


def test_a_gone_page_lists_its_edition_s_latest_stories(
    store: Database, tmp_path: Path, clock: Clock, fill: Filler
) -> None:
    ids = both_editions(fill)
    client = client_for(store, tmp_path, clock, english=True)
    for head in ("Wire story 13", "ख़बर संख्या 3"):
        found = editorial.find_copy(store, ids[head])
        assert found is not None
        editorial.kill(
            store, found, reason="legal", actor="editor asha", now=T0 + timedelta(hours=3)
        )
    en = doc_of(client, f"/en/desh/wire-story-13-{ids['Wire story 13']}")
    assert en.get("lang") == "en"
    latest = texts(en, "//section[@class='latest-list']//h3/a")
    assert latest and set(latest) <= set(ENGLISH_HEADS) - {"Wire story 13"}
    assert all(h.startswith("/en/") for h in en.xpath("//main//a/@href"))
    hi = doc_of(client, f"/desh/khabar-3-{ids['ख़बर संख्या 3']}")
    latest = texts(hi, "//section[@class='latest-list']//h3/a")
    assert latest and set(latest) <= set(HINDI_HEADS) - {"ख़बर संख्या 3"}


def search_results(client: TestClient, path: str) -> list[tuple[str, str]]:
    doc = doc_of(client, path)
    return [
        (a.text_content().strip(), a.get("href"))
        for a in doc.xpath("//ol[contains(@class,'search-results')]//h2/a")
    ]


def test_each_edition_searches_its_own_language(
    store: Database, tmp_path: Path, clock: Clock, fill: Filler
) -> None:
    ids = both_editions(fill)
    client = client_for(store, tmp_path, clock, english=True)
    assert search_results(client, "/search?q=wire") == []  # the Hindi edition: Hindi copies
    assert [h for h, _ in search_results(client, "/search?q=संख्या")] == HINDI_HEADS[::-1]
    assert search_results(client, "/en/search?q=संख्या") == []
    found = search_results(client, "/en/search?q=wire+13")
    assert found == [("Wire story 13", f"/en/desh/wire-story-13-{ids['Wire story 13']}")]
    # the other edition's language, asked for: its copies, each in its own edition
    assert search_results(client, "/search?q=wire+13&language=en") == found
    # the masthead's box searches the page's edition
    en = doc_of(client, "/en/")
    assert en.xpath("//form[@class='search-box']/@action") == ["/en/search"]
    assert doc_of(client, "/").xpath("//form[@class='search-box']/@action") == ["/search"]


def test_a_language_no_edition_publishes_is_never_searched(
    store: Database, tmp_path: Path, clock: Clock, fill: Filler
) -> None:
    both_editions(fill)
    client = client_for(store, tmp_path, clock, english=False)
    doc = doc_of(client, "/search?q=wire&language=en")
    assert doc.xpath("//ol[contains(@class,'search-results')]") == []
    assert any("Language" in n or "भाषा" in n for n in texts(doc, "//p[@class='search-note']"))
    assert client.get("/en/search?q=wire").status_code == 404


def test_a_new_copy_drops_its_edition_s_front_page_and_only_it(
    store: Database, tmp_path: Path, clock: Clock, fill: Filler
) -> None:
    both_editions(fill)
    app = site_app(
        settings_for(tmp_path, english=True), store, clock=clock, follow_changes_every=3600
    )
    client = TestClient(app, follow_redirects=False)
    for path in ("/", "/en/"):
        assert client.get(path).status_code == 200  # each is now cached
    fill(story_item(30, section="khel", headline=ENGLISH, language="en", slug="monsoon-kerala"))
    assert ENGLISH in client.get("/en/").text
    with statements(store) as sql:
        assert ENGLISH not in client.get("/").text
    assert sql == []  # the Hindi front page was answered from the cache
