"""Payloads from the local disk: a `file://` feed that is rewritten in place, or a drop folder.

A drop folder is how many agencies deliver (FTP/rsync into a directory). Each file is one
payload; once handled it moves to `processed/` or, with a `<name>.error` note beside it, to
`failed/`, so the folder itself always shows only what is still waiting.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from wiredesk.config import SourceSettings
from wiredesk.errors import SourceError
from wiredesk.ingest.transports.fetched import Fetched

PROCESSED = "processed"
FAILED = "failed"
# Names writers use while a file is still being written, and editor/OS droppings.
_PARTIAL_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", ".filepart", ".swp", ".lock")
SETTLE_SECONDS = 1.0  # a file touched more recently than this may still be being written


def path_from_file_url(url: str) -> Path:
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise ValueError(f"file URL {url} names a remote host; use a local path")
    return Path(unquote(parts.path))


def content_type_for(path: Path) -> str | None:
    guessed, _ = mimetypes.guess_type(path.name)
    if guessed is None and path.suffix.lower() in (".rss", ".atom", ".rdf"):
        return "application/xml"
    return guessed


def read_file_url(
    source: SourceSettings, *, fingerprint: str | None = None, content_hash: str | None = None
) -> Fetched | None:
    """Read a `file://` source. Returns None when the file is unchanged since last time.

    `fingerprint` (mtime and size) lets an untouched file be skipped without reading it;
    `content_hash` catches a file rewritten with the same bytes (a touch, a re-sync).
    The new values come back as `last_modified` and `etag` for the caller to keep.
    """
    assert source.url is not None
    try:
        path = path_from_file_url(source.url)
    except ValueError as e:
        raise SourceError(source.id, f"{e}; fix sources.{source.id}.url") from None
    try:
        st = path.stat()
        new_fingerprint = f"{st.st_mtime_ns}:{st.st_size}"
        if fingerprint == new_fingerprint and content_hash:
            return None
        payload = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(
            source.id, f"file {path} does not exist; create it or fix sources.{source.id}.url"
        ) from None
    except IsADirectoryError:
        raise SourceError(
            source.id, f"{path} is a folder; use `folder = ...` for drop folders"
        ) from None
    except OSError as e:
        raise SourceError(source.id, f"cannot read {path}: {e.strerror}") from None
    digest = hashlib.sha256(payload).hexdigest()
    if digest == content_hash:
        return None
    return Fetched(
        payload=payload,
        location=str(path),
        content_type=content_type_for(path),
        etag=digest,
        last_modified=new_fingerprint,
    )


def pending_files(source: SourceSettings, *, now: float | None = None) -> list[Path]:
    """Files in the drop folder that are ready to read, oldest first.

    Hidden files, partial uploads and anything modified in the last second are left alone:
    a writer may still be busy with them, and they will be picked up on a later poll.
    """
    return scan(source, time.time() if now is None else now)[0]


def settled_files(
    source: SourceSettings, fresh: list[Path], *, limit: float = SETTLE_SECONDS
) -> tuple[list[Path], int]:
    """Wait, up to `limit` seconds, for the `fresh` files (too recently modified to read when
    the folder was first looked at) to settle. Returns those that did, oldest first, and how
    many files of the folder are still being written when it gives up.

    For a run that will not come back (`ingest --once`): a poller takes a fresh file at its
    next poll, but a one-off run that skipped it would report nothing new and leave it.
    """
    wanted = set(fresh)
    deadline = time.time() + limit
    while True:
        now = time.time()
        ready, still = scan(source, now)
        waiting = [p for p in still if p in wanted]
        if not waiting or now >= deadline:
            return [p for p in ready if p in wanted], len(still)
        time.sleep(min(0.05, max(0.0, deadline - now)))


def scan(source: SourceSettings, now: float | None = None) -> tuple[list[Path], list[Path]]:
    """(files ready to read, oldest first; files modified too recently to read yet)."""
    now = time.time() if now is None else now
    folder = source.folder
    assert folder is not None
    if not folder.exists():
        raise SourceError(
            source.id,
            f"folder {folder} does not exist; create it or fix sources.{source.id}.folder",
        )
    if not folder.is_dir():
        raise SourceError(source.id, f"{folder} is not a folder; fix sources.{source.id}.folder")
    ready: list[tuple[float, str, Path]] = []
    fresh: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError as e:
        raise SourceError(source.id, f"cannot read folder {folder}: {e.strerror}") from None
    for entry in entries:
        name = entry.name
        if name.startswith((".", "~")) or name.lower().endswith(_PARTIAL_SUFFIXES):
            continue
        if name.endswith(".error"):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            mtime = entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue  # vanished between listing and stat: someone else took it
        if now - mtime < SETTLE_SECONDS:
            fresh.append(Path(entry.path))
            continue
        ready.append((mtime, name, Path(entry.path)))
    ready.sort()
    return [p for _, _, p in ready], fresh


def read_dropped(source: SourceSettings, path: Path) -> Fetched:
    try:
        payload = path.read_bytes()
    except OSError as e:
        raise SourceError(source.id, f"cannot read {path}: {e.strerror}") from None
    return Fetched(payload=payload, location=str(path), content_type=content_type_for(path))


def move_done(path: Path, *, error: str | None = None) -> Path:
    """Move a handled file to processed/ (or failed/ with `<name>.error`); never overwrite.

    Returns where the file went. A clash with an earlier file of the same name gets a
    numbered suffix (`feed.1.xml`), because agencies reuse names like `latest.xml`.
    """
    target_dir = path.parent / (FAILED if error is not None else PROCESSED)
    target_dir.mkdir(exist_ok=True)
    target = _free_name(target_dir, path.name)
    os.replace(path, target)
    if error is not None:
        target.with_name(target.name + ".error").write_text(error.rstrip() + "\n", "utf-8")
    return target


def _free_name(folder: Path, name: str) -> Path:
    candidate = folder / name
    stem, dot, suffix = name.rpartition(".")
    n = 1
    while candidate.exists() or (folder / (candidate.name + ".error")).exists():
        candidate = folder / (f"{stem}.{n}.{suffix}" if dot and stem else f"{name}.{n}")
        n += 1
    return candidate
