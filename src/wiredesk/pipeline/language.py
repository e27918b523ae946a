"""Stage 4: settle the item's language as a short lowercase code (`hi`, `en`).

Templates pick fonts and `lang` attributes from it, search picks its analyzer, and feeds out
declare it, so it must always be set and always in one shape. What the item says wins, then
what the feed says; only then do we guess, offline, from the text itself.
"""

from __future__ import annotations

import re

import pycld2

from wiredesk.model import Item
from wiredesk.pipeline.context import StageContext
from wiredesk.pipeline.evolve import evolve

# Enough text for a confident guess; more only costs time.
_SAMPLE_CHARS = 1000
# Below this many characters cld2 confidently calls "मुंबई" Marathi; the script is a safer guess.
_MIN_CLD2_CHARS = 60
_CODE_RE = re.compile(r"^[A-Za-z]{2,3}(?=$|[-_])")
_DEVANAGARI_RE = re.compile(r"[\u0900-\u097F\uA8E0-\uA8FF]")
_LETTER_RE = re.compile(r"[^\W\d_]")


def short_code(tag: str | None) -> str | None:
    """`hi-IN` -> `hi`, `EN_us` -> `en`; None for anything that is not a language tag."""
    if not tag:
        return None
    match = _CODE_RE.match(tag.strip())
    return match.group(0).lower() if match else None


def detect_language(text: str) -> str | None:
    """Best offline guess at the language of `text`, or None when the text says nothing."""
    sample = text[:_SAMPLE_CHARS]
    if not sample.strip():
        return None
    if len(sample) < _MIN_CLD2_CHARS:
        return _script_guess(sample)
    try:
        reliable, _, details = pycld2.detect(sample)
    except pycld2.error:
        reliable, details = False, ()
    if reliable and details and details[0][1] not in ("un", "xx"):
        return short_code(details[0][1])
    return _script_guess(sample)


def _script_guess(sample: str) -> str | None:
    letters = _LETTER_RE.findall(sample)
    if not letters:
        return None
    devanagari = sum(1 for ch in letters if _DEVANAGARI_RE.match(ch))
    if devanagari / len(letters) >= 0.3:
        return "hi"
    if all(ch.isascii() for ch in letters):
        return "en"
    return None


def settle_language(item: Item, ctx: StageContext) -> Item:
    """Use the item's language, else the feed's, else a detected one, else the site's."""
    code = (
        short_code(item.language)
        or short_code(ctx.feed_language)
        or detect_language(f"{item.headline}\n{item.body_text}")
        or short_code(ctx.site_language)
    )
    if code == item.language:
        return item
    return evolve(item, language=code)
