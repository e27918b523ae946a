"""A payload's job run twice at once, as by two workers when one was counted dead while it
still ran: each copy and version is saved once and nothing is quarantined. Real PostgreSQL,
two `Jobs` as two workers hold them (each its own database handle and write lock). The
envelope's advisory lock makes the second run wait and find the payload processed; the
store's unique keys and replays would keep the outcome right without it too (measured: the
test passes with the lock taken out), so this holds the behaviour, not the mechanism."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.cluster.cluster_support import push_source, scalar, write_config
from tests.e2e.crash_agency import drop_files, latest_versions
from wiredesk.cluster.jobs import Jobs
from wiredesk.config import Settings, load_settings
from wiredesk.ingest.accept import record_payload
from wiredesk.model import Envelope, Transport
from wiredesk.store.database import Database

pytestmark = pytest.mark.postgres
RUNS = 6


def test_a_payload_job_run_twice_at_once_saves_each_copy_and_version_once(
    tmp_path: Path, pg_schema_url: str
) -> None:
    settings = load_settings(write_config(tmp_path, pg_schema_url, push_source("pushy")))
    payloads = drop_files("pushy", RUNS, 40)
    workers = [Database.open(pg_schema_url) for _ in range(2)]
    try:
        for payload in payloads:
            envelope_id, done = record_payload(
                workers[0], Envelope("pushy", payload, Transport.PUSH, "push from a test")
            )
            assert done is None
            errors = _both_at_once(settings, workers, envelope_id)
            assert errors == []
        expected = latest_versions(payloads)
        db = workers[0]
        assert scalar(db, "SELECT count(*) FROM items") == len(expected)
        assert scalar(db, "SELECT count(*) FROM item_versions") == sum(
            n for _, n in expected.values()
        )
        assert scalar(db, "SELECT count(*) FROM quarantine") == 0
        assert scalar(db, "SELECT count(*) FROM envelopes WHERE status <> 'processed'") == 0
    finally:
        for db in workers:
            db.close()


def _both_at_once(settings: Settings, workers: list[Database], envelope_id: int) -> list[str]:
    """Run the payload's job in each worker at the same moment; what they raised."""
    start = threading.Barrier(len(workers))
    errors: list[str] = []

    def run(db: Database) -> None:
        start.wait()
        try:
            Jobs(settings, db).accept(envelope_id)
        except Exception as e:  # said by the test, not lost in a thread
            errors.append(f"{type(e).__name__}: {e}")

    threads = [threading.Thread(target=run, args=(db,)) for db in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return errors
