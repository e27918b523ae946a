"""What a new user sees: `wiredesk demo` from a fresh clone, looked at in Debian's chromium on
a desktop and on a phone — the front page with the agencies' pictures, a section, an article
with its picture, search results in Hindi, and the 410 page of the story the demo kills.

Each page is checked for what a reader would notice (a picture that really loaded, results
with their matches marked, the 410 with the latest news), and saved as a screenshot under
test-artifacts/screenshots/ (or $WIREDESK_SCREENSHOTS) for a person to look at; the README
shows two of them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import lxml.html
import pytest

from tests.e2e.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, VIEWPORTS

pytestmark = pytest.mark.browser

WIREDESK = str(Path(sys.executable).parent / "wiredesk")
LOADED_PICTURES = """() => [...document.images]
  .filter((img) => !img.classList.contains("brand-logo"))
  .filter((img) => img.complete && img.naturalWidth > 0).length"""


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_demo_seen_in_a_browser_on_a_desktop_and_a_phone(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    out = Path(os.environ.get("WIREDESK_SCREENSHOTS") or ARTIFACTS / "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [WIREDESK, "demo", "--port", str(port), "--update-after", "1", "--dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines: list[str] = []
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + 120
        while not any("an embargo ended" in line for line in lines):
            assert time.monotonic() < deadline, "\n".join(lines)
            line = proc.stdout.readline()
            assert line, "the demo stopped early:\n" + "\n".join(lines)
            lines.append(line.strip())
        killed = next(x for x in lines if "killed a story" in x).rsplit(" ", 1)[1]
        corrected = next(x for x in lines if "corrected a story" in x).rsplit(" ", 1)[1]
        for _ in range(100):  # the pictures follow their stories by a second or two
            if "/media/" in httpx.get(base + "/").text:
                break
            time.sleep(0.1)
        home = lxml.html.fromstring(httpx.get(base + "/").text)
        section = home.xpath("//nav[contains(@class,'section-nav')]//a/@href")[0]
        word = "रोपवे"  # in the corrected story's headline
        pages = {
            "home": (base + "/", 200),
            "section": (base + section, 200),
            "article": (corrected, 200),
            "search": (f"{base}/search?q={word}", 200),
            "gone": (killed, 410),
        }
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                for device, (width, height) in VIEWPORTS.items():
                    context = browser.new_context(viewport={"width": width, "height": height})
                    page = context.new_page()
                    for name, (url, status) in pages.items():
                        response = page.goto(url, wait_until="networkidle")
                        assert response is not None and response.status == status, (name, url)
                        page.evaluate("document.fonts.ready")
                        if name in ("home", "article"):
                            assert page.evaluate(LOADED_PICTURES) >= 1, f"no picture on {name}"
                        if name == "search":
                            assert page.locator("mark").count() >= 1
                        if name == "gone":
                            assert page.locator("main a[href]").count() >= 3  # latest stories
                        page.screenshot(path=str(out / f"{name}-{device}.png"), full_page=False)
                    context.close()
            finally:
                browser.close()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    saved = {p.name for p in out.glob("*.png")}
    assert {f"{name}-{device}.png" for name in pages for device in VIEWPORTS} <= saved
