"""The site's own static files: its stylesheet, and the Devanagari web font with its licence.

The font is served by the site itself (from the `fontpkg_noto_sans_devanagari` package, SIL OFL)
so Hindi renders the same on every phone, with no third-party font CDN seeing the readers.
Only a fixed set of files is served: nothing under /static can reach the rest of the disk.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import fontpkg_noto_sans_devanagari as noto
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse

STATIC_DIR = Path(__file__).resolve().parent / "static"
FONT_FILE = noto.ROOT / "files" / "NotoSansDevanagari[wdth,wght].ttf"
FONT_LICENSE = noto.ROOT / "LICENSE"
FONT_URL = "/static/fonts/NotoSansDevanagari.ttf"
FOREVER = "public, max-age=31536000, immutable"

# URL path under /static -> (file on disk, content type)
ASSETS: dict[str, tuple[Path, str]] = {
    "site.css": (STATIC_DIR / "site.css", "text/css; charset=utf-8"),
    "fonts/NotoSansDevanagari.ttf": (FONT_FILE, "font/ttf"),
    "fonts/OFL.txt": (FONT_LICENSE, "text/plain; charset=utf-8"),
    "logo.png": (STATIC_DIR / "logo.png", "image/png"),
}


def css_url() -> str:
    """The stylesheet URL with a content hash, so it can be cached forever and still change."""
    digest = hashlib.sha256((STATIC_DIR / "site.css").read_bytes()).hexdigest()[:12]
    return f"/static/site.css?v={digest}"


def static_file(request: Request) -> FileResponse:
    entry = ASSETS.get(request.path_params["path"])
    if entry is None or not entry[0].is_file():
        raise HTTPException(status_code=404)
    path, media_type = entry
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": FOREVER})
