"""Take the README's screenshot of an article page from a running site.

    .venv/bin/wiredesk demo --port 8123 &
    .venv/bin/python scripts/screenshot.py http://127.0.0.1:8123/<section>/<slug>-<id> docs/images/article.png

Uses Debian's chromium through playwright, like the browser tests; nothing is downloaded.
"""

from __future__ import annotations

import sys

from playwright.sync_api import sync_playwright

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main(url: str, out: str, width: int = 1280, height: int = 1100) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(url, wait_until="networkidle")
        page.evaluate("document.fonts.ready")
        page.screenshot(path=out)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
