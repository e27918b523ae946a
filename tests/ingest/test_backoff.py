"""When a source is asked again: jittered, capped backoff and the server's Retry-After."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from wiredesk.ingest.backoff import backoff_delay, retry_after_time
from wiredesk.ingest.transports.addresses import address_kind, parse_ip

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_no_failures_means_the_configured_interval() -> None:
    assert backoff_delay(300, 0, cap=3600, rng=random.Random(1)) == 300


@pytest.mark.parametrize("seed", range(5))
def test_each_failure_doubles_the_window_up_to_the_cap(seed: int) -> None:
    rng = random.Random(seed)
    for failures in range(1, 40):
        delay = backoff_delay(60, failures, cap=3600, rng=rng)
        assert 60 <= delay <= min(3600, 60 * 2**failures)


def test_the_jitter_spreads_retries_over_the_whole_window() -> None:
    rng = random.Random(42)
    delays = [backoff_delay(60, 3, cap=3600, rng=rng) for _ in range(1000)]
    assert min(delays) < 60 + 0.05 * 420 and max(delays) > 480 - 0.05 * 420
    assert len({round(d) for d in delays}) > 100  # not in lockstep


def test_a_poll_interval_longer_than_the_cap_is_kept() -> None:
    assert backoff_delay(7200, 5, cap=3600, rng=random.Random(0)) == 7200


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("120", NOW + timedelta(seconds=120)),
        ("0", NOW),
        ("Sun, 01 Mar 2026 13:00:00 GMT", NOW + timedelta(hours=1)),
        ("Sun, 01 Mar 2026 11:00:00 GMT", NOW),  # in the past: now
        ("86401", NOW + timedelta(hours=24)),
        ("Tue, 01 Mar 2033 13:00:00 GMT", NOW + timedelta(hours=24)),
        ("soon", None),
        ("-5", None),
        (None, None),
    ],
)
def test_retry_after_forms(header: str | None, expected: datetime | None) -> None:
    assert retry_after_time(header, NOW) == expected


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("93.184.216.34", None),
        ("2606:2800:220:1:248:1893:25c8:1946", None),
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.0.0.1", "private"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.0.1", "private"),
        ("fc00::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.251", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("240.0.0.1", "private"),  # reserved, which Python also counts as private
        ("100.64.0.1", "non-public"),  # carrier-grade NAT
    ],
)
def test_address_classification(address: str, kind: str | None) -> None:
    ip = parse_ip(address)
    assert ip is not None
    assert address_kind(ip) == kind
