"""One poller per SQLite database: a second `wiredesk run`, `ingest` or `ingest --once` on the
same file refuses to start and says who holds it.

Why: two pollers on one SQLite file poll the same sources twice, take turns at its one writer
lock, and race each other for nothing; on SQLite the scale-out is PostgreSQL, not a second
poller. Grouping agrees across processes (ingest/grouping.py), so `wiredesk serve` (the site and
its push endpoint, no polling) may run beside the one poller; on PostgreSQL any number of
pollers may run, and nothing is taken here.

How: an exclusive `flock` on a file beside the database (`<database>.poller.lock`), which holds
the holder's pid, command and start. The kernel lets go of it when the process ends, however
it ends (kill -9 included), so a crashed poller never blocks the next one; the file itself
stays (removing it would let two processes lock two different files). Without `fcntl`
(Windows), or on a file system that refuses locks, nothing is taken.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from wiredesk.errors import DatabaseHeld, WiredeskError

log = logging.getLogger(__name__)

SUFFIX = ".poller.lock"


def lock_path(database_url: str) -> Path | None:
    """The lock file of a SQLite database file; None for PostgreSQL or an in-memory one."""
    url = make_url(database_url)
    if not url.drivername.startswith("sqlite") or url.database in (None, "", ":memory:"):
        return None
    db_file = Path(url.database).absolute()
    return db_file.with_name(db_file.name + SUFFIX)


@contextlib.contextmanager
def polling(database_url: str, command: str) -> Iterator[None]:
    """Hold the database's poller lock for the block (`command` is what a second poller is
    told holds it), or raise `DatabaseHeld` at once, naming the holder."""
    path = lock_path(database_url)
    try:
        import fcntl
    except ImportError:  # Windows: no guard
        path = None
    if path is None:
        yield
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise WiredeskError(
            f"cannot open the poller lock {path} beside the database ({e.strerror}); check "
            "site.database and the permissions of its folder"
        ) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DatabaseHeld(_refusal(path, _holder(fd))) from None
        except OSError as e:  # a file system without locks (some network ones): no guard
            log.warning("cannot lock %s (%s): a second poller would not be refused", path, e)
            yield
            return
        started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        with contextlib.suppress(OSError):  # a full disk: held all the same, only unnamed
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()}\ncommand {command}\nsince {started}\n".encode(), 0)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):  # a clean exit names no one (after a crash
                os.ftruncate(fd, 0)  # the next holder writes over it)
    finally:
        os.close(fd)  # the lock goes with it


def _holder(fd: int) -> dict[str, str]:
    """What the holder wrote into the lock file: pid, command, since (empty while it is
    starting: it writes right after it takes the lock)."""
    try:
        raw = os.pread(fd, 4096, 0).decode("utf-8", "replace")
    except OSError:
        return {}
    found = {}
    for line in raw.splitlines():
        key, _, value = line.partition(" ")
        if key in ("pid", "command", "since") and value:
            found[key] = value
    return found


def _refusal(path: Path, holder: dict[str, str]) -> str:
    database = path.with_name(path.name.removesuffix(SUFFIX))
    if holder:
        who = (
            f"pid {holder.get('pid', '?')} ({holder.get('command', 'a wiredesk poller')}), "
            f"polling since {holder.get('since', '?')}"
        )
        stop = f"stop it first (kill {holder['pid']})" if "pid" in holder else "stop it first"
    else:
        who = "a wiredesk process that is just starting"
        stop = "stop it first"
    return (
        f"{database} is already polled by another process: {who}. Two pollers on one SQLite "
        f"database would poll every source twice; {stop}, or run `wiredesk serve` beside it "
        "for the site only. To run several pollers, use PostgreSQL (docs/operations.md, "
        f"'One poller per SQLite database'). Lock file: {path}"
    )
