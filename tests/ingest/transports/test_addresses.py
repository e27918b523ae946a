"""The SSRF guard reads through IPv6's ways of carrying an IPv4 address (issue 13, item 6).

A 6to4 relay, a NAT64 gateway or a Teredo tunnel delivers to the IPv4 address inside, so
`2002:7f00:1::` is as much loopback as 127.0.0.1 is; Python's flags alone called it public.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

import pytest

from wiredesk.config import parse_settings
from wiredesk.errors import SourceError
from wiredesk.ingest.transports.addresses import address_kind, parse_ip
from wiredesk.ingest.transports.http import HttpFetcher


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("2002:7f00:1::", "6to4 loopback"),  # 6to4 of 127.0.0.1
        ("2002:a00:1::1", "6to4 private"),  # 6to4 of 10.0.0.1
        ("2002:a9fe:a9fe::", "6to4 link-local"),  # 6to4 of 169.254.169.254, cloud metadata
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::ffff:192.168.1.1", "private"),
        ("::127.0.0.1", "deprecated IPv4-compatible"),
        ("::10.0.0.1", "deprecated IPv4-compatible"),
        ("64:ff9b::7f00:1", "NAT64 loopback"),  # NAT64 of 127.0.0.1
        ("64:ff9b::c0a8:101", "NAT64 private"),  # NAT64 of 192.168.1.1
        ("64:ff9b:1::a00:1", "reserved"),  # the local-use NAT64 prefix
        ("2001:0:a00:1::1", "Teredo private"),  # Teredo server 10.0.0.1
        ("2001::5ef5:79fd:0:0:f5ff:fffe", "Teredo private"),  # Teredo client 10.0.0.1
        ("2001:0:808:808:0:0:f7ff:fffe", "Teredo"),  # both ends public: still a tunnel
    ],
)
def test_ipv6_forms_of_a_non_public_ipv4_address_are_not_public(address: str, kind: str) -> None:
    ip = parse_ip(address)
    assert ip is not None
    assert address_kind(ip) == kind


@pytest.mark.parametrize("address", ["2002:808:808::1", "64:ff9b::808:808"])
def test_ipv6_forms_of_a_public_ipv4_address_stay_public(address: str) -> None:
    """6to4 of 8.8.8.8, and NAT64 of it: how an IPv6-only host reaches an IPv4-only feed."""
    ip = parse_ip(address)
    assert ip is not None
    assert address_kind(ip) is None


def test_a_feed_host_resolving_to_6to4_loopback_is_refused_before_any_connection(
    tmp_path: Path,
) -> None:
    """The real fetcher, with a DNS answer an attacker controls: refused, with the reason."""
    settings = parse_settings(
        {
            "site": {"base_url": "https://news.example", "data_dir": "data"},
            "sources": [{"id": "s0", "name": "Agency", "url": "http://feed.example/rss"}],
        },
        tmp_path / "wiredesk.toml",
    )

    async def resolver(host: str, port: int) -> Sequence[str]:
        return ["2002:7f00:1::"]

    async def fetch() -> object:
        async with HttpFetcher(settings, resolver=resolver) as fetcher:
            return await fetcher.fetch(settings.sources[0])

    with pytest.raises(SourceError) as info:
        asyncio.run(asyncio.wait_for(fetch(), 10))
    message = str(info.value)
    assert "resolves to 2002:7f00:1::, a 6to4 loopback address" in message
