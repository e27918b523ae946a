"""The ninjs the API writes, against the ninjs 2.1 test schema (tests/fixtures/ninjs), and
the schema's own teeth: what ninjs 2.x does not allow, it refuses."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from tests.channels.channels_support import T0, make_settings
from wiredesk.channels.api_v1.ninjs import copy_ninjs, story_ninjs
from wiredesk.store.public.subscriptions import Story, SubscriberCopy
from wiredesk.store.public.views import Copy

SCHEMA = json.loads(
    (Path(__file__).parents[2] / "fixtures" / "ninjs" / "ninjs-2.1.schema.json").read_text()
)
NINJS = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


def a_copy(**kw: Any) -> Copy:
    fields: dict[str, Any] = {
        "item_id": 7,
        "short_id": "abcdefgh",
        "source_id": "ians",
        "guid": "urn:ians:1",
        "slug": "khabar",
        "section": "videsh",
        "state": "published",
        "language": "hi",
        "version_count": 2,
        "published_at": T0,
        "updated_at": T0 + timedelta(minutes=5),
        "version": 2,
        "headline": "ख़बर",
        "summary": "",
        "body_html": "<p>पाठ</p>",
        "body_text": "पाठ",
        "byline": None,
        "link": None,
        "categories": ["राजनीति"],
        "credit_line": None,
        "originator": None,
        "upstream_disclaimer": "दूसरी साइट का डिस्क्लेमर",
        "upstream_source": "IANS",
        "dateline_place": None,
        "dateline_date": None,
        "story_id": 3,
    }
    fields.update(kw)
    return Copy(**fields)


def test_every_field_wiredesk_has_lands_in_a_ninjs_2_field(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    copy = a_copy(
        subjects=[
            {"code": "medtop:11000000", "name": "politics", "scheme": "medtop"},
            {"code": "http://cv.iptc.org/newscodes/mediatopic/11000000", "name": "politics"},
        ],
        keywords=["चुनाव"],
        images=[{"href": "https://img.example/a.jpg", "caption": "चित्र", "width": 800}],
        provenance=[{"role": "originator", "name": "CMG", "uri": "https://cmg.example/"}],
        urgency=12,  # out of ninjs's 1-9: left out rather than invalid
    )
    obj = copy_ninjs(SubscriberCopy(copy, False, None, None), settings)
    NINJS.validate(obj)
    assert "urgency" not in obj
    assert {"name": "politics", "rel": "subject", "literal": "medtop:11000000"} in obj["subjects"]
    assert {"name": "चुनाव", "rel": "keyword"} in obj["subjects"]
    assert {"name": "राजनीति", "rel": "category"} in obj["subjects"]
    assert obj["associations"][0]["type"] == "picture"
    assert obj["associations"][0]["renditions"][0] == {
        "name": "original",
        "href": "https://img.example/a.jpg",
        "width": 800,
    }
    assert {"name": "IANS", "role": "source"} in obj["infosources"]
    assert "दूसरी साइट का डिस्क्लेमर" not in json.dumps(obj, ensure_ascii=False)
    story = story_ninjs(
        Story(
            3, SubscriberCopy(copy, False, None, None), [SubscriberCopy(copy, False, None, None)]
        ),
        settings,
    )
    NINJS.validate(story)


@pytest.mark.parametrize(
    "broken",
    [
        {"uri": "x:1", "mine": 1},  # a property ninjs does not have
        {"uri": "x:1", "pubstatus": "killed"},
        {"uri": "x:1", "headlines": [{"role": "main"}]},  # no value
        {"uri": "x:1", "associations": [{"uri": "x:2"}]},  # no name
        {"uri": "x:1", "associations": [{"name": "a", "uri": "x:2", "mine": 1}]},
        {"uri": "x:1", "urgency": 10},
        {"type": "text"},  # no uri
    ],
)
def test_the_schema_refuses_what_ninjs_2_does_not_allow(broken: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError):
        NINJS.validate(broken)
