"""Outbound feeds are safe for every consumer (issue 13, must-have 2).

Each hostile case in tests/hostile/cases/ for this item is pushed to the site through
`POST /ingest/<source>` (the real ingest path: raw payload, parser, pipeline, store), then
every outbound feed of the site and of the story's section is read the way subscribers read
it: RSS and Atom with feedparser with sanitizing off, JSON Feed as JSON. A field that is text
must show exactly the stored text and make no element, whichever way a reader takes it; the
body is the one HTML field and carries none of the elements the case names.

RSS is read pessimistically: it never says whether a field is text or HTML and most readers
render titles and descriptions as HTML, so every RSS text field is parsed as HTML. Atom and
JSON Feed declare their kinds, so their text fields are compared as text, and the declaration
itself is checked.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import feedparser
import pytest
from lxml import etree
from starlette.testclient import TestClient

from tests.channels.channels_support import BASE_URL, Filler, story_item
from wiredesk.config import Settings, parse_settings
from wiredesk.model import utcnow
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database
from wiredesk.store.public.reader import PublicReader
from wiredesk.store.public.views import Copy

CASES = Path(__file__).resolve().parents[2] / "hostile" / "cases"
TOKEN = "t" * 32
ATOM = "{http://www.w3.org/2005/Atom}"


def _cases() -> list[tuple[str, Path, dict[str, Any]]]:
    out = []
    for expect_file in sorted(CASES.glob("*/expect.toml")):
        expect = tomllib.loads(expect_file.read_text(encoding="utf-8"))
        if expect.get("issue") == 13 and expect.get("item") == 2:
            (payload,) = expect_file.parent.glob("payload.*")
            out.append((expect_file.parent.name, payload, expect))
    return out


CASE_LIST = _cases()


def test_the_cases_are_there() -> None:
    """A glob that finds nothing would make every case below pass by not running."""
    assert len(CASE_LIST) >= 5


class _Html(HTMLParser):
    """What an HTML reader makes of a string: its elements, their attributes, its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _read_html(value: str) -> _Html:
    reader = _Html()
    reader.feed(value)
    reader.close()
    return reader


def _as_html_text(value: str, where: str) -> str:
    """The text an HTML reader shows for `value`, which must make no element."""
    read = _read_html(value)
    assert read.elements == [], f"{where}: {value!r} makes elements {read.elements}"
    return "".join(read.text)


def _check_body(value: str, forbidden: list[str], where: str) -> None:
    read = _read_html(value)
    assert not set(read.elements) & set(forbidden), f"{where}: {read.elements}"
    for name, attr in read.attributes:
        assert not name.startswith("on"), f"{where}: event handler {name}={attr!r}"
        assert not attr.strip().lower().startswith("javascript:"), f"{where}: {attr!r}"


def _settings(tmp_path: Path) -> Settings:
    return parse_settings(
        {
            "site": {"name": "Wire Desk", "language": "en", "base_url": BASE_URL},
            # the cases are in both languages: each edition's feeds are checked
            "editions": {"hi": {}},
            "sections": {"videsh": "World"},
            "sources": [
                {"id": "ians", "name": "IANS", "section": "videsh", "push_token": TOKEN},
            ],
        },
        tmp_path / "wiredesk.toml",
    )


@pytest.fixture
def site(store: Database, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(site_app(_settings(tmp_path), store)) as client:
        yield client


def _push(client: TestClient, payload: bytes) -> None:
    resp = client.post(
        "/ingest/ians", content=payload, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert resp.status_code == 202, resp.text
    assert resp.json()["status"] == "processed", resp.json()


def _expected(settings: Settings, c: Copy) -> dict[str, Any]:
    """What every feed must show of a copy, as text."""
    tags = [settings.site.section_name(c.section, c.language)]
    tags += [cat for cat in c.categories if cat not in tags]
    return {
        "title": c.headline,
        "summary": c.teaser,
        "author": c.byline or "IANS",
        "tags": tags,
    }


def _feed_dirs(copies: list[Copy]) -> list[str]:
    return ["/", *sorted({f"/{c.section}/" for c in copies})]


def _check_rss(data: bytes, want: dict[str, dict[str, Any]], bad: list[str], where: str) -> None:
    feed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    assert not feed.bozo, feed.get("bozo_exception")
    for name in ("title", "subtitle"):
        _as_html_text(feed.feed[name], f"{where} channel {name}")
    assert {e.link for e in feed.entries} == set(want)
    for e in feed.entries:
        exp, at = want[e.link], f"{where} {e.link}"
        assert _as_html_text(e.title, at + " title") == exp["title"]
        assert _as_html_text(e.summary, at + " description") == exp["summary"]
        assert _as_html_text(e.author, at + " dc:creator") == exp["author"]
        assert [_as_html_text(t.term, at + " category") for t in e.tags] == exp["tags"]
        assert [c.type for c in e.content] == ["text/html"]
        _check_body(e.content[0].value, bad, at + " content:encoded")


def _check_atom(data: bytes, want: dict[str, dict[str, Any]], bad: list[str], where: str) -> None:
    root = etree.fromstring(data)
    for el in root.iter(f"{ATOM}title", f"{ATOM}subtitle", f"{ATOM}summary"):
        assert el.get("type") == "text", f"{where}: <{etree.QName(el).localname}> {el.attrib}"
    for el in root.iter(f"{ATOM}content"):
        assert el.get("type") == "html", where
    feed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    assert not feed.bozo, feed.get("bozo_exception")
    assert {e.link for e in feed.entries} == set(want)
    for e in feed.entries:
        exp, at = want[e.link], f"{where} {e.link}"
        assert (e.title_detail.type, e.title) == ("text/plain", exp["title"]), at
        assert (e.summary_detail.type, e.summary) == ("text/plain", exp["summary"]), at
        assert e.author == exp["author"], at
        assert [t.term for t in e.tags] == exp["tags"], at
        assert [c.type for c in e.content] == ["text/html"], at
        _check_body(e.content[0].value, bad, at + " content")


def _check_json(data: bytes, want: dict[str, dict[str, Any]], bad: list[str], where: str) -> None:
    feed = json.loads(data)
    assert {i["url"] for i in feed["items"]} == set(want)
    for item in feed["items"]:
        exp, at = want[item["url"]], f"{where} {item['url']}"
        # JSON Feed's title, summary, author names and tags are plain text by its spec
        assert item["title"] == exp["title"], at
        assert item["summary"] == exp["summary"], at
        assert item["authors"] == [{"name": exp["author"]}], at
        assert item["tags"] == exp["tags"], at
        assert "content_text" not in item, at
        _check_body(item["content_html"], bad, at + " content_html")


@pytest.mark.parametrize(("name", "payload", "expect"), CASE_LIST, ids=[c[0] for c in CASE_LIST])
def test_hostile_text_reaches_every_outbound_feed_as_text(
    site: TestClient,
    store: Database,
    tmp_path: Path,
    name: str,
    payload: Path,
    expect: dict[str, Any],
) -> None:
    _push(site, payload.read_bytes())
    copies = PublicReader(store).list_copies(utcnow(), limit=50)
    if "headlines" in expect:
        assert sorted(c.headline for c in copies) == sorted(expect["headlines"])
    settings = _settings(tmp_path)
    bad = list(expect["feeds_no_elements"])
    assert {c.language for c in copies} <= {"en", "hi"}
    for edition in settings.site.editions:
        mine = [c for c in copies if c.language == edition.language]
        for feed_dir in _feed_dirs(mine):
            want = {
                BASE_URL + edition.prefix + c.path: _expected(settings, c)
                for c in mine
                if feed_dir == "/" or feed_dir == f"/{c.section}/"
            }
            for path, check in (
                ("feed.xml", _check_rss),
                ("atom.xml", _check_atom),
                ("feed.json", _check_json),
            ):
                resp = site.get(edition.prefix + feed_dir + path)
                assert resp.status_code == 200, (name, feed_dir + path)
                check(resp.content, want, bad, f"{name} {edition.prefix}{feed_dir}{path}")


def test_rss_text_that_reads_the_same_as_html_is_not_escaped_twice(
    hi_client: TestClient, fill: Filler
) -> None:
    """Readers that show RSS titles literally (as the RSS Advisory Board advises) keep showing
    "AT&T" as "AT&T": text is escaped as HTML only when an HTML reading would change it."""
    fill(story_item(1, headline="AT&T और Q&A > 5", summary="R&D पर 10 > 9"))
    fill(story_item(2, headline="लिखा &amp; और <b>", summary="a &copy b"))
    text = hi_client.get("/feed.xml").text
    assert "<title>AT&amp;T और Q&amp;A &gt; 5</title>" in text
    assert "<description>R&amp;D पर 10 &gt; 9</description>" in text
    assert "<title>लिखा &amp;amp;amp; और &amp;lt;b&amp;gt;</title>" in text
    assert "<description>a &amp;amp;copy b</description>" in text
