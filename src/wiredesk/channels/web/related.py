"""Related stories at the end of an article: other stories of its section, those that share
its subjects first.

The other copies of the article's own story are named above it ("Also reported by"); these
are other stories. They are chosen among the article's neighbours in its section (the
`OLDER` listed copies published before it and the `NEWER` after it: two walks of the
section's index from the article's place, so the cost is the same for an article of today
and one from years ago). A neighbour that shares the agencies' subject codes (weight 2),
keywords or categories (weight 1) with the article ranks first; then the nearest in time,
so without any shared subject the block is "more from this section, around that time".
Subjects are not indexed: a story of another section, or one further away in time, that
shares a subject is not found. The neighbours are in the article's own language, its
edition's (`PublicReader.around`): an English article never suggests a Hindi story.
"""

from __future__ import annotations

from collections.abc import Sequence

from wiredesk.store.public.views import Copy

OLDER = 20  # neighbours published before the article
NEWER = 10  # and after it
SHOWN = 4  # related stories at the end of an article


def topics(copy: Copy) -> dict[tuple[str, str], int]:
    """What the agency said the copy is about, each with its weight: subject codes (2), or a
    subject's name when it has no code, keywords and categories (1), compared without case."""
    out: dict[tuple[str, str], int] = {}
    for subject in copy.subjects:
        code = str(subject.get("code") or "").strip()
        if code:
            out[("subject", f"{subject.get('scheme') or ''}:{code}".casefold())] = 2
        elif str(subject.get("name") or "").strip():
            out[("subject-name", str(subject["name"]).strip().casefold())] = 2
    for word in copy.keywords:
        if word.strip():
            out.setdefault(("word", word.strip().casefold()), 1)
    for word in copy.categories:
        if word.strip():
            out.setdefault(("word", word.strip().casefold()), 1)
    return out


def related_stories(copy: Copy, candidates: Sequence[Copy], shown: int = SHOWN) -> list[Copy]:
    """Up to `shown` of `candidates`: most shared topics first, then nearest in time (the
    newer of two as near); never the article, a copy of its own story, or two copies of one
    story."""
    mine = topics(copy)

    def score(other: Copy) -> int:
        return sum(w for key, w in topics(other).items() if key in mine)

    def distance(other: Copy) -> float:
        return abs((other.published_at - copy.published_at).total_seconds())

    # as near, the newer first
    ordered = sorted(
        candidates,
        key=lambda c: (-score(c), distance(c), -c.published_at.timestamp(), -c.item_id),
    )
    seen = {copy.story_id if copy.story_id is not None else -copy.item_id}
    out: list[Copy] = []
    for other in ordered:
        key = other.story_id if other.story_id is not None else -other.item_id
        if other.item_id == copy.item_id or key in seen:
            continue
        seen.add(key)
        out.append(other)
        if len(out) == shown:
            break
    return out
