"""Stage 3: find the story's dateline (place and date) and lift a leading one out of the body.

Agency copy opens with `NEW DELHI, Feb 5 (IANS) —` or `नई दिल्ली, 5 फरवरी (आईएएनएस)।`; the site
shows the dateline itself, so a leading one is removed from the body. Some originators write it
into the first sentence instead (the seed: `... ने 5 फरवरी को पेइचिंग के जन बृहद भवन में ...`);
that sentence is left alone and the fields are filled only when a conservative pattern is sure.
The patterns are `wiredesk.text.dateline`'s, which syndication reads too.
"""

from __future__ import annotations

from wiredesk.model import Item
from wiredesk.pipeline.context import StageContext
from wiredesk.pipeline.evolve import evolve
from wiredesk.pipeline.html_text import (
    cut_text,
    first_line,
    has_line_after,
    html_to_text,
    text_offsets,
    text_with_first_line_replaced,
    tidy,
)
from wiredesk.text.dateline import LEADING_DATELINES, inline_dateline


def lift_dateline(item: Item, ctx: StageContext | None = None) -> Item:
    """Fill dateline_place/date; remove a leading dateline from the body's first line."""
    first = first_line(item.body_html)
    if first is None:
        return item
    for pattern in LEADING_DATELINES:
        if not pattern.match(first.text):
            continue
        fragment = item.body_html[first.start : first.end]
        raw, offsets = text_offsets(fragment)
        match = pattern.match(raw)
        only_line = not has_line_after(item.body_html, first.end)
        if match is None or (only_line and not raw[match.end() :].strip()):
            break  # a body that is nothing but a dateline keeps it
        cut = cut_text(fragment, 0, offsets[match.end()])
        # cut_text keeps every tag it passes, so the markup stays balanced: tidying is enough.
        body_html = tidy(item.body_html[: first.start] + cut + item.body_html[first.end :])
        body_text = text_with_first_line_replaced(item.body_html, item.body_text, first, cut)
        groups = match.groupdict()
        return evolve(
            item,
            body_html=body_html,
            body_text=html_to_text(body_html) if body_text is None else body_text,
            dateline_place=item.dateline_place or groups.get("place"),
            dateline_date=item.dateline_date or groups.get("date"),
        )
    if item.dateline_place or item.dateline_date:
        return item
    place, date = inline_dateline(first.text)
    if place is None:
        return item
    return evolve(item, dateline_place=place, dateline_date=date)
