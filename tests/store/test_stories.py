"""Stories in the store: membership, the lead the gate picks at query time, the duplicates
policy in the one visibility gate, originators, persisted fingerprints. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from importlib import resources
from itertools import count

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import select, text

from wiredesk.model import Envelope, Item, Transport
from wiredesk.store import Store, make_engine
from wiredesk.store import stories as sg
from wiredesk.store.schema import items, stories
from wiredesk.store.visibility import DuplicatePolicy

T0 = datetime(2026, 2, 5, 10, 0, tzinfo=UTC)
NOW = T0 + timedelta(hours=3)
_payloads = count()


def save(store: Store, source: str, guid: str, minutes: int, **kw: object) -> str:
    env_id, _ = store.record_envelope(
        Envelope(source, f"p{next(_payloads)}".encode(), Transport.PUSH, "push")
    )
    item = Item(
        guid=guid,
        headline=kw.pop("headline", f"ख़बर {guid}"),  # type: ignore[arg-type]
        body_html="<p>पाठ।</p>",
        body_text="पाठ।",
        slug=f"khabar-{guid}",
        section="desh",
        language="hi",
        published_at=T0 + timedelta(minutes=minutes),
        **kw,  # type: ignore[arg-type]
    )
    [out] = store.save_items(source, [item], env_id, now=T0 + timedelta(minutes=minutes + 1))
    return out.short_id


def item_id(store: Store, short_id: str) -> int:
    found = store.find_item(short_id)
    assert found is not None
    return found


def group(store: Store, *short_ids: str) -> None:
    """Put the items in the first one's story, as the syndication step does on a match."""
    first = item_id(store, short_ids[0])
    with store.engine.begin() as conn:
        for sid in short_ids[1:]:
            sg.attach(conn, item_id(store, sid), first, store.duplicates, NOW)


def listed(store: Store, **kw: object) -> list[str]:
    return [s.short_id for s in store.list_stories(NOW, **kw)]  # type: ignore[arg-type]


@pytest.fixture
def three(store: Store) -> tuple[str, str, str]:
    """IANS first, then PTI, then ANI: one story from three wires."""
    ians = save(store, "ians", "i1", 0)
    pti = save(store, "pti", "p1", 10)
    ani = save(store, "ani", "a1", 20)
    group(store, ians, pti, ani)
    return ians, pti, ani


def test_every_item_starts_a_story_of_its_own(store: Store) -> None:
    a, b = save(store, "ians", "i1", 0), save(store, "pti", "p1", 5)
    rows = {r.short_id: r for r in sg.story_rows(store, NOW)}
    assert rows[a].story_id is not None and rows[b].story_id is not None
    assert rows[a].story_id != rows[b].story_id
    assert rows[a].lead_path == rows[a].path
    assert sorted(listed(store)) == sorted([a, b])


def test_grouped_copies_share_one_story_and_its_emptied_story_is_removed(
    store: Store, three: tuple[str, str, str]
) -> None:
    ians = three[0]
    rows = {r.short_id: r for r in sg.story_rows(store, NOW)}
    assert len({r.story_id for r in rows.values()}) == 1
    assert {r.lead_path for r in rows.values()} == {rows[ians].path}
    with store.engine.connect() as conn:
        assert conn.execute(select(stories.c.id)).scalars().all() == [rows[ians].story_id]
        assert conn.execute(select(stories.c.lead_item_id)).scalar() == item_id(store, ians)


@pytest.mark.parametrize("mode", ["link", "suppress", "publish"])
def test_the_gate_applies_the_policy_to_lists_pages_and_sections(
    store: Store, three: tuple[str, str, str], mode: str
) -> None:
    ians, pti, ani = three
    store.duplicates = DuplicatePolicy(mode)
    expected_list = [ians] if mode != "publish" else [ani, pti, ians]
    assert listed(store) == expected_list
    assert store.count_stories(NOW) == len(expected_list)
    assert store.sections(NOW) == [("desh", len(expected_list))]
    for copy in (pti, ani):
        public = store.get_article(copy, NOW) is not None
        assert public is (mode != "suppress")
        assert store.article_status(copy, NOW) == ("duplicate" if mode == "suppress" else "public")
    assert sg.lead_path(store, pti, NOW) == f"/desh/khabar-i1-{ians}"


def test_a_preferred_source_leads_even_when_it_is_later(
    store: Store, three: tuple[str, str, str]
) -> None:
    ani = three[2]
    store.duplicates = DuplicatePolicy("link", ("ani", "pti"))
    assert listed(store) == [ani]
    [members] = sg.public_members(store, [store.list_stories(NOW)[0].story_id or 0], NOW).values()
    assert [m.source_id for m in members] == ["ani", "pti", "ians"]


def test_killing_the_lead_promotes_the_next_member_at_once(
    store: Store, three: tuple[str, str, str]
) -> None:
    ians, pti, ani = three
    store.duplicates = DuplicatePolicy("suppress")
    store.kill(item_id(store, ians), reason="legal", actor="editor asha", now=NOW)
    assert listed(store) == [pti]
    assert store.article_status(ians, NOW) == "killed"
    assert store.article_status(pti, NOW) == "public"
    assert store.article_status(ani, NOW) == "duplicate"
    assert sg.lead_path(store, ani, NOW) == f"/desh/khabar-p1-{pti}"
    story = store.list_stories(NOW)[0]
    also = sg.also_reported_many(store, [story], NOW)[pti]
    assert [m.source_id for m in also] == ["ani"]  # the killed copy is not named


def test_an_embargoed_preferred_copy_leaves_the_story_to_another_until_it_lifts(
    store: Store,
) -> None:
    lift = NOW + timedelta(hours=1)
    preferred = save(store, "ians", "i1", 0, embargo_until=lift)
    other = save(store, "pti", "p1", 10)
    group(store, preferred, other)
    store.duplicates = DuplicatePolicy("suppress", ("ians",))
    assert listed(store) == [other]
    assert store.article_status(other, NOW) == "public"
    after = lift + timedelta(minutes=1)  # no job runs: the gate asks the clock
    assert [s.short_id for s in store.list_stories(after)] == [preferred]
    assert store.article_status(other, after) == "duplicate"


def test_originator_filter_matches_the_devanagari_name_as_written(store: Store) -> None:
    credited = save(store, "ians", "i1", 0, originator="चाइना मीडिया ग्रुप, पेइचिंग")
    save(store, "ians", "i2", 5, originator="ऑल इंडिया रेडियो")
    save(store, "pti", "p1", 6)
    assert listed(store, originator="चाइना  मीडिया ग्रुप, पेइचिंग") == [credited]
    assert store.count_stories(NOW, originator="चाइना मीडिया ग्रुप, पेइचिंग") == 1
    assert store.count_stories(NOW, originator="कोई और") == 0


def test_fingerprints_round_trip_as_bytes(store: Store) -> None:
    sid = save(store, "ians", "i1", 0)
    row = {"exact": "ab" * 16, "signature": b"\x01\x00\xff", "features": b"\x02", "language": "hi"}
    with store.engine.begin() as conn:
        sg.save_fingerprint(conn, item_id(store, sid), row, T0)
        sg.save_fingerprint(conn, item_id(store, sid), {**row, "exact": "cd" * 16}, T0)
    with store.engine.connect() as conn:
        loaded = sg.load_fingerprints(conn, T0 - timedelta(hours=72))
        assert sg.load_fingerprints(conn, T0 + timedelta(minutes=1)) == []
    assert loaded == [(sid, {**row, "exact": "cd" * 16}, T0)]
    assert isinstance(loaded[0][1]["signature"], bytes)


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
