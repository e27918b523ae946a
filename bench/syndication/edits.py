"""The edits a portal makes to agency copy: each a small named function on a draft.

Every edit is something news sites really do to syndicated stories (see README.md for why
each one is in the set). An edit returns the draft unchanged when it has nothing to act on
(no spelling variant present, a one-paragraph story), and the generator records only edits
that changed the text, so a record's edit list is the truth about what differs from the
agency original.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

import bank_en
import bank_hi
from base_stories import BaseStory
from pools import MONTH

BANKS = {"en": bank_en, "hi": bank_hi}


@dataclass(slots=True)
class Draft:
    """A copy being edited: the headline and the body paragraphs."""

    headline: str
    paragraphs: list[str]


@dataclass(slots=True)
class Context:
    """What an edit may know: the original story, the agency it came from, a seeded rng."""

    base: BaseStory
    agency: str
    agency_hi: str
    rng: random.Random


Edit = Callable[[Draft, Context], Draft]


def _sentences(paragraph: str, lang: str) -> list[str]:
    end = r"(?<=[।.?!\"])\s+" if lang == "hi" else r"(?<=[.?!\"])\s+(?=[A-Z\"])"
    return [s for s in re.split(end, paragraph) if s]


def headline_rewrite(d: Draft, c: Context) -> Draft:
    """A desk rewrites the headline: another angle on the same facts, or a label in front."""
    bank = BANKS[c.base.language]
    alts = c.base.alt_headlines
    headline = c.rng.choice(alts) if alts and c.rng.random() < 0.7 else d.headline
    if headline == d.headline or c.rng.random() < 0.3:
        headline = f"{c.rng.choice(bank.HEADLINE_PREFIXES)} {headline}"
    return Draft(headline, d.paragraphs)


def lead_trim(d: Draft, c: Context) -> Draft:
    """The lead loses its first sentence, or its last clause when it has only one."""
    if not d.paragraphs:
        return d
    lead = d.paragraphs[0]
    parts = _sentences(lead, c.base.language)
    if len(parts) > 1:
        new = " ".join(parts[1:])
    else:
        cut = lead.rfind(",")
        if cut < len(lead) // 3:
            return d
        new = lead[:cut] + ("।" if c.base.language == "hi" else ".")
    return Draft(d.headline, [new, *d.paragraphs[1:]])


def lead_replace(d: Draft, c: Context) -> Draft:
    """The portal writes its own lead: another opening of the same story, or the headline
    turned into a sentence, in place of the agency's first paragraph."""
    bank = BANKS[c.base.language]
    if c.base.alt_lead != d.paragraphs[0] and c.rng.random() < 0.6:
        lead = c.base.alt_lead
    else:
        headline = c.base.headline
        lead = c.rng.choice(bank.PORTAL_LEADS).format(
            headline=headline,
            headline_lc=headline[:1].lower() + headline[1:],
            weekday=c.base.slots.get("weekday", ""),
            place=c.base.slots.get("place", ""),
        )
    return Draft(d.headline, [lead, *d.paragraphs[1:]])


def paragraph_drop(d: Draft, c: Context) -> Draft:
    """One or two body paragraphs cut for length; the lead and two paragraphs stay."""
    if len(d.paragraphs) < 4:
        return d
    n = min(c.rng.randint(1, 2), len(d.paragraphs) - 3)
    drop = set(c.rng.sample(range(1, len(d.paragraphs)), n))
    return Draft(d.headline, [p for i, p in enumerate(d.paragraphs) if i not in drop])


def paragraph_reorder(d: Draft, c: Context) -> Draft:
    """Two body paragraphs change places (a quote moved up, context moved down)."""
    if len(d.paragraphs) < 3:
        return d
    i, j = c.rng.sample(range(1, len(d.paragraphs)), 2)
    paras = list(d.paragraphs)
    paras[i], paras[j] = paras[j], paras[i]
    return Draft(d.headline, paras)


def background_add(d: Draft, c: Context) -> Draft:
    """The portal adds its usual background paragraph on the topic near the end."""
    if not c.base.background or c.base.background in d.paragraphs:
        return d
    paras = list(d.paragraphs)
    paras.insert(max(1, len(paras) - c.rng.randint(0, 1)), c.base.background)
    return Draft(d.headline, paras)


def teaser(d: Draft, c: Context) -> Draft:
    """A bare teaser: headline and first paragraph only, the rest behind a link."""
    return Draft(d.headline, d.paragraphs[:1])


def dateline(d: Draft, c: Context) -> Draft:
    """The agency dateline (place, date, agency) put in front of the lead."""
    b = c.base
    place = b.slots.get("capital") if b.topic == "world" else b.slots.get("place")
    month = MONTH[b.language][b.origin.month - 1]
    if b.language == "hi":
        line = f"{place}, {b.origin.day} {month} ({c.agency_hi})।"
    else:
        line = f"{str(place).upper()}, {month} {b.origin.day} ({c.agency}) —"
    return Draft(d.headline, [f"{line} {d.paragraphs[0]}", *d.paragraphs[1:]])


def credit_line(d: Draft, c: Context) -> Draft:
    """The originator's credit line appended, like the seed story's `(साभार : ...)`."""
    bank = BANKS[c.base.language]
    credit = c.rng.choice(bank.CREDITS).format(capital=c.base.slots.get("capital", ""))
    return Draft(d.headline, [*d.paragraphs, credit])


def disclaimer(d: Draft, c: Context) -> Draft:
    """The website's disclaimer and a `Source :` line, as the seed story ends."""
    bank = BANKS[c.base.language]
    lines = [c.rng.choice(bank.DISCLAIMERS)]
    if c.rng.random() < 0.7:
        lines.append(f"Source : {c.agency}")
    return Draft(d.headline, [*d.paragraphs, *lines])


# Spelling variants seen in Hindi and English copy of the same story.
SPELLING_PAIRS = {
    "hi": [
        ("कजाकिस्तान", "कजाकस्तान"),
        ("पेइचिंग", "बीजिंग"),
        ("हिंदी", "हिन्दी"),
        ("उज़्बेकिस्तान", "उजबेकिस्तान"),
        ("गांव", "गाँव"),
        ("पहुंच", "पहुँच"),
        ("संबंध", "सम्बन्ध"),
        ("मंत्री", "मन्त्री"),
        ("किलोमीटर", "कि.मी."),
        ("प्रतिशत", "फ़ीसदी"),
    ],
    "en": [
        ("per cent", "percent"),
        ("organisers", "organizers"),
        ("neighbouring", "neighboring"),
        ("centre", "center"),
        ("Choudhary", "Chaudhary"),
        ("Mohammed", "Mohammad"),
        ("Srivastava", "Shrivastava"),
        ("Qureshi", "Kureshi"),
        ("Kazakhstan", "Qazaqstan"),
        ("Ulaanbaatar", "Ulan Bator"),
        ("metres", "meters"),
        ("programme", "program"),
    ],
}
# Nukta is dropped only where portals drop it (ज़ फ़ क़ ख़ ग़); ड़/ढ़ are letters of their own.
_NUKTA = re.compile("([कखगजफ])\u093c")
_NUKTA_PRECOMPOSED = str.maketrans(
    {"\u0958": "क", "\u0959": "ख", "\u095a": "ग", "\u095b": "ज", "\u095e": "फ"}
)


def _respell(text: str, pairs: list[tuple[str, str]], flips: list[bool], strip: bool) -> str:
    for (a, b), flip in zip(pairs, flips, strict=True):
        if flip:
            text = text.replace(a, b) if a in text else text.replace(b, a)
    if strip:
        text = _NUKTA.sub(r"\1", text).translate(_NUKTA_PRECOMPOSED)
    return text


def spelling(d: Draft, c: Context) -> Draft:
    """Names and words spelt the other way (`कजाकिस्तान`/`कजाकस्तान`, nukta or not,
    per cent/percent), consistently through one copy as one desk's style would."""
    pairs = SPELLING_PAIRS[c.base.language]
    flips = [c.rng.random() < 0.8 for _ in pairs]
    strip = c.base.language == "hi" and c.rng.random() < 0.6
    return Draft(
        _respell(d.headline, pairs, flips, strip),
        [_respell(p, pairs, flips, strip) for p in d.paragraphs],
    )


_LATIN_DIGITS = re.compile(r"[0-9]+")
_TO_DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")


def digits(d: Draft, c: Context) -> Draft:
    """Hindi: Latin digits written as Devanagari (`2022`/`२०२२`); English: the thousands
    separators dropped (`12,500`/`12500`)."""
    if c.base.language == "hi":

        def f(s: str) -> str:
            # Translating only the digit runs: str.translate over all of a Hindi text is slow.
            return _LATIN_DIGITS.sub(lambda m: m.group().translate(_TO_DEVANAGARI), s)
    else:

        def f(s: str) -> str:
            return _THOUSANDS.sub("", s)

    return Draft(f(d.headline), [f(p) for p in d.paragraphs])


def punctuation(d: Draft, c: Context) -> Draft:
    """Hindi: danda `।` typed as `.` or `|`, visarga-colon `ः` as `:`; English: dashes and
    the comma before a clause dropped. The words stay; only the marks between them change."""
    rng = c.rng
    if c.base.language == "hi":
        danda = rng.choice([".", " |", "|"])

        def f(s: str) -> str:
            return s.replace("।", danda).replace("ः", ":").replace(" — ", " - ")
    else:

        def f(s: str) -> str:
            s = s.replace(" —", " -").replace(", while", " while").replace(", with", " with")
            return s.replace(", and", " and").replace(": ", " - ")

    return Draft(f(d.headline), [f(p) for p in d.paragraphs])


def quotes(d: Draft, c: Context) -> Draft:
    """Straight quotes made curly or single, as different CMSs render them."""
    style = c.rng.choice(["curly", "single", "curly_single"])
    open_q, close_q = {"curly": ("“", "”"), "single": ("'", "'"), "curly_single": ("‘", "’")}[style]

    def f(s: str) -> str:
        if '"' not in s:
            return s
        parts = s.split('"')
        out = [parts[0]]
        for i, part in enumerate(parts[1:]):
            out.append(close_q if i % 2 else open_q)
            out.append(part)
        return "".join(out)

    return Draft(f(d.headline), [f(p) for p in d.paragraphs])


def whitespace(d: Draft, c: Context) -> Draft:
    """Spacing a CMS changes: doubled spaces, stray no-break spaces, trailing blanks, and
    two paragraphs run together or one split at a sentence."""
    rng = c.rng
    paras = [p.replace(" ", "  ", 2) for p in d.paragraphs]
    paras = [p.replace(" ", "\u00a0", 1) if rng.random() < 0.5 else p + " " for p in paras]
    if len(paras) > 2 and rng.random() < 0.5:
        i = rng.randrange(1, len(paras) - 1)
        paras[i : i + 2] = [paras[i] + " " + paras[i + 1]]
    else:
        i = rng.randrange(len(paras))
        parts = _sentences(paras[i], c.base.language)
        if len(parts) > 1:
            paras[i : i + 1] = [parts[0], " ".join(parts[1:])]
    return Draft(" " + d.headline.replace(" ", "  ", 1), paras)


# Application order: structure first, then additions, then surface changes, as a desk works.
EDITS: dict[str, Edit] = {
    "headline_rewrite": headline_rewrite,
    "lead_replace": lead_replace,
    "lead_trim": lead_trim,
    "paragraph_drop": paragraph_drop,
    "paragraph_reorder": paragraph_reorder,
    "background_add": background_add,
    "teaser": teaser,
    "dateline": dateline,
    "credit_line": credit_line,
    "disclaimer": disclaimer,
    "spelling": spelling,
    "digits": digits,
    "punctuation": punctuation,
    "quotes": quotes,
    "whitespace": whitespace,
}
EDIT_NAMES = tuple(EDITS)
# Pairs that make no sense together: keep the first one drawn.
EXCLUSIVE = [
    {"lead_replace", "lead_trim"},
    {"teaser", "paragraph_drop", "paragraph_reorder", "background_add"},
]


def apply(names: list[str], draft: Draft, ctx: Context) -> tuple[Draft, list[str]]:
    """Apply the named edits in `EDITS` order; return the result and the ones that changed it."""
    applied: list[str] = []
    for name in EDIT_NAMES:
        if name not in names:
            continue
        new = EDITS[name](draft, ctx)
        if new.headline != draft.headline or new.paragraphs != draft.paragraphs:
            applied.append(name)
            draft = new
    return draft, applied
