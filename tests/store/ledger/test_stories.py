"""Stories in the store: membership, the lead the gate picks at query time, the duplicates
policy in the one visibility gate, originators, persisted fingerprints. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from importlib import resources

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import select, text

from tests.store.store_support import NOW, T0, item_id, listed, save, three_wires
from wiredesk.store import operator
from wiredesk.store.database import Database, make_engine
from wiredesk.store.ledger import stories as sg
from wiredesk.store.ledger.stories import GroupingPlan
from wiredesk.store.schema import items, stories


@pytest.fixture
def three(store: Database) -> tuple[str, str, str]:
    return three_wires(store)


def test_every_item_starts_a_story_of_its_own(store: Database) -> None:
    a, b = save(store, "ians", "i1", 0), save(store, "pti", "p1", 5)
    rows = {r.short_id: r for r in operator.memberships(store, NOW)}
    assert rows[a].story_id is not None and rows[b].story_id is not None
    assert rows[a].story_id != rows[b].story_id
    assert rows[a].lead_path == rows[a].path
    assert sorted(listed(store)) == sorted([a, b])


def test_grouped_copies_share_one_story_and_its_emptied_story_is_removed(
    store: Database, three: tuple[str, str, str]
) -> None:
    ians = three[0]
    rows = {r.short_id: r for r in operator.memberships(store, NOW)}
    assert len({r.story_id for r in rows.values()}) == 1
    assert {r.lead_path for r in rows.values()} == {rows[ians].path}
    with store.engine.connect() as conn:
        assert conn.execute(select(stories.c.id)).scalars().all() == [rows[ians].story_id]
        assert conn.execute(select(stories.c.lead_item_id)).scalar() == item_id(store, ians)


def test_fingerprints_round_trip_as_bytes(store: Database) -> None:
    sid = save(store, "ians", "i1", 0)
    row = {"exact": "ab" * 16, "signature": b"\x01\x00\xff", "features": b"\x02", "language": "hi"}
    sg.apply(store, GroupingPlan(new_fingerprints=[(item_id(store, sid), row, T0)]), NOW)
    replaced = {**row, "exact": "cd" * 16}
    sg.apply(store, GroupingPlan(replaced_fingerprints=[(item_id(store, sid), replaced, T0)]), NOW)
    loaded = sg.load_fingerprints(store, T0 - timedelta(hours=72))
    assert sg.load_fingerprints(store, T0 + timedelta(minutes=2)) == []  # arrived T0 + 1 min
    [stored] = loaded
    assert (stored.short_id, stored.row, stored.published_at) == (sid, replaced, T0)
    assert stored.first_seen_at == T0 + timedelta(minutes=1)
    assert stored.story_id is not None and stored.item_id == item_id(store, sid)
    assert isinstance(stored.row["signature"], bytes)


def test_a_merge_keeps_the_older_story_and_says_so_for_each_copy_moved(store: Database) -> None:
    a, b, c = (
        save(store, src, g, m)
        for src, g, m in (("ians", "i1", 0), ("pti", "p1", 1), ("ani", "a1", 2))
    )
    sg.apply(store, GroupingPlan(joins=[(item_id(store, c), item_id(store, b))]), NOW)
    before = {r.short_id: r.story_id for r in operator.memberships(store, NOW)}
    plan = GroupingPlan(merges=[(item_id(store, b), item_id(store, a), "x matches both")])
    sg.apply(store, plan, NOW)
    after = {r.short_id: r.story_id for r in operator.memberships(store, NOW)}
    assert set(after.values()) == {before[a]}  # a's story, the older
    assert operator.audit_entries(store, item_id(store, a)) == []
    for moved in (b, c):
        [entry] = operator.audit_entries(store, item_id(store, moved))
        assert entry.action == "story merged" and entry.actor == "syndication"
        assert entry.reason == (f"story {before[b]} merged into story {before[a]}: x matches both")
    with store.engine.connect() as conn:
        assert conn.execute(select(stories.c.id)).scalars().all() == [before[a]]


def test_grouping_turns_are_numbered_in_commit_order_and_a_rolled_back_one_is_given_back(
    store: Database,
) -> None:
    with store.engine.begin() as conn:
        assert sg.take_turn(conn, 11) == (1, 0)  # the first: no grouping before it
    assert sg.last_grouping(store) == 1
    with pytest.raises(RuntimeError), store.engine.begin() as conn:
        assert sg.take_turn(conn, 12) == (2, 11)
        raise RuntimeError("the grouping fails: its number is given back")
    assert sg.last_grouping(store) == 1
    with store.engine.begin() as conn:
        assert sg.take_turn(conn, 13) == (2, 11)


def test_later_turns_name_the_fingerprints_they_wrote_and_the_copies_a_merge_moved(
    store: Database,
) -> None:
    """What another process's index reads when it catches up: a turn's fingerprints, and
    those of copies that moved story, each with the story it is in now."""
    a, b, c = (
        save(store, src, g, m)
        for src, g, m in (("ians", "i1", 0), ("pti", "p1", 1), ("ani", "a1", 2))
    )
    row = {"exact": "ab" * 16, "signature": b"\x01", "features": b"\x02", "language": "hi"}
    fresh = [(item_id(store, sid), row, T0) for sid in (a, b)]
    sg.apply(store, GroupingPlan(new_fingerprints=fresh, seq=1), NOW)
    sg.apply(store, GroupingPlan(new_fingerprints=[(item_id(store, c), row, T0)], seq=2), NOW)
    assert [f.short_id for f in sg.load_fingerprints(store, T0, after_seq=1)] == [c]
    assert sg.load_fingerprints(store, T0, after_seq=2) == []
    merge = GroupingPlan(merges=[(item_id(store, a), item_id(store, b), "x")], seq=3)
    sg.apply(store, merge, NOW)
    [moved] = sg.load_fingerprints(store, T0, after_seq=2, upto_seq=3)
    story_of_a = {r.short_id: r.story_id for r in operator.memberships(store, NOW)}[a]
    assert (moved.short_id, moved.story_id) == (b, story_of_a)


def test_migration_0004_gives_each_existing_item_its_own_story(db_url: str) -> None:
    engine = make_engine(db_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("wiredesk.store") / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
        conn.execute(
            text(
                "INSERT INTO items (short_id, source_id, guid, slug, section, state, "
                "version_count, published_at, first_seen_at, pub_status, kill_manual) VALUES "
                "('aaaa', 'ians', 'g1', 's', 'desh', 'published', 1, :t, :t, 'usable', false),"
                "('bbbb', 'pti', 'g2', 's', 'desh', 'published', 1, :t, :t, 'usable', false)"
            ),
            {"t": T0.replace(tzinfo=None)},
        )
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    with engine.connect() as conn:
        rows = conn.execute(select(items.c.id, items.c.story_id)).all()
        leads = dict(conn.execute(select(stories.c.id, stories.c.lead_item_id)).all())
    engine.dispose()
    assert len(rows) == 2 and len({r.story_id for r in rows}) == 2
    assert all(leads[r.story_id] == r.id for r in rows)


def test_the_changes_log_keeps_a_day(store: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Other processes' caches read the log; what is older than a day is pruned as it grows."""
    from wiredesk.store.ledger import changes as log
    from wiredesk.store.schema import changes

    monkeypatch.setattr(log, "PRUNE_EVERY", 2)
    monkeypatch.setattr(log, "_recorded", 0)
    with store.engine.begin() as conn:
        log.record(conn, store, {"home"}, T0)
        log.record(conn, store, {"home"}, T0 + timedelta(days=2))  # prunes the first
    with store.engine.connect() as conn:
        kept = conn.execute(select(changes.c.at)).scalars().all()
    assert kept == [T0 + timedelta(days=2)]
