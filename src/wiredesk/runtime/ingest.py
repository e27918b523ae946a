"""One poll of one source, end to end: fetch, store raw, parse, process, save, remember.

The order is the design's promise: the raw payload is in the database before a parser sees
it, so a parser bug or a malformed document never loses what an agency sent. Network waits
are async; parsing, stages and database writes run in a worker thread so that, in the
embedded runtime, the website keeps answering while a big feed is processed.
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from sqlalchemy import select

from wiredesk import formats
from wiredesk.config import Settings, SourceSettings
from wiredesk.errors import FormatError, SourceError, WiredeskError
from wiredesk.formats.scrub import may_decode_to_controls, scrub_item
from wiredesk.model import Envelope, EnvelopeStatus, Item, Transport, utcnow
from wiredesk.pipeline import pipeline
from wiredesk.runtime.syndicate import syndicate
from wiredesk.sources import files
from wiredesk.sources.backoff import backoff_delay
from wiredesk.sources.fetched import Fetched, NotModified
from wiredesk.sources.http import HttpFetcher, RateLimited
from wiredesk.store import SaveOutcome, Store, quarantine

log = logging.getLogger(__name__)
T = TypeVar("T")

_jitter = random.Random()  # backoff jitter; tests pass their own seeded Random
_MAX_ERROR_CHARS = 2000


@dataclass(slots=True)
class SourceReport:
    """What one poll of one source did, in terms an operator cares about."""

    source_id: str
    ok: bool = True
    error: str | None = None  # one line; set when ok is False
    envelopes: int = 0  # new payloads stored (replays and "not modified" are not counted)
    new_stories: int = 0
    new_versions: int = 0
    not_modified: bool = False
    problems: list[str] = field(default_factory=list)  # per-item problems that did not stop it
    next_poll_at: datetime | None = None

    def line(self) -> str:
        counts = (
            f"{_n(self.envelopes, 'new payload')}, "
            f"{_n(self.new_stories, 'new story', 'new stories')}, "
            f"{_n(self.new_versions, 'new version')}"
        )
        if not self.ok:
            also = f" (still saved: {counts})" if self.new_stories or self.new_versions else ""
            return f"{self.source_id}: FAILED: {self.error}{also}"
        if self.not_modified and not self.envelopes:
            return f"{self.source_id}: ok, not modified"
        text = f"{self.source_id}: ok, {counts}"
        if self.problems:
            text += f", {_n(len(self.problems), 'item problem')} (first: {self.problems[0]})"
        return text


@dataclass(slots=True)
class EnvelopeOutcome:
    """What storing and processing one payload did (polled, dropped or pushed alike)."""

    envelope_id: int
    new: bool  # False: the same bytes were already stored; nothing was done again
    error: str | None = None  # the payload as a whole could not be read
    new_stories: int = 0
    new_versions: int = 0
    problems: list[str] = field(default_factory=list)
    quarantined: int = 0  # items (or, on a parse failure, the payload) put in quarantine
    saved: int = 0  # items that went into the store (replays included)


# --- sync entry points ------------------------------------------------------------------


def ingest_once(settings: Settings, store: Store) -> list[SourceReport]:
    """Poll every polled source once (concurrently), in config order of the reports.

    Push-only sources have nothing to poll and are left out.
    """
    return asyncio.run(ingest_all_async(settings, store))


def ingest_source(
    settings: Settings, store: Store, source: SourceSettings, *, now: datetime | None = None
) -> SourceReport:
    async def _one() -> SourceReport:
        async with HttpFetcher(settings) as fetcher:
            return await ingest_source_async(settings, store, source, fetcher=fetcher, now=now)

    return asyncio.run(_one())


# --- async core -------------------------------------------------------------------------


async def ingest_all_async(
    settings: Settings, store: Store, *, write_lock: threading.Lock | None = None
) -> list[SourceReport]:
    lock = asyncio.Lock()
    slots = asyncio.Semaphore(settings.site.max_concurrent_polls)

    async def one(source: SourceSettings, fetcher: HttpFetcher) -> SourceReport:
        async with slots:
            return await ingest_source_async(
                settings, store, source, fetcher=fetcher, store_lock=lock, write_lock=write_lock
            )

    await asyncio.to_thread(locked, write_lock, recover_unfinished, settings, store)
    async with HttpFetcher(settings) as fetcher:
        polled = [s for s in settings.sources if s.polled]
        return list(await asyncio.gather(*(one(s, fetcher) for s in polled)))


async def ingest_source_async(
    settings: Settings,
    store: Store,
    source: SourceSettings,
    *,
    fetcher: HttpFetcher,
    now: datetime | None = None,
    store_lock: asyncio.Lock | None = None,
    write_lock: threading.Lock | None = None,
    rng: random.Random | None = None,
) -> SourceReport:
    """Poll one source. Never raises for a source's own failures: they go in the report.

    `store_lock` serializes database work between sources polled at the same time, so
    SQLite sees one writer at a time instead of retrying on locks. `write_lock` is held in
    the worker thread around each database call; the embedded runtime shares it with the push
    endpoint, whose requests run in other threads and another lock's reach.
    """
    lock = store_lock or asyncio.Lock()
    now = now or utcnow()
    report = SourceReport(source.id)
    if not source.polled:  # push-only: payloads arrive at POST /ingest/<id>
        return report

    async def in_store(fn: Callable[..., T], *args: object, **kwargs: object) -> T:
        async with lock:
            return await asyncio.to_thread(locked, write_lock, fn, *args, **kwargs)

    state = await in_store(store.source_state, source.id)
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
            await _ingest_folder(settings, store, source, report, in_store, now)
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
                outcome = await in_store(
                    store_and_process, settings, store, source, _envelope(source, fetched, now)
                )
                _add(report, outcome)
                if outcome.error:
                    report.ok, report.error = False, outcome.error
    except SourceError as e:
        fetch_failed = True
        report.ok, report.error = False, _one_line(str(e))
        if isinstance(e, RateLimited):  # the server said when: not before then
            retry_at = e.retry_at
    except Exception as e:  # a bug or a database outage: keep other sources going, log it all
        log.exception("ingesting source %r failed unexpectedly", source.id)
        fetch_failed = True
        report.ok = False
        report.error = _one_line(f"source {source.id!r}: internal error: {type(e).__name__}: {e}")

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
        await in_store(store.update_source_state, source.id, url=source.location)
    await in_store(store.update_source_state, source.id, **values)
    return report


async def _fetch(
    fetcher: HttpFetcher,
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
    store: Store,
    source: SourceSettings,
    report: SourceReport,
    in_store: Callable[..., object],
    now: datetime,
) -> None:
    """Each dropped file is its own payload; a bad one goes to failed/ and the rest go on."""
    failed: list[str] = []
    for path in await asyncio.to_thread(files.pending_files, source):
        try:
            fetched = await asyncio.to_thread(files.read_dropped, source, path)
        except SourceError as e:  # vanished or unreadable: leave it for the next poll
            report.problems.append(str(e))
            continue
        env = _envelope(source, fetched, now)
        outcome: EnvelopeOutcome = await in_store(  # type: ignore[assignment]
            store_and_process, settings, store, source, env
        )
        _add(report, outcome)
        await asyncio.to_thread(files.move_done, path, error=outcome.error)
        if outcome.error:
            failed.append(outcome.error)
    if failed:
        report.ok = False
        more = f"; {len(failed) - 1} more file(s) failed too" if len(failed) > 1 else ""
        report.error = f"{failed[0]} (moved to {source.folder}/failed/{more})"


def locked(lock: threading.Lock | None, fn: Callable[..., T], *args: object, **kw: object) -> T:
    """Run `fn` holding `lock` (if any): one writer at a time, whichever thread asks."""
    if lock is None:
        return fn(*args, **kw)
    with lock:
        return fn(*args, **kw)


def store_and_process(
    settings: Settings, store: Store, source: SourceSettings, env: Envelope
) -> EnvelopeOutcome:
    """Raw first, then parse and process; the envelope records how it ended.

    The one path every payload takes, however it arrived (poll, folder drop, push).
    Blocking: call it from a worker thread, one at a time per database.
    """
    envelope_id, is_new = store.record_envelope(env)
    if not is_new:
        earlier = store.envelope(envelope_id) or {}
        # Still "received": the process that stored it died before finishing it (a crash, a
        # SIGKILL). Process it now, or its stories would never appear; saving is idempotent.
        if earlier.get("status") != EnvelopeStatus.RECEIVED:
            failed = earlier.get("status") == EnvelopeStatus.FAILED
            return EnvelopeOutcome(
                envelope_id, new=False, error=earlier.get("error") if failed else None
            )
    outcome, _ = _process_stored(settings, store, source, envelope_id, env)
    return outcome


# --- quarantine and reprocess -------------------------------------------------------------

SAVE_BATCH = 1000  # items saved per transaction: bounds memory on big payloads


@dataclass(slots=True)
class ReprocessOutcome:
    """What reading one stored payload again did."""

    envelope_id: int
    source_id: str
    error: str | None = None  # the payload still cannot be read
    saved: int = 0  # items that went through (replays of saved items included)
    new_stories: int = 0
    new_versions: int = 0
    resolved: int = 0  # quarantine rows this run got through
    still_quarantined: int = 0


def recover_unfinished(settings: Settings, store: Store) -> int:
    """Process payloads a previous process stored but did not live to process.

    Raw first means a crash between storing and processing leaves an envelope "received";
    its feed may have moved on by the next poll, so nothing else would ever bring it back.
    Run before polling starts; saving is idempotent, so a payload processed twice is harmless.
    Returns how many were processed.
    """
    done = 0
    for envelope_id, source_id in store.unfinished_envelopes():
        if settings.source(source_id) is None:
            continue  # its source was removed from the settings: `reprocess` after adding it
        try:
            reprocess_envelope(settings, store, envelope_id)
            done += 1
        except Exception:  # one bad leftover must not stop polling
            log.exception("recovering unfinished envelope %s failed", envelope_id)
    if done:
        log.info("processed %d payload(s) left unfinished by an earlier run", done)
    return done


def reprocess_envelope(settings: Settings, store: Store, envelope_id: int) -> ReprocessOutcome:
    """Parse, process and save a stored payload again, after a fix or an upgrade.

    Items already saved change nothing (the store treats them as replays), so any envelope may
    be reprocessed any number of times. Quarantine rows of this envelope whose item (or, for a
    parse failure, the payload) now goes through are marked resolved; items that fail again
    keep their row, with the new reason.
    """
    row = store.envelope(envelope_id)
    if row is None:
        raise WiredeskError(
            f"no envelope {envelope_id} in the database; `wiredesk quarantine` lists the "
            "envelopes with quarantined items"
        )
    source = settings.source(row["source_id"])
    if source is None:
        raise WiredeskError(
            f"envelope {envelope_id} came from source {row['source_id']!r}, which is no longer "
            f"in {settings.path}; add the source back to reprocess its payloads"
        )
    env = Envelope(
        source_id=row["source_id"],
        payload=row["payload"],
        transport=Transport(row["transport"]),
        location=row["location"],
        received_at=row["received_at"],
        content_type=row["content_type"],
        id=envelope_id,
    )
    before = quarantine.list_rows(store, envelope_id=envelope_id)
    outcome, failing = _process_stored(settings, store, source, envelope_id, env)
    through = [r.id for r in before if r.item_index not in failing]
    resolved = quarantine.resolve(store, through)
    return ReprocessOutcome(
        envelope_id=envelope_id,
        source_id=source.id,
        error=outcome.error,
        saved=outcome.saved,
        new_stories=outcome.new_stories,
        new_versions=outcome.new_versions,
        resolved=resolved,
        still_quarantined=len(failing),
    )


def _process_stored(
    settings: Settings, store: Store, source: SourceSettings, envelope_id: int, env: Envelope
) -> tuple[EnvelopeOutcome, set[int | None]]:
    """Parse, process and save one stored payload; bad items are quarantined, the rest saved.

    Returns the outcome and the item positions quarantined this time (None: the payload).
    """
    try:
        result = formats.parse(env, source.format)
    except Exception as e:  # a malformed document, or a parser bug: either way, this payload
        if isinstance(e, FormatError):
            error = _one_line(f"cannot read the payload: {e}")
        else:
            log.exception("parsing envelope %s of source %r failed", envelope_id, source.id)
            error = _one_line(
                f"cannot read the payload: the parser failed ({type(e).__name__}: {e}); "
                f"the raw payload is kept: `wiredesk reprocess {envelope_id}` after an upgrade"
            )
        quarantine.record(
            store, envelope_id=envelope_id, source_id=source.id, stage="parse", reason=error
        )
        store.finish_envelope(envelope_id, EnvelopeStatus.FAILED, error=error)
        return EnvelopeOutcome(envelope_id, new=True, error=error, quarantined=1), {None}
    ctx = pipeline.StageContext(
        source_name=source.name,
        default_section=source.section,
        site_language=settings.site.language,
        sections=settings.site.sections,
        feed_language=result.language,
    )
    problems = list(result.problems)
    failing: set[int | None] = set()

    def hold(index: int, item: Item, stage: str, reason: str) -> None:
        """Quarantine one item with its reason; the others carry on."""
        quarantine.record(
            store,
            envelope_id=envelope_id,
            source_id=source.id,
            stage=stage,
            reason=reason,
            item_index=index,
            item=item,
        )
        failing.add(index)
        problems.append(_one_line(f"item {item.guid}: {reason}"))

    ready: list[tuple[int, Item, Item]] = []  # (position, as parsed, processed)
    for index, item in enumerate(result.items):
        try:
            processed = pipeline.process(item, ctx)
            if may_decode_to_controls(item.body_html):  # `&#1;` in a body decodes to a control
                scrub_item(processed)
            _drop_unbelievable_times(processed, env.received_at)
        except Exception as e:  # one bad item is quarantined, never the whole payload
            log.debug(
                "item %r of source %r failed in the pipeline", item.guid, source.id, exc_info=True
            )
            hold(index, item, "pipeline", f"{type(e).__name__}: {e}")
            continue
        refusal = quarantine.store_refusal(processed)
        if refusal is not None:
            hold(index, item, "store", refusal)
            continue
        ready.append((index, item, processed))
    outcomes: list[SaveOutcome] = []
    for start in range(0, len(ready), SAVE_BATCH):
        outcomes += _save_batch(
            store, source, envelope_id, env, ready[start : start + SAVE_BATCH], hold
        )
    note = f"{_n(len(failing), 'item')} quarantined" if failing else None
    store.finish_envelope(
        envelope_id,
        EnvelopeStatus.PROCESSED,
        error="\n".join(p for p in (note, *problems) if p)[:_MAX_ERROR_CHARS] or None,
        fmt=result.format,
        item_count=len(outcomes),
    )
    outcome = EnvelopeOutcome(
        envelope_id,
        new=True,
        new_stories=sum(o.created for o in outcomes),
        new_versions=sum(o.changed and not o.created for o in outcomes),
        problems=problems,
        quarantined=len(failing),
        saved=len(outcomes),
    )
    return outcome, failing


def _save_batch(
    store: Store,
    source: SourceSettings,
    envelope_id: int,
    env: Envelope,
    batch: list[tuple[int, Item, Item]],
    hold: Callable[[int, Item, str, str], None],
) -> list[SaveOutcome]:
    """Save a batch in one transaction; if the store refuses it, save item by item so one
    refused item is quarantined and the others are kept.

    The fast path is one transaction for the whole batch; only a failed batch pays for one
    transaction per item. A database that is down is not an item's fault: that error goes
    up, and the envelope stays "received" for a retry.
    """

    def save(items: list[Item]) -> list[SaveOutcome]:
        saved = store.save_items(
            source.id, items, envelope_id, auto_publish=source.auto_publish, now=env.received_at
        )
        syndicate(store, items, saved, env.received_at)  # stories: never raises
        return saved

    try:
        return save([processed for _, _, processed in batch])
    except Exception:
        if not _database_answers(store):
            raise
        log.info("a batch of envelope %s was refused; saving its items one by one", envelope_id)
    outcomes: list[SaveOutcome] = []
    for index, item, processed in batch:
        try:
            outcomes += save([processed])
        except Exception as e:
            if not _database_answers(store):
                raise
            hold(index, item, "store", _db_reason(e))
    return outcomes


def _database_answers(store: Store) -> bool:
    try:
        with store.engine.connect() as conn:
            conn.execute(select(1))
    except Exception:
        return False
    return True


# A source time later than this after arrival is a clock error, not news from the future.
FUTURE_TOLERANCE = timedelta(days=1)
EARLIEST_SOURCE_TIME = datetime(1000, 1, 1, tzinfo=UTC)


def _drop_unbelievable_times(item: Item, received_at: datetime) -> None:
    """Forget a source's publish and update times (and hop times) that cannot be true: after
    arrival (beyond a day's clock skew) or before the year 1000.

    A version dated 9999 would otherwise sort as the newest forever, hiding every real
    update, and a time at the edge of the calendar cannot even be shown in some time zones.
    Without them the story is dated by its arrival; the raw payload keeps what was sent.
    Embargo times are left alone: a distant embargo is the agency's word, not a clock error.
    """
    latest = received_at + FUTURE_TOLERANCE

    def believable(when: datetime | None) -> datetime | None:
        if when is None or when.tzinfo is None:  # naive: the store refuses it, by name
            return when
        if EARLIEST_SOURCE_TIME <= when <= latest:
            return when
        return None

    item.published_at = believable(item.published_at)
    item.updated_at = believable(item.updated_at)
    for hop in item.provenance:
        hop.time = believable(hop.time)


def _db_reason(e: Exception) -> str:
    """The driver's own words, without the SQL and parameters SQLAlchemy appends."""
    orig = getattr(e, "orig", None)
    text = str(orig) if orig is not None else str(e)
    return f"{type(orig or e).__name__}: {text}"


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


def _add(report: SourceReport, outcome: EnvelopeOutcome) -> None:
    report.envelopes += int(outcome.new)
    report.new_stories += outcome.new_stories
    report.new_versions += outcome.new_versions
    report.problems.extend(outcome.problems)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _n(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"
