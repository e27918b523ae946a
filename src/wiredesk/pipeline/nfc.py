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

import re
import unicodedata

_NUKTA = "\u093c"
# Devanagari consonants that a nukta cannot compose with (न, र, ळ compose to ऩ, ऱ, ऴ).
_INERT_BASES = "\u0915-\u0927\u0929-\u092f\u0931\u0932\u0934-\u0939"
# The marks of combining class 1 to 6 (the overlays, and two Khitan/Han reading marks):
# canonical order puts them before a nukta (class 7). A test holds this list to unicodedata.
BEFORE_NUKTA_MARKS = (
    "\u0334-\u0338\u1cd4\u1ce2-\u1ce8\u20d2\u20d3\u20d8-\u20da\u20e5\u20e6\u20ea\u20eb"
    "\U00010a39\U00016af0-\U00016af4\U00016ff0\U00016ff1\U0001bc9e\U0001d167-\U0001d169"
)
# A nukta that might compose or reorder: first in the text or after anything but an inert
# consonant, or followed by such a mark. The pattern begins with the nukta itself, so the
# regex engine skips to each nukta as fast as `str.find` would.
_ACTIVE_NUKTA_RE = re.compile(
    f"{_NUKTA}(?:(?<![{_INERT_BASES}]{_NUKTA})|(?=[{BEFORE_NUKTA_MARKS}]))"
)


def to_nfc(text: str) -> str:
    """`unicodedata.normalize("NFC", text)`, fast when only nukta words make it slow."""
    nukta = text.find(_NUKTA)
    if nukta < 0:
        return unicodedata.normalize("NFC", text)
    if _ACTIVE_NUKTA_RE.search(text) is None and unicodedata.is_normalized(
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
