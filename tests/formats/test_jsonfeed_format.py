"""JSON Feed 1.1 (and 1.0) items, with authors and language inherited from the feed."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from wiredesk.errors import FormatError
from wiredesk.formats import parse_payload

FEED = {
    "version": "https://jsonfeed.org/version/1.1",
    "title": "आईएएनएस हिंदी",
    "language": "hi",
    "authors": [{"name": "आईएएनएस डेस्क"}],
    "items": [
        {
            "id": "ians-001",
            "url": "https://ians.example/1",
            "title": "शी चिनफिंग ने तोकायेव से मुलाकात की",
            "content_html": "<p>चीनी राष्ट्रपति शी चिनफिंग ने मुलाकात की।</p>",
            "summary": "दोनों नेताओं की भेंट",
            "date_published": "2022-02-05T15:30:00+05:30",
            "date_modified": "2022-02-05T12:00:00Z",
            "tags": ["विदेश", "चीन", "विदेश"],
        },
        {
            "id": 2,
            "external_url": "https://other.example/2",
            "title": "Plain & simple",
            "content_text": "Line one <b>not bold</b>.\n\nSecond paragraph.",
            "authors": [{"name": "Jane Doe", "url": "https://jane.example"}],
            "language": "en",
            "date_published": "yesterday",
        },
        {"id": "3", "url": "https://ians.example/3"},
        "not an object",
    ],
}


def _parse(doc: dict) -> object:
    return parse_payload(json.dumps(doc, ensure_ascii=False).encode())


def test_jsonfeed_items_map_every_field() -> None:
    result = _parse(FEED)
    assert (result.format, result.title, result.language) == ("jsonfeed", "आईएएनएस हिंदी", "hi")
    first = result.items[0]
    assert first.guid == "ians-001"
    assert first.headline == "शी चिनफिंग ने तोकायेव से मुलाकात की"
    assert first.body_html == "<p>चीनी राष्ट्रपति शी चिनफिंग ने मुलाकात की।</p>"
    assert first.summary == "दोनों नेताओं की भेंट"
    assert first.link == "https://ians.example/1"
    assert first.published_at == datetime(2022, 2, 5, 10, 0, tzinfo=UTC)
    assert first.updated_at == datetime(2022, 2, 5, 12, 0, tzinfo=UTC)
    assert first.language == "hi"  # inherited from the feed
    assert first.byline == "आईएएनएस डेस्क"  # inherited from the feed
    assert first.categories == ["विदेश", "चीन"]
    assert first.format == "jsonfeed"


def test_content_text_becomes_escaped_paragraphs_and_own_fields_win() -> None:
    second = _parse(FEED).items[1]
    assert second.guid == "2"
    assert second.headline == "Plain & simple"
    assert (
        second.body_html == "<p>Line one &lt;b&gt;not bold&lt;/b&gt;.</p><p>Second paragraph.</p>"
    )
    assert second.link == "https://other.example/2"
    assert (second.byline, second.language) == ("Jane Doe", "en")
    assert second.published_at is None  # "yesterday" is not a date; no crash


def test_bad_entries_are_reported_and_skipped() -> None:
    result = _parse(FEED)
    assert len(result.items) == 2
    assert result.problems == [
        "entry 3 (3): no title and no content; skipped",
        "entry 4: not a JSON object; skipped",
    ]


def test_jsonfeed_1_0_author_object() -> None:
    doc = {
        "version": "https://jsonfeed.org/version/1",
        "items": [{"id": "a", "title": "t", "content_text": "x", "author": {"name": "Me"}}],
    }
    assert _parse(doc).items[0].byline == "Me"


def test_jsonfeed_without_items_array_is_refused() -> None:
    with pytest.raises(FormatError, match="no `items` array"):
        _parse({"version": "https://jsonfeed.org/version/1.1", "title": "x"})


def test_truncated_jsonfeed_is_refused() -> None:
    with pytest.raises(FormatError, match="invalid JSON"):
        parse_payload(b'{"version": "https://jsonfeed.org/version/1.1", "items": [')


def test_json_feed_with_the_http_version_url_is_accepted() -> None:
    # Real feeds write the spec's URL with http://; it names the version, nothing is fetched.
    doc = {
        "version": "http://jsonfeed.org/version/1",
        "title": "t",
        "items": [{"id": "1", "title": "Hello", "content_text": "Body"}],
    }
    result = parse_payload(json.dumps(doc).encode())
    assert result.format == "jsonfeed"
    assert [(i.headline, i.body_html) for i in result.items] == [("Hello", "<p>Body</p>")]


def test_a_tag_written_in_a_json_feed_title_is_text() -> None:
    """JSON Feed titles are plain text (issue 13, item 3): `<img>` is shown, not dropped;
    character references are decoded once, as feeds written from HTML templates need."""
    doc = {
        "version": "https://jsonfeed.org/version/1.1",
        "items": [
            {"id": "1", "title": "<img src=x onerror=alert(1)> पुलिस", "content_text": "x"},
            {"id": "2", "title": "Tom &amp; Jerry &lt;3", "content_text": "y"},
        ],
    }
    result = parse_payload(json.dumps(doc).encode())
    assert [i.headline for i in result.items] == [
        "<img src=x onerror=alert(1)> पुलिस",
        "Tom & Jerry <3",
    ]
