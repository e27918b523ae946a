"""When to ask a source again: after success, after failures, and when the server says when.

Pure functions (the caller passes the clock's `now` and a `random.Random`), so tests can pin
every number, and the poller's policy can be read in one place.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

MAX_RETRY_AFTER = timedelta(hours=24)  # a server may not park a source for longer than this


def backoff_delay(poll_every: float, failures: int, *, cap: float, rng: random.Random) -> float:
    """Seconds until the next poll: `poll_every` after a success, more after failures.

    After n consecutive failures the delay is drawn uniformly ("full jitter") between
    `poll_every` and `min(cap, poll_every * 2**n)`: the window doubles with each failure so a
    dead feed is not hammered, the randomness keeps many sources that failed together (one
    agency's outage) from retrying in lockstep, and it never polls faster than configured.
    The cap keeps a source that recovers from waiting too long; it never shortens
    `poll_every` itself.
    """
    if failures <= 0:
        return poll_every
    ceiling = min(cap, poll_every * 2.0 ** min(failures, 60))
    if ceiling <= poll_every:
        return poll_every
    return poll_every + rng.uniform(0.0, ceiling - poll_every)


def retry_after_time(value: str | None, now: datetime) -> datetime | None:
    """The moment a `Retry-After` header (seconds or an HTTP date) points at, clamped to
    [now, now + 24 h]; None when the header is missing or unreadable."""
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        when = now + timedelta(seconds=min(int(text), MAX_RETRY_AFTER.total_seconds()))
    else:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # HTTP dates are GMT
            when = when.replace(tzinfo=UTC)
    return max(now, min(when, now + MAX_RETRY_AFTER))
