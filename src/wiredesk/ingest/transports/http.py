"""Polling a feed over HTTP politely and defensively; one clear line on every failure.

Politely: conditional GETs (a 304 costs nothing), `Retry-After` honoured, at most a few requests
per host at once, a User-Agent that says who we are. Defensively: a feed server is not trusted.
Every redirect hop is followed by hand so it can be counted and checked by the SSRF guard
(`addresses.py`); the body is decoded here, piece by piece, and counted *after* decompression so
a gzip or brotli bomb stops at the limit; and the whole fetch, all hops and all the body, has a
total deadline so a server that trickles one byte a second (slowloris) cannot hold a poll.
"""

from __future__ import annotations

import asyncio
import errno
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from types import TracebackType

import httpcore
import httpx

from wiredesk.config import Settings, SourceSettings
from wiredesk.errors import SourceError
from wiredesk.ingest.backoff import retry_after_time
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
from wiredesk.ingest.transports.decoding import DecodingError, accept_encoding, decoder_for
from wiredesk.ingest.transports.fetched import Fetched, FetchRefused, NotModified, RateLimited
from wiredesk.model import utcnow
from wiredesk.version import __version__

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
RATE_LIMITED = frozenset({429, 503})


def user_agent(settings: Settings) -> str:
    """Identify ourselves and where to find the operator, as feed publishers ask."""
    return f"wiredesk/{__version__} (+{settings.site.base_url})"


class HttpFetcher:
    """One per process (or per `ingest --once`): connections are reused across polls, and the
    per-host limit is shared by every source on the same host.

    `resolver` and `address_allowed` are the SSRF guard's two questions (what addresses does
    this host have; is this address acceptable for it); tests replace them, nothing else should.
    Both get the host as DNS knows it (an international name in its ASCII "xn--" form).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        resolver: Resolver = system_resolver,
        address_allowed: AddressPolicy = public_only,
    ) -> None:
        self.settings = settings
        self.resolver = resolver
        self.address_allowed = address_allowed
        self._per_host = settings.site.max_requests_per_host
        self._host_slots: dict[str, asyncio.Semaphore] = {}
        self._client = httpx.AsyncClient(
            transport=_guarded_transport(settings),
            follow_redirects=False,  # followed by hand: each hop is counted and checked
            headers={"User-Agent": user_agent(settings), "Accept-Encoding": accept_encoding()},
            trust_env=False,  # a stray HTTP(S)_PROXY in the service environment must not reroute
        )

    async def __aenter__(self) -> HttpFetcher:
        await self._client.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc: BaseException | None = None,
        tb: TracebackType | None = None,
    ) -> None:
        await self._client.__aexit__(exc_type, exc, tb)

    async def fetch(
        self,
        source: SourceSettings,
        *,
        url: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        now: datetime | None = None,
    ) -> Fetched | NotModified:
        """GET `url` (default: the source's configured URL), following up to 5 redirects.

        Raises `SourceError` (or its `RateLimited`) with one line a person can act on.
        """
        start = url or source.url
        assert start is not None, "fetch needs a source with a url"
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        with VettedAddresses():
            return await self._follow(source, start, headers, now or utcnow(), _FEED)

    async def fetch_picture(self, source: SourceSettings, url: str) -> Fetched:
        """GET a picture `url` for `source` with the same guard, deadline and redirect rules
        as a feed, and the picture's own size limit (`[site] max_picture_bytes`).

        Raises `SourceError` with one line a person can act on.
        """
        with VettedAddresses():
            result = await self._follow(source, url, {}, utcnow(), _PICTURE)
        if not isinstance(result, Fetched):  # no validators were sent: a 304 is nonsense
            raise SourceError(source.id, f"HTTP 304 Not Modified from {url} for a first GET")
        return result

    async def _follow(
        self,
        source: SourceSettings,
        start: str,
        headers: dict[str, str],
        now: datetime,
        body: _BodyLimit,
    ) -> Fetched | NotModified:
        total = self.settings.site.fetch_total_timeout
        loop = asyncio.get_running_loop()
        deadline: float | None = None
        current = _parse_url(source, start, came_from=None)
        seen = {str(current)}
        moved_to: str | None = None
        still_permanent = True  # a 301 after a 302 moves only the temporary address
        came_from: httpx.URL | None = None
        for _hop in range(MAX_REDIRECTS + 1):
            await self._vet(source, current, came_from)
            async with self._slot(current.raw_host.decode("ascii")):
                deadline = deadline or loop.time() + total  # time queued for a slot is free
                try:
                    async with asyncio.timeout_at(deadline):
                        result = await self._request(source, current, headers, now, body)
                except TimeoutError:
                    if loop.time() < deadline:
                        raise
                    raise SourceError(
                        source.id,
                        f"gave up on {current} after {total:g} s in total (the server sends too "
                        "slowly or never finishes); raise [site] fetch_total_timeout if this "
                        "feed is really that slow",
                    ) from None
            if isinstance(result, Fetched):
                return _with_move(result, moved_to)
            if isinstance(result, NotModified):
                return NotModified(moved_to)
            status, target = result
            if status in PERMANENT_REDIRECTS and still_permanent:
                moved_to = str(target)
            else:
                still_permanent = False
            if str(target) in seen:
                raise SourceError(
                    source.id,
                    f"redirect loop: {current} sends us back to {target}; "
                    f"fix sources.{source.id}.url or ask the feed's publisher",
                )
            seen.add(str(target))
            came_from, current = current, target
        raise SourceError(
            source.id,
            f"more than {MAX_REDIRECTS} redirects from {start}; fix sources.{source.id}.url",
        )

    async def _vet(
        self, source: SourceSettings, url: httpx.URL, came_from: httpx.URL | None
    ) -> None:
        """The SSRF guard for one hop: resolve once, refuse any non-public address."""
        host = url.raw_host.decode("ascii")  # as the transport will see it (IDNA: punycode)
        shown = url.host  # as a person wrote it
        literal = parse_ip(host)
        if literal is not None:
            addresses = [str(literal)]
        else:
            try:
                async with asyncio.timeout(source.timeout):
                    addresses = list(await self.resolver(host, url.port or _default_port(url)))
            except TimeoutError:
                raise SourceError(
                    source.id, f"cannot connect to {shown}: looking up the name timed out"
                ) from None
            except (OSError, UnicodeError):
                addresses = []
            if not addresses:
                raise SourceError(
                    source.id, f"cannot connect to {shown}: host name not found; check the URL"
                )
        if not source.allow_private:
            for address in addresses:
                ip = parse_ip(address)
                if ip is None or not self.address_allowed(host, ip):
                    kind = (address_kind(ip) if ip is not None else None) or "non-public"
                    what = (
                        f"{shown} is a {kind} address"
                        if literal is not None
                        else f"{shown} resolves to {address}, a {kind} address"
                    )
                    hop = f"redirect from {came_from} to {url}" if came_from else f"{url}"
                    raise FetchRefused(
                        source.id,
                        f"refused to fetch {hop}: {what}; only public addresses are polled "
                        f"unless sources.{source.id}.allow_private = true",
                    )
        VettedAddresses.allow(host, addresses)

    def _slot(self, host: str) -> asyncio.Semaphore:
        key = host.lower()
        slot = self._host_slots.get(key)
        if slot is None:
            slot = self._host_slots[key] = asyncio.Semaphore(self._per_host)
        return slot

    async def _request(
        self,
        source: SourceSettings,
        url: httpx.URL,
        headers: dict[str, str],
        now: datetime,
        body: _BodyLimit,
    ) -> Fetched | NotModified | tuple[int, httpx.URL]:
        """One hop. A redirect comes back as (status, absolute target) for `_follow` to judge.

        The source's credentials (`headers`) go only to the hosts it names, hop by hop, so
        a redirect to another host never carries them there."""
        sent = {**source.headers_for(url.raw_host.decode("ascii")), **headers}
        try:
            async with self._client.stream(
                "GET", url, headers=sent, timeout=httpx.Timeout(source.timeout)
            ) as response:
                status = response.status_code
                if status in REDIRECTS:
                    location = response.headers.get("location")
                    if not location:
                        raise SourceError(
                            source.id, f"HTTP {status} from {url} without a Location header"
                        )
                    return status, _parse_url(source, location, came_from=url)
                if status == HTTPStatus.NOT_MODIFIED:
                    return NotModified()
                if status in RATE_LIMITED:
                    retry_at = retry_after_time(response.headers.get("retry-after"), now)
                    if retry_at is not None:
                        when = retry_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
                        raise RateLimited(
                            source.id,
                            f"HTTP {status} {_phrase(response)}; retrying after {when} ({url})",
                            retry_at,
                        )
                if not response.is_success:
                    raise SourceError(source.id, _status_line(response))
                payload = await self._read_body(source, url, response, body)
                return Fetched(
                    payload=payload,
                    location=str(url),
                    content_type=response.headers.get("content-type"),
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                )
        except httpx.TimeoutException:
            raise SourceError(
                source.id, f"timed out after {source.timeout:g} s fetching {url}"
            ) from None
        except httpx.ConnectError as e:
            raise SourceError(source.id, _connect_line(url.host, e)) from None
        except httpx.HTTPError as e:  # protocol errors, broken connections
            reason = str(e) or type(e).__name__
            raise SourceError(source.id, f"fetching {url} failed: {reason}") from None

    async def _read_body(
        self, source: SourceSettings, url: httpx.URL, response: httpx.Response, body: _BodyLimit
    ) -> bytes:
        """Decode and count as the bytes arrive; stop the moment the limit is passed."""
        limit = getattr(self.settings.site, body.setting)
        too_big = FetchRefused(
            source.id,
            f"response from {url} is larger than {_size(limit)} after decompression; "
            f"raise [site] {body.setting} if this {body.what} is really that big",
        )
        try:
            decoder = decoder_for(response.headers.get("content-encoding"))
        except DecodingError as e:
            raise SourceError(source.id, f"cannot read the response from {url}: {e}") from None
        declared = response.headers.get("content-length", "")
        plain = "content-encoding" not in response.headers
        if plain and declared.isdigit() and int(declared) > limit:
            raise too_big  # no need to download what we would throw away
        chunks: list[bytes] = []
        size = 0
        try:
            async for raw in response.aiter_raw():
                for piece in decoder.feed(raw):
                    size += len(piece)
                    if size > limit:
                        raise too_big
                    chunks.append(piece)
            for piece in decoder.flush():
                size += len(piece)
                if size > limit:
                    raise too_big
                chunks.append(piece)
        except DecodingError as e:
            raise SourceError(source.id, f"cannot read the response from {url}: {e}") from None
        return b"".join(chunks)


@dataclass(frozen=True, slots=True)
class _BodyLimit:
    """Which `[site]` setting bounds a response, and what the response is, for its message."""

    setting: str
    what: str


_FEED = _BodyLimit("max_body_bytes", "feed")
_PICTURE = _BodyLimit("max_picture_bytes", "picture")


def _guarded_transport(settings: Settings) -> httpx.AsyncHTTPTransport:
    """httpx's transport with a connection pool whose network backend is the SSRF guard's.

    httpx has no public hook for the network backend, so the transport's pool is replaced by
    one built with httpcore's public constructor; tests on a real server pin the behaviour.
    """
    connections = max(100, settings.site.max_concurrent_polls * 2)
    transport = httpx.AsyncHTTPTransport(trust_env=False)
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=connections,
        max_keepalive_connections=min(connections, 100),
        keepalive_expiry=5.0,
        network_backend=VettedBackend(),
    )
    return transport


def _parse_url(source: SourceSettings, text: str, *, came_from: httpx.URL | None) -> httpx.URL:
    try:
        url = came_from.join(text) if came_from is not None else httpx.URL(text)
    except (httpx.InvalidURL, ValueError, UnicodeError):
        where = f"{came_from} redirects to" if came_from else "the URL is"
        raise FetchRefused(source.id, f"{where} {text!r}, which is not a valid URL") from None
    if url.scheme not in ("http", "https") or not url.host:
        where = f"{came_from} redirects to" if came_from else "the URL is"
        raise FetchRefused(
            source.id, f"{where} {text}; only http:// and https:// URLs are followed"
        )
    return url


def _default_port(url: httpx.URL) -> int:
    return 443 if url.scheme == "https" else 80


def _with_move(fetched: Fetched, moved_to: str | None) -> Fetched:
    if moved_to is None:
        return fetched
    return Fetched(
        payload=fetched.payload,
        location=fetched.location,
        content_type=fetched.content_type,
        etag=fetched.etag,
        last_modified=fetched.last_modified,
        moved_to=moved_to,
    )


def _size(n: int) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale and n % scale == 0:
            return f"{n // scale} {unit}"
    return f"{n} bytes"


def _phrase(response: httpx.Response) -> str:
    try:
        return HTTPStatus(response.status_code).phrase
    except ValueError:
        return response.reason_phrase or "error"


def _status_line(response: httpx.Response) -> str:
    return f"HTTP {response.status_code} {_phrase(response)} from {response.url}"


def _connect_line(host: str, error: httpx.ConnectError) -> str:
    """Turn the OS's many spellings of "could not connect" into one readable line."""
    cause: BaseException | None = error
    while cause is not None:  # the useful errno sits a few __cause__ links down
        if isinstance(cause, OSError) and cause.errno is not None:
            if cause.errno == errno.ECONNREFUSED:
                return f"cannot connect to {host}: connection refused"
            if cause.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
                return f"cannot connect to {host}: network unreachable"
        cause = cause.__cause__ or cause.__context__
    text = str(error).lower()
    if "refused" in text:
        return f"cannot connect to {host}: connection refused"
    return f"cannot connect to {host}: {error or 'connection failed'}"
