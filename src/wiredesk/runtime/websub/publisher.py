"""Sending each changed feed to its subscribers, the moment it changes.

What a subscriber gets is the feed itself, as the site serves it (a "fat ping": the body of
`/feed.xml` or whichever topic, rendered through the site's own app and page cache), so a
kill reaches subscribers exactly as it reaches the public feed: the story is no longer in it.

When to look: at once when this process writes (the database's change listeners), within
`follow_every` seconds when another process does (the `changes` log, as the page cache
follows it), and every `tick` seconds whatever happens (an embargo ends by the clock, with
no write). Whether to send: each subscription remembers the SHA-256 of the feed it last got
(`content_hash`), so a look that finds the same feed sends nothing, a restart neither loses
a change nor resends an unchanged feed, and two web processes agree.

The queue is bounded by construction: a subscription has at most one notification waiting,
the newest (a newer feed replaces an unsent older one, which it contains), so the queue never
holds more than the live subscriptions. A failed notification is retried with backoff, the
newest feed each time.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

import anyio.to_thread

from wiredesk.config import Settings
from wiredesk.model import utcnow
from wiredesk.runtime.websub.callbacks import CallbackClient, CallbackRefused
from wiredesk.runtime.websub.topics import feed_path
from wiredesk.store.database import Database
from wiredesk.store.ledger import websub as subscriptions
from wiredesk.store.public.reader import PublicReader

log = logging.getLogger(__name__)

# (status, body, content type) of a site path, rendered by the site's own app.
Render = Callable[[str], Awaitable[tuple[int, bytes, str]]]

SENDERS = 4  # notifications in flight at once
RETRY_BASE = 2.0  # seconds before the first retry; doubled each time, up to RETRY_MAX
RETRY_MAX = 3600.0


@dataclass(slots=True)
class _Waiting:
    subscription: subscriptions.Subscription
    body: bytes
    content_type: str
    content_hash: str


def content_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def signature(secret: str, body: bytes) -> str:
    """`X-Hub-Signature` (WebSub 8): the HMAC of the body under the subscriber's secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class Publisher:
    def __init__(
        self,
        settings: Settings,
        db: Database,
        render: Render,
        client: CallbackClient,
        *,
        tick: float = 15.0,
        follow_every: float = 0.25,
    ) -> None:
        self.settings = settings
        self.db = db
        self.render = render
        self.client = client
        self.tick = tick
        self.follow_every = follow_every
        self.hub_url = settings.site.base_url + settings.websub.path
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiting: dict[int, _Waiting] = {}  # subscription id -> its newest notification
        self._in_flight: set[int] = set()
        self._ready = asyncio.Event()
        self._retry_at: dict[int, float] = {}  # subscription id -> monotonic time
        self._pinged: dict[str, str] = {}  # topic -> hash last announced to outside hubs

    # --- told of changes ---------------------------------------------------------------------

    def changed(self, _tags: Iterable[str] = ()) -> None:
        """A write changed public content (a database change listener: any thread)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._wake.set)

    async def current(self, topic: str) -> str | None:
        """The hash of `topic`'s feed as the site serves it now (None if it serves none)."""
        path = feed_path(self.settings, topic)
        if path is None:
            return None
        status, body, _ = await self.render(path)
        return content_hash(body) if status == 200 else None

    # --- the loop ----------------------------------------------------------------------------

    async def run(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.db.on_change(self.changed)
        reader = PublicReader(self.db)
        last_change: int | None = None
        senders = [asyncio.create_task(self._send_forever()) for _ in range(SENDERS)]
        next_tick = 0.0
        again = False  # look once more at the next turn
        try:
            while True:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self.follow_every)
                woken = self._wake.is_set()
                self._wake.clear()
                try:
                    last_change, others = await anyio.to_thread.run_sync(
                        reader.changes_since, last_change
                    )
                except Exception:  # the database is away: look again at the next turn
                    log.debug("websub: cannot read the changes log", exc_info=True)
                    continue
                now = time.monotonic()
                due_retry = any(t <= now for t in self._retry_at.values())
                if woken or others or again or due_retry or now >= next_tick:
                    next_tick = now + self.tick
                    # Another process's write reaches the page cache within its own follow
                    # interval, so the feed rendered now may predate it: look again next turn.
                    again = bool(others)
                    await self.check()
        finally:
            for task in senders:
                task.cancel()
            await asyncio.gather(*senders, return_exceptions=True)

    async def check(self) -> int:
        """Queue the changed feed for every subscription that lacks it; how many were queued."""
        now = utcnow()
        live = await anyio.to_thread.run_sync(subscriptions.live, self.db, now)
        by_topic: dict[str, list[subscriptions.Subscription]] = {}
        for sub in live:
            by_topic.setdefault(sub.topic, []).append(sub)
        queued = 0
        clock = time.monotonic()
        for topic, subs in by_topic.items():
            path = feed_path(self.settings, topic)
            if path is None:
                continue
            status, body, ctype = await self.render(path)
            if status != 200:
                continue
            digest = content_hash(body)
            for sub in subs:
                if sub.content_hash == digest:
                    self._waiting.pop(sub.id, None)
                    continue
                if self._retry_at.get(sub.id, 0.0) > clock or sub.id in self._in_flight:
                    continue  # backing off, or being sent: looked at again when that ends
                self._waiting[sub.id] = _Waiting(sub, body, ctype, digest)
                queued += 1
            await self._ping(topic, digest)
        if queued:
            self._ready.set()
        return queued

    async def _ping(self, topic: str, digest: str) -> None:
        """Tell the outside hubs of `[websub] ping` that the topic changed."""
        if not self.settings.websub.ping or self._pinged.get(topic) == digest:
            return
        self._pinged[topic] = digest
        for hub in self.settings.websub.ping:
            try:
                status, _ = await self.client.request(
                    "POST", hub, data={"hub.mode": "publish", "hub.url": topic}
                )
            except CallbackRefused as e:
                log.warning("websub: cannot ping %s about %s: %s", hub, topic, e)
                continue
            if not 200 <= status < 300:
                log.warning("websub: %s answered HTTP %d to the ping about %s", hub, status, topic)

    # --- sending -----------------------------------------------------------------------------

    async def _send_forever(self) -> None:
        while True:
            await self._ready.wait()
            chosen = next((k for k in self._waiting if k not in self._in_flight), None)
            if chosen is None:
                self._ready.clear()
                continue
            item = self._waiting.pop(chosen)
            self._in_flight.add(chosen)
            try:
                await self._send(item)
            finally:
                self._in_flight.discard(chosen)
                self._wake.set()  # the feed may have changed while it was being sent

    async def _send(self, item: _Waiting) -> None:
        sub = item.subscription
        headers = {
            "Content-Type": item.content_type,
            "Link": f'<{self.hub_url}>; rel="hub", <{sub.topic}>; rel="self"',
        }
        if sub.secret:
            headers["X-Hub-Signature"] = signature(sub.secret, item.body)
        try:
            status, _ = await self.client.request(
                "POST", sub.callback, content=item.body, headers=headers
            )
            error = None if 200 <= status < 300 else f"the callback answered HTTP {status}"
        except CallbackRefused as e:
            error = str(e)
        if error is None:
            self._retry_at.pop(sub.id, None)
            await anyio.to_thread.run_sync(
                subscriptions.delivered, self.db, sub.id, utcnow(), item.content_hash
            )
            return
        failures = sub.failures + 1
        delay = min(RETRY_MAX, RETRY_BASE * 2 ** min(failures - 1, 20))
        self._retry_at[sub.id] = time.monotonic() + delay
        log.warning(
            "websub: notifying %s of %s failed (%d in a row; next try in %.0f s): %s",
            sub.callback,
            sub.topic,
            failures,
            delay,
            error,
        )
        await anyio.to_thread.run_sync(subscriptions.failed, self.db, sub.id, error)
