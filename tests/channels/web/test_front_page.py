"""The front page as a reader meets it: a lead, top stories, a block per section and a
"latest" rail, chosen from what the wires say; relative times that never go stale in the
page cache. Over a real store on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import lxml.html
from sqlalchemy import event
from starlette.testclient import TestClient

from tests.channels.channels_support import T0, Clock, Filler, make_settings, story_item
from wiredesk.channels.web import front_page
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database
from wiredesk.store.ledger import editorial, stories
from wiredesk.store.ledger.stories import GroupingPlan
from wiredesk.store.public.reader import PublicReader
from wiredesk.store.public.views import Copy


def _doc(client: TestClient, path: str = "/") -> Any:
    page = client.get(path)
    assert page.status_code == 200
    return lxml.html.fromstring(page.text)


def _texts(doc: Any, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in doc.xpath(xpath)]


def _lead(doc: Any) -> str:
    [headline] = _texts(doc, "//li[contains(@class,'story-card lead')]//h2")
    return headline


def _top(doc: Any) -> list[str]:
    return _texts(doc, "//li[contains(@class,'story-card top')]//h2")


def _blocks(doc: Any) -> dict[str, list[str]]:
    out = {}
    for block in doc.xpath("//section[@class='section-block']"):
        [name] = _texts(block, ".//h2")
        out[name] = _texts(block, ".//h3 | .//ul[@class='block-list']/li/a")
    return out


def _same_story(store: Database, *short_ids: str) -> None:
    ids = [editorial.find_copy(store, s) for s in short_ids]
    assert None not in ids
    stories.apply(store, GroupingPlan(joins=[(i, ids[0]) for i in ids[1:]]), T0)  # type: ignore[arg-type]


def test_a_story_two_agencies_carry_leads_the_page_over_newer_ones(
    hi_client: TestClient, store: Database, fill: Filler
) -> None:
    fill(story_item(0))
    told = fill(story_item(1))
    fill(*(story_item(n) for n in range(2, 6)))
    pti = fill(story_item(101, headline="पीटीआई की वही ख़बर", guid="pti-1"), source="pti")
    _same_story(store, told, pti)  # "ख़बर संख्या 1" is carried by IANS and PTI
    doc = _doc(hi_client)
    assert _lead(doc) == "ख़बर संख्या 1"
    assert _texts(doc, "//li[contains(@class,'lead')]//*[@class='also-reported']/a") == ["PTI"]
    # then the newest, four of them, and the story only once (its PTI copy is not listed)
    assert _top(doc) == [f"ख़बर संख्या {n}" for n in (5, 4, 3, 2)]
    assert "पीटीआई की वही ख़बर" not in hi_client.get("/").text


def test_an_urgent_story_counts_as_one_agency_more(hi_client: TestClient, fill: Filler) -> None:
    fill(story_item(1, urgency=2), story_item(2, urgency=5), story_item(3))
    doc = _doc(hi_client)
    assert _lead(doc) == "ख़बर संख्या 1"  # a bulletin, older than the two after it
    assert _top(doc) == ["ख़बर संख्या 3", "ख़बर संख्या 2"]  # urgency 5 is routine


def test_each_section_has_a_block_of_what_the_top_of_the_page_does_not_show(
    hi_client: TestClient, fill: Filler
) -> None:
    # 6 stories in videsh, the newest; 3 in khel, older; 2 in an unconfigured section
    fill(*(story_item(n, section="khel", headline=f"खेल {n}") for n in range(3)))
    fill(*(story_item(n, section="arthik", headline=f"बाज़ार {n}") for n in range(3, 5)))
    fill(*(story_item(n, headline=f"विदेश {n}") for n in range(5, 11)))
    doc = _doc(hi_client)
    assert _lead(doc) == "विदेश 10"
    assert _top(doc) == ["विदेश 9", "विदेश 8", "विदेश 7", "विदेश 6"]
    # configured sections in their order, then the others; a block's first is its lead
    assert _blocks(doc) == {
        "विदेश": ["विदेश 5"],
        "खेल": ["खेल 2", "खेल 1", "खेल 0"],
        "Arthik": ["बाज़ार 4", "बाज़ार 3"],
    }
    [khel] = doc.xpath("//section[@class='section-block'][.//a[@href='/khel/']]")
    # without a picture the block's lead is text-led: its teaser is there to read
    assert _texts(khel, ".//div[contains(@class,'block-lead')]/p[@class='teaser']") == [
        "पहला अनुच्छेद 2।"
    ]


def test_the_rail_is_the_newest_in_time_order_and_leads_on_only_when_there_is_more(
    hi_client: TestClient, store: Database, fill: Filler
) -> None:
    fill(*(story_item(n) for n in range(4)))
    big = fill(story_item(9, headline="पुरानी पर बड़ी", published_at=T0 - timedelta(hours=3)))
    pti = fill(story_item(99, guid="pti-9", published_at=T0 - timedelta(hours=3)), source="pti")
    _same_story(store, big, pti)
    doc = _doc(hi_client)
    assert _lead(doc) == "पुरानी पर बड़ी"
    rail = _texts(doc, "//*[@class='rail-headline']")
    assert rail == ["ख़बर संख्या 3", "ख़बर संख्या 2", "ख़बर संख्या 1", "ख़बर संख्या 0", "पुरानी पर बड़ी"]
    assert not doc.xpath("//a[@rel='next']")  # five stories: the rail shows them all


def test_an_empty_site_says_so(hi_client: TestClient) -> None:
    doc = _doc(hi_client)
    assert _texts(doc, "//*[@class='empty']") == ["यहाँ अभी कोई ख़बर नहीं है।"]
    assert not doc.xpath("//*[contains(@class,'story-card')]")


def test_the_front_page_s_layout_reads_without_any_picture(
    hi_client: TestClient, fill: Filler
) -> None:
    """Until pictures come (i15-pictures), the page is text-led: the lead's teaser is shown
    and no empty picture frame is left behind."""
    fill(story_item(1, summary="सारांश: बड़ी बैठक"))
    doc = _doc(hi_client)
    [lead] = doc.xpath("//li[contains(@class,'story-card lead')]")
    assert "with-picture" not in lead.get("class")
    assert _texts(lead, ".//p[@class='teaser']") == ["सारांश: बड़ी बैठक"]
    assert not doc.xpath("//main//img | //main//picture")


@dataclass(frozen=True)
class _Pictured(Copy):
    """A copy with a picture, as the pictures work (i15-pictures) will give some: what the
    choice of a lead does with one, before the real pictures exist."""

    @property
    def picture(self) -> Any:
        return {"src": "/p.jpg"}


def _pictured(copy: Copy) -> Copy:
    return _Pictured(**{f: getattr(copy, f) for f in Copy.__dataclass_fields__})


def test_a_story_with_a_picture_leads_when_it_ranks_among_the_first_three(
    store: Database, fill: Filler
) -> None:
    fill(*(story_item(n) for n in range(5)))
    ranked = front_page.rank(PublicReader(store).list_copies(T0 + timedelta(days=1)), {})
    assert [c.headline for c in ranked][:3] == ["ख़बर संख्या 4", "ख़बर संख्या 3", "ख़बर संख्या 2"]
    assert front_page.choose_lead(ranked) == 0  # no picture anywhere: the best ranked
    third = [*ranked[:2], _pictured(ranked[2]), *ranked[3:]]
    assert front_page.choose_lead(third) == 2
    fourth = [*ranked[:3], _pictured(ranked[3]), *ranked[4:]]
    assert front_page.choose_lead(fourth) == 0  # too far down to lead for its picture
    block = front_page.section_block("videsh", "विदेश", fourth[2:])
    assert block is not None and block.lead is fourth[3] and block.more == [fourth[2], fourth[4]]


def test_recent_stories_say_how_long_ago_and_the_cached_page_follows_the_clock(
    store: Database, fill: Filler, tmp_path: Path, clock: Clock
) -> None:
    app = site_app(make_settings(tmp_path, "hi"), store, clock=clock, follow_changes_every=3600)
    client = TestClient(app)
    fill(story_item(1, published_at=T0), story_item(2, published_at=T0 + timedelta(hours=2)))
    clock.now = T0 + timedelta(hours=2, minutes=5, seconds=20)
    doc = _doc(client)
    times = dict(
        zip(
            _texts(doc, "//*[@class='rail-headline']"),
            _texts(doc, "//ol[@class='rail-list']/li/time"),
            strict=True,
        )
    )
    assert times == {"ख़बर संख्या 2": "5 मिनट पहले", "ख़बर संख्या 1": "2 घंटे पहले"}
    [when] = doc.xpath("//ol[@class='rail-list']/li[1]/time")
    assert when.get("datetime") == "2026-02-05T12:00:00Z"
    assert when.get("title") == "5 फ़रवरी 2026, 17:30 IST"  # the date, for whoever hovers

    seen: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        seen.append(statement)

    event.listen(store.reader_engine, "before_cursor_execute", note)
    try:
        clock.now = T0 + timedelta(hours=2, minutes=5, seconds=59)  # every label still true
        assert "5 मिनट पहले" in client.get("/").text and not seen  # from the cache
        clock.now = T0 + timedelta(hours=2, minutes=6)  # "5 minutes ago" is no longer true
        again = client.get("/").text
        assert "6 मिनट पहले" in again and "5 मिनट पहले" not in again and seen  # rendered again
    finally:
        event.remove(store.reader_engine, "before_cursor_execute", note)
    clock.now = T0 + timedelta(days=1, hours=1)  # the day after, in IST
    later = _doc(client)
    assert _texts(later, "//ol[@class='rail-list']/li/time") == ["23 घंटे पहले", "कल"]


def test_list_pages_say_how_long_ago_too(en_client: TestClient, clock: Clock, fill: Filler) -> None:
    fill(story_item(1, published_at=T0, language="en"))  # an English site's copy
    clock.now = T0 + timedelta(seconds=30)
    assert _texts(_doc(en_client, "/videsh/"), "//p[@class='meta']/time") == ["just now"]
    clock.now = T0 + timedelta(hours=1, minutes=1)
    assert _texts(_doc(en_client, "/videsh/"), "//p[@class='meta']/time") == ["1 hour ago"]
    clock.now = T0 + timedelta(days=3)
    assert _texts(_doc(en_client, "/videsh/"), "//p[@class='meta']/time") == [
        "5 Feb 2026, 15:30 IST"
    ]


def test_the_head_names_the_configured_logo_favicon_and_theme_colour(
    store: Database, tmp_path: Path, clock: Clock
) -> None:
    settings = make_settings(tmp_path, "en")
    site = replace(
        settings.site,
        logo="https://cdn.example/logo.png",
        favicon="/static/logo.png",
        theme_color="#0a7b3e",
    )
    doc = _doc(TestClient(site_app(replace(settings, site=site), store, clock=clock)))
    assert doc.xpath("//link[@rel='icon']/@href") == ["/static/logo.png"]
    assert doc.xpath("//meta[@name='theme-color']/@content") == ["#0a7b3e"]
    # an outside logo is for search engines; the page shows none (the CSP is img-src 'self')
    assert doc.xpath("//a[@class='brand']/img") == []


def test_by_default_the_site_s_own_logo_icon_and_red(en_client: TestClient) -> None:
    doc = _doc(en_client)
    assert doc.xpath("//link[@rel='icon']/@href") == ["/favicon.ico"]
    assert doc.xpath("//meta[@name='theme-color']/@content") == ["#b3261e"]
    [logo] = doc.xpath("//a[@class='brand']/img")
    assert logo.get("src") == "/static/logo.png" and logo.get("alt") == ""
    assert en_client.get("/static/logo.png").status_code == 200
    assert en_client.get("/favicon.ico").status_code == 200
