"""Polling a feed over HTTP politely: conditional GETs, bounded time, one clear line on failure.

Agencies and the sites that republish them rate-limit clients that re-download unchanged feeds,
so every poll sends back the ETag / Last-Modified the server gave last time; a 304 costs nothing.
"""

from __future__ import annotations

import errno
from http import HTTPStatus
from urllib.parse import urlsplit

import httpx

from wiredesk import __version__
from wiredesk.config import Settings, SourceSettings
from wiredesk.errors import SourceError
from wiredesk.sources.fetched import Fetched

MAX_REDIRECTS = 5
MAX_BYTES = 64 * 1024 * 1024  # a feed bigger than this is a mistake or an attack, not news


def user_agent(settings: Settings) -> str:
    """Identify ourselves and where to find the operator, as feed publishers ask."""
    return f"wiredesk/{__version__} (+{settings.site.base_url})"


def make_client(settings: Settings) -> httpx.AsyncClient:
    """One client per process so connections are reused across polls of the same host."""
    return httpx.AsyncClient(
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers={"User-Agent": user_agent(settings)},
        trust_env=False,  # a stray HTTP(S)_PROXY in the service environment must not reroute feeds
    )


async def fetch_http(
    client: httpx.AsyncClient,
    source: SourceSettings,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Fetched | None:
    """GET the source's URL. Returns None when the server says "not modified".

    Raises `SourceError` with one line a person can act on for every way this can fail.
    """
    url = source.url
    assert url is not None, "fetch_http needs a source with a url"
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    timeout = httpx.Timeout(source.timeout)
    try:
        async with client.stream("GET", url, headers=headers, timeout=timeout) as response:
            if response.status_code == HTTPStatus.NOT_MODIFIED:
                return None
            if not response.is_success:
                raise SourceError(source.id, _status_line(response))
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > MAX_BYTES:
                    raise SourceError(
                        source.id,
                        f"response from {url} is larger than {MAX_BYTES // 2**20} MB; "
                        "check that the URL points at a feed",
                    )
                chunks.append(chunk)
            return Fetched(
                payload=b"".join(chunks),
                location=str(response.url),
                content_type=response.headers.get("content-type"),
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
            )
    except httpx.TimeoutException:
        raise SourceError(
            source.id, f"timed out after {source.timeout:g} s fetching {url}"
        ) from None
    except httpx.TooManyRedirects:
        raise SourceError(
            source.id,
            f"more than {MAX_REDIRECTS} redirects from {url}; fix sources.{source.id}.url",
        ) from None
    except httpx.ConnectError as e:
        raise SourceError(source.id, _connect_line(url, e)) from None
    except httpx.HTTPError as e:  # protocol errors, broken connections, bad URLs
        reason = str(e) or type(e).__name__
        raise SourceError(source.id, f"fetching {url} failed: {reason}") from None


def _status_line(response: httpx.Response) -> str:
    try:
        phrase = HTTPStatus(response.status_code).phrase
    except ValueError:
        phrase = response.reason_phrase or "error"
    return f"HTTP {response.status_code} {phrase} from {response.url}"


def _connect_line(url: str, error: httpx.ConnectError) -> str:
    """Turn the OS's many spellings of "could not connect" into one readable line."""
    host = urlsplit(url).hostname or url
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
    if ("name" in text and ("known" in text or "resolution" in text)) or "getaddrinfo" in text:
        return f"cannot connect to {host}: host name not found; check the URL"
    return f"cannot connect to {host}: {error or 'connection failed'}"
