"""Which raw payloads may leave the database, and that they come back only as they were
(SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from tests.store.store_support import T0
from wiredesk.model import Envelope, EnvelopeStatus, Transport
from wiredesk.store.database import Database
from wiredesk.store.ledger import envelopes, payload_archive, quarantine


def stored(store: Database, payload: bytes, *, days_old: int, status: EnvelopeStatus) -> int:
    env = Envelope(
        "ians", payload, Transport.FILE, "inbox/x.xml", received_at=T0 - timedelta(days=days_old)
    )
    env_id, _ = envelopes.record(store, env)
    if status is not EnvelopeStatus.RECEIVED:
        envelopes.finish(store, env_id, status, fmt="rss")
    return env_id


def test_only_old_processed_payloads_without_an_open_quarantine_may_leave(
    store: Database,
) -> None:
    old = stored(store, b"<rss>old</rss>", days_old=100, status=EnvelopeStatus.PROCESSED)
    recent = stored(store, b"<rss>new</rss>", days_old=10, status=EnvelopeStatus.PROCESSED)
    waiting = stored(store, b"<rss>wait</rss>", days_old=100, status=EnvelopeStatus.RECEIVED)
    held = stored(store, b"<rss>held</rss>", days_old=100, status=EnvelopeStatus.PROCESSED)
    fixed = stored(store, b"<rss>fixed</rss>", days_old=100, status=EnvelopeStatus.PROCESSED)
    quarantine.record(store, envelope_id=held, source_id="ians", stage="pipeline", reason="x")
    row = quarantine.record(
        store, envelope_id=fixed, source_id="ians", stage="pipeline", reason="x"
    )
    quarantine.resolve(store, [row])

    found = payload_archive.prunable(store, T0 - timedelta(days=90), 0, 100)
    assert [p.id for p in found] == [old, fixed]
    assert found[0].payload == b"<rss>old</rss>"
    assert recent and waiting  # stay: too young, and not yet processed
    # paged by id: the next page starts after the last id seen
    assert [p.id for p in payload_archive.prunable(store, T0, old, 1)] == [recent]


def test_a_pruned_payload_is_recorded_and_comes_back_only_unchanged(store: Database) -> None:
    moved = stored(store, b"<rss>moved</rss>", days_old=100, status=EnvelopeStatus.PROCESSED)
    gone = stored(store, b"<rss>gone</rss>", days_old=100, status=EnvelopeStatus.PROCESSED)
    assert payload_archive.take_out(store, {moved: "/archive/x.xml", gone: None}, T0) == 2

    row = envelopes.get(store, moved)
    assert row is not None
    assert row["payload"] is None and row["payload_moved_to"] == "/archive/x.xml"
    assert row["payload_pruned_at"] == T0
    assert [(p.id, p.moved_to) for p in payload_archive.pruned(store)] == [
        (moved, "/archive/x.xml"),
        (gone, None),
    ]
    assert payload_archive.prunable(store, T0, 0, 100) == []
    # the same bytes sent again are still known as this envelope
    again, is_new = envelopes.record(
        store, Envelope("ians", b"<rss>moved</rss>", Transport.FILE, "y")
    )
    assert (again, is_new) == (moved, False)

    with pytest.raises(payload_archive.PayloadMismatch):
        payload_archive.put_back(store, moved, row["sha256"], b"<rss>other</rss>")
    assert envelopes.get(store, moved)["payload"] is None  # type: ignore[index]
    payload_archive.put_back(
        store, moved, hashlib.sha256(b"<rss>moved</rss>").hexdigest(), b"<rss>moved</rss>"
    )
    back = envelopes.get(store, moved)
    assert back is not None and back["payload"] == b"<rss>moved</rss>"
    assert back["payload_pruned_at"] is None and back["payload_moved_to"] is None
    assert [p.id for p in payload_archive.pruned(store)] == [gone]
