"""How an article page shows a copy's pictures, by its source's `images` setting: the lead
above the story, the body's own pictures in place, never one from the agency's host. The
pictures are recorded through the picture ledger as the fetcher records them (the fetcher
itself is tested against a real server in tests/ingest/pictures)."""

from __future__ import annotations

from pathlib import Path

import lxml.html
from starlette.testclient import TestClient

from tests.channels.channels_support import BASE_URL, T0, Clock, Filler, story_item
from wiredesk.config import parse_settings
from wiredesk.model import ImageLink
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database
from wiredesk.store.ledger import pictures
from wiredesk.store.public.reader import PublicReader

AGENCY = "https://img.wire.example"


def client_for(store: Database, tmp_path: Path, clock: Clock, images: str) -> TestClient:
    settings = parse_settings(
        {
            "site": {"name": "समाचार डेस्क", "language": "hi", "base_url": BASE_URL},
            "sections": {"videsh": "विदेश"},
            "sources": [
                {"id": "ians", "name": "IANS", "url": "https://wire.example/i.xml",
                 "section": "videsh", "images": images},
            ],
        },
        tmp_path / "wiredesk.toml",
    )  # fmt: skip
    return TestClient(site_app(settings, store, clock=clock))


def host(store: Database, clock: Clock, href: str, n: int, size: tuple[int, int]) -> str:
    """Record `href` as hosted for the newest copy; the picture's sha256."""
    sha = f"{n:02x}" * 32
    made = pictures.Made(sha, size[0], size[1], "JPEG", 1000, (320, 640, 1024)[: n + 1])
    state, _ = pictures.record_attempt(store, "ians", href, now=T0, made=made)
    [copy] = PublicReader(store).list_copies(clock(), limit=1)
    pictures.attach(store, "ians", [(copy.item_id, href, state.id)], read_to=n, now=T0)
    return sha


def test_the_lead_picture_is_shown_once_above_the_story_not_again_in_its_body(
    store: Database, tmp_path: Path, clock: Clock, fill: Filler
) -> None:
    """NITF and NewsML-G2 name a picture both as the story's picture and as a `<figure>` in
    its body: it is shown once, above the story, with the agency's caption."""
    lead = f"{AGENCY}/fair.jpg"
    body = (
        f'<p>मेला।</p><figure><img src="{lead}" alt="मेले में भीड़">'
        "<figcaption>मेले में भीड़</figcaption></figure><p>अंत।</p>"
    )
    sid = fill(story_item(1, body_html=body, images=[ImageLink(lead, caption="मेले में भीड़")]))
    client = client_for(store, tmp_path, clock, "host")
    host(store, clock, lead, 2, (1600, 1200))
    html = client.get(f"/videsh/khabar-1-{sid}").text
    doc = lxml.html.fromstring(html)
    assert len(doc.xpath("//img[not(@class='brand-logo')]")) == 1
    assert doc.xpath("//div[@class='article-body']//figure") == []
    assert doc.xpath("//figcaption//text()") == ["मेले में भीड़"]  # the lead's, once
    assert "भीड़" not in doc.xpath("//div[@class='article-body']")[0].text_content()
    assert "img.wire.example" not in html


def test_a_picture_without_caption_or_credit_has_no_empty_caption_and_an_empty_alt(
    store: Database, tmp_path: Path, clock: Clock, fill: Filler
) -> None:
    href = f"{AGENCY}/plain.jpg"
    sid = fill(story_item(1, images=[ImageLink(href)]))
    client = client_for(store, tmp_path, clock, "host")
    host(store, clock, href, 0, (300, 200))
    doc = lxml.html.fromstring(client.get(f"/videsh/khabar-1-{sid}").text)
    [figure] = doc.xpath("//figure[@class='picture']")
    assert figure.xpath(".//figcaption") == []
    [img] = figure.xpath(".//img")
    assert img.get("alt") == "" and img.get("srcset").endswith(" 320w")
    assert (img.get("width"), img.get("height")) == ("320", "213")


def test_a_hosted_picture_of_a_source_no_longer_hosted_is_not_shown(
    store: Database, tmp_path: Path, clock: Clock, fill: Filler
) -> None:
    """Until the fetcher next starts and hides them, pictures hosted for a source whose
    setting is now "none" are not shown by the article page either."""
    href = f"{AGENCY}/x.jpg"
    sid = fill(story_item(1, images=[ImageLink(href, caption="क")]))
    host(store, clock, href, 1, (800, 600))
    html = client_for(store, tmp_path, clock, "none").get(f"/videsh/khabar-1-{sid}").text
    doc = lxml.html.fromstring(html)
    assert doc.xpath("//img[not(@class='brand-logo')] | //picture") == [] and "/media/" not in html
    assert "og:image" not in html
