"""The front page in a real browser (Debian's chromium through playwright), at a desktop's
1280 px and a phone's 390 px, over a site with many sections.

What only a browser can tell: that the desktop page really lays out in columns (the lead
first, the latest rail beside it, the sections side by side), that a phone gets one column
with the lead on top, and that the section navigation, too wide for a phone, scrolls and shows
that it does (a shadow at the edge with more beyond it, and a scrollbar). Screenshots of the
home, a section, an article and the 410 page at both widths go to $WIREDESK_SCREENSHOTS (a
temporary folder if unset), for a person to look at.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_browser import CHROMIUM, CHROMIUM_ARGS
from tests.live_site import serving
from wiredesk.config import parse_settings
from wiredesk.model import Envelope, Item, Transport
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database
from wiredesk.store.ledger import copies, editorial, envelopes, stories
from wiredesk.store.ledger.stories import GroupingPlan

pytestmark = pytest.mark.browser

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)  # 14:30 IST
SECTIONS = {
    "desh": "देश",
    "videsh": "विदेश",
    "khel": "खेल",
    "arthik": "अर्थव्यवस्था",
    "manoranjan": "मनोरंजन",
    "vigyan": "विज्ञान",
    "swasthya": "स्वास्थ्य",
    "rajya": "राज्य",
    "shiksha": "शिक्षा",
}
HEADLINES = (
    "{name}: संसद में नए विधेयक पर लंबी बहस, विपक्ष ने मांगा और समय",
    "{name}: मौसम विभाग ने अगले तीन दिन के लिए जारी की चेतावनी",
    "{name}: राजधानी में आज से शुरू हुआ तीन दिन का सम्मेलन",
    "{name}: नई नीति पर विशेषज्ञों की राय बंटी, सरकार ने दी सफ़ाई",
)
SUMMARY = "सरकार ने बुधवार को कहा कि नए नियम अगले महीने से लागू होंगे और राज्यों से इस पर राय ली जाएगी।"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

BOX = "(el) => { const r = el.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }"


@dataclass
class Site:
    base: str
    article: str
    section: str
    gone: str


def _item(n: int, section: str, **kw: Any) -> Item:
    kw.setdefault("headline", HEADLINES[n % len(HEADLINES)].format(name=SECTIONS[section]))
    paragraphs = [SUMMARY, "दूसरा अनुच्छेद: अधिकारियों ने बताया कि तैयारी पूरी है।"]
    return Item(
        guid=kw.pop("guid", f"{section}-{n}"),
        body_html="".join(f"<p>{p}</p>" for p in paragraphs),
        body_text="\n\n".join(paragraphs),
        slug=f"{section}-khabar-{n}",
        section=section,
        language="hi",
        published_at=kw.pop("published_at", NOW - timedelta(minutes=7 * n + 3)),
        **kw,
    )


def _save(db: Database, source: str, items: list[Item]) -> list[str]:
    env, _ = envelopes.record(db, Envelope(source, repr(items).encode(), Transport.PUSH, "test"))
    return [o.short_id for o in copies.save(db, source, items, env, now=NOW)]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("front")
    settings = parse_settings(
        {
            "site": {
                "name": "समाचार डेस्क",
                "language": "hi",
                "base_url": "http://127.0.0.1:8000",
                "timezone": "Asia/Kolkata",
            },
            "sections": SECTIONS,
            "sources": [
                {"id": "ians", "name": "IANS", "url": "https://wire.example/i.xml"},
                {"id": "pti", "name": "PTI", "url": "https://wire.example/p.xml"},
            ],
        },
        folder / "wiredesk.toml",
    )
    db = Database.open(f"sqlite:///{folder / 'wiredesk.db'}")
    items = [
        _item(n, section, published_at=NOW - timedelta(minutes=5 * n + 11 * k + 2))
        for k, section in enumerate(SECTIONS)
        for n in range(5)
    ]
    ids = _save(db, "ians", items)
    # the big story of the day: PTI carries it too, so it leads the page
    big = _item(0, "desh", headline="देश: चुनाव आयोग ने पांच राज्यों में मतदान की तारीख़ों का एलान किया",
                published_at=NOW - timedelta(minutes=25), summary=SUMMARY, guid="big")  # fmt: skip
    [big_id] = _save(db, "ians", [big])
    [pti_id] = _save(db, "pti", [_item(1, "desh", guid="pti-big", headline=big.headline)])
    joins = [(editorial.find_copy(db, pti_id), editorial.find_copy(db, big_id))]
    stories.apply(db, GroupingPlan(joins=joins), NOW)  # type: ignore[arg-type]
    killed = editorial.find_copy(db, ids[7])
    assert killed is not None
    editorial.kill(db, killed, reason="legal", actor="editor test", now=NOW)
    app = site_app(settings, db, clock=lambda: NOW)
    try:
        with serving(settings, app) as port:
            base = f"http://127.0.0.1:{port}"
            yield Site(
                base=base,
                article=f"/desh/desh-khabar-0-{big_id}",
                section="/khel/",
                gone=f"/videsh/videsh-khabar-2-{ids[7]}",
            )
    finally:
        db.close()


@pytest.fixture(scope="module")
def shots() -> Path:
    folder = os.environ.get("WIREDESK_SCREENSHOTS")
    path = (
        Path(folder) if folder else Path(os.environ.get("TMPDIR", "/tmp")) / "wiredesk-screenshots"
    )
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def _open(browser: Any, viewport: dict[str, int], url: str, status: int = 200) -> Any:
    page = browser.new_page(viewport=viewport)
    response = page.goto(url)
    assert response is not None and response.status == status, url
    page.evaluate("document.fonts.ready.then(() => true)")
    return page


def _box(page: Any, selector: str) -> tuple[float, float, float, float]:
    x, y, w, h = page.eval_on_selector(selector, BOX)
    return x, y, w, h


def _boxes(page: Any, selector: str) -> list[tuple[float, float, float, float]]:
    return [tuple(b) for b in page.eval_on_selector_all(selector, f"els => els.map({BOX})")]


def _shoot(page: Any, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _no_sideways_scroll(page: Any) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


def test_on_a_desktop_the_front_page_is_in_columns_with_the_lead_first(
    site: Site, browser: Any, shots: Path
) -> None:
    page = _open(browser, DESKTOP, site.base + "/")
    lead = _box(page, "li.story-card.lead")
    tops = _boxes(page, "li.story-card.top")
    rail = _box(page, ".latest-rail")
    blocks = _boxes(page, ".section-block")
    # the lead is first: top left, above every other story
    assert page.inner_text("li.story-card.lead h2").startswith("देश: चुनाव आयोग")
    assert all(lead[1] < t[1] for t in tops) and lead[1] <= rail[1] + 1
    # the latest rail beside the lead, not under it
    assert rail[0] >= lead[0] + lead[2] and rail[1] < lead[1] + lead[3]
    # top stories two a row, sections three a row
    assert len({round(t[1]) for t in tops}) < len(tops)
    rows: dict[int, list[float]] = {}
    for x, y, _, _ in blocks:
        rows.setdefault(round(y), []).append(x)
    assert max(len(xs) for xs in rows.values()) >= 3, rows
    assert len(blocks) == len(SECTIONS)
    _no_sideways_scroll(page)
    # the navigation fits a desktop: nothing to scroll
    assert page.eval_on_selector(".section-nav ul", "u => u.scrollWidth <= u.clientWidth")
    _shoot(page, shots, "home-1280")
    page.close()


def test_on_a_phone_one_column_lead_first_and_a_nav_that_shows_it_scrolls(
    site: Site, browser: Any, shots: Path
) -> None:
    page = _open(browser, PHONE, site.base + "/")
    lead = _box(page, "li.story-card.lead")
    order = [lead, _box(page, "li.story-card.top"), _box(page, ".latest-rail")]
    order += _boxes(page, ".section-block")
    assert [b[1] for b in order] == sorted(b[1] for b in order)  # one after another
    assert {round(b[0]) for b in order} == {round(lead[0])}  # all at the same left edge
    assert lead[1] < 844  # the lead is on the first screen
    _no_sideways_scroll(page)

    nav = ".section-nav ul"
    assert page.eval_on_selector(nav, "u => u.scrollWidth > u.clientWidth + 100")
    style = page.eval_on_selector(
        nav,
        "u => { const s = getComputedStyle(u); "
        "return [s.overflowX, s.scrollbarWidth, s.backgroundImage]; }",
    )
    assert style[0] == "auto" and style[1] != "none" and style[2].count("radial-gradient") == 2
    _shoot(page, shots, "home-390")
    # what the edges look like with the links' text out of the way (JavaScript through the
    # browser's own protocol, not a script on the page)
    page.eval_on_selector_all(
        ".section-nav a",
        "as => as.forEach(a => { a.style.color = 'transparent'; "
        "a.style.borderColor = 'transparent'; })",
    )
    start = _edges(page, nav)
    page.eval_on_selector(nav, "u => { u.scrollLeft = u.scrollWidth; }")
    page.wait_for_timeout(100)
    end = _edges(page, nav)
    # a shadow on the right while there is more to the right, on the left once scrolled
    assert start["right"] < start["left"] - 8, start
    assert end["left"] < end["right"] - 8, end
    assert start["left"] > 240 and end["right"] > 240  # an edge with nothing beyond: plain
    page.close()


def _edges(page: Any, selector: str) -> dict[str, float]:
    """The mean brightness (0-255) of the outermost 4 px columns of an element."""
    from PIL import Image

    image = Image.open(io.BytesIO(page.locator(selector).screenshot())).convert("L")
    w, h = image.size
    band = range(h // 4, 3 * h // 4)  # the middle, clear of a scrollbar at the bottom

    def mean(xs: range) -> float:
        values = [image.getpixel((x, y)) for x in xs for y in band]
        return sum(values) / len(values)  # type: ignore[arg-type]

    return {"left": mean(range(0, 4)), "right": mean(range(w - 4, w))}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_section_article_and_410_pages_fit_and_are_photographed(
    site: Site, browser: Any, shots: Path, viewport: dict[str, int]
) -> None:
    width = viewport["width"]
    for name, path, status in (
        ("section", site.section, 200),
        ("article", site.article, 200),
        ("410", site.gone, 410),
    ):
        page = _open(browser, viewport, site.base + path, status)
        _no_sideways_scroll(page)
        if name == "article":
            related = page.locator("section.related h3")
            assert related.count() == 4 and related.first.is_visible()
        if name == "410":
            latest = page.locator("section.latest-list h3")
            assert latest.count() == 8 and latest.first.is_visible()
        _shoot(page, shots, f"{name}-{width}")
        page.close()
