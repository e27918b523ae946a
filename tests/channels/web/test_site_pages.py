"""The public website as a reader meets it, over a real store on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import lxml.html
from starlette.testclient import TestClient

from tests.channels.channels_support import (
    CREDIT,
    DISCLAIMER,
    T0,
    Clock,
    Filler,
    make_settings,
    story_item,
)
from wiredesk.model import Envelope, Transport
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database
from wiredesk.store.ledger import copies, envelopes


def _headlines(html: str) -> list[str]:
    doc = lxml.html.fromstring(html)
    return [
        a.text_content().strip() for a in doc.xpath("//li[contains(@class,'story-card')]//h2/a")
    ]


def _text(html: str, css_class: str) -> list[str]:
    doc = lxml.html.fromstring(html)
    return [
        " ".join(e.text_content().split())
        for e in doc.xpath(f"//*[contains(concat(' ', @class, ' '), ' {css_class} ')]")
    ]


def _rail(html: str) -> list[str]:
    doc = lxml.html.fromstring(html)
    return [a.text_content().strip() for a in doc.xpath("//*[@class='rail-headline']/a")]


def test_the_latest_stories_page_on_from_the_front_page_s_rail(
    store: Database, tmp_path: Path, clock: Clock, fill: Filler
) -> None:
    fill(*(story_item(n, language="en") for n in range(13)))
    client = TestClient(site_app(make_settings(tmp_path, "en", page_size=2), store, clock=clock))

    first = client.get("/")
    assert first.status_code == 200
    assert _rail(first.text) == [f"ख़बर संख्या {n}" for n in range(12, 2, -1)]  # ten, newest first
    [older] = lxml.html.fromstring(first.text).xpath("//a[@rel='next']/@href")
    assert older.startswith("/?older=") and "Latest stories" not in first.text

    second = client.get(older)  # the plain list, a page (two) at a time
    assert _headlines(second.text) == ["ख़बर संख्या 2", "ख़बर संख्या 1"]
    [oldest] = lxml.html.fromstring(second.text).xpath("//a[@rel='next']/@href")
    assert "Latest stories" in second.text  # and a way back to the newest

    third = client.get(oldest)
    assert _headlines(third.text) == ["ख़बर संख्या 0"]
    assert not lxml.html.fromstring(third.text).xpath("//a[@rel='next']")
    assert client.get("/?older=abc").status_code == 404
    # a numbered page from before cursors leads to the newest page, not a dead end
    assert client.get("/?page=2", follow_redirects=False).headers["location"] == "/"


def test_list_entries_show_teaser_section_source_and_local_time(
    hi_client: TestClient, fill: Filler
) -> None:
    fill(story_item(1, summary="संक्षेप: दोनों नेताओं की मुलाकात"))
    html = hi_client.get("/").text
    assert "संक्षेप: दोनों नेताओं की मुलाकात" in html
    assert 'href="/videsh/">विदेश</a>' in html
    assert 'href="/source/ians/">IANS</a>' in html
    assert "5 फ़रवरी 2026, 15:31 IST" in html


def test_section_page_lists_only_its_own_stories(hi_client: TestClient, fill: Filler) -> None:
    fill(story_item(1), story_item(2, section="khel", headline="क्रिकेट मैच"))
    fill(story_item(3, section="arthik", headline="बाज़ार"), source="pti")

    assert _headlines(hi_client.get("/khel/").text) == ["क्रिकेट मैच"]
    assert _headlines(hi_client.get("/videsh/").text) == ["ख़बर संख्या 1"]
    # not configured, but it has stories: it exists
    assert _headlines(hi_client.get("/arthik/").text) == ["बाज़ार"]
    # a section without a trailing slash is the same page
    assert _headlines(hi_client.get("/khel").text) == ["क्रिकेट मैच"]


def test_empty_configured_section_exists_and_unknown_section_is_404(
    hi_client: TestClient, fill: Filler
) -> None:
    fill(story_item(1))
    empty = hi_client.get("/khel/")
    assert empty.status_code == 200
    assert "यहाँ अभी कोई ख़बर नहीं है।" in empty.text
    assert hi_client.get("/no-such-section/").status_code == 404


def test_source_page_lists_only_that_agency(hi_client: TestClient, fill: Filler) -> None:
    fill(story_item(1, headline="आईएएनएस की ख़बर"))
    fill(story_item(2, headline="पीटीआई की ख़बर", guid="p-2"), source="pti")

    page = hi_client.get("/source/pti/")
    assert page.status_code == 200
    assert _headlines(page.text) == ["पीटीआई की ख़बर"]
    assert "PTI" in page.text
    assert hi_client.get("/source/nobody/").status_code == 404


def test_article_shows_body_credit_disclaimer_source_and_local_time(
    hi_client: TestClient, fill: Filler
) -> None:
    short_id = fill(
        story_item(
            0,
            headline="शी चिनफिंग ने तोकायेव से मुलाकात की",
            byline="संवाददाता",
            credit_line=CREDIT,
            dateline_place="पेइचिंग",
            dateline_date="5 फरवरी",
            link="https://wire.example/story/1",
        )
    )
    page = hi_client.get(f"/videsh/khabar-0-{short_id}")
    assert page.status_code == 200
    html = page.text
    assert '<html lang="hi">' in html
    assert '<h1 class="headline">शी चिनफिंग ने तोकायेव से मुलाकात की</h1>' in html
    assert "<p>पहला अनुच्छेद 0।</p>" in html  # sanitized body rendered as HTML
    assert _text(html, "credit-line") == [CREDIT]
    assert _text(html, "disclaimer") == [DISCLAIMER]
    assert _text(html, "source-line") == ["Source: IANS"]
    assert _text(html, "dateline") == ["पेइचिंग, 5 फरवरी"]
    assert "संवाददाता" in _text(html, "byline")[0]
    assert "5 फ़रवरी 2026, 15:30 IST" in html  # 10:00 UTC in Asia/Kolkata
    assert '<link rel="canonical" href="https://news.example.com/videsh/khabar-0-' in html
    assert '<meta property="og:title" content="शी चिनफिंग ने तोकायेव से मुलाकात की">' in html
    assert 'type="application/rss+xml"' in html and "/videsh/feed.xml" in html
    # one version: no "updated" line and no versions list
    assert _text(html, "updated") == [] and "versions-title" not in html


def test_article_shows_updated_time_and_versions_after_a_second_version(
    en_client: TestClient, fill: Filler
) -> None:
    fill(story_item(0, updated_at=T0, language="en"))
    short_id = fill(
        story_item(
            0, headline="Updated headline", updated_at=T0 + timedelta(hours=1), language="en"
        ),
        now=T0 + timedelta(hours=3),
    )
    html = en_client.get(f"/videsh/khabar-0-{short_id}").text
    assert "Updated headline" in html
    assert _text(html, "updated") == ["Updated 5 Feb 2026, 16:30 IST"]
    versions = _text(html, "versions")[0]
    assert "Version 2 5 Feb 2026, 16:30 IST" in versions
    assert versions.index("Version 2") < versions.index("Version 1")  # newest first


def test_wrong_slug_or_section_redirects_permanently_to_the_canonical_url(
    hi_client: TestClient, fill: Filler
) -> None:
    short_id = fill(story_item(7))
    canonical = f"/videsh/khabar-7-{short_id}"
    for wrong in (f"/videsh/old-slug-{short_id}", f"/khel/khabar-7-{short_id}", f"/x/{short_id}"):
        r = hi_client.get(wrong, follow_redirects=False)
        assert (r.status_code, r.headers["location"]) == (301, canonical), wrong
    assert hi_client.get(f"/videsh/khabar-7-{short_id}x").status_code == 404


def test_unknown_paths_get_a_real_404_page_in_the_site_language(
    hi_client: TestClient, en_client: TestClient
) -> None:
    hi = hi_client.get("/no/such/page")
    assert hi.status_code == 404
    assert hi.headers["content-type"].startswith("text/html")
    assert "पृष्ठ नहीं मिला" in hi.text and 'href="/"' in hi.text
    en = en_client.get("/videsh/no-such-story-abcdefgh")
    assert en.status_code == 404
    assert "Page not found" in en.text and "Go to the home page" in en.text


def test_interface_strings_follow_the_site_language(
    hi_client: TestClient, en_client: TestClient, fill: Filler
) -> None:
    fill(story_item(1), story_item(2, language="en"))
    hi, en = hi_client.get("/").text, en_client.get("/").text
    assert "ताज़ा ख़बरें" in hi and "होम" in hi and "Latest news" not in hi
    assert "Latest news" in en and ">Home<" in en and "ताज़ा ख़बरें" not in en
    assert "5 फ़रवरी 2026" in hi and "5 Feb 2026" in en


def test_pages_use_the_clock_and_the_visibility_gate(
    hi_client: TestClient, clock: Clock, fill: Filler
) -> None:
    short_id = fill(
        story_item(1, published_at=T0 + timedelta(hours=5)), now=T0 + timedelta(hours=6)
    )
    clock.now = T0 + timedelta(hours=4)
    assert _headlines(hi_client.get("/").text) == []
    assert hi_client.get(f"/videsh/khabar-1-{short_id}").status_code == 404
    clock.now = T0 + timedelta(hours=5)
    assert _headlines(hi_client.get("/").text) == ["ख़बर संख्या 1"]


def test_held_stories_are_not_shown(hi_client: TestClient, store: Database) -> None:
    env_id, _ = envelopes.record(
        store, Envelope(source_id="ians", payload=b"held", transport=Transport.HTTP, location="x")
    )
    copies.save(store, "ians", [story_item(9)], env_id, auto_publish=False, now=T0)
    assert _headlines(hi_client.get("/").text) == []


def test_health_reports_the_database(hi_client: TestClient, tmp_path: Path, clock: Clock) -> None:
    ok = hi_client.get("/health")
    assert (ok.status_code, ok.json()["status"], ok.json()["database"]) == (200, "ok", True)

    broken = Database.open(f"sqlite:///{tmp_path}/missing-dir/none.db", run_migrations=False)
    down = TestClient(site_app(make_settings(tmp_path), broken, clock=clock)).get("/health")
    assert down.status_code == 503 and down.json()["database"] is False
