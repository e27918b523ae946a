from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import event

from tests.store.store_support import T0, envelope, wire_item
from wiredesk.store.database import Database
from wiredesk.store.ledger import copies, editorial
from wiredesk.store.public.reader import CopyCache, Cursor, PublicReader, Scope


def test_lists_filter_by_section_and_source_and_paginate(store: Database) -> None:
    env = envelope(store)
    batch = [
        wire_item(guid=f"g{i}", headline=f"h{i}", published_at=T0 + timedelta(minutes=i))
        for i in range(5)
    ]
    for i, it in enumerate(batch):
        it.section = "khel" if i % 2 else "desh"
    copies.save(store, "ians", batch, env, now=T0 + timedelta(hours=1))
    now = T0 + timedelta(hours=2)
    reader = PublicReader(store)
    first = reader.page(now, size=2)
    assert [s.headline for s in first.copies] == ["h4", "h3"]
    second = reader.page(now, size=2, after=first.older)
    assert [s.headline for s in second.copies] == ["h2", "h1"]
    last = reader.page(now, size=2, after=second.older)
    assert [s.headline for s in last.copies] == ["h0"] and last.older is None
    assert second.older is not None and Cursor.parse(second.older.token()) == second.older
    assert len(reader.list_copies(now, section="khel", limit=10**6)) == 2
    assert len(reader.list_copies(now, source_id="ians", limit=10**6)) == 5
    assert not reader.has_copies(now, Scope(source_id="pti"))
    assert reader.nav_sections(now) == ["desh", "khel"]


def _version_reads(store: Database, run: Callable[[], object]) -> list[int]:
    """How many version ids each read of `item_versions` by id asked for while `run` ran."""
    asked: list[int] = []

    def note(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if statement.lstrip().startswith("SELECT item_versions.id"):
            asked.append(len(params) if isinstance(params, (list, tuple, dict)) else 1)

    event.listen(store.reader_engine, "before_cursor_execute", note)
    try:
        run()
    finally:
        event.remove(store.reader_engine, "before_cursor_execute", note)
    return asked


def _numbered(store: Database, count: int) -> int:
    """Copies h0… h{count-1}, a minute apart, saved in one payload; returns the payload."""
    env = envelope(store)
    batch = [
        wire_item(guid=f"g{i}", headline=f"h{i}", published_at=T0 + timedelta(minutes=i))
        for i in range(count)
    ]
    copies.save(store, "ians", batch, env, now=T0 + timedelta(hours=1))
    return env


def test_a_list_read_again_reads_only_the_versions_it_has_not_seen(store: Database) -> None:
    """After one new copy, a feed of many reads one body, not all of them again."""
    env = _numbered(store, 30)
    reader = PublicReader(store)
    now = T0 + timedelta(hours=2)
    assert len(reader.list_copies(now, limit=100)) == 30
    copies.save(
        store,
        "ians",
        [wire_item(guid="new", headline="नई", published_at=T0 + timedelta(minutes=50))],
        env,
        now=T0 + timedelta(hours=1, minutes=30),
    )
    got: list[Any] = []
    asked = _version_reads(store, lambda: got.extend(reader.list_copies(now, limit=100)))
    assert [c.headline for c in got[:2]] == ["नई", "h29"] and len(got) == 31
    assert asked == [1]  # the new copy's version only
    assert _version_reads(store, lambda: reader.page(now, size=20)) == []  # all known


def test_a_cached_copy_is_never_shown_after_it_changed(store: Database) -> None:
    """A new version, a kill, a move: the copy's own row reads differently, so the list shows
    the copy as it is now, not as it was first read."""
    env = envelope(store)
    copies.save(store, "ians", [wire_item(guid="a", headline="पहला")], env, now=T0)
    [b] = copies.save(store, "ians", [wire_item(guid="b", headline="दूसरा")], env, now=T0)
    reader = PublicReader(store)
    now = T0 + timedelta(hours=2)
    assert {c.headline for c in reader.list_copies(now, limit=10)} == {"पहला", "दूसरा"}
    updated = wire_item(guid="a", headline="पहला, बदला", updated_at=T0 + timedelta(minutes=5))
    copies.save(store, "ians", [updated], env, now=T0 + timedelta(minutes=5))
    assert b.facts is not None
    editorial.kill(store, b.facts.id, reason="wrong", actor="desk")
    assert [c.headline for c in reader.list_copies(now, limit=10)] == ["पहला, बदला"]


def test_the_copy_cache_keeps_at_most_its_size_and_forgets_the_least_read(store: Database) -> None:
    """A long-running site reads many lists; what it keeps of them is bounded."""
    _numbered(store, 5)
    reader = PublicReader(store)
    reader.copies = CopyCache(size=3)
    now = T0 + timedelta(hours=2)
    assert [c.headline for c in reader.list_copies(now, limit=5)] == [
        f"h{i}" for i in range(4, -1, -1)
    ]
    assert len(reader.copies._kept) == 3  # the three read last: h2, h1, h0
    asked = _version_reads(store, lambda: reader.list_copies(now, limit=2))  # h4, h3: forgotten
    assert asked == [2]


def _in_sections(store: Database) -> None:
    """h0… h9 a minute apart, alternately in "desh" and "khel"; h5 (khel) killed."""
    env = envelope(store)
    batch = [
        wire_item(guid=f"g{i}", headline=f"h{i}", published_at=T0 + timedelta(minutes=i))
        for i in range(10)
    ]
    for i, it in enumerate(batch):
        it.section = "khel" if i % 2 else "desh"
    saved = copies.save(store, "ians", batch, env, now=T0 + timedelta(hours=1))
    killed = editorial.find_copy(store, saved[5].short_id)
    assert killed is not None
    editorial.kill(store, killed, reason="legal", actor="editor t", now=T0)


def test_a_front_page_reads_a_few_listed_copies_of_each_section(store: Database) -> None:
    _in_sections(store)
    reader = PublicReader(store)
    lists = reader.section_lists(T0 + timedelta(hours=2), {"desh": 2, "khel": 3, "arthik": 2})
    assert {s: [c.headline for c in cs] for s, cs in lists.items()} == {
        "desh": ["h8", "h6"],
        "khel": ["h9", "h7", "h3"],  # h5 was killed
        "arthik": [],
    }
    # what the gate hides at that moment stays hidden: h8 and h9 are not published yet
    early = reader.section_lists(T0 + timedelta(minutes=7, seconds=30), {"khel": 2})
    assert [c.headline for c in early["khel"]] == ["h7", "h3"]
    assert reader.section_lists(T0, {"khel": 0}) == {}


def test_a_copy_s_neighbours_are_its_section_s_copies_either_side_of_it(store: Database) -> None:
    _in_sections(store)
    reader = PublicReader(store)
    now = T0 + timedelta(hours=2)
    [h3] = [c for c in reader.list_copies(now, section="khel", limit=10) if c.headline == "h3"]
    near = reader.around(now, h3, older=5, newer=1)
    assert [c.headline for c in near] == ["h7", "h1"]  # newest first; h5 killed, h9 too far
    assert [c.headline for c in reader.around(now, h3, older=0, newer=5)] == ["h9", "h7"]
    [h9] = reader.list_copies(now, section="khel", limit=1)
    assert [c.headline for c in reader.around(now, h9, older=2, newer=3)] == ["h7", "h3"]


def test_an_editions_lists_hold_only_its_language(store: Database) -> None:
    """Every list, its probe, the navigation and the sitemaps read one language's copies when
    asked: an English copy is on no Hindi list and a Hindi copy on no English one."""
    env = envelope(store)
    batch = [
        wire_item(guid=f"g{i}", headline=f"h{i}", published_at=T0 + timedelta(minutes=i))
        for i in range(6)
    ]
    for i, it in enumerate(batch):
        it.language = "en" if i % 3 == 0 else "hi"
        it.section = "khel" if i < 3 else "desh"
    copies.save(store, "ians", batch, env, now=T0 + timedelta(hours=1))
    now = T0 + timedelta(hours=2)
    reader = PublicReader(store)

    def heads(**kw: Any) -> list[str]:
        return [c.headline for c in reader.list_copies(now, limit=100, **kw)]

    assert heads(language="hi") == ["h5", "h4", "h2", "h1"]
    assert heads(language="en") == ["h3", "h0"]
    assert heads(language="en", section="khel") == ["h0"]
    assert heads(language="en", source_id="ians") == ["h3", "h0"]
    assert heads() == ["h5", "h4", "h3", "h2", "h1", "h0"]  # every language: operators
    page = reader.page(now, Scope(language="en"), size=1)
    assert [c.headline for c in page.copies] == ["h3"]
    after = reader.page(now, Scope(language="en"), size=1, after=page.older)
    assert [c.headline for c in after.copies] == ["h0"]
    assert reader.has_copies(now, Scope(section="desh", language="en"))
    assert not reader.has_copies(now, Scope(section="desh", language="mr"))
    assert reader.nav_sections(now, "en") == ["desh", "khel"]
    assert reader.nav_sections(now, "en", among=["khel"]) == ["khel"]
    assert reader.nav_sections(now, "mr") == []
    assert {e.language for e in reader.recent_for_news(now, T0, 100, "en")} == {"en"}
    assert len(reader.recent_for_news(now, T0, 100, "en")) == 2
    [month] = reader.sitemap_months(now, "en")
    assert reader.month_files(now, month, 1000, 40, "en") == 1
    assert len(reader.sitemap_month(now, month, skip=0, limit=1000, language="en")) == 2
    assert reader.sitemap_months(now, "mr") == []
