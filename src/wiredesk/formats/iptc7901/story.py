"""What IPTC 7901 and ANPA-1312 messages share once their headers are read: the parts of a
story, and how those parts become an `Item`.

Both formats say what a version is in words (`2nd Lead`, `Write-thru`, `Correction`, `Kill`),
put the dateline and agency at the start of the text and the time stamp at its end, and
identify a story only by its slug; so versions, signals, identity (see
docs/formats/iptc7901-anpa.md), dateline and body are read here the same way for both.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from wiredesk.formats.body_html import paragraphs_to_html, preformatted_to_html
from wiredesk.model import Hop, Item, PubStatus, Signal, Subject

# --- the vocabulary of versions --------------------------------------------------------------

_LEAD_RE = re.compile(r"\b(?P<n>\d{1,2})\s*(?:st|nd|rd|th)\s*-?\s*(?:Ld|Lead)\b", re.IGNORECASE)
_SIGNAL_WORDS = (
    (Signal.KILL, re.compile(r"\b(?:kill|kills|killed|withdrawn|withdrawal)\b", re.IGNORECASE)),
    (
        Signal.CORRECTION,
        re.compile(r"\b(?:correction|corrects|corrected|corrective|berichtigung)\b", re.I),
    ),
    (
        Signal.UPDATE,
        re.compile(r"\b(?:write-?thru|writethrough|updates?|updated|lead|neufassung)\b", re.I),
    ),
)
# Takes that carry only part of a story: publishing one as the story would cut its text.
_PARTIAL_TAKE_RE = re.compile(
    r"\b(?:\d+(?:st|nd|rd|th)\s*-?\s*)?(?:Add|Insert|Sub|Pickup)\b", re.IGNORECASE
)

_CYCLE_PREFIX_RE = re.compile(r"^(?:am|pm|bc|ap)-", re.IGNORECASE)
BYLINE_RE = re.compile(r"^By\s+(?P<name>\S.*)$")
_DATELINE_RE = re.compile(
    r"^(?P<place>[A-Z][\w.'\- ]{0,40}?(?:,\s*[A-Z][\w.']{0,15})?)"
    r"(?:,\s*(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2}))?\s*"
    r"\((?P<agency>[^()]{1,30})\)\s*(?:--|[-—–_:])\s"
)


class Skip(Exception):
    """One message cannot be used; the reason becomes a problem line."""


@dataclass(slots=True)
class Parts:
    """What both formats produce before it becomes an `Item`."""

    fmt: str
    source: str
    number: str
    slug: str | None = None
    version_text: str = ""
    headline: str = ""
    subheadline: str | None = None
    summary: str = ""
    byline: str | None = None
    ednote: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    preformatted: bool = False
    priority: int | None = None
    category: str = ""
    category_name: str | None = None
    when: datetime | None = None
    month_day: tuple[int, int] | None = None
    agency: str | None = None


def join_wrapped_lines(
    lines: list[str], indents: tuple[str, ...], stop: re.Pattern[str] | None = None
) -> list[str]:
    """Paragraphs of wire text: a blank line, or a line that starts with one of `indents`,
    starts a paragraph; any other line is a wrapped continuation of the one before. Reading
    ends at a line that `stop` matches."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        stripped = line.strip()
        if stop is not None and stop.match(stripped):
            break
        if not stripped or line[:1] in indents:
            if current:
                paragraphs.append(" ".join(current))
            current = [stripped] if stripped else []
        else:
            current.append(stripped)
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def utc_time(year: int, month: int, day: int, hour: int, minute: int) -> datetime | None:
    """The time stamp's UTC time; None when its numbers make no date (a 31 June, an hour 25)."""
    try:
        return datetime(year, month, day, hour, minute, tzinfo=UTC)
    except ValueError:
        return None


def trailer_time(
    trailer: str, paragraphs: list[str], read: Callable[[str], datetime | None]
) -> datetime | None:
    """The time stamp after ETX, or as the text's last paragraph (which is then removed)."""
    for line in trailer.split("\n"):
        when = read(line)
        if when is not None:
            return when
    for n in range(len(paragraphs) - 1, max(len(paragraphs) - 3, -1), -1):
        when = read(paragraphs[n])
        if when is not None:
            del paragraphs[n]
            return when
    return None


def strip_version_words(text: str) -> str:
    text = _LEAD_RE.sub(" ", text)
    for _, pattern in _SIGNAL_WORDS:
        text = pattern.sub(" ", text)
    return re.sub(r"[\s,;()\-/]+$", "", re.sub(r"\s+", " ", text)).strip()


def _signals_and_version(parts: Parts) -> tuple[list[Signal], int | None]:
    words = parts.version_text
    signals = [signal for signal, pattern in _SIGNAL_WORDS if pattern.search(words)]
    ednote_corrects = parts.ednote and re.search(r"\bcorrect(?:s|ion|ed)\b", parts.ednote, re.I)
    if ednote_corrects and Signal.CORRECTION not in signals:
        signals.append(Signal.CORRECTION)
    if Signal.KILL in signals:
        signals = [Signal.KILL]
    lead = _LEAD_RE.search(words)
    return signals, (int(lead.group("n")) + 1 if lead else None)


def story_item(parts: Parts, received_at: datetime | None) -> Item:
    where = parts.slug or parts.source + parts.number
    version_words = _LEAD_RE.sub(" ", parts.version_text)
    if parts.fmt == "anpa1312" and _PARTIAL_TAKE_RE.search(version_words):
        raise Skip(
            f"({where}) is a partial take ({version_words.strip()}); skipped, wiredesk "
            f"publishes whole stories only"
        )
    when = _complete_year(parts.when, received_at)
    signals, version = _signals_and_version(parts)
    dateline = _DATELINE_RE.match(parts.paragraphs[0]) if parts.paragraphs else None
    agencies = [a.strip() for a in dateline.group("agency").split("/")] if dateline else []
    distributor = agencies[-1] if agencies else (parts.agency or parts.source.upper())
    provenance = [Hop(role="originator", name=a) for a in agencies[:-1] if a]
    provenance.append(Hop(role="distributor", name=distributor, time=when))

    headline = parts.headline or _headline_from_text(parts.paragraphs, dateline)
    if not headline and not parts.paragraphs:
        raise Skip(f"({where}) has no heading and no text; skipped")
    category_label = parts.category_name or parts.category
    return Item(
        guid=_guid(parts, when, received_at),
        headline=headline,
        body_html=_body_html(parts),
        summary=parts.summary,
        version=version,
        published_at=when,
        updated_at=when,
        byline=parts.byline,
        categories=[category_label] if category_label else [],
        format=parts.fmt,
        pub_status=PubStatus.CANCELED if Signal.KILL in signals else PubStatus.USABLE,
        signals=signals,
        urgency=parts.priority if parts.priority and parts.priority <= 9 else None,
        priority=parts.priority if parts.priority and parts.priority <= 9 else None,
        subheadline=parts.subheadline,
        slugline=parts.slug,
        subjects=(
            [Subject(parts.category, parts.category_name, f"{parts.fmt}-category")]
            if parts.category
            else []
        ),
        provenance=provenance,
        correction_note=parts.ednote if Signal.CORRECTION in signals else None,
        originator=provenance[0].name if len(provenance) > 1 else None,
        dateline_place=dateline.group("place").strip() if dateline else None,
        dateline_date=dateline.group("date") if dateline and dateline.group("date") else None,
    )


def _complete_year(when: datetime | None, received_at: datetime | None) -> datetime | None:
    if when is None or when.year != 1900:
        return when
    if received_at is None:
        return None
    candidate = when.replace(year=received_at.year)
    if (candidate - received_at).days > 180:  # a December story read in January
        candidate = candidate.replace(year=received_at.year - 1)
    return candidate


def _guid(parts: Parts, when: datetime | None, received_at: datetime | None) -> str:
    """`urn:wiredesk:<format>:<source>:<date>:<story>`; the story is the slug (cycle prefix
    like `BC-` and version words removed), else the message number."""
    date = when or received_at
    day = date.strftime("%Y-%m-%d") if date else ""
    if not day and parts.month_day:
        day = f"{parts.month_day[0]:02d}-{parts.month_day[1]:02d}"
    story = ""
    if parts.slug:
        story = _CYCLE_PREFIX_RE.sub("", strip_version_words(parts.slug))
        story = re.sub(r"[^0-9a-z]+", "-", story.lower()).strip("-")
    story = story or parts.number
    source = (parts.agency or parts.source).lower()
    return f"urn:wiredesk:{parts.fmt}:{source}:{day}:{story}"


def _headline_from_text(paragraphs: list[str], dateline: re.Match[str] | None) -> str:
    if not paragraphs:
        return ""
    first = paragraphs[0][dateline.end() :] if dateline else paragraphs[0]
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]
    return sentence if len(sentence) <= 160 else sentence[:157].rsplit(" ", 1)[0] + "..."


def _body_html(parts: Parts) -> str:
    if parts.preformatted:
        return preformatted_to_html(parts.paragraphs[0] if parts.paragraphs else "")
    return paragraphs_to_html(parts.paragraphs)
