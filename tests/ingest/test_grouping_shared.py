"""Processes on one database group as one: a story's copies that reach two processes at the
same moment make one story, and a long-lived process groups copies another process stored
after it loaded its index.

Real processes (`tests/ingest/grouping_child.py`, each ingesting through the path every
payload takes, as a `wiredesk serve` receiving pushes does), on a SQLite file and on
PostgreSQL. Each round's story is new (seeded random text, near-duplicates rather than exact
copies: the second agency's headline and last sentence differ), and both processes are told
at once, which process takes which agency alternating; before issue 17 each process's index
knew only its own copies and the two made two stories.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.ingest.grouping_child import line_of
from tests.ingest.grouping_support import (
    _PARAS,
    OTHER,
    PART_A,
    PART_C,
    WHOLE_B,
    Copy,
    named,
    partition,
)
from wiredesk.store.database import Database

REPO = Path(__file__).resolve().parents[2]
ROUNDS = 24
SEED = 17
# near the real clock: a process's index forgets what arrived more than 72 hours before now
ARRIVED = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
DATED = ARRIVED - timedelta(hours=2)
M = timedelta(seconds=1)
AFTER = ARRIVED + timedelta(hours=6)
WORDS = sorted({w.strip("।,") for p in [*_PARAS, *OTHER] for w in p.split()} - {""})


class Child:
    """A grouping process (`grouping_child`), started and its index loaded."""

    def __init__(self, tmp_path: Path, db_url: str) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO)])}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.ingest.grouping_child", str(tmp_path), db_url],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env,
        )
        assert self.said() == "ready"

    def said(self) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        assert line, f"the child ended (exit code {self.proc.wait(60)}); its error is above"
        return line

    def tell(self, copy: Copy, arrived: datetime) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line_of(copy, arrived))
        self.proc.stdin.flush()

    def ingest(self, copy: Copy, arrived: datetime) -> None:
        self.tell(copy, arrived)
        assert self.said() == "sent"

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        assert self.proc.wait(60) == 0


@pytest.fixture
def children(store: Database, db_url: str, tmp_path: Path) -> Iterator[list[Child]]:
    """Two grouping processes on the test's database (migrated by `store`)."""
    started: list[Child] = []
    try:
        started += [Child(tmp_path, db_url), Child(tmp_path, db_url)]
        yield started
    finally:
        for child in started:
            if child.proc.poll() is None:
                child.proc.kill()
                child.proc.wait(60)


def story(rng: random.Random, n: int) -> tuple[Copy, Copy]:
    """One new story as two agencies tell it: pti's whole, ani's with its own headline and
    without the last sentence."""
    paragraphs = [
        " ".join(
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 18))) + "।" for _ in range(3)
        )
        for _ in range(4)
    ]
    headline = " ".join(rng.choice(WORDS) for _ in range(7))
    shorter = [*paragraphs[:3], paragraphs[3].rsplit("।", 2)[0] + "।"]
    return (
        Copy("pti", f"round-{n}", paragraphs, DATED + n * M, headline),
        Copy("ani", f"round-{n}-ani", shorter, DATED + n * M + 2 * M, f"{headline} : रिपोर्ट"),
    )


def test_two_processes_given_one_story_at_the_same_moment_make_one_story_every_time(
    store: Database, children: list[Child]
) -> None:
    rng = random.Random(SEED)
    told = []
    for n in range(ROUNDS):
        pti, ani = story(rng, n)
        first, second = children if n % 2 == 0 else children[::-1]
        arrived = ARRIVED + n * M
        first.tell(pti, arrived)  # both wait on their stdin: they start together
        second.tell(ani, arrived)
        assert (first.said(), second.said()) == ("sent", "sent")
        told.append((pti, ani))
        mine = {(c.source, c.guid) for c in (pti, ani)}
        rounds = {s & mine for s in partition(store, AFTER)} - {frozenset()}
        assert rounds == {frozenset(mine)}, f"round {n}: two stories"
    assert partition(store, AFTER) == named(*told)  # no round joined another
    for child in children:
        child.close()


def test_a_long_lived_process_groups_copies_another_process_stored_after_it_loaded(
    store: Database, children: list[Child]
) -> None:
    """B loaded its index when the database was empty; A then stores two stories, and the
    copy B receives that holds both (the bridge) joins them into one, in B; then A, whose
    index had them apart, is told another copy of the first and finds the one story."""
    a, b = children
    first = Copy("pti", "a-1", PART_A, DATED)
    other_part = Copy("pti", "c-1", PART_C, DATED + 2 * M)
    bridge = Copy("ians", "b-1", WHOLE_B, DATED + 9 * M)
    again = Copy("ani", "a-2", PART_A, DATED + 5 * M)
    a.ingest(first, ARRIVED)
    a.ingest(other_part, ARRIVED + M)
    assert partition(store, AFTER) == named([first], [other_part])
    b.ingest(bridge, ARRIVED + 2 * M)
    assert partition(store, AFTER) == named([first, bridge, other_part])
    a.ingest(again, ARRIVED + 3 * M)
    assert partition(store, AFTER) == named([first, again, bridge, other_part])
    for child in children:
        child.close()
