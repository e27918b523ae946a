"""Fixtures for the public site: a filler for the real store and test clients whose clock
the test controls (helpers live in channels_support.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from tests.channels.channels_support import T0, Clock, Filler, make_settings
from wiredesk.model import Envelope, Item, Transport
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database
from wiredesk.store.ledger import copies, envelopes


@pytest.fixture
def fill(store: Database) -> Filler:
    """Save items for a source through the real ingest API; returns the last short id."""
    counter = iter(range(10**6))

    def _fill(*new_items: Item, source: str = "ians", now: datetime | None = None) -> str:
        env_id, _ = envelopes.record(
            store,
            Envelope(
                source_id=source,
                payload=f"payload {next(counter)}".encode(),
                transport=Transport.HTTP,
                location="https://wire.example/feed.xml",
            ),
        )
        out = copies.save(
            store, source, list(new_items), env_id, now=now or T0 + timedelta(hours=2)
        )
        return out[-1].short_id

    return _fill


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def hi_client(store: Database, tmp_path: Path, clock: Clock) -> TestClient:
    return TestClient(site_app(make_settings(tmp_path, "hi"), store, clock=clock))


@pytest.fixture
def en_client(store: Database, tmp_path: Path, clock: Clock) -> TestClient:
    return TestClient(site_app(make_settings(tmp_path, "en"), store, clock=clock))
