"""Accepting a payload: the one path every payload takes, however it arrived.

Raw first: the payload is in the database before a parser sees it, so a parser bug or a
malformed document never loses what an agency sent. Then parse, run the pipeline's stages,
quarantine what cannot go through (one bad item never blocks the others), save the rest as
copies and versions, and group them into stories. The envelope records how it ended.

Blocking: call it from a worker thread, one writer at a time per database.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from wiredesk import formats, pipeline
from wiredesk.config import Settings, SourceSettings
from wiredesk.errors import FormatError
from wiredesk.ingest.grouping import group
from wiredesk.ingest.outcomes import EnvelopeOutcome, counted, one_line
from wiredesk.model import Envelope, EnvelopeStatus, Item
from wiredesk.store.database import Database
from wiredesk.store.ledger import copies, envelopes, quarantine
from wiredesk.store.ledger.copies import SaveOutcome
from wiredesk.store.public.status import database_answers

log = logging.getLogger(__name__)

SAVE_BATCH = 1000  # items saved per transaction: bounds memory on big payloads
_MAX_ERROR_CHARS = 2000


def accept(
    settings: Settings, db: Database, source: SourceSettings, env: Envelope
) -> EnvelopeOutcome:
    """Raw first, then parse and process; the envelope records how it ended."""
    envelope_id, is_new = envelopes.record(db, env)
    if not is_new:
        earlier = envelopes.get(db, envelope_id) or {}
        # Still "received": the process that stored it died before finishing it (a crash, a
        # SIGKILL). Process it now, or its copies would never appear; saving is idempotent.
        if earlier.get("status") != EnvelopeStatus.RECEIVED:
            failed = earlier.get("status") == EnvelopeStatus.FAILED
            return EnvelopeOutcome(
                envelope_id, new=False, error=earlier.get("error") if failed else None
            )
    outcome, _ = process_stored(settings, db, source, envelope_id, env)
    return outcome


def process_stored(
    settings: Settings, db: Database, source: SourceSettings, envelope_id: int, env: Envelope
) -> tuple[EnvelopeOutcome, set[int | None]]:
    """Parse, process and save one stored payload; bad items are quarantined, the rest saved.

    Returns the outcome and the item positions quarantined this time (None: the payload).
    """
    try:
        result = formats.parse(env, source.format)
    except Exception as e:  # a malformed document, or a parser bug: either way, this payload
        if isinstance(e, FormatError):
            error = one_line(f"cannot read the payload: {e}")
        else:
            log.exception("parsing envelope %s of source %r failed", envelope_id, source.id)
            error = one_line(
                f"cannot read the payload: the parser failed ({type(e).__name__}: {e}); "
                f"the raw payload is kept: `wiredesk reprocess {envelope_id}` after an upgrade"
            )
        quarantine.record(
            db, envelope_id=envelope_id, source_id=source.id, stage="parse", reason=error
        )
        envelopes.finish(db, envelope_id, EnvelopeStatus.FAILED, error=error)
        return EnvelopeOutcome(envelope_id, new=True, error=error, quarantined=1), {None}
    ctx = pipeline.context_for(settings.site, source, result.language, received_at=env.received_at)
    problems = list(result.problems)
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

    ready: list[tuple[int, Item, Item]] = []  # (position, as parsed, processed)
    for index, item in enumerate(result.items):
        try:
            processed = pipeline.process(item, ctx)
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
            db, source, envelope_id, env, ready[start : start + SAVE_BATCH], hold
        )
    note = f"{counted(len(failing), 'item')} quarantined" if failing else None
    envelopes.finish(
        db,
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
    db: Database,
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
        saved = copies.save(
            db, source.id, items, envelope_id, auto_publish=source.auto_publish, now=env.received_at
        )
        group(db, items, saved, env.received_at)  # stories: never raises
        return saved

    try:
        return save([processed for _, _, processed in batch])
    except Exception:
        if not database_answers(db.engine):
            raise
        log.info("a batch of envelope %s was refused; saving its items one by one", envelope_id)
    outcomes: list[SaveOutcome] = []
    for index, item, processed in batch:
        try:
            outcomes += save([processed])
        except Exception as e:
            if not database_answers(db.engine):
                raise
            hold(index, item, "store", _db_reason(e))
    return outcomes


def _db_reason(e: Exception) -> str:
    """The driver's own words, without the SQL and parameters SQLAlchemy appends."""
    orig = getattr(e, "orig", None)
    text = str(orig) if orig is not None else str(e)
    return f"{type(orig or e).__name__}: {text}"
