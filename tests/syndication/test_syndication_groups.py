"""The index's groups and arrival horizon: what grouping needs so that neither arrival order
nor a restart decides which copies form a story."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests import fixture_files
from wiredesk.syndication.engine import Fingerprint, SyndicationIndex, fingerprint

HEADLINE = "शी चिनफिंग ने कजाकिस्तान के राष्ट्रपति तोकायेव से मुलाकात की"
DATED = datetime(2022, 2, 5, 12, 0, tzinfo=UTC)  # the copies' own date
ARRIVED = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
H = timedelta(hours=1)
STORY = [s for s in fixture_files.SEED.read_text(encoding="utf-8").splitlines() if s.strip()][:5]


def fp(paragraphs: list[str], headline: str = HEADLINE) -> Fingerprint:
    return fingerprint(headline, "\n\n".join(paragraphs), "hi")


def test_a_copy_holding_two_stories_matches_both_once_each() -> None:
    """The first part and the last part of a story share one paragraph, too little to be
    one story; the whole story holds each. `match()` names one; `matches()` names a copy of
    each group, and only one of a group however many of its copies match."""
    index = SyndicationIndex()
    index.add("a-1", fp(STORY[:3]), DATED, group=10)
    index.add("a-2", fp(STORY[:3]), DATED, group=10)
    index.add("c-1", fp(STORY[2:]), DATED, group=20)
    assert index.matches(fp(STORY[2:]), DATED)[0].key == "c-1"
    assert not any(m.group == 20 for m in index.matches(fp(STORY[:3]), DATED))
    found = index.matches(fp(STORY), DATED + H)
    assert sorted(m.group for m in found) == [10, 20]  # type: ignore[type-var]
    assert all(m.reason for m in found)


def test_merged_groups_answer_as_the_smaller_one() -> None:
    index = SyndicationIndex()
    index.add("a-1", fp(STORY[:3]), DATED, group=10)
    index.add("c-1", fp(STORY[2:]), DATED, group=20)
    # another story, under its own headline (a one-paragraph item under the story's very
    # headline would be its teaser)
    other = fp(["कुछ और खबर है। बिल्कुल अलग।"], "नगर निगम ने नई बस सेवा शुरू की")
    index.add("x", other, DATED, group=5)
    assert index.merge_groups(20, 10) == 10
    assert index.group_of("c-1") == index.group_of("a-1") == 10
    assert [m.group for m in index.matches(fp(STORY), DATED)] == [10]
    assert index.merge_groups(10, 5) == 5 and index.group_of("c-1") == 5
    assert index.group_of("unknown") is None


def test_copies_are_forgotten_by_arrival_whatever_their_own_date() -> None:
    """A copy dated years ago that arrived an hour ago is kept; one that arrived before
    the horizon is forgotten, and one added with such an arrival is not kept at all, as an
    index rebuilt from the store would not load it."""
    index = SyndicationIndex()
    index.add("early", fp(STORY), DATED, arrived_at=ARRIVED)
    index.add("late", fp(STORY[:4]), DATED, arrived_at=ARRIVED + 10 * H)
    index.add("timeless", fp(STORY[1:]), DATED)  # no arrival: never forgotten by it
    assert index.forget_arrived_before(ARRIVED + H) == 1
    assert index.group_of("early") is None and len(index) == 2
    assert index.matches(fp(STORY), DATED + H)  # the old date does not matter
    assert index.forget_arrived_before(ARRIVED) == 0  # the horizon does not move back
    index.add("reprocessed", fp(STORY[:2]), DATED, arrived_at=ARRIVED)
    assert index.group_of("reprocessed") is None
    assert index.forget_arrived_before(ARRIVED + 11 * H) == 1
    assert len(index) == 1 and index.group_of("timeless") is not None
