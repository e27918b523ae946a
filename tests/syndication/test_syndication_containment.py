"""A portal's own lead over the wire's paragraphs (issue 14): the copy is the wire's story;
stories that share only a background paragraph, and market reports of other days, are not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from wiredesk.syndication import engine
from wiredesk.syndication import fingerprint as fpmod
from wiredesk.syndication.engine import Fingerprint, SyndicationIndex, fingerprint

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

HEADLINE = "Ashcombe council shuts Wendle bridge to lorries after cracks found"
WIRE = [
    "ASHCOMBE, March 2 (IWS) - The council of Ashcombe voted on Monday to close the Wendle "
    "bridge to lorries after engineers found cracks in four of its piers.",
    "The motion passed by 31 votes to 12, with Derek Pritchard among those against.",
    "Engineers measured cracks up to 6 millimetres wide during an inspection commissioned by "
    "Calder Freight.",
    "A full repair would cost about 18 million pounds, according to a report by Derek "
    "Pritchard. Work could not start before the autumn.",
    "Hauliers said the detour would add 14 miles to each delivery from the Calder Freight depot.",
    "Alison Halloran said buses and cars under 7 tonnes would still be allowed across.",
]
PORTAL_LEAD = "What does this mean for people in Ashcombe? Here is what we know so far."
# The paragraph one portal puts under many stories, whatever they are about.
PORTAL_BACKGROUND = (
    "Metro Wire Online brings you the stories that matter in your region, every day. Sign up "
    "for our morning briefing to get the news before your first coffee. Our reporters follow "
    "business, politics and transport across the county, and our coverage is free to read."
)
OTHER_STORIES = [
    (
        "Redbury market hall to reopen in May",
        [
            "Redbury's market hall will reopen on May 4 after a refit that cost 2 million "
            "pounds, the town council said.",
            "Traders will pay 40 pounds a week for a stall, down from 55 pounds before the refit.",
            "Morag Okafor, who chairs the traders' group, said 23 of 30 stalls were already taken.",
        ],
    ),
    (
        "Hollin Foods to add 120 jobs at Thornwick plant",
        [
            "Hollin Foods will add 120 jobs at its Thornwick plant next year, its chief "
            "executive Gareth Ashby said on Tuesday.",
            "The company will spend 9 million pounds on a second packing line at the site.",
            "Ashby said the plant's output had grown by 17 per cent in the last year.",
        ],
    ),
    (
        "Fallowmere school wins county science prize",
        [
            "Pupils at Fallowmere High won the county science prize on Wednesday for a "
            "water filter made from sand and charcoal.",
            "The team of 5 pupils beat 26 other schools, said head teacher Fiona Carrow.",
            "Their filter cleaned 40 litres of river water an hour in the final test.",
        ],
    ),
]


def _fp(headline: str, paragraphs: list[str]) -> Fingerprint:
    return fingerprint(headline, "\n\n".join(paragraphs), "en")


def _index(background_seen_under_other_stories: bool = True) -> SyndicationIndex:
    """The wire story, and (by default) three other stories a portal published with its
    background paragraph under each."""
    index = SyndicationIndex()
    index.add("wire", _fp(HEADLINE, WIRE), T0)
    if background_seen_under_other_stories:
        for n, (headline, paragraphs) in enumerate(OTHER_STORIES):
            at = T0 - timedelta(hours=5 - n)
            index.add(f"other-{n}", _fp(headline, [*paragraphs, PORTAL_BACKGROUND]), at)
    return index


def _match(index: SyndicationIndex, headline: str, paragraphs: list[str], hours: float = 3):
    return index.match(_fp(headline, paragraphs), T0 + timedelta(hours=hours))


COPIES = {
    "portal lead, two paragraphs, background": (
        f"Explainer: {HEADLINE}",
        [PORTAL_LEAD, WIRE[2], WIRE[4], PORTAL_BACKGROUND],
    ),
    "second paragraph moved up": (
        "Lorry ban on Ashcombe's Wendle bridge - here's what we know",
        [WIRE[1], WIRE[3], PORTAL_BACKGROUND],
    ),
    "portal lead over the wire's lead without its dateline": (
        f"What it means: {HEADLINE}",
        [PORTAL_LEAD, WIRE[0].split(" - ", 1)[1], WIRE[3], WIRE[5], PORTAL_BACKGROUND],
    ),
}


@pytest.mark.parametrize("name", sorted(COPIES))
def test_a_portal_rewrite_of_the_top_is_the_wire_story(name: str) -> None:
    headline, paragraphs = COPIES[name]
    m = _match(_index(), headline, paragraphs)
    assert m is not None, name
    assert m.key == "wire" and "after the lead" in m.reason


def test_the_same_without_the_c_extension(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "NATIVE", False)
    for headline, paragraphs in COPIES.values():
        m = _match(_index(), headline, paragraphs)
        assert m is not None and m.key == "wire"


def test_the_wire_finds_a_portal_copy_that_arrived_first() -> None:
    headline, paragraphs = COPIES["portal lead, two paragraphs, background"]
    index = _index()
    index.remove("wire")
    index.add("copy", _fp(headline, paragraphs), T0)
    m = _match(index, HEADLINE, WIRE)
    assert m is not None and m.key == "copy"


def test_a_background_paragraph_is_boilerplate_once_seen_under_several_stories() -> None:
    """The portal's stock paragraph is a third of this copy, between two of the wire's: until
    it has been seen under other stories it counts as text the wire lacks, after that it
    counts for nothing. (Closing the copy, it is the portal's own paragraph from the first:
    tests/syndication/test_syndication_recall.py.)"""
    headline = f"Explainer: {HEADLINE}"
    paragraphs = [PORTAL_LEAD, WIRE[2], PORTAL_BACKGROUND, WIRE[4]]
    assert _match(_index(background_seen_under_other_stories=False), headline, paragraphs) is None
    assert _match(_index(), headline, paragraphs) is not None


def test_stories_sharing_only_the_portals_background_are_apart() -> None:
    index = _index()
    headline, paragraphs = OTHER_STORIES[0]
    lead = "Good news for shoppers in Redbury, where the wait is nearly over."
    assert _match(index, f"Explainer: {headline}", [lead, *paragraphs[1:], PORTAL_BACKGROUND])
    m = _match(
        index, "Kingsholt library extends its hours", [
            "Kingsholt library will open until 8 pm on weekdays from April, the council said.",
            "The change costs 31,000 pounds a year and adds 3 staff, said Tobias Lindell.",
            PORTAL_BACKGROUND,
        ],
    )  # fmt: skip
    assert m is None


AGENCY_BACKGROUND = (
    "The Wendle bridge, built in the 1950s, is the only crossing that links Ashcombe to the "
    "county town. It has been repaired 3 times in the past 12 years."
)


def test_a_short_update_sharing_one_background_paragraph_is_another_story() -> None:
    index = SyndicationIndex()
    index.add("wire", _fp(HEADLINE, [*WIRE[:4], AGENCY_BACKGROUND, *WIRE[4:]]), T0)
    update = [
        "Temporary traffic lights will be installed on the Wendle bridge in Ashcombe from "
        "Thursday, Priya Whitlock said.",
        "Some 9 wardens will be posted at the junctions.",
        AGENCY_BACKGROUND,
    ]
    assert _match(index, "Traffic lights for Wendle bridge from Thursday", update, 20) is None


def _market(weekday: str, close: str, high: str, low: str, shares: str, fx: str) -> list[str]:
    return [
        f"The Ledger 100 closed at {close} points on {weekday}, up 0.4 per cent on the previous "
        "session.",
        f"The index moved between a high of {high} and a low of {low} during the day.",
        f"Some {shares} million shares changed hands. Traders kept an eye on the central "
        "bank's next rate decision.",
        f"The pound finished at {fx} dollars.",
        "Market figures are taken from the exchange's closing data.",
    ]


def test_market_reports_of_other_days_stay_apart_under_a_portal_lead() -> None:
    index = _index()
    monday = _market("Monday", "8412", "8460", "8377", "212", "1.093")
    tuesday = _market("Tuesday", "8440", "8471", "8398", "187", "1.097")
    index.add("monday", _fp("Ledger 100 closes at 8412", monday), T0)
    copy = ["Another day on the markets: here is how they closed.", *tuesday[1:],
            PORTAL_BACKGROUND]  # fmt: skip
    assert _match(index, "Explainer: Ledger 100 closes at 8440", copy, hours=24) is None
    index.add("tuesday", _fp("Ledger 100 closes at 8440", tuesday), T0 + timedelta(hours=24))
    m = _match(index, "Explainer: Ledger 100 closes at 8440", copy, hours=25)
    assert m is not None and m.key == "tuesday"


def test_paragraph_starts_mark_each_paragraph_after_the_first() -> None:
    paragraphs = ["The first one is here. The second one too.", "A third one came.",
                  "The fourth one is late. The fifth one never came."]  # fmt: skip
    fp = _fp("Headline", paragraphs)
    assert fpmod.unpack_features(fp.features).paragraphs == 0b01100
    assert fpmod.paragraph_bits(fp.features) == 0b01100


def test_features_stored_before_paragraphs_were_recorded_still_read() -> None:
    fp = _fp(HEADLINE, WIRE)
    n = fp.features[6] | fp.features[7] << 8
    old = fp.features[: 8 + 5 * n]
    row = {**fp.to_row(), "features": old}
    back = Fingerprint.from_row(row)
    assert fpmod.unpack_features(back.features).paragraphs is None
    index = SyndicationIndex()
    index.add("old", back, T0)
    m = index.match(fp, T0)
    assert m is not None and m.key == "old"


def test_two_portal_copies_sharing_only_stock_text_are_apart() -> None:
    """One portal's copies of two stories about one place: its stock lead, its background and
    the agency's background are most of each short copy, and none of its news."""
    index = _index()
    lead = "Ashcombe is talking about one thing this week. Here is what we know so far."
    first = [lead, "Some 40 wardens will be posted at the junctions from Friday.",
             AGENCY_BACKGROUND, PORTAL_BACKGROUND]  # fmt: skip
    second = [lead, "The bridge will be lit at night from April, Priya Whitlock said.",
              AGENCY_BACKGROUND, PORTAL_BACKGROUND]  # fmt: skip
    for n, headline in enumerate(("Wardens for Ashcombe", "Lights for Wendle bridge", "Quiz")):
        # the stock lead under other stories of the portal's, so it is known as boilerplate
        other = [lead, f"Story {n} of the week has 3{n} words in its only real paragraph here."]
        index.add(f"lead-{n}", _fp(headline, [*other, PORTAL_BACKGROUND]), T0 + timedelta(hours=n))
    index.add("first", _fp("Wardens for Ashcombe's Wendle bridge", first), T0 + timedelta(hours=4))
    assert _match(index, "Wendle bridge to be lit at night", second, hours=6) is None


# --- the lookup ingest groups with: every story a copy matches ---------------------------


def _matches(index: SyndicationIndex, headline: str, paragraphs: list[str], hours: float = 3):
    return index.matches(_fp(headline, paragraphs), T0 + timedelta(hours=hours))


@pytest.mark.parametrize("name", sorted(COPIES))
def test_grouping_s_lookup_finds_a_portal_rewrite_of_the_top_too(name: str) -> None:
    """Ingest asks `matches()` (every story a copy matches, so arrival order does not
    decide), not `match()`: it must find the portal's copy of the wire story as well."""
    headline, paragraphs = COPIES[name]
    assert [m.key for m in _matches(_index(), headline, paragraphs)] == ["wire"]


def test_grouping_s_lookup_keeps_copies_sharing_only_stock_text_apart() -> None:
    index = _index()
    m = _matches(
        index, "Kingsholt library extends its hours", [
            "Kingsholt library will open until 8 pm on weekdays from April, the council said.",
            "The change costs 31,000 pounds a year and adds 3 staff, said Tobias Lindell.",
            PORTAL_BACKGROUND,
        ],
    )  # fmt: skip
    assert m == []
    lead = "Ashcombe is talking about one thing this week. Here is what we know so far."
    for n, headline in enumerate(("Wardens for Ashcombe", "Lights for Wendle bridge", "Quiz")):
        other = [lead, f"Story {n} of the week has 3{n} words in its only real paragraph here."]
        index.add(f"lead-{n}", _fp(headline, [*other, PORTAL_BACKGROUND]), T0 + timedelta(hours=n))
    first = [lead, "Some 40 wardens will be posted at the junctions from Friday.",
             AGENCY_BACKGROUND, PORTAL_BACKGROUND]  # fmt: skip
    second = [lead, "The bridge will be lit at night from April, Priya Whitlock said.",
              AGENCY_BACKGROUND, PORTAL_BACKGROUND]  # fmt: skip
    index.add("first", _fp("Wardens for Ashcombe's Wendle bridge", first), T0 + timedelta(hours=4))
    assert _matches(index, "Wendle bridge to be lit at night", second, hours=6) == []
