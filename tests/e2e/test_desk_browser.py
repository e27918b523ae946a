"""Signing in to the desk and out again in a real browser (Debian's chromium), with
JavaScript turned off: the desk is plain server-rendered forms.

What only a browser tells: the cookies it actually keeps (HttpOnly, SameSite=Strict), that
its form posts pass the desk's token and origin checks, and that the redirects land where a
person expects. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.desk.desk_support import PASSWORD, DeskSite, make_site
from tests.e2e.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from tests.live_site import serving
from wiredesk.model import utcnow
from wiredesk.store import operator

pytestmark = pytest.mark.browser


@pytest.fixture
def desk_server(tmp_path: Path) -> Iterator[tuple[DeskSite, str]]:
    with make_site(tmp_path) as site:
        site.clock.now = utcnow()  # a real server: sessions live in real time
        site.add("asha", "editor")
        with serving(site.settings, site.app) as port:
            yield site, f"http://127.0.0.1:{port}"


def test_signing_in_and_out_of_the_desk_in_chromium_without_javascript(
    desk_server: tuple[DeskSite, str],
) -> None:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} not found: this test drives Debian's chromium; "
            "install it with `apt-get install -y chromium` (never `playwright install`)"
        )
    from playwright.sync_api import sync_playwright

    site, base = desk_server
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            laptop = browser.new_context(java_script_enabled=False)
            page = laptop.new_page()
            page.goto(base + "/desk/sessions")
            assert page.url == base + "/desk/login?next=/desk/sessions"

            page.fill("#name", "asha")
            page.fill("#password", "not the password")
            page.click("button:has-text('Sign in')")
            assert page.locator(".desk-error").inner_text() == "Wrong name or password."

            page.fill("#password", PASSWORD)
            page.click("button:has-text('Sign in')")
            assert page.url == base + "/desk/sessions"  # where it was going
            page.goto(base + "/desk/")
            assert page.locator(".desk-name").inner_text() == "asha"
            assert page.locator(".desk-role").inner_text() == "editor"
            page.screenshot(path=str(ARTIFACTS / "desk-home.png"), full_page=True)

            [cookie] = [c for c in laptop.cookies() if c["name"] == "desk"]
            assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
            assert cookie["path"] == "/desk" and not cookie["secure"]  # an http site
            assert not [c for c in laptop.cookies() if c["name"] == "desk-signin"]

            # a second browser, signed in too, is signed out by "sign out everywhere"
            phone = browser.new_context(java_script_enabled=False)
            other = phone.new_page()
            other.goto(base + "/desk/login")
            other.fill("#name", "asha")
            other.fill("#password", PASSWORD)
            other.click("button:has-text('Sign in')")
            assert other.url == base + "/desk/"

            page.goto(base + "/desk/sessions")
            assert page.locator("td:text-is('this one')").count() == 1
            assert page.locator("tbody tr").count() == 2
            page.click("button:has-text('Sign out everywhere')")
            assert page.url == base + "/desk/login?notice=everywhere"
            other.reload()
            assert other.url.startswith(base + "/desk/login?next=/desk/")

            # sign in again, and out with the masthead's button
            page.fill("#name", "asha")
            page.fill("#password", PASSWORD)
            page.click("button:has-text('Sign in')")
            page.click("button:has-text('Sign out')")
            assert page.url == base + "/desk/login?notice=signed-out"
            assert page.locator(".desk-notice").inner_text() == "You have signed out."
            page.screenshot(path=str(ARTIFACTS / "desk-signed-out.png"), full_page=True)
            page.goto(base + "/desk/")
            assert page.url == base + "/desk/login?next=/desk/"
            assert not [c for c in laptop.cookies() if c["name"] == "desk"]
        finally:
            browser.close()

    # what the browser did, in the audit log, from its address
    entries = operator.desk_entries(site.db, subject="user asha")
    assert [e.action for e in reversed(entries)] == [
        "user-add",
        "sign-in",
        "sign-in",
        "sign-out-everywhere",
        "sign-in",
        "sign-out",
    ]
    assert {e.address for e in entries[:-1]} == {"127.0.0.1"}  # all but the operator's add
