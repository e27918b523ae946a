"""Take the README's screenshot of an article page from a running site.

    .venv/bin/wiredesk demo --port 8123 &
    .venv/bin/python scripts/screenshot.py http://127.0.0.1:8123/<section>/<slug>-<id> \
        docs/images/article.png [WIDTH] [full]

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


def main(url: str, out: str, width: int = 1280, height: int = 1100, full: bool = False) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(url, wait_until="networkidle")
        page.evaluate("document.fonts.ready")
        page.screenshot(path=out, full_page=full)
        browser.close()


if __name__ == "__main__":
    # optional: width and "full" for the whole page
    args = sys.argv[1:]
    full = "full" in args
    numbers = [int(a) for a in args[2:] if a.isdigit()]
    main(args[0], args[1], *(numbers[:1] or [1280]), full=full)
