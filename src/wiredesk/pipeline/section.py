"""Stage 6: file the item under a site section.

Agencies tag stories with categories in their own words; a site has a handful of sections.
A category that names a configured section (by slug or display name, in any case or Unicode
composition) files the story there; otherwise it goes where its source is configured to go.
"""

from __future__ import annotations

from functools import lru_cache

from wiredesk.model import Item
from wiredesk.pipeline.context import StageContext
from wiredesk.pipeline.evolve import evolve
from wiredesk.pipeline.nfc import to_nfc


def _key(text: str) -> str:
    return to_nfc(text).strip().casefold()


@lru_cache(maxsize=64)
def _by_name(sections: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Matching key -> section slug; cached because a site's sections are the same per item."""
    by_name: dict[str, str] = {}
    for slug, display in sections:
        by_name.setdefault(_key(slug), slug)
        by_name.setdefault(_key(display), slug)
    return by_name


def choose_section(item: Item, ctx: StageContext) -> Item:
    """The first category matching a configured section wins; else the source's default."""
    by_name = _by_name(tuple(ctx.sections.items()))
    for category in item.categories:
        slug = by_name.get(_key(category))
        if slug is not None:
            return evolve(item, section=slug)
    return evolve(item, section=ctx.default_section)
