"""The processing pipeline: pure stages that turn a parsed `Item` into a publishable one.

Each stage is a function `(item, ctx) -> item` returning a new item; none does I/O, so the
same input always gives the same output and a stage can be tested, replayed or benchmarked on
its own. Order matters: the body is sanitized before anything reads it, attribution is lifted
before the dateline (so a credit line at the top is not mistaken for story), and language and
slug read the final text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from wiredesk.config import SiteSettings, SourceSettings
from wiredesk.model import Item
from wiredesk.pipeline.attribution import lift_attribution
from wiredesk.pipeline.dateline import lift_dateline
from wiredesk.pipeline.language import settle_language
from wiredesk.pipeline.normalize import normalize
from wiredesk.pipeline.section import choose_section
from wiredesk.pipeline.slug import make_slug


@dataclass(frozen=True, slots=True)
class StageContext:
    """What a stage may know beyond the item: the source and site it is processed for."""

    source_name: str  # e.g. "IANS"
    default_section: str  # the source's configured section slug
    site_language: str  # "hi" or "en"
    sections: Mapping[str, str] = field(default_factory=dict)  # slug -> display name
    feed_language: str | None = None  # the feed-level language, if declared


def context_for(
    site: SiteSettings, source: SourceSettings, feed_language: str | None = None
) -> StageContext:
    """The context for items of one source, from the validated settings."""
    return StageContext(
        source_name=source.name,
        default_section=source.section,
        site_language=site.language,
        sections=dict(site.sections),
        feed_language=feed_language,
    )


Stage = Callable[[Item, StageContext], Item]

STAGES: tuple[Stage, ...] = (
    normalize,
    lift_attribution,
    lift_dateline,
    settle_language,
    make_slug,
    choose_section,
)


def process(item: Item, ctx: StageContext) -> Item:
    """Run every stage in order; the input item is never modified."""
    for stage in STAGES:
        item = stage(item, ctx)
    return item
