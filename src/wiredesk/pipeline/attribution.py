"""Stage 2: lift credit, disclaimer and source lines out of the body into their own fields.

Agency copy arrives with the originator's credit (`(साभार : चाइना मीडिया ग्रुप, पेइचिंग)`) in
the body, and copy re-syndicated from another website also carries that site's disclaimer
(`डिस्क्लेमरः ...`) and a `Source : IANS` line. Left in the body they would be shown twice
(wiredesk renders provenance itself), hashed as content, and indexed by search. Lifted into
fields they become provenance we can show and query.

Only lines at the very end of the body (or a credit as the very first line) are considered,
and only while every line examined matches: a line in the middle of the story is never removed,
and a sentence that merely mentions a source is not a source line. What each kind of line looks
like is defined in `wiredesk.text`, which syndication reads too.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiredesk.model import Item
from wiredesk.pipeline.context import StageContext
from wiredesk.pipeline.evolve import evolve
from wiredesk.pipeline.html_text import Line, first_line, html_to_text, lines, remove_spans
from wiredesk.pipeline.sanitize import sanitize_html
from wiredesk.text.apparatus import MAX_TRAILING_LINES
from wiredesk.text.credit import credit_name
from wiredesk.text.disclaimer import is_disclaimer
from wiredesk.text.signoff import signoff_name, signoff_tail
from wiredesk.text.source_line import source_name


@dataclass(slots=True)
class _Found:
    credit_line: str | None = None
    originator: str | None = None
    upstream_disclaimer: str | None = None
    upstream_source: str | None = None
    signoff: str | None = None


def _classify(line: Line, found: _Found, known: tuple[str, ...] = ()) -> bool:
    """Record the line in `found` if it is attribution not yet seen; say whether it was."""
    text = line.text
    if found.credit_line is None and (name := credit_name(text)):
        found.credit_line, found.originator = text, name
        return True
    if found.signoff is None and (name := signoff_name(text, known)):
        found.signoff = text
        if found.credit_line is None:  # the wire that wrote it, when no credit says more
            found.credit_line, found.originator = text, name
        return True
    if found.upstream_source is None and (name := source_name(text)):
        found.upstream_source = name
        return True
    if found.upstream_disclaimer is None and is_disclaimer(text):
        found.upstream_disclaimer = text
        return True
    return False


def _signoff_at_the_end(
    body_html: str, line: Line, known: tuple[str, ...]
) -> tuple[tuple[int, int], str, str] | None:
    """A sign-off ending the story's last line (`… कहा। --आईएएनएस`): the span of the HTML to
    cut, the sign-off and the name. Only where the HTML ends with the sign-off as written
    (no markup or entity inside it), and never the whole line."""
    found = signoff_tail(line.text, known)
    if found is None:
        return None
    signoff, name = found
    chunk = body_html[line.start : line.end].rstrip()
    if not chunk.endswith(signoff):
        return None
    story = chunk[: -len(signoff)].rstrip()
    if not story.strip():
        return None
    return (line.start + len(story), line.start + len(chunk)), signoff, name


def lift_attribution(item: Item, ctx: StageContext | None = None) -> Item:
    """Move trailing (and leading) attribution lines from the body into provenance fields."""
    first = first_line(item.body_html)
    if first is None:
        return item
    found = _Found()
    removed: list[tuple[int, int]] = []
    known = (ctx.source_name, *ctx.source_aliases) if ctx is not None else ()
    last: Line | None = None  # the last line of story, once the trailing lines are set apart
    # The first line is never a trailing candidate: a body is never consumed whole.
    for count, line in enumerate(lines(item.body_html, reverse=True)):
        if (
            count >= MAX_TRAILING_LINES
            or line.start == first.start
            or not _classify(line, found, known)
        ):
            last = line
            break
        removed.append((line.start, line.end))
    if found.signoff is None:
        tail = _signoff_at_the_end(item.body_html, last or first, known)
        if tail is not None:
            span, signoff, who = tail
            found.signoff = signoff
            removed.append(span)
            if found.credit_line is None:
                found.credit_line, found.originator = signoff, who
    if found.credit_line is None and (name := credit_name(first.text)):
        story_end = min((start for start, _ in removed), default=len(item.body_html))
        if next(lines(item.body_html[first.end : story_end]), None) is not None:
            found.credit_line, found.originator = first.text, name
            removed.append((first.start, first.end))
    if not removed:
        return item
    body_html = remove_spans(item.body_html, removed)
    if any("<" in item.body_html[start:end] for start, end in removed):
        body_html = sanitize_html(body_html)  # a cut through inline tags may leave one unclosed
    return evolve(
        item,
        body_html=body_html,
        body_text=html_to_text(body_html),
        credit_line=found.credit_line or item.credit_line,
        originator=found.originator or item.originator,
        upstream_disclaimer=found.upstream_disclaimer or item.upstream_disclaimer,
        upstream_source=found.upstream_source or item.upstream_source,
    )
