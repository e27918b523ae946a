"""The picture fetcher end to end: a copy is public at once, its pictures are fetched from a
real server on 127.0.0.1 by the feeds' own fetcher, sized with Pillow, and shown by the real
site from its own host — or, when they cannot be had, left out and named in source health."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.ingest.pictures.desk import BASE_URL, Desk, desk_settings
from tests.ingest.pictures.picture_support import (
    PictureServer,
    declared_png,
    photo,
    picture_server,
)
from wiredesk.channels.health import source_health
from wiredesk.model import ImageLink, Transport
from wiredesk.store.database import Database
from wiredesk.store.ledger import pictures as ledger


@pytest.fixture
def server() -> Iterator[PictureServer]:
    with picture_server() as s:
        yield s


def desk(
    store: Database,
    tmp_path: Path,
    server: PictureServer,
    site: dict[str, object] | None = None,
    **source: object,
) -> Desk:
    return Desk(desk_settings(tmp_path, server.port, site, **source), store, server)


def ld_and_meta(doc: object) -> tuple[dict[str, object], dict[str, str]]:
    [script] = doc.xpath("//script[@type='application/ld+json']")  # type: ignore[attr-defined]
    meta = {
        (m.get("property") or m.get("name")): m.get("content")
        for m in doc.xpath("//head/meta")  # type: ignore[attr-defined]
    }
    return json.loads(script.text), meta


def test_a_copy_is_public_at_once_and_gains_its_hosted_pictures_when_they_arrive(
    store: Database, tmp_path: Path, server: PictureServer
) -> None:
    server.files["/p/flood.jpg"] = (200, photo(1600, 1000), "image/jpeg")
    server.files["/p/boat.png"] = (200, photo(800, 600, kind="PNG"), "image/png")
    agency = f"127.0.0.1:{server.port}"
    d = desk(store, tmp_path, server)
    sid = d.story(
        1,
        images=[
            ImageLink(
                href=server.url("/p/flood.jpg"),
                caption="पटना की एक गली में पानी",
                credit="फ़ोटो: ए. कुमार / वायर",
            )
        ],
        body_html=(
            "<p>पहला अनुच्छेद।</p>"
            f'<figure><img src="{server.url("/p/boat.png")}" alt="नाव से राहत">'
            "<figcaption>राहत दल की नाव</figcaption></figure><p>आख़िरी अनुच्छेद।</p>"
        ),
    )
    # published at once, before any picture: no picture, and nothing of the agency's host
    html, doc = d.page(sid)
    assert doc.xpath("//img[not(@class='brand-logo')]") == [] and agency not in html
    assert "राहत दल की नाव" in html  # the body's caption stays without its picture
    for feed in ("/feed.xml", "/atom.xml", "/feed.json"):
        assert agency not in d.client.get(feed).text, feed

    assert d.host() == 1
    assert sorted(server.paths()) == ["/p/boat.png", "/p/flood.jpg"]

    html, doc = d.page(sid)  # the same client: its page cache was told
    assert agency not in html
    [lead] = doc.xpath("//figure[@class='picture']")
    [img] = lead.xpath(".//img")
    assert img.get("loading") == "eager" and img.get("decoding") == "async"
    assert (img.get("width"), img.get("height")) == ("1024", "640")
    assert img.get("alt") == "पटना की एक गली में पानी"
    [webp] = lead.xpath(".//source[@type='image/webp']")
    assert [s.split()[1] for s in webp.get("srcset").split(", ")] == ["320w", "640w", "1024w"]
    assert lead.xpath(".//figcaption/span[@class='caption']/text()") == ["पटना की एक गली में पानी"]
    assert lead.xpath(".//figcaption/span[@class='credit']/text()") == ["फ़ोटो: ए. कुमार / वायर"]
    [body_img] = doc.xpath("//div[@class='article-body']//picture//img")
    assert body_img.get("loading") == "lazy" and body_img.get("alt") == "नाव से राहत"
    assert "राहत दल की नाव" in html

    # every picture on the page is the site's own, and each rendition is what it says
    sources = doc.xpath("//img[not(@class='brand-logo')]/@src") + [
        u.split()[0] for s in doc.xpath("//img/@srcset | //source/@srcset") for u in s.split(", ")
    ]
    assert sources and all(s.startswith("/media/") for s in sources)
    for url in sources:
        response = d.client.get(url)
        assert response.status_code == 200
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert response.headers["content-type"] == (
            "image/webp" if url.endswith(".webp") else "image/jpeg"
        )
        width = int(url.rsplit("-", 1)[1].split(".")[0])
        assert Image.open(io.BytesIO(response.content)).size[0] == width
        assert "img-src 'self';" in response.headers["content-security-policy"]
    assert "img-src 'self';" in d.client.get(d.path(sid)).headers["content-security-policy"]

    # search engines and social sites get the hosted rendition, never the agency's address
    ld, meta = ld_and_meta(doc)
    largest = BASE_URL + lead.xpath(".//img/@srcset")[0].split(", ")[-1].split()[0]
    assert largest.endswith("-1024.jpg")
    assert meta["og:image"] == largest and meta["twitter:image"] == largest
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1024", "640")
    assert ld["image"] == [
        {
            "@type": "ImageObject",
            "url": largest,
            "width": 1024,
            "height": 640,
            "caption": "पटना की एक गली में पानी",
        }
    ]

    # the outbound feeds carry the same pictures, on the site's absolute addresses
    for feed in ("/feed.xml", "/atom.xml", "/feed.json"):
        text = d.client.get(feed).text
        assert agency not in text, feed
        assert text.count(BASE_URL + "/media/") >= 2, feed  # the lead and the body's

    # a later pass has nothing to fetch again
    assert d.host() == 0 and len(server.requests) == 2


def test_the_same_picture_under_two_addresses_is_stored_and_sized_once(
    store: Database, tmp_path: Path, server: PictureServer
) -> None:
    same = photo(700, 500)
    server.files["/a.jpg"] = (200, same, "image/jpeg")
    server.files["/b.jpg"] = (200, same, "image/jpeg")
    d = desk(store, tmp_path, server)
    one = d.story(1, images=[ImageLink(server.url("/a.jpg"))])
    two = d.story(2, images=[ImageLink(server.url("/b.jpg"))])
    d.host()
    _, first = d.page(one)
    _, second = d.page(two)
    assert first.xpath("//figure//img/@src") == second.xpath("//figure//img/@src")
    media = tmp_path / "data" / "media"
    assert len(list(media.rglob("*.original"))) == 1
    assert len(list(media.rglob("*.webp"))) == 3  # 320, 640, 700


def test_a_picture_on_a_private_address_is_refused_and_the_story_stands(
    store: Database, tmp_path: Path, server: PictureServer
) -> None:
    server.files["/p.jpg"] = (200, photo(800, 600), "image/jpeg")
    d = desk(store, tmp_path, server, allow_private=False)
    sid = d.story(1, images=[ImageLink(server.url("/p.jpg"), caption="क")])
    d.host()
    assert server.requests == []  # the guard refused before connecting
    html, doc = d.page(sid)
    assert (
        doc.xpath("//img[not(@class='brand-logo')]") == []
        and f"127.0.0.1:{server.port}" not in html
    )
    [health] = source_health(d.db.engine, d.settings, d.clock())
    assert health.pictures_failed_24h == 1
    assert health.last_picture_error is not None
    assert server.url("/p.jpg") in health.last_picture_error
    assert "loopback address" in health.last_picture_error
    # refused for good: not tried again, not even later
    d.clock.advance(hours=2)
    d.host()
    assert server.requests == []


def test_a_decompression_bomb_and_an_oversized_file_are_refused_with_a_line_each(
    store: Database, tmp_path: Path, server: PictureServer
) -> None:
    server.files["/bomb.png"] = (200, declared_png(60_000, 60_000), "image/png")
    server.files["/huge.jpg"] = (200, photo(1800, 1200), "image/jpeg")
    assert len(photo(1800, 1200)) > 20_000
    d = desk(store, tmp_path, server, site={"max_picture_bytes": 20_000})
    bomb = d.story(1, images=[ImageLink(server.url("/bomb.png"))])
    huge = d.story(2, images=[ImageLink(server.url("/huge.jpg"))])
    d.host()
    for sid in (bomb, huge):
        html, doc = d.page(sid)
        assert (
            doc.xpath("//img[not(@class='brand-logo')]") == [] and "ख़बर संख्या" in html
        )  # published, no picture
    states = ledger.url_states(d.db, "wire", [server.url("/bomb.png"), server.url("/huge.jpg")])
    bomb_line = states[server.url("/bomb.png")].error or ""
    huge_line = states[server.url("/huge.jpg")].error or ""
    assert "decompression bomb" in bomb_line and server.url("/bomb.png") in bomb_line
    assert "max_picture_bytes" in huge_line and server.url("/huge.jpg") in huge_line
    assert {s.state for s in states.values()} == {ledger.FAILED}
    [health] = source_health(d.db.engine, d.settings, d.clock())
    assert health.pictures_failed_24h == 2
    assert not list((tmp_path / "data").rglob("*.webp"))


def test_a_picture_not_there_yet_is_tried_again_and_shows_up_later(
    store: Database, tmp_path: Path, server: PictureServer
) -> None:
    server.files["/later.jpg"] = (503, b"busy", "text/plain")
    d = desk(store, tmp_path, server)
    sid = d.story(1, images=[ImageLink(server.url("/later.jpg"), caption="बाद में")])
    d.host()
    [state] = ledger.url_states(d.db, "wire", [server.url("/later.jpg")]).values()
    assert state.state == ledger.WAITING and "HTTP 503" in (state.error or "")
    _, doc = d.page(sid)
    assert doc.xpath("//img[not(@class='brand-logo')]") == []

    server.files["/later.jpg"] = (200, photo(900, 600), "image/jpeg")
    d.host()  # not yet due: nothing is asked
    assert server.paths() == ["/later.jpg"]
    d.clock.advance(minutes=2)
    assert d.host() == 1
    _, doc = d.page(sid)  # the cached page learnt of it
    assert doc.xpath("//figure[@class='picture']//img/@alt") == ["बाद में"]
    [health] = source_health(d.db.engine, d.settings, d.clock())
    assert health.pictures_failed_24h == 0 and health.last_picture_error is None


def test_images_none_shows_nothing_and_fetches_nothing(
    store: Database, tmp_path: Path, server: PictureServer
) -> None:
    server.files["/p.jpg"] = (200, photo(800, 600), "image/jpeg")
    d = desk(store, tmp_path, server, images="none")
    sid = d.story(
        1,
        images=[ImageLink(server.url("/p.jpg"), caption="चित्र")],
        body_html=f'<p>पाठ</p><p><img src="{server.url("/p.jpg")}" alt="भीतर"></p>',
    )
    d.host()
    assert server.requests == []
    html, doc = d.page(sid)
    assert doc.xpath("//img[not(@class='brand-logo')] | //picture") == []
    assert f"127.0.0.1:{server.port}" not in html
    assert doc.xpath("//*[contains(@class,'images')]") == []


def test_images_link_links_to_the_agency_and_shows_nothing_inline(
    store: Database, tmp_path: Path, server: PictureServer
) -> None:
    server.files["/p.jpg"] = (200, photo(800, 600), "image/jpeg")
    d = desk(store, tmp_path, server, images="link")
    sid = d.story(
        1,
        images=[ImageLink(server.url("/p.jpg"), caption="चित्र", credit="वायर")],
        body_html=f'<p>पाठ</p><p><img src="{server.url("/q.jpg")}" alt="भीतर"></p>',
    )
    d.host()
    assert server.requests == []
    _, doc = d.page(sid)
    assert doc.xpath("//img[not(@class='brand-logo')] | //picture") == []
    [link] = doc.xpath("//*[contains(@class,'images')]//a")
    assert link.get("href") == server.url("/p.jpg") and link.text_content() == "चित्र"
    assert doc.xpath("//*[contains(@class,'images')]//*[@class='credit']/text()") == ["वायर"]
    [inline] = doc.xpath("//a[@class='picture-link']")
    assert inline.get("href") == server.url("/q.jpg") and inline.text_content() == "भीतर"


def test_a_source_that_stops_hosting_shows_its_pictures_no_more(
    store: Database, tmp_path: Path, server: PictureServer
) -> None:
    server.files["/p.jpg"] = (200, photo(800, 600), "image/jpeg")
    d = desk(store, tmp_path, server)
    sid = d.story(1, images=[ImageLink(server.url("/p.jpg"))])
    d.host()
    assert d.page(sid)[1].xpath("//figure[@class='picture']")
    linked = desk(store, tmp_path, server, images="link")
    linked.clock = d.clock
    linked.host()  # adopts the new settings
    _, doc = linked.page(sid)
    assert doc.xpath("//img[not(@class='brand-logo')] | //picture") == []
    assert d.db is linked.db and ledger.cursor(d.db, "wire") is None


def test_the_agencys_credentials_go_to_its_own_hosts_only(
    store: Database, tmp_path: Path, server: PictureServer
) -> None:
    for name in ("/mine.jpg", "/other.jpg", "/listed.jpg"):
        server.files[name] = (200, photo(400, 300), "image/jpeg")
    key = {"X-Api-Key": "s3cret-key-for-pictures"}
    d = desk(store, tmp_path, server, headers=key)
    d.story(1, images=[ImageLink(server.url("/mine.jpg"))])
    d.story(2, images=[ImageLink(server.url("/other.jpg", host="localhost"))])
    d.host()
    sent = {path: headers.get("x-api-key") for path, headers in server.requests}
    assert sent == {"/mine.jpg": "s3cret-key-for-pictures", "/other.jpg": None}

    listed = desk(store, tmp_path, server, headers=key, headers_hosts=["localhost"])
    listed.clock = d.clock
    listed.story(3, images=[ImageLink(server.url("/listed.jpg", host="localhost"))])
    listed.host()
    assert server.requests[-1] == ("/listed.jpg", server.requests[-1][1])
    assert server.requests[-1][1].get("x-api-key") == "s3cret-key-for-pictures"


def test_pictures_beside_a_dropped_file_are_read_from_the_folder_and_nowhere_else(
    store: Database, tmp_path: Path, server: PictureServer
) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "pictures").mkdir(parents=True)
    (inbox / "pictures" / "mela.jpg").write_bytes(photo(900, 600))
    (tmp_path / "secret.jpg").write_bytes(photo(300, 200))
    d = desk(store, tmp_path, server, url=None, folder=str(inbox), allow_private=None)
    dropped = str(inbox / "001.xml")
    good = d.story(
        1,
        images=[ImageLink("pictures/mela.jpg", caption="मेला")],
        location=dropped,
        transport=Transport.FOLDER,
    )
    bad = d.story(
        2,
        images=[ImageLink("../secret.jpg"), ImageLink((tmp_path / "secret.jpg").as_uri())],
        location=dropped,
        transport=Transport.FOLDER,
    )
    d.host()
    assert d.page(good)[1].xpath("//figure[@class='picture']//img/@alt") == ["मेला"]
    # none of its own (its related stories may show the good one's)
    own = "//img[not(@class='brand-logo')][not(ancestor::section[@class='related'])]"
    assert d.page(bad)[1].xpath(own) == []
    [health] = source_health(d.db.engine, d.settings, d.clock())
    assert health.pictures_failed_24h == 2
    assert "outside the source's folder" in (health.last_picture_error or "")


def test_a_relative_address_in_a_pushed_payload_is_refused_in_words(
    store: Database, tmp_path: Path, server: PictureServer
) -> None:
    d = desk(store, tmp_path, server)
    d.story(
        1,
        images=[ImageLink("photo.jpg")],
        location="push from 10.0.0.1",
        transport=Transport.PUSH,
    )
    d.host()
    [health] = source_health(d.db.engine, d.settings, d.clock())
    assert "pushed payload" in (health.last_picture_error or "")
