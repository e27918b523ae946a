"""Provenance and syndication as readers and subscribers see them: the article's chain,
"Also reported by", the `/originator/<name>` page, and the same facts in the three feeds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import feedparser
import lxml.html
import pytest
from lxml import etree
from starlette.testclient import TestClient

from tests.channels import channels_support
from tests.channels.channels_support import BASE_URL, Clock, Filler
from wiredesk.config import Settings, parse_settings
from wiredesk.model import Hop, Item
from wiredesk.runtime.embedded import site_app
from wiredesk.store import operator
from wiredesk.store.database import Database
from wiredesk.store.ledger import editorial, stories
from wiredesk.store.ledger.stories import GroupingPlan

ORIGINATOR = "चाइना मीडिया ग्रुप, पेइचिंग"
NS = "urn:wiredesk:provenance:1"


def story_item(n: int, **kw: Any) -> Item:
    """A copy in the site's language (English: these pages' strings are checked in it)."""
    kw.setdefault("language", "en")
    return channels_support.story_item(n, **kw)


def settings_with(tmp_path: Path, duplicates: str) -> Settings:
    return parse_settings(
        {
            "site": {"name": "Wire Desk", "language": "en", "base_url": BASE_URL,
                     "duplicates": duplicates},
            "sections": {"videsh": "विदेश"},
            "sources": [
                {"id": sid, "name": sid.upper(), "url": f"https://wire.example/{sid}.xml",
                 "section": "videsh"}
                for sid in ("ians", "pti", "ani")
            ],
        },
        tmp_path / "wiredesk.toml",
    )  # fmt: skip


def client_for(
    store: Database, tmp_path: Path, clock: Clock, duplicates: str = "link"
) -> TestClient:
    app = site_app(settings_with(tmp_path, duplicates), store, clock=clock)
    return TestClient(app, follow_redirects=False)


def chain_of(client: TestClient, path: str) -> list[str]:
    doc = lxml.html.fromstring(client.get(path).text)
    return [li.text_content() for li in doc.xpath("//*[@class='provenance']//ol/li")]


def path_of(store: Database, short_id: str) -> str:
    [row] = [r for r in operator.memberships(store, Clock().now) if r.short_id == short_id]
    return row.path


def group(store: Database, *short_ids: str) -> None:
    ids = [editorial.find_copy(store, s) for s in short_ids]
    assert None not in ids
    joins = [(other, ids[0]) for other in ids[1:]]
    stories.apply(store, GroupingPlan(joins=joins), Clock().now)  # type: ignore[arg-type]


def test_the_chain_runs_from_originator_through_every_distributor_to_this_site(
    store: Database, fill: Filler, tmp_path: Path, clock: Clock
) -> None:
    client = client_for(store, tmp_path, clock)
    # credit line, a "Source : PTI" line another website appended, received from IANS
    relayed = fill(story_item(1, originator=ORIGINATOR, upstream_source="PTI"))
    # the agency's own provenance names IANS, and so does its "Source :" line: said once
    hops = fill(
        story_item(
            2,
            provenance=[
                Hop(role="originator", name="Xinhua"),
                Hop(role="hop", name="router-7"),
                Hop(role="distributor", name="IANS"),
            ],
            upstream_source="ians",
        )
    )
    assert chain_of(client, path_of(store, relayed)) == [ORIGINATOR, "PTI", "IANS", "Wire Desk"]
    assert chain_of(client, path_of(store, hops)) == ["Xinhua", "IANS", "Wire Desk"]


def test_the_originator_page_lists_that_originators_stories_under_its_encoded_name(
    store: Database, fill: Filler, tmp_path: Path, clock: Clock
) -> None:
    client = client_for(store, tmp_path, clock)
    credited = fill(story_item(1, originator=ORIGINATOR))
    fill(story_item(2, originator="ऑल इंडिया रेडियो"))
    href = "/originator/" + quote(ORIGINATOR, safe="")
    doc = lxml.html.fromstring(client.get(path_of(store, credited)).text)
    [link] = doc.xpath("//*[@class='provenance']//a")
    assert link.get("href") == href and link.text_content() == ORIGINATOR

    page = client.get(href)
    assert page.status_code == 200
    assert "ख़बर संख्या 1" in page.text and "ख़बर संख्या 2" not in page.text
    assert ORIGINATOR in lxml.html.fromstring(page.text).findtext(".//h1")
    assert client.get("/originator/" + quote("कोई नहीं", safe="")).status_code == 404


@pytest.mark.parametrize("duplicates", ["link", "publish"])
def test_also_reported_by_links_agency_pages_or_under_publish_the_copies(
    store: Database, fill: Filler, tmp_path: Path, clock: Clock, duplicates: str
) -> None:
    client = client_for(store, tmp_path, clock, duplicates)
    lead = fill(story_item(1, guid="i"), source="ians")
    pti = fill(story_item(2, guid="p"), source="pti")
    ani = fill(story_item(3, guid="a"), source="ani")
    group(store, lead, pti, ani)
    doc = lxml.html.fromstring(client.get(path_of(store, lead)).text)
    links = [
        (a.text_content(), a.get("href"))
        for a in doc.xpath("//article//p[@class='also-reported']/a")
    ]
    if duplicates == "publish":
        assert links == [("PTI", path_of(store, pti)), ("ANI", path_of(store, ani))]
    else:
        assert links == [("PTI", "/source/pti/"), ("ANI", "/source/ani/")]
    assert "Also reported by" in doc.text_content()


def test_feeds_carry_originator_provenance_and_the_other_agencies(
    store: Database, fill: Filler, tmp_path: Path, clock: Clock
) -> None:
    client = client_for(store, tmp_path, clock)
    lead = fill(story_item(1, guid="i", originator=ORIGINATOR), source="ians")
    pti = fill(story_item(2, guid="p"), source="pti")
    group(store, lead, pti)
    steps = [("originator", ORIGINATOR), ("distributor", "IANS"), ("site", "Wire Desk")]

    rss = etree.fromstring(client.get("/feed.xml").content)
    [item] = rss.iter("item")  # one entry for the story under "link"
    assert item.findtext("{http://purl.org/dc/elements/1.1/}source") == ORIGINATOR
    assert [(s.get("role"), s.text) for s in item.iter(f"{{{NS}}}step")] == steps
    assert [(a.get("source"), a.text) for a in item.iter(f"{{{NS}}}agency")] == [("pti", "PTI")]

    atom = etree.fromstring(client.get("/atom.xml").content)
    [entry] = atom.iter("{http://www.w3.org/2005/Atom}entry")
    assert entry.findtext(f"{{{NS}}}originator") == ORIGINATOR
    assert [(s.get("role"), s.text) for s in entry.iter(f"{{{NS}}}step")] == steps
    assert len(feedparser.parse(client.get("/atom.xml").content).entries) == 1

    [data] = json.loads(client.get("/feed.json").content)["items"]
    assert data["_wiredesk"] == {
        "originator": ORIGINATOR,
        "provenance": [{"role": r, "name": n} for r, n in steps],
        "also_reported_by": [{"source": "pti", "name": "PTI"}],
    }
