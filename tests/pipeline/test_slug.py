"""Slug stage: readable ASCII URLs from Hindi and Latin headlines."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wiredesk.model import Item
from wiredesk.pipeline.context import StageContext
from wiredesk.pipeline.slug import MAX_SLUG_LENGTH, make_slug, slugify, transliterate_word

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@pytest.mark.parametrize(
    ("word", "latin"),
    [
        ("कजाकिस्तान", "kajakistan"),
        ("कजाकस्तान", "kajakastan"),
        ("मुलाकात", "mulakat"),
        ("की", "ki"),
        ("राष्ट्रपति", "rashtrapati"),
        ("हिंदी", "hindi"),
        ("चिनफिंग", "chinfing"),
        ("पेइचिंग", "peiching"),
        ("सरकार", "sarkar"),
        ("प्रधानमंत्री", "pradhanmantri"),
        ("भारतीय", "bhartiya"),
        ("मित्र", "mitra"),
        ("ओलंपिक", "olampik"),
        ("ज़िंदगी", "zindgi"),
        ("व", "va"),
    ],
)
def test_hindi_words_read_the_way_hindi_speakers_say_them(word: str, latin: str) -> None:
    assert transliterate_word(word) == latin


def test_seed_style_headline() -> None:
    headline = "चीनी राष्ट्रपति शी चिनफिंग ने कजाकिस्तान के राष्ट्रपति से मुलाकात की"
    assert slugify(headline) == (
        "chini-rashtrapati-shi-chinfing-ne-kajakistan-ke-rashtrapati-se-mulakat-ki"
    )


def test_precomposed_and_decomposed_nukta_give_the_same_slug() -> None:
    assert slugify("\u095b\u093f\u0902\u0926\u0917\u0940") == slugify("ज\u093c\u093f\u0902दगी")


def test_latin_headlines_fold_accents_and_punctuation() -> None:
    assert slugify("Crème brûlée: Straße in São Paulo!") == "creme-brulee-strasse-in-sao-paulo"
    assert slugify("India’s GDP grows 7.5% in Q3") == "indias-gdp-grows-7-5-in-q3"


def test_devanagari_digits_become_ascii() -> None:
    assert slugify("२०२२ पेइचिंग ओलंपिक") == "2022-peiching-olampik"


def test_long_headline_is_cut_at_a_word_boundary() -> None:
    headline = "कजाकिस्तान के राष्ट्रपति से मुलाकात की " * 6
    slug = slugify(headline)
    assert len(slug) <= MAX_SLUG_LENGTH
    assert headline.split()[0] and not slug.endswith("-")
    assert slug.split("-")[-1] in {"kajakistan", "ke", "rashtrapati", "se", "mulakat", "ki"}


@pytest.mark.parametrize("headline", ["", "   ", "!!! ???", "中文标题", "\u200b"])
def test_never_empty(headline: str) -> None:
    assert slugify(headline) == "story"


def test_make_slug_uses_the_headline() -> None:
    ctx = StageContext("IANS", "news", "hi")
    assert make_slug(Item(guid="g", headline="हिंदी समाचार"), ctx).slug == "hindi-samachar"


@given(st.text())
def test_slug_is_ascii_bounded_nonempty_and_stable(headline: str) -> None:
    slug = slugify(headline)
    assert slug.isascii()
    assert SLUG_RE.match(slug)
    assert 0 < len(slug) <= MAX_SLUG_LENGTH
    assert slugify(headline) == slug
    assert slugify(slug) == slug  # a slug is its own slug


@given(st.text(alphabet=st.characters(min_codepoint=0x0900, max_codepoint=0x097F) | st.just(" ")))
def test_any_devanagari_gives_a_clean_slug(headline: str) -> None:
    assert SLUG_RE.match(slugify(headline))
