"""Rendered pages kept until what they show changes.

Pages and feeds are rendered once per change, not per request. A handler that may be cached
says what its response depends on (tags, see `store.ledger.changes`) and until when it holds
regardless (the next moment the gate's columns say something becomes public or stops leading,
or local midnight, when the masthead's date changes); `PageCache` keeps the whole response —
status, headers, body — under the request's path and query, and drops every entry sharing a
tag with a change as soon as the change is known: at once for writes in this process, within
`poll_every` seconds for writes in another (the `changes` table). A kill therefore leaves every
cached page that showed the copy immediately.

A response rendered while a change with one of its tags arrived is not kept: it may predate the
change. Hits are served by `CachedPages` before routing, with `ETag` and `Last-Modified`, and
answer a matching `If-None-Match` or `If-Modified-Since` with 304. An entry holds its
compressed bodies too (channels/web/encoding.py): the one its first reader asked for, made by
the render, and each other coding made once, for the first reader who asks for it; after that
a hit in brotli or gzip costs no more than a plain one.

A miss is rendered once, not once per reader: while a page is being rendered, other requests
for it wait for that render and are answered from the cache (what nginx calls a cache lock).
Without that, every change to the home page during a busy ingest let every connected reader
render it at the same moment, and the last of them waited for all the others.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wiredesk import metrics
from wiredesk.channels.web.encoding import (
    CODINGS,
    IDENTITY,
    Encoded,
    encode,
    preferred,
    worth_compressing,
)

# Keys of `scope["state"]` a handler sets to make its response cacheable.
TAGS = "cache_tags"
UNTIL = "cache_until"

# A request for a page being rendered waits for that render up to RENDER_WAIT_LIMIT seconds,
# and at most RENDER_WAITS times (each render may be overtaken by a change) before it renders
# the page itself.
RENDER_WAITS = 3
RENDER_WAIT_LIMIT = 5.0

# Answers worth keeping: pages, and the 404 and 410 of a dead link many readers follow (a
# story taken down while it is being shared). Error pages are kept in smaller numbers
# (`PageCache.max_errors`), so a scanner's thousand made-up paths cannot push pages out.
KEPT_STATUSES = frozenset({200, 404, 410})
# Paths never looked up nor kept: the editors' desk (wiredesk.desk) shows who is signed in and
# carries their forms' tokens. Its answers are never tagged, so none would be kept anyway;
# passing it by also spares it the render lock, which would queue two editors' requests.
PRIVATE_PREFIXES = ("/desk/",)


@dataclass(frozen=True, slots=True)
class Entry:
    status: int
    headers: tuple[tuple[bytes, bytes], ...]  # as sent, ETag and Last-Modified included
    body: bytes
    etag: bytes
    modified: datetime
    tags: frozenset[str]
    until: datetime | None
    variants: tuple[Encoded, ...] = ()  # the same body compressed, each with its headers
    pending: tuple[str, ...] = ()  # codings not made yet: made for the first reader wanting one

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(v.body) for v in self.variants)

    @property
    def codings(self) -> tuple[str, ...]:
        return tuple(v.coding for v in self.variants)


class PageCache:
    """Entries by request key, dropped by tag; bounded in count and bytes (least recently
    used first)."""

    def __init__(
        self,
        *,
        max_entries: int = 5000,
        max_bytes: int = 256 * 1024 * 1024,
        max_errors: int = 500,
    ) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.max_errors = max_errors
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._errors: OrderedDict[str, None] = OrderedDict()  # keys of non-200 entries
        self._by_tag: dict[str, set[str]] = {}
        self._bytes = 0
        self._lock = threading.Lock()
        self._generation = 0
        self._recent: deque[tuple[int, frozenset[str]]] = deque(maxlen=4096)

    @property
    def generation(self) -> int:
        """Taken before rendering and handed to `put`: a change since then may be missing."""
        return self._generation

    def get(self, key: str, now: datetime) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.until is not None and now >= entry.until:
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: Entry, generation: int) -> bool:
        """Keep `entry` unless a change touching its tags arrived since `generation`."""
        with self._lock:
            if self._generation != generation:
                if len(self._recent) and self._recent[0][0] > generation + 1:
                    return False  # too many changes since: the log no longer says which
                for gen, tags in self._recent:
                    if gen > generation and ("*" in tags or tags & entry.tags):
                        return False
            if key in self._entries:
                self._drop(key)
            self._entries[key] = entry
            self._bytes += entry.size
            for tag in entry.tags:
                self._by_tag.setdefault(tag, set()).add(key)
            if entry.status != 200:
                self._errors[key] = None
                while len(self._errors) > self.max_errors:
                    self._drop(next(iter(self._errors)))
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))
            return True

    def with_variants(
        self, key: str, entry: Entry, made: tuple[Encoded, ...], codings: tuple[str, ...]
    ) -> Entry:
        """`entry` with the bodies compressed in `codings` (`made`: those that came out
        smaller); kept in its place if it is still the one cached under `key`."""
        grown = replace(
            entry,
            variants=entry.variants + made,
            pending=tuple(c for c in entry.pending if c not in codings),
        )
        with self._lock:
            if self._entries.get(key) is entry:
                self._entries[key] = grown
                self._bytes += grown.size - entry.size
        return grown

    def invalidate(self, tags: Iterable[str]) -> int:
        """Drop every entry sharing a tag with `tags` ("*": all); returns how many."""
        frozen = frozenset(tags)
        with self._lock:
            self._generation += 1
            self._recent.append((self._generation, frozen))
            if "*" in frozen:
                dropped = len(self._entries)
                self._entries.clear()
                self._errors.clear()
                self._by_tag.clear()
                self._bytes = 0
                return dropped
            keys: set[str] = set()
            for tag in frozen:
                keys |= self._by_tag.get(tag, set())
            for key in keys:
                self._drop(key)
            return len(keys)

    def __len__(self) -> int:
        return len(self._entries)

    def _drop(self, key: str) -> None:
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        self._errors.pop(key, None)
        self._bytes -= entry.size
        for tag in entry.tags:
            keys = self._by_tag.get(tag)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_tag[tag]


def etag_of(body: bytes) -> bytes:
    return b'"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"'


class CachedPages:
    """ASGI middleware: serve GET and HEAD from `cache`, fill it from tagged responses."""

    def __init__(
        self,
        app: ASGIApp,
        cache: PageCache,
        clock: Callable[[], datetime],
        before: Callable[[], object] | None = None,
    ) -> None:
        self.app = app
        self.cache = cache
        self.clock = clock
        self.before = before  # e.g. catch up with other processes' changes
        self._rendering: dict[str, _Rendering] = {}  # keys being rendered by a GET now

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or scope["path"].startswith(PRIVATE_PREFIXES)
        ):
            await self.app(scope, receive, send)
            return
        if self.before is not None:
            await self.before()  # type: ignore[misc]
        key = scope["path"] + (
            "?" + scope["query_string"].decode("latin-1") if scope["query_string"] else ""
        )
        for _ in range(RENDER_WAITS):
            entry = self.cache.get(key, self.clock())
            if entry is not None:
                metrics.ANSWERS.cache["hit"] += 1
                await self._send_entry(key, entry, scope, send)
                return
            rendering = self._rendering.get(key)
            if rendering is None:
                break
            # Someone is rendering this page: its result is as fresh as ours would be, unless
            # a change arrived meanwhile, in which case it is not kept and we try again.
            with anyio.move_on_after(RENDER_WAIT_LIMIT):
                await rendering.done.wait()
            if rendering.done.is_set() and not rendering.cacheable:
                break  # not a page to keep (a 500, an untagged answer): nothing to wait for
        if scope["method"] != "GET" or key in self._rendering:
            await self._render(scope, receive, send, key)
            return
        render = self._rendering[key] = _Rendering()
        try:
            render.cacheable = await self._render(scope, receive, send, key)
        finally:
            del self._rendering[key]
            render.done.set()

    async def _render(self, scope: Scope, receive: Receive, send: Send, key: str) -> bool:
        """Pass the request on, keeping a cacheable response; says whether it was one."""
        metrics.ANSWERS.cache["miss"] += 1
        now = self.clock()
        generation = self.cache.generation
        started: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = message
                return  # held until the body is complete: its headers get the ETag
            if message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    await self._finish(scope, send, started, b"".join(chunks), key, now, generation)
                return
            await send(message)

        await self.app(scope, receive, capture)
        return started is not None and _keepable(scope, started)

    async def _finish(
        self,
        scope: Scope,
        send: Send,
        started: Message | None,
        body: bytes,
        key: str,
        now: datetime,
        generation: int,
    ) -> None:
        assert started is not None
        state = scope.get("state") or {}
        tags: set[str] = state.get(TAGS) or set()
        status = started["status"]
        headers = list(started.get("headers", []))
        if _keepable(scope, started):
            etag = etag_of(body)
            headers.append((b"last-modified", format_datetime(now, usegmt=True).encode()))
            pending = CODINGS if worth_compressing(tuple(headers), body) else ()
            plain, _ = encode(tuple(headers), body, etag, ())  # `Vary` where pending
            entry = Entry(
                status,
                (*plain, (b"etag", etag)),
                body,
                etag,
                now,
                frozenset(tags),
                state.get(UNTIL),
                pending=pending,
            )
            self.cache.put(key, entry, generation)
            await self._send_entry(key, entry, scope, send)
            return
        if scope["method"] == "GET":  # rendered for this request alone: compressed for it alone
            coding = preferred(_accept_encoding(scope), CODINGS)
            if coding != IDENTITY:
                plain, variants = await anyio.to_thread.run_sync(
                    encode, tuple(headers), body, None, (coding,)
                )
                headers = list(plain)
                if variants:
                    headers, body = list(variants[0].headers), variants[0].body
        await send({**started, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _send_entry(self, key: str, entry: Entry, scope: Scope, send: Send) -> None:
        """`_send_chosen`, having first made the body in the reader's coding if no reader
        asked for it before (in a worker thread: the loop serves others meanwhile)."""
        if entry.pending:
            coding = preferred(_accept_encoding(scope), CODINGS)
            if coding in entry.pending:
                plain = tuple((k, v) for k, v in entry.headers if k != b"etag")
                _, made = await anyio.to_thread.run_sync(
                    encode, plain, entry.body, entry.etag, (coding,)
                )
                entry = self.cache.with_variants(key, entry, made, (coding,))
        await _send_chosen(entry, scope, send)


def _keepable(scope: Scope, started: Message) -> bool:
    """Whether a response may be kept: a GET whose handler tagged it, with a kept status."""
    state = scope.get("state") or {}
    return scope["method"] == "GET" and started["status"] in KEPT_STATUSES and TAGS in state


class _Rendering:
    """A render in progress that others may wait for."""

    def __init__(self) -> None:
        self.done = anyio.Event()
        self.cacheable = False


async def _send_chosen(entry: Entry, scope: Scope, send: Send) -> None:
    """The entry in the encoding the request prefers, or 304 when the reader has it."""
    chosen: Entry | Encoded = entry
    if entry.variants:
        accept = _accept_encoding(scope)
        coding = preferred(accept, CODINGS)  # what nearly every entry has: one cached look-up
        if coding != IDENTITY:
            found = [v for v in entry.variants if v.coding == coding]
            if not found:  # a coding that did not shrink this body was left out
                coding = preferred(accept, entry.codings)
                found = [v for v in entry.variants if v.coding == coding]
            if found:
                chosen = found[0]
    held = _not_modified(entry, scope, chosen)
    if held is not None:
        # the 304 names the representation the reader holds, which is the one it matched
        headers = [(k, v) for k, v in held.headers if k in _KEPT_ON_304]
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    await send(
        {"type": "http.response.start", "status": entry.status, "headers": list(chosen.headers)}
    )
    body = b"" if scope["method"] == "HEAD" else chosen.body
    await send({"type": "http.response.body", "body": body})


def _accept_encoding(scope: Scope) -> bytes | None:
    accept = None
    for name, value in scope["headers"]:
        if name == b"accept-encoding":
            accept = value if accept is None else accept + b"," + value
    return accept


_KEPT_ON_304 = {b"etag", b"last-modified", b"cache-control", b"vary", b"content-security-policy"}


def _not_modified(entry: Entry, scope: Scope, chosen: Entry | Encoded) -> Entry | Encoded | None:
    """The representation the reader already holds, if its copy is current: the one whose
    `ETag` its `If-None-Match` names (any encoding of this body: the words are the same), or
    the one it is about to get when `If-Modified-Since` is not older than the render."""
    match = since = None
    for name, value in scope["headers"]:
        if name == b"if-none-match":
            match = value
        elif name == b"if-modified-since":
            since = value
    if match is not None:
        tags = {tag.strip().removeprefix(b"W/") for tag in match.split(b",")}
        if b"*" in tags:
            return chosen
        for held in (chosen, entry, *entry.variants):
            if held.etag in tags:
                return held
        return None
    if since is not None:
        try:
            if entry.modified.replace(microsecond=0) <= parsedate_to_datetime(
                since.decode("latin-1")
            ):
                return chosen
        except (TypeError, ValueError):
            return None
    return None


class ChangeFollower:
    """Keeps a cache in step with writes made by other processes (a `wiredesk ingest` beside
    this `wiredesk serve`), by reading the `changes` log at most every `every` seconds, on the
    way to serving a request. Writes made in this process reach the cache directly."""

    def __init__(
        self,
        cache: PageCache,
        read: Callable[[int | None], tuple[int, set[str]]],
        *,
        every: float = 0.5,
    ) -> None:
        self.cache = cache
        self.read = read
        self.every = every
        self._last_id: int | None = None
        self._checked = float("-inf")
        self._busy = False

    async def catch_up(self) -> None:
        now = time.monotonic()
        if self._busy or now - self._checked < self.every:
            return
        self._busy, self._checked = True, now
        try:
            self._last_id, tags = await anyio.to_thread.run_sync(self.read, self._last_id)
        except Exception:  # the database is away: pages are served from the cache meanwhile
            return
        finally:
            self._busy = False
        if tags:
            self.cache.invalidate(tags)
