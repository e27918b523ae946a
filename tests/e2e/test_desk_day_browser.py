"""An editor's day on the desk in a real browser (Debian's chromium, JavaScript off), over a
site fed by the real ingest path: sign in, approve a held story, take a story down from its
page, watch every public page, feed, sitemap and the subscribers' API lose it, see a later
copy of it from another agency stay down, sign out.

The story is the seed's (IANS as ninjs, PTI as RSS, grouped by the syndication engine); the
held one comes from a source that publishes only what an editor approves. Everything a
reader, a feed reader, a crawler or a subscriber asks goes to the same live server the
browser uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import httpx
import pytest

from tests.e2e.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from tests.e2e.test_duplicates_policy import HEADLINE, T0, ninjs, rss, seed_lines
from tests.e2e.test_story_takedown import PUBLIC
from tests.live_site import serving
from wiredesk.config import load_settings
from wiredesk.desk.accounts import Accounts
from wiredesk.ingest.accept import accept
from wiredesk.model import Envelope, Transport
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database
from wiredesk.store.ledger import api_keys

pytestmark = pytest.mark.browser

NOW = T0 + timedelta(hours=2)
PASSWORD = "a long desk password"
HELD_HEADLINE = "विश्वविद्यालय ने परीक्षा की तारीखें घोषित कीं"


class Wire:
    """The site's settings, store and application, fed through `accept` as ingest feeds it."""

    def __init__(self, tmp_path: Path) -> None:
        sources = "".join(
            f'[[sources]]\nid = "{s}"\nname = "{s.upper()}"\nurl = "https://{s}.example/feed"\n'
            f'section = "videsh"\n{extra}\n'
            for s, extra in (
                ("ians", ""),
                ("pti", ""),
                ("ani", ""),
                ("uni", "auto_publish = false\n"),
            )
        )
        cfg = tmp_path / "wiredesk.toml"
        cfg.write_text(
            '[site]\nname = "Wire Desk"\nlanguage = "hi"\nbase_url = "https://news.example"\n'
            f'timezone = "Asia/Kolkata"\ndata_dir = "{tmp_path}"\n'
            f'database = "sqlite:///{tmp_path / "wiredesk.db"}"\n\n'
            "[desk]\npassword_time_cost = 1\npassword_memory_kib = 8\npassword_parallelism = 1\n\n"
            '[sections]\nvidesh = "विदेश"\n\n' + sources,
            encoding="utf-8",
        )
        self.settings = load_settings(cfg)
        self.store = Database.open(self.settings.site.database)
        self.app = site_app(self.settings, self.store, clock=lambda: NOW, follow_changes_every=0)

    def send(self, source_id: str, payload: bytes, minutes: int) -> None:
        source = self.settings.source(source_id)
        assert source is not None
        at = T0 + timedelta(minutes=minutes)
        env = Envelope(source_id, payload, Transport.PUSH, "push", received_at=at)
        assert accept(self.settings, self.store, source, env).error is None


@pytest.fixture
def day(tmp_path: Path) -> Iterator[tuple[Wire, str]]:
    wire = Wire(tmp_path)
    lines = seed_lines()
    wire.send("ians", ninjs(lines, version=1, when=T0), 1)
    wire.send("pti", rss("PTI", "pti-xi-1", lines[:5], when=T0 + timedelta(minutes=10)), 11)
    held = rss(
        "UNI",
        "uni-exam-1",
        ["परीक्षाएं अगले महीने की पहली तारीख से शुरू होंगी।"],
        when=T0 + timedelta(minutes=20),
    )
    wire.send("uni", held.replace(escape(HEADLINE).encode(), HELD_HEADLINE.encode()), 21)
    Accounts(wire.store, wire.settings.desk, clock=lambda: NOW).add(
        "asha", "editor", PASSWORD, actor="operator test"
    )
    try:
        with serving(wire.settings, wire.app) as port:
            yield wire, f"http://127.0.0.1:{port}"
    finally:
        wire.store.close()


def test_an_editors_day_in_chromium(day: tuple[Wire, str]) -> None:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: this test drives Debian's chromium; "
            "install it with `apt-get install -y chromium` (never `playwright install`)"
        )
    from playwright.sync_api import sync_playwright

    wire, base = day
    key = api_keys.add(wire.store, "partner", sources=None, now=T0)
    public = httpx.Client(base_url=base, timeout=10)  # readers, feed readers, crawlers
    subscriber = httpx.Client(base_url=base, timeout=10, headers={"Authorization": f"Bearer {key}"})

    def everywhere() -> str:
        return "\n".join(public.get(p).text for p in PUBLIC)

    def api_list(state: str) -> list[dict[str, object]]:
        answer = subscriber.get(f"/api/v1/items?state={state}")
        assert answer.status_code == 200, answer.text
        return list(answer.json()["items"])

    assert HEADLINE in everywhere() and HELD_HEADLINE not in everywhere()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_context(java_script_enabled=False).new_page()
            page.set_viewport_size({"width": 1280, "height": 900})
            page.goto(base + "/desk/login")
            page.fill("#name", "asha")
            page.fill("#password", PASSWORD)
            page.click("button:has-text('Sign in')")
            assert page.url == base + "/desk/"

            # the held story: approved, then public on the home page and in the feed
            page.click("a:has-text('Held')")
            assert page.locator("article.desk-held").count() == 1
            page.click("article.desk-held button:has-text('Approve')")
            assert "Nothing is waiting for approval." in page.content()
            assert HELD_HEADLINE in public.get("/").text
            assert HELD_HEADLINE in public.get("/feed.xml").text

            # the seed's story: found in Incoming, taken down from its page
            page.goto(base + "/desk/incoming?source=pti")
            page.click("tr.desk-copy a[href^='/desk/stories/']")
            assert page.locator(".desk-story-copy").count() == 2  # IANS and PTI, one story
            page.fill("#takedown-reason", "court order")
            page.click("button:has-text('Take down every copy')")
            assert "The story is taken down" in page.locator(".desk-notice").inner_text()
            page.screenshot(path=str(ARTIFACTS / "desk-day-taken-down.png"), full_page=True)

            seen = everywhere()
            assert HEADLINE not in seen  # pages, feeds, sitemaps
            assert HELD_HEADLINE in seen  # the rest of the site is as it was
            usable = str(api_list("usable"))
            assert HEADLINE not in usable and HELD_HEADLINE in usable
            canceled = api_list("canceled")  # both copies, so subscribers take them down too
            assert [n["pubstatus"] for n in canceled] == ["canceled", "canceled"]
            assert HEADLINE not in str(canceled)  # a withdrawal notice, not the text
            assert HEADLINE not in subscriber.get("/api/v1/stories").text

            # a third agency's copy of the same story arrives later: it stays down
            wire.send("ani", rss("ANI", "ani-xi-1", seed_lines()[:1], when=NOW), 125)
            assert HEADLINE not in everywhere()
            assert HEADLINE not in subscriber.get("/api/v1/stories").text
            page.goto(base + "/desk/incoming?source=ani")
            assert "withdrawn" in page.locator("tr.desk-copy").first.inner_text()

            # signing out ends the session: the desk asks for a sign-in again
            page.click("button:has-text('Sign out')")
            page.goto(base + "/desk/incoming")
            assert page.url.startswith(base + "/desk/login")
        finally:
            browser.close()
            public.close()
            subscriber.close()
