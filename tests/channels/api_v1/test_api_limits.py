"""The per-key token bucket, on a clock the test moves."""

from __future__ import annotations

from wiredesk.channels.api_v1.limits import RateLimits


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_minutes_worth_at_once_then_one_token_per_interval() -> None:
    clock = Ticks()
    limits = RateLimits(clock)
    assert [limits.take(1, 6) for _ in range(6)] == [0] * 6  # a full bucket: six at once
    assert limits.take(1, 6) == 10  # one token every 10 s
    clock.now += 4
    assert limits.take(1, 6) == 6
    clock.now += 6
    assert limits.take(1, 6) == 0
    assert limits.take(1, 6) == 10
    assert limits.take(2, 6) == 0  # another key has its own bucket
    clock.now += 3600  # a quiet hour refills to a minute's worth, no more
    assert [limits.take(1, 6) for _ in range(7)] == [0] * 6 + [10]
