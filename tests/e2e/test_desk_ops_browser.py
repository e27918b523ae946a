"""An editor's working pages in a real browser (Debian's chromium), JavaScript off: fixing and
approving a held copy (the second button of the form is a plain `formaction`), rejecting
one, reprocessing a quarantined payload, and reading it all back on the audit page.
Screenshots go to test-artifacts/ (docs/desk.md shows them)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.desk.desk_support import PASSWORD, DeskSite, make_site, push, rss
from tests.e2e.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from tests.live_site import serving
from wiredesk.config import parse_settings
from wiredesk.model import utcnow
from wiredesk.store.ledger import desk_queue, quarantine

pytestmark = pytest.mark.browser

SOURCES = [
    {
        "id": "wire",
        "name": "The Wire Agency",
        "push_token": "t" * 24,
        "auto_publish": False,
        "disclaimer": "Unedited copy from the agency's feed.",
    }
]
SECTIONS = {"national": "National"}


@pytest.fixture
def ops_server(tmp_path: Path) -> Iterator[tuple[DeskSite, str]]:
    with make_site(tmp_path, sources=SOURCES, sections=SECTIONS) as site:
        site.clock.now = utcnow()  # a real server: sessions live in real time
        site.add("asha", "editor")
        with serving(site.settings, site.app) as port:
            yield site, f"http://127.0.0.1:{port}"


def test_an_editor_works_the_held_queue_and_the_sources_in_chromium(
    ops_server: tuple[DeskSite, str],
) -> None:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: this test drives Debian's chromium; "
            "install it with `apt-get install -y chromium` (never `playwright install`)"
        )
    from playwright.sync_api import sync_playwright

    site, base = ops_server
    push(site, "wire", rss(("w-1", "Monsoon reachs Kerela early"), ("w-2", "Unsourced rumour")))
    wrong = parse_settings(
        {
            "site": {"name": "Desk test", "database": site.settings.site.database},
            "sources": [{**SOURCES[0], "format": "jsonfeed"}],
            "sections": SECTIONS,
        },
        site.settings.path,
    )
    envelope = push(site, "wire", rss(("w-3", "Flood waters recede")), settings=wrong)
    ids = {c.guid: c.item_id for c in desk_queue.held(site.db)}
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_context(java_script_enabled=False).new_page()
            page.goto(base + "/desk/held")
            page.fill("#name", "asha")
            page.fill("#password", PASSWORD)
            page.click("button:has-text('Sign in')")
            assert page.url == base + "/desk/held"
            assert page.locator(".desk-held").count() == 2
            page.screenshot(path=str(ARTIFACTS / "desk-held.png"), full_page=True)

            # fix the headline and section, keep it waiting (the form's second button)
            first = f"#copy-{ids['w-1']}"
            page.fill(f"#headline-{ids['w-1']}", "Monsoon reaches Kerala early")
            page.select_option(f"#section-{ids['w-1']}", "national")
            page.click(f"{first} button:has-text('Save the fix')")
            assert page.url == base + "/desk/held?done=fixed"
            assert (
                "Monsoon reachs Kerela early" in page.locator(f"{first} .desk-edited").inner_text()
            )
            page.click(f"{first} button:has-text('Approve')")
            assert page.locator(".desk-notice").inner_text() == "Approved: the copy is on the site."

            # rejecting needs a reason: the browser itself asks for it first
            second = f"#copy-{ids['w-2']}"
            page.click(f"{second} button:has-text('Reject')")
            assert page.url == base + "/desk/held?done=approved"  # not sent: it is required
            assert [c.guid for c in desk_queue.held(site.db)] == ["w-2"]
            page.fill(f"#reason-{ids['w-2']}", "nobody confirms it")
            page.click(f"{second} button:has-text('Reject')")
            assert "Rejected" in page.locator(".desk-notice").inner_text()
            assert page.locator(".desk-held").count() == 0

            public = browser.new_context(java_script_enabled=False).new_page()
            public.goto(base + "/national/")
            assert "Monsoon reaches Kerala early" in public.content()
            public.goto(base + "/")
            assert "Unsourced rumour" not in public.content()

            # the quarantined payload, read again after the settings were fixed
            page.goto(base + "/desk/sources")
            page.screenshot(path=str(ARTIFACTS / "desk-sources.png"), full_page=True)
            page.click("#source-wire button:has-text('Reprocess')")
            assert f"Reprocessed envelope {envelope}" in page.locator(".desk-notice").inner_text()
            assert quarantine.list_rows(site.db) == []
            assert [c.guid for c in desk_queue.held(site.db)] == ["w-3"]

            page.goto(base + "/desk/audit?who=asha")
            actions = page.locator(".desk-action").all_inner_texts()
            assert actions[:5] == ["reprocess", "reject", "approve", "desk-edit", "desk-edit"]
            page.screenshot(path=str(ARTIFACTS / "desk-audit.png"), full_page=True)
        finally:
            browser.close()

    addresses = {e.address for e in desk_queue.audit_entries(site.db, actors=["editor asha"])}
    assert addresses == {"127.0.0.1"}
