"""The matching key as ids must be the string key, token for token: the fast path that
fingerprints use may not fold differently from the key the tests and docs describe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.syndication.test_syndication_match_keys import SAME
from wiredesk.syndication.match_keys import match_key
from wiredesk.syndication.token_ids import MARK, ids_of, match_ids, token_id

BENCH = Path(__file__).resolve().parents[2] / "bench" / "syndication"


def ids_of_tokens(tokens: tuple[str, ...]) -> list[int]:
    return [token_id(t) for t in tokens]


def assert_same_key(headline: str, body: str) -> None:
    key, ids = match_key(headline, body), match_ids(headline, body)
    assert ids_of(ids.headline) == ids_of_tokens(key.headline)
    assert ids_of(ids.tokens) == ids_of_tokens(key.tokens)


@pytest.mark.parametrize(("a", "b"), SAME)
def test_every_spelling_variant_folds_to_the_same_ids(a: str, b: str) -> None:
    assert_same_key(a, f"पहली पंक्ति {a}।\n{b} और आगे.")
    assert match_ids("h", a).tokens == match_ids("h", b).tokens


def test_the_labelled_syndication_set_gives_the_string_key_for_every_story() -> None:
    """Hundreds of stories in Hindi and English with every edit the evaluation makes:
    credit lines, disclaimers, datelines, digits, spelling, quotes, `per cent`."""
    sys.path.insert(0, str(BENCH))
    try:
        from generate import iter_records
    finally:
        sys.path.remove(str(BENCH))
    records = list(iter_records(0))
    assert len(records) > 1000
    for r in records:
        assert_same_key(r["headline"], r["body_text"])


def test_sentences_are_marked_and_a_headline_has_no_marks() -> None:
    ids = match_ids("पहली बात। दूसरी बात", "एक वाक्य। दूसरा वाक्य।")
    body = ids_of(ids.tokens)
    assert body.count(MARK) == 2
    assert MARK not in ids_of(ids.headline)


def test_ids_are_the_same_in_another_process() -> None:
    """Persisted fingerprints depend on it: a salted hash (Python's `hash`) would differ."""
    code = (
        "from wiredesk.syndication.token_ids import match_ids; "
        "print(match_ids('बीजिंग में बैठक', 'दोनों देशों ने समझौता किया।').tokens.hex())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    here = match_ids("बीजिंग में बैठक", "दोनों देशों ने समझौता किया।").tokens.hex()
    assert out.stdout.strip() == here


def test_shingle_hashes_of_all_shingles_at_once_are_each_shingles_own() -> None:
    """The shingle hashes (C, or numpy arithmetic over all shingles at once) must give, for
    every shingle, the mix of its own three ids, as a loop over the shingles computes it
    (with 64-bit wrap-around)."""
    from wiredesk.syndication.fingerprint import _K1, _K2, _K3, _shingle_hashes

    m = 2**64 - 1
    k1, k2, k3 = _K1, _K2, _K3  # Python ints: exact, then masked

    def mix(a: int, b: int, c: int) -> int:
        h = (((a * k1 & m) ^ b) * k2 & m ^ c) * k3 & m
        return h ^ (h >> 32)

    packed = match_ids("एक दो तीन", "चार पांच छह सात। आठ नौ दस ग्यारह बारह।").tokens
    ids = ids_of(packed)
    expected = [mix(a, b, c) for a, b, c in zip(ids, ids[1:], ids[2:], strict=False)]
    assert list(_shingle_hashes(packed)) == expected
    assert len(set(expected)) == len(expected)
    assert mix(ids[0], ids[1], ids[2]) != mix(ids[1], ids[0], ids[2])  # order matters
    assert list(_shingle_hashes(packed[:16])) == [mix(ids[0], ids[1], 0)]  # two ids
    assert list(_shingle_hashes(b"")) == []


def test_a_word_too_long_to_cache_is_folded_each_time_and_never_kept() -> None:
    """A pasted blob with no space in it (base64, a mangled paragraph) keys like any text,
    but the word table does not keep it: 200,000 of them would hold gigabytes."""
    from wiredesk.syndication import token_ids

    blob = "QmFzZTY0" * 2_000 + "।"
    body = f"पहली पंक्ति {blob} और आगे। per cent"
    assert_same_key("h", body)
    assert token_ids.text_ids(blob) == token_ids.text_ids(blob)  # and again, from nothing
    assert token_ids._WORDS.packed(blob) == [blob]  # not in the table
    assert isinstance(token_ids._WORDS.packed("पहली पंक्ति"), bytes)  # the short ones are


def test_ids_are_right_when_the_table_is_emptied_between_lookups() -> None:
    """Another thread may clear the shared table (it is bounded) between the lookup that
    reports a text's new words and the one after they were added."""
    from wiredesk.syndication.token_ids import _PythonWordTable, text_ids

    class EmptiedOnce(_PythonWordTable):
        calls = 0

        def packed(self, text: str) -> bytes | list[str]:
            self.calls += 1
            if self.calls == 2:
                self.clear()
            return super().packed(text)

    text = "सरकार ने नई योजना शुरू की। 2.5 per cent"
    assert text_ids(text, EmptiedOnce()) == text_ids(text, _PythonWordTable())
