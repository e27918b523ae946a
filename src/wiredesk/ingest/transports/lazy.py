"""The HTTP fetcher, loaded when a poll first needs it.

A run that polls only drop folders and files never needs the HTTP stack, and loading it
(httpx, and a TLS context that parses the whole CA bundle) was a sizeable part of
`wiredesk ingest --once`'s start-up; the first HTTP poll pays for it instead.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING

from wiredesk.config import Settings, SourceSettings
from wiredesk.ingest.transports.fetched import Fetched, NotModified

if TYPE_CHECKING:
    from wiredesk.ingest.transports.http import HttpFetcher


class LazyFetcher:
    """An `HttpFetcher` opened at the first HTTP fetch and closed with this one; polling
    and the scheduler hold one of these for a run."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._fetcher: HttpFetcher | None = None
        self._opening = asyncio.Lock()

    async def fetch(
        self,
        source: SourceSettings,
        *,
        url: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        now: datetime | None = None,
    ) -> Fetched | NotModified:
        if self._fetcher is None:
            async with self._opening:
                if self._fetcher is None:
                    from wiredesk.ingest.transports.http import HttpFetcher

                    fetcher = HttpFetcher(self.settings)
                    await fetcher.__aenter__()
                    self._fetcher = fetcher
        return await self._fetcher.fetch(
            source, url=url, etag=etag, last_modified=last_modified, now=now
        )

    async def __aenter__(self) -> LazyFetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc: BaseException | None = None,
        tb: TracebackType | None = None,
    ) -> None:
        if self._fetcher is not None:
            fetcher, self._fetcher = self._fetcher, None
            await fetcher.__aexit__(exc_type, exc, tb)
