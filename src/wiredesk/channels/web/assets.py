"""The site's own static files: its stylesheet, and the web font with its licence.

The font is served by the site itself (a subset of the `fontpkg_noto_sans_devanagari`
package's font, SIL OFL) so Hindi renders the same on every phone, with no third-party font
CDN seeing the readers. It is a WOFF2 of Devanagari, Latin and the site's punctuation in
weights 400-800, 89 KB where the package's TTF is 642 KB; `scripts/build-font` makes it and
it is committed (static/fonts/, with a note of what made it and the font's licence, the OFL),
so serving needs no fontTools.
Only a fixed set of files is served: nothing under /static can reach the rest of the disk.
Text files (the stylesheet, the licence) go out in brotli or gzip like pages, compressed once.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from wiredesk.channels.web.encoding import IDENTITY, encode, preferred

STATIC_DIR = Path(__file__).resolve().parent / "static"
FONT_NAME = "NotoSansDevanagari-subset.woff2"
FONT_FILE = STATIC_DIR / "fonts" / FONT_NAME
FONT_LICENSE = STATIC_DIR / "fonts" / "OFL.txt"  # the font package's, beside the subset
FOREVER = "public, max-age=31536000, immutable"

# URL path under /static -> (file on disk, content type)
ASSETS: dict[str, tuple[Path, str]] = {
    "site.css": (STATIC_DIR / "site.css", "text/css; charset=utf-8"),
    f"fonts/{FONT_NAME}": (FONT_FILE, "font/woff2"),
    "fonts/OFL.txt": (FONT_LICENSE, "text/plain; charset=utf-8"),
    "logo.png": (STATIC_DIR / "logo.png", "image/png"),
}


def _versioned(path: Path, url: str) -> str:
    """`url` with a hash of the file: cached for a year, and still seen to change."""
    return f"{url}?v={hashlib.sha256(path.read_bytes()).hexdigest()[:12]}"


def css_url() -> str:
    """The stylesheet URL with a content hash, so it can be cached forever and still change."""
    return _versioned(STATIC_DIR / "site.css", "/static/site.css")


def font_url() -> str:
    """The font's URL as the stylesheet names it (scripts/build-font writes the same hash
    there): a preload under any other URL would fetch the font twice."""
    return _versioned(FONT_FILE, f"/static/fonts/{FONT_NAME}")


Headers = tuple[tuple[bytes, bytes], ...]


@functools.cache
def _loaded(name: str) -> dict[str, tuple[Headers, bytes]]:
    """A file's answers by content coding (identity, and brotli and gzip for text), made
    once a process."""
    path, media_type = ASSETS[name]
    body = path.read_bytes()
    etag = b'"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"'
    headers = (
        (b"content-type", media_type.encode()),
        (b"cache-control", FOREVER.encode()),
        (b"content-length", str(len(body)).encode()),
    )
    plain, variants = encode(headers, body, etag)
    answers = {IDENTITY: ((*plain, (b"etag", etag)), body)}
    answers.update((v.coding, (v.headers, v.body)) for v in variants)
    return answers


def static_file(request: Request) -> Response:
    name = request.path_params["path"]
    if name not in ASSETS or not ASSETS[name][0].is_file():
        raise HTTPException(status_code=404)
    answers = _loaded(name)
    coding = IDENTITY
    if len(answers) > 1:
        accept = request.headers.get("accept-encoding")
        available = tuple(c for c in answers if c != IDENTITY)
        coding = preferred(None if accept is None else accept.encode("latin-1"), available)
    headers, body = answers[coding]
    response = Response(body)
    response.raw_headers = list(headers)
    return response
