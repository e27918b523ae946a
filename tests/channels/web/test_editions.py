"""One language per list (issue 15): each language the site publishes is an edition — `/` for
the site's language, `/en/` for another — with its own strings, navigation, feeds, sitemaps
and `hreflang` links between them; a language with no edition is stored and not published.
The real site over a real store, SQLite and PostgreSQL; pages read as HTML, feeds and
sitemaps as XML and JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import lxml.html
from lxml import etree
from sqlalchemy import event
from starlette.testclient import TestClient

from tests.channels.channels_support import BASE_URL, T0, Clock, Filler, story_item
from wiredesk.config import Settings, parse_settings
from wiredesk.model import utcnow
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database
from wiredesk.store.ledger import editorial

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
TOKEN = "push-token-0123456789abcdef"
ENGLISH = "Monsoon reaches Kerala"
HINDI = "ख़बर संख्या 1"


def settings_for(tmp_path: Path, *, english: bool) -> Settings:
    """A Hindi site; with `english`, an English edition at /en/ too."""
    return parse_settings(
        {
            "site": {
                "name": "समाचार डेस्क",
                "language": "hi",
                "base_url": BASE_URL,
                "timezone": "Asia/Kolkata",
            },
            "editions": {"en": {"name": "English"}} if english else {},
            "sections": {
                "desh": {
                    "name": "देश",
                    "names": {"en": "National"},
                    "aliases": ["nation", "medtop:11000000", "subj:11000000"],
                },
                "khel": {"name": "खेल", "names": {"en": "Sports"}},
            },
            "sources": [
                {"id": "ians", "name": "IANS", "section": "desh", "push_token": TOKEN},
                {"id": "pti", "name": "PTI", "url": "https://wire.example/pti.xml"},
            ],
        },
        tmp_path / "wiredesk.toml",
    )


def client_for(store: Database, tmp_path: Path, clock: Clock, *, english: bool) -> TestClient:
    app = site_app(settings_for(tmp_path, english=english), store, clock=clock)
    return TestClient(app, follow_redirects=False)


def two_languages(fill: Filler) -> tuple[str, str]:
    """A Hindi copy and an English one, both in `desh`: (Hindi short id, English short id)."""
    hindi = fill(story_item(1, section="desh"))
    english = fill(
        story_item(2, section="desh", headline=ENGLISH, language="en", slug="monsoon-kerala")
    )
    return hindi, english


def headlines(html: str) -> list[str]:
    doc = lxml.html.fromstring(html)
    return [
        a.text_content().strip() for a in doc.xpath("//li[contains(@class,'story-card')]//h2/a")
    ]


def nav_of(html: str) -> list[tuple[str, str]]:
    doc = lxml.html.fromstring(html)
    return [(a.get("href"), a.text_content()) for a in doc.xpath("//nav[@class='section-nav']//a")]


def feed_titles(client: TestClient, path: str) -> list[str]:
    resp = client.get(path)
    assert resp.status_code == 200, path
    if path.endswith(".json"):
        return [i["title"] for i in json.loads(resp.content)["items"]]
    return [e.title for e in feedparser.parse(resp.content).entries]


def sitemap_urls(client: TestClient) -> dict[str, set[str]]:
    """Every month file the index names -> the story URLs it lists."""
    index = etree.fromstring(client.get("/sitemap.xml").content)
    out: dict[str, set[str]] = {}
    for loc in index.iter(f"{SITEMAP}loc"):
        path = urlsplit(str(loc.text)).path
        resp = client.get(path)
        assert resp.status_code == 200, path
        out[path] = {str(u.text) for u in etree.fromstring(resp.content).iter(f"{SITEMAP}loc")}
    return out


def news_urls(client: TestClient, path: str) -> set[str]:
    root = etree.fromstring(client.get(path).content)
    return {str(u.text) for u in root.iter(f"{SITEMAP}loc")}


# --- a Hindi site, by default ------------------------------------------------------------------


def test_a_hindi_site_publishes_no_english_copy_on_any_list_feed_or_sitemap(
    store: Database, tmp_path: Path, clock: Clock, fill: Filler
) -> None:
    hindi, english = two_languages(fill)
    client = client_for(store, tmp_path, clock, english=False)
    for path in ("/", "/desh/", "/source/ians/"):
        assert headlines(client.get(path).text) == [HINDI], path
    for path in ("/feed.xml", "/atom.xml", "/feed.json", "/desh/feed.xml"):
        assert feed_titles(client, path) == [HINDI], path
    listed = set().union(*sitemap_urls(client).values())
    assert listed == {f"{BASE_URL}/desh/khabar-1-{hindi}"}
    assert news_urls(client, "/sitemap-news.xml") == listed
    # the English copy is stored, not published: its page is not there, nor is an edition
    assert client.get(f"/desh/monsoon-kerala-{english}").status_code == 404
    assert client.get(f"/en/desh/monsoon-kerala-{english}").status_code == 404
    assert client.get("/en/").status_code == 404
    assert "hreflang" not in client.get("/").text
    # ... and counted where operators look
    editions = client.get("/health").json()["editions"]
    assert editions == {
        "published": ["hi"],
        "copies_24h": {"en": 1, "hi": 1},
        "unpublished_24h": {"en": 1},
    }


# --- with an English edition -------------------------------------------------------------------


def test_each_edition_lists_only_its_own_language(
    store: Database, tmp_path: Path, clock: Clock, fill: Filler
) -> None:
    _hindi, english = two_languages(fill)
    client = client_for(store, tmp_path, clock, english=True)
    for path in ("/", "/desh/", "/source/ians/"):
        assert headlines(client.get(path).text) == [HINDI], path
        assert headlines(client.get("/en" + path).text) == [ENGLISH], "/en" + path
    for path in ("/feed.xml", "/atom.xml", "/feed.json", "/desh/feed.xml", "/desh/feed.json"):
        assert feed_titles(client, path) == [HINDI], path
        assert feed_titles(client, "/en" + path) == [ENGLISH], "/en" + path
    rss = feedparser.parse(client.get("/en/feed.xml").content)
    assert rss.feed.language == "en"
    assert rss.entries[0].link == f"{BASE_URL}/en/desh/monsoon-kerala-{english}"
    assert {t.term for t in rss.entries[0].tags} == {"National"}
    assert json.loads(client.get("/en/feed.json").content)["home_page_url"] == f"{BASE_URL}/en/"


def test_an_edition_speaks_its_language_and_names_its_sections_in_it(
    store: Database, tmp_path: Path, clock: Clock, fill: Filler
) -> None:
    two_languages(fill)
    client = client_for(store, tmp_path, clock, english=True)
    hi, en = client.get("/").text, client.get("/en/").text
    assert lxml.html.fromstring(hi).get("lang") == "hi"
    assert lxml.html.fromstring(en).get("lang") == "en"
    assert "ताज़ा ख़बरें" in hi and "Latest news" not in hi
    assert "Latest news" in en and "ताज़ा ख़बरें" not in en
    assert nav_of(hi) == [("/", "होम"), ("/desh/", "देश"), ("/khel/", "खेल")]
    assert nav_of(en) == [("/en/", "Home"), ("/en/desh/", "National"), ("/en/khel/", "Sports")]
    section = lxml.html.fromstring(client.get("/en/desh/").text)
    assert section.findtext(".//h1") == "National"
    doc = lxml.html.fromstring(en)
    assert doc.xpath("//a[@class='brand']/@href") == ["/en/"]
    assert doc.xpath("//p[@class='kicker']/a/@href") == ["/en/desh/"]
    assert doc.xpath("//a[@class='source']/@href") == ["/en/source/ians/"]
    assert "/en/feed.xml" in doc.xpath("//footer//a/@href")


def test_a_copy_lives_in_its_language_s_edition_and_other_addresses_redirect_there(
    store: Database, tmp_path: Path, clock: Clock, fill: Filler
) -> None:
    hindi, english = two_languages(fill)
    client = client_for(store, tmp_path, clock, english=True)
    page = client.get(f"/en/desh/monsoon-kerala-{english}")
    assert page.status_code == 200
    doc = lxml.html.fromstring(page.text)
    assert doc.get("lang") == "en"
    assert doc.xpath("//link[@rel='canonical']/@href") == [
        f"{BASE_URL}/en/desh/monsoon-kerala-{english}"
    ]
    assert doc.xpath("//p[@class='kicker']/a")[0].text_content() == "National"
    # the site's own article URLs are as before; the other edition's address redirects
    assert client.get(f"/desh/khabar-1-{hindi}").status_code == 200
    moved = client.get(f"/desh/monsoon-kerala-{english}")
    assert (moved.status_code, moved.headers["location"]) == (
        301,
        f"/en/desh/monsoon-kerala-{english}",
    )
    moved = client.get(f"/en/desh/khabar-1-{hindi}")
    assert (moved.status_code, moved.headers["location"]) == (301, f"/desh/khabar-1-{hindi}")
    # an edition's address without its last slash, as the site's own get
    for path in ("/en", "/en/desh", "/desh"):
        moved = client.get(path)
        assert (moved.status_code, moved.headers["location"]) == (307, path + "/"), path


def test_every_published_copy_is_in_exactly_one_edition_s_sitemaps(
    store: Database, tmp_path: Path, clock: Clock, fill: Filler
) -> None:
    hindi, english = two_languages(fill)
    client = client_for(store, tmp_path, clock, english=True)
    files = sitemap_urls(client)
    assert files == {
        "/sitemap-2026-02.xml": {f"{BASE_URL}/desh/khabar-1-{hindi}"},
        "/en/sitemap-2026-02.xml": {f"{BASE_URL}/en/desh/monsoon-kerala-{english}"},
    }
    assert news_urls(client, "/sitemap-news.xml") == files["/sitemap-2026-02.xml"]
    assert news_urls(client, "/en/sitemap-news.xml") == files["/en/sitemap-2026-02.xml"]
    news = etree.fromstring(client.get("/en/sitemap-news.xml").content)
    assert [e.text for e in news.iter("{*}language")] == ["en"]
    robots = client.get("/robots.txt").text
    assert f"Sitemap: {BASE_URL}/sitemap-news.xml" in robots
    assert f"Sitemap: {BASE_URL}/en/sitemap-news.xml" in robots


def test_lists_carry_hreflang_links_to_the_same_list_in_the_other_edition(
    store: Database, tmp_path: Path, clock: Clock, fill: Filler
) -> None:
    _, english = two_languages(fill)
    client = client_for(store, tmp_path, clock, english=True)

    def alternates(path: str) -> dict[str, str]:
        doc = lxml.html.fromstring(client.get(path).text)
        return {
            link.get("hreflang"): link.get("href")
            for link in doc.xpath("//head/link[@rel='alternate'][@hreflang]")
        }

    for path in ("/", "/desh/", "/source/ians/"):
        expected = {
            "hi": BASE_URL + path,
            "en": f"{BASE_URL}/en{path}",
            "x-default": BASE_URL + path,
        }
        assert alternates(path) == expected, path
        assert alternates("/en" + path) == expected, "/en" + path
    # the switch in the masthead leads to the other edition, named in its own language
    [switch] = lxml.html.fromstring(client.get("/desh/").text).xpath("//nav[@class='editions']/a")
    assert (switch.get("href"), switch.get("hreflang"), switch.text_content()) == (
        f"{BASE_URL}/en/desh/",
        "en",
        "English",
    )
    [back] = lxml.html.fromstring(client.get("/en/").text).xpath("//nav[@class='editions']/a")
    assert (back.get("href"), back.get("lang"), back.text_content()) == (
        f"{BASE_URL}/",
        "hi",
        "हिन्दी",
    )
    # an article has no counterpart it knows of: no hreflang, and the switch leads home
    article = lxml.html.fromstring(client.get(f"/en/desh/monsoon-kerala-{english}").text)
    assert article.xpath("//head/link[@hreflang]") == []
    assert article.xpath("//nav[@class='editions']/a/@href") == [f"{BASE_URL}/"]


# --- sections by their aliases, through the real ingest path ----------------------------------


def test_agency_categories_and_codes_of_one_section_make_one_entry_in_the_navigation(
    store: Database, tmp_path: Path
) -> None:
    """`National`, `देश`, `desh`, an alias and an IPTC code all file copy under देश; the
    navigation shows it once in each edition, and no category became a section."""
    clock = Clock(now=utcnow() + timedelta(minutes=1))
    client = client_for(store, tmp_path, clock, english=True)
    when = (utcnow() - timedelta(hours=1)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    items = "".join(
        f"<item><guid>g{n}</guid><title>{title}</title><category>{category}</category>"
        f"<pubDate>{when}</pubDate><description>{body}</description></item>"
        for n, (title, category, body) in enumerate(
            [
                ("दिल्ली में बैठक", "National", "दिल्ली में आज एक बैठक हुई।"),
                ("संसद का सत्र", "देश", "संसद का सत्र आज शुरू हुआ।"),
                ("राज्य का बजट", "desh", "राज्य का बजट पेश हुआ।"),
                ("Parliament meets", "NATIONAL", "Parliament met in New Delhi today."),
                ("Budget day", "Nation", "The state budget was presented today."),
            ]
        )
    )
    rss = f'<rss version="2.0"><channel><title>IANS</title>{items}</channel></rss>'
    ninjs = {
        "uri": "urn:ians:politics-1",
        "type": "text",
        "language": "hi",
        "versioncreated": (utcnow() - timedelta(hours=1)).isoformat(),
        "headline": "चुनाव आयोग की घोषणा",
        "body_html": "<p>चुनाव आयोग ने आज घोषणा की।</p>",
        "subject": [{"code": "11000000", "scheme": "http://cv.iptc.org/newscodes/subjectcode/"}],
    }
    for payload in (rss.encode(), json.dumps(ninjs, ensure_ascii=False).encode()):
        resp = client.post(
            "/ingest/ians", content=payload, headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert resp.status_code == 202, resp.text

    hi, en = client.get("/").text, client.get("/en/").text
    assert nav_of(hi) == [("/", "होम"), ("/desh/", "देश"), ("/khel/", "खेल")]
    assert nav_of(en) == [("/en/", "Home"), ("/en/desh/", "National"), ("/en/khel/", "Sports")]
    assert sorted(headlines(client.get("/desh/").text)) == sorted(
        ["दिल्ली में बैठक", "संसद का सत्र", "राज्य का बजट", "चुनाव आयोग की घोषणा"]
    )
    assert sorted(headlines(client.get("/en/desh/").text)) == ["Budget day", "Parliament meets"]
    assert client.get("/national/").status_code == 404


# --- the page cache ------------------------------------------------------------------------


@contextmanager
def statements(db: Database) -> Iterator[list[str]]:
    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        seen.append(statement)

    event.listen(db.reader_engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.reader_engine, "before_cursor_execute", note)


def test_a_kill_of_an_english_copy_leaves_the_english_edition_and_only_it(
    store: Database, tmp_path: Path, clock: Clock, fill: Filler
) -> None:
    _hindi, english = two_languages(fill)
    app = site_app(
        settings_for(tmp_path, english=True), store, clock=clock, follow_changes_every=3600
    )
    client = TestClient(app, follow_redirects=False)
    english_pages = ("/en/", "/en/desh/", "/en/feed.xml", "/en/feed.json", "/en/sitemap-news.xml")
    hindi_pages = ("/", "/desh/", "/feed.xml")
    for path in (*english_pages, *hindi_pages):
        assert client.get(path).status_code == 200  # each is now cached
    assert ENGLISH in client.get("/en/").text and ENGLISH in client.get("/en/feed.xml").text

    found = editorial.find_copy(store, english)
    assert found is not None
    editorial.kill(store, found, reason="legal", actor="editor asha", now=T0 + timedelta(hours=3))

    assert headlines(client.get("/en/").text) == []
    assert headlines(client.get("/en/desh/").text) == []
    assert feed_titles(client, "/en/feed.xml") == []
    assert feed_titles(client, "/en/feed.json") == []
    assert "monsoon" not in client.get("/en/sitemap-news.xml").text
    assert client.get(f"/en/desh/monsoon-kerala-{english}").status_code == 410
    # the Hindi edition's pages did not show it, and are still answered from the cache
    with statements(store) as sql:
        for path in hindi_pages:
            assert HINDI in client.get(path).text
    assert sql == []
