"""Language stage: item, then feed, then offline detection; always a short lowercase code."""

from __future__ import annotations

import pytest

from wiredesk.model import Item
from wiredesk.pipeline.context import StageContext
from wiredesk.pipeline.language import detect_language, settle_language, short_code

HINDI = "चीनी राष्ट्रपति शी चिनफिंग ने कजाकिस्तान के राष्ट्रपति से मुलाकात की और सहयोग पर बात की।"
ENGLISH = "The Chinese president met the president of Kazakhstan and discussed cooperation."


def _ctx(feed_language: str | None = None, site_language: str = "hi") -> StageContext:
    return StageContext("IANS", "news", site_language, feed_language=feed_language)


@pytest.mark.parametrize(("tag", "code"), [("hi-IN", "hi"), ("EN_us", "en"), ("hi", "hi")])
def test_item_language_wins_and_is_shortened(tag: str, code: str) -> None:
    item = Item(guid="g", language=tag, body_text=ENGLISH if code == "hi" else HINDI)
    assert settle_language(item, _ctx(feed_language="fr")).language == code


def test_feed_language_used_when_item_has_none() -> None:
    item = Item(guid="g", body_text=ENGLISH)
    assert settle_language(item, _ctx(feed_language="hi-IN")).language == "hi"


def test_detected_from_text_when_nobody_says() -> None:
    assert (
        settle_language(Item(guid="g", headline=HINDI), _ctx(site_language="en")).language == "hi"
    )
    assert settle_language(Item(guid="g", body_text=ENGLISH), _ctx()).language == "en"


def test_short_devanagari_text_falls_back_to_script() -> None:
    assert detect_language("मुंबई") == "hi"


def test_empty_text_falls_back_to_site_language() -> None:
    assert settle_language(Item(guid="g"), _ctx(site_language="en")).language == "en"
    assert detect_language("  12 34 ") is None


def test_not_a_language_tag() -> None:
    assert short_code("") is None
    assert short_code("??") is None
