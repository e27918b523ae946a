"""The SSRF guard: a feed URL may only make wiredesk connect to public internet addresses.

A source URL is written by an operator, but a redirect is written by whoever runs the feed's
server, and a host name's DNS answer by whoever runs its zone. Without a guard, either could
point the poller at the admin port of a router, a cloud metadata service (169.254.169.254) or a
database on the same machine, and wiredesk would fetch it and publish what came back.

How it works, and why this way:

1. Before every request (the first and each redirect hop) the host is resolved once and *every*
   address is classified; one non-public address refuses the hop, unless the source says
   `allow_private = true`. An IP literal is classified directly, without DNS.
2. The addresses that passed are remembered for this fetch (a context variable, so concurrent
   polls do not see each other's), and the HTTP transport's network backend connects only to
   those addresses. There is no second DNS lookup between the check and the connection, so a
   name that answers "public" to the check and "127.0.0.1" to the connect (DNS rebinding)
   cannot slip through. The URL, the Host header and the TLS server name keep the real host
   name, so certificates are verified as usual and connection pooling stays per host name.

Both steps are pluggable for tests: a `Resolver` maps a host name to addresses, and an
`AddressPolicy` says whether an address is acceptable for a host (the default accepts only
public addresses). `file://` sources never reach this module: they are the operator's own files.
"""

from __future__ import annotations

import asyncio
import contextvars
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable, Sequence

import httpcore

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]
AddressPolicy = Callable[[str, IPAddress], bool]

# host name -> the addresses checked for it during the current fetch (None outside a fetch)
_vetted: contextvars.ContextVar[dict[str, tuple[str, ...]] | None] = contextvars.ContextVar(
    "wiredesk_vetted_addresses", default=None
)


async def system_resolver(host: str, port: int) -> list[str]:
    """The operating system's answer, every address of it, in its order of preference."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def address_kind(ip: IPAddress) -> str | None:
    """None for a public address; otherwise what it is, in words for the error message.

    IPv6 has several ways of carrying an IPv4 address, and a router or the OS may deliver a
    packet for one to the IPv4 address inside (a 6to4 relay, a NAT64 gateway, a Teredo
    tunnel). Python's own flags look only at the IPv6 prefix, so `2002:7f00:1::` (6to4 of
    127.0.0.1) read as public. Each form is therefore judged by the IPv4 address it carries.
    """
    if isinstance(ip, ipaddress.IPv6Address):
        return _ipv6_kind(ip)
    return _plain_kind(ip)


def _ipv6_kind(ip: ipaddress.IPv6Address) -> str | None:
    if ip.ipv4_mapped is not None:
        return _plain_kind(ip.ipv4_mapped)  # ::ffff:127.0.0.1 is 127.0.0.1
    if ip.sixtofour is not None:  # 2002:AABB:CCDD::/48 is routed to AA.BB.CC.DD
        inner = _plain_kind(ip.sixtofour)
        return None if inner is None else f"6to4 {inner}"
    if ip in _NAT64:  # the well-known prefix: the local gateway connects to the last 32 bits
        inner = _plain_kind(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        return None if inner is None else f"NAT64 {inner}"
    if ip.teredo is not None:
        # A tunnel endpoint, never a feed server; say which end is local when one is.
        for end in ip.teredo:
            inner = _plain_kind(end)
            if inner is not None:
                return f"Teredo {inner}"
        return "Teredo"
    if ip in _IPV4_COMPATIBLE and not (ip.is_unspecified or ip.is_loopback):
        # deprecated since 2006 (RFC 4291); some stacks still route ::A.B.C.D to A.B.C.D
        return "deprecated IPv4-compatible"
    return _plain_kind(ip)


def _plain_kind(ip: IPAddress) -> str | None:
    checks = (
        (ip.is_unspecified, "unspecified"),
        (ip.is_loopback, "loopback"),
        (ip.is_link_local, "link-local"),
        (ip.is_multicast, "multicast"),
        (ip.is_private, "private"),
        (ip.is_reserved, "reserved"),
    )
    for hit, kind in checks:
        if hit:
            return kind
    return None if ip.is_global else "non-public"


# RFC 6052's well-known NAT64 prefix; the local-use one (64:ff9b:1::/48) stays non-public.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def public_only(host: str, ip: IPAddress) -> bool:
    """The default policy: whatever the host is called, only public addresses will do."""
    return address_kind(ip) is None


def parse_ip(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


class VettedAddresses:
    """Records the addresses a fetch may connect to; use as a context manager per fetch."""

    def __init__(self) -> None:
        self._token: contextvars.Token[dict[str, tuple[str, ...]] | None] | None = None

    def __enter__(self) -> VettedAddresses:
        self._token = _vetted.set({})
        return self

    def __exit__(self, *exc: object) -> None:
        if self._token is not None:
            _vetted.reset(self._token)

    @staticmethod
    def allow(host: str, addresses: Iterable[str]) -> None:
        table = _vetted.get()
        if table is None:
            raise RuntimeError("VettedAddresses.allow outside a fetch")
        table[host.lower()] = tuple(addresses)


class VettedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore network backend that connects only to addresses the guard has checked."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        table = _vetted.get() or {}
        addresses = table.get(host.lower())
        if not addresses:  # a code path that skipped the check: refuse rather than guess
            raise httpcore.ConnectError(f"{host} was not checked by the address guard")
        error: Exception | None = None
        for address in addresses:  # like the OS would: try each address until one answers
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as e:
                error = e
        assert error is not None
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used for feeds")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
