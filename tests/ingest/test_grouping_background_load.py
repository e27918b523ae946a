"""The syndication index loads in the background at start, and writes go on meanwhile.

At a site with a million copies in the 72-hour window the first grouping after a start loaded
them all in the writer's transaction, under the write lock, and every push waited a minute
behind it. Now a process loads its index in a thread of its own: a push saved while it loads
goes through at once, its copy public as a story of its own, and is grouped into its story
once the index is ready; a process that stops before that leaves nothing ungrouped for good,
since the next one groups it. The load is held back here (its test hook) to make "while it
loads" certain, not timed. SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.ingest.grouping_support import (
    OTHER,
    OTHER_HEADLINE,
    PART_A,
    PART_C,
    WHOLE_B,
    Copy,
    named,
    partition,
    restarted,
    send,
    settings_for,
)
from wiredesk.config import Settings
from wiredesk.ingest import grouping
from wiredesk.store.database import Database
from wiredesk.store.ledger.editorial import SYNDICATION
from wiredesk.store.operator import audit_entries, memberships

DATED = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
ARRIVED = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
M = timedelta(minutes=1)
AFTER = ARRIVED + timedelta(hours=2)
SAFETY = 60  # seconds: only ever reached when the test fails (a lock never let go)

A1 = Copy("pti", "a-1", PART_A, DATED)
A2 = Copy("ani", "a-2", PART_A, DATED + 5 * M)
B = Copy("ians", "b-1", WHOLE_B, DATED + 9 * M)  # holds A and C: the bridge
C1 = Copy("pti", "c-1", PART_C, DATED + 2 * M)
D1 = Copy("ians", "d-1", OTHER, DATED, OTHER_HEADLINE)
D2 = Copy("pti", "d-2", OTHER, DATED + 3 * M, OTHER_HEADLINE)


class Held:
    """The loader's test hook: it stops after reading the window, until released."""

    def __init__(self) -> None:
        self.reached = threading.Event()
        self.released = threading.Event()

    def __call__(self) -> None:
        self.reached.set()
        self.released.wait()


class Process:
    """A process as `wiredesk run` starts one: its own `Database` (so its own index), the
    write lock its writers share, and the index loading in the background (held back)."""

    def __init__(self, db_url: str, clock_at: datetime, held: Held | None) -> None:
        self.db = restarted(db_url)
        self.lock = threading.Lock()
        grouping.load_in_background(self.db, self.lock, clock=lambda: clock_at, wait=0, hold=held)
        if held is not None:
            assert held.reached.wait(SAFETY)

    def push(self, site: Settings, copy: Copy, arrived: datetime) -> None:
        """A push: stored and processed holding the process's write lock."""
        assert self.lock.acquire(timeout=SAFETY), "the write lock is held by the index's load"
        try:
            send(site, self.db, copy, arrived)
        finally:
            self.lock.release()

    def close(self) -> None:
        grouping.stop_loading(self.db)
        self.db.close()


@pytest.fixture
def held() -> Iterator[Held]:
    hook = Held()
    yield hook
    hook.released.set()  # whatever the test did: the loader's thread ends


def test_a_push_goes_through_while_the_index_loads_and_is_grouped_once_it_is_ready(
    store: Database, db_url: str, tmp_path: Path, held: Held
) -> None:
    site = settings_for(tmp_path, db_url)
    send(site, store, A1, ARRIVED)  # two stories, grouped before the restart
    send(site, store, C1, ARRIVED + M)
    process = Process(db_url, ARRIVED + 2 * M, held)
    try:
        process.push(site, B, ARRIVED + 2 * M)  # the index is still loading
        assert partition(store, AFTER) == named([A1], [C1], [B])
        [b] = [m for m in memberships(store, AFTER) if m.guid == B.guid]
        assert b.lead_path == b.path  # on the site at once, leading a story of its own
        held.released.set()
        grouping.finish_loading(process.db)
        assert partition(store, AFTER) == named([A1, B, C1])  # as without the restart
        rows = {m.guid: m for m in memberships(store, AFTER)}
        [entry] = audit_entries(store, rows[C1.guid].item_id)  # C's story merged into A's
        assert (entry.action, entry.actor) == ("story merged", SYNDICATION)
        assert rows[B.guid].short_id in entry.reason
    finally:
        process.close()


def test_copies_saved_while_the_index_loaded_join_the_right_stories(
    store: Database, db_url: str, tmp_path: Path, held: Held
) -> None:
    site = settings_for(tmp_path, db_url)
    send(site, store, A1, ARRIVED)
    send(site, store, D1, ARRIVED + M)
    process = Process(db_url, ARRIVED + 2 * M, held)
    try:
        process.push(site, D2, ARRIVED + 2 * M)  # D1's story
        process.push(site, A2, ARRIVED + 3 * M)  # A1's story
        process.push(site, C1, ARRIVED + 4 * M)  # alone: too little in common with A
        held.released.set()
        grouping.finish_loading(process.db)
        assert partition(store, AFTER) == named([A1, A2], [C1], [D1, D2])
        process.push(site, B, ARRIVED + 5 * M)  # the index is ready: grouped in its save
        assert partition(store, AFTER) == named([A1, A2, B, C1], [D1, D2])
    finally:
        process.close()


def test_a_restart_before_the_index_is_ready_loses_no_grouping(
    store: Database, db_url: str, tmp_path: Path, held: Held
) -> None:
    site = settings_for(tmp_path, db_url)
    send(site, store, A1, ARRIVED)
    send(site, store, C1, ARRIVED + M)
    first = Process(db_url, ARRIVED + 2 * M, held)
    try:
        first.push(site, B, ARRIVED + 2 * M)
        first.push(site, D1, ARRIVED + 3 * M)
    finally:
        first.close()  # stopped before its index was ready
    assert partition(store, AFTER) == named([A1], [C1], [B], [D1])
    second = Process(db_url, ARRIVED + 4 * M, None)
    try:
        grouping.finish_loading(second.db)
        second.push(site, D2, ARRIVED + 4 * M)
        assert partition(store, AFTER) == named([A1, B, C1], [D1, D2])  # as without a restart
    finally:
        second.close()


def test_copies_another_process_grouped_while_this_one_loaded_are_in_its_index(
    store: Database, db_url: str, tmp_path: Path, held: Held
) -> None:
    """The catch-up after the read: the copies stored since then are matched too."""
    site = settings_for(tmp_path, db_url)
    send(site, store, A1, ARRIVED)
    process = Process(db_url, ARRIVED + 2 * M, held)
    try:
        send(site, store, D1, ARRIVED + 2 * M)  # `wiredesk ingest` beside it, say
        held.released.set()
        grouping.finish_loading(process.db)
        process.push(site, D2, ARRIVED + 3 * M)
        process.push(site, A2, ARRIVED + 4 * M)
        assert partition(store, AFTER) == named([A1, A2], [D1, D2])
    finally:
        process.close()
