"""Search keys: the one folding of text that stored keys and readers' queries both go through.

A reader types Hindi as their keyboard and habits spell it; an agency spelled it its own way.
The same word must meet the same key, and a word must never match a piece of another word.
So a text is cut into words and each word folded, by exactly the same function for a story
(when its copy is written) and for a query (when it is asked), which is what keeps the two in
agreement:

- **Words are whole.** A word is a run of letters, digits, marks and private-use characters
  (Unicode categories L*, N*, M*, Co, as SQLite's FTS5 is told with `unicode61 categories
  'L* N* Co M*'`): a Devanagari vowel sign or virama is part of its word, so `मिल` is not
  found inside `मिलकर` and `मिली` is not `मल`. Anything else separates words (spaces,
  punctuation, the danda `।`, a zero-width space).
- **Invisible joiners go.** ZERO WIDTH JOINER and NON-JOINER choose how a conjunct is drawn
  (`क्‍ष`, `क्ष`), not which word it is; soft hyphens, word joiners and byte-order marks are
  invisible too. They are removed, never taken as a break.
- **The nukta is optional.** `ज़` = `ज`, `फ़` = `फ`, `ड़` = `ड`: many keyboards and writers leave
  it out.
- **One nasal spelling.** Chandrabindu is folded to anusvara (`हँस` = `हंस`), and a nasal
  consonant with virama before a consonant of its own class (`ङ्क`, `ञ्च`, `ण्ट`, `न्त`/`न्द`,
  `म्ब`/`म्प`, …) to anusvara: `हिन्दी` = `हिंदी`, `सम्बन्ध` = `संबंध`. A nasal before a
  consonant of another class (`अन्य`, `सम्मान`) is left as written: there the two spellings
  are not the same word's.
- **Digits are digits.** `२०२६` = `2026`, in any script Unicode gives decimal digits.
- **Case and Latin accents fold** (`Delhi` = `delhi`, `café` = `cafe`, `Straße` = `strasse`),
  so English and mixed text search as readers expect.

The key of a story is its folded words joined by single spaces; after them come a few filter
tokens (`filter_token`), private-use words a typed query can never produce, which let the
index find "this word, in this section" without reading the stories of other sections.

Everything here is pure and standard-library only; `key_words` runs over whole bodies with C
string operations (a story of 3,000 characters in well under a millisecond), while
`word_spans`, for highlighting, folds word by word: a property test holds the two equal.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

# A word longer than this (a run of base64, a URL's path glued together) is no word anyone
# types: left out of keys and queries alike. PostgreSQL's lexemes must stay under 2 KB.
MAX_WORD_CHARS = 60
# The most of a story's folded text that is searchable: PostgreSQL's `tsvector` holds at most
# 1 MB, and a story longer than a hundred thousand characters is a document, not news.
MAX_KEY_CHARS = 100_000
# What a query may hold: longer text is cut here, and the page says so.
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 12

_VIRAMA = "\u094d"
_ANUSVARA = "\u0902"
_CHANDRABINDU = "\u0901"
_NUKTA = "\u093c"
# Removed inside words: joiners, soft hyphen, word joiner, byte-order mark, combining
# grapheme joiner (and every Latin combining accent, U+0300-U+036F, with it).
_INVISIBLE = "\u200c\u200d\u00ad\u2060\ufeff"
# A filter token starts with this private-use character; folding removes private-use
# characters from text, so no story's words and no typed query can make one.
FILTER_MARK = "\ue000"
_PRIVATE_USE = (0xE000, 0xF8FF)

# A nasal consonant + virama before a consonant of its own class: the anusvara spelling.
_NASAL_CLUSTER_RE = re.compile(
    "\u0919\u094d(?=[\u0915-\u0918])"  # ङ् before क ख ग घ
    "|\u091e\u094d(?=[\u091a-\u091d])"  # ञ् before च छ ज झ
    "|\u0923\u094d(?=[\u091f-\u0922])"  # ण् before ट ठ ड ढ
    "|\u0928\u094d(?=[\u0924-\u0927])"  # न् before त थ द ध
    "|\u092e\u094d(?=[\u092a-\u092d])"  # म् before प फ ब भ
)


@dataclass(frozen=True, slots=True)
class _Patterns:
    digits: re.Pattern[str]  # a decimal digit other than ASCII
    folded: re.Pattern[str]  # a word of folded text
    written: re.Pattern[str]  # a word of text as written (joiners and accents inside)


@dataclass(frozen=True, slots=True)
class _Tables:
    drop: re.Pattern[str]  # what folding removes
    digit_values: dict[str, str]
    bmp: _Patterns  # for text without supplementary characters: fast
    every: _Patterns  # for any text


_SUPPLEMENTARY_RE = re.compile("[\U00010000-\U0010ffff]")


@functools.cache
def _tables() -> _Tables:
    """The patterns, built once per process from the running Python's Unicode data (~0.2 s).

    A story's body is folded at every write, so the patterns are made for speed: one
    character class each, listed code point ranges only, which Python's regex engine turns
    into a lookup table when they all lie in the Basic Multilingual Plane (a class with `\\w`
    or characters beyond it is tested range by range, four times slower). Text with a
    character beyond the BMP (rare in news) takes the slower patterns of every plane.
    """
    word: list[int] = []  # L*, N*, M* (but the Latin accents folding drops), Co
    digit_values: dict[str, str] = {}
    for c in range(0x110000):
        category = unicodedata.category(chr(c))
        if category == "Nd" and c >= 0x80:
            digit_values[chr(c)] = str(unicodedata.decimal(chr(c)))
        if (category[0] in "LNM" or category == "Co") and not 0x0300 <= c < 0x0370:
            word.append(c)
    digit_codes = sorted(map(ord, digit_values))
    accents = _char_range(0x0300, 0x036F)
    invisible = "".join(re.escape(c) for c in _INVISIBLE)

    def patterns(limit: int) -> _Patterns:
        letters = _ranges([c for c in word if c < limit])
        return _Patterns(
            digits=re.compile(f"[{_ranges([c for c in digit_codes if c < limit])}]"),
            folded=re.compile(f"[{letters}]+"),
            written=re.compile(f"[{letters}{accents}{invisible}]+"),
        )

    private = _char_range(*_PRIVATE_USE)
    return _Tables(
        drop=re.compile(f"[{accents}{re.escape(_NUKTA)}{invisible}{private}]+"),
        digit_values=digit_values,
        bmp=patterns(0x10000),
        every=patterns(0x110000),
    )


def _patterns(text: str) -> _Patterns:
    t = _tables()
    return t.bmp if _SUPPLEMENTARY_RE.search(text) is None else t.every


def _ranges(codes: list[int]) -> str:
    """A character class's inside for these (sorted) code points."""
    runs: list[list[int]] = []
    for c in codes:
        if runs and runs[-1][1] == c - 1:
            runs[-1][1] = c
        else:
            runs.append([c, c])
    return "".join(_char_range(lo, hi) for lo, hi in runs)


def _char_range(lo: int, hi: int) -> str:
    return re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}"


def _fold(text: str, patterns: _Patterns) -> str:
    """Text with every fold applied; words are still where they were, separators kept."""
    t = _tables()
    folded = t.drop.sub("", unicodedata.normalize("NFD", text.casefold()))
    folded = folded.replace(_CHANDRABINDU, _ANUSVARA).replace("_", " ")
    if patterns.digits.search(folded) is not None:
        folded = patterns.digits.sub(lambda m: t.digit_values[m.group()], folded)
    return _NASAL_CLUSTER_RE.sub(_ANUSVARA, folded)


def key_words(text: str) -> list[str]:
    """The folded words of `text`, in order (repeats kept): what the index holds of it."""
    patterns = _patterns(text)
    words: list[str] = patterns.folded.findall(_fold(text, patterns))
    if words and max(map(len, words)) > MAX_WORD_CHARS:
        return [w for w in words if len(w) <= MAX_WORD_CHARS]
    return words


def fold_word(word: str) -> str:
    """One word as written, folded ("" if nothing searchable is left of it)."""
    found = key_words(word)
    return found[0] if len(found) == 1 else "".join(found)


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, folded word) of each word of `text` as written: where to put a
    highlight. The folded words are exactly `key_words(text)`."""
    out: list[tuple[int, int, str]] = []
    for m in _patterns(text).written.finditer(text):
        for folded in key_words(m.group()):
            out.append((m.start(), m.end(), folded))
    return out


def filter_token(kind: str, value: str) -> str:
    """A word of a story's key that says one of its facts (`kind` "section", "source",
    "language" or "originator" = `value`): the index finds a query's words and its filters
    at once. A hash keeps any value (spaces, Devanagari, punctuation) one word."""
    digest = hashlib.blake2b(f"{kind}\x00{value}".encode(), digest_size=8).hexdigest()
    return f"{FILTER_MARK}{kind[0]}{digest}"


def story_key(texts: Iterable[str | None], facts: dict[str, str | None]) -> str:
    """The stored key of a copy: the folded words of its texts (headline, summary, body …),
    at most MAX_KEY_CHARS of them, then a filter token for each fact that has a value."""
    return keyed_with(story_words(texts), facts)


class _FoldedTokens(dict[str, str]):
    """Whitespace-separated tokens as written -> their folded words joined by spaces.

    Folding is local to a word (every fold changes or removes characters inside a run of word
    characters, and whitespace is never one), so a text's folded words are its tokens' folded
    words in order; a wire's vocabulary recurs from story to story, so most tokens of a new
    story were folded before and cost a dictionary lookup instead of six passes of regular
    expressions over the text. A property test holds `story_words` equal to `key_words`.
    """

    __slots__ = ()
    LIMIT = 200_000  # distinct tokens kept (a few tens of MB at most); then it starts again

    def __missing__(self, token: str) -> str:
        if len(self) >= self.LIMIT:
            self.clear()
        folded = self[token] = " ".join(key_words(token))
        return folded


_folded_tokens = _FoldedTokens()


def story_words(texts: Iterable[str | None]) -> str:
    """The words part of a story's key: folded, at most MAX_KEY_CHARS. Apart from the
    filter tokens because it is the costly part (folded at every write) and needs nothing
    but the text: ingest's worker process makes it beside the writer."""
    fold = _folded_tokens.__getitem__
    tokens = itertools.chain.from_iterable(text.split() for text in texts if text)
    key = " ".join(filter(None, map(fold, tokens)))
    if len(key) > MAX_KEY_CHARS:  # whole words only
        key = key[: MAX_KEY_CHARS + 1].rsplit(" ", 1)[0]
    return key


def keyed_with(key: str, facts: dict[str, str | None]) -> str:
    """`story_words`' result with a filter token for each fact that has a value."""
    tokens = [filter_token(kind, value) for kind, value in facts.items() if value]
    return " ".join([key, *tokens]) if key else " ".join(tokens)


@dataclass(frozen=True, slots=True)
class QueryTerms:
    """What a typed query asks for: every word (and every quoted phrase) must be in a story.

    `words` are all the folded words, phrases' words included (the index looks them up);
    `phrases` are the quoted runs of two or more words that must also stand together.
    """

    words: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]
    shortened: bool  # the query was longer than MAX_QUERY_CHARS or MAX_QUERY_WORDS

    def __bool__(self) -> bool:
        return bool(self.words)


_QUOTES_RE = re.compile('["\u201c\u201d\u201e\u00ab\u00bb]')


def parse_query(text: str) -> QueryTerms:
    """A reader's query: its words, AND-ed, and any "quoted phrase"; at most MAX_QUERY_CHARS
    characters and MAX_QUERY_WORDS distinct words are read, the rest is left out."""
    shortened = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS]
    words: list[str] = []
    phrases: list[tuple[str, ...]] = []
    for n, part in enumerate(_QUOTES_RE.split(text)):
        found = key_words(part)
        if n % 2 == 1 and len(found) > 1:  # inside quotes
            phrases.append(tuple(found))
        words += found
    unique = list(dict.fromkeys(words))
    if len(unique) > MAX_QUERY_WORDS:
        shortened = True
        unique = unique[:MAX_QUERY_WORDS]
        kept = set(unique)
        phrases = [p for p in phrases if kept.issuperset(p)]
    return QueryTerms(tuple(unique), tuple(dict.fromkeys(phrases)), shortened)
