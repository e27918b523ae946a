from __future__ import annotations

from datetime import UTC, datetime

from wiredesk.model import Envelope, EnvelopeStatus, Transport
from wiredesk.store.database import Database
from wiredesk.store.ledger import envelopes

T0 = datetime(2026, 2, 5, 10, 0, tzinfo=UTC)


def _env(store: Database, payload: bytes = b"<rss/>", source: str = "ians") -> int:
    env_id, _ = envelopes.record(
        store, Envelope(source_id=source, payload=payload, transport=Transport.HTTP, location="x")
    )
    return env_id


def test_same_payload_is_stored_once(store: Database) -> None:
    first, new1 = envelopes.record(
        store, Envelope(source_id="ians", payload=b"abc", transport=Transport.HTTP, location="u")
    )
    second, new2 = envelopes.record(
        store, Envelope(source_id="ians", payload=b"abc", transport=Transport.HTTP, location="u")
    )
    assert (new1, new2) == (True, False)
    assert first == second
    assert envelopes.count(store, "ians") == 1
    assert envelopes.get(store, first)["payload"] == b"abc"


def test_envelope_status_is_recorded(store: Database) -> None:
    env = _env(store)
    envelopes.finish(store, env, EnvelopeStatus.FAILED, error="not a feed", fmt=None)
    row = envelopes.get(store, env)
    assert row["status"] == "failed" and row["error"] == "not a feed"
