"""What an article page tells search engines and social sites: schema.org NewsArticle JSON-LD
(parsed back with json), OpenGraph, the Twitter card and the canonical link — and a headline
that tries to end the JSON-LD's script element cannot. Real app, real store on SQLite and
PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from starlette.testclient import TestClient

from tests.channels.channels_support import (
    BASE_URL,
    CREDIT,
    T0,
    Clock,
    Filler,
    make_settings,
    story_item,
)
from wiredesk.config import parse_settings
from wiredesk.errors import ConfigError
from wiredesk.model import ImageLink, Signal
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database
from wiredesk.store.ledger import pictures
from wiredesk.store.public.reader import PublicReader

HOSTILE = '</script><script>alert("x")</script><!-- & \u2028 ख़बर'


def head_of(client: TestClient, path: str) -> tuple[dict[str, str], dict[str, Any], Any]:
    """(meta property/name -> content, the JSON-LD, the parsed page) of an article."""
    page = client.get(path)
    assert page.status_code == 200
    doc = lxml.html.fromstring(page.text)
    meta = {
        (m.get("property") or m.get("name")): m.get("content") for m in doc.xpath("//head/meta")
    }
    [script] = doc.xpath("//script")  # the only script element: nothing broke out of it
    assert script.get("type") == "application/ld+json"
    assert script.getparent().tag == "head"
    return meta, json.loads(script.text), doc


def test_an_article_carries_newsarticle_json_ld_with_everything_google_reads(
    hi_client: TestClient, fill: Filler
) -> None:
    sid = fill(
        story_item(
            1,
            headline="दिल्ली में बारिश",
            byline="रमेश कुमार",
            credit_line=CREDIT,
            link="https://wire.example/story/1",
            copyright="© 2026 IANS",
            version=1,
        )
    )
    fill(
        story_item(
            1,
            headline="दिल्ली में बारिश",
            byline="रमेश कुमार",
            credit_line=CREDIT,
            link="https://wire.example/story/1",
            version=2,
            signals=[Signal.CORRECTION],
            correction_note="तारीख़ सुधारी गई।",
            updated_at=T0 + timedelta(minutes=150),
        ),
        now=T0 + timedelta(hours=3),
    )
    path = f"/videsh/khabar-1-{sid}"
    _, ld, doc = head_of(hi_client, path)
    canonical = BASE_URL + path
    assert doc.xpath("//link[@rel='canonical']/@href") == [canonical]
    assert ld["@context"] == "https://schema.org" and ld["@type"] == "NewsArticle"
    assert ld["headline"] == "दिल्ली में बारिश"
    assert ld["mainEntityOfPage"]["@id"] == canonical and ld["url"] == canonical
    assert ld["datePublished"] == "2026-02-05T10:01:00Z"
    assert ld["dateModified"] == "2026-02-05T12:30:00Z"
    assert ld["inLanguage"] == "hi"
    assert ld["articleSection"] == "विदेश"
    assert ld["author"] == [{"@type": "Person", "name": "रमेश कुमार"}]
    assert ld["creditText"] == CREDIT
    assert ld["publisher"] == {
        "@type": "Organization",
        "name": "समाचार डेस्क",
        "url": BASE_URL + "/",
        "logo": {"@type": "ImageObject", "url": BASE_URL + "/static/logo.png"},
    }
    based = ld["isBasedOn"]
    assert based["url"] == "https://wire.example/story/1"
    assert based["publisher"] == {"@type": "Organization", "name": "IANS"}
    [correction] = ld["correction"]
    assert correction["@type"] == "CorrectionComment"
    assert correction["text"].endswith("तारीख़ सुधारी गई।")
    assert correction["datePublished"] == "2026-02-05T12:30:00Z"
    assert "image" not in ld  # no picture


def test_the_publishers_logo_is_served_by_the_site(hi_client: TestClient, fill: Filler) -> None:
    _, ld, _ = head_of(hi_client, f"/videsh/khabar-1-{fill(story_item(1))}")
    logo = ld["publisher"]["logo"]["url"].removeprefix(BASE_URL)
    page = hi_client.get(logo)
    assert page.status_code == 200 and page.headers["content-type"] == "image/png"
    assert page.content.startswith(b"\x89PNG")


def test_without_a_byline_the_agency_is_the_author(hi_client: TestClient, fill: Filler) -> None:
    _, ld, _ = head_of(hi_client, f"/videsh/khabar-1-{fill(story_item(1))}")
    assert ld["author"] == [{"@type": "Organization", "name": "IANS"}]
    assert ld["creditText"] == "IANS"
    assert ld["dateModified"] == ld["datePublished"]
    assert "correction" not in ld and "url" not in ld["isBasedOn"]


def test_a_headline_with_a_closing_script_tag_cannot_break_out_of_the_json_ld(
    hi_client: TestClient, fill: Filler
) -> None:
    sid = fill(story_item(1, headline=HOSTILE, summary="<b>बोल्ड</b> & 'उद्धरण'"))
    page = hi_client.get(f"/videsh/khabar-1-{sid}")
    block = page.text.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block and "&" not in block
    assert "\u2028" not in block
    meta, ld, doc = head_of(hi_client, f"/videsh/khabar-1-{sid}")
    assert ld["headline"] == HOSTILE and ld["description"] == "<b>बोल्ड</b> & 'उद्धरण'"
    assert meta["og:title"] == HOSTILE and meta["twitter:title"] == HOSTILE
    assert not doc.xpath("//body//script")


def test_opengraph_and_the_twitter_card_describe_the_article(
    hi_client: TestClient, fill: Filler, store: Database, tmp_path: Path, clock: Clock
) -> None:
    sid = fill(story_item(1, headline="दिल्ली में बारिश", summary="राजधानी में तेज़ बारिश।"))
    path = f"/videsh/khabar-1-{sid}"
    meta, _, _ = head_of(hi_client, path)
    assert meta["og:type"] == "article"
    assert meta["og:title"] == "दिल्ली में बारिश"
    assert meta["og:url"] == BASE_URL + path
    assert meta["og:description"] == "राजधानी में तेज़ बारिश।"
    assert meta["og:locale"] == "hi_IN"
    assert meta["og:site_name"] == "समाचार डेस्क"
    assert meta["twitter:card"] == "summary"
    assert meta["twitter:title"] == "दिल्ली में बारिश"
    assert meta["twitter:description"] == "राजधानी में तेज़ बारिश।"
    assert "og:image" not in meta and "twitter:image" not in meta

    english = fill(story_item(2, headline="Rain in Delhi", language="en"))
    both = TestClient(site_app(make_settings(tmp_path, "hi", editions=("en",)), store, clock=clock))
    meta, ld, _ = head_of(both, f"/en/videsh/khabar-2-{english}")
    assert meta["og:locale"] == "en_IN" and ld["inLanguage"] == "en"
    assert meta["og:url"] == f"{BASE_URL}/en/videsh/khabar-2-{english}"


def test_a_picture_the_site_hosts_is_og_image_and_json_ld_image_an_agencys_is_not(
    store: Database, tmp_path: Path, clock: Clock, fill: Filler
) -> None:
    """The picture named to crawlers is the hosted rendition under base_url (recorded here
    through the picture ledger as the fetcher records it; tests/ingest/pictures fetch one
    for real); an agency's address is never named, hosted or not."""
    settings = parse_settings(
        {
            "site": {"name": "समाचार डेस्क", "language": "hi", "base_url": BASE_URL},
            "sections": {"videsh": "विदेश"},
            "sources": [
                {"id": "ians", "name": "IANS", "url": "https://wire.example/i.xml",
                 "section": "videsh", "images": "host"},
            ],
        },
        tmp_path / "wiredesk.toml",
    )  # fmt: skip
    client = TestClient(site_app(settings, store, clock=clock))
    agency = "https://img.wire.example/rain.jpg"
    sid = fill(story_item(1, images=[ImageLink(href=agency, caption="बारिश में दिल्ली")]))
    meta, ld, _ = head_of(client, f"/videsh/khabar-1-{sid}")
    assert "og:image" not in meta and "image" not in ld  # not hosted (yet)
    assert meta["twitter:card"] == "summary"

    sha = "ab" * 32
    made = pictures.Made(sha, 1600, 900, "JPEG", 1234, (320, 640, 1024))
    state, _ = pictures.record_attempt(store, "ians", agency, now=T0, made=made)
    [copy] = PublicReader(store).list_copies(clock())
    pictures.attach(store, "ians", [(copy.item_id, agency, state.id)], read_to=1, now=T0)
    hosted = f"{BASE_URL}/media/{sha}-1024.jpg"
    meta, ld, doc = head_of(client, f"/videsh/khabar-1-{sid}")
    assert meta["og:image"] == hosted
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1024", "576")
    assert meta["og:image:alt"] == "बारिश में दिल्ली"
    assert meta["twitter:card"] == "summary_large_image" and meta["twitter:image"] == hosted
    assert ld["image"] == [
        {
            "@type": "ImageObject",
            "url": hosted,
            "width": 1024,
            "height": 576,
            "caption": "बारिश में दिल्ली",
        }
    ]
    assert "img.wire.example" not in lxml.html.tostring(doc, encoding="unicode")


def test_the_logo_setting_names_the_publishers_logo(
    store: Database, tmp_path: Path, clock: Clock, fill: Filler
) -> None:
    settings = parse_settings(
        {
            "site": {
                "name": "Wire Desk",
                "base_url": BASE_URL,
                "logo": "https://cdn.example/l.png",
            },
            "sources": [{"id": "ians", "name": "IANS", "url": "https://wire.example/i.xml"}],
        },
        tmp_path / "wiredesk.toml",
    )
    client = TestClient(site_app(settings, store, clock=clock))
    sid = fill(story_item(1, section="news", language="en"))  # the site's language
    _, ld, _ = head_of(client, f"/news/khabar-1-{sid}")
    assert ld["publisher"]["logo"]["url"] == "https://cdn.example/l.png"
    assert ld["publisher"]["name"] == "Wire Desk"


@pytest.mark.parametrize("logo", ["logo.png", "//cdn.example/l.png", "javascript:x", "ftp://x/l"])
def test_a_logo_that_is_neither_a_site_path_nor_a_web_url_is_refused(
    tmp_path: Path, logo: str
) -> None:
    with pytest.raises(ConfigError) as info:
        parse_settings({"site": {"logo": logo}}, tmp_path / "wiredesk.toml")
    assert "site.logo: must be a path on the site" in str(info.value)
