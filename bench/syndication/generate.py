"""The labelled syndication set: every base story as it arrives from several sources.

For each base story an agency's original comes first; sometimes a second agency carries the
very same text (an exact duplicate); portals then publish copies with a few edits each, chosen
by weight and by the portal's habits (one always adds its disclaimer, one likes teasers). Copies
appear within ~36 hours of the original; template-family days are days apart. Records of one
block are sorted by time, so copies of one story are interleaved with everything else as in a
real feed. Generation streams block by block, so a million items need no more memory than one
block's two thousand.

    .venv/bin/python bench/syndication/generate.py --size 5000 --out set.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from base_stories import BaseStory, make_block  # noqa: E402
from edits import EDIT_NAMES, EXCLUSIVE, Context, Draft, apply  # noqa: E402


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    name: str
    name_hi: str
    agency: bool
    habits: tuple[str, ...] = ()


SOURCES = (
    Source("iws", "IWS", "आईडब्ल्यूएस", True),
    Source("sb", "SB", "एसबी", True),
    Source("nna", "NNA", "एनएनए", True),
    Source("khabar-junction", "Khabar Junction", "ख़बर जंक्शन", False,
           ("background_add", "headline_rewrite")),
    Source("portal-x", "Portal X", "पोर्टल एक्स", False, ("disclaimer", "credit_line")),
    Source("desh-live", "Desh Live", "देश लाइव", False, ("teaser", "headline_rewrite")),
    Source("nagar-times", "Nagar Times Online", "नगर टाइम्स ऑनलाइन", False,
           ("dateline", "quotes", "whitespace")),
    Source("samachar-setu", "Samachar Setu", "समाचार सेतु", False, ("spelling", "digits")),
    Source("daily-pulse", "Daily Pulse", "डेली पल्स", False, ("lead_replace", "paragraph_drop")),
    Source("metro-ledger", "The Metro Ledger", "द मेट्रो लेजर", False,
           ("lead_trim", "punctuation", "paragraph_reorder")),
)  # fmt: skip
AGENCIES = [s for s in SOURCES if s.agency]
PORTALS = [s for s in SOURCES if not s.agency]

# How often a portal reaches for each edit (before its habits multiply it).
EDIT_WEIGHTS = {
    "headline_rewrite": 4,
    "lead_replace": 2,
    "lead_trim": 2,
    "paragraph_drop": 3,
    "paragraph_reorder": 2,
    "background_add": 2,
    "teaser": 1,
    "dateline": 2,
    "credit_line": 3,
    "disclaimer": 3,
    "spelling": 3,
    "digits": 2,
    "punctuation": 3,
    "quotes": 2,
    "whitespace": 3,
}
HABIT_FACTOR = 5
COPY_WINDOW_MINUTES = 36 * 60


@dataclass(slots=True)
class Labelled:
    """A record plus what the harness (never the system under test) knows about it."""

    record: dict[str, str]
    kind: str
    family: str
    edits: tuple[str, ...]
    role: str  # "original", "exact" (another source, same text) or "copy"


def pick_edits(rng: random.Random, source: Source) -> list[str]:
    """One to four edits, weighted by the portal's habits, without contradictory pairs."""
    weights = [EDIT_WEIGHTS[e] * (HABIT_FACTOR if e in source.habits else 1) for e in EDIT_NAMES]
    k = rng.choices((1, 2, 3, 4), weights=(3, 4, 3, 1))[0]
    chosen: list[str] = []
    while len(chosen) < k:
        e = rng.choices(EDIT_NAMES, weights=weights)[0]
        if e in chosen or any(e in g and g & set(chosen) for g in EXCLUSIVE):
            weights[EDIT_NAMES.index(e)] = 0
            if not any(weights):
                break
            continue
        chosen.append(e)
    return chosen


class _HtmlCache:
    """Escaped paragraphs reused across a story's copies: most copies share most paragraphs."""

    def __init__(self) -> None:
        self.cache: dict[str, str] = {}

    def body(self, paragraphs: list[str]) -> str:
        out = []
        for p in paragraphs:
            h = self.cache.get(p)
            if h is None:
                h = self.cache[p] = f"<p>{html.escape(p, quote=False)}</p>"
            out.append(h)
        return "\n".join(out)


def _guid(source: Source, base: BaseStory, rng: random.Random) -> str:
    n = rng.randrange(10**6, 10**7)
    if source.agency:
        return f"urn:{source.id}:{base.language}:{base.origin:%Y%m%d}:{n}"
    return f"https://{source.id}.example/{base.language}/{base.topic}/{n}"


def copies_of(base: BaseStory, rng: random.Random, seed: int) -> Iterator[Labelled]:
    """The original and 2-5 further copies of one base story, each from a different source."""
    n = rng.choices((3, 4, 5, 6), weights=(40, 35, 20, 5))[0]
    agency = rng.choice(AGENCIES)
    others = [s for s in SOURCES if s is not agency]
    sources = [agency, *rng.sample(others, n - 1)]
    exact_second = sources[1].agency or rng.random() < 0.12
    cache = _HtmlCache()
    for i, source in enumerate(sources):
        draft = Draft(base.headline, base.paragraphs)
        applied: list[str] = []
        if i > 0 and not (i == 1 and exact_second):
            ctx = Context(base, agency.name, agency.name_hi, rng)
            draft, applied = apply(pick_edits(rng, source), draft, ctx)
        role = "original" if i == 0 else ("copy" if applied else "exact")
        minutes = 0 if i == 0 else rng.randint(3, COPY_WINDOW_MINUTES)
        published = base.origin + timedelta(minutes=minutes, seconds=rng.randint(0, 59))
        guid = _guid(source, base, rng)
        rid = hashlib.blake2b(f"{seed}|{guid}|{base.id}|{i}".encode(), digest_size=8).hexdigest()
        record = {
            "id": rid,
            "source": source.name,
            "guid": guid,
            "headline": draft.headline,
            "body_html": cache.body(draft.paragraphs),
            "body_text": "\n\n".join(draft.paragraphs),
            "language": base.language,
            "published_at": published.isoformat(),
            "cluster": base.id,
        }
        yield Labelled(record, base.kind, base.family, tuple(applied), role)


def iter_labelled(seed: int = 0, size: int | None = None) -> Iterator[Labelled]:
    """Labelled records: one block when `size` is None, else blocks until `size` records."""
    count = 0
    block = 0
    while True:
        rng = random.Random(f"copies:{seed}:{block}")
        batch = [lab for base in make_block(seed, block) for lab in copies_of(base, rng, seed)]
        batch.sort(key=lambda lab: (lab.record["published_at"], lab.record["id"]))
        for lab in batch:
            if size is not None and count >= size:
                return
            yield lab
            count += 1
        block += 1
        if size is None:
            return


def iter_records(seed: int = 0, size: int | None = None) -> Iterator[dict[str, str]]:
    """Just the records, streaming."""
    for lab in iter_labelled(seed, size):
        yield lab.record


def generate(seed: int = 0, size: int | None = None) -> list[dict[str, str]]:
    """The labelled set as a list of records (`cluster` is the base story id)."""
    return list(iter_records(seed, size))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Write the labelled syndication set as JSON lines.")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--size", type=int, default=None, help="records (default: one block)")
    ap.add_argument("--out", type=Path, default=None, help="file to write (default: stdout)")
    ap.add_argument("--labels", action="store_true", help="add kind, family, edits and role")
    args = ap.parse_args(argv)
    out = args.out.open("w", encoding="utf-8") if args.out else sys.stdout
    try:
        for lab in iter_labelled(args.seed, args.size):
            row: dict[str, object] = dict(lab.record)
            if args.labels:
                row.update(kind=lab.kind, family=lab.family, edits=list(lab.edits), role=lab.role)
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    finally:
        if args.out:
            out.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
