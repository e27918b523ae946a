"""Each API key's request budget: a token bucket per key, in this process.

A key may make `rate_per_minute` requests a minute on average and as many at once after a
quiet minute (the bucket holds a minute's worth). The buckets live in the serving process's
memory: behind several processes a key gets that budget from each, and a restart refills
every bucket. That is documented (docs/api.md) rather than shared through the database, which
would put a write on every read request.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable


class RateLimits:
    """Token buckets by key id; `take` spends one token or says how long to wait."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._buckets: dict[int, tuple[float, float]] = {}  # key id -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, key_id: int, rate_per_minute: int) -> int:
        """0 when the request may go ahead (a token spent), else the whole seconds until the
        next token (for `Retry-After`, at least 1)."""
        per_second = rate_per_minute / 60.0
        now = self.clock()
        with self._lock:
            tokens, at = self._buckets.get(key_id, (float(rate_per_minute), now))
            tokens = min(float(rate_per_minute), tokens + (now - at) * per_second)
            if tokens >= 1.0:
                self._buckets[key_id] = (tokens - 1.0, now)
                return 0
            self._buckets[key_id] = (tokens, now)
        return max(1, math.ceil((1.0 - tokens) / per_second))
