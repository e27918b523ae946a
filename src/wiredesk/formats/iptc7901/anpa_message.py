"""ANPA-1312 messages (AP and others): the two header lines, `^`-marked header lines in the
text, tab-indented paragraphs and the `AP-WF-MM-DD-YY HHMMGMT` time stamp.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from wiredesk.formats.iptc7901.story import (
    BYLINE_RE,
    Parts,
    Skip,
    join_wrapped_lines,
    trailer_time,
    utc_time,
)

ANPA_LINE1_RE = re.compile(r"^(?P<service>[A-Za-z])(?P<number>\d{4})[\x1f ]?(?P<selector>\S*)\s*$")
_ANPA_LINE2_RE = re.compile(
    r"^(?P<priority>[A-Za-z])\s(?P<category>[A-Za-z])(?P<codes>[\x11-\x14]*)\s*"
    r"(?P<keyword>\S+)(?P<version>.*?)\s+(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"(?:\s+(?P<words>\d{1,5}))?\s*$"
)
_ANPA_TIME_RE = re.compile(
    r"^(?:(?P<agency>[A-Z]{2,})-[A-Z0-9]{1,4}-)?(?P<month>\d{2})-(?P<day>\d{2})-(?P<year>\d{2})"
    r"\s+(?P<hour>\d{2})(?P<minute>\d{2})\s*(?:GMT|UTC|Z)?<?$"
)

# ANPA priority letters, by urgency (1 = most urgent).
ANPA_PRIORITIES = {"f": 1, "b": 2, "u": 3, "r": 5, "d": 7}
# AP's ANPA category codes; codes AP marks "not applicable" (c, g, h, m) are left out.
ANPA_CATEGORIES = {
    "a": "Domestic news",
    "d": "Food",
    "e": "Entertainment",
    "f": "Financial",
    "i": "International",
    "j": "Lottery results",
    "k": "Commentary",
    "l": "Lifestyles",
    "n": "State and regional",
    "o": "Weather",
    "p": "Politics",
    "q": "Sports scores",
    "r": "Racing",
    "s": "Sports",
    "t": "Travel",
    "v": "Advisories",
    "w": "Washington",
}

_ANPA_AGENCY_RE = re.compile(r"\b(?P<agency>[A-Z]{2,})-[A-Z0-9]{1,4}-\d{2}-\d{2}-\d{2}\s")
_EDNOTE_RE = re.compile(r"^Eds?:\s*(?P<note>.*)$", re.IGNORECASE)
_PHOTO_LINE_RE = re.compile(r"^(?:With\s+)?[A-Z]{2,6} Photos?\b")


def anpa_parts(m1: re.Match[str], line2: str, body: str, trailer: str) -> Parts:
    m2 = _ANPA_LINE2_RE.match(line2.strip(" "))
    if not m2:
        raise Skip(f"ANPA header line {line2.strip()[:50]!r} is not readable; skipped")
    priority_letter = m2.group("priority").lower()
    category = m2.group("category").lower()
    parts = Parts(
        fmt="anpa1312",
        source=m1.group("selector").strip("-").lower() or m1.group("service").lower(),
        number=m1.group("service").lower() + m1.group("number"),
        slug=m2.group("keyword"),
        version_text=m2.group("version").strip(),
        priority=ANPA_PRIORITIES.get(priority_letter),
        category=category,
        category_name=ANPA_CATEGORIES.get(category),
        preformatted="\x12" in m2.group("codes"),
        month_day=(int(m2.group("month")), int(m2.group("day"))),
    )
    header_lines: list[str] = []
    text_lines: list[str] = []
    for line in body.split("\n"):
        if line.lstrip(" ").startswith("^"):
            header_lines.append(line.strip().lstrip("^").rstrip("<=").strip())
        else:
            text_lines.append(line.rstrip().removesuffix("<").rstrip())
    _anpa_header_lines(parts, header_lines)
    stamp = _ANPA_AGENCY_RE.search(body + "\n" + trailer)
    parts.agency = stamp.group("agency") if stamp else None
    if parts.preformatted:
        parts.paragraphs = ["\n".join(text_lines).strip("\n")]
    else:
        parts.paragraphs = [_ap_typography(p) for p in _anpa_paragraphs(text_lines)]
    parts.when = trailer_time(trailer, parts.paragraphs, _anpa_time)
    if parts.when is None:
        parts.when = _anpa_time_only(trailer, parts)
    return parts


def _anpa_header_lines(parts: Parts, lines: list[str]) -> None:
    """`^` lines: the keyword line again (with the version after a comma), headline, summary,
    photo notes, `Eds:` note, `By` line and the writer's title."""
    after_byline = False
    for line in lines:
        if not line:
            continue
        keyword = parts.slug or ""
        if keyword and line.lower().startswith(keyword.lower()):
            parts.version_text += " " + line[len(keyword) :].strip(" ,")
        elif by := BYLINE_RE.match(line):
            parts.byline = parts.byline or by.group("name").strip()
            after_byline = True
        elif ed := _EDNOTE_RE.match(line):
            parts.ednote = ed.group("note").strip() or None
        elif _PHOTO_LINE_RE.match(line) or after_byline:
            continue  # photo numbers; the writer's title under the byline
        elif not parts.headline:
            parts.headline = line
        elif not parts.summary:
            parts.summary = line


def _anpa_paragraphs(lines: list[str]) -> list[str]:
    """A tab starts a paragraph; other lines continue the one before."""
    return [p for p in join_wrapped_lines(lines, ("\t",)) if p]


def _ap_typography(text: str) -> str:
    """AP's 7-bit conventions: ` _ ` is a dash, ``...'' are double quotes."""
    return text.replace(" _ ", " — ").replace("``", "\u201c").replace("''", "\u201d")


def _anpa_time(text: str) -> datetime | None:
    m = _ANPA_TIME_RE.match(text.strip())
    if not m:
        return None
    return utc_time(
        2000 + int(m.group("year")),
        int(m.group("month")),
        int(m.group("day")),
        int(m.group("hour")),
        int(m.group("minute")),
    )


def _anpa_time_only(trailer: str, parts: Parts) -> datetime | None:
    """A trailer with only `HHMM` (GMT): the date comes from the header's month and day; the
    year is filled in later from the envelope, so only the time is kept here."""
    m = re.search(r"\b(?P<hour>\d{2})(?P<minute>\d{2})\s*(?:GMT|UTC|Z)\b", trailer)
    if not m or parts.month_day is None:
        return None
    hour, minute = int(m.group("hour")), int(m.group("minute"))
    if hour > 23 or minute > 59:
        return None
    return datetime(1900, *parts.month_day, hour, minute, tzinfo=UTC)  # year 1900: fill later
