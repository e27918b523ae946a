"""Base stories: the originals every syndicated copy is made from, one cluster each.

A block is the default set: 160 regular stories per language (Hindi and English, twelve topics)
plus the hard negatives — three template families per language with twelve days each, twelve
pairs per language that share a stock background paragraph, and twelve pairs per language that
are two days of one event with the same people. Everything is composed from the sentence banks
(`bank_en`, `bank_hi`, `templates`) with slot values drawn from a seeded `random.Random`, so a
(seed, block) pair always yields the same stories and different stories differ in who, where,
what and how many. Larger sets repeat the recipe with new blocks (new seeds, later dates).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import bank_en
import bank_hi
import templates
from pools import ENTITY_SLOTS, fill_slots

BANKS = {"en": bank_en, "hi": bank_hi}
LANGUAGES = ("hi", "en")
TOPICS = tuple(bank_en.TOPICS)
REGULAR_PER_LANGUAGE = 160
TEMPLATE_DAYS = 12
PAIRS_PER_LANGUAGE = 12
SAME_EVENT_TOPICS = ("world", "politics", "courts", "sports", "business", "culture")
EPOCH = datetime(2024, 3, 1, 3, 30, tzinfo=UTC)
BLOCK_DAYS = 40

RECAP = {
    "en": "This follows what happened a day earlier.",
    "hi": "यह घटनाक्रम एक दिन पहले की ख़बर के बाद आया है।",
}

KINDS = ("regular", "template", "shared_background", "same_event")


@dataclass(slots=True)
class BaseStory:
    """One original story. `id` is its cluster label; `family` ties related hard negatives."""

    id: str
    language: str
    topic: str
    kind: str
    family: str
    headline: str
    paragraphs: list[str]
    alt_headlines: list[str]
    alt_lead: str
    background: str
    slots: dict[str, str]
    origin: datetime
    words: int = field(default=0)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _fmt(template: str, slots: dict[str, str], lang: str) -> str:
    out = template.format(**slots)
    return _cap(out) if lang == "en" else out


def _word_count(paragraphs: list[str]) -> int:
    return sum(p.count(" ") + 1 for p in paragraphs)


def compose(
    lang: str,
    topic: str,
    rng: random.Random,
    *,
    shared: dict[str, str] | None = None,
    avoid: tuple[int, int] | None = None,
) -> tuple[dict[str, str], str, list[str], list[str], str, str, tuple[int, int]]:
    """Fill slots and write one story: headline, paragraphs, alternates and background.

    `shared` overrides slot values (a same-event pair keeps its people, places and issue);
    `avoid` is (headline, lead) template indices another story used, so the second day of an
    event opens differently. Returns slots, headline, paragraphs, alternate headlines, an
    alternate lead, the filled background and the (headline, lead) indices used.
    """
    bank = BANKS[lang]
    t = bank.TOPICS[topic]
    slots = fill_slots(lang, rng, t["issues"])
    if shared:
        slots.update(shared)
    if "{" in slots["issue"]:
        slots["issue"] = slots["issue"].format(**slots)
    h_order = list(range(len(t["headlines"])))
    rng.shuffle(h_order)
    l_order = list(range(len(t["leads"])))
    rng.shuffle(l_order)
    if avoid:
        h_order.sort(key=lambda i: i == avoid[0])
        l_order.sort(key=lambda i: i == avoid[1])
    headlines = [_fmt(t["headlines"][i], slots, lang) for i in h_order]
    lead = _fmt(t["leads"][l_order[0]], slots, lang)
    alt_lead = _fmt(t["leads"][l_order[1]], slots, lang)

    people = [slots["person"], slots["person2"], slots["person3"]]
    details = rng.sample(t["details"], len(t["details"]))
    quotes = [
        rng.choice(bank.QUOTE_WRAPPERS).format(q=q.format(**slots), who=rng.choice(people))
        for q in rng.sample(t["quotes"], len(t["quotes"]))
    ]
    n_details, n_quotes = rng.randint(5, 7), rng.randint(2, 4)
    # Short stories take more of the bank until they reach the 150-word floor.
    while True:
        body = [_fmt(s, slots, lang) for s in details[:n_details]] + quotes[:n_quotes]
        words = len(lead.split()) + sum(len(s.split()) for s in body)
        if words >= 150 or (n_details, n_quotes) == (len(details), len(quotes)):
            break
        n_details = min(len(details), n_details + 1)
        n_quotes = min(len(quotes), n_quotes + 1)
    rng.shuffle(body)
    tail = [_fmt(s, slots, lang) for s in rng.sample(t["context"], rng.randint(1, 3))]
    if rng.random() < 0.3:
        tail.append(_fmt(rng.choice(bank.GENERIC), slots, lang))
    sentences = body + tail

    paragraphs = [lead]
    n_body = rng.randint(3, 7)
    per = max(1, round(len(sentences) / n_body))
    i = 0
    while i < len(sentences):
        take = max(1, min(3, per + rng.choice((-1, 0, 0, 1))))
        paragraphs.append(" ".join(sentences[i : i + take]))
        i += take
    while len(paragraphs) > 8:
        last = paragraphs.pop()
        paragraphs[-1] = paragraphs[-1] + " " + last
    background = _fmt(t["background"][0], slots, lang)
    return (
        slots,
        headlines[0],
        paragraphs,
        headlines[1:],
        alt_lead,
        background,
        (h_order[0], l_order[0]),
    )


def _story(
    sid: str,
    lang: str,
    topic: str,
    kind: str,
    family: str,
    origin: datetime,
    parts: tuple[dict[str, str], str, list[str], list[str], str, str, tuple[int, int]],
) -> BaseStory:
    slots, headline, paragraphs, alts, alt_lead, background, _ = parts
    return BaseStory(
        id=sid,
        language=lang,
        topic=topic,
        kind=kind,
        family=family,
        headline=headline,
        paragraphs=paragraphs,
        alt_headlines=alts,
        alt_lead=alt_lead,
        background=background,
        slots=slots,
        origin=origin,
        words=_word_count(paragraphs),
    )


def _block_rng(seed: int, block: int, part: str) -> random.Random:
    return random.Random(f"syndication:{seed}:{block}:{part}")


def make_block(seed: int = 0, block: int = 0) -> list[BaseStory]:
    """All base stories of one block, in a fixed order (regular first, then hard negatives)."""
    start = EPOCH + timedelta(days=BLOCK_DAYS * block)
    stories: list[BaseStory] = []
    prefix = f"b{block}"

    def when(rng: random.Random) -> datetime:
        return start + timedelta(minutes=rng.randint(0, 30 * 24 * 60))

    for lang in LANGUAGES:
        rng = _block_rng(seed, block, f"regular:{lang}")
        for n in range(REGULAR_PER_LANGUAGE):
            topic = TOPICS[n % len(TOPICS)]
            parts = compose(lang, topic, rng)
            stories.append(
                _story(f"{prefix}-{lang}-{n:03d}", lang, topic, "regular", "", when(rng), parts)
            )

    for lang in LANGUAGES:
        rng = _block_rng(seed, block, f"template:{lang}")
        for fam in templates.FAMILIES:
            fixture = templates.family_fixture(lang, rng)
            family = f"{prefix}-{lang}-{fam}"
            first_day = start + timedelta(days=rng.randint(0, 10), hours=10, minutes=15)
            for day in range(TEMPLATE_DAYS):
                slots = templates.instance_slots(lang, day, rng, fixture)
                headline, paragraphs = templates.render(lang, fam, slots)
                slots.update(place=slots["city"], capital=slots["city"])
                origin = first_day + timedelta(days=day, minutes=rng.randint(-20, 20))
                stories.append(
                    BaseStory(
                        id=f"{family}-d{day:02d}",
                        language=lang,
                        topic=fam,
                        kind="template",
                        family=family,
                        headline=headline,
                        paragraphs=paragraphs,
                        alt_headlines=[],
                        alt_lead=paragraphs[0],
                        background="",
                        slots=slots,
                        origin=origin,
                        words=_word_count(paragraphs),
                    )
                )

    for lang in LANGUAGES:
        rng = _block_rng(seed, block, f"background:{lang}")
        for n in range(PAIRS_PER_LANGUAGE):
            topic = TOPICS[(n * 5) % len(TOPICS)]
            family = f"{prefix}-{lang}-bg{n:02d}"
            a = compose(lang, topic, rng)
            keep = ("place", "place2", "company", "country", "capital")
            b = compose(lang, topic, rng, shared={k: a[0][k] for k in keep}, avoid=a[6])
            shared_bg = a[5]
            # The second story is a short update: its stock background is half of it.
            brief = [b[2][0], *b[2][1 : 1 + rng.randint(1, 2)]]
            b = (b[0], b[1], brief, b[3], b[4], b[5], b[6])
            for tag, parts in (("a", a), ("b", b)):
                paras = list(parts[2])
                paras.insert(rng.randint(2, len(paras)), shared_bg)
                parts = (parts[0], parts[1], paras, parts[3], parts[4], shared_bg, parts[6])
                sid, kind = f"{family}{tag}", "shared_background"
                stories.append(_story(sid, lang, topic, kind, family, when(rng), parts))

    for lang in LANGUAGES:
        rng = _block_rng(seed, block, f"event:{lang}")
        for n in range(PAIRS_PER_LANGUAGE):
            topic = SAME_EVENT_TOPICS[n % len(SAME_EVENT_TOPICS)]
            family = f"{prefix}-{lang}-ev{n:02d}"
            day1 = compose(lang, topic, rng)
            shared = {k: day1[0][k] for k in (*ENTITY_SLOTS, "issue")}
            day2 = compose(lang, topic, rng, shared=shared, avoid=day1[6])
            # Day two recaps day one and both carry the same background, as desks write them.
            background = day1[5]
            p1, p2 = list(day1[2]), list(day2[2])
            p1.insert(len(p1) - 1, background)
            p2[2:2] = [f"{RECAP[lang]} {day1[2][0]}"]
            p2.insert(len(p2) - 1, background)
            day1 = (day1[0], day1[1], p1, day1[3], day1[4], background, day1[6])
            day2 = (day2[0], day2[1], p2, day2[3], day2[4], background, day2[6])
            t1 = when(rng)
            for tag, parts, t in (("d1", day1, t1), ("d2", day2, t1 + timedelta(hours=24))):
                sid = f"{family}{tag}"
                stories.append(_story(sid, lang, topic, "same_event", family, t, parts))
    return stories
