"""An editor takes a story down from the desk in a real browser (Debian's chromium) with
JavaScript off: Incoming, the story page, the takedown form, and the public site after it.

What only a browser tells: that the pages' links and forms take a person from a copy in
Incoming to its story and through the takedown, with the page's token and origin passing the
desk's checks. Screenshots go to test-artifacts/ (the docs' pictures of the desk come from
here).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.desk.desk_support import PASSWORD, DeskSite, make_site
from tests.desk.desk_wire import group, wire
from tests.e2e.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from tests.live_site import serving
from wiredesk.model import Signal, utcnow
from wiredesk.store import operator
from wiredesk.store.ledger import editorial

pytestmark = pytest.mark.browser


@pytest.fixture
def desk_server(tmp_path: Path) -> Iterator[tuple[DeskSite, str, list[str]]]:
    with make_site(tmp_path) as site:
        site.clock.now = utcnow()  # a real server: sessions live in real time
        site.add("asha", "editor")
        db = site.db
        ians = wire(db, "ians", "i1", 0, headline="Court hears plea on river water")
        pti = wire(db, "pti", "p1", 5, headline="Court hears the plea on river water")
        wire(
            db,
            "pti",
            "p1",
            5,
            headline="Court hears the plea on river water again",
            body="The court heard the plea on Tuesday.",
            signals=[Signal.CORRECTION],
            correction_note="Corrects the day of the hearing.",
            arrived=40,
        )
        group(db, ians, pti)
        other = wire(db, "ani", "a1", 20, headline="Monsoon reaches Kerala", section="videsh")
        with serving(site.settings, site.app) as port:
            yield site, f"http://127.0.0.1:{port}", [ians, pti, other]


def test_an_editor_takes_a_story_down_from_incoming_in_chromium(
    desk_server: tuple[DeskSite, str, list[str]],
) -> None:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: this test drives Debian's chromium; "
            "install it with `apt-get install -y chromium` (never `playwright install`)"
        )
    from playwright.sync_api import sync_playwright

    site, base, (ians, pti, other) = desk_server
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            reader = browser.new_context(java_script_enabled=False).new_page()
            reader.goto(base + "/")
            assert "Court hears plea on river water" in reader.content()

            page = browser.new_context(java_script_enabled=False).new_page()
            page.set_viewport_size({"width": 1280, "height": 900})
            page.goto(base + "/desk/login")
            page.fill("#name", "asha")
            page.fill("#password", PASSWORD)
            page.click("button:has-text('Sign in')")
            page.click("a:has-text('Incoming')")
            assert page.url == base + "/desk/incoming"
            assert page.locator("tr.desk-copy").count() == 3
            page.screenshot(path=str(ARTIFACTS / "desk-incoming.png"), full_page=True)

            page.select_option("select[name=source]", "pti")
            page.click("button:has-text('Show')")
            assert page.url == base + "/desk/incoming?q=&source=pti&section=&language=&state="
            assert page.locator("tr.desk-copy").count() == 1
            page.click("a:has-text('Court hears the plea on river water again')")
            assert "/desk/stories/" in page.url and page.url.endswith(f"#copy-{pti}")
            assert page.locator(f"#copy-{pti} ins").first.inner_text().strip() == "again"
            assert page.locator(f"#copy-{pti} .desk-correction").count() == 1
            page.screenshot(path=str(ARTIFACTS / "desk-story.png"), full_page=True)

            page.fill("#takedown-reason", "court order")
            page.click("button:has-text('Take down every copy')")
            assert page.url.endswith("?done=taken-down")
            assert "The story is taken down" in page.locator(".desk-notice").inner_text()
            assert page.locator(".desk-takedown").count() == 1

            # a reader arriving now (the first reader's browser may keep the page it had)
            reader = browser.new_context(java_script_enabled=False).new_page()
            reader.goto(base + "/")
            shown = reader.content()
            assert "river water" not in shown
            assert "Monsoon reaches Kerala" in shown and other in shown
            gone = reader.goto(f"{base}/desh/story-i1-{ians}")
            assert gone is not None and gone.status == 410
        finally:
            browser.close()

    # in the audit log, for each copy: who, why, from the browser's address
    for short_id in (ians, pti):
        found = editorial.find_copy(site.db, short_id)
        assert found is not None
        last = operator.audit_entries(site.db, found)[-1]
        assert (last.action, last.actor, last.reason) == (
            "story taken down",
            "editor asha",
            "court order",
        )
