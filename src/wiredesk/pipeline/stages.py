"""The stages in their order, and `process`, which runs them on one parsed item.

Each stage is a function `(item, ctx) -> item` returning a new item; none does I/O, so the
same input always gives the same output and a stage can be tested, replayed or benchmarked on
its own. Order matters: the body is sanitized before anything reads it, attribution is lifted
before the dateline (so a credit line at the top is not mistaken for story), language and
slug read the final text, and the final scrub comes last, after every stage that copies text
out of the body.
"""

from __future__ import annotations

from collections.abc import Callable

from wiredesk.model import Item
from wiredesk.pipeline.attribution import lift_attribution
from wiredesk.pipeline.context import StageContext
from wiredesk.pipeline.dateline import lift_dateline
from wiredesk.pipeline.final_scrub import scrub_decoded_controls
from wiredesk.pipeline.language import settle_language
from wiredesk.pipeline.sanitize import sanitize_item
from wiredesk.pipeline.section import choose_section
from wiredesk.pipeline.slug import make_slug
from wiredesk.pipeline.time_sanity import forget_unbelievable_times
from wiredesk.text.controls import may_decode_to_controls

Stage = Callable[[Item, StageContext], Item]

# Every stage an item goes through, in order; `process` then adds the final scrub.
STAGES: tuple[Stage, ...] = (
    sanitize_item,
    lift_attribution,
    lift_dateline,
    settle_language,
    make_slug,
    choose_section,
    forget_unbelievable_times,
)


def process(item: Item, ctx: StageContext) -> Item:
    """Run every stage in order, then the final scrub (`final_scrub.py`) when the parsed body
    may decode to control characters; the input item is never modified."""
    may_hold_controls = may_decode_to_controls(item.body_html)  # the body as parsed
    for stage in STAGES:
        item = stage(item, ctx)
    return scrub_decoded_controls(item, ctx) if may_hold_controls else item
