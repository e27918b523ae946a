"""Requests to subscribers' callbacks (and to outside hubs), behind the poller's SSRF guard.

A callback URL is written by whoever subscribes, so it is as untrusted as a redirect from a
feed's server: without a guard, a subscription would make the hub send requests to a router's
admin port, a cloud metadata service or a database beside it. Each request resolves the host
once, refuses a non-public address (unless `[websub] allow_private_callbacks`), and connects
only to the addresses it checked (ingest/transports/addresses.py explains why this way).
Redirects are not followed: a subscriber gives the callback it means.
"""

from __future__ import annotations

import asyncio

import httpcore
import httpx

from wiredesk.ingest.transports.addresses import (
    AddressPolicy,
    Resolver,
    VettedAddresses,
    VettedBackend,
    address_kind,
    parse_ip,
    public_only,
    system_resolver,
)

TIMEOUT = 10.0  # seconds for one request to a subscriber, connection included
MAX_ANSWER_BYTES = 64 * 1024  # what is read of an answer (a challenge is short)


class CallbackRefused(Exception):
    """The callback cannot be reached, or may not be: one line saying which and why."""


class CallbackClient:
    """One per hub: connections are reused across notifications."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        user_agent: str = "wiredesk-websub",
        resolver: Resolver = system_resolver,
        address_allowed: AddressPolicy = public_only,
    ) -> None:
        self.allow_private = allow_private
        self.resolver = resolver
        self.address_allowed = address_allowed
        transport = httpx.AsyncHTTPTransport(trust_env=False)
        transport._pool = httpcore.AsyncConnectionPool(  # the guard's backend, as the poller's
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=50,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=VettedBackend(),
        )
        self._client = httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,
            timeout=TIMEOUT,
            headers={"User-Agent": user_agent},
            trust_env=False,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, str] | None = None,
        content: bytes | None = None,
        data: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        """(status, first `MAX_ANSWER_BYTES` of the body); `CallbackRefused` when it cannot."""
        try:
            target = httpx.URL(url)
        except httpx.InvalidURL as e:
            raise CallbackRefused(f"{url} is not a URL ({e})") from None
        if target.scheme not in ("http", "https") or not target.host:
            raise CallbackRefused(f"{url} is not an http(s) URL")
        with VettedAddresses():
            await self._vet(target)
            try:
                async with self._client.stream(
                    method, target, params=params, content=content, data=data, headers=headers
                ) as response:
                    body = bytearray()
                    async for piece in response.aiter_raw():
                        body += piece
                        if len(body) >= MAX_ANSWER_BYTES:
                            break
                    return response.status_code, bytes(body[:MAX_ANSWER_BYTES])
            except httpx.TimeoutException:
                raise CallbackRefused(f"{url} did not answer within {TIMEOUT:.0f} s") from None
            except httpx.HTTPError as e:
                raise CallbackRefused(f"cannot reach {url}: {e or type(e).__name__}") from None

    async def _vet(self, url: httpx.URL) -> None:
        host = url.raw_host.decode("ascii")
        literal = parse_ip(host)
        if literal is not None:
            addresses = [str(literal)]
        else:
            try:
                async with asyncio.timeout(TIMEOUT):
                    addresses = list(await self.resolver(host, url.port or _port(url)))
            except (TimeoutError, OSError, UnicodeError):
                addresses = []
            if not addresses:
                raise CallbackRefused(f"{url.host}: host name not found")
        if not self.allow_private:
            for address in addresses:
                ip = parse_ip(address)
                if ip is None or not self.address_allowed(host, ip):
                    kind = (address_kind(ip) if ip is not None else None) or "non-public"
                    raise CallbackRefused(
                        f"{url.host} is (or resolves to) {address}, a {kind} address; callbacks "
                        "must be public unless [websub] allow_private_callbacks = true"
                    )
        VettedAddresses.allow(host, addresses)


def _port(url: httpx.URL) -> int:
    return 443 if url.scheme == "https" else 80
