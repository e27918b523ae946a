"""One writer at a time: SQLite has one, and two writers in one process only wait on each
other's locks. Every transport's database work (polls, drops, pushes) in a process runs under
the one `threading.Lock` the process shares, taken in the worker thread that does the work."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def locked(lock: threading.Lock | None, fn: Callable[..., T], *args: object, **kw: object) -> T:
    """Run `fn` holding `lock` (if any): one writer at a time, whichever thread asks."""
    if lock is None:
        return fn(*args, **kw)
    with lock:
        return fn(*args, **kw)
