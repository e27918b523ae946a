"""Nothing lost, nothing doubled: `wiredesk worker` processes killed with SIGKILL mid-job.

Two real workers ingest from two HTTP feeds that keep changing, a drop folder of hundreds of
files and a stream of pushes through a real `wiredesk web`; thousands of items in all. At
seeded random moments the test kills one worker with SIGKILL while it runs a job of a chosen
kind (polls and payload accepts in turn, read from the worker's log), and starts it again.
Meanwhile a reader (the real site app over the same database) checks that no story it can see
is half-written. Then, on the database:

- every delivered payload is stored exactly once and processed (no envelope left "received");
- every story is at the latest version the agency sent, with exactly the versions it sent
  (no copy or version doubled), and nothing was quarantined (a payload processed by two
  workers at once would have had its saves refused);
- no drop file was lost or doubled; no job is left waiting or running.
"""

from __future__ import annotations

import random
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from tests.cluster.cluster_support import (
    PUSH_TOKEN,
    SERVING,
    STARTED,
    Process,
    alive,
    answers,
    folder_source,
    free_port,
    http_source,
    push_source,
    running,
    scalar,
    wait_until,
    web,
    worker,
    write_config,
)
from tests.e2e.crash_agency import (
    current_stories,
    drop_files,
    feed_revisions,
    latest_versions,
    not_at_latest,
    serve_changing_feeds,
    sha,
    write_drops,
)
from tests.e2e.test_crash_safety import Reader
from wiredesk.store.database import Database
from wiredesk.store.schema import envelopes

pytestmark = pytest.mark.postgres

SEED = 20261207
KILLS = 8
KINDS = ("wiredesk.poll", "wiredesk.accept")
HTTP_SOURCES = ("alpha", "beta")
REVISIONS, WINDOW, PER_REVISION = 6, 40, 8
DROP_SOURCE, DROP_FILES, PER_FILE = "drop-a", 80, 8
PUSH_SOURCE, PUSHES, PER_PUSH = "pusher", 60, 20


class Pusher(threading.Thread):
    """An agency pushing its payloads one after another, as fast as they are taken."""

    def __init__(self, port: int, payloads: list[bytes]) -> None:
        super().__init__(daemon=True)
        self.url = f"http://127.0.0.1:{port}/ingest/{PUSH_SOURCE}"
        self.payloads = payloads
        self.statuses: list[str] = []
        self.error: str | None = None

    def run(self) -> None:
        try:
            with httpx.Client(timeout=60) as client:
                for body in self.payloads:
                    answer = client.post(
                        self.url, content=body, headers={"Authorization": f"Bearer {PUSH_TOKEN}"}
                    )
                    self.statuses.append(answer.json()["status"])
                    time.sleep(0.05)
        except Exception as e:  # said by the test, not lost in a thread
            self.error = f"{type(e).__name__}: {e}"


def test_workers_killed_mid_job_lose_nothing_double_nothing_show_nothing_half_written(
    tmp_path: Path, pg_schema_url: str
) -> None:
    rng = random.Random(SEED)
    revisions = {s: feed_revisions(s, REVISIONS, WINDOW, PER_REVISION) for s in HTTP_SOURCES}
    dropped = drop_files(DROP_SOURCE, DROP_FILES, PER_FILE)
    write_drops(tmp_path / DROP_SOURCE, dropped)
    pushed = drop_files(PUSH_SOURCE, PUSHES, PER_PUSH)
    everything = [p for revs in revisions.values() for p in revs] + dropped + pushed
    expected = latest_versions(everything)
    known = {g: set(range(1, n + 1)) for g, (n, _) in expected.items()}
    port = free_port()
    hits: list[str] = []

    with serve_changing_feeds(revisions) as feeds:
        sources = "".join(http_source(s, feeds.url(s)) for s in HTTP_SOURCES)
        sources += folder_source(DROP_SOURCE) + push_source(PUSH_SOURCE)
        cfg = write_config(tmp_path, pg_schema_url, sources)
        site = web(cfg, tmp_path / "web.log", port)
        workers = [worker(cfg, tmp_path / f"worker-{n}.log") for n in (1, 2)]
        with running(site, *workers):
            site.start(SERVING)
            wait_until(lambda: answers(port), "the site to answer", on_wait=site.check_alive)
            for w in workers:
                w.start(STARTED)
            reader = Reader(cfg, known)
            reader.start()
            pusher = Pusher(port, pushed)
            pusher.start()
            try:
                for n in range(KILLS):
                    kind = KINDS[n % 2]
                    target = rng.choice(workers)
                    if _running_within(target, kind, 60.0):
                        hits.append(kind)
                    time.sleep(rng.uniform(0.0, 0.15))
                    assert target.kill() == -signal.SIGKILL, target.tail()
                    target.start(STARTED)

                db = Database.open(pg_schema_url, run_migrations=False)
                try:
                    wait_until(
                        lambda: _settled(db, feeds.finished(), tmp_path, pusher),
                        lambda: f"the cluster to catch up: {_progress(db, feeds.at, tmp_path)}",
                        within=300,
                        on_wait=alive(*workers),
                    )
                finally:
                    db.close()
                time.sleep(0.5)  # one more round of reads over the finished database
            finally:
                reader.stop.set()
                reader.join(30)
                pusher.join(60)

    assert pusher.error is None, pusher.error
    assert reader.problems == [], reader.problems[:10]
    assert reader.stories_checked > 50, "the reader saw too little to prove anything"
    assert set(hits) == set(KINDS), f"kills landed in jobs of each kind: {hits}"

    db = Database.open(pg_schema_url, run_migrations=False)
    try:
        with db.engine.connect() as conn:
            stored = conn.execute(
                select(envelopes.c.source_id, envelopes.c.sha256, envelopes.c.status)
            ).all()
            current = current_stories(conn)
        versions = scalar(db, "SELECT count(*) FROM item_versions")
        quarantined = scalar(db, "SELECT count(*) FROM quarantine")
        retried = scalar(
            db,
            "SELECT count(*) FROM procrastinate_events WHERE type = 'deferred_for_retry'",
        )
    finally:
        db.close()

    # every delivered payload exactly once, and processed
    by_source: dict[str, list[str]] = {}
    for source_id, digest, status in stored:
        by_source.setdefault(source_id, []).append(digest)
        assert status == "processed", (source_id, digest, status)
    for s in HTTP_SOURCES:
        assert sorted(by_source[s]) == sorted(feeds.served[s]), s
    assert sorted(by_source[DROP_SOURCE]) == sorted({sha(p) for p in dropped})
    assert sorted(by_source[PUSH_SOURCE]) == sorted({sha(p) for p in pushed})
    processed = list((tmp_path / DROP_SOURCE / "processed").iterdir())
    assert len(processed) == DROP_FILES, "a dropped file was lost or doubled"

    # every story at the latest version, with exactly the versions sent: none doubled
    assert set(current) == set(expected)
    assert not_at_latest(current, expected) == []
    assert versions == sum(count for _, count in expected.values())
    assert quarantined == 0
    assert retried > 0, "no killed worker's job was handed back: the kills proved nothing"
    assert sum(p.count(b"<item>") for p in everything) > 2000  # thousands of items in all


def _running_within(target: Process, kind: str, within: float) -> bool:
    """Wait (up to `within` seconds) until `target` runs a job of `kind`; whether it did."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        target.check_alive()
        if kind in target.running():
            return True
        time.sleep(0.01)
    return False


def _settled(db: Database, feeds_done: bool, tmp: Path, pusher: Pusher) -> bool:
    if not feeds_done or pusher.is_alive():
        return False
    if any(p.is_file() for p in (tmp / DROP_SOURCE).iterdir()):
        return False
    left = scalar(db, "SELECT count(*) FROM envelopes WHERE status <> 'processed'")
    busy = scalar(
        db,
        "SELECT count(*) FROM procrastinate_jobs"
        " WHERE task_name = 'wiredesk.accept' AND status IN ('todo', 'doing')",
    )
    return left == 0 and busy == 0


def _progress(db: Database, feeds_at: dict[str, int], tmp: Path) -> str:
    left = scalar(db, "SELECT count(*) FROM envelopes WHERE status <> 'processed'")
    files = sum(p.is_file() for p in (tmp / DROP_SOURCE).iterdir())
    return f"feeds at {feeds_at}, {files} file(s) in the folder, {left} payload(s) unprocessed"
