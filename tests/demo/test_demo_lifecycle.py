"""`wiredesk demo` plays the story lifecycle by itself: update, correction, kill, embargo."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import lxml.html

WIREDESK = str(Path(sys.executable).parent / "wiredesk")
EMBARGOED = "नगर निगम का बजट पेश"


def assert_hosted_picture(html: str, base: str) -> None:
    doc = lxml.html.fromstring(html)
    # the story's own picture; its related stories below may show theirs
    [img] = doc.xpath("//figure[@class='picture'][not(ancestor::section[@class='related'])]//img")
    assert img.get("src").startswith("/media/") and "रोपवे" in img.get("alt")
    response = httpx.get(base + img.get("src"))
    assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"
    sources = doc.xpath("//img[not(@class='brand-logo')]/@src") + [
        u.split()[0] for s in doc.xpath("//@srcset") for u in s.split(", ")
    ]
    assert all(s.startswith("/media/") for s in sources), sources


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_demo_corrects_kills_and_lifts_an_embargo_with_no_one_touching_it(
    tmp_path: Path,
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [
            WIREDESK,
            "demo",
            "--port",
            str(port),
            "--update-after",
            "1",
            "--dir",
            str(tmp_path / "demo"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines: list[str] = []
    seen_before_embargo = None
    try:
        deadline = time.monotonic() + 120
        assert proc.stdout is not None
        while not any("an embargo ended" in line for line in lines):
            assert time.monotonic() < deadline, "\n".join(lines)
            line = proc.stdout.readline()
            assert line, "the demo stopped early:\n" + "\n".join(lines)
            lines.append(line.strip())
            if "killed a story" in line and seen_before_embargo is None:
                seen_before_embargo = EMBARGOED in httpx.get(f"{base}/").text
        corrected = next(x for x in lines if "corrected a story" in x).rsplit(" ", 1)[1]
        killed = next(x for x in lines if "killed a story" in x).rsplit(" ", 1)[1]

        page = httpx.get(corrected)
        assert page.status_code == 200
        assert 'class="correction"' in page.text and "दस रुपये" in page.text
        assert httpx.get(killed).status_code == 410
        assert "मॉल" not in httpx.get(f"{base}/").text
        assert seen_before_embargo is False  # hidden while the embargo held ...
        time.sleep(1)
        assert EMBARGOED in httpx.get(f"{base}/").text  # ... and there by itself after
        assert EMBARGOED in httpx.get(f"{base}/feed.xml").text
        # the agencies' pictures, hosted by the site from beside their files: the corrected
        # story keeps its picture, served in the site's own sizes
        assert_hosted_picture(page.text, base)
        assert_hosted_picture(httpx.get(corrected).text, base)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
