"""The worker process that prepares payloads beside the writer: what it stores must be what
preparing inline stores, it must not outlive the writer, and losing it must lose nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.ingest.test_polling import ONE, THREE, TWO, drop, make_settings, rss
from wiredesk.ingest import polling
from wiredesk.ingest.workers import Preparer
from wiredesk.store.database import Database
from wiredesk.store.schema import (
    envelopes,
    item_fingerprints,
    item_versions,
    items,
    quarantine,
    stories,
)

LONG = ("s-4", "लंबा शीर्षक " * 400, "यह शीर्षक बहुत लंबा है।")  # refused by the store: held
TWO_AGAIN = ("s-2", "दूसरी खबर", "मुंबई, 5 फरवरी (आईएएनएस)। दूसरी खबर का नया पाठ।")  # a version


def dump(db: Database, root: Path) -> dict[str, Any]:
    """What an ingest stored, without ids and times that depend on when it ran (and with
    its folder's path taken out of the messages that name a file)."""

    def here(text: str | None) -> str | None:
        return None if text is None else text.replace(str(root), "<root>")

    with db.engine.connect() as conn:
        ids = {r.id: r.guid for r in conn.execute(select(items.c.id, items.c.guid))}
        return {
            "items": sorted(
                (r.guid, r.short_id, r.slug, r.section, r.version_count, r.pub_status)
                for r in conn.execute(select(items))
            ),
            "versions": sorted(
                (ids[r.item_id], r.version, r.content_hash, r.body_html, r.body_text)
                for r in conn.execute(select(item_versions))
            ),
            "stories": len(conn.execute(select(stories.c.id)).all()),
            "fingerprints": sorted(
                (ids[r.item_id], r.exact, bytes(r.signature), bytes(r.features))
                for r in conn.execute(select(item_fingerprints))
            ),
            "envelopes": sorted(
                (r.location.rsplit("/", 1)[-1], r.status, here(r.error), r.item_count)
                for r in conn.execute(select(envelopes))
            ),
            "quarantine": sorted(
                (r.stage, here(r.reason), r.item_index) for r in conn.execute(select(quarantine))
            ),
        }


needs_worker = pytest.mark.skipif(
    not Preparer.possible(), reason="no worker process here (one core, no fork, or threads)"
)


def ingest_folder(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch, with_worker: bool
) -> dict[str, Any]:
    tmp_path.mkdir()
    settings = make_settings(tmp_path, {"id": "drop", "name": "Drop", "folder": "inbox"})
    inbox = tmp_path / "inbox"
    drop(inbox, "001.xml", rss(ONE, TWO))
    drop(inbox, "002.xml", b"<html><body>Login required</body></html>")  # not a feed
    drop(inbox, "003.xml", rss(THREE, LONG, TWO_AGAIN))
    drop(inbox, "004.xml", rss(ONE, TWO))  # the same bytes again: a replay
    db = Database.open(db_url)
    started: list[Preparer | None] = []
    real_start = Preparer.start

    def start() -> Preparer | None:
        started.append(real_start() if with_worker else None)
        return started[-1]

    monkeypatch.setattr(Preparer, "start", start)
    try:
        [report] = polling.ingest_once(settings, db)
    finally:
        monkeypatch.undo()
        db.close()
    assert report.envelopes == 3  # and one replay
    assert (started[0] is not None) == with_worker
    db = Database.open(db_url)
    try:
        return dump(db, tmp_path)
    finally:
        db.close()


@needs_worker
def test_a_folder_prepared_by_the_worker_is_stored_as_when_prepared_inline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inline_db = f"sqlite:///{tmp_path / 'inline.db'}"
    worker_db = f"sqlite:///{tmp_path / 'worker.db'}"
    inline = ingest_folder(tmp_path / "inline", inline_db, monkeypatch, False)
    worker = ingest_folder(tmp_path / "worker", worker_db, monkeypatch, True)
    assert inline == worker
    assert inline["quarantine"] and inline["fingerprints"]  # the cases were there


@needs_worker
def test_a_worker_that_dies_leaves_its_payloads_to_the_writer(tmp_path: Path) -> None:
    preparer = Preparer.start()
    assert preparer is not None
    settings = make_settings(tmp_path, {"id": "drop", "name": "Drop", "folder": "inbox"})
    drop(tmp_path / "inbox", "001.xml", rss(ONE, TWO))
    drop(tmp_path / "inbox", "002.xml", rss(THREE))
    for pid in list(preparer._pool._processes):  # type: ignore[union-attr]
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)
    db = Database.open(f"sqlite:///{tmp_path / 'w.db'}")
    try:
        [report] = polling.asyncio.run(polling.ingest_all_async(settings, db, preparer=preparer))
    finally:
        preparer.close()
        db.close()
    assert report.ok, report.error
    assert report.new_stories == 3


CHILD = """
import os, sys, time
from wiredesk.ingest.workers import Preparer
preparer = Preparer.start()
assert preparer is not None
print(*preparer._pool._processes, flush=True)
time.sleep(60)
"""


@needs_worker
def test_the_worker_exits_when_the_writer_is_killed() -> None:
    writer = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None
    worker = int(writer.stdout.readline())
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(worker, signal.SIGKILL)
    pytest.fail("the worker outlived its writer")


def _processes_naming(text: str) -> list[int]:
    """Pids of this machine's processes whose command line contains `text`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@needs_worker
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the worker")
def test_ingest_once_killed_while_its_worker_prepares_loses_nothing(tmp_path: Path) -> None:
    """SIGKILL `ingest --once` mid-run: the worker goes too, and the next run stores every
    story once, the payloads left half-done included."""
    inbox = tmp_path / "inbox"
    guids = []
    for n in range(12):
        stories_ = [
            (f"k-{n}-{i}", f"खबर {n} {i}", f"पटना, 5 फरवरी (आईएएनएस)। खबर {n} {i} का पाठ। " * 20)
            for i in range(40)
        ]
        guids += [g for g, _, _ in stories_]
        drop(inbox, f"{n:03}.xml", rss(*stories_))
    cfg = tmp_path / "wiredesk.toml"
    cfg.write_text(
        '[site]\nname = "t"\nlanguage = "hi"\ndata_dir = "data"\n'
        '[[sources]]\nid = "drop"\nname = "Drop"\nfolder = "inbox"\n',
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "wiredesk.cli.main", "ingest", "--once", "--config"]
    run = subprocess.Popen([*command, str(cfg)], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list((inbox / "processed").glob("*"))) < 3:
        time.sleep(0.02)  # some payloads stored, others being prepared
    run.send_signal(signal.SIGKILL)
    run.wait()
    deadline = time.monotonic() + 10
    while _processes_naming(str(cfg)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _processes_naming(str(cfg)), "a worker outlived the killed ingest"
    finished = subprocess.run([*command, str(cfg)], capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
    db = Database.open(f"sqlite:///{tmp_path / 'data' / 'wiredesk.db'}")
    try:
        with db.engine.connect() as conn:
            stored = conn.execute(select(items.c.guid)).scalars().all()
            statuses = set(conn.execute(select(envelopes.c.status)).scalars())
    finally:
        db.close()
    assert sorted(stored) == sorted(guids)
    assert statuses == {"processed"}
