"""All the stages on the seed and on agency copy, and their guarantees on arbitrary input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests import fixture_files
from wiredesk.model import Item
from wiredesk.pipeline.context import StageContext
from wiredesk.pipeline.stages import process

SEED = fixture_files.SEED
CTX = StageContext(
    source_name="IANS",
    default_section="news",
    site_language="hi",
    sections={"world": "दुनिया", "sports": "खेल"},
)


def test_seed_story_comes_out_publishable() -> None:
    item = Item(
        guid="ians-1",
        headline="चीनी राष्ट्रपति शी चिनफिंग ने कजाकिस्तान के राष्ट्रपति से मुलाकात की",
        body_html=SEED.read_text(encoding="utf-8"),
        categories=["दुनिया"],
    )
    out = process(item, CTX)
    assert len(out.body_text.split("\n\n")) == 5
    assert out.credit_line == "(साभार : चाइना मीडिया ग्रुप, पेइचिंग)"
    assert out.originator == "चाइना मीडिया ग्रुप, पेइचिंग"
    assert out.upstream_disclaimer is not None
    assert out.upstream_disclaimer.startswith("डिस्क्लेमरः")
    assert out.upstream_source == "IANS"
    assert (out.dateline_date, out.dateline_place) == ("5 फरवरी", "पेइचिंग")
    assert out.language == "hi"
    assert out.slug == "chini-rashtrapati-shi-chinfing-ne-kajakistan-ke-rashtrapati-se-mulakat-ki"
    assert out.section == "world"
    # both spellings of the country survive untouched
    assert "कजाकिस्तान" in out.body_text and "कजाकस्तान" in out.body_text
    # the input is not modified
    assert item.body_html == SEED.read_text(encoding="utf-8")
    assert item.slug is None


def test_english_agency_copy() -> None:
    item = Item(
        guid="pti-1",
        headline="Govt announces  new\n rules",  # plain text, as every parser gives it
        body_html=(
            "<p>Mumbai, February 5 (PTI): The government on Saturday announced new rules "
            "for the sector.</p><p>They take effect in April.<br>(With inputs from agencies)"
            "<br>Source: PTI</p>"
        ),
        categories=["Business"],
    )
    out = process(item, CTX)
    assert out.body_text == (
        "The government on Saturday announced new rules for the sector.\n\n"
        "They take effect in April."
    )
    assert (out.dateline_place, out.dateline_date) == ("Mumbai", "February 5")
    assert (out.originator, out.upstream_source) == ("agencies", "PTI")
    assert out.headline == "Govt announces new rules"
    assert out.slug == "govt-announces-new-rules"
    assert out.language == "en"
    assert out.section == "news"


def test_process_is_deterministic() -> None:
    item = Item(guid="g", headline="हिंदी", body_html=SEED.read_text(encoding="utf-8"))
    assert process(item, CTX) == process(item, CTX)


def test_processing_twice_changes_nothing_more() -> None:
    item = Item(guid="g", headline="x", body_html=SEED.read_text(encoding="utf-8"))
    once = process(item, CTX)
    assert process(once, CTX) == once


_texts = st.text(max_size=400) | st.sampled_from(
    ["<p>", "</p>", "<br>", "(साभार : X)", "Source : IANS", "डिस्क्लेमरः ", "नई दिल्ली, 5 फरवरी।"]
)


@settings(max_examples=200, deadline=None)
@given(
    headline=st.text(max_size=200),
    body=st.lists(_texts, max_size=12).map("".join),
    categories=st.lists(st.text(max_size=20), max_size=3),
    language=st.none() | st.text(max_size=8),
)
def test_process_never_raises_and_output_is_clean(
    headline: str, body: str, categories: list[str], language: str | None
) -> None:
    item = Item(
        guid="g", headline=headline, body_html=body, categories=categories, language=language
    )
    out = process(item, CTX)
    assert out.slug and out.slug.isascii()
    assert out.section in {"news", "world", "sports"}
    assert out.language
    assert "<script" not in out.body_html.lower()
    assert "\n" not in out.headline
