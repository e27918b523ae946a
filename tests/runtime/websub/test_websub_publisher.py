"""The publisher's promises that a running site cannot show quickly: nothing resent after a
restart, nothing lost by one, retries with backoff that send the newest feed, and a queue
that holds at most one notification per subscription however often the feed changes."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.runtime.websub.websub_support import Subscriber
from wiredesk.config import parse_settings
from wiredesk.model import utcnow
from wiredesk.runtime.database import open_database
from wiredesk.runtime.websub.callbacks import CallbackClient
from wiredesk.runtime.websub.publisher import Publisher, content_hash
from wiredesk.store.database import Database
from wiredesk.store.ledger import websub

BASE = "https://news.example"
TOPIC = BASE + "/feed.xml"


class Feed:
    """The site's feed as the publisher renders it: whatever the test says it is now."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    async def __call__(self, path: str) -> tuple[int, bytes, str]:
        assert path == "/feed.xml"
        return 200, self.body, "application/rss+xml"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    settings = _settings(tmp_path)
    database = open_database(settings)
    yield database
    database.engine.dispose()


def _settings(tmp_path: Path):  # type: ignore[no-untyped-def]
    return parse_settings(
        {
            "site": {
                "base_url": BASE,
                "database": f"sqlite:///{tmp_path / 'site.db'}",
                "data_dir": str(tmp_path),
            },
            "websub": {"allow_private_callbacks": True},
        },
        tmp_path / "wiredesk.toml",
    )


async def _run_until(publisher: Publisher, done, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    task = asyncio.create_task(publisher.run())
    deadline = time.monotonic() + timeout
    try:
        while not done() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def test_a_restart_resends_nothing_unchanged_and_loses_no_change(
    tmp_path: Path, db: Database, subscriber: Subscriber
) -> None:
    settings = _settings(tmp_path)
    feed = Feed(b"<rss>one</rss>")
    now = utcnow()
    websub.subscribe(
        db, TOPIC, subscriber.url, None, now + timedelta(days=1), now, content_hash(feed.body)
    )

    async def main() -> None:
        client = CallbackClient(allow_private=True)
        first = Publisher(settings, db, feed, client, tick=0.2)
        await _run_until(first, lambda: False, timeout=1.0)  # running, nothing changed
        assert subscriber.notes == []
        feed.body = b"<rss>two</rss>"  # changed while no publisher runs
        second = Publisher(settings, db, feed, client, tick=0.2)
        await _run_until(second, lambda: subscriber.notes)
        await client.aclose()

    asyncio.run(main())
    assert [body for _, _, body in subscriber.notes] == [b"<rss>two</rss>"]


def test_a_failing_subscriber_is_retried_with_backoff_and_gets_the_newest_feed(
    tmp_path: Path, db: Database, subscriber: Subscriber
) -> None:
    settings = _settings(tmp_path)
    feed = Feed(b"<rss>v0</rss>")
    now = utcnow()
    websub.subscribe(
        db, TOPIC, subscriber.url, None, now + timedelta(days=1), now, content_hash(feed.body)
    )
    subscriber.status = 500

    async def main() -> None:
        client = CallbackClient(allow_private=True)
        publisher = Publisher(settings, db, feed, client, tick=0.1)
        task = asyncio.create_task(publisher.run())
        try:
            feed.body = b"<rss>v1</rss>"
            while not subscriber.notes:
                await asyncio.sleep(0.02)
            await asyncio.sleep(1.0)  # within the first backoff (2 s): no second try
            assert len(subscriber.notes) == 1
            for n in range(2, 30):  # the feed changes often while the subscriber is down
                feed.body = f"<rss>v{n}</rss>".encode()
                await publisher.check()
                assert len(publisher._waiting) <= 1  # one waiting notification, the newest
            subscriber.status = 204

            def settled() -> bool:
                """The newest feed sent, and its delivery recorded: the publisher writes it
                after the subscriber has answered, so the note alone is too early a sign."""
                if not subscriber.notes or subscriber.notes[-1][2] != b"<rss>v29</rss>":
                    return False
                return [s.failures for s in websub.live(db, utcnow())] == [0]

            deadline = time.monotonic() + 8
            while time.monotonic() < deadline and not settled():
                await asyncio.sleep(0.05)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            await client.aclose()

    asyncio.run(main())
    assert subscriber.notes[-1][2] == b"<rss>v29</rss>"
    assert len(subscriber.notes) <= 3  # the first try, a retry or two: never one per change
    [sub] = websub.live(db, utcnow())
    assert sub.failures == 0 and sub.content_hash == content_hash(b"<rss>v29</rss>")


def test_outside_hubs_in_ping_are_told_when_a_subscribed_feed_changes(
    tmp_path: Path, db: Database, subscriber: Subscriber
) -> None:
    base = _settings(tmp_path)
    settings = dataclasses.replace(
        base, websub=dataclasses.replace(base.websub, ping=(subscriber.url,))
    )
    feed = Feed(b"<rss>one</rss>")
    now = utcnow()
    websub.subscribe(
        db, TOPIC, "http://127.0.0.1:9/unused", None, now + timedelta(days=1), now, "old"
    )

    async def main() -> None:
        client = CallbackClient(allow_private=True)
        publisher = Publisher(settings, db, feed, client)
        await publisher.check()
        await publisher.check()  # unchanged: no second ping
        await client.aclose()

    asyncio.run(main())
    pings = [body for _, headers, body in subscriber.notes]
    assert pings == [b"hub.mode=publish&hub.url=https%3A%2F%2Fnews.example%2Ffeed.xml"]
