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
from itertools import chain, repeat

# What an attribution line and a dateline look like has one definition in wiredesk, shared
# with the pipeline (which lifts them out of a body into fields).
from wiredesk.text.apparatus import MAX_TRAILING_LINES
from wiredesk.text.credit import credit_name
from wiredesk.text.dateline import LEADING_DATELINES
from wiredesk.text.disclaimer import DISCLAIMER_LABEL, DISCLAIMER_WORDS, is_disclaimer
from wiredesk.text.source_line import SOURCE_LINE, TRAILING_SOURCE

# --- attribution and dateline -------------------------------------------------------------

# A short line wholly in parentheses at the end of a story is apparatus (a credit, an editor's
# note about the feed), not story: `(This story has been published from a syndicated feed.)`.
_PAREN_LINE = re.compile(r"^\([^()]{1,200}\)\s*[.।]?$")
# Attribution run into the last paragraph when a CMS merged lines.
_TRAILING_PAREN = re.compile(r"\s+(\([^()]{1,120}\))\s*[.।]?\s*$")


# Cheap tests that must pass before the attribution patterns (`wiredesk.text`) are tried: most lines
# are story, and running a dozen Unicode, case-insensitive patterns on each costs more than
# everything else here together.
_ATTRIBUTION_HINTS = (
    "साभार", "सौजन्य", "इनपुट", "स्रोत", "सोर्स", "डिस्क्लेमर", "डिसक्लेमर", "अस्वीकरण", "फीड",
    "ourtesy", "redit", "nput", "ource", "isclaimer", "yndicated", "eadline", "Via", "via",
)  # fmt: skip


# Whether a line holds any of the hints, in one scan (`any(h in line ...)` converts each
# ASCII hint to the wider storage of a Devanagari line before searching).
_ATTRIBUTION_HINT_RE = re.compile("|".join(map(re.escape, _ATTRIBUTION_HINTS)))


def _is_attribution(line: str) -> bool:
    if len(line) > 400:
        return False
    if line[:1] != "(" and _ATTRIBUTION_HINT_RE.search(line) is None:
        return False
    return bool(
        credit_name(line)
        or SOURCE_LINE.match(line)
        or is_disclaimer(line)
        or _PAREN_LINE.match(line)
    )


# The shapes European agencies open with, which the pipeline's patterns (`wiredesk.text`)
# leave alone because a place in mixed case before a parenthesis may be a company and its
# ticker (`Apple (AAPL) -`): `Neustadt am Kamm (IWS) -`, `Valmont-sur-Lys (IWS) -`,
# `Peñalba, 3 mar (IWS).-`, `Berlin, 3. März (dpa) -`. Here only the matching key loses
# them, and a portal that drops the clause keeps the lead's sentence the wire has; a ticker
# lost from a key costs nothing, since every copy loses it the same way.
_AGENCY_DATELINE = re.compile(
    r"^\s*[^\W\d_][\w'’.\-]*(?:\s+[\w'’.\-]+){0,3}"
    r"(?:,\s*\d{1,2}\.?\s+[^\W\d_]{3,10}\.?(?:\s+\d{4})?)?"
    r"\s*\([^()\s][^()]{0,29}\)\s*\.?\s*[-–—:]+(?:\s+|\s*$)"
)


def _strip_dateline(first: str) -> str:
    """`first` without a leading dateline; "" when the line is nothing but one."""
    head = first[:160]
    if "," not in head and "(" not in head:
        return first
    for pattern in (*LEADING_DATELINES, _AGENCY_DATELINE):
        m = pattern.match(head)
        if m and m.end() < len(head):
            return first[m.end() :].lstrip(" .।|-–—:")
        if m and len(head) == len(first):
            return ""
    return first


def _strip_datelines(lines: list[str]) -> None:
    """Leave the leading dateline out of the first line and of the second (a portal's own
    lead over the wire's pushes the wire's dateline-bearing lead to the second). A dateline
    in a paragraph of its own (`नगर, 5 मार्च (एसबी)।` above the lead) goes whole, as the
    pipeline's `lift_dateline` lifts it, unless it is all the body there is: a teaser under
    such a line is still a body of one paragraph, whether or not the pipeline ran."""
    for i in (0, 1):
        if i >= len(lines):
            return
        stripped = _strip_dateline(lines[i])
        if stripped or len(lines) == 1:
            lines[i] = stripped or lines[i]
        elif i == 0:
            del lines[0]  # the line after it is the lead, whose dateline this was
            return
        else:
            del lines[1]


def story_lines(body_text: str) -> list[str]:
    """The body's non-empty lines without trailing attribution, a leading credit and a
    leading dateline: the apparatus portals add or drop while the story stays the same."""
    lines = [line for line in body_text.splitlines() if line and not line.isspace()]
    if not lines:
        return lines
    # Only the lines the patterns look at get their spacing normalized, and only when it is
    # irregular: splitting every line here would cost as much as tokenizing the story. The
    # lines are checked together first (one scan per mark, not one per line and mark); a
    # space at a line's end is checked on the lines, since a two-character search costs
    # fifteen times a one-character one.
    tail = "\n".join(lines[-MAX_TRAILING_LINES:])
    probe = f"{lines[0]}\n{tail}"
    if (
        "\xa0" in probe
        or "\t" in probe
        or "  " in probe
        or any(
            line[:1] == " " or line[-1:] == " " for line in (lines[0], *lines[-MAX_TRAILING_LINES:])
        )
    ):
        for i in {0, *range(max(0, len(lines) - MAX_TRAILING_LINES), len(lines))}:
            line = lines[i]
            if (
                "  " in line
                or "\xa0" in line
                or "\t" in line
                or line[:1] == " "
                or line[-1:] == " "
            ):
                lines[i] = " ".join(line.split())
        tail = "\n".join(lines[-MAX_TRAILING_LINES:])
    # Everything from a disclaimer on is apparatus, even when a CMS split it into lines.
    in_tail = any(w in tail for w in DISCLAIMER_WORDS)
    for i in range(len(lines) - 1, max(0, len(lines) - MAX_TRAILING_LINES) - 1, -1):
        if not in_tail:
            break
        if not any(w in lines[i] for w in DISCLAIMER_WORDS):
            continue
        m = DISCLAIMER_LABEL.search(lines[i])
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
    last = lines[-1]
    if any(h in last[-60:] for h in ("ource", "स्रोत", "सोर्स")):
        last = TRAILING_SOURCE.sub("", last)
    if last.endswith((")", ").", ")।")):
        m = _TRAILING_PAREN.search(last[-130:])
        if m and _is_attribution(m.group(1)):
            last = last[: len(last) - len(last[-130:]) + m.start()]
    lines[-1] = last
    if len(lines) > 1 and credit_name(lines[0]) and _is_attribution(lines[0]):
        lines.pop(0)
    _strip_datelines(lines)
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
_QUOTES = "\"'`\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00ab\u00bb\u2032\u2033"
# Marks that separate words. Each is replaced only when present (`str.replace` is a fast scan;
# a regex or `str.translate` over a Hindi text costs ten times more).
_SEPARATORS = ",;()[]{}<>/\\—–-…•·*#&+=~^_%$€£₹@"
# Sentence ends, when followed by a space: the danda and the ways portals type it.

# Words and names that agencies spell two ways; left side folded to the right. Two-word
# variants are folded after tokenizing, single words (`कि.मी.` is one) token by token.
PHRASE_PAIRS: dict[tuple[str, str], str] = {
    ("per", "cent"): "percent",
    ("ulan", "bator"): "ulaanbaatar",
}
_PHRASE_TRIGGERS = frozenset(b for _, b in PHRASE_PAIRS)
WORD_VARIANTS: dict[str, str] = {
    # Hindi
    "पेइचिंग": "बीजिंग",
    "उजबेकस्तान": "उज्बेकस्तान",  # उज़्बेकिस्तान/उजबेकिस्तान, after nukta and -istan folding
    "पेकिंग": "बीजिंग",
    "फीसदी": "प्रतिशत",
    "फीसद": "प्रतिशत",
    "किमी": "किलोमीटर",
    "कि.मी.": "किलोमीटर",
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
    if "," in text and _DIGIT_GROUPING.search(text):
        text = _DIGIT_GROUPING.sub("", text)  # 12,500 / 12500; 1,25,000 / 125000
    for ch in _QUOTES:
        if ch in text:
            text = text.replace(ch, "")
    # The visarga typed as a colon (नि:शुल्क/निःशुल्क): both go, without leaving a word break.
    text = text.replace(":", "").replace("ः", "")
    text = text.lower()
    return text


_ENDERS = "।॥|.?!"
_CLOSERS = _QUOTES + ")]}"
# Tokens ending in a dot that do not end a sentence.
_ABBREVIATIONS = frozenset(
    {"कि.मी.", "डॉ.", "mr.", "mrs.", "ms.", "dr.", "rs.", "st.", "no.", "vs.", "prof.", "lt."}
)
SENTENCE_MARK = "\x00"  # a sentence boundary among folded tokens; no token contains it
_MARK_BYTES = SENTENCE_MARK.encode()
_CACHE: dict[str, tuple[str, ...]] = {SENTENCE_MARK: (SENTENCE_MARK,)}
_CACHE_LIMIT = 200_000


def fold_token(raw: str) -> tuple[str, ...]:
    """One whitespace-separated piece of text to its folded tokens (maybe none), followed by
    the boundary mark when a sentence ends after it."""
    bare = raw.rstrip(_CLOSERS)
    ends = bare[-1:] in _ENDERS and bare.lower() not in _ABBREVIATIONS if bare else False
    text = fold(raw)
    whole = text.strip(_ENDERS + _SEPARATORS)
    variant = WORD_VARIANTS.get(whole) or WORD_VARIANTS.get(whole + ".")
    if variant:  # `कि.मी.` before its dots become word breaks
        text = variant
    for ch in _SEPARATORS:
        if ch in text:
            text = text.replace(ch, " ")
    for ch in _ENDERS:
        if ch in text:
            text = text.replace(ch, " ")
    get = WORD_VARIANTS.get
    folded = [get(t, t) for t in text.split()]
    return (*folded, SENTENCE_MARK) if ends else tuple(folded)


def _folded(words: list[str]) -> list[str]:
    """Folded tokens of whitespace-separated words, with boundary marks.

    Cached per word: a story's words are mostly words every story uses, so each distinct word
    is folded once and a story costs a dictionary lookup per word, done by `map` in C.
    A miss (None) makes `chain` raise TypeError: catching that is cheaper than scanning the
    list for None first, which compares every tuple with None.
    """
    pieces = list(map(_CACHE.get, words))
    try:
        flat = list(chain.from_iterable(pieces))  # type: ignore[arg-type]
    except TypeError:
        if len(_CACHE) > _CACHE_LIMIT:
            _CACHE.clear()
            _CACHE[SENTENCE_MARK] = (SENTENCE_MARK,)
        for i, piece in enumerate(pieces):
            if piece is None:
                pieces[i] = _CACHE[words[i]] = fold_token(words[i])
        flat = list(chain.from_iterable(pieces))  # type: ignore[arg-type]
    if not _PHRASE_TRIGGERS.isdisjoint(flat):
        flat = _phrases(flat)
    return flat


def _phrases(flat: list[str]) -> list[str]:
    """Two-word variants folded to one word (`per cent` -> `percent`)."""
    out: list[str] = []
    for t in flat:
        if out and (out[-1], t) in PHRASE_PAIRS:
            out[-1] = PHRASE_PAIRS[(out[-1], t)]
        else:
            out.append(t)
    return out


def tokens(text: str) -> list[str]:
    """A text's matching tokens: folded, split at separators, spelling variants folded."""
    return [t for t in _folded(text.split()) if t != SENTENCE_MARK]


@dataclass(frozen=True, slots=True)
class MatchKey:
    """A story as its copies share it: headline tokens, body tokens (with a `\\x00` mark
    after each sentence: shingles across a boundary are the same in every copy, and leaving
    the marks in saves a pass), and each body sentence as its tokens joined by spaces, in
    UTF-8: the sentences are only ever hashed, and cutting them from one encoded text costs
    less than encoding each sentence on its own."""

    headline: tuple[str, ...]
    tokens: tuple[str, ...]
    sentences: tuple[bytes, ...]

    def text(self) -> str:
        """One string for the exact hash: sentences joined with a separator no token has."""
        return " ".join(self.headline) + "\n" + b"\n".join(self.sentences).decode()


# A desk's label in front of a headline (`Breaking:`, `बड़ी ख़बर:`, `Paper leak fear -`): up
# to three words and a colon or a spaced dash.
HEADLINE_LABEL = re.compile(r"^\s*[^\s:ः]+(?:\s+[^\s:ः]+){0,2}(?:\s*[:ः]|\s+[-–—])\s+(?=\S)")
JOIN_LINES = f" {SENTENCE_MARK} "


# A desk's tail after a headline (` - here's what we know`, `: what it means`): up to four
# words after a colon or a spaced dash at the end.
HEADLINE_TAIL = re.compile(r"(?:\s*[:ः]|\s+[-–—])\s+[^\s:ः]+(?:\s+[^\s:ः]+){0,3}\s*$")


def headline_proper(headline: str) -> str:
    """The headline without a desk's labels in front, left out up to twice, and a desk's
    tail."""
    if ":" in headline or "ः" in headline or " -" in headline or "–" in headline or "—" in headline:
        headline = HEADLINE_LABEL.sub("", HEADLINE_LABEL.sub("", headline))
        headline = HEADLINE_TAIL.sub("", headline)
    return headline


def match_key(headline: str, body_text: str) -> MatchKey:
    """The matching key of a story: apparatus removed, text folded, cut into sentences."""
    headline = headline_proper(headline)
    folded = _folded(JOIN_LINES.join(story_lines(body_text)).split())
    # Tokens are joined by single spaces, so each piece between marks is one sentence with at
    # most a space on either side.
    pieces = " ".join(folded).encode().split(_MARK_BYTES)
    sentences = map(bytes.strip, pieces, repeat(b" "))
    return MatchKey(tuple(tokens(headline)), tuple(folded), tuple(filter(None, sentences)))
