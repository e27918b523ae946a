"""Search as a reader does it, in Debian's chromium with JavaScript turned off: type a word
into the header's box, press Enter, read the highlighted results, narrow them by section and
follow "more results". Screenshots go to test-artifacts/."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from tests.channels.channels_support import T0, make_settings, story_item
from tests.live_site import serving
from tests.store.store_support import envelope
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database
from wiredesk.store.ledger import copies

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")


def test_a_reader_searches_from_the_header_without_javascript(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: install it with `apt-get install -y chromium`")
    from playwright.sync_api import sync_playwright

    db = Database.open(f"sqlite:///{tmp_path / 'site.db'}")
    stories = [
        story_item(1, headline="हिन्दी दिवस पर कार्यक्रम", body_text="राजभाषा हिन्दी का सम्मान।"),
        story_item(2, headline="हिंदी पखवाड़ा शुरू", body_text="दफ़्तरों में आयोजन।", section="khel"),
        story_item(3, headline="हिंदी पुस्तक मेला", body_text="मेले में भीड़ रही।", section="khel"),
        story_item(4, headline="मिलकर काम करेंगे दोनों दल", body_text="घोषणा हुई।"),
    ]
    copies.save(db, "ians", stories, envelope(db), now=T0 + timedelta(hours=1))
    settings = make_settings(tmp_path, "hi", page_size=2)
    app = site_app(settings, db, clock=lambda: T0 + timedelta(days=1))
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        with serving(settings, app) as port, sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
            )
            try:
                context = browser.new_context(
                    java_script_enabled=False, viewport={"width": 390, "height": 844}
                )
                page = context.new_page()
                page.goto(f"http://127.0.0.1:{port}/")
                box = page.locator("header form.search-box input[name=q]")
                box.fill("हिंदी")
                box.press("Enter")
                page.wait_for_load_state()
                assert "/search?q=" in page.url
                headlines = page.locator(".search-results .headline").all_inner_texts()
                assert headlines == ["हिंदी पुस्तक मेला", "हिंदी पखवाड़ा शुरू"]
                assert page.locator(".search-results mark").first.inner_text() == "हिंदी"
                page.screenshot(path=str(ARTIFACTS / "search-phone.png"), full_page=True)

                page.get_by_role("link", name="और नतीजे →").click()
                page.wait_for_load_state()
                more = page.locator(".search-results .headline").all_inner_texts()
                assert more == ["हिन्दी दिवस पर कार्यक्रम"]  # the other spelling, found
                marks = page.locator(".search-results mark").all_inner_texts()
                assert marks and set(marks) == {"हिन्दी"}

                page.select_option("select[name=section]", "khel")
                page.locator("form.search-form button[type=submit]").click()
                page.wait_for_load_state()
                assert "section=khel" in page.url
                narrowed = page.locator(".search-results .headline").all_inner_texts()
                assert narrowed == ["हिंदी पुस्तक मेला", "हिंदी पखवाड़ा शुरू"]

                page.goto(f"http://127.0.0.1:{port}/search?q=मिल")
                assert page.locator(".no-results").is_visible()
            finally:
                browser.close()
    finally:
        db.close()
