"""Payloads from the local disk: a `file://` feed that is rewritten in place, or a drop folder.

A drop folder is how many agencies deliver (FTP/rsync into a directory). Each file is one
payload; once handled it moves to `processed/` or, with a `<name>.error` note beside it, to
`failed/`, so the folder itself always shows only what is still waiting. Pictures (JPEG, PNG,
WebP, GIF) are not payloads: they stay where they were dropped for the stories that name them.

Two processes may poll one folder (two `wiredesk ingest` started together, a `run` beside
an `ingest --once`). A file is therefore claimed before it is read: renamed into this
process's own folder under `claimed/`, which is atomic, so exactly one process gets it and
the others find it gone and move on without a word. The claim folder holds a lock file
(`flock`) for as long as its process lives; a claim folder whose lock can be taken belongs to
a process that died (a crash, a `kill -9`), and its files are put back into the drop folder
(`reclaim_abandoned`, at every poll) to be read again: the payloads they hold were stored raw
or not at all, and reading them again is a replay or the first reading.
"""

from __future__ import annotations

import atexit
import hashlib
import mimetypes
import os
import secrets
import socket
import threading
import time
from pathlib import Path
from typing import IO
from urllib.parse import unquote, urlsplit

from wiredesk.config import SourceSettings
from wiredesk.errors import SourceError
from wiredesk.ingest.transports.fetched import Fetched

PROCESSED = "processed"
FAILED = "failed"
CLAIMED = "claimed"
_LOCK_NAME = ".owner.lock"
# Names writers use while a file is still being written, and editor/OS droppings.
_PARTIAL_SUFFIXES = (".tmp", ".part", ".partial", ".crdownload", ".filepart", ".swp", ".lock")
# Pictures an agency drops beside its stories are no payloads: the stories name them, and the
# picture fetcher reads them from here (ingest/pictures/addresses.py).
PICTURE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")
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
        if name.endswith(".error") or name.lower().endswith(PICTURE_SUFFIXES):
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


def read_dropped(source: SourceSettings, path: Path, *, dropped_as: Path | None = None) -> Fetched:
    """Read a dropped file (`path`, claimed: `dropped_as` is where it was dropped, the
    payload's location)."""
    try:
        payload = path.read_bytes()
    except OSError as e:
        raise SourceError(source.id, f"cannot read {path}: {e.strerror}") from None
    shown = dropped_as or path
    return Fetched(payload=payload, location=str(shown), content_type=content_type_for(shown))


# This process's claim folder per drop folder, with the open lock file that marks it alive.
_claims: dict[Path, tuple[Path, IO[bytes]]] = {}
_claims_lock = threading.Lock()


def claim(path: Path) -> Path | None:
    """Take a dropped file for this process: move it into its claim folder. Returns where it
    is now, or None when another process took it first (it is gone: nothing to say)."""
    own = _own_claim_folder(path.parent)
    target = _free_name(own, path.name)
    try:
        os.rename(path, target)
    except FileNotFoundError:
        return None
    return target


def release(claimed: Path) -> Path:
    """Put a claimed file back into its drop folder, for a later poll (after an outage)."""
    folder = _drop_folder(claimed)
    target = _free_name(folder, claimed.name)
    os.rename(claimed, target)
    return target


def reclaim_abandoned(folder: Path) -> int:
    """Put back into `folder` the files claimed by processes that died before handling them.
    Returns how many. A claim folder is abandoned when its lock can be taken: the kernel
    lets go of a process's locks when it ends, however it ends."""
    root = folder / CLAIMED
    try:
        entries = list(os.scandir(root))
    except FileNotFoundError:
        return 0
    own = _claims.get(folder)
    back = 0
    for entry in entries:
        if entry.name.startswith(".") or (own is not None and Path(entry.path) == own[0]):
            continue
        lock_path = Path(entry.path) / _LOCK_NAME
        try:
            handle = lock_path.open("rb")
        except OSError:  # gone, or being set up (set-ups are renamed in, lock and all)
            continue
        try:
            if not _try_lock(handle):
                continue  # its process is alive
            for claimed in Path(entry.path).iterdir():
                if claimed.name != _LOCK_NAME and claimed.is_file():
                    os.rename(claimed, _free_name(folder, claimed.name))
                    back += 1
            lock_path.unlink(missing_ok=True)
            os.rmdir(entry.path)
        except OSError:  # another process got there first
            continue
        finally:
            handle.close()
    return back


def _own_claim_folder(folder: Path) -> Path:
    """This process's claim folder in `folder`, made (with its lock taken) the first time.
    It is set up under a hidden name and renamed in, so no other process ever sees it
    without its lock."""
    with _claims_lock:
        known = _claims.get(folder)
        if known is not None and known[0].is_dir():
            return known[0]
        root = folder / CLAIMED
        root.mkdir(exist_ok=True)
        owner = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(4)}"
        setting_up = root / f".{owner}"
        setting_up.mkdir()
        handle = (setting_up / _LOCK_NAME).open("wb")
        _try_lock(handle)
        own = root / owner
        os.rename(setting_up, own)
        if not _claims:
            atexit.register(_drop_claim_folders)
        _claims[folder] = (own, handle)
        return own


def _drop_claim_folders() -> None:
    """At exit: remove this process's claim folders that hold nothing (one that still holds
    a file, after an error, is left for the next poll to put back)."""
    with _claims_lock:
        for own, handle in _claims.values():
            try:
                if [p.name for p in own.iterdir()] == [_LOCK_NAME]:
                    (own / _LOCK_NAME).unlink()
                    own.rmdir()
            except OSError:
                pass
            handle.close()
        _claims.clear()


def _try_lock(handle: IO[bytes]) -> bool:
    """Take the lock on `handle`'s file without waiting; whether it was free. Without
    `fcntl` (Windows) claims are never taken back: their files wait for the operator."""
    try:
        import fcntl
    except ImportError:
        return False
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _drop_folder(path: Path) -> Path:
    """The drop folder a file belongs to, claimed or not."""
    if path.parent.parent.name == CLAIMED:
        return path.parent.parent.parent
    return path.parent


def move_done(path: Path, *, error: str | None = None) -> Path:
    """Move a handled file to processed/ (or failed/ with `<name>.error`); never overwrite.

    Returns where the file went. A clash with an earlier file of the same name gets a
    numbered suffix (`feed.1.xml`), because agencies reuse names like `latest.xml`.
    `path` may be claimed (`claim`): it goes to its drop folder's processed/ or failed/.
    """
    target_dir = _drop_folder(path) / (FAILED if error is not None else PROCESSED)
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
