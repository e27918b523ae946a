"""A full disk is an outage: one clear line, exit code 4, push 503 with Retry-After, /health
"down" — and nothing quarantined, nothing lost, everything completed once space is back.

The disk is really full, for SQLite: the database file is capped with `PRAGMA
max_page_count` (`capped_sqlite`), so writes fail with SQLITE_FULL from SQLite itself.
PostgreSQL's disk_full (SQLSTATE 53100) needs a tablespace on a tiny filesystem, which takes
root to mount: its classification is checked from the driver's own error class only. The
same path on PostgreSQL end to end is run with the server refusing writes for a reason of its
own (`default_transaction_read_only`, SQLSTATE 25006, as on a standby): push, drop folder and
polled feed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import tomllib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import psycopg
import psycopg.errors
import pytest
from sqlalchemy import event, text
from sqlalchemy.pool import Pool
from starlette.testclient import TestClient

from tests.ingest.capped_sqlite import capped, page_count
from wiredesk.config import Settings, parse_settings
from wiredesk.errors import Outage
from wiredesk.ingest.accept import record_payload
from wiredesk.ingest.outcomes import SourceReport
from wiredesk.ingest.polling import ingest_all_async
from wiredesk.ingest.scheduler import Scheduler
from wiredesk.model import Envelope, Transport
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database
from wiredesk.store.outage import (
    DISK_FULL,
    IO_ERROR,
    READ_ONLY,
    DatabaseUnwritable,
    unwritable_reason,
)

REPO = Path(__file__).resolve().parents[2]
TOKEN = "a-push-token-for-the-outage-test"
ITEMS = 8


def feed(prefix: str = "g") -> str:
    body = "पाठ बहुत लंबा है। " * 150
    items = "".join(
        f"<item><title>ख़बर {prefix} {i}</title><guid>{prefix}-{i}</guid>"
        f"<description>&lt;p&gt;{body}{i}&lt;/p&gt;</description></item>"
        for i in range(ITEMS)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
        f"<link>https://t.example/</link><description>d</description>{items}</channel></rss>"
    )


def site(tmp_path: Path) -> tuple[Settings, Path]:
    (tmp_path / "inbox").mkdir()
    config = tmp_path / "wiredesk.toml"
    config.write_text(
        '[site]\nname = "t"\nlanguage = "hi"\ndata_dir = "data"\n'
        '[[sources]]\nid = "drop"\nname = "Drop"\nfolder = "inbox"\n'
        f'[[sources]]\nid = "pushed"\nname = "Pushed"\npush_token = "{TOKEN}"\n',
        encoding="utf-8",
    )
    data = tmp_path / "data"
    data.mkdir()
    Database.open(f"sqlite:///{data / 'wiredesk.db'}").close()
    return parse_settings(_toml(config), config), data / "wiredesk.db"


def _toml(path: Path) -> dict[str, object]:
    return tomllib.loads(path.read_text("utf-8"))


def drop(tmp_path: Path, name: str = "feed.xml") -> Path:
    path = tmp_path / "inbox" / name
    path.write_text(feed(), encoding="utf-8")
    os.utime(path, (1_700_000_000, 1_700_000_000))  # long settled
    return path


def counts(path: Path) -> dict[str, object]:
    conn = sqlite3.connect(path)
    try:
        return {
            "items": conn.execute("SELECT count(*) FROM items").fetchone()[0],
            "quarantined": conn.execute("SELECT count(*) FROM quarantine").fetchone()[0],
            "envelopes": [r[0] for r in conn.execute("SELECT status FROM envelopes")],
        }
    finally:
        conn.close()


def once(settings: Settings, db_path: Path) -> None:
    db = Database.open(f"sqlite:///{db_path}")
    try:
        asyncio.run(ingest_all_async(settings, db, settle_drops=True))
    finally:
        db.close()


def test_ingest_once_on_a_full_disk_says_so_in_one_line_and_exits_4(tmp_path: Path) -> None:
    _, db_path = site(tmp_path)
    dropped = drop(tmp_path)
    full = page_count(db_path)  # not one page more: the raw payload cannot be stored
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}  # this tree's code, not another's
    helper = REPO / "tests" / "ingest" / "capped_sqlite.py"
    args = ["ingest", "--once", "--config", str(tmp_path / "wiredesk.toml")]
    run = subprocess.run(
        [sys.executable, str(helper), str(full), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert run.returncode == 4, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr  # no traceback, no "internal error"
    assert lines[0].startswith(f"wiredesk: error: the database at {db_path} cannot be written:")
    assert "disk full; nothing was lost" in lines[0] and "free space" in lines[0]
    assert "internal error" not in run.stderr and "Traceback" not in run.stderr
    assert dropped.exists()  # the payload stays in the inbox

    again = subprocess.run(
        [sys.executable, "-m", "wiredesk.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert again.returncode == 0, again.stderr
    assert f"drop: ok, 1 new payload, {ITEMS} new stories" in again.stdout
    assert counts(db_path) == {"items": ITEMS, "quarantined": 0, "envelopes": ["processed"]}


def test_wherever_the_disk_fills_nothing_is_quarantined_and_the_next_run_completes(
    tmp_path: Path,
) -> None:
    """Every page count between "nothing fits" and "everything fits": the disk fills while
    the raw payload, a batch, an item or the source's state is written."""
    settings, base = site(tmp_path)
    empty = page_count(base)
    probe = tmp_path / "probe.db"
    shutil.copy(base, probe)
    drop(tmp_path)
    once(settings, probe)
    needed = page_count(probe)
    assert counts(probe)["items"] == ITEMS
    shutil.move(tmp_path / "inbox" / "processed" / "feed.xml", tmp_path / "inbox" / "feed.xml")

    failed_at = []
    for pages in range(empty, needed):
        db_path = tmp_path / f"full-{pages}.db"
        shutil.copy(base, db_path)
        with capped(pages):
            try:
                once(settings, db_path)
            except DatabaseUnwritable as e:
                assert e.reason == DISK_FULL
                failed_at.append(pages)
        state = counts(db_path)
        assert state["quarantined"] == 0, pages
        assert "failed" not in state["envelopes"], pages
        if pages in failed_at:
            assert (tmp_path / "inbox" / "feed.xml").exists(), pages
            assert not (tmp_path / "inbox" / "failed").exists(), pages
            once(settings, db_path)  # space is back
        assert counts(db_path) == {"items": ITEMS, "quarantined": 0, "envelopes": ["processed"]}
        processed = tmp_path / "inbox" / "processed" / "feed.xml"
        shutil.move(processed, tmp_path / "inbox" / "feed.xml")
    assert failed_at, "no cap made the disk full"


def test_a_push_to_a_full_disk_gets_503_with_retry_after_and_health_says_down(
    tmp_path: Path,
) -> None:
    settings, db_path = site(tmp_path)
    full = page_count(db_path)
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/rss+xml"}
    with capped(full):
        db = Database.open(f"sqlite:///{db_path}")
    try:
        client = TestClient(site_app(settings, db))
        assert client.get("/health").json()["status"] != "down"
        pushed = client.post("/ingest/pushed", content=feed("p").encode(), headers=headers)
        assert pushed.status_code == 503
        assert pushed.headers["Retry-After"] == "60"
        assert "cannot be written: disk full" in pushed.json()["error"]
        health = client.get("/health")
        assert health.status_code == 503
        assert health.json()["status"] == "down" and health.json()["writes"] is False
        assert "disk full" in health.json()["error"]
        assert counts(db_path)["quarantined"] == 0

        db.engine.dispose()  # space is back: connections opened from now on are not capped
        again = client.post("/ingest/pushed", content=feed("p").encode(), headers=headers)
        assert again.status_code == 202 and again.json()["status"] == "processed"
        assert again.json()["new_stories"] == ITEMS
        assert client.get("/health").status_code == 200
    finally:
        db.close()
    assert counts(db_path) == {"items": ITEMS, "quarantined": 0, "envelopes": ["processed"]}


def test_a_read_only_database_is_an_outage_too(tmp_path: Path) -> None:
    """A read-only file or mount (SQLite opened read-only gives the same SQLITE_READONLY;
    chmod does not stop root, who runs CI)."""
    settings, db_path = site(tmp_path)
    drop(tmp_path)
    db = Database.open(f"sqlite:///file:{db_path}?mode=ro&uri=true", run_migrations=False)
    try:
        with pytest.raises(DatabaseUnwritable) as caught:
            asyncio.run(ingest_all_async(settings, db, settle_drops=True))
    finally:
        db.close()
    assert caught.value.reason == READ_ONLY
    assert isinstance(caught.value, Outage)
    assert (tmp_path / "inbox" / "feed.xml").exists()
    assert counts(db_path)["quarantined"] == 0


def test_the_drivers_words_for_an_outage_are_told_from_a_refused_item(tmp_path: Path) -> None:
    """SQLite's I/O error and PostgreSQL's disk_full cannot be caused here without root (a
    failing device, a tablespace on a tiny mount): their classification is checked on the
    drivers' own error values. A constraint is an item's fault, and stays one."""
    io = sqlite3.OperationalError("disk I/O error")
    io.sqlite_errorcode = 10 | (4 << 8)  # SQLITE_IOERR_WRITE
    assert unwritable_reason(io) == IO_ERROR
    assert unwritable_reason(psycopg.errors.DiskFull("could not extend file")) == DISK_FULL
    db = Database.open(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with pytest.raises(Exception) as refused, db.engine.begin() as conn:
            conn.execute(text("INSERT INTO sections (name) VALUES (NULL)"))
        assert unwritable_reason(refused.value) is None
    finally:
        db.close()


@contextlib.contextmanager
def read_only_postgresql() -> Iterator[None]:
    """Every PostgreSQL connection opened in the block refuses writes with SQLSTATE 25006, as
    a standby or a database set `default_transaction_read_only` does: PostgreSQL's own
    refusal, through the driver and SQLAlchemy as production meets it. Dispose of engines
    opened inside it afterwards: their pooled connections stay read-only."""

    def refuse_writes(dbapi_conn: Any, _record: Any) -> None:
        if isinstance(dbapi_conn, psycopg.Connection):
            dbapi_conn.execute("SET default_transaction_read_only = on")
            dbapi_conn.commit()

    event.listen(Pool, "connect", refuse_writes)
    try:
        yield
    finally:
        event.remove(Pool, "connect", refuse_writes)


@pytest.fixture
def agency_feed() -> Iterator[str]:
    """A polled agency's feed on a local server: its URL."""
    body = feed("h").encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/feed.xml"
    httpd.shutdown()
    httpd.server_close()


def pg_counts(db: Database) -> dict[str, object]:
    with db.engine.connect() as conn:
        return {
            "items": conn.execute(text("SELECT count(*) FROM items")).scalar(),
            "quarantined": conn.execute(text("SELECT count(*) FROM quarantine")).scalar(),
            "envelopes": sorted(
                r[0] for r in conn.execute(text("SELECT status FROM envelopes")).all()
            ),
        }


async def until(task: asyncio.Task[Any], what: Callable[[], object]) -> None:
    """Wait until `what()` holds or the scheduler's task ends; the cap is against hanging,
    not a measure."""
    for _ in range(1200):
        if what() or task.done():
            return
        await asyncio.sleep(0.05)


@pytest.mark.postgres
def test_a_postgresql_that_refuses_writes_is_an_outage_for_push_drops_and_polls(
    tmp_path: Path, pg_schema_url: str, agency_feed: str
) -> None:
    """The outage on PostgreSQL itself, not only its error class: a push gets 503 with
    Retry-After, /health says down, `ingest --once`'s run raises the outage (one line and
    exit code 4 in the CLI), nothing is quarantined, the dropped file stays, and once writes
    go through again the same run completes the drop folder, the polled feed and the push."""
    settings, _ = site(tmp_path)
    polled = {"id": "polled", "name": "Polled", "url": agency_feed, "allow_private": True}
    data = _toml(tmp_path / "wiredesk.toml")
    sources = data["sources"]
    assert isinstance(sources, list)
    data["sources"] = [*sources, polled]
    settings = parse_settings(data, tmp_path / "wiredesk.toml")
    dropped = drop(tmp_path)
    Database.open(pg_schema_url).close()  # migrated while writes still go through
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/rss+xml"}
    with read_only_postgresql():
        db = Database.open(pg_schema_url)
    try:
        client = TestClient(site_app(settings, db))
        pushed = client.post("/ingest/pushed", content=feed("p").encode(), headers=headers)
        assert pushed.status_code == 503
        assert pushed.headers["Retry-After"] == "60"
        assert "cannot be written: the database is read-only" in pushed.json()["error"]
        health = client.get("/health")
        assert health.status_code == 503 and health.json()["status"] == "down"
        with pytest.raises(DatabaseUnwritable) as caught:
            asyncio.run(ingest_all_async(settings, db, settle_drops=True))
        assert caught.value.reason == READ_ONLY
        assert str(caught.value).startswith("the database at 127.0.0.1")
        assert dropped.exists() and not (tmp_path / "inbox" / "failed").exists()
        assert pg_counts(db) == {"items": 0, "quarantined": 0, "envelopes": []}

        db.engine.dispose()  # writes go through again: connections from now on can write
        db.reader_engine.dispose()
        reports = asyncio.run(ingest_all_async(settings, db, settle_drops=True))
        assert {r.source_id: (r.ok, r.new_stories) for r in reports} == {
            "drop": (True, ITEMS),
            "polled": (True, ITEMS),
        }
        again = client.post("/ingest/pushed", content=feed("p").encode(), headers=headers)
        assert again.status_code == 202 and again.json()["new_stories"] == ITEMS
        assert client.get("/health").status_code == 200
        assert pg_counts(db) == {
            "items": 3 * ITEMS,
            "quarantined": 0,
            "envelopes": ["processed"] * 3,
        }
    finally:
        db.close()


def test_wiredesk_run_on_a_full_disk_logs_one_line_blames_no_source_and_completes_after(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """`wiredesk run`'s poller (the scheduler) meets the full disk: one ERROR line without a
    traceback, no source reported FAILED, /health down meanwhile; the dropped file stays and
    the poll after space returns takes it, without a restart."""
    _, db_path = site(tmp_path)
    data = _toml(tmp_path / "wiredesk.toml")
    sources = data["sources"]
    assert isinstance(sources, list)
    sources[0]["poll_every"] = 1  # the drop folder, polled again a second after the outage
    settings = parse_settings(data, tmp_path / "wiredesk.toml")
    dropped = drop(tmp_path)
    with capped(page_count(db_path)):
        db = Database.open(f"sqlite:///{db_path}")

    async def go() -> SourceReport:
        reports: list[SourceReport] = []
        task = asyncio.create_task(Scheduler(settings, db, on_report=reports.append).run())

        def outage_lines() -> list[logging.LogRecord]:
            return [r for r in caplog.records if r.name == "wiredesk.ingest.scheduler"]

        try:
            await until(task, lambda: outage_lines() or reports)
            assert not reports, f"the outage was blamed on the source: {reports[0].line()}"
            [line] = outage_lines()
            assert line.levelno == logging.ERROR and line.exc_info is None
            message = line.getMessage()
            assert message.startswith(f"the database at {db_path} cannot be written: disk full")
            assert "\n" not in message
            assert db.write_outage is not None  # what /health answers "down" from
            assert dropped.exists() and counts(db_path)["quarantined"] == 0

            db.engine.dispose()  # space is back: connections opened from now on are not capped
            await until(task, lambda: reports)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        assert reports, "no poll after space returned"
        return reports[0]

    try:
        with caplog.at_level(logging.INFO, logger="wiredesk.ingest.scheduler"):
            report = asyncio.run(go())
        assert (report.ok, report.new_stories) == (True, ITEMS), report.line()
        assert db.write_outage is None
    finally:
        db.close()
    assert counts(db_path) == {"items": ITEMS, "quarantined": 0, "envelopes": ["processed"]}


def test_wiredesk_run_started_on_a_full_disk_with_a_payload_left_unfinished_polls_later(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A payload stored raw but left "received" (the disk filled, or a crash) is processed
    first when `wiredesk run` starts. If the disk is still full then, that must be one line
    and a retry, not a poller that is gone for good while the site keeps serving: once space
    returns, the leftover and the dropped file both go in, without a restart."""
    _, db_path = site(tmp_path)
    data = _toml(tmp_path / "wiredesk.toml")
    sources = data["sources"]
    assert isinstance(sources, list)
    sources[0]["poll_every"] = 1
    settings = parse_settings(data, tmp_path / "wiredesk.toml")
    db = Database.open(f"sqlite:///{db_path}")
    try:  # what the full disk left: the raw payload of a push, stored and not processed
        record_payload(db, Envelope("pushed", feed("p").encode(), Transport.PUSH, "push"))
    finally:
        db.close()
    assert counts(db_path)["envelopes"] == ["received"]
    dropped = drop(tmp_path)
    with capped(page_count(db_path)):
        db = Database.open(f"sqlite:///{db_path}")

    async def go() -> list[SourceReport]:
        reports: list[SourceReport] = []
        task = asyncio.create_task(Scheduler(settings, db, on_report=reports.append).run())

        def errors() -> list[logging.LogRecord]:
            return [r for r in caplog.records if r.levelno >= logging.ERROR]

        try:
            await until(task, errors)
            assert not task.done(), "the poller ended on the full disk"
            line = errors()[0]
            assert line.exc_info is None and "cannot be written: disk full" in line.getMessage()
            assert dropped.exists()
            db.engine.dispose()  # space is back
            await until(task, lambda: reports)
            assert not task.done(), "the poller ended"
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        return reports

    try:
        with caplog.at_level(logging.INFO, logger="wiredesk"):
            reports = asyncio.run(go())
        assert [(r.ok, r.new_stories) for r in reports] == [(True, ITEMS)]
    finally:
        db.close()
    assert counts(db_path) == {
        "items": 2 * ITEMS,
        "quarantined": 0,
        "envelopes": ["processed", "processed"],
    }
