"""A small newsroom for the picture tests: settings with one agency on a real local server,
a real store, copies saved through the ledger, the real picture fetcher, the real site."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import lxml.html
from starlette.testclient import TestClient

from tests.channels.channels_support import story_item
from tests.ingest.pictures.picture_support import PictureServer
from wiredesk.config import Settings, parse_settings
from wiredesk.ingest.pictures.worker import PictureFetcher
from wiredesk.ingest.transports.http import HttpFetcher
from wiredesk.model import Envelope, ImageLink, Transport
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database
from wiredesk.store.ledger import copies, envelopes
from wiredesk.store.public.reader import PublicReader

BASE_URL = "https://news.example.com"
_payloads = itertools.count()


def desk_settings(
    tmp_path: Path, port: int, site: dict[str, Any] | None = None, **source: Any
) -> Settings:
    """One agency, "wire", on the local server; `source` keys replace its settings (None
    leaves a key out), `site` adds to [site]."""
    wire = {
        "id": "wire",
        "name": "Wire",
        "url": f"http://127.0.0.1:{port}/feed.xml",
        "section": "videsh",
        "images": "host",
        "allow_private": True,
        **source,
    }
    wire = {k: v for k, v in wire.items() if v is not None}
    return parse_settings(
        {
            "site": {
                "name": "समाचार डेस्क",
                "language": "hi",
                "base_url": BASE_URL,
                "timezone": "Asia/Kolkata",
                "data_dir": str(tmp_path / "data"),
                **(site or {}),
            },
            "sections": {"videsh": "विदेश"},
            "sources": [wire],
        },
        tmp_path / "wiredesk.toml",
    )


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@dataclass
class Desk:
    settings: Settings
    db: Database
    server: PictureServer
    clock: Clock = field(default_factory=Clock)
    _client: TestClient | None = None

    def story(
        self,
        n: int,
        *,
        images: list[ImageLink] | None = None,
        body_html: str | None = None,
        location: str | None = None,
        transport: Transport = Transport.HTTP,
    ) -> str:
        """Save a copy of the agency's as ingest would; its short id."""
        env_id, _ = envelopes.record(
            self.db,
            Envelope(
                source_id="wire",
                payload=f"payload {next(_payloads)}".encode(),
                transport=transport,
                location=location or self.server.url("/feed.xml"),
                received_at=self.clock(),
            ),
        )
        extra: dict[str, Any] = {"images": images or []}
        if body_html is not None:
            extra["body_html"] = body_html
        item = story_item(n, published_at=self.clock() - timedelta(hours=1), **extra)
        [saved] = copies.save(self.db, "wire", [item], env_id, now=self.clock())
        return saved.short_id

    def host(self) -> int:
        """Run the picture fetcher until it has nothing left to do now."""

        async def run() -> int:
            client = HttpFetcher(self.settings)
            async with client:
                fetcher = PictureFetcher(self.settings, self.db, client=client, clock=self.clock)
                return await fetcher.drain(limit=60)

        return asyncio.run(run())

    @property
    def client(self) -> TestClient:
        if self._client is None:
            self._client = TestClient(site_app(self.settings, self.db, clock=self.clock))
        return self._client

    def path(self, short_id: str) -> str:
        detail = PublicReader(self.db).copy_detail(short_id, self.clock())
        assert detail is not None
        return detail.copy.path

    def page(self, short_id: str) -> tuple[str, Any]:
        """(the article's HTML, its parsed document)."""
        response = self.client.get(self.path(short_id))
        assert response.status_code == 200
        return response.text, lxml.html.fromstring(response.text)
