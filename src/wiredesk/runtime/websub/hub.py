"""`POST /websub`: subscription requests, answered as W3C WebSub asks.

A request names a topic (one of this site's feeds, by its absolute URL), a callback, and
optionally a lease and a secret. The hub answers 202 at once and then checks the subscriber's
intent: a GET to the callback with a random challenge, which a real subscriber echoes. Only
then is the subscription stored (or, for `unsubscribe`, removed), so nobody can subscribe a
third party's URL to a stream of POSTs. Anything wrong with the request itself is a 400 that
says what, before anything is sent anywhere.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta
from urllib.parse import urlsplit

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from wiredesk.config import Settings
from wiredesk.model import utcnow
from wiredesk.runtime.websub.callbacks import CallbackClient, CallbackRefused
from wiredesk.runtime.websub.topics import feed_path
from wiredesk.store.database import Database
from wiredesk.store.ledger import websub as subscriptions

log = logging.getLogger(__name__)

MAX_FORM_BYTES = 16 * 1024  # a subscription request is a few short fields
MAX_SECRET_BYTES = 199  # WebSub: "MUST be less than 200 bytes"
MAX_URL_CHARS = 2048
MIN_LEASE_SECONDS = 60


class Hub:
    """Takes subscription requests. `current(topic)` gives the hash of the feed as it is when a
    subscription is made (the publisher's): the subscriber is taken to have read it, so only
    later changes are sent."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        client: CallbackClient,
        current: Callable[[str], Awaitable[str | None]],
    ) -> None:
        self.settings = settings
        self.db = db
        self.client = client
        self.current = current
        self._checks: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        return self.settings.site.base_url + self.settings.websub.path

    async def handle(self, request: Request) -> Response:
        if request.headers.get("content-type", "").split(";")[0].strip() != (
            "application/x-www-form-urlencoded"
        ):
            return _bad("send the request as application/x-www-form-urlencoded (W3C WebSub 5.1)")
        body = b""
        async for piece in request.stream():
            body += piece
            if len(body) > MAX_FORM_BYTES:
                return _bad(f"the request is larger than {MAX_FORM_BYTES} bytes")
        try:
            form = _form(body)
        except ValueError as e:
            return _bad(str(e))
        mode = form.get("hub.mode", "")
        if mode == "publish":
            return _bad(
                "this hub publishes its own site's feeds only; hub.mode=publish is not taken"
            )
        if mode not in ("subscribe", "unsubscribe"):
            return _bad("hub.mode must be subscribe or unsubscribe")
        topic, callback = form.get("hub.topic", ""), form.get("hub.callback", "")
        if not topic or not callback:
            return _bad("hub.topic and hub.callback are both required")
        if len(topic) > MAX_URL_CHARS or len(callback) > MAX_URL_CHARS:
            return _bad(f"hub.topic and hub.callback must be at most {MAX_URL_CHARS} characters")
        if feed_path(self.settings, topic) is None:
            return _bad(
                f"hub.topic {topic!r} is not a feed of this site; topics are its feed URLs, "
                f"such as {self.settings.site.base_url}/feed.xml"
            )
        parts = urlsplit(callback)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return _bad("hub.callback must be an absolute http(s) URL")
        secret = form.get("hub.secret")
        if secret is not None and not 0 < len(secret.encode()) <= MAX_SECRET_BYTES:
            return _bad(f"hub.secret must be 1 to {MAX_SECRET_BYTES} bytes")
        lease = self._lease(form.get("hub.lease_seconds"))
        if lease is None:
            return _bad("hub.lease_seconds must be a whole number of seconds")
        if mode == "subscribe":
            live = await anyio.to_thread.run_sync(subscriptions.count_live, self.db, utcnow())
            if live >= self.settings.websub.max_subscriptions:
                return PlainTextResponse(
                    "this hub has as many subscriptions as it takes; try again later\n",
                    status_code=503,
                    headers={"Retry-After": "3600"},
                )
        task = asyncio.create_task(self._verify(mode, topic, callback, lease, secret))
        self._checks.add(task)
        task.add_done_callback(self._checks.discard)
        return PlainTextResponse("accepted; the hub will now check the callback's intent\n", 202)

    def _lease(self, asked: str | None) -> int | None:
        w = self.settings.websub
        if asked is None or asked == "":
            return w.lease_seconds
        if not asked.isascii() or not asked.isdigit():
            return None
        return max(MIN_LEASE_SECONDS, min(int(asked), w.max_lease_seconds))

    async def _verify(
        self, mode: str, topic: str, callback: str, lease: int, secret: str | None
    ) -> None:
        """Verification of intent (WebSub 5.3): the callback must echo the challenge."""
        challenge = secrets.token_urlsafe(24)
        params = {"hub.mode": mode, "hub.topic": topic, "hub.challenge": challenge}
        if mode == "subscribe":
            params["hub.lease_seconds"] = str(lease)
        try:
            status, answer = await self.client.request("GET", callback, params=params)
        except CallbackRefused as e:
            log.warning("websub: %s to %s not made: %s", mode, topic, e)
            return
        if not 200 <= status < 300 or answer.strip() != challenge.encode():
            log.info(
                "websub: %s of %s to %s not confirmed by the subscriber (HTTP %d)",
                mode,
                callback,
                topic,
                status,
            )
            return
        now = utcnow()
        if mode == "subscribe":
            digest = await self.current(topic)
            await anyio.to_thread.run_sync(
                subscriptions.subscribe,
                self.db,
                topic,
                callback,
                secret,
                now + timedelta(seconds=lease),
                now,
                digest,
            )
            log.info("websub: %s subscribed to %s for %d s", callback, topic, lease)
        else:
            await anyio.to_thread.run_sync(subscriptions.unsubscribe, self.db, topic, callback)
            log.info("websub: %s unsubscribed from %s", callback, topic)


def _form(body: bytes) -> dict[str, str]:
    """The request's fields; a field given twice is refused rather than guessed."""
    from urllib.parse import parse_qsl

    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("the request is not UTF-8") from None
    out: dict[str, str] = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        if key in out:
            raise ValueError(f"{key} is given more than once")
        out[key] = value
    return out


def _bad(why: str) -> PlainTextResponse:
    return PlainTextResponse(why + "\n", status_code=400)
