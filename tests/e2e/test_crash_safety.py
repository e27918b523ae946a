"""Crash safety: SIGKILL the poller at random moments; nothing is lost, doubled or half-shown.

A real `wiredesk ingest` process polls three HTTP feeds that keep changing (new stories, new
versions) and two drop folders of hundreds of files, thousands of items in all. The test kills
it with SIGKILL at seeded random moments, restarts it, and finally lets it finish. Meanwhile a
reader — the real site app over the same database — keeps fetching the front page, the JSON
feed and article pages, and checks every story it can see is whole.

Then, on the database:
- every payload the agency delivered is stored exactly once (sha256 sets: what the server sent
  with a 200, what the folders held);
- every story is at the latest version the agency sent, with its whole history;
- no drop file was lost or left behind, none went to failed/;
- no envelope was left half-done (stored raw but never processed).
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select, text
from starlette.testclient import TestClient

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
from wiredesk.config import load_settings
from wiredesk.runtime.embedded import site_app
from wiredesk.store.database import Database
from wiredesk.store.ledger import envelopes as stored_envelopes
from wiredesk.store.public.reader import PublicReader
from wiredesk.store.schema import envelopes

WIREDESK = str(Path(sys.executable).parent / "wiredesk")
SEED = 20260205
KILLS = 8
HTTP_SOURCES = ("alpha", "beta", "gamma")
DROP_SOURCES = ("drop-a", "drop-b")
REVISIONS = 8  # per feed; up to 60 stories shown, 8 new and 8 re-issued per revision
WINDOW, PER_REVISION = 60, 8
DROP_FILES = 120  # per folder, 5 items each, every tenth a byte-for-byte re-delivery
PER_FILE = 5
FINISH_WITHIN = 90.0  # seconds for the last, unkilled run to catch up (a bound, not a target)


def write_config(tmp: Path, db_url: str, feed_url: Callable[[str], str]) -> Path:
    sources = "".join(
        f'[[sources]]\nid = "{s}"\nname = "{s.title()}"\nurl = "{feed_url(s)}"\n'
        "poll_every = 1\ntimeout = 10\nallow_private = true\n\n"
        for s in HTTP_SOURCES
    ) + "".join(
        f'[[sources]]\nid = "{s}"\nname = "{s.title()}"\nfolder = "{s}"\npoll_every = 1\n\n'
        for s in DROP_SOURCES
    )
    cfg = tmp / "wiredesk.toml"
    cfg.write_text(
        f'[site]\nname = "Crash desk"\nlanguage = "en"\nbase_url = "https://news.example"\n'
        f'timezone = "Asia/Kolkata"\ndatabase = "{db_url}"\npage_size = 50\n\n{sources}',
        encoding="utf-8",
    )
    return cfg


class Reader(threading.Thread):
    """Reads the site as the public does, all the time, and notes anything half-written."""

    def __init__(self, cfg: Path, known: dict[str, set[int]]) -> None:
        super().__init__(daemon=True)
        self.cfg, self.known = cfg, known
        self.stop = threading.Event()
        self.problems: list[str] = []
        self.pages = 0
        self.stories_checked = 0

    def run(self) -> None:
        settings = load_settings(self.cfg)
        store = Database.open(settings.site.database, run_migrations=False)
        client = TestClient(site_app(settings, store))
        try:
            while not self.stop.is_set():
                try:
                    self.check_once(client, store)
                except Exception as e:  # the schema may not exist yet on the first start
                    if self.pages:
                        self.problems.append(f"reader: {type(e).__name__}: {e}")
                    time.sleep(0.2)
        finally:
            client.close()
            store.close()

    def check_once(self, client: TestClient, store: Database) -> None:
        self.check_tables(store)
        home = client.get("/")
        if home.status_code != 200:
            self.problems.append(f"/ answered {home.status_code}")
        feed = client.get("/feed.json")
        self.pages += 2
        if feed.status_code != 200:
            self.problems.append(f"/feed.json answered {feed.status_code}")
            return
        for entry in json.loads(feed.text)["items"][:12]:
            self.check_story(client, store, entry)
        time.sleep(0.05)  # leave the CPU to the poller now and then: two cores in CI

    def check_tables(self, store: Database) -> None:
        """One statement each, so each is one snapshot: the invariants a writer must keep."""
        with store.engine.connect() as conn:
            broken = conn.execute(
                text(
                    "SELECT count(*) FROM items i LEFT JOIN item_versions v"
                    " ON v.id = i.current_version_id AND v.item_id = i.id"
                    " WHERE v.id IS NULL OR v.headline = '' OR v.body_html = ''"
                )
            ).scalar_one()
            miscounted = conn.execute(
                text(
                    "SELECT count(*) FROM items i WHERE i.version_count <>"
                    " (SELECT count(*) FROM item_versions v WHERE v.item_id = i.id)"
                )
            ).scalar_one()
        if broken:
            self.problems.append(f"{broken} stories without a whole current version")
        if miscounted:
            self.problems.append(f"{miscounted} stories whose version count disagrees")

    def check_story(self, client: TestClient, store: Database, entry: dict[str, object]) -> None:
        title = str(entry.get("title") or "")
        body = str(entry.get("content_html") or "")
        path = urlsplit(str(entry["url"])).path
        guid, number = _parse_headline(title)
        if guid is None or number not in self.known.get(guid, set()):
            self.problems.append(f"feed shows a headline the agency never sent: {title!r}")
            return
        if f"{guid} v{number}" not in body:  # headline and body of the same version
            self.problems.append(f"{guid}: headline v{number} with another version's body")
        page = client.get(path, follow_redirects=False)
        self.pages += 1
        if page.status_code != 200:
            self.problems.append(f"{path} answered {page.status_code}")
            return
        article = PublicReader(store).copy_detail(path.rsplit("-", 1)[1])
        if article is None:
            self.problems.append(f"{path}: no article behind a listed story")
            return
        story = article.copy
        if not story.headline or not story.body_html:
            self.problems.append(f"{path}: empty headline or body")
        if story.version_count != len(article.versions):
            self.problems.append(
                f"{path}: {story.version_count} versions counted, {len(article.versions)} listed"
            )
        if f"{guid} v" not in page.text:
            self.problems.append(f"{path}: the page does not show its story")
        self.stories_checked += 1


def _parse_headline(title: str) -> tuple[str | None, int]:
    parts = title.split()
    if len(parts) < 3 or parts[0] != "Story" or not parts[2].startswith("v"):
        return None, 0
    return parts[1], int(parts[2][1:])


def start_child(cfg: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as err:
        return subprocess.Popen(
            [WIREDESK, "ingest", "--config", str(cfg)],
            stdout=subprocess.DEVNULL,
            stderr=err,
        )


def wait_started(child: subprocess.Popen[bytes], log: Path, starts: int) -> None:
    """Until the child has its settings and opens the database: kill it at work, not while
    Python imports (which takes seconds on a busy two-core machine)."""
    deadline = time.monotonic() + 60
    while log.read_text().count("wiredesk: polling") < starts:
        assert child.poll() is None and time.monotonic() < deadline, log_tail(log)
        time.sleep(0.02)


def pending(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.is_file()]


def drops_done(tmp: Path) -> bool:
    return not any(pending(tmp / s) for s in DROP_SOURCES)


def log_tail(log: Path) -> str:
    """The child's log without the routine "ok" lines of the feeds."""
    lines = [x for x in log.read_text().splitlines() if ": ok, 1 new payload" not in x]
    return "log:\n" + "\n".join(lines[-40:])


@pytest.mark.postgres
def test_sigkill_at_random_moments_loses_nothing_and_shows_nothing_half_written(
    tmp_path: Path, db_url: str
) -> None:
    rng = random.Random(SEED)
    revisions = {s: feed_revisions(s, REVISIONS, WINDOW, PER_REVISION) for s in HTTP_SOURCES}
    drops = {s: drop_files(s, DROP_FILES, PER_FILE) for s in DROP_SOURCES}
    for s, payloads in drops.items():
        write_drops(tmp_path / s, payloads)
    everything = [p for revs in revisions.values() for p in revs]
    everything += [p for files in drops.values() for p in files]
    expected = latest_versions(everything)
    known = {g: set(range(1, n + 1)) for g, (n, _) in expected.items()}
    log = tmp_path / "ingest.log"

    with serve_changing_feeds(revisions) as feeds:
        cfg = write_config(tmp_path, db_url, feeds.url)
        reader = Reader(cfg, known)
        reader.start()
        try:
            kills = 0
            while kills < KILLS:
                child = start_child(cfg, log)
                wait_started(child, log, kills + 1)
                time.sleep(rng.uniform(0.05, 2.5))
                child.send_signal(signal.SIGKILL)
                child.wait(10)
                kills += 1
                assert child.returncode == -signal.SIGKILL, log_tail(log)
            child = start_child(cfg, log)
            deadline = time.monotonic() + FINISH_WITHIN
            while not (feeds.finished() and drops_done(tmp_path)):
                assert child.poll() is None, log_tail(log)
                assert time.monotonic() < deadline, (
                    f"not caught up in {FINISH_WITHIN:g} s: feeds at {feeds.at}, files left "
                    f"{ {s: len(pending(tmp_path / s)) for s in DROP_SOURCES} }, {log_tail(log)}"
                )
                time.sleep(0.2)
            time.sleep(0.5)  # one more round of reads over the finished database
        finally:
            reader.stop.set()
            reader.join(30)
            if "child" in locals() and child.poll() is None:
                child.send_signal(signal.SIGTERM)
                child.wait(20)

    assert reader.problems == [], reader.problems[:10]
    assert reader.stories_checked > 50, "the reader saw too little to prove anything"

    store = Database.open(db_url, run_migrations=False)
    try:
        with store.engine.connect() as conn:
            stored = conn.execute(select(envelopes.c.source_id, envelopes.c.sha256)).all()
            unfinished = conn.execute(
                select(func.count()).where(envelopes.c.status != "processed")
            ).scalar_one()
            current = current_stories(conn)
    finally:
        store.close()

    # Every delivered payload exactly once: the same set, and no sha twice.
    by_source: dict[str, list[str]] = {}
    for source_id, digest in stored:
        by_source.setdefault(source_id, []).append(digest)
    for s in HTTP_SOURCES:
        assert sorted(by_source[s]) == sorted(feeds.served[s]), s
        assert feeds.served[s] == {sha(p) for p in revisions[s]}  # nothing was skipped
    for s in DROP_SOURCES:
        assert sorted(by_source[s]) == sorted({sha(p) for p in drops[s]}), s
        processed = list((tmp_path / s / "processed").iterdir())
        assert len(processed) == DROP_FILES, f"{s}: a dropped file was lost or doubled"
        assert not (tmp_path / s / "failed").exists()
    assert unfinished == 0, "a payload was stored but never processed"

    # Every story at the agency's latest version, with every version it sent.
    assert set(current) == set(expected)
    assert not_at_latest(current, expected) == []
    delivered = sum(p.count(b"<item>") for p in everything)
    assert delivered > 2000, delivered  # thousands of items in all


# --- the two windows the random kills found, each pinned down deterministically ------------


def test_a_payload_stored_by_a_process_that_died_is_processed_when_it_comes_again(
    tmp_path: Path, db_url: str
) -> None:
    from wiredesk.ingest.polling import ingest_once
    from wiredesk.model import Envelope, Transport

    payload = drop_files("wire", 1, PER_FILE)[0]
    write_drops(tmp_path / "inbox", [payload])
    cfg = tmp_path / "wiredesk.toml"
    cfg.write_text(
        f'[site]\ndatabase = "{db_url}"\n\n[[sources]]\nid = "wire"\nname = "Wire"\n'
        'folder = "inbox"\n',
        encoding="utf-8",
    )
    settings = load_settings(cfg)
    store = Database.open(db_url)
    try:
        # What the killed process left: the raw payload stored, nothing parsed, file not moved.
        stored_envelopes.record(
            store,
            Envelope("wire", payload, Transport.FOLDER, str(tmp_path / "inbox" / "wire-0000.xml")),
        )
        assert len(PublicReader(store).list_copies(limit=10**6)) == 0
        (report,) = ingest_once(settings, store)
        assert report.ok and stored_envelopes.count(store) == 1
        assert (
            len(PublicReader(store).list_copies(limit=10**6)) == PER_FILE
        )  # five new stories, now on the site
        with store.engine.connect() as conn:
            assert conn.execute(select(envelopes.c.status)).scalar_one() == "processed"
    finally:
        store.close()
    assert [p.name for p in (tmp_path / "inbox" / "processed").iterdir()] == ["wire-0000.xml"]


def test_a_first_start_killed_during_its_migrations_still_starts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'wiredesk.db'}"
    die_midway = (
        "import os, signal\n"
        "from alembic import command\n"
        "from wiredesk.store import database as engine\n"
        "real = command.upgrade\n"
        "def upgrade(cfg, _head):\n"
        "    real(cfg, '0001')  # the first migration's tables are created ...\n"
        "    os.kill(os.getpid(), signal.SIGKILL)  # ... and the process dies\n"
        "command.upgrade = upgrade  # migrate() imports Alembic when it has work\n"
        f"engine.migrate(engine.make_engine({url!r}))\n"
    )
    died = subprocess.run([sys.executable, "-c", die_midway], capture_output=True, check=False)
    assert died.returncode == -signal.SIGKILL, died.stderr.decode()
    store = Database.open(url)  # before the fix: "table source_state already exists", every time
    try:
        assert len(PublicReader(store).list_copies(limit=10**6)) == 0
    finally:
        store.close()
