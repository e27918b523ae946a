"""Time sanity: a source's times that cannot be true are forgotten, so the story is dated by its
arrival; an embargo is the agency's word and is kept however far away it is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from wiredesk.model import Hop, Item
from wiredesk.pipeline import StageContext, process
from wiredesk.pipeline.time_sanity import forget_unbelievable_times

ARRIVED = datetime(2024, 2, 5, 9, 30, tzinfo=UTC)
CTX = StageContext("IANS", "news", "hi", received_at=ARRIVED)
END_OF_TIME = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
BODY = "<p>नई दिल्ली, 5 फरवरी (आईएएनएस)। सरकार ने नई नीति की घोषणा की।</p>"


def _item(**fields: object) -> Item:
    return Item(guid="g", headline="नई नीति", body_html=BODY, **fields)  # type: ignore[arg-type]


def test_a_version_dated_9999_loses_its_publish_and_update_times() -> None:
    out = process(_item(published_at=END_OF_TIME, updated_at=END_OF_TIME), CTX)
    assert (out.published_at, out.updated_at) == (None, None)


def test_believable_times_are_kept_including_a_clock_a_few_hours_fast() -> None:
    published = ARRIVED - timedelta(hours=3)
    fast_clock = ARRIVED + timedelta(hours=23)
    out = process(_item(published_at=published, updated_at=fast_clock), CTX)
    assert (out.published_at, out.updated_at) == (published, fast_clock)


def test_a_time_more_than_a_day_after_arrival_is_forgotten() -> None:
    out = process(_item(updated_at=ARRIVED + timedelta(days=1, minutes=1)), CTX)
    assert out.updated_at is None


def test_a_hop_dated_0999_loses_its_time_and_the_other_hops_keep_theirs() -> None:
    sent = ARRIVED - timedelta(minutes=5)
    hops = [
        Hop("originator", "चाइना मीडिया ग्रुप", time=datetime(999, 12, 31, tzinfo=UTC)),
        Hop("distributor", "IANS", time=sent),
    ]
    parsed = _item(provenance=hops)
    out = process(parsed, CTX)
    assert [(h.name, h.time) for h in out.provenance] == [
        ("चाइना मीडिया ग्रुप", None),
        ("IANS", sent),
    ]
    # the parsed item (kept for quarantine) still says what the source sent
    assert parsed.provenance[0].time == datetime(999, 12, 31, tzinfo=UTC)


def test_an_embargo_far_in_the_future_stays() -> None:
    embargo = datetime(9000, 1, 1, tzinfo=UTC)
    out = process(_item(embargo_until=embargo, published_at=END_OF_TIME), CTX)
    assert out.embargo_until == embargo
    assert out.published_at is None


def test_without_an_arrival_time_nothing_is_forgotten() -> None:
    item = _item(published_at=END_OF_TIME, provenance=[Hop("hop", "x", time=END_OF_TIME)])
    no_arrival = StageContext("IANS", "news", "hi")
    assert forget_unbelievable_times(item, no_arrival) is item


def test_a_time_without_a_zone_is_left_for_the_store_to_refuse_by_name() -> None:
    naive = datetime(9999, 1, 1)
    out = process(_item(updated_at=naive), CTX)
    assert out.updated_at == naive
