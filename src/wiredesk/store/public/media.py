"""Where hosted pictures live, by name: one rule for the fetcher that writes them and the site
that serves them.

A picture is named by the SHA-256 of the bytes the agency sent. Its renditions are files
`<sha256>-<width>.<ext>` (WebP and a JPEG fallback per width) in `<data_dir>/media/<aa>/`,
where `aa` is the name's first two hex digits (so no folder grows past a few thousand files
on a big archive); the original is kept beside them as `<sha256>.original` so renditions can
be made again, and is never served. The site serves renditions at `/media/<name>`: a name
is the content, so a URL never changes meaning and is cached for good.
"""

from __future__ import annotations

import re
from pathlib import Path

MEDIA_FOLDER = "media"  # under the site's data folder
MEDIA_PATH = "/media/"  # where the site serves renditions
# The renditions' file types, by extension: WebP for browsers that take it, JPEG for the rest.
RENDITION_TYPES = {"webp": "image/webp", "jpg": "image/jpeg"}
_NAME_RE = re.compile(r"^([0-9a-f]{64})-([1-9][0-9]{0,4})\.(webp|jpg)$")


def rendition_name(sha256: str, width: int, ext: str) -> str:
    return f"{sha256}-{width}.{ext}"


def rendition_url(sha256: str, width: int, ext: str) -> str:
    """The site path of one rendition (prefix `[site] base_url` for an absolute URL)."""
    return MEDIA_PATH + rendition_name(sha256, width, ext)


def parse_rendition_name(name: str) -> tuple[str, int, str] | None:
    """(sha256, width, ext) of a rendition's file name; None for anything else (an original,
    a path with a folder in it, a made-up name)."""
    m = _NAME_RE.match(name)
    if m is None:
        return None
    return m.group(1), int(m.group(2)), m.group(3)


def media_root(data_dir: Path) -> Path:
    return data_dir / MEDIA_FOLDER


def rendition_path(root: Path, sha256: str, width: int, ext: str) -> Path:
    return root / sha256[:2] / rendition_name(sha256, width, ext)


def original_path(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / f"{sha256}.original"
