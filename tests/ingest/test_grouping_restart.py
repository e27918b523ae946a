"""The grouping window and restarts: a new process groups as the running one would have.

The window is stated on two times: a new copy is compared with the copies that arrived less
than 72 hours before it, and joins one only if their own dates are less than 72 hours apart.
Both are read from the store when a process starts, so a restart changes nothing; before,
the index built at start held the copies by their own dates, and identical copies dated
years ago were two stories on the home page after a restart. SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.ingest.grouping_support import (
    OTHER,
    OTHER_HEADLINE,
    PART_A,
    WHOLE_B,
    Copy,
    named,
    partition,
    restarted,
    send,
    settings_for,
    wipe,
)
from wiredesk.store.database import Database

ARRIVED = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # when the first copy arrives
OLD = datetime(2022, 2, 5, 9, 0, tzinfo=UTC)  # a date years before its arrival
H = timedelta(hours=1)
AFTER = ARRIVED + 300 * H  # when the stories are read


def test_identical_copies_dated_years_ago_are_grouped_after_a_restart(
    store: Database, db_url: str, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path, db_url)
    first, second = Copy("pti", "p-1", WHOLE_B, OLD), Copy("ians", "i-1", WHOLE_B, OLD)
    send(settings, store, first, ARRIVED)
    new_process = restarted(db_url)
    try:
        send(settings, new_process, second, ARRIVED + H)
        assert partition(new_process, AFTER) == named([first, second])
    finally:
        new_process.close()


# (copy, hours after ARRIVED that it arrives), in order of arrival
X1 = Copy("pti", "x-1", WHOLE_B, OLD)
X2 = Copy("ians", "x-2", WHOLE_B, OLD)  # the same, two hours later
X3 = Copy("ani", "x-3", PART_A, OLD + 6 * H)  # its first part, a day later
X4 = Copy("ani", "x-4", WHOLE_B, OLD)  # the same again, but arriving a week later
Y1 = Copy("pti", "y-1", OTHER, ARRIVED - H, OTHER_HEADLINE)  # dated today
Y2 = Copy("ians", "y-2", OTHER, ARRIVED + 19 * H, OTHER_HEADLINE)
Z1 = Copy("ani", "z-1", OTHER, ARRIVED - 240 * H, OTHER_HEADLINE)  # dated ten days before
ARRIVALS = [(X1, 0), (Y1, 1), (X2, 2), (Y2, 20), (Z1, 21), (X3, 30), (X4, 200)]
STORIES = named(
    [X1, X2, X3],  # arrived within 72 hours of one another, dated within 72 hours
    [Y1, Y2],
    [Z1],  # the same text as Y's, but dated ten days apart
    [X4],  # arrived 170 hours after the last of X's
)


def test_grouping_with_a_restart_before_every_copy_equals_grouping_without(
    store: Database, db_url: str, tmp_path: Path
) -> None:
    settings = settings_for(tmp_path, db_url)
    for copy, hours in ARRIVALS:
        send(settings, store, copy, ARRIVED + hours * H)
    assert partition(store, AFTER) == STORIES
    wipe(store)
    for copy, hours in ARRIVALS:
        new_process = restarted(db_url)
        try:
            send(settings, new_process, copy, ARRIVED + hours * H)
        finally:
            new_process.close()
    assert partition(store, AFTER) == STORIES
