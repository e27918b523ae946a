"""to_nfc: the fast NFC used on every field gives exactly what unicodedata gives."""

from __future__ import annotations

import re
import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from wiredesk.pipeline.nfc import BEFORE_NUKTA_MARKS, to_nfc

# Characters that make normalization do something: nukta after letters that compose with it
# (न र ळ) and after ones that do not, precomposed nukta letters that NFC decomposes (क़),
# virama and stress marks that reorder with the nukta, Latin combining accents, whitespace.
_TRICKY = list("कनरळज\u093c\u094d\u0951िक़ऩ eaé\u0301\u0327\u0300\u0334 \n\t\u2000\u00a0")


def test_decomposed_nukta_letter_is_composed_and_precomposed_one_decomposed() -> None:
    # न + nukta composes to ऩ; क़ (U+0958) is a composition exclusion, so NFC writes क + nukta.
    assert to_nfc("चे\u0928\u093cई") == "चे\u0929ई"
    assert to_nfc("\u0958बर ज़रूरी") == "\u0915\u093cबर ज\u093cरूरी"


def test_long_hindi_text_with_nukta_words_equals_unicodedata() -> None:
    text = "ताज़ा जानकारी : सड़कों की मरम्मत तेज़ की जाएगी, चे\u0928\u093cई में भी। " * 50
    assert to_nfc(text) == unicodedata.normalize("NFC", text)


def test_a_nukta_that_cannot_compose_still_lets_what_follows_it_compose_or_reorder() -> None:
    """The shortcut (drop the inert nuktas, quick-check the rest) must not hide these: an
    accent after a Latin letter and a nukta composes with the letter, and an overlay mark
    (class 1) after a nukta (class 7) is put before it."""
    for text in ("e\u093c\u0301", "क\u093c\u0334", "ज़ा \u0958", "\u093cक", "ज\u093c\u093c"):
        assert to_nfc(text) == unicodedata.normalize("NFC", text), ascii(text)
    assert to_nfc("ताज़ा") is not None and to_nfc("ताज़ा") == "ताज़ा"


@given(st.lists(st.sampled_from(_TRICKY), max_size=40).map("".join))
def test_same_as_unicodedata_on_tricky_text(text: str) -> None:
    assert to_nfc(text) == unicodedata.normalize("NFC", text)


@given(st.text(max_size=60))
def test_same_as_unicodedata_on_any_text(text: str) -> None:
    assert to_nfc(text) == unicodedata.normalize("NFC", text)


def test_the_marks_that_sort_before_a_nukta_are_the_ones_unicodedata_knows() -> None:
    listed = set(
        re.findall(f"[{BEFORE_NUKTA_MARKS}]", "".join(map(chr, range(sys.maxunicode + 1))))
    )
    expected = {chr(c) for c in range(sys.maxunicode + 1) if 0 < unicodedata.combining(chr(c)) < 7}
    assert listed == expected
