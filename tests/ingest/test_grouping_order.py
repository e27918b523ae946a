"""Order does not decide: the same copies, in any order, in any payloads, across any
restarts, form the same stories.

A copy used to join the one story its best match was in, so a copy arriving after two
stories it belongs to (the whole story, after its first part and its last part came as two)
joined one of them and left the other apart, while in another order the three made one
story. Now a copy that matches two stories makes them one, the older kept, and the copies
moved say so in their history (the audit log). SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import groupby
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
    wipe,
)
from wiredesk.store.database import Database
from wiredesk.store.ledger.editorial import SYNDICATION
from wiredesk.store.operator import audit_entries, memberships

DATED = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
ARRIVED = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
M = timedelta(minutes=1)

A1 = Copy("pti", "a-1", PART_A, DATED)
A2 = Copy("ani", "a-2", PART_A, DATED + 5 * M)
B = Copy("ians", "b-1", WHOLE_B, DATED + 9 * M)  # holds A and C: the bridge
C1 = Copy("pti", "c-1", PART_C, DATED + 2 * M)
C2 = Copy("ani", "c-2", PART_C, DATED)
D1 = Copy("ians", "d-1", OTHER, DATED, OTHER_HEADLINE)
D2 = Copy("pti", "d-2", OTHER, DATED + 3 * M, OTHER_HEADLINE)
COPIES = [A1, A2, B, C1, C2, D1, D2]
STORIES = named([A1, A2, B, C1, C2], [D1, D2])
AFTER = ARRIVED + timedelta(hours=2)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    order=st.permutations(COPIES),
    restarts=st.sets(st.integers(1, len(COPIES) - 1)),
    batched=st.booleans(),
    years_ago=st.booleans(),
)
def test_any_order_any_payloads_any_restarts_give_the_same_stories(
    store: Database,
    db_url: str,
    tmp_path: Path,
    order: list[Copy],
    restarts: set[int],
    batched: bool,
    years_ago: bool,
) -> None:
    """`batched`: neighbours in the order from one source come in one payload (grouped in
    one plan); `restarts`: a new process takes over before the copy at each position;
    `years_ago`: the copies' own dates are four years before they arrive."""
    wipe(store)
    if years_ago:
        order = [replace(c, published=c.published - timedelta(days=4 * 365)) for c in order]
    site = settings_for(tmp_path, db_url)
    positions = {c: i for i, c in enumerate(order)}
    key = (lambda c: c.source) if batched else (lambda c: positions[c])
    db = restarted(db_url)
    try:
        for payload in [list(g) for _, g in groupby(order, key=key)]:
            first = positions[payload[0]]
            if any(first <= r < first + len(payload) for r in restarts):
                db.close()
                db = restarted(db_url)
            send(site, db, payload, ARRIVED + first * M)
    finally:
        db.close()
    assert partition(store, AFTER) == STORIES


def test_a_copy_matching_two_stories_merges_them_into_the_older_and_says_so(
    store: Database, db_url: str, tmp_path: Path
) -> None:
    site = settings_for(tmp_path, db_url)
    for i, copy in enumerate([A1, C1, B]):
        send(site, store, copy, ARRIVED + i * M)
    rows = {(r.source_id, r.guid): r for r in memberships(store, AFTER)}
    a, c, b = rows["pti", "a-1"], rows["pti", "c-1"], rows["ians", "b-1"]
    assert a.story_id == b.story_id == c.story_id  # A's story, the older, is kept
    [entry] = audit_entries(store, c.item_id)
    assert (entry.action, entry.actor) == ("story merged", SYNDICATION)
    assert entry.reason is not None and "merged into story" in entry.reason
    assert b.short_id in entry.reason  # the copy that bridged them
    assert audit_entries(store, a.item_id) == []  # A did not move
