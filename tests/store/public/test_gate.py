"""Stories in the store: membership, the lead the gate picks at query time, the duplicates
policy in the one visibility gate, originators, persisted fingerprints. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.store.store_support import NOW, group, item_id, listed, save, three_wires
from wiredesk.store.database import Database
from wiredesk.store.ledger import editorial, visibility
from wiredesk.store.public.gate import DuplicatePolicy
from wiredesk.store.public.reader import PublicReader, Scope


@pytest.fixture
def three(store: Database) -> tuple[str, str, str]:
    return three_wires(store)


@pytest.mark.parametrize("mode", ["link", "suppress", "publish"])
def test_the_gate_applies_the_policy_to_lists_pages_and_sections(
    store: Database, three: tuple[str, str, str], mode: str
) -> None:
    ians, pti, ani = three
    visibility.adopt_policy(store, DuplicatePolicy(mode))
    expected_list = [ians] if mode != "publish" else [ani, pti, ians]
    assert listed(store) == expected_list
    assert len(PublicReader(store).list_copies(NOW, limit=10**6)) == len(expected_list)
    assert PublicReader(store).nav_sections(NOW) == ["desh"]
    for copy in (pti, ani):
        public = PublicReader(store).copy_detail(copy, NOW) is not None
        assert public is (mode != "suppress")
        assert PublicReader(store).copy_status(copy, NOW) == (
            "duplicate" if mode == "suppress" else "public"
        )
    assert PublicReader(store).lead_path(pti, NOW) == f"/desh/khabar-i1-{ians}"


def test_a_preferred_source_leads_even_when_it_is_later(
    store: Database, three: tuple[str, str, str]
) -> None:
    ani = three[2]
    visibility.adopt_policy(store, DuplicatePolicy("link", ("ani", "pti")))
    assert listed(store) == [ani]
    lead = PublicReader(store).list_copies(NOW)[0]
    [others] = PublicReader(store).other_copies([lead], NOW).values()
    assert [m.source_id for m in others] == ["pti", "ians"]  # preferred first, then earliest


def test_killing_the_lead_promotes_the_next_member_at_once(
    store: Database, three: tuple[str, str, str]
) -> None:
    ians, pti, ani = three
    visibility.adopt_policy(store, DuplicatePolicy("suppress"))
    editorial.kill(store, item_id(store, ians), reason="legal", actor="editor asha", now=NOW)
    assert listed(store) == [pti]
    assert PublicReader(store).copy_status(ians, NOW) == "taken down"  # by an editor
    assert PublicReader(store).copy_status(pti, NOW) == "public"
    assert PublicReader(store).copy_status(ani, NOW) == "duplicate"
    assert PublicReader(store).lead_path(ani, NOW) == f"/desh/khabar-p1-{pti}"
    story = PublicReader(store).list_copies(NOW)[0]
    also = PublicReader(store).other_copies([story], NOW)[pti]
    assert [m.source_id for m in also] == ["ani"]  # the killed copy is not named


def test_an_embargoed_preferred_copy_leaves_the_story_to_another_until_it_lifts(
    store: Database,
) -> None:
    lift = NOW + timedelta(hours=1)
    preferred = save(store, "ians", "i1", 0, embargo_until=lift)
    other = save(store, "pti", "p1", 10)
    group(store, preferred, other)
    visibility.adopt_policy(store, DuplicatePolicy("suppress", ("ians",)))
    assert listed(store) == [other]
    assert PublicReader(store).copy_status(other, NOW) == "public"
    after = lift + timedelta(minutes=1)  # no job runs: the gate asks the clock
    assert [s.short_id for s in PublicReader(store).list_copies(after)] == [preferred]
    assert PublicReader(store).copy_status(other, after) == "duplicate"


def test_originator_filter_matches_the_devanagari_name_as_written(store: Database) -> None:
    credited = save(store, "ians", "i1", 0, originator="चाइना मीडिया ग्रुप, पेइचिंग")
    save(store, "ians", "i2", 5, originator="ऑल इंडिया रेडियो")
    save(store, "pti", "p1", 6)
    assert listed(store, originator="चाइना  मीडिया ग्रुप, पेइचिंग") == [credited]
    reader = PublicReader(store)
    assert reader.has_copies(NOW, Scope(originator="चाइना मीडिया ग्रुप, पेइचिंग"))
    assert not reader.has_copies(NOW, Scope(originator="कोई और"))


@pytest.mark.parametrize("mode", ["link", "suppress"])
def test_a_story_told_in_two_languages_leads_each_language_with_its_own_copy(
    store: Database, mode: str
) -> None:
    """Each language is an edition with lists of its own: the English copy of a story is not
    kept off the English lists because a Hindi copy leads the story, nor the other way."""
    visibility.adopt_policy(store, DuplicatePolicy(mode, ("pti",)))
    ians = save(store, "ians", "i1", 0)  # Hindi, the earliest
    pti = save(store, "pti", "p1", 10, language="en", headline="Story")  # English, preferred
    ani = save(store, "ani", "a1", 20)  # Hindi
    group(store, ians, pti, ani)
    reader = PublicReader(store)
    assert listed(store, language="hi") == [ians]  # the preferred source writes no Hindi
    assert listed(store, language="en") == [pti]
    # "Also reported by" names the copies of the same language only
    [hindi] = reader.list_copies(NOW, language="hi")
    assert [m.source_id for m in reader.other_copies([hindi], NOW)[ians]] == ["ani"]
    [english] = reader.list_copies(NOW, language="en")
    assert reader.other_copies([english], NOW)[pti] == []
    # under "suppress" the Hindi duplicate redirects to the Hindi lead, and the English copy
    # is its language's lead, public
    assert reader.lead_path(ani, NOW) == f"/desh/khabar-i1-{ians}"
    assert reader.lead_path(pti, NOW) is None
    assert reader.copy_status(pti, NOW) == "public"
    assert reader.copy_status(ani, NOW) == ("duplicate" if mode == "suppress" else "public")
