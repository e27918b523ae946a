"""Which picture addresses a stored version names, and where each one really is.

A version names pictures in two places: its `images` (NewsML-G2 picture items and
`remoteContent`, ninjs associations, RSS enclosures and Media RSS, JSON Feed images, NITF
`media`) and the `<img>` elements of its body. Each address is taken as written (`href`: the
pages find the picture by it) and resolved against where the payload came from:

- an http(s) address is fetched over HTTP, with the feed's SSRF guard and limits;
- an address relative to an HTTP feed is relative to the feed's final URL;
- for a `file://` source or a drop folder, a relative address is a file beside the payload
  (agencies that deliver by FTP put the pictures next to the XML), read from disk, and only
  from inside the source's own folder: `../`, a symbolic link out, or a `file://` address
  elsewhere on the machine is refused, since the site would publish whatever it read;
- a pushed payload has no place a relative address could be relative to: refused.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from wiredesk.config import SourceSettings
from wiredesk.ingest.transports.files import path_from_file_url
from wiredesk.model import Transport
from wiredesk.store.ledger.pictures import VersionPictures

_IMG_RE = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_SRC_RE = re.compile(r"""\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Named:
    """One picture a version names: `href` as written; `url` what to fetch (an http(s) URL,
    or a `file://` URL of a file inside the source's folder), or `problem` when there is
    nothing the site may fetch."""

    href: str
    url: str | None
    problem: str | None = None

    @property
    def local(self) -> Path | None:
        if self.url is None or not self.url.startswith("file:"):
            return None
        return path_from_file_url(self.url)


def body_sources(body_html: str) -> list[str]:
    """The `src` of every `<img>` in a sanitized body, as written (entities decoded)."""
    out: list[str] = []
    for tag in _IMG_RE.findall(body_html):
        m = _SRC_RE.search(tag)
        if m is not None:
            src = html.unescape(m.group(1) if m.group(1) is not None else m.group(2)).strip()
            if src and src not in out:
                out.append(src)
    return out


def named_pictures(version: VersionPictures, source: SourceSettings) -> list[Named]:
    """Every picture `version` names, each href once: its `images` first, then its body's."""
    hrefs: list[str] = []
    for image in version.images:
        href = str(image.get("href") or "").strip()
        if href and href not in hrefs:
            hrefs.append(href)
    for src in body_sources(version.body_html):
        if src not in hrefs:
            hrefs.append(src)
    return [resolve(href, version.location, version.transport, source) for href in hrefs]


def resolve(href: str, location: str, transport: str, source: SourceSettings) -> Named:
    """Where the picture `href`, named by a payload from `location`, is to be fetched."""
    try:
        parts = urlsplit(href)
    except ValueError:
        return Named(href, None, "not a valid address")
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        return Named(href, href)
    if scheme == "file":
        return _local(href, _file_target(href), source)
    if scheme:
        return Named(href, None, f"{scheme}: addresses are not fetched (only http, https and "
                     "files beside a file source's payloads)")  # fmt: skip
    if href.startswith("//"):  # scheme-relative
        return Named(href, "https:" + href)
    if transport == Transport.HTTP.value:
        return Named(href, urljoin(location, href))
    if transport in (Transport.FILE.value, Transport.FOLDER.value):
        target = Path(location).parent / unquote(parts.path)
        return _local(href, target, source)
    return Named(
        href,
        None,
        "a relative address in a pushed payload, which has no address of its own to be "
        "relative to; the agency must send absolute http(s) addresses",
    )


def _file_target(href: str) -> Path | None:
    try:
        return path_from_file_url(href)
    except ValueError:
        return None


def _local(href: str, target: Path | None, source: SourceSettings) -> Named:
    root = _source_folder(source)
    if target is None or root is None:
        return Named(
            href,
            None,
            "a file on this machine, which only a file or folder source may name",
        )
    try:
        real = target.resolve()
        inside = real.is_relative_to(root.resolve())
    except (OSError, RuntimeError, ValueError):
        inside = False
    if not inside:
        return Named(
            href,
            None,
            f"outside the source's folder {root}; only pictures beside the payloads are read",
        )
    return Named(href, real.as_uri())


def _source_folder(source: SourceSettings) -> Path | None:
    """The folder whose files a source's payloads may name: the drop folder, or the folder
    of a `file://` feed."""
    if source.folder is not None:
        return source.folder
    if source.url is not None and urlsplit(source.url).scheme == "file":
        try:
            return path_from_file_url(source.url).parent
        except ValueError:
            return None
    return None
