"""Matching keys: the text of a story reduced to what every copy of it shares.

Two copies of one agency story differ in things a reader does not count as a change: the
credit and disclaimer lines a portal appends, the dateline in front of the lead, nukta or no
nukta (`ज़`/`ज`), chandrabindu or anusvara (`गाँव`/`गांव`), a half nasal or an anusvara
(`हिन्दी`/`हिंदी`, `सम्बन्ध`/`संबंध`), Devanagari or Latin digits, thousands separators, the danda
typed as `.` or `|`, the visarga typed as `:`, curly or straight quotes, doubled and no-break
spaces, paragraphs merged or split, and a handful of names and words spelt two ways
(`कजाकिस्तान`/`कजाकस्तान`, `पेइचिंग`/`बीजिंग`, `per cent`/`percent`). The key folds all of those,
so every shingle and sentence hash computed from it is the same for both copies.

What is *not* folded, on purpose:

- vowel length (`ि`/`ी`, `ु`/`ू`): it separates real words (`दिन` day / `दीन` poor) and the
  evaluation needed no folding of it (see docs/syndication.md);
- `ड़`/`ढ़` against `ड`/`ढ` is folded with every other nukta: both sides of a comparison fold the
  same way, so it can only ever merge a word with a misspelling of itself.

A key is a list of sentences, each a tuple of tokens; the headline is the first sentence.
Sentences are cut at `।`, `|`, `.`, `?`, `!` followed by a space, so merged or split
paragraphs do not change them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Private helpers of the pipeline's stages, reused so that "what is an attribution line" and
# "what is a dateline" have one definition in wiredesk.
from wiredesk.pipeline.attribution import (
    MAX_TRAILING_LINES,
    _is_disclaimer,
    _match_credit,
    _SOURCE_PATTERN,
)
from wiredesk.pipeline.dateline import _LEADING_PATTERNS

# --- attribution and dateline -------------------------------------------------------------

_DISCLAIMER_START = re.compile(
    r"(?:^|(?<=\s))\(?\s*(?:डिस्क्लेमर|डिसक्लेमर|अस्वीकरण|Disclaimer)\s*[:ः\-–—]", re.I
)
# A short line wholly in parentheses at the end of a story is apparatus (a credit, an editor's
# note about the feed), not story: `(This story has been published from a syndicated feed.)`.
_PAREN_LINE = re.compile(r"^\([^()]{1,200}\)\s*[.।]?$")
# Attribution run into the last paragraph when a CMS merged lines.
_TRAILING_PAREN = re.compile(r"\s+(\([^()]{1,120}\))\s*[.।]?\s*$")
_TRAILING_SOURCE = re.compile(r"\s+(?:Source|स्रोत|सोर्स)\s*[:ः\-–—]+\s*[^\s.।:]{1,40}\s*$", re.I)


def _is_attribution(line: str) -> bool:
    return bool(
        _match_credit(line)
        or _SOURCE_PATTERN.match(line)
        or _is_disclaimer(line)
        or _PAREN_LINE.match(line)
    )


def story_lines(body_text: str) -> list[str]:
    """The body's non-empty lines without trailing attribution, a leading credit and a
    leading dateline: the apparatus portals add or drop while the story stays the same."""
    lines = [" ".join(line.split()) for line in body_text.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return lines
    # Everything from a disclaimer on is apparatus, even when a CMS split it into lines.
    for i in range(len(lines) - 1, max(0, len(lines) - MAX_TRAILING_LINES) - 1, -1):
        m = _DISCLAIMER_START.search(lines[i])
        if m and i > 0 and m.start() == 0:
            del lines[i:]
            break
        if m and m.start() > 0:
            lines[i] = lines[i][: m.start()].rstrip()
            del lines[i + 1 :]
            break
    removed = 0
    while len(lines) > 1 and removed < MAX_TRAILING_LINES and _is_attribution(lines[-1]):
        lines.pop()
        removed += 1
    if lines:
        last = _TRAILING_SOURCE.sub("", lines[-1])
        m = _TRAILING_PAREN.search(last)
        if m and _is_attribution(m.group(1)):
            last = last[: m.start()]
        lines[-1] = last
    if len(lines) > 1 and _match_credit(lines[0]):
        lines.pop(0)
    if lines:
        for pattern in _LEADING_PATTERNS:
            m = pattern.match(lines[0])
            if m and lines[0][m.end() :].strip():
                lines[0] = lines[0][m.end() :].lstrip(" .।|-–—:")
                break
    return lines


# --- character folding --------------------------------------------------------------------

_NUKTA = "\u093c"
_NUKTA_LETTERS = {
    "\u0958": "क",
    "\u0959": "ख",
    "\u095a": "ग",
    "\u095b": "ज",
    "\u095c": "ड",
    "\u095d": "ढ",
    "\u095e": "फ",
    "\u095f": "य",
}
_NUKTA_LETTER_RE = re.compile("[\u0958-\u095f]")
# A nasal consonant with virama before a stop of any class is written as an anusvara by
# other desks (हिन्दी/हिंदी, सम्बन्ध/संबंध, मन्त्री/मंत्री). Only before stops: न्य, म्ह, न्न are
# not written with an anusvara.
_HALF_NASAL = re.compile("[ङञणनम]\u094d(?=[कखगघचछजझटठडढतथदधपफबभ])")
_DEVANAGARI_DIGITS = re.compile("[०-९]+")
_TO_LATIN = str.maketrans("०१२३४५६७८९", "0123456789")
_DIGIT_GROUPING = re.compile(r"(?<=\d),(?=\d)")
_INVISIBLE = ("\u200c", "\u200d", "\u200b", "\u00ad", "\ufeff", "\u2060")
_QUOTES = re.compile("[\"'`\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00ab\u00bb\u2032\u2033]")

# Words and names that agencies spell two ways; left side folded to the right. Phrases (with
# a space or a dot inside) are replaced in the text, single words token by token.
PHRASE_VARIANTS: dict[str, str] = {
    "कि.मी.": "किलोमीटर",
    "per cent": "percent",
    "ulan bator": "ulaanbaatar",
}
WORD_VARIANTS: dict[str, str] = {
    # Hindi
    "पेइचिंग": "बीजिंग",
    "पेकिंग": "बीजिंग",
    "फीसदी": "प्रतिशत",
    "फीसद": "प्रतिशत",
    "किमी": "किलोमीटर",
    # English: British and American spelling
    "organisers": "organizers",
    "organiser": "organizer",
    "organise": "organize",
    "organised": "organized",
    "organising": "organizing",
    "organisation": "organization",
    "organisations": "organizations",
    "recognise": "recognize",
    "recognised": "recognized",
    "neighbouring": "neighboring",
    "neighbour": "neighbor",
    "neighbours": "neighbors",
    "centre": "center",
    "centres": "centers",
    "metre": "meter",
    "metres": "meters",
    "kilometre": "kilometer",
    "kilometres": "kilometers",
    "programme": "program",
    "programmes": "programs",
    "labour": "labor",
    "favour": "favor",
    "defence": "defense",
    "licence": "license",
    "travelled": "traveled",
    "analyse": "analyze",
    "colour": "color",
    "honour": "honor",
    "rumours": "rumors",
    # English: transliterated names
    "choudhary": "chaudhary",
    "chaudhry": "chaudhary",
    "chowdhury": "chaudhary",
    "mohammed": "mohammad",
    "muhammad": "mohammad",
    "shrivastava": "srivastava",
    "kureshi": "qureshi",
    "qazaqstan": "kazakhstan",
    "peking": "beijing",
    "bombay": "mumbai",
    "calcutta": "kolkata",
    "madras": "chennai",
}
_PHRASE_RE = re.compile("|".join(re.escape(p) for p in PHRASE_VARIANTS))

# Tokens are runs of letters, digits and Devanagari signs (\w alone would cut Hindi words at
# every vowel sign, which are marks, not letters).
_TOKEN = re.compile(r"[\w\u0900-\u0963\u0966-\u097f]+")
_SENTENCE_END = re.compile(r"(?<=[।॥|.?!])\s+|\n")


def fold(text: str) -> str:
    """Fold one text to its matching form (see the module docstring for what and why)."""
    if _NUKTA in text:
        text = text.replace(_NUKTA, "")
    if _NUKTA_LETTER_RE.search(text):
        text = _NUKTA_LETTER_RE.sub(lambda m: _NUKTA_LETTERS[m.group()], text)
    # NFC after the nukta is gone: the quick check then passes for almost every Hindi text.
    text = unicodedata.normalize("NFC", text)
    for ch in _INVISIBLE:
        if ch in text:
            text = text.replace(ch, "")
    if "\u0901" in text:
        text = text.replace("\u0901", "\u0902")  # chandrabindu -> anusvara (गाँव/गांव)
    if "\u094d" in text:
        text = _HALF_NASAL.sub("\u0902", text)
    if "िस्तान" in text:
        text = text.replace("िस्तान", "स्तान")  # कजाकिस्तान/कजाकस्तान, -istan either way
    if _DEVANAGARI_DIGITS.search(text):
        text = _DEVANAGARI_DIGITS.sub(lambda m: m.group().translate(_TO_LATIN), text)
    if "," in text:
        text = _DIGIT_GROUPING.sub("", text)  # 12,500 / 12500; 1,25,000 / 125000
    text = _QUOTES.sub("", text)
    # The visarga typed as a colon (नि:शुल्क/निःशुल्क): both go, without leaving a word break.
    text = text.replace(":", "").replace("ः", "")
    text = text.lower()
    if _PHRASE_RE.search(text):
        text = _PHRASE_RE.sub(lambda m: PHRASE_VARIANTS[m.group()], text)
    return text


def tokens(text: str) -> list[str]:
    """Folded text to tokens, with word spelling variants folded."""
    get = WORD_VARIANTS.get
    return [get(t, t) for t in _TOKEN.findall(text)]


@dataclass(frozen=True, slots=True)
class MatchKey:
    """A story as its copies share it: the headline's tokens, then each sentence's tokens."""

    headline: tuple[str, ...]
    sentences: tuple[tuple[str, ...], ...]

    def body_tokens(self) -> list[str]:
        return [t for s in self.sentences for t in s]

    def text(self) -> str:
        """One string for the exact hash: sentences joined with a separator no token has."""
        return " ".join(self.headline) + "\n" + "\n".join(" ".join(s) for s in self.sentences)


# A desk's label in front of a headline (`Breaking:`, `बड़ी ख़बर:`): up to three words and a colon.
_HEADLINE_LABEL = re.compile(r"^\s*[^\s:ः]+(?:\s+[^\s:ः]+){0,2}\s*[:ः]\s+(?=\S)")


def match_key(headline: str, body_text: str) -> MatchKey:
    """The matching key of a story: apparatus removed, text folded, cut into sentences."""
    headline = _HEADLINE_LABEL.sub("", headline)
    body = fold("\n".join(story_lines(body_text)))
    sentences = []
    for piece in _SENTENCE_END.split(body):
        toks = tokens(piece)
        if toks:
            sentences.append(tuple(toks))
    return MatchKey(tuple(tokens(fold(headline))), tuple(sentences))
