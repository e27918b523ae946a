"""Stage 2: lift credit, disclaimer and source lines out of the body into their own fields.

Agency copy arrives with the originator's credit (`(साभार : चाइना मीडिया ग्रुप, पेइचिंग)`) in
the body, and copy re-syndicated from another website also carries that site's disclaimer
(`डिस्क्लेमरः ...`) and a `Source : IANS` line. Left in the body they would be shown twice
(wiredesk renders provenance itself), hashed as content, and indexed by search. Lifted into
fields they become provenance we can show and query.

Only lines at the very end of the body (or a credit as the very first line) are considered,
and only while every line examined matches: a line in the middle of the story is never removed,
and a sentence that merely mentions a source is not a source line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from wiredesk.model import Item
from wiredesk.pipeline.evolve import evolve
from wiredesk.pipeline.html_text import Line, html_to_text, lines, remove_spans
from wiredesk.pipeline.normalize import sanitize_html

if TYPE_CHECKING:
    from wiredesk.pipeline.pipeline import StageContext

# How many trailing lines may be attribution; more than this is story, not apparatus.
MAX_TRAILING_LINES = 5

_SEP = r"\s*[:ः\-–—]+\s*"  # ":" / "-" / the visarga used as a colon, with any spacing
_NAME = r"(?P<name>[^()\n]{1,100}?)"  # a short name, no parentheses
_CREDIT_WORDS = (
    r"साभार|सौजन्य|इनपुट्?स?|स्रोत|सोर्स|Courtesy|Credits?|Inputs?|Source|Via|Photo\s+courtesy"
)

_CREDIT_PATTERNS = [
    # (साभार : X)  (Courtesy: X)  (Source: X)  (इनपुट- X)
    re.compile(rf"^\(\s*(?:{_CREDIT_WORDS}){_SEP}{_NAME}\s*\)\s*[.।]?$", re.I),
    # (With inputs from X)  (With input from X)  (Inputs from X)
    re.compile(rf"^\(\s*(?:with\s+)?inputs?\s+from\s+{_NAME}\s*\)\s*[.।]?$", re.I),
    # (X इनपुट के साथ)  (X से इनपुट के साथ)
    re.compile(rf"^\(\s*{_NAME}\s+(?:से\s+)?इनपुट्?स?\s+के\s+साथ\s*\)\s*[.।]?$"),
    # साभार - X   सौजन्य: X   Courtesy: X   (unparenthesised; name must stay short)
    re.compile(
        r"^(?:साभार|सौजन्य|Courtesy|Photo\s+courtesy)\s*[:ः\-–—]+\s*"
        r"(?P<name>[^()\n.।]{1,80}?)\s*[.।]?$",
        re.I,
    ),
    # With inputs from X
    re.compile(r"^with\s+inputs?\s+from\s+(?P<name>[^()\n.।]{1,80}?)\s*[.।]?$", re.I),
]

_SOURCE_PATTERN = re.compile(
    r"^(?:Source|स्रोत|सोर्स)\s*[:ः\-–—]+\s*(?P<name>[^()\n.।:]{1,60}?)\s*[.।]?$", re.I
)

_DISCLAIMER_PATTERNS = [
    re.compile(r"^\(?\s*(?:डिस्क्लेमर|डिसक्लेमर|अस्वीकरण|Disclaimer)\s*[:ः\-–—]", re.I),
    re.compile(
        r"^\(?\s*(?:This|The)\s+(?:story|article|report|news|copy)\b.{0,160}"
        r"(?:has\s+not\s+been\s+edited|without\s+modifications)",
        re.I,
    ),
    re.compile(r"^\(?\s*Only\s+the\s+headline\b.{0,200}syndicated\s+feed", re.I),
    re.compile(r"auto-generated\s+from\s+a\s+syndicated\s+(?:news\s+)?feed", re.I),
    re.compile(r"^\(?\s*(?:यह|ये)\s.{0,120}फीड\s+से.{0,200}(?:एडिट|संपादित|संपादन)"),
]


@dataclass(slots=True)
class _Found:
    credit_line: str | None = None
    originator: str | None = None
    upstream_disclaimer: str | None = None
    upstream_source: str | None = None


def _match_credit(text: str) -> str | None:
    for pattern in _CREDIT_PATTERNS:
        match = pattern.match(text)
        if match and len(match.group("name").split()) <= 10:
            return match.group("name").strip(" ,;")
    return None


def _is_disclaimer(text: str) -> bool:
    return any(p.search(text) for p in _DISCLAIMER_PATTERNS)


def _classify(line: Line, found: _Found) -> bool:
    """Record the line in `found` if it is attribution not yet seen; say whether it was."""
    text = line.text
    if found.credit_line is None and (name := _match_credit(text)):
        found.credit_line, found.originator = text, name
        return True
    if found.upstream_source is None and (match := _SOURCE_PATTERN.match(text)):
        name = match.group("name").strip(" ,;")
        if name and len(name.split()) <= 6:
            found.upstream_source = name
            return True
    if found.upstream_disclaimer is None and _is_disclaimer(text):
        found.upstream_disclaimer = text
        return True
    return False


def lift_attribution(item: Item, ctx: StageContext | None = None) -> Item:
    """Move trailing (and leading) attribution lines from the body into provenance fields."""
    first = next(lines(item.body_html), None)
    if first is None:
        return item
    found = _Found()
    removed: list[tuple[int, int]] = []
    # The first line is never a trailing candidate: a body is never consumed whole.
    for count, line in enumerate(lines(item.body_html, reverse=True)):
        if count >= MAX_TRAILING_LINES or line.start == first.start or not _classify(line, found):
            break
        removed.append((line.start, line.end))
    if found.credit_line is None and (name := _match_credit(first.text)):
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
