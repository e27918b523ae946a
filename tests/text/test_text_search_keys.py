"""The folding that stored search keys and readers' queries share (wiredesk.text.search_keys)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiredesk.text.search_keys import (
    FILTER_MARK,
    MAX_KEY_CHARS,
    MAX_QUERY_CHARS,
    MAX_QUERY_WORDS,
    MAX_WORD_CHARS,
    filter_token,
    fold_word,
    key_words,
    parse_query,
    story_key,
    story_words,
    word_spans,
)

ZWJ, ZWNJ = "\u200d", "\u200c"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("हिन्दी", "हिंदी"),  # न् before द: anusvara
        ("सम्बन्ध", "संबंध"),  # म् before ब, न् before ध
        ("अन्त", "अंत"),
        ("पण्डित", "पंडित"),  # ण् before ड
        ("चञ्चल", "चंचल"),  # ञ् before च
        ("गङ्गा", "गंगा"),  # ङ् before ग
        ("कम्पनी", "कंपनी"),  # म् before प
        ("हँसी", "हंसी"),  # chandrabindu
        ("ज़रूरी", "जरूरी"),  # nukta, precomposed or not
        ("\u095bरूरी", "जरूरी"),  # ज़ as one code point (U+095B)
        ("पढ़ाई", "पढाई"),
        ("\u0929", "\u0928"),  # ऩ, which NFC composes, folds like the others
        ("२०२६", "2026"),
        (f"क्{ZWJ}ष", "क्ष"),  # a half form chosen with a joiner
        (f"न्{ZWNJ}द", "ंद"),  # an explicit virama, then the nasal rule
        ("Delhi", "DELHI"),
        ("Café", "cafe"),
        ("Straße", "STRASSE"),
    ],
)
def test_spellings_of_one_word_fold_to_one_key(one: str, other: str) -> None:
    assert key_words(one) == key_words(other)
    assert len(key_words(one)) == 1


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("मिल", "मिलकर"),  # a word is never a piece of another
        ("मिल", "माल"),  # vowel signs are part of the word
        ("मिल", "मील"),
        ("मिली", "मल"),
        ("अन्य", "अंय"),  # न् before य (another class): as written
        ("सम्मान", "संमान"),  # म् before म: as written
        ("काम", "कम"),
        ("2026", "202"),
    ],
)
def test_different_words_keep_different_keys(one: str, other: str) -> None:
    assert key_words(one) != key_words(other)


def test_a_devanagari_sentence_is_cut_into_whole_words_at_spaces_and_punctuation() -> None:
    text = "दिल्ली में बुधवार को बारिश हुई। मौसम विभाग ने कहा, “कल भी”—अलर्ट जारी"
    assert key_words(text) == [
        "दिल्ली",
        "में",
        "बुधवार",
        "को",
        "बारिश",
        "हुई",
        "मौसम",
        "विभाग",
        "ने",
        "कहा",
        "कल",
        "भी",
        "अलर्ट",
        "जारी",
    ]


def test_english_and_mixed_text_fold_case_and_split_at_punctuation() -> None:
    assert key_words("PM Modi's G20 speech: India-US ties") == [
        "pm",
        "modi",
        "s",
        "g20",
        "speech",
        "india",
        "us",
        "ties",
    ]
    assert key_words("ISRO ने Chandrayaan-३ लॉन्च किया") == [
        "isro",
        "ने",
        "chandrayaan",
        "3",
        "लॉन्च",
        "किया",
    ]


def test_a_zero_width_space_separates_words_and_a_joiner_does_not() -> None:
    assert key_words("भारत\u200bसरकार") == ["भारत", "सरकार"]
    assert key_words(f"भारत{ZWJ}सरकार") == ["भारतसरकार"]


def test_overlong_words_are_left_out_and_keys_are_capped() -> None:
    assert key_words("a" * (MAX_WORD_CHARS + 1) + " ok") == ["ok"]
    long_body = "शब्द " * (MAX_KEY_CHARS // 4)
    key = story_key(["शीर्षक", long_body], {})
    assert len(key) <= MAX_KEY_CHARS
    assert key.startswith("शीर्षक शब्द")


def test_a_story_key_ends_with_its_filter_tokens_which_no_text_can_spell() -> None:
    token = filter_token("section", "khel")
    key = story_key(["खेल समाचार"], {"section": "khel", "originator": None})
    assert key == f"खेल समाचार {token}"
    assert token.startswith(FILTER_MARK) and len(token.split()) == 1
    assert filter_token("originator", "चाइना मीडिया ग्रुप").count(" ") == 0
    assert filter_token("section", "khel") != filter_token("source", "khel")
    # a query that pastes the token's characters finds nothing of it
    assert FILTER_MARK not in "".join(key_words(token))
    assert parse_query(token).words != (token,)


def test_highlight_spans_point_at_the_words_as_written() -> None:
    text = "ज़रूरी ख़बर: हिन्दी, Café!"
    spans = word_spans(text)
    assert [(text[a:b], w) for a, b, w in spans] == [
        ("ज़रूरी", "जरूरी"),
        ("ख़बर", "खबर"),
        ("हिन्दी", "हिंदी"),
        ("Café", "cafe"),
    ]
    assert fold_word("हिन्दी") == "हिंदी"


# Devanagari letters, signs, digits, joiners, Latin with accents, spaces and punctuation:
# the characters where the fast whole-text folding and the word-by-word one could part.
_ALPHABET = st.sampled_from(
    list("कखगङचजञटडणतदनपबमयरलवसहािीुूेैोौंँ़्ःॅॉ०१९अआइउएओक़ज़ड़")
    + list("aAzZéÉßİ0 9 _-.,।\"'")
    + [ZWJ, ZWNJ, "\u200b", "\u00ad", "\u0301", "\ue000", "𝟘", "𐐀", "\u0929"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_highlighting_folds_exactly_as_the_stored_key_does(text: str) -> None:
    assert [w for _, _, w in word_spans(text)] == key_words(text)
    # and NFC or not, the same words
    assert key_words(unicodedata.normalize("NFC", text)) == key_words(
        unicodedata.normalize("NFD", text)
    )


def test_a_query_is_its_words_anded_with_quoted_phrases() -> None:
    q = parse_query('"हिन्दी समाचार" दिल्ली  दिल्ली <script>alert(1)</script>')
    assert q.words == ("हिंदी", "समाचार", "दिल्ली", "script", "alert", "1")
    assert q.phrases == (("हिंदी", "समाचार"),)
    assert not q.shortened
    assert parse_query("“मौसम विभाग”").phrases == (("मौसम", "विभाग"),)
    assert parse_query('"एक"').phrases == ()  # one quoted word is a word


def test_empty_punctuation_only_and_overlong_queries() -> None:
    assert not parse_query("")
    assert not parse_query(" ।,!? ")
    long = parse_query("बारिश " * 10 + "x" * MAX_QUERY_CHARS + " बाढ़")
    assert long.shortened and long.words == ("बारिश",)  # the rest was past the cap
    assert not parse_query("बारिश " * 10).shortened
    many = parse_query(" ".join(f"w{n}" for n in range(MAX_QUERY_WORDS + 5)))
    assert many.shortened and len(many.words) == MAX_QUERY_WORDS


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_ALPHABET, max_size=40).map("".join) | st.none(), max_size=4))
def test_a_story_key_folds_token_by_token_exactly_as_the_whole_text(
    texts: list[str | None],
) -> None:
    # the key is made from remembered foldings of whitespace-separated tokens; the words
    # must be those the whole texts fold to, in order, whatever was folded before
    expected = " ".join(w for t in texts if t for w in key_words(t))
    assert story_words(texts) == expected
    assert story_words(texts) == expected  # the second time from what was remembered
