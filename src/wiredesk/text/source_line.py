"""The `Source : IANS` line a re-syndicating website appends after a story.

Not the originator's credit (`credit`): it names the agency the website took the story from.
The pipeline lifts it into `upstream_source`; syndication leaves it out of the matching key,
including when a CMS ran it into the last paragraph (`TRAILING_SOURCE`).
"""

from __future__ import annotations

import re

_WORDS = r"(?:Source|स्रोत|सोर्स)"
_SEP = r"\s*[:ः\-–—]+\s*"  # ":" / "-" / the visarga used as a colon, with any spacing

# A whole line: `Source : IANS`, `स्रोत: भाषा`.
SOURCE_LINE = re.compile(rf"^{_WORDS}{_SEP}(?P<name>[^()\n.।:]{{1,60}}?)\s*[.।]?$", re.I)
# The same at the end of a paragraph, after the story's last sentence.
TRAILING_SOURCE = re.compile(rf"\s+{_WORDS}{_SEP}[^\s.।:]{{1,40}}\s*$", re.I)

# An agency's name is short; more words than this is a sentence about a source.
MAX_NAME_WORDS = 6


def source_name(line: str) -> str | None:
    """The agency a `Source : X` line names (`IANS`), or None when the line (its plain text,
    spacing collapsed) is not one."""
    match = SOURCE_LINE.match(line)
    if match is None:
        return None
    name = match.group("name").strip(" ,;")
    return name if name and len(name.split()) <= MAX_NAME_WORDS else None
