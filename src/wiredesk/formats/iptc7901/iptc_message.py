"""IPTC 7901 messages: the header line, keyword (slug) lines, `=`-marked heading lines, the
text in blank-line separated paragraphs and the `DDhhmm Mon YY` time stamp.
"""

from __future__ import annotations

import re
from datetime import datetime

from wiredesk.formats.iptc7901.story import (
    BYLINE_RE,
    Parts,
    join_wrapped_lines,
    strip_version_words,
    trailer_time,
    utc_time,
)

IPTC_HEADER_RE = re.compile(
    r"^(?P<source>[A-Za-z]{1,8})(?P<number>\d{1,6})\s+(?P<priority>\d)\s+"
    r"(?P<category>[A-Za-z]{1,3})\s+(?P<words>\d{1,6})\b[ \t]*(?P<rest>.*)$"
)
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}
_IPTC_TIME_RE = re.compile(
    r"^(?P<day>\d{2})(?P<hour>\d{2})(?P<minute>\d{2})\s+(?P<month>[A-Za-z]{3})\s+(?P<year>\d{2,4})$"
)
_NOT_FOR_PUBLICATION_RE = re.compile(
    r"^the following information is not (?:intended )?for publication", re.IGNORECASE
)
_INITIALS_RE = re.compile(r"^[a-z]{2,5}(?: [a-z]{2,5}){1,4}$")  # `dpa tca bag`: desk initials


def iptc_parts(m: re.Match[str], keyword_lines: list[str], body: str, trailer: str) -> Parts:
    keywords = [line.strip().rstrip("/").strip() for line in keyword_lines]
    slug_lines = [k for k in keywords if k]
    version_text = " ".join([m.group("rest"), *slug_lines])
    slug = strip_version_words(slug_lines[0]) if slug_lines else None
    parts = Parts(
        fmt="iptc7901",
        source=m.group("source").lower(),
        number=m.group("number"),
        slug=slug or None,
        version_text=version_text,
        priority=int(m.group("priority")) or None,
        category=m.group("category").lower(),
    )
    lines = [line.rstrip() for line in body.split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    heading, lines = _heading(lines)
    for line in heading:
        if by := BYLINE_RE.match(line):
            parts.byline = parts.byline or by.group("name").strip()
        elif not parts.headline:
            parts.headline = line
        elif parts.subheadline is None:
            parts.subheadline = line
    parts.paragraphs = _paragraphs(lines)
    parts.when = trailer_time(trailer, parts.paragraphs, _iptc_time)
    return parts


def _heading(lines: list[str]) -> tuple[list[str], list[str]]:
    """Heading lines end in `=` (7901 practice); without any, the first line is the heading."""
    block_end = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    marked = [i for i in range(min(block_end, 5)) if lines[i].endswith("=")]
    end = marked[-1] + 1 if marked else min(1, len(lines))
    heading = [line.rstrip("=").strip() for line in lines[:end]]
    return [h for h in heading if h], lines[end:]


def _paragraphs(lines: list[str]) -> list[str]:
    """Blank lines or an indented line start a paragraph; wrapped lines are joined. Anything
    after "not for publication" is the agency's note to editors and is dropped."""
    paragraphs = join_wrapped_lines(lines, (" ", "\t"), _NOT_FOR_PUBLICATION_RE)
    while paragraphs and (_INITIALS_RE.match(paragraphs[-1]) or not paragraphs[-1].strip("*_- ")):
        paragraphs.pop()
    return paragraphs


def _iptc_time(text: str) -> datetime | None:
    m = _IPTC_TIME_RE.match(text.strip())
    month = _MONTHS.get(m.group("month").lower()) if m else None
    if not m or not month:
        return None
    year = int(m.group("year"))
    year += 2000 if year < 100 else 0
    return utc_time(year, month, int(m.group("day")), int(m.group("hour")), int(m.group("minute")))
