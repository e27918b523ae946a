"""A re-syndicating website's disclaimer: `डिस्क्लेमरः यह आईएएनएस न्यूज फीड से ...`.

Websites that republish agency copy append a note that they did not edit it. It speaks for
that website's team, not ours: the pipeline keeps it in `upstream_disclaimer` for provenance
and never republishes it, and syndication leaves it (and everything after its label) out of the
matching key. The visarga often stands in for the colon (`डिस्क्लेमरः`).
"""

from __future__ import annotations

import re

_LABEL = r"(?:डिस्क्लेमर|डिसक्लेमर|अस्वीकरण|Disclaimer)"

_DISCLAIMER_PATTERNS = (
    re.compile(rf"^\(?\s*{_LABEL}\s*[:ः\-–—]", re.I),
    re.compile(
        r"^\(?\s*(?:This|The)\s+(?:story|article|report|news|copy)\b.{0,160}"
        r"(?:has\s+not\s+been\s+edited|without\s+modifications)",
        re.I,
    ),
    re.compile(r"^\(?\s*Only\s+the\s+headline\b.{0,200}syndicated\s+feed", re.I),
    # `auto-generated from a syndicated feed` anywhere: written to start at the hyphen (and
    # look back for `auto`), since a pattern that starts with a letter is tried at every
    # position when case is ignored, and one that starts with `-` only where a `-` is.
    re.compile(r"-(?<=auto-)generated\s+from\s+a\s+syndicated\s+(?:news\s+)?feed", re.I),
    re.compile(r"^\(?\s*(?:यह|ये)\s.{0,120}फीड\s+से.{0,200}(?:एडिट|संपादित|संपादन)"),
)

# The label anywhere in a line, at a word start: where a disclaimer begins when a CMS ran it
# into the story's last paragraph.
DISCLAIMER_LABEL = re.compile(rf"(?:^|(?<=\s))\(?\s*{_LABEL}\s*[:ः\-–—]", re.I)
# Plain substrings, one of which every `DISCLAIMER_LABEL` match contains (in the spellings
# seen): a cheap test before the pattern.
DISCLAIMER_WORDS = ("डिस्क्लेमर", "डिसक्लेमर", "अस्वीकरण", "isclaimer", "ISCLAIMER")


def is_disclaimer(line: str) -> bool:
    """Whether a line (its plain text, spacing collapsed) is a website's disclaimer."""
    return any(p.search(line) for p in _DISCLAIMER_PATTERNS)
