"""Dateline stage: a leading dateline leaves the body; one inside a sentence is only read."""

from __future__ import annotations

import pytest

from tests import fixture_files
from wiredesk.model import Item
from wiredesk.pipeline.context import StageContext
from wiredesk.pipeline.dateline import lift_dateline
from wiredesk.pipeline.html_text import html_to_text
from wiredesk.pipeline.sanitize import sanitize_item

SEED = fixture_files.SEED
CTX = StageContext(source_name="IANS", default_section="news", site_language="hi")


def _lift(body: str) -> Item:
    return lift_dateline(sanitize_item(Item(guid="g", body_html=body), CTX), CTX)


@pytest.mark.parametrize(
    ("body", "place", "date", "rest"),
    [
        ("NEW DELHI, Feb 5 (IANS) — The minister said.", "NEW DELHI", "Feb 5", "The minister"),
        ("Mumbai, February 5 (PTI): Shares fell.", "Mumbai", "February 5", "Shares fell."),
        ("LONDON (Reuters) - Oil rose on Monday.", "LONDON", None, "Oil rose"),
        ("नई दिल्ली, 5 फरवरी (आईएएनएस)। सरकार ने कहा।", "नई दिल्ली", "5 फरवरी", "सरकार ने"),
        ("मुंबई, 5 फरवरी। शेयर बाजार गिरा।", "मुंबई", "5 फरवरी", "शेयर बाजार"),
    ],
)
def test_leading_dateline_is_lifted_and_removed(
    body: str, place: str, date: str | None, rest: str
) -> None:
    out = _lift(body + "\nSecond paragraph.")
    assert (out.dateline_place, out.dateline_date) == (place, date)
    assert out.body_text.startswith(rest)
    assert out.body_text.endswith("\n\nSecond paragraph.")
    assert place not in out.body_text


@pytest.mark.parametrize(
    ("body", "place", "date", "rest"),
    [
        (
            "केसरगढ़ (राजस्थान), 4 फरवरी (एसबी)। पश्चिमी राजस्थान के केसरगढ़ कस्बे की महिलाओं ने।",
            "केसरगढ़ (राजस्थान)",
            "4 फरवरी",
            "पश्चिमी राजस्थान के केसरगढ़ कस्बे",
        ),
        ("केसरगढ़ (राजस्थान), 4 फरवरी। महिलाओं ने समूह बनाया।", "केसरगढ़ (राजस्थान)", "4 फरवरी", "महिलाओं"),
        (
            "KESARGARH (Rajasthan), Feb 4 (IWS) — Twenty-six women in a desert town.",
            "KESARGARH (Rajasthan)",
            "Feb 4",
            "Twenty-six women",
        ),
        (
            "PORT BLAIR (Andaman and Nicobar Islands), Feb 4 (IWS) — Ferries resumed.",
            "PORT BLAIR (Andaman and Nicobar Islands)",
            "Feb 4",
            "Ferries resumed.",
        ),
    ],
    ids=["hindi", "hindi-no-agency", "english", "english-long-state"],
)
def test_leading_dateline_with_the_state_in_brackets(
    body: str, place: str, date: str, rest: str
) -> None:
    out = _lift(f"<p>{body}</p><p>दूसरा अनुच्छेद।</p>")
    assert (out.dateline_place, out.dateline_date) == (place, date)
    assert out.body_text.startswith(rest)
    assert out.body_text.endswith("\n\nदूसरा अनुच्छेद।")
    assert "(एसबी)" not in out.body_text and "(IWS)" not in out.body_text


def test_bracketed_words_without_a_date_are_not_a_dateline() -> None:
    item = sanitize_item(
        Item(guid="g", body_html="<p>Apple (AAPL), shares rose on Feb 4.</p>"), CTX
    )
    out = lift_dateline(item, CTX)
    assert out.body_html == item.body_html
    assert out.dateline_place is None


def test_dateline_in_bold_keeps_the_rest_of_the_markup() -> None:
    out = _lift("<p><strong>NEW DELHI, Feb 5 (IANS)</strong> — The <em>big</em> news.</p>")
    assert out.body_html == "<p>The <em>big</em> news.</p>"
    assert out.dateline_place == "NEW DELHI"


def test_seed_dateline_inside_the_first_sentence_is_read_not_removed() -> None:
    item = sanitize_item(Item(guid="g", body_html=SEED.read_text(encoding="utf-8")), CTX)
    out = lift_dateline(item, CTX)
    assert out.body_html == item.body_html
    assert out.dateline_date == "5 फरवरी"
    assert out.dateline_place == "पेइचिंग"


def test_english_inline_dateline() -> None:
    out = _lift("Xi met Tokayev on February 5 in Beijing before the Games opened. More text.")
    assert (out.dateline_place, out.dateline_date) == ("Beijing", "February 5")
    assert out.body_text.startswith("Xi met Tokayev")


@pytest.mark.parametrize(
    "body",
    [
        "उन्होंने 5 फरवरी को राष्ट्रपति के साथ बैठक की।",  # a title, not a place
        "The minister spoke to reporters about the budget.",
        "On Tuesday, March 3 was chosen as the date.",
        "Apple (AAPL) - shares rose.",
    ],
)
def test_unsure_cases_leave_fields_empty_and_body_alone(body: str) -> None:
    item = sanitize_item(Item(guid="g", body_html=body), CTX)
    out = lift_dateline(item, CTX)
    assert out.dateline_place is None and out.dateline_date is None
    assert out.body_html == item.body_html


def test_dateline_later_in_the_story_is_ignored() -> None:
    out = _lift("पहला वाक्य यहाँ है।\nनई दिल्ली, 5 फरवरी (आईएएनएस)। दूसरा।")
    assert out.dateline_place is None
    assert "नई दिल्ली" in out.body_text


def test_a_dateline_already_known_is_kept() -> None:
    item = sanitize_item(
        Item(guid="g", body_html="LONDON (Reuters) - Text.", dateline_place="London"), CTX
    )
    out = lift_dateline(item, CTX)
    assert out.dateline_place == "London"
    assert out.body_text == "Text."


_OPENINGS = [
    "नई दिल्ली, 5 फरवरी (आईएएनएस)। ",
    "<strong>नई दिल्ली, 5 फरवरी (आईएएनएस)।</strong> ",
    "<b>NEW DELHI, Feb 5 (IANS)</b> — ",
    "LONDON (Reuters) - ",
    "मुंबई, 5 फरवरी। ",
]
_FIRST = ["सरकार ने &amp; कहा।", "", "The <em>minister</em>  said.", "ताज़ा   ख़बर"]
_REST = ["", "<p>दूसरा पैराग्राफ।</p>", "<p>Second</p><p>Third &lt;x&gt;</p>", "<br>after a break"]


@pytest.mark.parametrize("opening", _OPENINGS)
@pytest.mark.parametrize("first", _FIRST)
@pytest.mark.parametrize("rest", _REST)
@pytest.mark.parametrize("newline", ["", "\n"])
def test_body_text_always_matches_the_edited_body(
    opening: str, first: str, rest: str, newline: str
) -> None:
    """The stage works the new body_text out from the old one when only the first paragraph
    changed; whatever the shape, it must be what converting the new body gives."""
    out = _lift(f"<p>{opening}{first}{newline}</p>{rest}")
    assert out.body_text == html_to_text(out.body_html)
