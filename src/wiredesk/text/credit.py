"""The originator's credit line: `(साभार : चाइना मीडिया ग्रुप, पेइचिंग)`, `(With inputs from PTI)`.

Agency copy names who wrote a story in a line of its own, at the end (or the very start) of the
body, in a handful of Hindi and English shapes. The pipeline lifts it into `credit_line` and
`originator`; syndication leaves it out of the matching key, since one portal keeps it and
another drops it. A credit names someone in a few words: a longer "name" is a sentence.
"""

from __future__ import annotations

import re

_SEP = r"\s*[:ः\-–—]+\s*"  # ":" / "-" / the visarga used as a colon, with any spacing
_NAME = r"(?P<name>[^()\n]{1,100}?)"  # a short name, no parentheses
_CREDIT_WORDS = (
    r"साभार|सौजन्य|इनपुट्?स?|स्रोत|सोर्स|Courtesy|Credits?|Inputs?|Source|Via|Photo\s+courtesy"
)

_CREDIT_PATTERNS = (
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
)

# More words than this and the "name" is a sentence that happens to start like a credit.
MAX_NAME_WORDS = 10


def credit_name(line: str) -> str | None:
    """Who a credit line credits (`चाइना मीडिया ग्रुप, पेइचिंग`), or None when the line (its
    plain text, spacing collapsed) is not a credit line."""
    for pattern in _CREDIT_PATTERNS:
        match = pattern.match(line)
        if match and len(match.group("name").split()) <= MAX_NAME_WORDS:
            return match.group("name").strip(" ,;")
    return None
