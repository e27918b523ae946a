"""What a transport hands to ingest: bytes plus what we need to ask again cheaply next time.

Files return `None` and HTTP returns `NotModified` instead of a `Fetched` when the source says
nothing changed, so ingest never has to store, hash or parse a payload it has already seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from wiredesk.config import SourceSettings
from wiredesk.errors import SourceError


@dataclass(frozen=True, slots=True)
class Fetched:
    payload: bytes
    location: str  # the URL or path the bytes actually came from (after redirects)
    content_type: str | None = None
    etag: str | None = None  # validators to send next time (HTTP), or the file's fingerprint
    last_modified: str | None = None
    moved_to: str | None = None  # a permanent redirect (301/308): poll this URL from now on


@dataclass(frozen=True, slots=True)
class NotModified:
    """HTTP 304: nothing new; `moved_to` as in `Fetched`, since a 301 may lead to a 304."""

    moved_to: str | None = None


class RateLimited(SourceError):
    """The server asked us to come back later (429/503 with Retry-After); `retry_at` is when."""

    def __init__(self, source_id: str, message: str, retry_at: datetime) -> None:
        super().__init__(source_id, message)
        self.retry_at = retry_at


class FetchRefused(SourceError):
    """A fetch that trying again will not help: the address is not allowed (the SSRF guard,
    a scheme other than http and https) or what it answers is over a limit."""


class Fetcher(Protocol):
    """What polling needs of a fetcher (`http.HttpFetcher`, or `lazy.LazyFetcher`)."""

    async def fetch(
        self,
        source: SourceSettings,
        *,
        url: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        now: datetime | None = None,
    ) -> Fetched | NotModified: ...
