"""Stage 5: a readable Latin URL slug from the headline.

Readers share and read URLs, so a Hindi headline should give `kajakistan-ke-rashtrapati-se-
mulakat`, not percent-encoded Devanagari or a scholarly `kajākistāna`. That takes a Hindi
reading, not a letter-for-letter transliteration: the inherent vowel (schwa) is dropped at word
ends and between syllables where Hindi speakers drop it (`सरकार` -> `sarkar`), and long vowels,
nukta and nasal signs fold into plain ASCII.

A small table and a syllable pass instead of `indic_transliteration.sanscript`: sanscript gives
Sanskrit readings (`kajAkistAna`, no schwa deletion) and took several times as long per
headline.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from wiredesk.model import Item
from wiredesk.pipeline.context import StageContext
from wiredesk.pipeline.evolve import evolve
from wiredesk.pipeline.nfc import to_nfc

MAX_SLUG_LENGTH = 80
FALLBACK_SLUG = "story"

_CONSONANTS = {
    "क": "k", "ख": "kh", "ग": "g", "घ": "gh", "ङ": "n",
    "च": "ch", "छ": "chh", "ज": "j", "झ": "jh", "ञ": "n",
    "ट": "t", "ठ": "th", "ड": "d", "ढ": "dh", "ण": "n",
    "त": "t", "थ": "th", "द": "d", "ध": "dh", "न": "n", "ऩ": "n",
    "प": "p", "फ": "f", "ब": "b", "भ": "bh", "म": "m",
    "य": "y", "र": "r", "ऱ": "r", "ल": "l", "ळ": "l", "ऴ": "l", "व": "v",
    "श": "sh", "ष": "sh", "स": "s", "ह": "h",
}  # fmt: skip
_NUKTA_FORMS = {"k": "q", "j": "z", "f": "f", "y": "y"}  # क़ ज़ फ़ य़; the others keep their base
_MATRAS = {
    "ा": "a", "ि": "i", "ी": "i", "ु": "u", "ू": "u", "ृ": "ri", "ॄ": "ri",
    "ॅ": "e", "ॆ": "e", "े": "e", "ै": "ai", "ॉ": "o", "ॊ": "o", "ो": "o", "ौ": "au",
}  # fmt: skip
_VOWELS = {
    "अ": "a", "आ": "a", "इ": "i", "ई": "i", "उ": "u", "ऊ": "u", "ऋ": "ri", "ॠ": "ri",
    "ऌ": "li", "ऍ": "e", "ऎ": "e", "ए": "e", "ऐ": "ai", "ऑ": "o", "ऒ": "o", "ओ": "o", "औ": "au",
}  # fmt: skip
_VIRAMA, _NUKTA, _ANUSVARA, _CHANDRABINDU, _VISARGA = "्", "़", "ं", "ँ", "ः"
_LABIALS = ("p", "f", "b", "m")
_SCHWA = "ə"  # the inherent vowel; written "a" when it survives, distinct from "ा"
_LATIN_EXTRA = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ł": "l",
     "Ł": "l", "œ": "oe", "Œ": "oe", "þ": "th", "Þ": "th", "ı": "i"}
)  # fmt: skip
_DEVANAGARI_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
_DEVANAGARI_DIGIT_RE = re.compile("[०-९]")
_WORD_RE = re.compile(r"[\u0900-\u0963\u0971-\u097F]+|[^\W_]+")
_APOSTROPHES_RE = re.compile(r"['’`ʼ]")
_SLUG_PIECE_RE = re.compile(r"[a-z0-9]+")


class _Syllable:
    """Consonant cluster + vowel; `vowel` is None after a final virama."""

    __slots__ = ("cons", "nasal", "tail", "vowel")

    def __init__(self, cons: list[str], vowel: str | None) -> None:
        self.cons = cons
        self.vowel = vowel
        self.nasal = ""  # "anusvara" or "chandrabindu"
        self.tail = ""  # visarga

    @property
    def has_schwa(self) -> bool:
        return self.vowel == _SCHWA and bool(self.cons) and not self.nasal


def _syllables(word: str) -> list[_Syllable]:
    out: list[_Syllable] = []
    after_virama = False
    for ch in word:
        if ch in _CONSONANTS:
            if after_virama and out:
                out[-1].cons.append(_CONSONANTS[ch])
                out[-1].vowel = _SCHWA
            else:
                out.append(_Syllable([_CONSONANTS[ch]], _SCHWA))
            after_virama = False
            continue
        after_virama = False
        if ch in _VOWELS:
            out.append(_Syllable([], _VOWELS[ch]))
        elif not out:
            continue  # a stray sign at the start of a word has nothing to attach to
        elif ch in _MATRAS:
            out[-1].vowel = _MATRAS[ch]
        elif ch == _VIRAMA:
            out[-1].vowel = None
            after_virama = True
        elif ch == _NUKTA and out[-1].cons:
            last = out[-1].cons[-1]
            out[-1].cons[-1] = _NUKTA_FORMS.get(last, last)
        elif ch == _ANUSVARA:
            out[-1].nasal = "anusvara"
        elif ch == _CHANDRABINDU:
            out[-1].nasal = "chandrabindu"
        elif ch == _VISARGA:
            out[-1].tail = "h"
    return out


def _delete_schwas(sylls: list[_Syllable]) -> None:
    """Hindi schwa deletion: at the word end, and in V C _ C V contexts right to left."""
    last = len(sylls) - 1
    if last >= 1 and sylls[last].has_schwa:
        end = sylls[last]
        keeps_final = len(end.cons) > 1 and end.cons[-1] in ("r", "y", "v")  # mitra, swasthya
        keeps_final |= end.cons == ["y"] and sylls[last - 1].vowel == "i"  # bhartiya
        if not keeps_final:
            end.vowel = None
    for i in range(last - 1, 0, -1):
        syll, prev, nxt = sylls[i], sylls[i - 1], sylls[i + 1]
        if (
            syll.has_schwa
            and len(syll.cons) == 1
            and prev.vowel is not None
            and len(prev.cons) <= 1  # after a cluster the schwa stays: rashtrapati
            and nxt.vowel is not None
            and len(nxt.cons) == 1
        ):
            syll.vowel = None


@lru_cache(maxsize=65536)
def transliterate_word(word: str) -> str:
    """One Devanagari word in plain ASCII with Hindi schwa deletion: `मुलाकात` -> `mulakat`."""
    sylls = _syllables(word)
    _delete_schwas(sylls)
    parts: list[str] = []
    for i, syll in enumerate(sylls):
        parts.extend(syll.cons)
        if syll.vowel:
            parts.append("a" if syll.vowel == _SCHWA else syll.vowel)
        if syll.nasal:
            following = sylls[i + 1].cons[0] if i + 1 < len(sylls) and sylls[i + 1].cons else ""
            labial = syll.nasal == "anusvara" and following.startswith(_LABIALS)
            parts.append("m" if labial else "n")
        parts.append(syll.tail)
    return "".join(parts)


def _latin_word(word: str) -> str:
    folded = unicodedata.normalize("NFKD", word.translate(_LATIN_EXTRA))
    return folded.encode("ascii", "ignore").decode("ascii").lower()


@lru_cache(maxsize=65536)
def _token_pieces(token: str) -> tuple[str, ...]:
    """The slug pieces of one word of a headline; remembered, as headlines share most words."""
    is_devanagari = "\u0900" <= token[0] <= "\u097f"
    word = transliterate_word(token) if is_devanagari else _latin_word(token)
    return tuple(_SLUG_PIECE_RE.findall(word))


def slugify(headline: str) -> str:
    """ASCII slug of at most MAX_SLUG_LENGTH chars, cut at a word boundary, never empty."""
    text = to_nfc(headline)
    if _DEVANAGARI_DIGIT_RE.search(text):  # str.translate costs ~10 us on any Hindi headline
        text = text.translate(_DEVANAGARI_DIGITS)
    text = _APOSTROPHES_RE.sub("", text)
    words: list[str] = []
    length = -1
    for token in _WORD_RE.findall(text):
        for piece in _token_pieces(token):
            if length + 1 + len(piece) > MAX_SLUG_LENGTH:
                if not words:
                    words.append(piece[:MAX_SLUG_LENGTH])
                return "-".join(words)
            words.append(piece)
            length += 1 + len(piece)
    return "-".join(words) or FALLBACK_SLUG


def make_slug(item: Item, ctx: StageContext | None = None) -> Item:
    """Set the item's slug from its headline (or its summary/body when it has none)."""
    source = item.headline or item.summary or item.body_text[:200]
    return evolve(item, slug=slugify(source))
