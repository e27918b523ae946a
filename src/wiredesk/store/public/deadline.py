"""A time limit on the queries of one request, and a way to stop them early.

A page that takes too long to render (a database under an unusual load, a plan gone wrong)
must not keep a worker thread and a connection busy after its reader has given up, and a
process asked to stop must not wait for it. While `limit_queries` is in force in a thread
(a request's handler), every statement it runs is bounded:

- on SQLite, a progress handler installed on every connection (store/database.py) aborts the
  statement once the deadline has passed or the request was cancelled;
- on PostgreSQL, `statement_timeout` is set for the statement to the time left, and
  `cancel()` stops one that is running.

`cancel_all()` cancels every limited request of the process (at shutdown).
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
import time
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


class QueryInterrupted(Exception):
    """A query not started, or stopped, because its request ran out of time or was
    cancelled."""


@dataclass(eq=False)
class QueryLimit:
    """The deadline (monotonic seconds) of one request's queries, and whether it was
    cancelled (its client went away, or the process is stopping)."""

    deadline: float
    cancelled: threading.Event = field(default_factory=threading.Event)
    # PostgreSQL connections running a statement for this request, to cancel them
    running: set[Any] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def exceeded(self) -> bool:
        return self.cancelled.is_set() or time.monotonic() >= self.deadline

    def remaining_ms(self) -> int:
        return max(1, int((self.deadline - time.monotonic()) * 1000))

    def cancel(self) -> None:
        """Stop this request's queries now: SQLite's at its next check, PostgreSQL's at once."""
        self.cancelled.set()
        with self.lock:
            running = list(self.running)
        for conn in running:
            with contextlib.suppress(Exception):  # it may have finished meanwhile
                conn.cancel()


_current: contextvars.ContextVar[QueryLimit | None] = contextvars.ContextVar(
    "wiredesk_query_limit", default=None
)
_active: weakref.WeakSet[QueryLimit] = weakref.WeakSet()
_active_lock = threading.Lock()


def current() -> QueryLimit | None:
    """The limit in force for this thread's queries, if any."""
    return _current.get()


@contextlib.contextmanager
def limit_queries(limit: QueryLimit) -> Iterator[QueryLimit]:
    """Bound every query run inside the block (in this thread and context) by `limit`."""
    token = _current.set(limit)
    with _active_lock:
        _active.add(limit)
    try:
        yield limit
    finally:
        _current.reset(token)
        with _active_lock:
            _active.discard(limit)


def cancel_all() -> int:
    """Cancel every limited request of the process; returns how many."""
    with _active_lock:
        limits = list(_active)
    for limit in limits:
        limit.cancel()
    return len(limits)
