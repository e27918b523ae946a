"""The same story from three wires, end to end, under each `[site] duplicates` policy.

Real payloads go through the real ingest path (`store_and_process`: raw envelope, parser,
pipeline, store, syndication): IANS sends the seed as ninjs with its trailer lines kept (the
originator's credit, a website's disclaimer, `Source : IANS`), PTI the seed's text as RSS, and
ANI a teaser (headline and first paragraph) as RSS. Then the site and its feeds are read as a
reader and a subscriber would. Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import feedparser
import pytest
from lxml import html as lxml_html
from starlette.testclient import TestClient

from tests import fixture_files
from wiredesk.config import Settings, parse_settings
from wiredesk.ingest.accept import accept
from wiredesk.model import Envelope, Transport
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database
from wiredesk.store.operator import memberships as story_rows

SEED = fixture_files.SEED
T0 = datetime(2022, 2, 5, 9, 0, tzinfo=UTC)
HEADLINE = "शी चिनफिंग ने कजाकिस्तान के राष्ट्रपति तोकायेव से मुलाकात की"
ORIGINATOR = "चाइना मीडिया ग्रुप, पेइचिंग"
WIREDESK_NS = "urn:wiredesk:provenance:1"


def seed_lines() -> list[str]:
    return [line.strip() for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]


def ninjs(paragraphs: list[str], *, version: int, when: datetime, status: str = "usable") -> bytes:
    doc = {
        "uri": "urn:ians:2022-02-05:xi-tokayev",
        "version": str(version),
        "firstcreated": T0.isoformat(),
        "versioncreated": when.isoformat(),
        "pubstatus": status,
        "language": "hi",
        "headlines": [{"value": HEADLINE}],
        "bodies": [
            {"contenttype": "text/html", "value": "".join(f"<p>{p}</p>" for p in paragraphs)}
        ],
    }
    return json.dumps(doc, ensure_ascii=False).encode()


def rss(agency: str, guid: str, paragraphs: list[str], *, when: datetime) -> bytes:
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<rss version="2.0"><channel><title>{agency} Hindi</title>'
        f"<link>https://{agency.lower()}.example/</link><description>wire</description>"
        "<language>hi</language>"
        f"<item><title>{escape(HEADLINE)}</title>"
        f'<guid isPermaLink="false">{guid}</guid>'
        f"<pubDate>{format_datetime(when)}</pubDate>"
        f"<description>{escape(body)}</description></item>"
        "</channel></rss>\n"
    ).encode()


def make_settings(tmp_path: Path, db_url: str, policy: str) -> Settings:
    return parse_settings(
        {
            "site": {
                "name": "Wire Desk",
                "language": "hi",  # the wires' language: a site publishes its own language
                "base_url": "https://news.example",
                "timezone": "Asia/Kolkata",
                "data_dir": str(tmp_path),
                "database": db_url,
                "duplicates": policy,
            },
            "sections": {"videsh": "विदेश"},
            "sources": [
                {
                    "id": s,
                    "name": s.upper(),
                    "url": f"https://{s}.example/feed",
                    "section": "videsh",
                }
                for s in ("ians", "pti", "ani")
            ],
        },
        tmp_path / "wiredesk.toml",
    )


class Desk:
    """The site over a real store, fed through the real ingest path."""

    def __init__(self, tmp_path: Path, db_url: str, policy: str) -> None:
        self.settings = make_settings(tmp_path, db_url, policy)
        self.store = Database.open(db_url)
        self.now = T0 + timedelta(hours=2)
        self.client = TestClient(
            site_app(self.settings, self.store, clock=lambda: self.now), follow_redirects=False
        )

    def send(self, source_id: str, payload: bytes, at: datetime) -> None:
        source = self.settings.source(source_id)
        assert source is not None
        env = Envelope(source_id, payload, Transport.PUSH, "push", received_at=at)
        outcome = accept(self.settings, self.store, source, env)
        assert outcome.error is None, outcome.error

    def path_of(self, source_id: str) -> str:
        [row] = [r for r in story_rows(self.store, self.now) if r.source_id == source_id]
        return row.path

    def story_ids(self) -> dict[str, int | None]:
        return {r.source_id: r.story_id for r in story_rows(self.store, self.now)}

    def home_cards(self) -> list[tuple[str, list[str]]]:
        """(headline link, "Also reported by" names) of each card on the home page."""
        doc = lxml_html.fromstring(self.client.get("/").text)
        out = []
        for card in doc.xpath("//li[contains(@class,'story-card')]"):
            [link] = card.xpath(".//h2/a")
            also = [a.text_content() for a in card.xpath(".//*[@class='also-reported']/a")]
            out.append((link.get("href"), also))
        return out

    def home_rail(self) -> list[str]:
        """The links of the home page's "latest" rail, which lists what lists list."""
        doc = lxml_html.fromstring(self.client.get("/").text)
        return [str(a.get("href")) for a in doc.xpath("//*[@class='rail-headline']/a")]

    def feed_links(self) -> list[str]:
        return [e.link for e in feedparser.parse(self.client.get("/feed.xml").content).entries]

    def also_on_page(self, path: str) -> list[tuple[str, str]]:
        doc = lxml_html.fromstring(self.client.get(path).text)
        return [
            (a.text_content(), a.get("href"))
            for a in doc.xpath("//article//*[@class='also-reported']/a")
        ]


def feed_also(client: TestClient) -> dict[str, list[str]]:
    """Entry link -> the agencies the RSS feed's wiredesk:alsoReportedBy names."""
    from lxml import etree

    root = etree.fromstring(client.get("/feed.xml").content)
    out: dict[str, list[str]] = {}
    for item in root.iter("item"):
        link = item.findtext("link")
        out[link] = [a.text for a in item.iter(f"{{{WIREDESK_NS}}}agency")]
    return out


@pytest.fixture(params=["link", "suppress", "publish"])
def desk(request: pytest.FixtureRequest, tmp_path: Path, db_url: str) -> Desk:
    d = Desk(tmp_path, db_url, request.param)
    lines = seed_lines()
    story, trailers = lines[:5], lines[5:]
    assert trailers[-1] == "Source : IANS"
    d.send("ians", ninjs(story + trailers, version=1, when=T0), T0 + timedelta(minutes=1))
    d.send(
        "pti",
        rss("PTI", "pti-xi-1", story, when=T0 + timedelta(minutes=10)),
        T0 + timedelta(minutes=11),
    )
    d.send(
        "ani",
        rss("ANI", "ani-xi-1", story[:1], when=T0 + timedelta(minutes=20)),
        T0 + timedelta(minutes=21),
    )
    yield d
    d.store.close()


def test_three_wires_make_one_story_told_as_the_policy_says(desk: Desk) -> None:
    ids = desk.story_ids()
    assert len(set(ids.values())) == 1, ids  # the seed, its copy and the teaser: one story
    ians, pti, ani = (desk.path_of(s) for s in ("ians", "pti", "ani"))
    base = "https://news.example"
    mode = desk.settings.site.duplicates

    if mode == "publish":
        # the front page's blocks name a story once; its rail, like every list, each copy
        [(shown, _)] = desk.home_cards()
        assert shown in (ians, pti, ani)
        assert sorted(desk.home_rail()) == sorted([ians, pti, ani])
        assert sorted(desk.feed_links()) == sorted(base + p for p in (ians, pti, ani))
        # each copy names the others, linked to those copies
        assert desk.also_on_page(ians) == [("PTI", pti), ("ANI", ani)]
        for path in (pti, ani):
            assert desk.client.get(path).status_code == 200
        return

    # link and suppress: one entry, the earliest copy leads and names the other two agencies
    assert desk.home_cards() == [(ians, ["PTI", "ANI"])]
    assert desk.feed_links() == [base + ians]
    assert feed_also(desk.client) == {base + ians: ["PTI", "ANI"]}
    assert desk.also_on_page(ians) == [("PTI", "/source/pti/"), ("ANI", "/source/ani/")]
    page = desk.client.get(ians).text
    assert "इन्होंने भी दी ख़बर" in page
    doc = lxml_html.fromstring(page)
    chain = [li.text_content() for li in doc.xpath("//*[@class='provenance']//ol/li")]
    assert chain == [ORIGINATOR, "IANS", "Wire Desk"]
    for path in (pti, ani):
        resp = desk.client.get(path)
        if mode == "suppress":
            assert resp.status_code == 301 and resp.headers["location"] == ians
        else:
            assert resp.status_code == 200  # under link a copy's own URL still works
    # an agency's page lists its own copy wherever that copy is public
    pti_page = desk.client.get("/source/pti/").text
    assert (pti in pti_page) is (mode == "link")


def test_an_update_of_a_member_keeps_the_story_together(desk: Desk) -> None:
    lines = seed_lines()
    story = lines[:5]
    before = desk.story_ids()
    updated = [*story[:4], story[4] + " दोनों नेताओं ने संयुक्त बयान भी जारी किया।"]
    when = T0 + timedelta(minutes=40)
    desk.send("pti", rss("PTI", "pti-xi-1", updated, when=when), when)
    assert desk.story_ids() == before
    page = desk.client.get(desk.path_of("pti"))
    if desk.settings.site.duplicates == "suppress":
        assert page.status_code == 301
    else:
        assert "संयुक्त बयान" in page.text


def test_a_kill_of_the_lead_promotes_the_next_member(desk: Desk) -> None:
    lines = seed_lines()
    when = T0 + timedelta(minutes=50)
    desk.send("ians", ninjs(lines, version=2, when=when, status="canceled"), when)
    ians, pti, ani = (desk.path_of(s) for s in ("ians", "pti", "ani"))
    assert desk.client.get(ians).status_code == 410
    base = "https://news.example"
    mode = desk.settings.site.duplicates
    if mode == "publish":
        [(shown, _)] = desk.home_cards()
        assert shown in (pti, ani)
        assert sorted(desk.home_rail()) == sorted([pti, ani])
        assert desk.also_on_page(pti) == [("ANI", ani)]
        return
    assert desk.home_cards() == [(pti, ["ANI"])]
    assert desk.feed_links() == [base + pti]
    assert desk.also_on_page(pti) == [("ANI", "/source/ani/")]
    resp = desk.client.get(ani)
    if mode == "suppress":
        assert resp.status_code == 301 and resp.headers["location"] == pti
    else:
        assert resp.status_code == 200
    [lead] = {r.lead_path for r in story_rows(desk.store, desk.now)}
    assert lead == pti
