"""What the front page shows, and how it is chosen: a lead story, a block of top stories, a
block per section and a "latest" rail.

A wire has no editor ranking stories, so the page ranks what the wires themselves say about
the newest ones: a story that several agencies carry is bigger news than one only a single
agency sent, and an agency's urgent flag (urgency 1-3) counts as one agency more; among
equals, the newer first. The lead is the best-ranked story, or, when pictures are shown, the
best-ranked story with a picture if it is among the first `PICTURE_REACH` (an image-led page
without promoting a minor story for its picture). The rail is the newest stories in time
order, whatever their rank, and leads on to the older ones (`/?older=…`). Each section's
block shows its newest stories not already at the top of the page.

Each edition has its own front page, read from its language's copies only (a Hindi copy never
leads the English edition's page, nor the other way round), along the language-led indexes
its lists use.

Every read is bounded, whatever the archive holds: the `POOL` newest listed copies (one walk
of the listing index, which the rail shares), their other copies (one indexed query) and
`PER_SECTION` and a few more of each section (one walk of each section's index); nothing is
counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from wiredesk.store.public.reader import PublicReader
from wiredesk.store.public.views import Copy, Cursor, OtherCopy, Scope

POOL = 24  # the newest listed copies the lead and top stories are chosen from
TOP = 4  # top stories beside the lead
RAIL = 10  # the "latest" rail
PER_SECTION = 4  # a section's block: its lead and three headlines
PICTURE_REACH = 3  # a story with a picture leads if it ranks among this many
URGENT = 3  # an agency's urgency 1..3 (flash, bulletin, urgent) marks a story as urgent


@dataclass(frozen=True, slots=True)
class SectionBlock:
    """One section on the front page: its lead (with a picture when it has one) and more."""

    slug: str
    name: str
    lead: Copy
    more: list[Copy] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class FrontPage:
    lead: Copy | None
    top: list[Copy]
    latest: list[Copy]  # the rail, newest first
    older: Cursor | None  # where the rail goes on ("More latest news"), if there is more
    sections: list[SectionBlock]
    also: dict[str, list[OtherCopy]]  # short id -> the story's other copies (lead and top)


def story_key(copy: Copy) -> int:
    """One copy a story on the page (a copy alone in no story counts as its own)."""
    return copy.story_id if copy.story_id is not None else -copy.item_id


def weight(copy: Copy, others: Sequence[OtherCopy]) -> int:
    """How big the wires say the story is: the agencies that carry it, one more if urgent."""
    urgent = copy.urgency is not None and copy.urgency <= URGENT
    return 1 + len(others) + (1 if urgent else 0)


def rank(pool: Sequence[Copy], also: Mapping[str, Sequence[OtherCopy]]) -> list[Copy]:
    """`pool` best first (weight, then newest), one copy a story."""
    ordered = sorted(
        pool,
        key=lambda c: (
            -weight(c, also.get(c.short_id, ())),
            -c.published_at.timestamp(),
            -c.item_id,
        ),
    )
    return _one_a_story(ordered)


def choose_lead(ranked: Sequence[Copy]) -> int:
    """The position in `ranked` of the lead: the first with a picture within reach, else 0."""
    for position, copy in enumerate(ranked[:PICTURE_REACH]):
        if copy.picture:
            return position
    return 0


def build(
    reader: PublicReader,
    now: datetime,
    sections: Sequence[tuple[str, str]],
    language: str | None = None,
) -> FrontPage:
    """An edition's front page at `now`, from copies in its `language` only (None: in any),
    with a block for each of `sections` ((slug, name) in the navigation's order) that lists
    something in that language."""
    pool = reader.page(now, Scope(language=language), size=POOL).copies
    if not pool:
        return FrontPage(None, [], [], None, [], {})
    also = reader.other_copies(pool, now)
    ranked = rank(pool, also)
    lead = ranked.pop(choose_lead(ranked))
    top = ranked[:TOP]
    latest = pool[:RAIL]
    older = Cursor(latest[-1].published_at, latest[-1].item_id) if len(pool) > RAIL else None
    shown = {story_key(c) for c in (lead, *top)}
    sizes = {slug: PER_SECTION for slug, _ in sections}
    for c in (lead, *top):  # room for what a block leaves out
        if c.section in sizes:
            sizes[c.section] += 1
    lists = reader.section_lists(now, sizes, language)
    blocks = []
    for slug, name in sections:
        fresh = [c for c in _one_a_story(lists.get(slug, [])) if story_key(c) not in shown]
        block = section_block(slug, name, fresh[:PER_SECTION])
        if block is not None:
            blocks.append(block)
    return FrontPage(
        lead=lead,
        top=top,
        latest=latest,
        older=older,
        sections=blocks,
        also={c.short_id: also.get(c.short_id, []) for c in (lead, *top)},
    )


def section_block(slug: str, name: str, copies: Sequence[Copy]) -> SectionBlock | None:
    """A section's block: the newest copy with a picture leads it, else the newest."""
    if not copies:
        return None
    first = next((i for i, c in enumerate(copies) if c.picture), 0)
    rest = [c for i, c in enumerate(copies) if i != first]
    return SectionBlock(slug, name, copies[first], rest)


def _one_a_story(copies: Iterable[Copy]) -> list[Copy]:
    """`copies` in order, each story's first only (under `duplicates = "publish"` a story's
    copies are all listed, but the front page names a story once)."""
    seen: set[int] = set()
    out = []
    for c in copies:
        key = story_key(c)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out
