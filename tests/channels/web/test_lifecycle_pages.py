"""The story lifecycle as readers and subscribers meet it: kills answer 410 Gone, hidden
stories are 404 until their time, corrections are dated, agency metadata is shown.
Real app, real store on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import unicodedata
from datetime import timedelta
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from starlette.testclient import TestClient

from tests.channels.channels_support import T0, Clock, Filler, make_settings, story_item
from wiredesk.model import Envelope, Hop, ImageLink, PubStatus, Signal, Subject, Transport
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database
from wiredesk.store.ledger import copies, editorial, envelopes

FEEDS = ("feed.xml", "atom.xml", "feed.json")
GONE_HI = "यह खबर एजेंसी ने वापस ले ली है।"
GONE_EN = "This story has been withdrawn by the agency."


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def texts(html: str, css_class: str) -> list[str]:
    doc = lxml.html.fromstring(html)
    return [
        " ".join(e.text_content().split())
        for e in doc.xpath(f"//*[contains(concat(' ', @class, ' '), ' {css_class} ')]")
    ]


def public_urls() -> list[str]:
    lists = ["/", "/videsh/", "/source/ians/"]
    return lists + [f"/{f}" for f in FEEDS] + [f"/videsh/{f}" for f in FEEDS]


def test_a_killed_story_leaves_every_list_and_feed_and_its_url_answers_410(
    hi_client: TestClient, fill: Filler
) -> None:
    fill(story_item(1, headline="बची रहने वाली ख़बर", version=1))
    sid = fill(story_item(2, headline="वापस ली जाने वाली ख़बर", version=1))
    path = f"/videsh/khabar-2-{sid}"
    assert hi_client.get(path).status_code == 200
    for url in public_urls():
        assert "वापस ली जाने वाली ख़बर" in hi_client.get(url).text, url

    fill(story_item(2, headline="वापस ली जाने वाली ख़बर", version=2, pub_status=PubStatus.CANCELED))

    for url in public_urls():
        page = hi_client.get(url)
        assert page.status_code == 200, url
        assert "वापस ली जाने वाली ख़बर" not in page.text and sid not in page.text, url
        assert "बची रहने वाली ख़बर" in page.text, url
    gone = hi_client.get(path)
    assert gone.status_code == 410
    assert texts(gone.text, "gone-notice") == [GONE_HI]
    assert 'href="/"' in gone.text
    assert "वापस ली जाने वाली" not in gone.text and "अनुच्छेद" not in gone.text
    assert gone.headers["cache-control"] == "no-store"
    # any slug or section in front of the short id is the same story, and it is gone
    for variant in (f"/khel/other-slug-{sid}", f"/videsh/{sid}", f"/videsh/khabar-2-{sid}/"):
        assert hi_client.get(variant, follow_redirects=False).status_code in (410, 307), variant
    assert hi_client.get(f"/khel/other-slug-{sid}").status_code == 410


def test_the_gone_page_lists_the_latest_stories_and_keeps_up_with_them(
    hi_client: TestClient, fill: Filler
) -> None:
    fill(story_item(1, headline="पहली बची ख़बर"), story_item(2, headline="दूसरी बची ख़बर"))
    sid = fill(story_item(3, headline="हटाई गई ख़बर", version=1))
    fill(story_item(3, headline="हटाई गई ख़बर", version=2, pub_status=PubStatus.CANCELED))

    def latest() -> list[tuple[str, str]]:
        page = hi_client.get(f"/videsh/khabar-3-{sid}")
        assert page.status_code == 410
        doc = lxml.html.fromstring(page.text)
        return [
            (li.xpath("string(.//h3)").strip(), li.xpath("string(./time)"))
            for li in doc.xpath("//section[@class='latest-list']//li")
        ]

    # a reader who followed a shared link finds the news of the moment, never the story
    assert latest() == [("दूसरी बची ख़बर", "23 घंटे पहले"), ("पहली बची ख़बर", "23 घंटे पहले")]
    hour_ago = T0 + timedelta(hours=23)
    fill(story_item(4, headline="नई ख़बर", published_at=hour_ago), now=hour_ago)
    assert latest()[0] == ("नई ख़बर", "1 घंटा पहले")  # the kept 410 went with the new story


def test_the_gone_notice_is_in_the_sites_language(
    store: Database, tmp_path: Path, clock: Clock, fill: Filler
) -> None:
    sid = fill(story_item(1, version=1), story_item(1, version=2, signals=[Signal.KILL]))
    en = TestClient(site_app(make_settings(tmp_path, "en"), store, clock=clock))
    page = en.get(f"/videsh/khabar-1-{sid}")
    assert page.status_code == 410
    assert texts(page.text, "gone-notice") == [GONE_EN]
    assert '<html lang="en">' in page.text


def test_an_editors_kill_says_the_editors_took_it_down(
    store: Database, tmp_path: Path, clock: Clock, fill: Filler
) -> None:
    sid = fill(story_item(1))
    editorial.kill(store, editorial.find_copy(store, sid), reason="legal", actor="editor asha")
    en = TestClient(site_app(make_settings(tmp_path, "en"), store, clock=clock))
    page = en.get(f"/videsh/khabar-1-{sid}")
    assert page.status_code == 410
    assert texts(page.text, "gone-notice") == ["This story has been taken down by the editors."]


def test_withheld_embargoed_and_held_stories_are_plain_404s(
    hi_client: TestClient, store: Database, clock: Clock, fill: Filler
) -> None:
    withheld = fill(
        story_item(1, version=1), story_item(1, version=2, pub_status=PubStatus.WITHHELD)
    )
    embargoed = fill(story_item(2, embargo_until=clock.now + timedelta(hours=1)))
    env_id, _ = envelopes.record(
        store, Envelope(source_id="ians", payload=b"held", transport=Transport.HTTP, location="x")
    )
    [held] = copies.save(store, "ians", [story_item(3)], env_id, auto_publish=False, now=T0)
    not_found = hi_client.get("/videsh/no-such-story-zzzzzzzz")
    assert not_found.status_code == 404
    for n, sid in ((1, withheld), (2, embargoed), (3, held.short_id)):
        page = hi_client.get(f"/videsh/khabar-{n}-{sid}")
        assert page.status_code == 404, n
        assert page.text == not_found.text  # nothing tells it apart from a wrong address
        assert f"ख़बर संख्या {n}" not in page.text


def test_an_embargoed_story_appears_on_its_own_when_the_clock_passes_the_embargo(
    hi_client: TestClient, clock: Clock, fill: Filler
) -> None:
    lift = clock.now + timedelta(hours=1)
    sid = fill(story_item(7, headline="प्रतिबंधित ख़बर", embargo_until=lift))
    path = f"/videsh/khabar-7-{sid}"
    clock.now = lift - timedelta(seconds=1)
    assert hi_client.get(path).status_code == 404
    for url in public_urls():
        assert "प्रतिबंधित ख़बर" not in hi_client.get(url).text, url

    clock.now = lift  # nothing else happens: no job, no new payload

    assert hi_client.get(path).status_code == 200
    for url in public_urls():
        assert "प्रतिबंधित ख़बर" in hi_client.get(url).text, url


def test_a_correction_is_shown_with_its_date_on_the_page_and_in_the_feeds(
    store: Database, tmp_path: Path, clock: Clock, fill: Filler
) -> None:
    sid = fill(story_item(1, version=1))
    fill(
        story_item(
            1,
            version=2,
            body_html="<p>सही पाठ।</p>",
            signals=[Signal.CORRECTION],
            updated_at=T0 + timedelta(minutes=150),  # 18:00 IST
            correction_note="मंत्री के नाम की वर्तनी सुधारी गई।",
        ),
        now=T0 + timedelta(hours=3),
    )
    hi = TestClient(site_app(make_settings(tmp_path, "hi"), store, clock=clock))
    expected = nfc("सुधार (5 फ़रवरी 2026, 18:00 IST): मंत्री के नाम की वर्तनी सुधारी गई।")
    page = hi.get(f"/videsh/khabar-1-{sid}")
    assert texts(page.text, "correction") == [expected]
    assert "सही पाठ।" in page.text

    items = json.loads(hi.get("/feed.json").text)["items"]
    assert expected in items[0]["content_html"]
    assert expected in hi.get("/feed.xml").text
    assert expected in hi.get("/videsh/atom.xml").text


def test_a_correction_without_a_note_gets_a_default_sentence(
    store: Database, tmp_path: Path, clock: Clock, fill: Filler
) -> None:
    sid = fill(story_item(1, version=1, language="en"))
    fill(
        story_item(
            1,
            version=2,
            signals=[Signal.CORRECTION],
            updated_at=T0 + timedelta(hours=1),
            language="en",
        ),
        now=T0 + timedelta(hours=3),
    )
    en = TestClient(site_app(make_settings(tmp_path, "en"), store, clock=clock))
    [note] = texts(en.get(f"/videsh/khabar-1-{sid}").text, "correction")
    assert note == (
        "Correction (5 Feb 2026, 16:30 IST): An earlier version of this story contained an "
        "error that has been corrected."
    )


def test_a_plain_update_shows_no_correction_note(hi_client: TestClient, fill: Filler) -> None:
    sid = fill(story_item(1, version=1), story_item(1, version=2, body_html="<p>नया</p>"))
    page = hi_client.get(f"/videsh/khabar-1-{sid}").text
    assert texts(page, "correction") == [] and "नया" in page


def test_article_shows_subheadline_provenance_topics_rights_and_images_as_links(
    hi_client: TestClient, fill: Filler
) -> None:
    sid = fill(
        story_item(
            1,
            subheadline="दोनों देशों के बीच व्यापार पर बात",
            provenance=[
                Hop(role="originator", name="चाइना मीडिया ग्रुप"),
                Hop(role="hop", name="router-7"),
                Hop(role="distributor", name="IANS"),
            ],
            subjects=[Subject(code="medtop:11000000", name="राजनीति", scheme="medtop")],
            keywords=["बीजिंग", "राजनीति", "कूटनीति"],
            copyright="© 2026 IANS",
            usage_terms="केवल समाचार उपयोग के लिए",
            images=[
                ImageLink(href="https://img.example/a.jpg", caption="बैठक", width=800, height=600),
                ImageLink(href="javascript:alert(1)", caption="बुरा लिंक"),
            ],
        )
    )
    html = hi_client.get(f"/videsh/khabar-1-{sid}").text
    doc = lxml.html.fromstring(html)
    assert texts(html, "subheadline") == ["दोनों देशों के बीच व्यापार पर बात"]
    chain = [li.text_content() for li in doc.xpath("//*[@class='provenance']//ol/li")]
    assert chain == ["चाइना मीडिया ग्रुप", "IANS", "समाचार डेस्क"]
    assert texts(html, "tag") == ["राजनीति", "बीजिंग", "कूटनीति"]
    assert texts(html, "copyright") == ["© 2026 IANS"]
    assert texts(html, "usage-terms") == ["उपयोग की शर्तें: केवल समाचार उपयोग के लिए"]
    [link] = doc.xpath("//*[contains(@class,'images')]//a")
    assert link.get("href") == "https://img.example/a.jpg" and link.text_content() == "बैठक"
    assert "img.example" not in "".join(img.get("src", "") for img in doc.xpath("//img"))
    assert "javascript:" not in html and "बुरा लिंक" not in html


def test_provenance_falls_back_to_the_credit_line_and_is_absent_without_one(
    hi_client: TestClient, fill: Filler
) -> None:
    credited = fill(story_item(1, originator="चाइना मीडिया ग्रुप, पेइचिंग"))
    plain = fill(story_item(2))
    doc = lxml.html.fromstring(hi_client.get(f"/videsh/khabar-1-{credited}").text)
    chain = [li.text_content() for li in doc.xpath("//*[@class='provenance']//ol/li")]
    assert chain == ["चाइना मीडिया ग्रुप, पेइचिंग", "IANS", "समाचार डेस्क"]
    assert texts(hi_client.get(f"/videsh/khabar-2-{plain}").text, "provenance") == []


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,x"])
def test_an_unsafe_original_link_is_not_rendered(
    hi_client: TestClient, fill: Filler, link: str
) -> None:
    sid = fill(story_item(1, link=link))
    page = hi_client.get(f"/videsh/khabar-1-{sid}")
    assert page.status_code == 200
    assert texts(page.text, "original") == [] and link not in page.text


def test_the_version_list_shows_the_agency_s_times_as_the_header_does_with_arrival_beside(
    en_client: TestClient, fill: Filler, clock: Clock
) -> None:
    """RSS says when a story was published and nothing about updates. The header shows that
    time; the list of versions used to show arrival times (a day apart for a copy that came
    late), so the two disagreed. Now each line shows the agency's time by the header's rules
    (an update the agency does not date is dated by its arrival) and arrival beside it where
    the two differ."""
    first = story_item(1, language="en")  # published at T0 + 1 minute
    fill(first, now=T0 + timedelta(days=1))  # arrives a day late
    clock.now = T0 + timedelta(days=2)
    sid = fill(
        story_item(1, body_html="<p>नया पाठ।</p>", body_text="नया पाठ।", language="en"),
        now=T0 + timedelta(days=1, hours=3),  # the same pubDate, new text, three hours later
    )
    page = lxml.html.fromstring(en_client.get(f"/videsh/khabar-1-{sid}").text)
    published = _within(page, "published")[0].xpath(".//time")[0].get("datetime")
    updated = _within(page, "updated")[0].xpath(".//time")[0].get("datetime")
    lines = _within(page, "versions")[0].xpath(".//li")
    assert [li.xpath("./time")[0].get("datetime") for li in lines] == [updated, published]
    assert published.startswith((T0 + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M"))
    assert updated.startswith((T0 + timedelta(days=1, hours=3)).strftime("%Y-%m-%dT%H:%M"))
    newest, oldest = lines
    assert _within(newest, "received") == []  # dated by its arrival: nothing to add
    arrival = _within(oldest, "received")[0].xpath(".//time")[0].get("datetime")
    assert arrival.startswith((T0 + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    assert "received" in oldest.text_content()


def _within(element: Any, css_class: str) -> list[Any]:
    return list(element.xpath(f'.//*[contains(concat(" ", @class, " "), " {css_class} ")]'))
