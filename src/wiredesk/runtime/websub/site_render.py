"""The site's own answer for a path, asked in process: what a subscriber is sent is exactly
what a reader fetching the feed gets, through the same app and page cache."""

from __future__ import annotations

import httpx
from starlette.types import ASGIApp


class SiteRenderer:
    def __init__(self) -> None:
        self._client: httpx.AsyncClient | None = None

    def attach(self, app: ASGIApp) -> None:
        self._client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://wiredesk.internal"
        )

    async def __call__(self, path: str) -> tuple[int, bytes, str]:
        if self._client is None:
            raise RuntimeError("SiteRenderer used before attach()")
        r = await self._client.get(path, headers={"Accept-Encoding": "identity"})
        return r.status_code, r.content, r.headers.get("content-type", "application/octet-stream")

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
