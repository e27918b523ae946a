"""The matching key as numbers: one stable 64-bit id per folded token, packed in bytes.

`match_keys.match_key` gives the key as strings, which is how a person reads it and how the
tests state what folds to what. Fingerprinting does not need the strings, only something equal
where they are equal: so each whitespace-separated word of a text is folded once (the same
`fold_token` the string key uses), its folded tokens are turned into ids, and the ids are
kept as packed bytes per raw word in a word table. The table (`_native.c`) finds each word
where it lies in the text and copies its ids into the result, with no Python object per word;
every later step works on the packed ids: sentences are the runs between `MARK`s
(`bytes.split`), and shingles are arithmetic over them (fingerprint.py); the ingest benchmark
shows each step's gain over strings and over a dict per word (bench/RESULTS.md). Without a C
compiler at install time the same table is a dict (`_PythonWordTable`): the same ids, slower.

Ids are the first 8 bytes of BLAKE2b of the folded token's UTF-8: the same in every process
and on every machine, so fingerprints can be persisted. The sentence mark `\\x00` has its own
id, `MARK`.
"""

from __future__ import annotations

import hashlib
import sys
from array import array
from dataclasses import dataclass

from wiredesk.syndication.match_keys import (
    JOIN_LINES,
    PHRASE_PAIRS,
    SENTENCE_MARK,
    fold_token,
    headline_proper,
    story_lines,
)

_CACHE_LIMIT = 200_000
# Longer "words" (a pasted base64 blob, a run of characters with no space) are folded every
# time instead of cached: 200,000 of them could otherwise hold gigabytes.
_LONGEST_CACHED = 64


def token_id(token: str) -> int:
    """The stable 64-bit id of one folded token."""
    return int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "little")


MARK = token_id(SENTENCE_MARK)
MARK_BYTES = MARK.to_bytes(8, "little")


def _token_bytes(token: str) -> bytes:
    """`token_id(token)` as 8 little-endian bytes: the digest itself."""
    return hashlib.blake2b(token.encode(), digest_size=8).digest()


def _packed(*tokens: str) -> bytes:
    return b"".join(map(_token_bytes, tokens))


# Two-word variants (`per cent` -> `percent`) folded in the packed ids, as `_phrases` folds
# them in strings: a 16-byte pattern cannot match across id boundaries by chance.
_PHRASES = tuple((_packed(*pair), _packed(word)) for pair, word in PHRASE_PAIRS.items())


class _PythonWordTable:
    """The word table without the C extension (an install without a compiler): the same
    results through `str.split`, a dict and `bytes.join`."""

    def __init__(self) -> None:
        self._words: dict[str, bytes] = {}

    def packed(self, text: str) -> bytes | list[str]:
        words = text.split()
        try:
            return b"".join(map(self._words.get, words))  # type: ignore[arg-type]
        except TypeError:  # a miss (None): cheaper to catch than to check every word first
            return [w for w in words if w not in self._words]

    def add(self, word: str, value: bytes) -> None:
        self._words[word] = value

    def clear(self) -> None:
        self._words.clear()

    def __len__(self) -> int:
        return len(self._words)


try:
    from wiredesk.syndication._native import WordTable
except ImportError:  # built without a C compiler: the same ids, found more slowly
    NATIVE = False
    WordTable = _PythonWordTable  # type: ignore[assignment,misc]
else:
    NATIVE = True


# Raw word -> packed ids of its folded tokens. Only words are cached, not tokens: a word is
# folded once, and a vocabulary of 200,000 words (a feed of made-up names and numbers) costs
# ~30 MB here; a second table per token would double that for a few microseconds per miss.
_WORDS = WordTable()
_WORDS.add(SENTENCE_MARK, MARK_BYTES)


def _word_bytes(word: str) -> bytes:
    return _packed(*fold_token(word))


def _ids_of_word(table: WordTable | _PythonWordTable, word: str) -> bytes:
    found = table.packed(word)
    return found if type(found) is bytes else _word_bytes(word)


def text_ids(text: str, table: WordTable | _PythonWordTable = _WORDS) -> bytes:
    """Ids of the folded tokens of the whitespace-separated words of `text`, with `MARK`
    after each sentence, as little-endian uint64s: `[token_id(t) for t in
    match_keys._folded(text.split())]`, computed from the word table.

    The table answers with the words it lacks instead of ids; they are folded, added, and
    the text is looked up again. When that still misses (a word too long to keep, or another
    thread emptied the table in between), the text is done word by word.
    """
    packed = table.packed(text)
    if type(packed) is list:
        if len(table) > _CACHE_LIMIT:
            table.clear()
            table.add(SENTENCE_MARK, MARK_BYTES)
        for word in dict.fromkeys(packed):
            if len(word) <= _LONGEST_CACHED:
                table.add(word, _word_bytes(word))
        packed = table.packed(text)
        if type(packed) is list:
            packed = b"".join([_ids_of_word(table, w) for w in text.split()])
    for pair, word in _PHRASES:  # `packed` is bytes from here on
        if pair in packed:
            packed = packed.replace(pair, word)  # type: ignore[union-attr]
    return packed  # type: ignore[return-value]


def ids_of(packed: bytes) -> list[int]:
    """The ids in packed bytes, as ints (for tests and debugging)."""
    values = array("Q", packed)
    if sys.byteorder != "little":
        values.byteswap()
    return values.tolist()


@dataclass(frozen=True, slots=True)
class IdKey:
    """`match_keys.MatchKey` as packed ids: the headline's (no marks) and the body's (with
    `MARK` after each sentence, and between lines)."""

    headline: bytes
    tokens: bytes


def match_ids(headline: str, body_text: str) -> IdKey:
    """The matching key of a story as ids; equal, id for token, to `match_keys.match_key`."""
    headline = headline_proper(headline)
    body = text_ids(JOIN_LINES.join(story_lines(body_text)))
    head = text_ids(headline)
    if MARK_BYTES in head:  # a headline is one sentence: its marks go (whole ids only)
        head = b"".join(
            head[i : i + 8] for i in range(0, len(head), 8) if head[i : i + 8] != MARK_BYTES
        )
    return IdKey(head, body)
