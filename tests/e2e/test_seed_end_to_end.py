"""The seed's system, end to end: an agency feed served over HTTP becomes a live Hindi site.

`wiredesk ingest --once` runs as a real process against a real local HTTP server; the site is
the real ASGI app over the same database (SQLite file, then PostgreSQL).
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import feedparser
import pytest
from lxml import html as lxml_html
from starlette.testclient import TestClient

from tests import fixture_files
from tests.e2e.feedserver import serve_feeds
from wiredesk.config import load_settings
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database

SEED = fixture_files.SEED
HEADLINE = "शी चिनफिंग ने कजाकिस्तान के राष्ट्रपति तोकायेव से मुलाकात की"
SITE_DISCLAIMER = (
    "डिस्क्लेमरः यह आईएएनएस न्यूज फीड से सीधे पब्लिश हुई खबर है। "
    "इसके साथ वायरडेस्क टीम ने किसी तरह की कोई एडिटिंग नहीं की है।"
)


def seed_lines() -> list[str]:
    return [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]


def rss(body_paragraphs: list[str], *, headline: str = HEADLINE, when: datetime) -> bytes:
    body = "".join(f"<p>{escape(p)}</p>" for p in body_paragraphs)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0"><channel><title>IANS Hindi</title>'
        "<link>https://ians.example/</link><description>wire</description>"
        "<language>hi</language>"
        f"<item><title>{escape(headline)}</title>"
        '<guid isPermaLink="false">ians-2022-02-05-xi-tokayev</guid>'
        "<link>https://ians.example/xi-tokayev</link>"
        f"<pubDate>{format_datetime(when)}</pubDate>"
        "<category>videsh</category>"
        f"<description>{escape(body)}</description></item>"
        "</channel></rss>\n"
    ).encode()


def write_config(tmp: Path, feed_url: str, db_url: str) -> Path:
    cfg = tmp / "wiredesk.toml"
    cfg.write_text(
        f"""
[site]
name = "वायरडेस्क समाचार"
language = "hi"
base_url = "https://news.example"
timezone = "Asia/Kolkata"
data_dir = "data"
database = "{db_url}"

[sections]
videsh = "विदेश"
desh = "देश"

[[sources]]
id = "ians"
name = "IANS"
url = "{feed_url}"
allow_private = true
section = "desh"
poll_every = 60
disclaimer = "{SITE_DISCLAIMER}"
""",
        encoding="utf-8",
    )
    return cfg


def ingest_once(cfg: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).parent / "wiredesk"), "ingest", "--once", "--config", str(cfg)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def body_text_of(page: str) -> str:
    """The text of the story body element on the article page."""
    doc = lxml_html.fromstring(page)
    [body] = doc.xpath('//*[contains(concat(" ", normalize-space(@class), " "), " article-body ")]')
    return body.text_content()


@pytest.fixture
def site(tmp_path: Path, db_url: str):
    with serve_feeds() as server:
        cfg = write_config(tmp_path, server.url("/ians.xml"), db_url)
        settings = load_settings(cfg)
        store = Database.open(settings.site.database)
        client = TestClient(site_app(settings, store))
        yield server, cfg, client
        store.close()


def test_seed_feed_becomes_an_article_with_provenance_lifted_out_of_the_body(site) -> None:
    server, cfg, client = site
    lines = seed_lines()
    server.put("/ians.xml", rss(lines, when=datetime(2022, 2, 5, 14, 0, tzinfo=UTC)))

    done = ingest_once(cfg)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ians" in done.stdout

    home = client.get("/")
    assert home.status_code == 200
    doc = lxml_html.fromstring(home.text)
    links = [a.get("href") for a in doc.xpath("//a[@href]") if HEADLINE in a.text_content()]
    assert links, "the story is not linked from the home page"
    url = links[0]
    assert url.startswith("/videsh/") and url.split("/")[-1].startswith("shi-")

    page = client.get(url)
    assert page.status_code == 200
    text = page.text
    body = body_text_of(text)
    # the five body paragraphs are there, word for word
    for paragraph in lines[:5]:
        assert paragraph[:60] in body
    # nothing of the attribution trailer is left inside the body
    assert "साभार" not in body
    assert "डिस्क्लेमर" not in body
    assert "Source :" not in body and "IANS" not in body
    # ... and it is shown where it belongs
    assert "(साभार : चाइना मीडिया ग्रुप, पेइचिंग)" in text
    assert SITE_DISCLAIMER in text
    assert "न्यूज नेशन टीम" not in text  # the upstream site's disclaimer is not republished
    assert "Source: IANS" in text
    # published time in the site's time zone (14:00 UTC is 19:30 in Kolkata)
    assert "19:30" in text


def test_an_update_of_the_story_becomes_a_new_version_on_the_page(site) -> None:
    server, cfg, client = site
    lines = seed_lines()
    server.put("/ians.xml", rss(lines, when=datetime(2022, 2, 5, 14, 0, tzinfo=UTC)))
    assert ingest_once(cfg).returncode == 0
    [url] = {
        a.get("href")
        for a in lxml_html.fromstring(client.get("/").text).xpath("//a[@href]")
        if HEADLINE in a.text_content()
    }

    # the same payload again: nothing changes
    assert ingest_once(cfg).returncode == 0
    assert version_entries(client.get(url).text) == []

    added = "ताज़ा जानकारी: दोनों नेताओं ने एक संयुक्त बयान भी जारी किया।"
    updated = [*lines[:5], added, *lines[5:]]
    server.put("/ians.xml", rss(updated, when=datetime(2022, 2, 5, 16, 0, tzinfo=UTC)))
    done = ingest_once(cfg)
    assert done.returncode == 0, done.stdout + done.stderr

    page = client.get(url)  # same URL: the slug and id do not move with versions
    assert page.status_code == 200
    assert added in body_text_of(page.text)
    assert len(version_entries(page.text)) == 2


def version_entries(page: str) -> list[str]:
    doc = lxml_html.fromstring(page)
    return [li.text_content() for li in doc.xpath('//*[contains(@class, "versions")]//li')]


def test_outbound_feeds_parse_back_with_the_story(site) -> None:
    server, cfg, client = site
    server.put("/ians.xml", rss(seed_lines(), when=datetime(2022, 2, 5, 14, 0, tzinfo=UTC)))
    assert ingest_once(cfg).returncode == 0
    links = []
    for path in ("/feed.xml", "/atom.xml", "/videsh/feed.xml", "/videsh/atom.xml"):
        resp = client.get(path)
        assert resp.status_code == 200, path
        parsed = feedparser.parse(resp.content)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        [entry] = parsed.entries
        assert entry.title == HEADLINE
        links.append(entry.link)
    for path in ("/feed.json", "/videsh/feed.json"):  # feedparser does not read JSON Feed
        feed = json.loads(client.get(path).content)
        assert feed["version"] == "https://jsonfeed.org/version/1.1"
        [item] = feed["items"]
        assert item["title"] == HEADLINE
        assert "चाइना मीडिया ग्रुप" in item["content_html"]
        links.append(item["url"])
    assert len(set(links)) == 1, links
    [link] = set(links)
    assert link.startswith("https://news.example/videsh/shi-")
    assert client.get(link.removeprefix("https://news.example")).status_code == 200
    # a section with no stories has a valid, empty feed
    assert feedparser.parse(client.get("/desh/feed.xml").content).entries == []


def test_a_failing_source_is_reported_with_exit_code_1(site) -> None:
    _server, cfg, _client = site  # nothing is served at /ians.xml: the server answers 404
    done = ingest_once(cfg)
    assert done.returncode == 1
    assert "ians" in done.stdout + done.stderr and "404" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
