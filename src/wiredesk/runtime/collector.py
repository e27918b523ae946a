"""Python's cycle collector, set for a process that ingests.

An ingest batch keeps hundreds of items alive until they are saved, each with its lists,
strings and dataclasses, so with CPython's default thresholds (a young collection every 700
allocations) those objects are traversed again and again while they are still in use, and
every older collection also walks everything that was loaded at start (SQLAlchemy's metadata,
the templates, the near-duplicate index). On the ingest benchmark the settings below cut the
collections by more than an order of magnitude (bench/RESULTS.md).

- `gc.freeze()` moves everything alive at start to a permanent generation that collections
  skip (reference counting still frees those objects as usual);
- a young collection every 10,000 allocations instead of 700: wiredesk makes few reference
  cycles, so garbage waits a little longer and costs no more memory worth counting.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000


def tune_collector() -> None:
    """Freeze what is alive now and collect young objects less often. Idempotent."""
    _, middle, old = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
