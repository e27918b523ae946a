"""Synthetic wire traffic for the site benchmark: six agencies, Hindi and English, over time.

Stories are composed from the syndication benchmark's sentence banks (`bench/syndication`:
twelve topics, invented people and places, slots filled once per story), so text reads like
agency copy and different stories differ in who, where and how many. Half the stories are in
Hindi (Devanagari), half in English. Three Hindi and three English agencies deliver RSS 2.0
files into drop folders. About a fifth of the stories are syndicated: the same story also
arrives from one or two other agencies of its language, minutes to two hours later, with that
agency's dateline and small desk edits (another headline, another lead, a paragraph or a
sentence dropped), so wiredesk's near-duplicate grouping makes multi-copy stories of them.

Everything is deterministic: an archive is cut into chunks, and chunk `c` of an archive with
seed `s` is made from its own `random.Random`, so a build can resume at any chunk and two
builds of the same archive write the same stories. Only the dates depend on `end`, the
archive's newest moment, which the caller fixes once and records.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
if str(HERE / "syndication") not in sys.path:
    sys.path.insert(0, str(HERE / "syndication"))

import bank_en  # noqa: E402
import bank_hi  # noqa: E402
from base_stories import TOPICS, compose  # noqa: E402
from pools import MONTH  # noqa: E402

BANKS = {"en": bank_en, "hi": bank_hi}
ITEMS_PER_FILE = 500
SYNDICATED_SHARE = 0.2  # stories that also arrive from one or two more agencies


@dataclass(frozen=True, slots=True)
class Agency:
    id: str
    name: str
    language: str
    dateline_tag: str  # how the agency names itself in a dateline
    section: str  # the source's default section in the settings


AGENCIES: tuple[Agency, ...] = (
    Agency("ians-hi", "आईएएनएस", "hi", "आईएएनएस", "desh"),
    Agency("bhasha", "भाषा", "hi", "भाषा", "desh"),
    Agency("univarta", "यूनीवार्ता", "hi", "वार्ता", "desh"),
    Agency("pti", "PTI", "en", "PTI", "desh"),
    Agency("ians", "IANS", "en", "IANS", "desh"),
    Agency("ani", "ANI", "en", "ANI", "desh"),
)
BY_LANGUAGE = {lang: tuple(a for a in AGENCIES if a.language == lang) for lang in ("hi", "en")}

SECTIONS: dict[str, str] = {
    "desh": "देश",
    "videsh": "विदेश",
    "rajniti": "राजनीति",
    "vyapar": "व्यापार",
    "khel": "खेल",
    "mausam": "मौसम",
    "swasthya": "स्वास्थ्य",
    "shiksha": "शिक्षा",
    "vigyan": "विज्ञान",
    "manoranjan": "मनोरंजन",
}
TOPIC_SECTION = {
    "politics": "rajniti",
    "courts": "desh",
    "weather": "mausam",
    "markets": "vyapar",
    "sports": "khel",
    "business": "vyapar",
    "health": "swasthya",
    "education": "shiksha",
    "transport": "desh",
    "culture": "manoranjan",
    "science": "vigyan",
    "world": "videsh",
}
EN_MONTH = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass(slots=True)
class Item:
    agency: Agency
    guid: str
    headline: str
    paragraphs: list[str]
    section: str
    published: datetime

    def rss(self) -> str:
        body = "".join(f"<p>{escape(p)}</p>" for p in self.paragraphs)
        return (
            f"<item><title>{escape(self.headline)}</title>"
            f"<link>https://wire.example/{self.agency.id}/{escape(self.guid)}</link>"
            f'<guid isPermaLink="false">{escape(self.guid)}</guid>'
            f"<pubDate>{format_datetime(self.published)}</pubDate>"
            f"<category>{self.section}</category>"
            f"<description><![CDATA[{body}]]></description></item>"
        )


def span_for(total: int) -> timedelta:
    """How much time an archive of `total` items covers: ~1,400 items a day, 30 days to 2 years."""
    return timedelta(days=min(730, max(30, total / 1400)))


def dateline(agency: Agency, place: str, when: datetime) -> str:
    if agency.language == "hi":
        return f"{place}, {when.day} {MONTH['hi'][when.month - 1]} ({agency.dateline_tag})। "
    return f"{place.upper()}, {EN_MONTH[when.month - 1]} {when.day} ({agency.dateline_tag}) — "


def _story(
    rng: random.Random, lang: str, topic: str
) -> tuple[dict[str, str], str, list[str], list[str], str]:
    """Slots, headline, paragraphs, alternate headlines and alternate lead of one story."""
    slots, headline, paras, alts, alt_lead, background, _ = compose(lang, topic, rng)
    paras = list(paras)
    if lang == "en" or rng.random() < 0.4:
        paras.insert(max(2, len(paras) - 1), background)
    if lang == "en":
        # English sentences are shorter in bytes: a second part (what else was said, from the
        # same bank with the same people and places) brings bodies to the Hindi ones' size.
        keep = {k: slots[k] for k in ("person", "person2", "place", "place2", "issue")}
        more = compose(lang, topic, rng, shared=keep)[2]
        paras.extend(more[1:4])
    if rng.random() < 0.1:
        paras.append(rng.choice(BANKS[lang].CREDITS).format(**slots))
    return slots, headline, paras, list(alts), alt_lead


def _edited(
    rng: random.Random, paras: list[str], alts: list[str], alt_lead: str, headline: str
) -> tuple[str, list[str]]:
    """A desk's copy of a story: one or two small edits."""
    out = list(paras)
    edits = rng.sample(("headline", "lead", "drop_para", "drop_sentence"), rng.randint(1, 2))
    if "headline" in edits and alts:
        headline = rng.choice(alts)
    if "lead" in edits:
        out[0] = alt_lead
    if "drop_para" in edits and len(out) > 3:
        del out[rng.randrange(2, len(out))]
    if "drop_sentence" in edits:
        i = rng.randrange(1, len(out))
        sentences = out[i].split("। " if "।" in out[i] else ". ")
        if len(sentences) > 1:
            del sentences[rng.randrange(len(sentences))]
            out[i] = ("। " if "।" in out[i] else ". ").join(sentences)
    return headline, out


def chunk_items(
    key: str, seed: int, chunk: int, chunks: int, per_chunk: int, end: datetime
) -> list[Item]:
    """The items of chunk `chunk` (of `chunks`) of an archive, oldest first.

    The archive spans `span_for(chunks * per_chunk)` up to `end`; chunk `c` covers its `c`-th
    slice of that time. Guids are `urn:bench:<key>:<chunk>:<n>` (copies add `:<agency>`), so
    they are distinct across chunks and archives with different keys.
    """
    rng = random.Random(f"site:{seed}:{key}:{chunk}")
    span = span_for(chunks * per_chunk)
    lo = end - span + span * chunk / chunks
    width = span / chunks
    items: list[Item] = []
    n = 0
    while len(items) < per_chunk:
        lang = "hi" if n % 2 == 0 else "en"
        topic = TOPICS[rng.randrange(len(TOPICS))]
        slots, headline, paras, alts, alt_lead = _story(rng, lang, topic)
        section = TOPIC_SECTION[topic]
        agencies = list(BY_LANGUAGE[lang])
        rng.shuffle(agencies)
        copies = 1
        if rng.random() < SYNDICATED_SHARE:
            copies = rng.choice((2, 2, 3))
        when = lo + width * rng.random()
        base_guid = f"urn:bench:{key}:{chunk}:{n}"
        for c in range(copies):
            agency = agencies[c]
            if c == 0:
                h, ps, t, guid = headline, list(paras), when, base_guid
            else:
                h, ps = _edited(rng, paras, alts, alt_lead, headline)
                t = when + timedelta(minutes=rng.randint(3, 120))
                guid = f"{base_guid}:{agency.id}"
            t = min(t, end)
            ps[0] = dateline(agency, slots["place"], t) + ps[0]
            items.append(Item(agency, guid, h, ps, section, t))
        n += 1
    del items[per_chunk:]
    items.sort(key=lambda i: i.published)
    return items


def fresh_items(key: str, count: int, end: datetime, minutes: float = 60.0) -> list[Item]:
    """`count` new items published over the `minutes` before `end` (the during-ingest load)."""
    items = chunk_items(key, 1, 0, 1, count, end)
    lo = end - timedelta(minutes=minutes)
    step = timedelta(minutes=minutes) / max(1, count)
    for i, item in enumerate(items):
        item.published = lo + step * (i + 1)
    return items


def rss_document(agency: Agency, items: list[Item]) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<rss version="2.0"><channel>'
        f"<title>{escape(agency.name)}</title><link>https://wire.example/{agency.id}/</link>"
        f"<description>{escape(agency.name)} wire</description>"
        f"<language>{agency.language}</language>"
        + "".join(i.rss() for i in items)
        + "</channel></rss>\n"
    )


def write_drop_files(items: list[Item], folders: dict[str, Path], prefix: str) -> Iterator[Path]:
    """Write `items` as RSS files of up to `ITEMS_PER_FILE` into each agency's drop folder.

    Files are written as `.tmp` and renamed, as a real writer should; their times are set a
    few seconds back so the drop folder takes them at once (it waits for files changed within
    the last second).
    """
    import os
    import time

    per_agency: dict[str, list[Item]] = {}
    for item in items:
        per_agency.setdefault(item.agency.id, []).append(item)
    past = time.time() - 10
    for agency in AGENCIES:
        batch = per_agency.get(agency.id, [])
        folder = folders[agency.id]
        folder.mkdir(parents=True, exist_ok=True)
        for f, start in enumerate(range(0, len(batch), ITEMS_PER_FILE)):
            path = folder / f"{prefix}-{f:04d}.xml"
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(rss_document(agency, batch[start : start + ITEMS_PER_FILE]), "utf-8")
            os.utime(tmp, (past, past))
            tmp.rename(path)
            yield path


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
