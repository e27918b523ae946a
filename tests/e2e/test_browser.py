"""The seed story in a real browser: Debian's chromium, driven by Python playwright.

What only a browser can tell us: the Devanagari web font that the site serves itself is
actually fetched and used (not boxes, not a fallback), the page fits a phone without
sideways scrolling, and the provenance lines are visible text, not just bytes in the HTML.
Screenshots go to test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import uvicorn

from tests import fixture_files
from wiredesk.config import parse_settings
from wiredesk.ingest.pictures.worker import PictureFetcher
from wiredesk.model import Envelope, ImageLink, Item, Transport
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database
from wiredesk.store.ledger import copies, envelopes
from wiredesk.store.public.reader import PublicReader

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
SEED = fixture_files.SEED
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HEADLINE = "शी चिनफिंग ने कजाकिस्तान के राष्ट्रपति तोकायेव से मुलाकात की"
VIEWPORTS = {"phone": (390, 844), "desktop": (1280, 900)}

FONT_STATE = """async () => {
  await document.fonts.ready;
  const faces = [...document.fonts].filter(
    (f) => f.family.replace(/["']/g, "") === "Noto Sans Devanagari");
  return {
    check: document.fonts.check('16px "Noto Sans Devanagari"', "कजाकिस्तान"),
    statuses: faces.map((f) => f.status),
  };
}"""


def seed_parts() -> tuple[list[str], str, str]:
    """(body paragraphs, credit line, disclaimer) from the seed file, as the pipeline lifts them."""
    lines = [ln.strip() for ln in SEED.read_text(encoding="utf-8").splitlines() if ln.strip()]
    assert lines[-1].replace(" ", "") == "Source:IANS", "the seed's last line changed"
    return lines[:-3], lines[-3], lines[-2]


@pytest.fixture
def live_site(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The site over a SQLite store holding the seed story, served by uvicorn on loopback."""
    yield from seed_site(tmp_path)


def seed_site(tmp_path: Path, picture: bytes | None = None) -> Iterator[tuple[str, str]]:
    """(base URL, article path) of the seed story served on loopback; with `picture`, the
    agency sends it as the story's lead picture (a file beside its payload) and the site
    hosts it, by the real picture fetcher, before serving."""
    paragraphs, credit, disclaimer = seed_parts()
    source: dict[str, object] = {"url": "https://wire.example/ians.xml"}
    location, transport, images = str(SEED), Transport.FILE, []
    if picture is not None:
        inbox = tmp_path / "inbox"
        (inbox / "pictures").mkdir(parents=True)
        (inbox / "pictures" / "lead.jpg").write_bytes(picture)
        source = {"folder": str(inbox), "images": "host"}
        location, transport = str(inbox / "seed.txt"), Transport.FOLDER
        images = [
            ImageLink(
                "pictures/lead.jpg",
                caption="अस्ताना में बातचीत के बाद शी चिनफिंग और तोकायेव",
                credit="फोटो : आईएएनएस",
            )
        ]
    settings = parse_settings(
        {
            "site": {
                "name": "समाचार डेस्क",
                "language": "hi",
                "base_url": "http://127.0.0.1:8000",
                "timezone": "Asia/Kolkata",
                "data_dir": str(tmp_path / "data"),
            },
            "sections": {"videsh": "विदेश"},
            "sources": [
                {
                    "id": "ians",
                    "name": "IANS",
                    "section": "videsh",
                    "disclaimer": disclaimer,
                    **source,
                }
            ],
        },
        tmp_path / "wiredesk.toml",
    )
    store = Database.open(f"sqlite:///{tmp_path / 'wiredesk.db'}")
    env_id, _ = envelopes.record(
        store,
        Envelope(
            source_id="ians",
            payload=SEED.read_bytes(),
            transport=transport,
            location=location,
        ),
    )
    published = datetime(2022, 2, 5, 14, 0, tzinfo=UTC)
    [saved] = copies.save(
        store,
        "ians",
        [
            Item(
                guid="seed-1",
                headline=HEADLINE,
                body_html="".join(f"<p>{p}</p>" for p in paragraphs),
                body_text="\n\n".join(paragraphs),
                published_at=published,
                language="hi",
                credit_line=credit,
                originator="चाइना मीडिया ग्रुप, पेइचिंग",
                dateline_place="पेइचिंग",
                dateline_date="5 फरवरी",
                slug="shi-chinfing-ne-kajakistan-ke-rashtrapati-tokayev-se-mulakat-ki",
                section="videsh",
                images=images,
            )
        ],
        env_id,
        now=published,
    )
    if picture is not None:
        fetcher = PictureFetcher(settings, store, clock=lambda: published)
        assert asyncio.run(fetcher.drain(limit=60)) == 1
    app = site_app(settings, store)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # a free port, held from the start: no race with others
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start serving the site within 15 s")
        time.sleep(0.05)
    try:
        yield (
            f"http://127.0.0.1:{port}",
            f"/videsh/{PublicReader(store).copy_detail(saved.short_id).copy.slug}-{saved.short_id}",
        )
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        store.close()


def test_seed_story_renders_in_chromium_with_the_sites_devanagari_font(
    live_site: tuple[str, str],
) -> None:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: this test drives Debian's chromium; "
            "install it with `apt-get install -y chromium` (never `playwright install`)"
        )
    from playwright.sync_api import sync_playwright

    base, article_path = live_site
    paragraphs, credit, disclaimer = seed_parts()
    ARTIFACTS.mkdir(exist_ok=True)

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            for name, (width, height) in VIEWPORTS.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                font_responses: list[int] = []
                page.on(
                    "response",
                    lambda r, seen=font_responses: (
                        seen.append(r.status)
                        if "/static/fonts/NotoSansDevanagari-subset.woff2?v=" in r.url
                        else None
                    ),
                )

                page.goto(base + "/")
                # the lead of the front page (the latest rail names it too)
                link = page.locator("li.story-card.lead").get_by_role("link", name=HEADLINE)
                assert link.is_visible()
                page.screenshot(path=str(ARTIFACTS / f"home-{name}.png"), full_page=True)

                link.click()
                page.wait_for_load_state()
                assert page.url == base + article_path
                assert page.locator("h1.headline").inner_text() == HEADLINE
                assert paragraphs[0] in page.locator(".article-body").inner_text()
                assert page.locator(".credit-line").inner_text() == credit
                assert page.locator(".disclaimer").inner_text() == disclaimer
                assert page.locator(".source-line").inner_text() == "Source: IANS"
                assert page.locator(".times").is_visible()
                assert "5 फ़रवरी 2022, 19:30 IST" in page.locator(".times").inner_text()

                state = page.evaluate(FONT_STATE)
                assert state["check"] is True, state
                assert "loaded" in state["statuses"], state
                assert font_responses and font_responses[0] == 200, font_responses

                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, f"{name}: the page scrolls sideways by {overflow}px"
                page.screenshot(path=str(ARTIFACTS / f"article-{name}.png"))
                page.screenshot(path=str(ARTIFACTS / f"article-{name}-full.png"), full_page=True)
                page.close()
        finally:
            browser.close()
