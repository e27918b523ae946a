"""The last stage: remove the control characters the sanitizer decoded from the body.

Parsers hand over text without control characters (`wiredesk.text.controls`), but a body's
`&#1;` is a character reference, and sanitizing the body decodes it into the character it
names; from there it reaches `body_text` and any credit, disclaimer or dateline lifted out of
the body. The database and outbound XML cannot take it, so every text field of the processed
item is cleaned.

Only a numeric reference can decode to a control character, so `stages.process` runs this
stage only for items whose *parsed* body holds `&#` (`may_decode_to_controls`): a substring
test on the body as it arrived, while finding the characters in the processed item would mean
a regular-expression scan of every body, several times the cost on the ingest benchmark's
bodies.
"""

from __future__ import annotations

from wiredesk.model import Item
from wiredesk.pipeline.context import StageContext
from wiredesk.text.controls import scrubbed


def scrub_decoded_controls(item: Item, ctx: StageContext | None = None) -> Item:
    """The item with control characters removed from every text field (lone surrogates
    replaced by U+FFFD); the same item when there were none."""
    return scrubbed(item)
