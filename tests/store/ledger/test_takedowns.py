"""An editor's takedown of a whole story: every copy off every public read at once, copies
that join it later never public, merges keep it, only a restore lifts it. SQLite and
PostgreSQL."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import Connection, select

from tests.store.store_support import NOW, T0, group, item_id, listed, save, three_wires
from wiredesk.store import operator
from wiredesk.store.bulk import begin_write
from wiredesk.store.database import Database
from wiredesk.store.ledger import editorial, takedowns
from wiredesk.store.ledger import stories as sg
from wiredesk.store.ledger.stories import GroupingPlan
from wiredesk.store.public import reader as public
from wiredesk.store.public.reader import PublicReader, month_start
from wiredesk.store.schema import items, stories

EDITOR = editorial.editor("asha")


def story_of(store: Database, short_id: str) -> int:
    [row] = operator.copy_statuses(store, item_id=item_id(store, short_id))
    assert row.story_id is not None
    return row.story_id


def everywhere(store: Database) -> set[str]:
    """The short ids any public read shows at NOW: lists (every scope), sitemaps, and the
    copies whose page opens."""
    r = PublicReader(store)
    shown = set(listed(store))
    for source in ("ians", "pti", "ani", "uni"):
        shown |= set(listed(store, source_id=source))
    shown |= set(listed(store, section="desh"))
    paths = [e.path for e in r.recent_for_news(NOW, T0 - timedelta(days=1), 100)]
    paths += [e.path for e in r.sitemap_month(NOW, month_start(T0), skip=0, limit=100)]
    shown |= {p.rsplit("-", 1)[-1] for p in paths}
    with store.engine.connect() as conn:
        every = conn.execute(select(items.c.short_id)).scalars().all()
    shown |= {s for s in every if r.copy_detail(s, NOW) is not None}
    return shown


def test_a_takedown_takes_every_copy_of_the_story_off_every_public_read(store: Database) -> None:
    ians, pti, ani = three_wires(store)
    other = save(store, "uni", "u1", 30, headline="दूसरी ख़बर")
    assert everywhere(store) == {ians, pti, ani, other}
    heard: list[frozenset[str]] = []
    store.on_change(heard.append)
    story = story_of(store, pti)

    act = takedowns.take_down(store, story, reason="court order", actor=EDITOR, now=NOW)

    assert act.done and act.item_ids == tuple(item_id(store, s) for s in (ians, pti, ani))
    assert act.takedown == takedowns.Takedown(story, NOW, EDITOR, "court order")
    assert everywhere(store) == {other}
    reader = PublicReader(store)
    assert [reader.copy_status(s, NOW) for s in (ians, pti, ani)] == [public.WITHDRAWN] * 3
    assert reader.copy_status(other, NOW) == public.PUBLIC
    # every cached page that showed any copy of it is told at once
    [tags] = heard
    assert {f"copy:{s}" for s in (ians, pti, ani)} | {"home@hi", f"story:{story}"} <= tags
    for s in (ians, pti, ani):
        [entry] = operator.audit_entries(store, item_id(store, s))[-1:]
        assert (entry.action, entry.actor, entry.reason) == (
            "story taken down",
            EDITOR,
            "court order",
        )
        [row] = operator.copy_statuses(store, item_id=item_id(store, s))
        assert (row.state, row.withdrawn_reason, row.withdrawn_by) == (
            "withdrawn",
            "court order",
            EDITOR,
        )
    assert operator.copy_statuses(store, item_id=item_id(store, other))[0].state == "published"


def test_a_second_takedown_changes_nothing_and_keeps_the_first_reason(store: Database) -> None:
    ians, _, _ = three_wires(store)
    story = story_of(store, ians)
    takedowns.take_down(store, story, reason="court order", actor=EDITOR, now=NOW)
    again = takedowns.take_down(
        store, story, reason="other", actor=editorial.editor("b"), now=NOW + timedelta(hours=1)
    )
    assert not again.done
    assert again.takedown == takedowns.Takedown(story, NOW, EDITOR, "court order")
    assert len(operator.audit_entries(store, item_id(store, ians))) == 1


def test_no_agency_version_brings_a_taken_down_story_back(store: Database) -> None:
    ians, pti, _ = three_wires(store)
    takedowns.take_down(store, story_of(store, ians), reason="wrong", actor=EDITOR, now=NOW)
    save(store, "pti", "p1", 40, headline="नया संस्करण")  # the agency updates its copy
    save(store, "ians", "i1", 41, headline="नया संस्करण")
    assert everywhere(store) == set()
    assert PublicReader(store).copy_status(pti, NOW) == public.WITHDRAWN


def test_a_copy_that_joins_a_taken_down_story_is_stored_never_public_and_says_why(
    store: Database,
) -> None:
    ians, pti, ani = three_wires(store)
    story = story_of(store, ians)
    takedowns.take_down(store, story, reason="harmful", actor=EDITOR, now=NOW)
    late = save(store, "uni", "u1", 60)
    assert everywhere(store) == {late}  # alone, before grouping finds its story

    heard: list[frozenset[str]] = []
    store.on_change(heard.append)
    group(store, ians, late)

    assert everywhere(store) == set()
    assert story_of(store, late) == story
    [row] = operator.copy_statuses(store, item_id=item_id(store, late))
    assert (row.state, row.withdrawn_reason) == ("withdrawn", "harmful")
    [entry] = operator.audit_entries(store, item_id(store, late))
    assert (entry.action, entry.actor) == ("joined a taken-down story", "syndication")
    assert entry.reason == (
        f"story {story} was taken down by {EDITOR} at {NOW:%Y-%m-%d %H:%M} UTC: harmful"
    )
    assert f"copy:{late}" in heard[0] and "home@hi" in heard[0]  # its edition's lists
    for s in (pti, ani):  # the copies already down say nothing new
        assert [e.action for e in operator.audit_entries(store, item_id(store, s))] == [
            "story taken down"
        ]


@pytest.mark.parametrize("down", ["older", "newer"])
def test_a_merge_with_a_taken_down_story_keeps_the_one_story_down(
    store: Database, down: str
) -> None:
    a, a2 = save(store, "ians", "i1", 0), save(store, "pti", "p1", 1)
    b, b2 = save(store, "ani", "a1", 2), save(store, "uni", "u1", 3)
    group(store, a, a2)
    group(store, b, b2)
    older, newer = story_of(store, a), story_of(store, b)
    assert older < newer
    taken, up = (older, (b, b2)) if down == "older" else (newer, (a, a2))
    takedowns.take_down(store, taken, reason="legal", actor=EDITOR, now=NOW)
    assert everywhere(store) == set(up)

    sg.apply(store, GroupingPlan(merges=[(item_id(store, a), item_id(store, b), "x")]), NOW)

    assert {story_of(store, s) for s in (a, a2, b, b2)} == {older}
    assert everywhere(store) == set()
    down_now = takedowns.takedown_of(store, older)
    assert down_now is not None and (down_now.by, down_now.reason) == (EDITOR, "legal")
    for s in up:
        entries = operator.audit_entries(store, item_id(store, s))
        assert "joined a taken-down story" in [e.action for e in entries]
    with store.engine.connect() as conn:
        assert conn.execute(select(stories.c.id)).scalars().all() == [older]


def test_a_lone_taken_down_copy_moved_into_another_story_takes_the_takedown_along(
    store: Database,
) -> None:
    """Grouping matches a copy alone in its story again when its text changes; the takedown
    must not be lost with the emptied story."""
    lone = save(store, "ians", "i1", 0)
    a, a2 = save(store, "pti", "p1", 1), save(store, "ani", "a1", 2)
    group(store, a, a2)
    takedowns.take_down(store, story_of(store, lone), reason="legal", actor=EDITOR, now=NOW)

    sg.apply(store, GroupingPlan(joins=[(item_id(store, lone), item_id(store, a))]), NOW)

    assert everywhere(store) == set()
    assert takedowns.takedown_of(store, story_of(store, a)) is not None


def test_restore_brings_the_story_back_but_not_a_copy_killed_on_its_own(store: Database) -> None:
    ians, pti, ani = three_wires(store)
    story = story_of(store, ians)
    assert editorial.kill(store, item_id(store, ians), reason="one", actor=EDITOR, now=NOW)
    takedowns.take_down(store, story, reason="legal", actor=EDITOR, now=NOW)
    assert everywhere(store) == set()

    act = takedowns.restore(store, story, reason="cleared", actor=EDITOR, now=NOW)

    assert act.done
    assert everywhere(store) == {pti, ani}
    assert listed(store) == [pti]  # the killed lead's place is taken by the next copy
    assert PublicReader(store).copy_status(ians, NOW) == public.TAKEN_DOWN
    [entry] = operator.audit_entries(store, item_id(store, pti))[-1:]
    assert (entry.action, entry.reason) == ("story restored", "cleared")
    assert takedowns.takedown_of(store, story) is None
    late = save(store, "uni", "u1", 60)
    group(store, ians, late)
    assert late in everywhere(store)  # a copy joining it now is public as any other
    assert not takedowns.restore(store, story, reason="x", actor=EDITOR, now=NOW).done


def test_a_story_is_found_by_its_id_or_any_copy(store: Database) -> None:
    ians, pti, _ = three_wires(store)
    story = story_of(store, ians)
    path = operator.copy_statuses(store, item_id=item_id(store, pti))[0].path
    for ref in (f"story:{story}", str(story), f" {story} ", ians, "pti:p1", path):
        assert takedowns.find_story(store, ref) == story, ref
    for ref in ("story:99999", "99999", "nothing", "story:x"):
        assert takedowns.find_story(store, ref) is None, ref


def test_a_copy_joining_while_the_takedown_runs_is_not_missed(store: Database) -> None:
    """Grouping's transaction has joined a new copy to the story but not committed when the
    editor takes the story down: the takedown waits for it and takes the new copy down too
    (without the story's lock it read the members before the join and left the copy up)."""
    ians, _, _ = three_wires(store)
    story = story_of(store, ians)
    late = save(store, "uni", "u1", 60)
    plan = GroupingPlan(joins=[(item_id(store, late), item_id(store, ians))])
    done: list[takedowns.StoryAct] = []
    with store.engine.begin() as conn:
        begin_write(conn)  # as ingest's transactions do
        sg.apply_in(conn, store, plan, NOW)
        worker = threading.Thread(
            target=lambda: done.append(
                takedowns.take_down(store, story, reason="legal", actor=EDITOR, now=NOW)
            )
        )
        worker.start()
        worker.join(timeout=1.0)
        assert worker.is_alive()  # waiting for the join to commit
    worker.join(timeout=30)
    assert not worker.is_alive()
    [act] = done
    assert item_id(store, late) in act.item_ids
    assert everywhere(store) == set()
    assert operator.copy_statuses(store, item_id=item_id(store, late))[0].state == "withdrawn"


def test_a_copy_joining_while_a_takedown_is_being_written_sees_it(
    store: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other order: the takedown has written the story's row but not committed when
    grouping joins a new copy to it; grouping waits and reads the takedown (without the share
    lock it read the story as up, and the copy stayed public)."""
    ians, _, _ = three_wires(store)
    story = story_of(store, ians)
    late = save(store, "uni", "u1", 60)
    written, go_on = threading.Event(), threading.Event()
    refreshed = takedowns._refreshed

    def slow(conn: Connection, db: Database, story_id: int, now: datetime) -> set[str]:
        written.set()
        assert go_on.wait(30)
        return refreshed(conn, db, story_id, now)

    monkeypatch.setattr(takedowns, "_refreshed", slow)
    editor = threading.Thread(
        target=lambda: takedowns.take_down(store, story, reason="legal", actor=EDITOR, now=NOW)
    )
    editor.start()
    assert written.wait(30)

    def join() -> None:
        with store.engine.begin() as conn:
            begin_write(conn)
            plan = GroupingPlan(joins=[(item_id(store, late), item_id(store, ians))])
            sg.apply_in(conn, store, plan, NOW)

    grouping = threading.Thread(target=join)
    grouping.start()
    grouping.join(timeout=1.0)
    assert grouping.is_alive()  # waiting for the takedown
    go_on.set()
    editor.join(timeout=30)
    grouping.join(timeout=30)
    assert not editor.is_alive() and not grouping.is_alive()
    assert story_of(store, late) == story
    assert everywhere(store) == set()
    [entry] = operator.audit_entries(store, item_id(store, late))
    assert entry.action == "joined a taken-down story"
