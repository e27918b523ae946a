"""The C word table must give what the pure-Python path gives, for any text: the two
produce the ids that fingerprints are made of, and a site may run either."""

from __future__ import annotations

import shutil
import sysconfig

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.syndication.test_syndication_match_keys import SAME
from wiredesk.syndication import fingerprint, index, token_ids, verify
from wiredesk.syndication.token_ids import MARK_BYTES, IdKey, _PythonWordTable, text_ids

if token_ids.NATIVE:
    from wiredesk.syndication import _native as words

# Only on a machine without a C compiler, where nothing native exists to compare; wherever a
# compiler is (this project's CI included), the extension must be built, and
# `test_the_native_table_is_built_where_a_compiler_is` fails if it was not, so these never
# skip silently there.
needs_native = pytest.mark.skipif(
    not token_ids.NATIVE, reason="no C compiler at install: only the Python path exists here"
)

# Every character `str.split()` splits at, and characters of each storage width.
SPACES = (
    " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2005\u200a\u2028\u2029\u202f\u205f\u3000"
)
LETTERS = "abcXYZ12é\xffकखग़ज़क्ष।ँं़\u200d\u0915\u093c日本😀\U0001f600\x00"

piece = st.text(alphabet=SPACES + LETTERS, max_size=60)


def test_the_native_table_is_built_where_a_compiler_is() -> None:
    """`pip install` builds it when it can; without it fingerprints are ~30 % slower, which
    nothing else would reveal."""
    compiler = sysconfig.get_config_var("CC") or "cc"
    if shutil.which(compiler.split()[0]) is None:
        pytest.skip(f"no C compiler ({compiler}) on this machine: the Python path is used")
    assert token_ids.NATIVE, "the C extension wiredesk.syndication._native was not built"


@needs_native
@settings(max_examples=300, deadline=None)
@given(texts=st.lists(piece, min_size=1, max_size=4), known=st.lists(piece, max_size=6))
def test_native_and_python_tables_answer_alike(texts: list[str], known: list[str]) -> None:
    native, python = words.WordTable(), _PythonWordTable()
    for i, w in enumerate(w for k in known for w in k.split()):
        for table in (native, python):
            table.add(w, i.to_bytes(2, "little") * (i % 3))
    assert len(native) == len(python)
    for text in texts:
        assert native.packed(text) == python.packed(text)


@needs_native
@settings(max_examples=200, deadline=None)
@given(text=piece)
def test_ids_of_a_text_are_the_same_through_either_table(text: str) -> None:
    assert text_ids(text, words.WordTable()) == text_ids(text, _PythonWordTable())
    assert text_ids(text) == text_ids(text, _PythonWordTable())


@needs_native
def test_a_word_is_found_whatever_the_width_of_the_text_it_is_in() -> None:
    table = words.WordTable()
    table.add("cat", b"C")
    table.add("ज़मीन", b"Z")
    assert table.packed("cat") == b"C"  # a one-byte text
    assert table.packed("ज़मीन cat") == b"ZC"  # two bytes per character
    assert table.packed("cat 😀") == ["😀"]  # four: the miss is reported, not guessed
    table.add("cat", b"D")  # a word added again replaces its value
    assert table.packed("cat cat") == b"DD" and len(table) == 2


@needs_native
def test_the_table_grows_and_clears_without_losing_words() -> None:
    table = words.WordTable()
    for i in range(50_000):
        table.add(f"शब्द{i}", i.to_bytes(4, "little"))
    assert len(table) == 50_000
    assert table.packed("शब्द0 शब्द49999") == (0).to_bytes(4, "little") + (49_999).to_bytes(
        4, "little"
    )
    table.clear()
    assert len(table) == 0 and table.packed("शब्द0") == ["शब्द0"]


@needs_native
def test_bad_arguments_are_refused_with_what_was_wrong() -> None:
    table = words.WordTable()
    with pytest.raises(ValueError, match="one word"):
        table.add("two words", b"x")
    with pytest.raises(ValueError, match="empty"):
        table.add("", b"x")
    with pytest.raises(TypeError):
        table.add("w", "not bytes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="str"):
        table.packed(b"bytes")  # type: ignore[arg-type]


def test_the_cache_is_bounded_and_still_answers_after_it_is_emptied(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A feed of made-up words may not grow the table without end (issue 4's memory)."""
    table = token_ids.WordTable()
    monkeypatch.setattr(token_ids, "_CACHE_LIMIT", 100)
    expected = {}
    for i in range(300):
        text = f"शब्द{i} और{i}"
        expected[text] = text_ids(text, _PythonWordTable())
        assert text_ids(text, table) == expected[text]
        assert len(table) <= 100 + 3
    for text, ids in expected.items():
        assert text_ids(text, table) == ids


ids = st.binary(min_size=8, max_size=8)


@st.composite
def packed_keys(draw: st.DrawFn) -> IdKey:
    """Packed ids with marks between sentences, repeated sentences, empty runs, and marks
    that straddle two ids (the byte-level split the Python path does)."""
    pool = draw(st.lists(st.lists(ids, max_size=6).map(b"".join), min_size=1, max_size=8))
    order = draw(st.lists(st.sampled_from(pool), max_size=20))
    glue = draw(st.sampled_from([MARK_BYTES, MARK_BYTES + MARK_BYTES, MARK_BYTES[3:]]))
    tokens = glue.join(order) + draw(st.sampled_from([b"", MARK_BYTES]))
    if draw(st.booleans()):
        tokens = MARK_BYTES[4:] + tokens  # half a mark: a run that cuts across ids
    headline = draw(st.lists(ids, max_size=300).map(b"".join))
    return IdKey(headline, tokens)


@needs_native
@settings(max_examples=400, deadline=None)
@given(key=packed_keys())
def test_native_features_are_the_python_ones(key: IdKey) -> None:
    assert fingerprint.features(key) == fingerprint._python_features(key)


@needs_native
def test_native_features_of_real_stories_are_the_python_ones() -> None:
    for headline, body in SAME[:20]:
        key = token_ids.match_ids(headline, f"{body}। {headline}।\n{body}.")
        assert fingerprint.features(key) == fingerprint._python_features(key)


@needs_native
@settings(max_examples=300, deadline=None)
@given(packed=st.lists(ids, max_size=80).map(b"".join))
def test_native_shingles_are_the_numpy_ones(packed: bytes) -> None:
    assert list(fingerprint._shingle_hashes(packed)) == list(
        fingerprint._numpy_shingle_hashes(packed)
    )


@needs_native
@settings(max_examples=100, deadline=None)
@given(
    headline=st.lists(ids, max_size=12).map(b"".join),
    tokens=st.lists(st.one_of(ids, st.just(MARK_BYTES)), max_size=60).map(b"".join),
)
def test_signatures_by_either_path_are_equal(headline: bytes, tokens: bytes) -> None:
    key = IdKey(headline, tokens)
    native = fingerprint.signature(key)
    try:
        fingerprint._native_shingles = None
        assert fingerprint.signature(key) == native
    finally:
        fingerprint._native_shingles = words.shingles


@needs_native
@settings(max_examples=300, deadline=None)
@given(signature=st.binary(max_size=400), cuts=st.lists(st.integers(0, 400), max_size=40))
def test_native_band_keys_are_the_python_ones(signature: bytes, cuts: list[int]) -> None:
    spans = [
        (a, b) for a, b in zip(cuts[::2], cuts[1::2], strict=False) if a <= b <= len(signature)
    ]
    assert index._native.band_keys(signature, spans) == index._python_band_keys(signature, spans)
    assert index.band_keys(b"", []) == []


bucket = st.one_of(st.integers(0, 30), st.lists(st.integers(0, 30), min_size=2, max_size=20))


@needs_native
@settings(max_examples=400, deadline=None)
@given(
    tables=st.lists(st.dictionaries(st.integers(-5, 40), bucket, max_size=30), max_size=3),
    keys=st.lists(st.integers(-5, 40), max_size=35),
    max_bucket=st.integers(0, 18),
)
def test_native_candidates_are_the_python_ones(
    tables: list[dict[int, int | list[int]]], keys: list[int], max_bucket: int
) -> None:
    """Same ids, same counts, same order: most shared first, ties in the order first seen."""
    args = (tuple(tables), keys, max_bucket)
    assert index._native.candidates(*args) == index._python_candidates(*args)


def test_a_story_of_more_distinct_sentences_than_the_count_holds_keeps_the_first() -> None:
    """A hostile body with 70,000 sentences may not make fingerprinting fail (the count is
    a uint16): the first 65,535 distinct sentences are kept, by either path."""
    sentences = [i.to_bytes(8, "little") for i in range(1, 70_001)]
    key = IdKey(b"", MARK_BYTES.join(sentences))
    packed = fingerprint._python_features(key)
    decoded = fingerprint.unpack_features(packed)
    assert len(decoded.sentences) == fingerprint.MAX_SENTENCES
    assert fingerprint.features(key) == packed


@st.composite
def key_pairs(draw: st.DrawFn) -> tuple[IdKey, IdKey]:
    """Two stories drawing sentences (and maybe the headline) from one pool: anything from
    nothing shared to the same story."""
    pool = draw(st.lists(st.lists(ids, min_size=1, max_size=40).map(b"".join), min_size=1))
    heads = draw(st.lists(st.lists(ids, max_size=12).map(b"".join), min_size=1, max_size=2))

    def story() -> IdKey:
        chosen = draw(st.lists(st.sampled_from(pool), max_size=12))
        return IdKey(draw(st.sampled_from(heads)), MARK_BYTES.join(chosen) + MARK_BYTES)

    return story(), story()


@needs_native
@settings(max_examples=400, deadline=None)
@given(pair=key_pairs())
def test_native_coverage_gives_the_python_verdict(pair: tuple[IdKey, IdKey]) -> None:
    q, s = (fingerprint.features(k) for k in pair)
    python = verify.compare(fingerprint.unpack_features(q), fingerprint.unpack_features(s))
    assert verify.compare_packed(q, s) == python


@needs_native
def test_coverage_refuses_what_is_not_packed_features() -> None:
    good = fingerprint.features(IdKey(b"", b"x" * 16))
    with pytest.raises(ValueError, match="not packed features"):
        verify.compare_packed(good, good[:5])
    with pytest.raises(ValueError, match="not packed features"):
        verify.compare_packed(good[:-1], good)  # the count promises one more weight
