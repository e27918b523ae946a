"""Reading stored payloads again: after a crash, a fix or an upgrade.

Raw first means nothing received is lost, and this is how it comes back: a payload stored
but left unprocessed by a crash is processed before the next poll (`recover_unfinished`), and
an operator can read any stored payload again (`wiredesk reprocess`). Saving is idempotent,
so reading a payload twice changes nothing the first reading saved.
"""

from __future__ import annotations

import logging

from wiredesk.config import Settings
from wiredesk.errors import WiredeskError
from wiredesk.ingest.accept import process_stored
from wiredesk.ingest.outcomes import ReprocessOutcome
from wiredesk.model import Envelope, Transport
from wiredesk.store.database import Database
from wiredesk.store.ledger import envelopes, quarantine
from wiredesk.store.outage import DatabaseUnwritable

log = logging.getLogger(__name__)


def recover_unfinished(settings: Settings, db: Database) -> int:
    """Process payloads a previous process stored but did not live to process.

    Raw first means a crash between storing and processing leaves an envelope "received";
    its feed may have moved on by the next poll, so nothing else would ever bring it back.
    Run before polling starts; saving is idempotent, so a payload processed twice is harmless.
    Returns how many were processed.
    """
    done = 0
    for envelope_id, source_id in envelopes.unfinished(db):
        if settings.source(source_id) is None:
            continue  # its source was removed from the settings: `reprocess` after adding it
        try:
            reprocess_envelope(settings, db, envelope_id)
            done += 1
        except DatabaseUnwritable:
            raise  # not this leftover's fault, and every other one would fail alike
        except Exception:  # one bad leftover must not stop polling
            log.exception("recovering unfinished envelope %s failed", envelope_id)
    if done:
        log.info("processed %d payload(s) left unfinished by an earlier run", done)
    return done


def reprocess_envelope(settings: Settings, db: Database, envelope_id: int) -> ReprocessOutcome:
    """Parse, process and save a stored payload again, after a fix or an upgrade.

    Items already saved change nothing (the store treats them as replays), so any envelope may
    be reprocessed any number of times. Quarantine rows of this envelope whose item (or, for a
    parse failure, the payload) now goes through are marked resolved; items that fail again
    keep their row, with the new reason.
    """
    row = envelopes.get(db, envelope_id)
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
    if row["payload"] is None:
        pruned = row["payload_pruned_at"]
        where = (
            f"moved to {row['payload_moved_to']}; put it back with "
            f"`wiredesk archive restore {envelope_id}`"
            if row["payload_moved_to"]
            else "deleted (`wiredesk archive prune --delete`); it cannot be read again"
        )
        raise WiredeskError(
            f"envelope {envelope_id}: its payload left the database on {pruned:%Y-%m-%d} "
            f"and was {where}"
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
    before = quarantine.list_rows(db, envelope_id=envelope_id)
    outcome, failing = process_stored(settings, db, source, envelope_id, env)
    through = [r.id for r in before if r.item_index not in failing]
    resolved = quarantine.resolve(db, through)
    return ReprocessOutcome(
        envelope_id=envelope_id,
        source_id=source.id,
        error=outcome.error,
        saved=outcome.saved,
        new_stories=outcome.new_stories,
        new_versions=outcome.new_versions,
        dropped=outcome.dropped,
        resolved=resolved,
        still_quarantined=len(failing),
    )
