"""IPTC 7901 and ANPA-1312 wire text mapped into wiredesk items."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from wiredesk.errors import FormatError
from wiredesk.formats.iptc7901 import looks_like_wire_text, parse_wire_text
from wiredesk.model import Hop, PubStatus, Signal, Subject

SAMPLES = Path(__file__).parent / "samples"
STORY_GUID = "urn:wiredesk:anpa1312:ap:2024-03-14:us-bridge-collapse"


def _sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def _anpa(line2: str, text: str, trailer: str = "") -> bytes:
    """One ANPA message around a second header line and a text, as a wire would send it."""
    message = f"\x16\x16\x01a0777\x1fAPW-----\r\n{line2}\r\n\x02{text}\x03{trailer}\r\n\x04"
    return message.encode("latin-1")


def test_anpa_story_maps_every_field() -> None:
    result = parse_wire_text(_sample("anpa-story.txt"))
    assert result.format == "anpa1312" and result.problems == []
    [item] = result.items
    assert item.guid == STORY_GUID
    assert item.format == "anpa1312"
    assert item.headline == "River bridge collapses in Riverton; three hurt"
    assert item.byline == "JANE DOE"  # the writer's title line under it is not part of it
    assert item.slugline == "BC-US--Bridge-Collapse"
    # Tab-indented paragraphs, wrapped lines joined, AP's ` _ ` dash and ``quotes'' restored,
    # the AP-WF time stamp taken out of the text.
    assert item.body_html == (
        "<p>RIVERTON, Pa. (AP) — A century-old bridge over the Allegheny River collapsed "
        "early Thursday, sending two cars into the water, police said.</p>"
        "<p>Three people were taken to a hospital. \u201cWe heard a bang like thunder,\u201d "
        "said a neighbor, Tom Reyes.</p>"
        "<p>The state transportation department said the bridge was inspected last year.</p>"
    )
    assert item.published_at == datetime(2024, 3, 14, 15, 32, tzinfo=UTC)
    assert item.updated_at == item.published_at
    assert (item.priority, item.urgency) == (5, 5)  # `r`: regular
    assert item.categories == ["Domestic news"]
    assert item.subjects == [Subject("a", "Domestic news", "anpa1312-category")]
    assert item.dateline_place == "RIVERTON, Pa."
    assert item.provenance == [Hop(role="distributor", name="AP", time=item.published_at)]
    assert item.pub_status is PubStatus.USABLE and item.signals == []
    assert item.version is None and item.correction_note is None


def test_anpa_writethru_updates_the_same_story() -> None:
    [item] = parse_wire_text(_sample("anpa-writethru.txt")).items
    assert item.guid == STORY_GUID  # a new message number, the same story
    assert item.version == 2  # 1st Ld-Writethru is the story's second version
    assert item.signals == [Signal.UPDATE]
    assert item.headline == "River bridge collapses in Riverton; four hurt"
    assert "Four people were taken to a hospital, Mayor Ann Lee said." in item.body_html
    assert item.updated_at == datetime(2024, 3, 14, 17, 10, tzinfo=UTC)
    assert item.priority == 3  # `u`: urgent


def test_anpa_kill_cancels_the_same_story() -> None:
    [item] = parse_wire_text(_sample("anpa-kill.txt")).items
    assert item.guid == STORY_GUID
    assert item.signals == [Signal.KILL]
    assert item.pub_status is PubStatus.CANCELED
    assert item.headline == "KILL: Bridge collapse story withdrawn"
    assert item.priority == 1  # `f`: flash


def test_anpa_correction_takes_the_editors_note() -> None:
    payload = _anpa(
        "r f\x13\x11 BC-Fin--Rates Correction   03-15 0100",
        "^BC-Fin--Rates, Correction,0100<\r\n^Central bank holds rates<\r\n"
        "^Eds: CORRECTS rate to 4.5 percent sted 5.4 percent.<\r\n"
        "\t   The central bank held its rate at 4.5 percent.\r\n"
        "\t   AP-WF-03-15-24 0900GMT<\r\n",
    )
    [item] = parse_wire_text(payload).items
    assert item.signals == [Signal.CORRECTION]
    assert item.correction_note == "CORRECTS rate to 4.5 percent sted 5.4 percent."
    assert item.categories == ["Financial"]
    assert item.guid == "urn:wiredesk:anpa1312:ap:2024-03-15:fin-rates"


def test_anpa_partial_take_is_skipped_with_a_problem_line() -> None:
    story = _anpa("r a\x13\x11 BC-Rates 2ndAdd   03-15 0100", "\t   More text.\r\n")
    with pytest.raises(FormatError, match=r"partial take \(2ndAdd\)"):
        parse_wire_text(story)
    both = story + _anpa("r a\x13\x11 BC-Other   03-15 0100", "^Other story<\r\n\t   Text.\r\n")
    result = parse_wire_text(both)
    assert [i.headline for i in result.items] == ["Other story"]
    assert result.problems == [
        "message 1: (BC-Rates) is a partial take (2ndAdd); skipped, wiredesk publishes "
        "whole stories only"
    ]


def test_anpa_time_only_trailer_takes_the_year_from_the_envelope() -> None:
    payload = _anpa("r a\x13\x11 BC-Snow   12-31 0050", "^Snow<\r\n\t   It snowed.\r\n", "2310GMT")
    received = datetime(2025, 1, 1, 0, 5, tzinfo=UTC)
    [item] = parse_wire_text(payload, received_at=received).items
    # Header month-day 12-31 read on 1 January: last year's New Year's Eve.
    assert item.published_at == datetime(2024, 12, 31, 23, 10, tzinfo=UTC)
    [undated] = parse_wire_text(payload).items
    assert undated.published_at is None
    assert undated.guid == "urn:wiredesk:anpa1312:apw:12-31:snow"


def test_anpa_tabular_copy_is_kept_preformatted() -> None:
    payload = _anpa(
        "r q\x13\x12 BC-Scores   03-15 0020",
        "Team     W  L\r\nRiverton 3  1\r\nLakeside 1  3\r\n",
    )
    [item] = parse_wire_text(payload).items
    assert item.body_html == "<pre>Team     W  L\nRiverton 3  1\nLakeside 1  3</pre>"
    assert item.categories == ["Sports scores"]


def test_iptc7901_story_maps_every_field() -> None:
    result = parse_wire_text(_sample("iptc7901-story.txt"))
    assert result.format == "iptc7901" and result.problems == []
    [item] = result.items
    assert item.guid == "urn:wiredesk:iptc7901:wxn:2024-03-14:parliament-budget"
    assert item.format == "iptc7901"
    assert item.slugline == "Parliament/Budget"
    assert item.headline == "Parliament passes budget after all-night session"
    assert item.subheadline == "Vote of 312 to 208 ends three weeks of debate"
    assert item.byline == "Paul Stone"
    assert item.body_html == (
        "<p>Riverton, March 14 (WX) - Parliament passed the national budget early on "
        "Thursday after an all-night session, ending three weeks of debate.</p>"
        "<p>The vote was 312 to 208. The finance minister said the budget would cut the "
        "deficit by a third within two years.</p>"
        "<p>Opposition parties said they would challenge parts of it in court.</p>"
    )
    assert "desk@wx.example" not in item.body_html  # "not intended for publication"
    assert item.published_at == datetime(2024, 3, 14, 9, 32, tzinfo=UTC)
    assert (item.priority, item.urgency) == (3, 3)
    assert item.categories == ["pl"]
    assert item.subjects == [Subject("pl", None, "iptc7901-category")]
    assert (item.dateline_place, item.dateline_date) == ("Riverton", "March 14")
    assert item.provenance == [Hop(role="distributor", name="WX", time=item.published_at)]
    assert item.pub_status is PubStatus.USABLE and item.signals == []


def test_iptc7901_multi_message_payload() -> None:
    result = parse_wire_text(_sample("iptc7901-multi.txt"))
    assert result.format == "iptc7901"
    assert [i.headline for i in result.items] == [
        "Stocks rise at the open",
        "Parliament passes budget after all-night session",
        "KILL - Speaker resignation story withdrawn",
    ]
    assert result.problems == ["message 3: no STX (0x02) start of text; skipped"]
    stocks, correction, kill = result.items
    assert stocks.categories == ["wi"] and stocks.priority == 2
    assert correction.signals == [Signal.CORRECTION]
    # The correction replaces the story of the same slug and day.
    assert correction.guid == "urn:wiredesk:iptc7901:wxn:2024-03-14:parliament-budget"
    assert kill.signals == [Signal.KILL] and kill.pub_status is PubStatus.CANCELED
    assert kill.slugline == "Parliament/Speaker"
    assert kill.guid == "urn:wiredesk:iptc7901:wxn:2024-03-14:parliament-speaker"


def test_a_message_cut_before_its_etx_is_marked_cut_short() -> None:
    whole = _sample("iptc7901-multi.txt")
    cut = whole[: whole.index(b"Thursday. The vote") + 20]  # in the second message's text
    result = parse_wire_text(cut)
    first, second = result.items
    assert first == parse_wire_text(whole).items[0]  # whole: read as from the whole payload
    assert second.headline == "Parliament passes budget after all-night session"
    assert result.cut_short == {1: result.cut_short[1]}  # for ingest to hold, never publish
    assert "no ETX (0x03) end of text" in result.cut_short[1]
    assert result.problems == [
        f"message 2 ({second.guid}): no ETX (0x03) end of text; it breaks off, so its text "
        "may be cut short"
    ]
    assert parse_wire_text(whole).cut_short == {}


def test_iptc7901_dpa_style_heading_and_originator_chain() -> None:
    payload = (
        "\x01ecp0007 4 s 85  dpa-tns 0908\r\n\r\nAmerican Football/NFL/\r\n"
        "\x02Chiefs-Rams 2.0? A fun Super Bowl, but do not count on it\r\n"
        "By Tom Krasovic, The San Diego Union-Tribune =\r\n\r\n"
        "San Diego (tca/dpa) - History says this was no Super Bowl preview.\r\n\r\n"
        "dpa tca bag\r\n\x03\r\n211259 Nov 18\r\n\x04"
    ).encode("latin-1")
    [item] = parse_wire_text(payload).items
    assert item.headline == "Chiefs-Rams 2.0? A fun Super Bowl, but do not count on it"
    assert item.byline == "Tom Krasovic, The San Diego Union-Tribune"
    assert item.body_html == (
        "<p>San Diego (tca/dpa) - History says this was no Super Bowl preview.</p>"
    )  # the desk's initials line is not story text
    assert item.provenance == [
        Hop(role="originator", name="tca"),
        Hop(role="distributor", name="dpa", time=datetime(2018, 11, 21, 12, 59, tzinfo=UTC)),
    ]
    assert item.originator == "tca"
    assert item.slugline == "American Football/NFL"


def test_latin1_and_utf8_bytes_are_both_read() -> None:
    text = "\x01wxn0001 3 ku 10\r\nArts/\r\n\x02Z\u00fcrich opera reopens=\r\n\r\nText.\r\n\x03"
    latin = parse_wire_text(text.encode("latin-1")).items[0]
    utf8 = parse_wire_text(text.encode("utf-8")).items[0]
    assert latin.headline == utf8.headline == "Z\u00fcrich opera reopens"
    c1 = parse_wire_text(text.replace("Text", "Te\x85xt").encode("latin-1")).items[0]
    assert "Te\ufffdxt" in c1.body_html  # a C1 control byte is replaced, not passed on


def test_looks_like_wire_text() -> None:
    for name in ("anpa-story.txt", "anpa-kill.txt", "iptc7901-story.txt", "iptc7901-multi.txt"):
        assert looks_like_wire_text(_sample(name)), name
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    assert not looks_like_wire_text(png)
    assert not looks_like_wire_text(gzip.compress(_sample("iptc7901-story.txt")))
    assert not looks_like_wire_text(b"\x01\x02\x03\x04\x05 binary \xff\xfe")
    assert not looks_like_wire_text(b'{"uri": "x", "headline": "H"}')
    assert not looks_like_wire_text(b"<?xml version='1.0'?><rss version='2.0'/>")
    assert not looks_like_wire_text(b"Plain text story.\r\nSecond line.\r\n")


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"Plain text, no wire framing at all.", r"no SOH \(0x01\) start-of-header"),
        (b"", r"no SOH \(0x01\) start-of-header"),
        (b"\x01\x89PNG binary junk\x00\x00", "none readable"),
        (b"\x01wxn0001 3 pl 10\r\nSlug/\r\nno text marker\r\n\x03\x04", "no STX"),
    ],
)
def test_broken_input_gives_one_clear_format_error(payload: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message) as caught:
        parse_wire_text(payload)
    assert "\n" not in str(caught.value)
