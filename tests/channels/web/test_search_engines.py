"""What search engines read at the root: robots.txt, the sitemap index and its monthly
sitemaps, the Google News sitemap, favicon.ico. Each sitemap is checked against the rules of
sitemaps.org and of Google News (written out below with lxml), and against the gate: what is
not public is in no sitemap, and a kill leaves them all at once. Real app, real store on
SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree
from starlette.testclient import TestClient

from tests.channels.channels_support import BASE_URL, T0, Clock, Filler, story_item
from wiredesk.channels.web import sitemaps
from wiredesk.config import Settings, parse_settings
from wiredesk.model import Envelope, PubStatus, Signal, Transport
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database
from wiredesk.store.ledger import copies, editorial, envelopes, stories
from wiredesk.store.ledger.stories import GroupingPlan

SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
MAX_URLS = 50_000
MAX_BYTES = 50 * 1024 * 1024
# W3C Datetime (https://www.w3.org/TR/NOTE-datetime), as sitemaps.org requires for lastmod
W3C_DATETIME = re.compile(
    r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?"
)
URL_CHILDREN = {f"{{{SM}}}{n}" for n in ("loc", "lastmod", "changefreq", "priority")}
ROOT_FILES = ("/robots.txt", "/favicon.ico", "/sitemap.xml", "/sitemap-news.xml")


def w3c_time(text: str | None) -> datetime:
    assert text is not None and W3C_DATETIME.fullmatch(text), text
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def check_loc(loc: str | None) -> str:
    """An absolute URL under base_url, under 2,048 characters (sitemaps.org)."""
    assert loc is not None and loc == loc.strip(), loc
    assert loc.startswith(BASE_URL + "/") and len(loc) < 2048, loc
    assert urlsplit(loc).scheme in ("http", "https"), loc
    return loc


def parse(body: bytes, root: str) -> etree._Element:
    """A sitemap file: UTF-8 XML of the sitemaps.org namespace with this root, in the limits."""
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert len(body) <= MAX_BYTES
    doc = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True))
    assert doc.tag == f"{{{SM}}}{root}", doc.tag
    return doc


def urlset(client: TestClient, path: str, *, news: bool = False) -> dict[str, etree._Element]:
    """loc -> <url> of a valid sitemap (a Google News one when `news`)."""
    page = client.get(path, follow_redirects=False)
    assert page.status_code == 200, path
    assert page.headers["content-type"].startswith("application/xml")
    doc = parse(page.content, "urlset")
    urls = doc.findall(f"{{{SM}}}url")
    assert len(doc) == len(urls) and len(urls) <= (1000 if news else MAX_URLS)
    out: dict[str, etree._Element] = {}
    for url in urls:
        names = [child.tag for child in url]
        allowed = URL_CHILDREN | ({f"{{{NEWS}}}news"} if news else set())
        assert set(names) <= allowed and names.count(f"{{{SM}}}loc") == 1, names
        loc = check_loc(url.findtext(f"{{{SM}}}loc"))
        assert loc not in out, loc
        if url.find(f"{{{SM}}}lastmod") is not None:
            w3c_time(url.findtext(f"{{{SM}}}lastmod"))
        if news:
            check_news(url)
        out[loc] = url
    return out


def check_news(url: etree._Element) -> None:
    """Google News: one news:news with publication (name, language), publication_date, title."""
    [item] = url.findall(f"{{{NEWS}}}news")
    [publication] = item.findall(f"{{{NEWS}}}publication")
    assert publication.findtext(f"{{{NEWS}}}name")
    assert re.fullmatch(r"[a-z]{2,3}(-[A-Za-z]+)?", publication.findtext(f"{{{NEWS}}}language"))
    w3c_time(item.findtext(f"{{{NEWS}}}publication_date"))
    assert item.findtext(f"{{{NEWS}}}title")


def index_of(client: TestClient) -> list[str]:
    """The monthly sitemaps the index names, each checked."""
    page = client.get("/sitemap.xml", follow_redirects=False)
    assert page.status_code == 200
    doc = parse(page.content, "sitemapindex")
    entries = doc.findall(f"{{{SM}}}sitemap")
    assert len(doc) == len(entries) and len(entries) <= MAX_URLS
    locs = []
    for entry in entries:
        assert {c.tag for c in entry} <= {f"{{{SM}}}loc", f"{{{SM}}}lastmod"}
        locs.append(check_loc(entry.findtext(f"{{{SM}}}loc")))
    return locs


def every_listed(client: TestClient) -> set[str]:
    """Every story URL of every monthly sitemap."""
    found: set[str] = set()
    for loc in index_of(client):
        found |= set(urlset(client, urlsplit(loc).path))
    return found


def news_titles(client: TestClient) -> dict[str, str]:
    return {
        loc: url.findtext(f"{{{NEWS}}}news/{{{NEWS}}}title") or ""
        for loc, url in urlset(client, "/sitemap-news.xml", news=True).items()
    }


def settings_with(tmp_path: Path, duplicates: str) -> Settings:
    return parse_settings(
        {
            "site": {"name": "Wire Desk", "language": "hi", "base_url": BASE_URL,
                     "duplicates": duplicates},
            "sections": {"videsh": "विदेश"},
            "sources": [
                {"id": sid, "name": sid.upper(), "url": f"https://wire.example/{sid}.xml",
                 "section": "videsh"}
                for sid in ("ians", "pti")
            ],
        },
        tmp_path / "wiredesk.toml",
    )  # fmt: skip


def group(store: Database, *short_ids: str) -> None:
    ids = [editorial.find_copy(store, s) for s in short_ids]
    joins = [(other, ids[0]) for other in ids[1:]]
    stories.apply(store, GroupingPlan(joins=joins), Clock().now)  # type: ignore[arg-type]


def url_of(short_id: str, n: int, section: str = "videsh") -> str:
    return f"{BASE_URL}/{section}/khabar-{n}-{short_id}"


# --- the files at the root ---------------------------------------------------------------------


def test_files_at_the_root_answer_directly_never_through_the_slash_redirect(
    hi_client: TestClient, fill: Filler
) -> None:
    fill(story_item(1))
    for path in ROOT_FILES:
        page = hi_client.get(path, follow_redirects=False)
        assert page.status_code == 200, (path, page.status_code, page.headers.get("location"))
    icon = hi_client.get("/favicon.ico")
    assert icon.headers["content-type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    # a section's path keeps its redirect
    assert hi_client.get("/videsh", follow_redirects=False).status_code == 307


def test_robots_txt_lets_crawlers_in_and_names_the_sitemaps(hi_client: TestClient) -> None:
    page = hi_client.get("/robots.txt")
    assert page.headers["content-type"] == "text/plain; charset=utf-8"
    lines = page.text.splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /" not in lines  # the site itself is open
    assert f"Sitemap: {BASE_URL}/sitemap.xml" in lines
    assert f"Sitemap: {BASE_URL}/sitemap-news.xml" in lines


# --- the sitemap index and the months ------------------------------------------------------------


def test_the_index_names_one_sitemap_per_month_which_lists_every_public_story_with_lastmod(
    hi_client: TestClient, fill: Filler
) -> None:
    january = T0 - timedelta(days=20)  # 16 January 2026
    old = fill(story_item(1, published_at=january), now=january)
    new = fill(story_item(2))
    fill(story_item(2, version=2, body_html="<p>नया</p>"), now=T0 + timedelta(hours=5))

    months = index_of(hi_client)
    assert months == [f"{BASE_URL}/sitemap-2026-01.xml", f"{BASE_URL}/sitemap-2026-02.xml"]
    jan = urlset(hi_client, "/sitemap-2026-01.xml")
    feb = urlset(hi_client, "/sitemap-2026-02.xml")
    assert list(jan) == [url_of(old, 1)] and list(feb) == [url_of(new, 2)]
    assert w3c_time(jan[url_of(old, 1)].findtext(f"{{{SM}}}lastmod")) == january
    # an updated story's lastmod is its update: search engines come back for it
    assert w3c_time(feb[url_of(new, 2)].findtext(f"{{{SM}}}lastmod")) > T0 + timedelta(minutes=2)
    for missing in (
        "/sitemap-2026-03.xml",
        "/sitemap-2025-12.xml",
        "/sitemap-2026-01-2.xml",
        "/sitemap-2026-01-1.xml",
        "/sitemap-2026-13.xml",
        "/sitemap-x.xml",
    ):
        assert hi_client.get(missing).status_code == 404, missing  # fmt: skip


def test_a_month_of_more_stories_than_one_file_holds_continues_in_numbered_files(
    hi_client: TestClient, fill: Filler, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sitemaps, "PER_FILE", 2)
    sids = {n: fill(story_item(n)) for n in range(1, 6)}
    months = index_of(hi_client)
    assert [urlsplit(m).path for m in months] == [
        "/sitemap-2026-02.xml",
        "/sitemap-2026-02-2.xml",
        "/sitemap-2026-02-3.xml",
    ]
    files = [list(urlset(hi_client, urlsplit(m).path)) for m in months]
    assert [len(f) for f in files] == [2, 2, 1]
    assert [loc for f in files for loc in f] == [url_of(sids[n], n) for n in (5, 4, 3, 2, 1)]
    assert hi_client.get("/sitemap-2026-02-4.xml").status_code == 404


def test_an_empty_site_has_an_empty_index_and_news_sitemap(hi_client: TestClient) -> None:
    assert index_of(hi_client) == []
    assert urlset(hi_client, "/sitemap-news.xml", news=True) == {}


# --- the news sitemap ----------------------------------------------------------------------------


def test_the_news_sitemap_holds_the_last_48_hours_with_publication_language_date_and_title(
    hi_client: TestClient, clock: Clock, fill: Filler
) -> None:
    clock.now = T0 + timedelta(hours=47)
    old = fill(story_item(1, published_at=T0 - timedelta(hours=2), headline="पुरानी ख़बर"))
    hi = fill(story_item(2, headline="ताज़ा ख़बर & <बात>"))
    en = fill(story_item(3, headline="Fresh news", language="en", section="khel"))

    news = urlset(hi_client, "/sitemap-news.xml", news=True)
    assert list(news) == [url_of(hi, 2)]  # a Hindi site publishes no English copy
    assert url_of(old, 1) in every_listed(hi_client)  # only the news sitemap forgets it
    assert url_of(en, 3, "khel") not in every_listed(hi_client)
    item = news[url_of(hi, 2)].find(f"{{{NEWS}}}news")
    assert item.findtext(f"{{{NEWS}}}publication/{{{NEWS}}}name") == "समाचार डेस्क"
    assert item.findtext(f"{{{NEWS}}}publication/{{{NEWS}}}language") == "hi"
    assert item.findtext(f"{{{NEWS}}}title") == "ताज़ा ख़बर & <बात>"
    date = w3c_time(item.findtext(f"{{{NEWS}}}publication_date"))
    assert date == T0 + timedelta(minutes=2)

    clock.now = T0 + timedelta(hours=48, minutes=2, seconds=1)  # story 2 is now 48 h old
    assert list(news_titles(hi_client)) == []


def test_the_news_sitemap_holds_at_most_1000_stories_the_newest(
    store: Database, hi_client: TestClient, fill: Filler
) -> None:
    items = [story_item(n, published_at=T0 + timedelta(seconds=n)) for n in range(1, 1006)]
    fill(*items)
    news = urlset(hi_client, "/sitemap-news.xml", news=True)
    assert len(news) == 1000
    titles = {url.findtext(f"{{{NEWS}}}news/{{{NEWS}}}title") for url in news.values()}
    assert titles == {f"ख़बर संख्या {n}" for n in range(6, 1006)}


# --- the gate ------------------------------------------------------------------------------------


def test_killed_withheld_held_and_embargoed_stories_are_in_no_sitemap_until_public(
    hi_client: TestClient, store: Database, clock: Clock, fill: Filler
) -> None:
    shown = fill(story_item(1))
    killed = fill(story_item(2, version=1), story_item(2, version=2, signals=[Signal.KILL]))
    withheld = fill(
        story_item(3, version=1), story_item(3, version=2, pub_status=PubStatus.WITHHELD)
    )
    lift = clock.now + timedelta(hours=1)
    embargoed = fill(story_item(4, embargo_until=lift))
    env_id, _ = envelopes.record(
        store, Envelope(source_id="ians", payload=b"held", transport=Transport.HTTP, location="x")
    )
    [held] = copies.save(store, "ians", [story_item(5)], env_id, auto_publish=False, now=T0)

    hidden = {
        url_of(killed, 2),
        url_of(withheld, 3),
        url_of(embargoed, 4),
        url_of(held.short_id, 5),
    }
    assert every_listed(hi_client) == {url_of(shown, 1)}
    assert set(news_titles(hi_client)) == {url_of(shown, 1)}
    assert not hidden & (every_listed(hi_client) | set(news_titles(hi_client)))

    clock.now = lift  # the embargo ends: no write, the cached sitemaps expire by themselves
    assert url_of(embargoed, 4) in every_listed(hi_client)
    news = urlset(hi_client, "/sitemap-news.xml", news=True)
    date = news[url_of(embargoed, 4)].findtext(f"{{{NEWS}}}news/{{{NEWS}}}publication_date")
    assert w3c_time(date) == lift  # published, for the public, when the embargo ended


def test_a_kill_leaves_every_sitemap_at_once(
    hi_client: TestClient, store: Database, fill: Filler
) -> None:
    keep = fill(story_item(1))
    doomed = fill(story_item(2))
    # every file read once, so each is in the page cache when the kill comes
    assert url_of(doomed, 2) in every_listed(hi_client)
    assert url_of(doomed, 2) in news_titles(hi_client)

    editorial.kill(store, editorial.find_copy(store, doomed), reason="legal", actor="editor asha")

    assert every_listed(hi_client) == {url_of(keep, 1)}
    assert set(news_titles(hi_client)) == {url_of(keep, 1)}
    # an agency's kill as well
    fill(story_item(1, version=2, signals=[Signal.KILL]))
    assert every_listed(hi_client) == set() and news_titles(hi_client) == {}
    assert index_of(hi_client) == []


@pytest.mark.parametrize("duplicates", ["suppress", "link"])
def test_only_a_storys_lead_is_in_the_sitemaps_when_duplicates_are_not_published(
    store: Database, fill: Filler, tmp_path: Path, clock: Clock, duplicates: str
) -> None:
    client = TestClient(site_app(settings_with(tmp_path, duplicates), store, clock=clock))
    lead = fill(story_item(1), source="ians")
    other = fill(story_item(1, guid="pti-1", published_at=T0 + timedelta(minutes=9)), source="pti")
    group(store, lead, other)
    assert every_listed(client) == {url_of(lead, 1)}
    assert set(news_titles(client)) == {url_of(lead, 1)}


def test_sitemaps_are_kept_in_the_page_cache_with_validators(
    hi_client: TestClient, fill: Filler
) -> None:
    fill(story_item(1))
    for path in ("/robots.txt", "/sitemap.xml", "/sitemap-news.xml", "/sitemap-2026-02.xml"):
        first = hi_client.get(path)
        again = hi_client.get(path, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304, path


def test_the_month_of_a_story_is_its_month_in_utc(hi_client: TestClient, fill: Filler) -> None:
    """A story published at 23:30 UTC on 31 January (05:00 IST, 1 February) is January's:
    a file's month never depends on the site's time zone setting."""
    late = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)
    sid = fill(story_item(1, published_at=late), now=late)
    assert list(urlset(hi_client, "/sitemap-2026-01.xml")) == [url_of(sid, 1)]


def test_a_settled_months_count_is_kept_for_hours_the_current_months_never(
    hi_client: TestClient, clock: Clock, fill: Filler, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sitemaps, "PER_FILE", 2)
    january = datetime(2026, 1, 10, tzinfo=UTC)
    for n in range(1, 4):
        fill(story_item(n, published_at=january + timedelta(hours=n)), now=january)
    fill(story_item(10))  # February, the current month
    clock.now = datetime(2026, 2, 10, tzinfo=UTC)

    def files() -> list[str]:
        return [urlsplit(m).path for m in index_of(hi_client)]

    assert files() == ["/sitemap-2026-01.xml", "/sitemap-2026-01-2.xml", "/sitemap-2026-02.xml"]
    late = january + timedelta(days=5)
    fill(story_item(4, published_at=late), story_item(5, published_at=late), now=late)
    fill(story_item(11), story_item(12))
    # February is counted again at once; January, settled, keeps its count a while
    assert files() == [
        "/sitemap-2026-01.xml",
        "/sitemap-2026-01-2.xml",
        "/sitemap-2026-02.xml",
        "/sitemap-2026-02-2.xml",
    ]
    clock.now += sitemaps.COUNTS_KEPT
    assert "/sitemap-2026-01-3.xml" in files()
    assert len(every_listed(hi_client)) == 8
