"""The portal-lead set: agency stories in six languages, and what portals make of them.

Issue 14 found that most copies the engine missed on an outside evaluation had one shape: a
portal's own lead over the wire's paragraphs. The copy opens with a paragraph the portal wrote
(or the wire's second paragraph moved up), keeps two or three of the wire's paragraphs,
sometimes drops the wire's dateline clause, adds the background paragraph the portal puts under
many stories, and rewrites the headline. This set makes such copies from agency stories in
Hindi, English, German, French, Spanish and Finnish (texts in `bank_portal.py`), each copy
labelled with the edits it got:

| edit | what the copy does |
|---|---|
| `portal_lead` | opens with a paragraph of the portal's own |
| `moved_up` | opens with the wire's second paragraph |
| `dateline_drop` | keeps the wire's lead without its dateline clause |
| `background` | adds the portal's recurring background paragraph |
| `headline_rewrite` | rewrites the headline (`बड़ी खबर: … - जानें पूरी बात`, `Explainer: …`) |
| `paragraph_drop` | keeps only two or three of the wire's body paragraphs |

and the hard negatives that must stay apart, each its own story and copied like any other:
daily market reports of different days (`template`), a story and a short update that share
only the agency's background paragraph (`shared_background`), and the same event told by two
agencies in their own words (`same_event`). Portal copies of different stories also share the
portal's background paragraph. Records and labels have the shape of `generate.py`'s, so
`evaluate.py --set portal` scores any system on them.
"""

from __future__ import annotations

import hashlib
import html
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import bank_portal as bank
from generate import Labelled

EDIT_KINDS = (
    "portal_lead",
    "moved_up",
    "dateline_drop",
    "background",
    "headline_rewrite",
    "paragraph_drop",
)
REGULAR_PER_LANGUAGE = 40
TEMPLATE_DAYS = 5
PAIRS_PER_LANGUAGE = 5
BLOCK_DAYS = 6
EPOCH = datetime(2025, 3, 3, 4, 0, tzinfo=UTC)
COPY_WINDOW_MINUTES = 36 * 60

AGENCIES = (("IWS", "आईडब्ल्यूएस"), ("SB", "एसबी"), ("NNA", "एनएनए"))
Parts = tuple[dict[str, str], str, str, list[str]]
# The order of set B's sentences that tells each fact where set A does (fact by fact).
ALIGN = {"results": (0, 2, 1, 3, 4)}


@dataclass(slots=True)
class Wire:
    """One agency story: its headline and paragraphs, and what portals may reuse of it."""

    id: str
    language: str
    kind: str
    family: str
    agency: int
    headline: str
    alt_headline: str
    dateline: str
    paragraphs: list[str]  # the lead (without its dateline) first
    slots: dict[str, str]
    origin: datetime

    def body(self) -> list[str]:
        """The paragraphs as the agency sends them: the dateline in front of the lead."""
        return [f"{self.dateline} {self.paragraphs[0]}", *self.paragraphs[1:]]


def _slots(lang: str, rng: random.Random) -> dict[str, str]:
    first, last = bank.FIRST[lang], bank.SURNAME[lang]
    people = rng.sample([f"{f} {s}" for f in first for s in last], 2)
    return {
        "person": people[0],
        "person2": people[1],
        "place": rng.choice(bank.PLACE[lang]),
        "org": rng.choice(bank.ORG[lang]),
        "river": rng.choice(bank.RIVERS[lang]),
        "weekday": rng.choice(bank.WEEKDAYS[lang]),
        "month": bank.MONTHS[lang],
        "n1": str(rng.randint(2, 9)),
        "n2": str(rng.randint(11, 99)),
        "n3": str(rng.randint(2, 40)),
        "n4": str(rng.randint(12, 98)),
        "pct": str(rng.randint(3, 29)),
        "decade": f"19{rng.randint(5, 8)}",
    }


def _dateline(lang: str, slots: dict[str, str], agency: int, day: int) -> str:
    name = AGENCIES[agency][1 if lang == "hi" else 0]
    place = slots["place"]
    return bank.DATELINE[lang].format(
        place=place, PLACE=place.upper(), agency=name, day=day, month=bank.MONTHS[lang]
    )


def _paragraphs(lead: str, sentences: list[str], rng: random.Random) -> list[str]:
    """The lead, then the sentences in paragraphs of one or two (four to six paragraphs)."""
    paras = [lead]
    i = 0
    while i < len(sentences):
        take = 1 if len(sentences) - i <= 5 - len(paras) or rng.random() < 0.5 else 2
        paras.append(" ".join(sentences[i : i + take]))
        i += take
    return paras


def _story(
    lang: str,
    frame: str,
    rng: random.Random,
    *,
    slots: dict[str, str] | None = None,
    style: str | None = None,
) -> Parts:
    """Slots, headline, alternate headline and paragraphs (lead first, no dateline).

    `style` "a" or "b" writes the story in one agency's words only (the same-event pair);
    otherwise the sentences come from both.
    """
    f = bank.FRAMES[lang][frame]
    slots = slots or _slots(lang, rng)
    i = {"a": 0, "b": 1}.get(style or "", rng.randrange(2))
    headline, alt = f["headline"][i], f["headline"][1 - i]
    lead = f["lead"][i]
    if style:
        pool = list(f[style])
    else:  # each fact in one agency's words or the other's
        b = [f["b"][j] for j in ALIGN.get(frame, range(len(f["b"])))]
        pool = [rng.choice(pair) for pair in zip(f["a"], b, strict=True)]
    rng.shuffle(pool)
    text = [s.format(**slots) for s in pool]
    return (
        slots,
        headline.format(**slots),
        alt.format(**slots),
        _paragraphs(lead.format(**slots), text, rng),
    )


def _market(lang: str, day: int, rng: random.Random, base: float) -> tuple[str, list[str]]:
    m = bank.MARKET[lang]
    up = rng.random() < 0.55
    v = dict(
        index=m["index"],
        weekday=bank.WEEKDAYS[lang][day % 5],
        v1=f"{base:.0f}",
        v2=f"{base + rng.randint(5, 60):.0f}",
        v3=f"{base - rng.randint(5, 60):.0f}",
        pct=f"{rng.randint(1, 25) / 10:.1f}",
        dir=m["up"] if up else m["down"],
        t=str(rng.randint(40, 400)),
        up=str(rng.randint(5, 95)),
        fx=f"{rng.randint(1050, 1150) / 1000:.3f}",
    )
    figures = [s.format(**v) for s in m["figures"]]
    paras = [m["lead"].format(**v), figures[0], f"{figures[1]} {m['fixed'][0]}", figures[2],
             m["fixed"][1]]  # fmt: skip
    return m["headline"].format(**v), paras


def make_block(seed: int = 0, block: int = 0) -> list[Wire]:
    """Every agency story of one block: regular stories and hard negatives, six languages."""
    start = EPOCH + timedelta(days=BLOCK_DAYS * block)
    out: list[Wire] = []
    p = f"p{block}"

    def when(rng: random.Random) -> datetime:
        return start + timedelta(minutes=rng.randint(0, (BLOCK_DAYS - 2) * 24 * 60))

    def add(
        sid: str, lang: str, kind: str, family: str, parts: Parts, t: datetime, ag: int
    ) -> None:
        slots, headline, alt, paras = parts
        out.append(
            Wire(sid, lang, kind, family, ag, headline, alt,
                 _dateline(lang, slots, ag, t.day), paras, slots, t)
        )  # fmt: skip

    for lang in bank.LANGUAGES:
        rng = random.Random(f"portal:{seed}:{block}:{lang}")
        frames = tuple(bank.FRAMES[lang])
        for n in range(REGULAR_PER_LANGUAGE):
            parts = _story(lang, frames[n % len(frames)], rng)
            add(f"{p}-{lang}-{n:03d}", lang, "regular", "", parts, when(rng), rng.randrange(3))
        family = f"{p}-{lang}-market"
        base = rng.uniform(8000, 20000)
        first = start + timedelta(hours=14, minutes=rng.randint(0, 30))
        for day in range(TEMPLATE_DAYS):
            base *= 1 + rng.uniform(-0.02, 0.02)
            headline, paras = _market(lang, day, rng, base)
            slots = _slots(lang, rng)
            t = first + timedelta(days=day, minutes=rng.randint(-15, 15))
            add(f"{family}-d{day}", lang, "template", family, (slots, headline, headline, paras),
                t, 0)  # fmt: skip
        for n in range(PAIRS_PER_LANGUAGE):
            family = f"{p}-{lang}-bg{n}"
            slots, headline, alt, paras = _story(lang, "bridge", rng)
            background = bank.AGENCY_BACKGROUND[lang].format(**slots)
            paras.insert(len(paras) - 1, background)
            t = when(rng)
            ag = rng.randrange(3)
            add(f"{family}a", lang, "shared_background", family, (slots, headline, alt, paras),
                t, ag)  # fmt: skip
            later = dict(slots, person=_slots(lang, rng)["person"], n3=str(rng.randint(2, 40)))
            update = [s.format(**later) for s in bank.UPDATE[lang]]
            extra = rng.choice(bank.FRAMES[lang]["bridge"]["a"]).format(**_slots(lang, rng))
            short = [update[0], f"{update[1]} {extra}", background]
            head = bank.UPDATE_HEADLINE[lang].format(**later)
            add(f"{family}b", lang, "shared_background", family, (later, head, head, short),
                t + timedelta(hours=rng.randint(4, 20)), ag)  # fmt: skip
        for n in range(PAIRS_PER_LANGUAGE):
            family = f"{p}-{lang}-ev{n}"
            frame = frames[n % len(frames)]
            a = _story(lang, frame, rng, style="a")
            b = _story(lang, frame, rng, slots=a[0], style="b")
            t = when(rng)
            ag = rng.randrange(3)
            add(f"{family}a", lang, "same_event", family, a, t, ag)
            add(f"{family}b", lang, "same_event", family, b,
                t + timedelta(minutes=rng.randint(10, 240)), (ag + 1) % 3)  # fmt: skip
    return out


def _portal_copy(
    wire: Wire, portal: str, rng: random.Random
) -> tuple[str, list[str], tuple[str, ...]]:
    """One portal's copy of a wire story: headline, paragraphs and the edits it got."""
    lang = wire.language
    edits: list[str] = []
    body = wire.paragraphs[1:]
    lead_kept = True
    opening: list[str] = []
    roll = rng.random()
    if roll < 0.5:
        opening = [rng.choice(bank.PORTAL_LEADS[lang]).format(**wire.slots)]
        edits.append("portal_lead")
        lead_kept = rng.random() < 0.4
    elif roll < 0.8 and len(body) >= 3:
        opening = [body[0]]
        body = body[1:]
        edits.append("moved_up")
        lead_kept = False
    keep = min(len(body), rng.randint(2, 3) - (1 if "moved_up" in edits else 0))
    kept_idx = sorted(rng.sample(range(len(body)), keep))
    kept = [body[i] for i in kept_idx]
    if keep < len(body):
        edits.append("paragraph_drop")
    paras = list(opening)
    if lead_kept:
        if rng.random() < 0.5:
            paras.append(wire.paragraphs[0])
            edits.append("dateline_drop")
        else:
            paras.append(f"{wire.dateline} {wire.paragraphs[0]}")
    paras += kept
    if rng.random() < 0.6:
        templates = bank.PORTAL_BACKGROUNDS[lang]
        pick = int(hashlib.blake2b(portal.encode(), digest_size=2).hexdigest(), 16) % 2
        background = templates[pick].format(portal=portal)
        at = len(paras) if rng.random() < 0.7 else max(1, len(paras) - 1)
        paras.insert(at, background)
        edits.append("background")
    headline = wire.headline
    if rng.random() < 0.7:
        base = wire.alt_headline if rng.random() < 0.3 else wire.headline
        headline = rng.choice(bank.HEADLINE_WRAPPERS[lang]).format(headline=base)
        edits.append("headline_rewrite")
    order = {e: i for i, e in enumerate(EDIT_KINDS)}
    return headline, paras, tuple(sorted(edits, key=order.__getitem__))


def copies_of(wire: Wire, rng: random.Random, seed: int) -> Iterator[Labelled]:
    """The agency's original, sometimes the same text from another agency, and two to four
    portal copies, each from a different portal, within 36 hours."""
    portals = rng.sample(bank.PORTALS, rng.randint(2, 4))
    versions: list[tuple[str, str, list[str], tuple[str, ...], str]] = [
        (AGENCIES[wire.agency][0], wire.headline, wire.body(), (), "original")
    ]
    if rng.random() < 0.15:
        other = AGENCIES[(wire.agency + 1) % 3][0]
        versions.append((other, wire.headline, wire.body(), (), "exact"))
    for portal in portals:
        headline, paras, edits = _portal_copy(wire, portal, rng)
        versions.append((portal, headline, paras, edits, "copy" if edits else "exact"))
    for i, (source, headline, paras, edits, role) in enumerate(versions):
        minutes = 0 if i == 0 else rng.randint(3, COPY_WINDOW_MINUTES)
        published = wire.origin + timedelta(minutes=minutes, seconds=rng.randint(0, 59))
        guid = f"https://{source.lower().replace(' ', '-')}.example/{wire.id}/{i}"
        rid = hashlib.blake2b(f"{seed}|{guid}".encode(), digest_size=8).hexdigest()
        record = {
            "id": rid,
            "source": source,
            "guid": guid,
            "headline": headline,
            "body_html": "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paras),
            "body_text": "\n\n".join(paras),
            "language": wire.language,
            "published_at": published.isoformat(),
            "cluster": wire.id,
        }
        yield Labelled(record, wire.kind, wire.family, edits, role)


def iter_labelled(seed: int = 0, size: int | None = None) -> Iterator[Labelled]:
    """Labelled records in arrival order: one block when `size` is None, else blocks until
    `size` records."""
    count = 0
    block = 0
    while True:
        rng = random.Random(f"portal-copies:{seed}:{block}")
        batch = [lab for w in make_block(seed, block) for lab in copies_of(w, rng, seed)]
        batch.sort(key=lambda lab: (lab.record["published_at"], lab.record["id"]))
        for lab in batch:
            if size is not None and count >= size:
                return
            yield lab
            count += 1
        block += 1
        if size is None:
            return
