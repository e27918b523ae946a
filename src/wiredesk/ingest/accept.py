"""Accepting a payload: the one path every payload takes, however it arrived.

Raw first: the payload is in the database before a parser sees it, so a parser bug or a
malformed document never loses what an agency sent. Then parse and run the pipeline's stages
(`prepare`: here, or beforehand in a worker process, `workers`), quarantine what cannot go
through (one bad item never blocks the others), route the rest (`pipeline.rules`: publish,
hold or drop each new copy, by the settings' `[[rules]]` or the source's mode), save them as
copies and versions, and group them into stories. The envelope records how it ended, and how
many items the rules dropped.

Blocking: call it from a worker thread, one writer at a time per database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from sqlalchemy import Connection

from wiredesk.config import Settings, SourceSettings
from wiredesk.ingest import grouping
from wiredesk.ingest.outcomes import EnvelopeOutcome, counted, one_line
from wiredesk.ingest.prepare import Prepared, Ready, parsed_item, prepare
from wiredesk.model import Envelope, EnvelopeStatus, Item, Routing
from wiredesk.pipeline.rules import Router, router_for
from wiredesk.store.bulk import begin_write
from wiredesk.store.database import Database
from wiredesk.store.ledger import copies, envelopes, quarantine, stories
from wiredesk.store.ledger.copies import SaveOutcome
from wiredesk.store.outage import raise_if_unwritable
from wiredesk.store.public.status import database_answers

log = logging.getLogger(__name__)

SAVE_BATCH = 1000  # items saved per transaction: bounds memory on big payloads
_MAX_ERROR_CHARS = 2000


def accept(
    settings: Settings, db: Database, source: SourceSettings, env: Envelope
) -> EnvelopeOutcome:
    """Raw first, then parse and process; the envelope records how it ended.

    Raises `DatabaseUnwritable` when the database refuses writes (a full disk): nothing is
    quarantined for it, and what was stored stays "received" for the next run.
    """
    envelope_id, done = record_payload(db, env)
    if done is not None:
        return done
    outcome, _ = process_stored(settings, db, source, envelope_id, env)
    return outcome


def record_payload(db: Database, env: Envelope) -> tuple[int, EnvelopeOutcome | None]:
    """Store the raw payload (raw first). Returns its envelope id, and its outcome when there
    is nothing more to do: the same bytes were processed before."""
    try:
        envelope_id, is_new = envelopes.record(db, env)
    except Exception as e:  # a full disk is an outage, for the caller to report as one
        raise_if_unwritable(db, e)
        raise
    if not is_new:
        earlier = envelopes.get(db, envelope_id) or {}
        # Still "received": the process that stored it died before finishing it (a crash, a
        # SIGKILL). Process it now, or its copies would never appear; saving is idempotent.
        if earlier.get("status") != EnvelopeStatus.RECEIVED:
            failed = earlier.get("status") == EnvelopeStatus.FAILED
            error = earlier.get("error") if failed else None
            return envelope_id, EnvelopeOutcome(envelope_id, new=False, error=error)
    return envelope_id, None


def process_stored(
    settings: Settings,
    db: Database,
    source: SourceSettings,
    envelope_id: int,
    env: Envelope,
    prepared: Prepared | None = None,
) -> tuple[EnvelopeOutcome, set[int | None]]:
    """Parse, process and save one stored payload; bad items are quarantined, the rest saved.

    `prepared` is the payload already parsed and processed (`prepare.prepare`, maybe in
    another process); without it, that is done here first.
    Returns the outcome and the item positions quarantined this time (None: the payload).
    A database that refuses every write (`store.outage`) raises `DatabaseUnwritable`, with the
    transaction rolled back and the envelope still "received": it is no item's fault.
    """
    if prepared is None:
        prepared = prepare(settings.site, source, env, envelope_id)
    try:
        result = _process(db, source, envelope_id, env, prepared, router_for(settings.rules))
    except Exception as e:
        raise_if_unwritable(db, e)
        raise
    db.write_outage = None  # written: whatever refused writes before is over
    return result


def _process(
    db: Database,
    source: SourceSettings,
    envelope_id: int,
    env: Envelope,
    prepared: Prepared,
    router: Router,
) -> tuple[EnvelopeOutcome, set[int | None]]:
    if prepared.parse_error is not None:
        error = prepared.parse_error
        quarantine.record(
            db, envelope_id=envelope_id, source_id=source.id, stage="parse", reason=error
        )
        envelopes.finish(db, envelope_id, EnvelopeStatus.FAILED, error=error)
        return EnvelopeOutcome(envelope_id, new=True, error=error, quarantined=1), {None}
    problems = list(prepared.problems)
    failing: set[int | None] = set()

    def hold(index: int, item: Item, stage: str, reason: str) -> None:
        """Quarantine one item with its reason; the others carry on."""
        quarantine.record(
            db,
            envelope_id=envelope_id,
            source_id=source.id,
            stage=stage,
            reason=reason,
            item_index=index,
            item=item,
        )
        failing.add(index)
        problems.append(one_line(f"item {item.guid}: {reason}"))

    for held in prepared.held:
        hold(held.index, held.item, held.stage, held.reason)
    ready = prepared.ready
    # Decided for every item, used for those that turn out to be new copies (`copies.save_in`)
    routes = {r.index: router.decide(r.item, source) for r in ready} if router else None
    outcomes: list[SaveOutcome] = []

    def close(before: list[SaveOutcome], conn: Connection | None, saved: list[SaveOutcome]) -> None:
        """The envelope's end (what the batches `before` saved, and `saved`), in the last
        batch's transaction when it is given."""
        note = f"{counted(len(failing), 'item')} quarantined" if failing else None
        every = [*before, *saved]
        dropped = _dropped_note(every)
        envelopes.finish(
            db,
            envelope_id,
            EnvelopeStatus.PROCESSED,
            error="\n".join(p for p in (note, dropped, *problems) if p)[:_MAX_ERROR_CHARS] or None,
            fmt=prepared.format,
            item_count=sum(o.dropped_by is None for o in every),
            conn=conn,
        )

    closed = False
    starts = range(0, len(ready), SAVE_BATCH)
    for start in starts:
        last = start == starts[-1]
        saved, closed = _save_batch(
            db,
            source,
            envelope_id,
            env,
            ready[start : start + SAVE_BATCH],
            routes,
            hold,
            partial(close, list(outcomes)) if last else None,
        )
        outcomes += saved
    if not closed:
        close([], None, outcomes)
    dropped = [o for o in outcomes if o.dropped_by is not None]
    outcome = EnvelopeOutcome(
        envelope_id,
        new=True,
        new_stories=sum(o.created for o in outcomes),
        new_versions=sum(o.changed and not o.created for o in outcomes),
        problems=problems,
        quarantined=len(failing),
        saved=len(outcomes) - len(dropped),
        dropped=len(dropped),
    )
    return outcome, failing


def _dropped_note(outcomes: list[SaveOutcome]) -> str | None:
    """ "2 items dropped by rules (wire chatter)": what the envelope says of its drops."""
    rules = [o.dropped_by for o in outcomes if o.dropped_by is not None]
    if not rules:
        return None
    return f"{counted(len(rules), 'item')} dropped by rules ({', '.join(dict.fromkeys(rules))})"


def _save_batch(
    db: Database,
    source: SourceSettings,
    envelope_id: int,
    env: Envelope,
    batch: list[Ready],
    routes: dict[int, Routing] | None,
    hold: Callable[[int, Item, str, str], None],
    close: Callable[[Connection, list[SaveOutcome]], None] | None,
) -> tuple[list[SaveOutcome], bool]:
    """Save a batch and group it into stories in one transaction, with `close` (the
    envelope's end, for the last batch) in it too. If that fails, the batch is saved without
    grouping (and grouped afterwards, where a failure costs nothing but the grouping); if the
    store refuses even that, item by item, so one refused item is quarantined and the others
    are kept. Returns the outcomes and whether `close` ran (committed with them).

    While this process's syndication index is still loading at start, the batch is saved
    ungrouped at once and grouped once the index is ready (`ingest.grouping`).

    The fast path is one transaction for the whole batch: on PostgreSQL each transaction is
    a checkout, a BEGIN and a COMMIT on top of its statements, which was most of what a
    one-item push cost. Only a failed batch pays for more. A database that is down is not an
    item's fault: that error goes up, and the envelope stays "received" for a retry; so does
    one that refuses every write (a full disk, `store.outage`), as `DatabaseUnwritable`.
    """

    def save(
        ready: list[Ready],
        close: Callable[[Connection, list[SaveOutcome]], None] | None,
        grouped: bool,
    ) -> list[SaveOutcome]:
        """Save `ready` in one transaction, grouped in it (`grouped`) or afterwards in a
        transaction of its own, which never fails the save."""
        items = [r.item for r in ready]
        fingerprints = [r.fingerprint for r in ready]
        tags: set[str] = set()
        with db.engine.begin() as conn:
            begin_write(conn)  # SQLite: the write lock first (the new rows' ids are chosen)
            if grouped:  # before any row is written: PostgreSQL waits here, holding nothing
                grouping.take_turn(conn)
            saved, done = copies.save_in(
                conn,
                db,
                source.id,
                items,
                envelope_id,
                auto_publish=source.auto_publish,
                routes=None if routes is None else [routes[r.index] for r in ready],
                now=env.received_at,
                words=[r.words for r in ready],
            )
            if grouped:
                _, tags = grouping.group_in(conn, db, items, saved, env.received_at, fingerprints)
            else:  # grouped after the commit, or once the index is ready: never lost
                stories.defer_in(conn, [out.short_id for out in saved if out.changed])
            if close is not None:
                close(conn, saved)
        done.announce(db, tags)
        for item, out in zip(items, saved, strict=True):
            if out.dropped_by is not None:  # for an operator: the payload is kept, the copy not
                log.info(
                    "source %s, envelope %s: item %r dropped by the rule %r",
                    source.id,
                    envelope_id,
                    item.guid,
                    out.dropped_by,
                )
        if not grouped:
            grouping.group(db, items, saved, env.received_at, fingerprints)
        return saved

    try:
        # the index still loading at start (`grouping.ready`): saved ungrouped, grouped later
        return save(batch, close, grouped=grouping.ready(db)), close is not None
    except Exception as e:
        raise_if_unwritable(db, e)  # a full disk refuses every item alike: none is held
        if not database_answers(db.engine):
            raise
    # Refused: by grouping (then the batch goes through without it, and is grouped after),
    # or by the store (then item by item, so that only the refused item is held back).
    try:
        return save(batch, close, grouped=False), close is not None
    except Exception as e:
        raise_if_unwritable(db, e)
        if not database_answers(db.engine):
            raise
        log.info("a batch of envelope %s was refused; saving its items one by one", envelope_id)
    outcomes: list[SaveOutcome] = []
    for ready in batch:
        try:
            outcomes += save([ready], None, grouped=False)
        except Exception as e:
            raise_if_unwritable(db, e)
            if not database_answers(db.engine):
                raise
            hold(ready.index, parsed_item(source, env, ready.index), "store", _db_reason(e))
    return outcomes, False


def _db_reason(e: Exception) -> str:
    """The driver's own words, without the SQL and parameters SQLAlchemy appends."""
    orig = getattr(e, "orig", None)
    text = str(orig) if orig is not None else str(e)
    return f"{type(orig or e).__name__}: {text}"
