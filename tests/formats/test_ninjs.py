"""IPTC ninjs 1.x and 2.x mapped into wiredesk items, with lifecycle and refusals."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from wiredesk.errors import FormatError
from wiredesk.formats.newsml_g2 import parse_newsml_g2
from wiredesk.formats.ninjs import looks_like_ninjs, parse_ninjs
from wiredesk.formats.nitf import parse_nitf
from wiredesk.model import Hop, ImageLink, PubStatus, Signal, Subject

SAMPLES = Path(__file__).parent / "samples"


def _sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def test_ninjs_1x_text_maps_every_field() -> None:
    result = parse_ninjs(_sample("ninjs-1x-text.json"))
    assert result.format == "ninjs" and result.problems == []
    [item] = result.items
    assert item.guid == "urn:newsml:ians.example:20220205:hi-xi-tokayev"
    assert item.format == "ninjs"
    assert item.version == 2
    assert item.published_at == datetime(2022, 2, 5, 4, 30, tzinfo=UTC)
    assert item.updated_at == datetime(2022, 2, 5, 12, 30, tzinfo=UTC)
    assert item.pub_status is PubStatus.USABLE and item.signals == []
    assert (item.urgency, item.priority) == (3, 4)
    assert item.language == "hi"
    assert item.slugline == "CHINA-KAZAKHSTAN/"
    assert item.headline == "शी चिनफिंग ने कजाकिस्तान के राष्ट्रपति तोकायेव से मुलाकात की"
    assert item.subheadline == "पेइचिंग में दोनों नेताओं की बैठक"
    assert item.byline == "आईएएनएस डेस्क"
    assert item.dateline_place == "पेइचिंग"
    assert item.summary == "दोनों देशों के रिश्तों पर चर्चा हुई।"
    assert item.body_html.startswith("<p>पेइचिंग, 5 फरवरी (आईएएनएस)।")
    assert "(साभार : चाइना मीडिया ग्रुप, पेइचिंग)" in item.body_html
    assert item.subjects == [
        Subject("11000000", "राजनीति", "http://cv.iptc.org/newscodes/subjectcode/"),
        Subject("medtop:20000621", "diplomacy", None),
        Subject("CN-BJ", "Beijing", "iso3166-2"),
    ]
    assert item.keywords == ["चीन", "कजाकिस्तान"]
    assert item.categories == ["विदेश"]
    assert item.copyright == "(c) 2022 IANS"
    assert item.usage_terms == "For subscribers only"
    assert item.provenance == [
        Hop(role="originator", name="चाइना मीडिया ग्रुप"),
        Hop(role="distributor", name="IANS"),
    ]
    assert item.originator == "चाइना मीडिया ग्रुप"
    assert item.images == [
        ImageLink(
            href="https://img.ians.example/1-full.jpg",
            caption="शी चिनफिंग और तोकायेव",
            width=1600,
            height=1066,
            mime="image/jpeg",
        )
    ]
    assert item.embargo_until is None and item.correction_note is None


def test_ninjs_2x_text_maps_every_field() -> None:
    result = parse_ninjs(_sample("ninjs-2x-text.json"))
    assert result.problems == []
    [item] = result.items
    assert item.guid == "https://wire.example/items/2024/bridge-reopens"
    assert item.link is None  # a ninjs uri identifies; it is not a web page
    assert item.version == 3
    assert item.published_at == datetime(2024, 3, 14, 8, 0, tzinfo=UTC)
    assert item.updated_at == datetime(2024, 3, 14, 8, 15, tzinfo=UTC)
    assert item.urgency == 2 and item.priority is None
    assert item.language == "en-GB"
    assert item.headline == "River bridge reopens to traffic"  # role main, though listed second
    assert item.subheadline == "Repairs finished a week early"
    assert item.summary == "The bridge closed since January is open again."
    # The HTML body wins over the plain-text one.
    assert item.body_html == "<p>The bridge is open.</p><p>Cars crossed at dawn.</p>"
    assert item.byline == "Jane Doe"
    assert item.dateline_place == "Riverton"
    assert item.slugline == "BRIDGE-REOPENS"
    assert item.subjects == [
        Subject("20000515", "road transport", "http://cv.iptc.org/newscodes/mediatopic/"),
        Subject("infrastructure", "Infrastructure", None),
        Subject("riverton", "Riverton", None),
        Subject("ann-lee", "Mayor Ann Lee", "http://people.example/"),
    ]
    assert item.keywords == ["bridge", "traffic"]
    assert item.provenance == [
        Hop(role="originator", name="Riverton Gazette"),
        Hop(role="distributor", name="Wire Example", uri="https://wire.example"),
    ]
    assert item.originator == "Riverton Gazette"
    assert item.copyright == "(c) 2024 Wire Example"
    assert item.usage_terms == "https://wire.example/terms"
    # The largest *image* rendition; the video rendition and the text association are not images.
    assert item.images == [
        ImageLink(
            href="https://wire.example/pictures/77/large.jpg",
            caption="The reopened bridge",
            width=2048,
            height=1280,
            mime="image/jpeg",
        )
    ]


def test_plain_text_body_becomes_paragraphs() -> None:
    doc = {
        "uri": "urn:x:1",
        "headline": "H",
        "body_text": "One <b>&</b> two.\n\nThree.",
        "description_text": "One <b>&</b> two.",
    }
    [item] = parse_ninjs(json.dumps(doc).encode()).items
    assert item.body_html == "<p>One &lt;b&gt;&amp;&lt;/b&gt; two.</p><p>Three.</p>"
    assert item.summary == ""  # the teaser only repeats the body's opening words


def test_ninjs_2x_richtext_body_is_preferred_to_a_plain_main_body() -> None:
    # The shape of IPTC's own 2.4 "complex text article" example.
    doc = {
        "uri": "http://ninjs.example.com/newsitems/1",
        "headlines": [{"role": "main", "value": "Captain on trial"}],
        "bodies": [
            {"role": "main", "contenttype": "text/plain", "value": "One. Two."},
            {"role": "richtext", "contenttype": "application/xhtml+xml", "value": "<p>One.</p>"},
        ],
        "organisations": [{"name": "Costa Crociere SpA", "rel": "mentions"}],
    }
    [item] = parse_ninjs(json.dumps(doc).encode()).items
    assert item.body_html == "<p>One.</p>"
    assert item.subjects == [Subject("Costa Crociere SpA", "Costa Crociere SpA", None)]


def test_lifecycle_canceled_withheld_embargoed_and_correction() -> None:
    result = parse_ninjs(_sample("ninjs-2x-lifecycle.json"))
    by_guid = {item.guid: item for item in result.items}

    killed = by_guid["https://wire.example/items/strike"]
    assert killed.pub_status is PubStatus.CANCELED and killed.version == 2

    withheld = by_guid["https://wire.example/items/merger"]
    assert withheld.pub_status is PubStatus.WITHHELD

    embargoed = by_guid["https://wire.example/items/results"]
    assert embargoed.embargo_until == datetime(2024, 3, 16, 0, 30, tzinfo=UTC)
    assert embargoed.pub_status is PubStatus.USABLE

    corrected = by_guid["https://wire.example/items/election"]
    assert corrected.signals == [Signal.CORRECTION, Signal.UPDATE]
    assert corrected.correction_note == "Corrects turnout to 64 percent, not 46."
    assert corrected.version == 4

    # A bare kill signal with no text still arrives, so the kill can take the story down.
    bare_kill = by_guid["https://wire.example/items/rumour"]
    assert bare_kill.signals == [Signal.KILL]
    assert bare_kill.pub_status is PubStatus.CANCELED

    assert "https://wire.example/items/empty" not in by_guid
    assert result.problems == [
        "item 6 (no id): no `uri`, which ninjs requires; skipped",
        "item 7: not a JSON object; skipped",
        "item 8 (https://wire.example/items/empty): no headline and no body; skipped",
    ]


def test_a_json_array_of_ninjs_objects_is_read() -> None:
    payload = json.dumps([{"uri": "a", "headline": "A"}, {"uri": "b", "headline": "B"}]).encode()
    assert [i.guid for i in parse_ninjs(payload).items] == ["a", "b"]


def test_unknown_pubstatus_is_a_problem_line_and_the_item_stays_usable() -> None:
    result = parse_ninjs(b'{"uri": "u1", "headline": "H", "pubstatus": "maybe"}')
    assert result.items[0].pub_status is PubStatus.USABLE
    assert result.problems == ["item 1 (u1): unknown pubstatus 'maybe'; read as usable"]


def test_looks_like_ninjs() -> None:
    assert looks_like_ninjs(_sample("ninjs-1x-text.json"))
    assert looks_like_ninjs(_sample("ninjs-2x-text.json"))
    assert looks_like_ninjs(_sample("ninjs-2x-lifecycle.json"))
    jsonfeed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "T",
        "items": [{"id": "1", "url": "https://x.example/1", "title": "T"}],
    }
    assert not looks_like_ninjs(json.dumps(jsonfeed).encode())
    assert not looks_like_ninjs(b'{"name": "not news", "count": 3}')
    assert not looks_like_ninjs(b"<rss version='2.0'></rss>")
    assert not looks_like_ninjs(b"\x01a0123\x1fAPW\r\n")


def test_json_feed_is_refused_with_a_clear_message() -> None:
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": []}
    with pytest.raises(FormatError, match="this is a JSON Feed"):
        parse_ninjs(json.dumps(doc).encode())


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b'{"uri": "x", "headline": ', "invalid JSON"),
        (b"", "invalid JSON"),
        (b'"just a string"', "neither a JSON object nor an array"),
        (b'{"title": "no uri", "body": "x"}', "without `uri`"),
    ],
)
def test_broken_input_gives_one_clear_format_error(payload: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message) as caught:
        parse_ninjs(payload)
    assert "\n" not in str(caught.value)


def test_deeply_nested_json_is_refused_cleanly() -> None:
    deep = b'{"uri": "x", "headline": "H", "extra": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with pytest.raises(FormatError, match="nested deeper than 64"):
        parse_ninjs(deep)
    # Brackets inside strings are text, not nesting.
    ok = json.dumps({"uri": "x", "headline": "[" * 200}).encode()
    assert parse_ninjs(ok).items[0].headline == "[" * 200
    # 64 levels are still fine.
    fine = b'{"uri": "x", "headline": "H", "e": ' + b"[" * 63 + b"]" * 63 + b"}"
    assert parse_ninjs(fine).items[0].guid == "x"


# --- ninjs 3.x names, 1.x headline variants, NITF bodies, unknown versions (issue 12) -------

_NINJS_3_KILL = (
    b'{"uri":"urn:x:1","type":"text","version":"2",'
    b'"firstCreated":"2023-10-05T14:10:33+02:00","versionCreated":"2023-10-05T14:27:32+02:00",'
    b'"pubStatus":"canceled","headlines":[{"role":"main","value":"Killed story"}],'
    b'"bodies":[{"role":"main","contentType":"text/html","value":"<p>x</p>"}]}'
)


def test_ninjs_3x_kill_is_a_kill_with_its_dates() -> None:
    [item] = parse_ninjs(_NINJS_3_KILL).items
    assert item.pub_status is PubStatus.CANCELED
    assert item.published_at == datetime(2023, 10, 5, 12, 10, 33, tzinfo=UTC)
    assert item.updated_at == datetime(2023, 10, 5, 12, 27, 32, tzinfo=UTC)
    assert item.body_html == "<p>x</p>"  # contentType read: HTML, not escaped as text


# A kill said only by the status, as each agency format writes it (no signal element).
_G2_CANCELED = (
    b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:x:1" version="2">'
    b'<itemMeta><itemClass qcode="ninat:text"/><pubStatus qcode="stat:canceled"/></itemMeta>'
    b"<contentMeta><headline>Killed story</headline></contentMeta></newsItem>"
)
_NITF_CANCELED = (
    b'<nitf><head><docdata management-status="canceled"><doc-id id-string="urn:x:1"/>'
    b"</docdata></head><body><body.head><hedline><hl1>Killed story</hl1></hedline>"
    b"</body.head></body></nitf>"
)
_NINJS_2_CANCELED = (
    b'{"uri":"urn:x:1","version":"2","pubstatus":"canceled",'
    b'"headlines":[{"role":"main","value":"Killed story"}]}'
)


def test_a_canceled_status_alone_is_a_kill_signal_in_every_agency_format() -> None:
    # The desk's version list and `wiredesk parse` show a version's signals: a ninjs kill
    # must say "kill" there as NewsML-G2's and NITF's do (it used to say nothing).
    readings = {
        "ninjs 3.x": parse_ninjs(_NINJS_3_KILL),
        "ninjs 2.x": parse_ninjs(_NINJS_2_CANCELED),
        "NewsML-G2": parse_newsml_g2(_G2_CANCELED),
        "NITF": parse_nitf(_NITF_CANCELED),
    }
    for name, result in readings.items():
        [item] = result.items
        assert (item.pub_status, item.signals) == (PubStatus.CANCELED, [Signal.KILL]), name


def test_ninjs_3x_camel_case_names_are_read() -> None:
    doc = {
        "uri": "urn:x:3",
        "standard": {"name": "ninjs", "version": "3.0"},
        "contentCreated": "2023-10-05T10:00:00Z",
        "embargoedUntil": "2099-01-01T00:00:00Z",
        "copyrightNotice": "(c) 2023 Wire",
        "usageTerms": "Subscribers only",
        "headlines": [{"role": "main", "value": "Under embargo"}],
        "bodies": [{"role": "main", "contentType": "text/plain", "value": "Text."}],
        "infoSources": [{"name": "Wire", "role": "originator"}],
    }
    [item] = parse_ninjs(json.dumps(doc).encode()).items
    assert item.embargo_until == datetime(2099, 1, 1, tzinfo=UTC)
    assert item.published_at is None  # contentCreated dates the content, not the item
    assert (item.copyright, item.usage_terms) == ("(c) 2023 Wire", "Subscribers only")
    assert item.originator == "Wire"
    assert looks_like_ninjs(json.dumps(doc).encode())


def test_ninjs_1x_headline_main_simple_and_text_description() -> None:
    doc = {
        "uri": "urn:x:4",
        "headline_simple": "Simple form",
        "headline_main": "Main headline",
        "descriptions": [{"role": "text", "value": "What happened, in one line."}],
        "body_text": "The story.",
    }
    [item] = parse_ninjs(json.dumps(doc).encode()).items
    assert item.headline == "Main headline"
    assert item.summary == "What happened, in one line."
    doc.pop("headline_main")
    [item] = parse_ninjs(json.dumps(doc).encode()).items
    assert item.headline == "Simple form"


def test_ninjs_nitf_body_is_rendered_not_shown_as_source() -> None:
    nitf = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<nitf version="-//IPTC//DTD NITF 3.6//EN">'
        "<head><title>T</title></head><body><body.head><hedline><hl1>T</hl1></hedline>"
        "</body.head><body.content><block><p>First &amp; foremost.</p></block>"
        "<p>Second.</p></body.content></body></nitf>"
    )
    doc = {
        "uri": "urn:x:5",
        "headlines": [{"role": "main", "value": "T"}],
        "bodies": [
            {"role": "nitf", "contenttype": "text/vnd.IPTC.NITF", "value": nitf},
            {"role": "text", "contenttype": "text/plain", "value": "First & foremost."},
        ],
    }
    [item] = parse_ninjs(json.dumps(doc).encode()).items
    assert item.body_html == "<p>First &amp; foremost.</p><p>Second.</p>"
    assert "nitf" not in item.body_html and "&lt;" not in item.body_html


@pytest.mark.parametrize(
    "declared",
    [
        {"standard": {"name": "ninjs", "version": "4.0"}},
        {"$schema": "http://www.iptc.org/std/ninjs/ninjs-schema_4.0.json"},
    ],
)
def test_ninjs_unknown_version_is_refused_not_guessed(declared: dict[str, object]) -> None:
    doc = {"uri": "urn:x:6", "headline": "H", "body_text": "B", **declared}
    with pytest.raises(FormatError, match=r"ninjs version '4(\.0)?' is not one wiredesk reads"):
        parse_ninjs(json.dumps(doc).encode())
    # In a list, the one item is refused and the others go through.
    listed = [doc, {"uri": "urn:x:7", "headline": "Fine", "body_text": "B"}]
    result = parse_ninjs(json.dumps(listed).encode())
    assert [i.guid for i in result.items] == ["urn:x:7"]
    assert "not one wiredesk reads" in result.problems[0]
