"""The picture fetcher: a background task that hosts the pictures of every `images = "host"`
source's copies.

Why a task of its own and not a step of ingest: a picture can be megabytes from another host,
and a story must not wait for it. Ingest stores the copy and it is public at once; this task
reads the versions stored since it last looked (a cursor per source, by version id), fetches
what they name, and attaches what arrives. So push → visible is unchanged, and a picture that
never comes costs the story nothing.

Each pass:
1. reads up to `BATCH` new versions of each hosting source;
2. works out the addresses they name (`addresses.named_pictures`), skipping those already
   hosted or failed for good, and fetches the rest, `AT_ONCE` at a time: over HTTP with
   the feeds' fetcher (SSRF guard, redirects, deadlines, the source's credentials, `[site]
   max_picture_bytes`), or from the source's own folder;
3. makes each into renditions (`renditions.make`) in a worker thread and writes the files;
4. records each attempt and then, in one transaction, which copies name what, their hosted
   pictures (`items.pictures`) and the cursor, which tells the page caches.

Failures that may pass (a timeout, HTTP 503, a 404 for a picture not published yet) are tried
again after `RETRY_AFTER`; refusals (the SSRF guard, too big, not a picture) are final. Every
failure is a line in source health (`wiredesk sources`, `/health`) naming the picture.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, TypeVar

from wiredesk.config import Settings, SourceSettings
from wiredesk.errors import SourceError
from wiredesk.ingest.pictures import PictureRefused
from wiredesk.ingest.pictures.addresses import Named, named_pictures
from wiredesk.ingest.transports.fetched import Fetched, FetchRefused, RateLimited
from wiredesk.ingest.write_lock import locked
from wiredesk.model import utcnow
from wiredesk.store.database import Database
from wiredesk.store.ledger import pictures as ledger
from wiredesk.store.public.media import media_root, original_path

log = logging.getLogger(__name__)

T = TypeVar("T")

BATCH = 50  # versions read per source per pass
AT_ONCE = 4  # pictures fetched at the same time
EVERY = 1.0  # seconds between passes that found nothing to do
# A source that starts hosting gets the pictures of the copies it received this recently.
BACKFILL = timedelta(hours=48)
# Waits before the second, third and fourth try of a picture whose failure may pass.
RETRY_AFTER = (timedelta(minutes=1), timedelta(minutes=10), timedelta(hours=1))


class PictureClient(Protocol):
    """What the fetcher needs of an HTTP fetcher (`transports.http.HttpFetcher`)."""

    async def fetch_picture(self, source: SourceSettings, url: str) -> Fetched: ...


class PictureFetcher:
    """Hosts the pictures of the settings' `images = "host"` sources, in `db`.

    `client` fetches over HTTP (by default an `HttpFetcher` made at the first HTTP picture);
    `write_lock` is the process's one-writer lock, shared with the poller and push."""

    def __init__(
        self,
        settings: Settings,
        db: Database,
        *,
        client: PictureClient | None = None,
        write_lock: threading.Lock | None = None,
        clock: Callable[[], datetime] = utcnow,
        every: float = EVERY,
    ) -> None:
        self.settings = settings
        self.db = db
        self.clock = clock
        self.every = every
        self.root = media_root(settings.site.data_dir)
        self._client = client
        self._own_client: Any = None
        self._write_lock = write_lock
        self._slots = asyncio.Semaphore(AT_ONCE)
        self.hosting = [s for s in settings.sources if s.hosts_pictures]

    # --- running ------------------------------------------------------------------------------

    async def run(self) -> None:
        """Adopt the settings, then pass after pass until cancelled (at once, when no source
        has its pictures hosted)."""
        try:
            await self.adopt()
            while self.hosting:
                try:
                    busy = await self.pass_once()
                except asyncio.CancelledError:
                    raise
                except Exception:  # the database went away, a bug: log it, try again later
                    log.exception("the picture fetcher's pass failed; trying again shortly")
                    busy = 0
                if not busy:
                    await asyncio.sleep(self.every)
        finally:
            await self.close()

    async def drain(self, *, limit: float = 300.0) -> int:
        """Adopt the settings and pass until nothing is left to do now (`ingest --once`), for
        at most `limit` seconds; returns how many versions and retries were handled."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        done = 0
        try:
            await self.adopt()
            while loop.time() < deadline:
                busy = await self.pass_once()
                if not busy:
                    break
                done += busy
        finally:
            await self.close()
        return done

    async def close(self) -> None:
        if self._own_client is not None:
            client, self._own_client = self._own_client, None
            await client.__aexit__(None, None, None)

    async def adopt(self) -> None:
        """Bring the database in step with the settings: a source no longer hosted shows no
        hosted picture from now on; a source newly hosted starts from its recent copies."""
        now = self.clock()
        hosting = {s.id for s in self.hosting}
        for source_id in await self._store(ledger.hosting_sources, self.db):
            if source_id not in hosting:
                await self._store(ledger.forget_source, self.db, source_id, now)
                log.info(
                    "pictures: source %r is no longer hosted; its pictures are hidden", source_id
                )
        for source in self.hosting:
            if await self._store(ledger.cursor, self.db, source.id) is None:
                await self._store(ledger.start_cursor, self.db, source.id, now - BACKFILL)

    async def pass_once(self) -> int:
        """One pass over every hosting source and the retries that are due; returns how many
        versions and retries it handled (0: nothing to do)."""
        busy = 0
        for source in self.hosting:
            busy += await self._read_source(source)
        busy += await self._retry_due()
        return busy

    # --- one source's new versions ----------------------------------------------------------

    async def _read_source(self, source: SourceSettings) -> int:
        after = await self._store(ledger.cursor, self.db, source.id)
        if after is None:
            after = await self._store(
                ledger.start_cursor, self.db, source.id, self.clock() - BACKFILL
            )
        versions = await self._store(ledger.versions_after, self.db, source.id, after, BATCH)
        if not versions:
            return 0
        named = {v.version_id: named_pictures(v, source) for v in versions}
        wanted = {n.url or n.href: n for ns in named.values() for n in ns}
        known = await self._store(ledger.url_states, self.db, source.id, list(wanted))
        to_try = [
            n for key, n in wanted.items() if key not in known or _due(known[key], self.clock())
        ]
        results = await asyncio.gather(*(self._try(source, n) for n in to_try))
        known.update((n.url or n.href, state) for n, state in zip(to_try, results, strict=True))
        refs = [
            (v.item_id, n.href, known[n.url or n.href].id)
            for v in versions
            for n in named[v.version_id]
            if (n.url or n.href) in known
        ]
        await self._store(
            ledger.attach,
            self.db,
            source.id,
            refs,
            read_to=versions[-1].version_id,
            now=self.clock(),
        )
        return len(versions)

    async def _retry_due(self) -> int:
        by_id = {s.id: s for s in self.hosting}
        due = await self._store(ledger.due_retries, self.db, list(by_id), self.clock(), BATCH)
        await asyncio.gather(*(self._try(by_id[r.source_id], Named(r.url, r.url)) for r in due))
        return len(due)

    # --- one picture ------------------------------------------------------------------------

    async def _try(self, source: SourceSettings, named: Named) -> ledger.UrlState:
        """Fetch, make and record one picture; the address's state afterwards."""
        key = named.url or named.href
        async with self._slots:
            if named.url is None:
                return await self._failed(source, key, named.href, named.problem or "", final=True)
            try:
                data = await self._fetch(source, named)
                made = await asyncio.to_thread(self._make, data)
            except FetchRefused as e:
                return await self._failed(source, key, named.href, e.reason, final=True)
            except RateLimited as e:
                return await self._failed(source, key, named.href, e.reason, retry_at=e.retry_at)
            except SourceError as e:
                return await self._failed(source, key, named.href, e.reason)
            except PictureRefused as e:
                return await self._failed(source, key, named.href, str(e), final=True)
            state, _ = await self._store(
                ledger.record_attempt, self.db, source.id, key, now=self.clock(), made=made
            )
            return state

    async def _fetch(self, source: SourceSettings, named: Named) -> bytes:
        local = named.local
        if local is not None:
            return await asyncio.to_thread(self._read_local, source, local)
        assert named.url is not None
        fetched = await (await self._http()).fetch_picture(source, named.url)
        return fetched.payload

    def _read_local(self, source: SourceSettings, path: Path) -> bytes:
        limit = self.settings.site.max_picture_bytes
        try:
            size = path.stat().st_size
            if size > limit:
                raise FetchRefused(
                    source.id,
                    f"{path} is {size:,} bytes, more than [site] max_picture_bytes ({limit:,})",
                )
            return path.read_bytes()
        except FileNotFoundError:
            raise SourceError(source.id, f"no file {path} (yet)") from None
        except OSError as e:
            raise SourceError(source.id, f"cannot read {path}: {e.strerror}") from None

    def _make(self, data: bytes) -> ledger.Made:
        from wiredesk.ingest.pictures import renditions  # Pillow: loaded by the first picture

        sized = renditions.make(data, max_pixels=self.settings.site.max_picture_pixels)
        renditions.save(self.root, sized, data)
        return sized.made

    async def _failed(
        self,
        source: SourceSettings,
        key: str,
        href: str,
        reason: str,
        *,
        final: bool = False,
        retry_at: datetime | None = None,
    ) -> ledger.UrlState:
        now = self.clock()
        known = await self._store(ledger.url_states, self.db, source.id, [key])
        tries = known[key].tries if key in known else 0
        if not final and retry_at is None and tries < len(RETRY_AFTER):
            retry_at = now + RETRY_AFTER[tries]
        line = f"picture {href}: {reason}"
        if retry_at is not None:
            line += f" (trying again at {retry_at:%H:%M} UTC)"
        log.warning("source %r: %s", source.id, line)
        state, _ = await self._store(
            ledger.record_attempt, self.db, source.id, key, now=now, error=line, retry_at=retry_at
        )
        return state

    async def _http(self) -> PictureClient:
        if self._client is None:
            from wiredesk.ingest.transports.http import HttpFetcher  # only when a URL needs it

            own = HttpFetcher(self.settings)
            await own.__aenter__()
            self._own_client = self._client = own
        return self._client

    async def _store(self, fn: Callable[..., T], *args: object, **kwargs: object) -> T:
        """A ledger call in a worker thread, under the process's write lock."""

        def call() -> T:
            return locked(self._write_lock, fn, *args, **kwargs)

        return await asyncio.to_thread(call)


def _due(state: ledger.UrlState, now: datetime) -> bool:
    """Whether an address already tried is to be tried again now."""
    return state.state == ledger.WAITING and (state.next_try_at is None or state.next_try_at <= now)


def fetch_pictures_once(settings: Settings, db: Database, *, limit: float = 300.0) -> int:
    """Host the pictures of what is stored and not yet read, then return (`ingest --once`)."""
    if not any(s.hosts_pictures for s in settings.sources):
        return 0
    return asyncio.run(PictureFetcher(settings, db).drain(limit=limit))


def remake_all(settings: Settings, db: Database) -> tuple[int, list[str]]:
    """Make every hosted picture's renditions again from its original (after an upgrade that
    changed the sizes, or a damaged media folder), and show the new ones. Returns how many
    were made and the sha256 of those whose original is gone (their renditions stay)."""
    from wiredesk.ingest.pictures import renditions

    root = media_root(settings.site.data_dir)
    done, missing = 0, []
    for sha in ledger.all_pictures(db):
        path = original_path(root, sha)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            missing.append(sha)
            continue
        sized = renditions.make(data, max_pixels=settings.site.max_picture_pixels)
        renditions.save(root, sized, data, replace=True)
        ledger.remade(db, sized.made, utcnow())
        done += 1
    return done, missing
