"""Polling: one poll of one source, end to end — fetch, accept, remember.

Network waits are async; accepting a payload (store raw, parse, process, save, group: see
`accept`) runs in a worker thread so that, in the embedded runtime, the website keeps
answering while a big feed is processed. What a poll learns about its source (validators,
failures, when to poll next) is remembered in the store's source state, with backoff on
failure (`backoff`).
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from wiredesk.config import Settings, SourceSettings
from wiredesk.errors import SourceError
from wiredesk.ingest import grouping
from wiredesk.ingest.accept import process_stored, record_payload
from wiredesk.ingest.backoff import backoff_delay
from wiredesk.ingest.outcomes import EnvelopeOutcome, SourceReport, add, one_line
from wiredesk.ingest.prepare import Prepared
from wiredesk.ingest.reprocess import recover_unfinished
from wiredesk.ingest.transports import files
from wiredesk.ingest.transports.fetched import Fetched, Fetcher, NotModified, RateLimited
from wiredesk.ingest.transports.lazy import LazyFetcher
from wiredesk.ingest.workers import Preparer
from wiredesk.ingest.write_lock import locked
from wiredesk.model import Envelope, Transport, utcnow
from wiredesk.store.database import Database
from wiredesk.store.ledger import source_state
from wiredesk.store.outage import DatabaseUnwritable, raise_if_unwritable

log = logging.getLogger(__name__)
T = TypeVar("T")

_jitter = random.Random()  # backoff jitter; tests pass their own seeded Random


def ingest_once(settings: Settings, db: Database) -> list[SourceReport]:
    """Poll every polled source once (concurrently), in config order of the reports.

    Push-only sources have nothing to poll and are left out. Payloads are prepared by a
    worker process where one can be started (`workers.Preparer`), stored by this one. A
    dropped file still being written is waited for (a second at most), since no later poll
    will come for it. The syndication index loads in the background meanwhile; before it
    returns, the copies saved before the index was ready are grouped (`ingest.grouping`).
    """
    preparer = Preparer.start()  # first: it forks, which only a process of one thread may
    write_lock = threading.Lock()  # the polls' and the index's catch-up
    grouping.load_in_background(db, write_lock, quiet=True)
    try:
        return asyncio.run(
            ingest_all_async(
                settings, db, write_lock=write_lock, preparer=preparer, settle_drops=True
            )
        )
    finally:
        if preparer is not None:
            preparer.close()
        grouping.finish_loading(db)


def ingest_source(
    settings: Settings, db: Database, source: SourceSettings, *, now: datetime | None = None
) -> SourceReport:
    async def _one() -> SourceReport:
        async with LazyFetcher(settings) as fetcher:
            return await ingest_source_async(settings, db, source, fetcher=fetcher, now=now)

    return asyncio.run(_one())


# --- async core -------------------------------------------------------------------------


async def ingest_all_async(
    settings: Settings,
    db: Database,
    *,
    write_lock: threading.Lock | None = None,
    preparer: Preparer | None = None,
    settle_drops: bool = False,
) -> list[SourceReport]:
    lock = asyncio.Lock()
    slots = asyncio.Semaphore(settings.site.max_concurrent_polls)

    async def one(source: SourceSettings, fetcher: Fetcher) -> SourceReport:
        async with slots:
            return await ingest_source_async(
                settings,
                db,
                source,
                fetcher=fetcher,
                store_lock=lock,
                write_lock=write_lock,
                preparer=preparer,
                settle_drops=settle_drops,
            )

    await asyncio.to_thread(locked, write_lock, recover_unfinished, settings, db)
    async with LazyFetcher(settings) as fetcher:
        polled = [s for s in settings.sources if s.polled]
        return list(await asyncio.gather(*(one(s, fetcher) for s in polled)))


async def ingest_source_async(
    settings: Settings,
    db: Database,
    source: SourceSettings,
    *,
    fetcher: Fetcher,
    now: datetime | None = None,
    store_lock: asyncio.Lock | None = None,
    write_lock: threading.Lock | None = None,
    rng: random.Random | None = None,
    preparer: Preparer | None = None,
    settle_drops: bool = False,
) -> SourceReport:
    """Poll one source. Never raises for a source's own failures: they go in the report.
    A database that refuses writes (a full disk) raises `DatabaseUnwritable`: the source is
    not at fault, and what it sent is left where it is (a dropped file in its folder, a feed
    fetched again next time, since its validators are not saved).

    `store_lock` serializes database work between sources polled at the same time, so
    SQLite sees one writer at a time instead of retrying on locks. `write_lock` is held in
    the worker thread around each database call; the embedded runtime shares it with the push
    endpoint, whose requests run in other threads and another lock's reach. `preparer`, if
    given, parses and processes payloads in its process, outside the store lock.
    `settle_drops`: wait for dropped files still being written (`ingest --once`).
    """
    lock = store_lock or asyncio.Lock()
    now = now or utcnow()
    report = SourceReport(source.id)
    if not source.polled:  # push-only: payloads arrive at POST /ingest/<id>
        return report

    def call(fn: Callable[..., T], args: tuple[object, ...], kwargs: dict[str, object]) -> T:
        try:
            return locked(write_lock, fn, *args, **kwargs)
        except Exception as e:  # a full disk is the whole run's outage, not this source's
            raise_if_unwritable(db, e)
            raise

    async def in_store(fn: Callable[..., T], *args: object, **kwargs: object) -> T:
        async with lock:
            return await asyncio.to_thread(call, fn, args, kwargs)

    state = await in_store(source_state.get, db, source.id)
    # `configured_url` is the settings' URL the stored state belongs to (older rows: `url`).
    # Changed settings start afresh; a permanent redirect changes only `url`, the one polled.
    configured = None if state is None else (state.configured_url or state.url)
    fresh = state is None or configured != source.location
    poll_url = source.location if fresh or state is None else (state.url or source.location)
    etag = None if fresh or state is None else state.etag
    last_modified = None if fresh or state is None else state.last_modified
    failures = 0 if fresh or state is None else state.consecutive_failures
    fetch_failed = False
    retry_at: datetime | None = None

    try:
        if source.folder is not None:
            await _ingest_folder(
                settings, db, source, report, in_store, now, preparer, settle=settle_drops
            )
        else:
            fetched = await _fetch(fetcher, source, poll_url, etag, last_modified, now)
            if fetched.moved_to and fetched.moved_to != poll_url:
                log.info(
                    "source %r moved permanently: %s -> %s (polling the new URL from now on; "
                    "update sources.%s.url to match)",
                    source.id, poll_url, fetched.moved_to, source.id,
                )  # fmt: skip
                poll_url = fetched.moved_to
            if isinstance(fetched, NotModified):
                report.not_modified = True
            else:
                etag, last_modified = fetched.etag, fetched.last_modified
                env = _envelope(source, fetched, now)
                started = await _start(settings, db, source, env, in_store, preparer)
                outcome = await _finish(settings, db, source, started, in_store, preparer)
                add(report, outcome)
                if outcome.error:
                    report.ok, report.error = False, outcome.error
    except DatabaseUnwritable:
        raise  # nothing can be recorded, and no source is at fault: the caller says so
    except SourceError as e:
        fetch_failed = True
        report.ok, report.error = False, one_line(str(e))
        if isinstance(e, RateLimited):  # the server said when: not before then
            retry_at = e.retry_at
    except Exception as e:  # a bug or a database outage: keep other sources going, log it all
        log.exception("ingesting source %r failed unexpectedly", source.id)
        fetch_failed = True
        report.ok = False
        report.error = one_line(f"source {source.id!r}: internal error: {type(e).__name__}: {e}")

    for problem in report.problems:
        log.info("source %r: %s", source.id, problem)

    failures = failures + 1 if fetch_failed else 0
    delay = backoff_delay(
        source.poll_every, failures, cap=settings.site.max_backoff, rng=rng or _jitter
    )
    report.next_poll_at = now + timedelta(seconds=delay)
    if retry_at is not None and retry_at > report.next_poll_at:
        report.next_poll_at = retry_at
    values: dict[str, object] = {
        "url": poll_url,
        "configured_url": source.location,
        "last_polled_at": now,
        "next_poll_at": report.next_poll_at,
        "consecutive_failures": failures,
        "etag": etag,
        "last_modified": last_modified,
    }
    if report.ok:
        values.update(last_success_at=now, last_error=None, last_error_at=None)
    else:
        values.update(last_error=report.error, last_error_at=now)
    if state is None:  # the store's insert path sets consecutive_failures itself
        await in_store(source_state.update_state, db, source.id, url=source.location)
    await in_store(source_state.update_state, db, source.id, **values)
    db.write_outage = None  # written: whatever refused writes before is over
    return report


async def _fetch(
    fetcher: Fetcher,
    source: SourceSettings,
    url: str,
    etag: str | None,
    last_modified: str | None,
    now: datetime,
) -> Fetched | NotModified:
    assert source.url is not None
    if source.url.startswith("file:"):  # the operator's own files: no address guard applies
        got = await asyncio.to_thread(
            files.read_file_url, source, fingerprint=last_modified, content_hash=etag
        )
        return NotModified() if got is None else got
    return await fetcher.fetch(source, url=url, etag=etag, last_modified=last_modified, now=now)


async def _ingest_folder(
    settings: Settings,
    db: Database,
    source: SourceSettings,
    report: SourceReport,
    in_store: Callable[..., Awaitable[Any]],
    now: datetime,
    preparer: Preparer | None = None,
    settle: bool = False,
) -> None:
    """Each dropped file is its own payload; a bad one goes to failed/ and the rest go on.

    Each file is claimed before it is read (`files.claim`), so two processes polling one
    folder never read one file twice, and the one that finds a file taken says nothing.

    A file modified within the last second may still be being written and is left for the
    next poll; with `settle` (a run that will not come back), it is waited for, up to that
    second, and what is still being written then is counted in the report.

    With a `preparer`, the next file is recorded and handed to it before this one is
    stored, so that the two processes work at the same time; files are still stored, and
    reported, in order.
    """
    failed: list[str] = []
    pending: tuple[Path, _Started] | None = None
    folder = source.folder
    assert folder is not None
    claimed_now: set[Path] = set()  # claimed by this poll and not yet moved on

    async def finish(path: Path, started: _Started) -> None:
        outcome = await _finish(settings, db, source, started, in_store, preparer)
        add(report, outcome)
        await asyncio.to_thread(files.move_done, path, error=outcome.error)
        claimed_now.discard(path)
        if outcome.error:
            failed.append(outcome.error)

    async def take(paths: list[Path]) -> None:
        nonlocal pending
        for path in paths:
            try:
                claimed = await asyncio.to_thread(files.claim, path)
            except OSError as e:
                raise SourceError(source.id, f"cannot claim {path}: {e.strerror}") from None
            if claimed is None:  # another process polling this folder took it first
                continue
            claimed_now.add(claimed)
            try:
                fetched = await asyncio.to_thread(
                    files.read_dropped, source, claimed, dropped_as=path
                )
            except SourceError as e:  # unreadable: leave it for the next poll
                await asyncio.to_thread(files.release, claimed)
                claimed_now.discard(claimed)
                if pending is not None:
                    await finish(*pending)
                    pending = None
                report.problems.append(str(e))
                continue
            started = await _start(
                settings, db, source, _envelope(source, fetched, now), in_store, preparer
            )
            if preparer is None:  # nothing works beside the writer: store this one now
                await finish(claimed, started)
                continue
            if pending is not None:
                await finish(*pending)
            pending = (claimed, started)

    back = await asyncio.to_thread(files.reclaim_abandoned, folder)
    if back:
        log.info("source %r: %d file(s) claimed by a process that ended put back", source.id, back)
    try:
        ready, fresh = await asyncio.to_thread(files.scan, source)
        await take(ready)
        if settle and fresh:  # a one-off run: wait for files still being written, take them
            settled, report.still_writing = await asyncio.to_thread(
                files.settled_files, source, fresh
            )
            await take(settled)
        if pending is not None:
            await finish(*pending)
    except DatabaseUnwritable:  # an outage: what this poll claimed goes back into the folder
        for claimed in claimed_now:
            try:
                await asyncio.to_thread(files.release, claimed)
            except OSError:  # it stays claimed; the next process's poll puts it back
                log.warning("could not put %s back into %s", claimed, folder)
        raise
    if failed:
        report.ok = False
        more = f"; {len(failed) - 1} more file(s) failed too" if len(failed) > 1 else ""
        report.error = f"{failed[0]} (moved to {source.folder}/failed/{more})"


@dataclass(slots=True)
class _Started:
    """A payload recorded (raw first) and, unless there is nothing to do, being prepared."""

    envelope_id: int
    env: Envelope
    done: EnvelopeOutcome | None  # set: the same bytes were processed before
    future: Future[Prepared] | None


async def _start(
    settings: Settings,
    db: Database,
    source: SourceSettings,
    env: Envelope,
    in_store: Callable[..., Awaitable[Any]],
    preparer: Preparer | None,
) -> _Started:
    """Raw first: record the payload; then, unless there is nothing to do with it, have the
    preparer (if any) start on it."""
    envelope_id, done = await in_store(record_payload, db, env)
    future = None
    if done is None and preparer is not None:
        future = preparer.submit(settings.site, source, env, envelope_id)
    return _Started(envelope_id, env, done, future)


async def _finish(
    settings: Settings,
    db: Database,
    source: SourceSettings,
    started: _Started,
    in_store: Callable[..., Awaitable[Any]],
    preparer: Preparer | None,
) -> EnvelopeOutcome:
    """Store a started payload: what the preparer made of it, or (without one, or should it
    have failed) what `process_stored` makes of it itself."""
    if started.done is not None:
        return started.done
    prepared = None if preparer is None else await preparer.result(started.future)
    outcome: EnvelopeOutcome
    outcome, _ = await in_store(
        process_stored, settings, db, source, started.envelope_id, started.env, prepared
    )
    return outcome


def _envelope(source: SourceSettings, fetched: Fetched, now: datetime) -> Envelope:
    if source.folder is not None:
        transport = Transport.FOLDER
    elif source.url is not None and source.url.startswith("file:"):
        transport = Transport.FILE
    else:
        transport = Transport.HTTP
    return Envelope(
        source_id=source.id,
        payload=fetched.payload,
        transport=transport,
        location=fetched.location,
        received_at=now,
        content_type=fetched.content_type,
    )
