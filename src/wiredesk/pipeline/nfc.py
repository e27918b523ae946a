"""Unicode NFC that stays cheap for Hindi text that is already NFC.

CPython's `unicodedata.normalize` first runs a quick check and returns the string untouched
when every character says "yes". The Devanagari nukta (U+093C) says "maybe" (न, र and ळ
compose with it), and one "maybe" sends the whole string down the full decompose-and-
recompose path: about 300 us for a 3,000-character story, the most expensive single step of
the pipeline. Hindi copy writes ज़, फ़, ड़ all the time, so almost every story paid that.

Normalization never looks across a space (U+0020 is a starter that composes with nothing and
is never reordered), so a text can be normalized in pieces cut next to spaces. `to_nfc` sends
only the space-delimited words that hold a nukta down the slow path, and the long runs between
them through the quick check. The result is exactly `unicodedata.normalize("NFC", text)`.

Most stories need not even that: a nukta after a consonant other than न, र and ळ composes
with nothing, so when every nukta is such a one (and no mark that must sort before it follows
it), the text is NFC exactly when the text without its nuktas is, and that is one quick check
over the whole story instead of a normalization.
"""

from __future__ import annotations

import unicodedata

_NUKTA = "\u093c"
# Devanagari consonants that a nukta cannot compose with (न, र, ळ compose to ऩ, ऱ, ऴ).
_INERT_BASES = frozenset(map(chr, range(0x0915, 0x093A))) - {"\u0928", "\u0930", "\u0933"}


def _nuktas_are_inert(text: str, nukta: int) -> bool:
    """Every nukta (the first at `nukta`) follows a consonant it cannot compose with, and no
    mark of combining class 1-6 (which canonical order puts before a nukta's 7) follows it."""
    while nukta >= 0:
        if nukta == 0 or text[nukta - 1] not in _INERT_BASES:
            return False
        after = text[nukta + 1 : nukta + 2]
        if after and 0 < unicodedata.combining(after) < 7:
            return False
        nukta = text.find(_NUKTA, nukta + 1)
    return True


def to_nfc(text: str) -> str:
    """`unicodedata.normalize("NFC", text)`, fast when only nukta words make it slow."""
    nukta = text.find(_NUKTA)
    if nukta < 0:
        return unicodedata.normalize("NFC", text)
    if _nuktas_are_inert(text, nukta) and unicodedata.is_normalized(
        "NFC", text.replace(_NUKTA, "")
    ):
        return text
    pieces: list[str] = []
    done = 0  # text[:done] is normalized into `pieces`; done is 0 or just after a space
    while nukta >= 0:
        space_before = text.rfind(" ", done, nukta)
        start = done if space_before < 0 else space_before + 1
        end = text.find(" ", nukta)
        if end < 0:
            end = len(text)
        pieces.append(unicodedata.normalize("NFC", text[done:start]))  # no nukta: quick
        pieces.append(unicodedata.normalize("NFC", text[start:end]))  # the nukta word(s)
        done = end
        nukta = text.find(_NUKTA, done)
    pieces.append(unicodedata.normalize("NFC", text[done:]))
    return "".join(pieces)
