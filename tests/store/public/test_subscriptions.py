"""The API's reads on the real store (SQLite and PostgreSQL): which take-downs a subscriber
hears of, what `updated_since` catches, and stories' copies in the gate's lead order."""

from __future__ import annotations

from datetime import timedelta

from tests.store.store_support import NOW, T0, group, item_id, save, three_wires
from wiredesk.model import PubStatus, Signal
from wiredesk.store.database import Database
from wiredesk.store.ledger import editorial, takedowns, visibility
from wiredesk.store.public.gate import DuplicatePolicy
from wiredesk.store.public.reader import PublicReader
from wiredesk.store.public.subscriptions import Filters, SubscriberReader


def reads(store: Database) -> SubscriberReader:
    return SubscriberReader(PublicReader(store))


def listed(store: Database, flt: Filters | None = None) -> dict[str, bool]:
    found, _ = reads(store).copies(NOW, flt or Filters(), limit=100)
    return {c.copy.short_id: c.canceled for c in found}


def test_only_copies_the_public_saw_are_named_when_taken_down(store: Database) -> None:
    seen = save(store, "ians", "seen", 0)
    editorial.kill(store, item_id(store, seen), reason="r", actor="editor a", now=NOW)
    # embargoed past its kill: never public
    early = save(store, "ians", "early", 5, embargo_until=NOW + timedelta(hours=1))
    editorial.kill(store, item_id(store, early), reason="r", actor="editor a", now=NOW)
    # withdrawn by the agency after publication
    agency = save(store, "pti", "agency", 10)
    save(store, "pti", "agency", 30, signals=[Signal.KILL], version=2)
    assert listed(store) == {seen: True, agency: True}
    assert listed(store, Filters(state="usable")) == {}
    assert reads(store).copy(early, NOW) is None
    found = reads(store).copy(seen, NOW)
    assert found is not None and found.canceled and found.by_editor
    agency_copy = reads(store).copy(agency, NOW)
    assert agency_copy is not None and agency_copy.canceled and not agency_copy.by_editor


def test_updated_since_catches_updates_kills_and_lifted_embargoes(store: Database) -> None:
    old = save(store, "ians", "old", 0)
    updated = save(store, "ians", "upd", 1)
    save(store, "ians", "upd", 60, version=2, headline="नया", updated_at=T0 + timedelta(minutes=60))
    killed = save(store, "ians", "kil", 2)
    editorial.kill(
        store, item_id(store, killed), reason="r", actor="editor a", now=T0 + timedelta(minutes=70)
    )
    lifted = save(store, "ians", "emb", 3, embargo_until=T0 + timedelta(minutes=80))
    since = Filters(updated_since=T0 + timedelta(minutes=30))
    assert set(listed(store, since)) == {updated, killed, lifted}
    assert old in listed(store)
    withheld = save(store, "ians", "wh", 4)
    save(store, "ians", "wh", 90, version=2, pub_status=PubStatus.WITHHELD)
    assert withheld not in listed(store)  # withheld is neither usable nor taken down


def test_a_storys_copies_come_in_the_gates_lead_order(store: Database) -> None:
    ians, pti, ani = three_wires(store)
    story = reads(store).stories(NOW, Filters(), limit=10)[0]
    assert [s.lead.copy.short_id for s in story] == [ians]
    assert [c.copy.short_id for c in story[0].copies] == [ians, pti, ani]
    visibility.adopt_policy(store, DuplicatePolicy(mode="link", preferred_sources=("ani",)))
    again = reads(store).stories(NOW, Filters(), limit=10)[0]
    assert [c.copy.short_id for c in again[0].copies] == [ani, ians, pti]
    sid = again[0].story_id
    scoped = reads(store).story(sid, NOW, frozenset({"pti"}))
    assert scoped is not None and [c.copy.short_id for c in scoped.copies] == [pti]
    assert reads(store).story(sid, NOW, frozenset()) is None
    other = save(store, "ians", "alone", 40)
    group(store, other)
    assert len(reads(store).stories(NOW, Filters(), limit=10)[0]) == 2


def test_a_story_the_editors_took_down_is_named_as_taken_down(store: Database) -> None:
    ians, pti, ani = three_wires(store)
    late = save(store, "uni", "late", 200)  # arrives after the takedown below
    story = takedowns.story_of_copy(store, item_id(store, ians))
    takedowns.take_down(
        store, story, reason="legal", actor="editor a", now=NOW - timedelta(hours=1)
    )
    group(store, ians, late)
    assert listed(store) == {ians: True, pti: True, ani: True}
    assert listed(store, Filters(state="canceled")) == {ians: True, pti: True, ani: True}
    assert listed(store, Filters(state="usable")) == {}
    found = reads(store).copy(pti, NOW)
    assert found is not None and found.canceled and found.withdrawn and found.by_editor
    assert found.killed_at == NOW - timedelta(hours=1)
    assert reads(store).copy(late, NOW) is None  # the public never saw it
    since = Filters(updated_since=NOW - timedelta(hours=1, minutes=30))
    assert set(listed(store, since)) == {ians, pti, ani}
    assert listed(store, Filters(updated_since=NOW - timedelta(minutes=30))) == {}
    takedowns.restore(store, story, reason="x", actor="editor a", now=NOW)
    assert listed(store) == {ians: False, pti: False, ani: False}  # usable again
