"""The text wire formats IPTC 7901 and ANPA-1312, read into `Item`s.

Both come from the teleprinter age and share one frame: each message starts with SOH (0x01),
carries a header, then STX (0x02), the text, ETX (0x03), a time line and EOT (0x04); a payload
(one file, one stream capture) may hold many messages. They differ in the header:

- IPTC 7901: `SOH` source id + message number, priority digit, category code, word count and
  optional information on one line; keyword (slug) lines; `STX`; heading lines ending in `=`;
  the text in blank-line separated paragraphs; `ETX`; `DDhhmm Mon YY`; `EOT`.
- ANPA-1312 (AP and others): optional `SYN SYN`, `SOH`, service level letter + 4-digit message
  number, `US` + selector code; then priority letter, category letter, format codes, keyword
  (slug) with version, `MM-DD` and word count; `STX`; `^`-marked header lines (headline, byline,
  editor's note); tab-indented paragraphs; the `AP-WF-MM-DD-YY HHMMGMT` time stamp; `ETX`.

Identity: a wire message number changes with every transmission, so a write-thru or kill of a
story would never meet the story it replaces if the guid were built from it. The guid is built
from the source, the story's date and its slug instead (see docs/formats/iptc7901-anpa.md).
Decoding is UTF-8 when the bytes are valid UTF-8, else Latin-1 (7-bit wire copy is both), with
C1 control bytes replaced.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from wiredesk.errors import FormatError
from wiredesk.model import Hop, Item, ParseResult, PubStatus, Signal, Subject

SOH, STX, ETX, EOT, SYN, US = "\x01", "\x02", "\x03", "\x04", "\x16", "\x1f"

# --- header shapes ---------------------------------------------------------------------------

_IPTC_HEADER_RE = re.compile(
    r"^(?P<source>[A-Za-z]{1,8})(?P<number>\d{1,6})\s+(?P<priority>\d)\s+"
    r"(?P<category>[A-Za-z]{1,3})\s+(?P<words>\d{1,6})\b[ \t]*(?P<rest>.*)$"
)
_ANPA_LINE1_RE = re.compile(r"^(?P<service>[A-Za-z])(?P<number>\d{4})[\x1f ]?(?P<selector>\S*)\s*$")
_ANPA_LINE2_RE = re.compile(
    r"^(?P<priority>[A-Za-z])\s(?P<category>[A-Za-z])(?P<codes>[\x11-\x14]*)\s*"
    r"(?P<keyword>\S+)(?P<version>.*?)\s+(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"(?:\s+(?P<words>\d{1,5}))?\s*$"
)

# --- time stamps -----------------------------------------------------------------------------

_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}
_IPTC_TIME_RE = re.compile(
    r"^(?P<day>\d{2})(?P<hour>\d{2})(?P<minute>\d{2})\s+(?P<month>[A-Za-z]{3})\s+(?P<year>\d{2,4})$"
)
_ANPA_TIME_RE = re.compile(
    r"^(?:(?P<agency>[A-Z]{2,})-[A-Z0-9]{1,4}-)?(?P<month>\d{2})-(?P<day>\d{2})-(?P<year>\d{2})"
    r"\s+(?P<hour>\d{2})(?P<minute>\d{2})\s*(?:GMT|UTC|Z)?<?$"
)

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
_CYCLE_PREFIX_RE = re.compile(r"^(?:am|pm|bc|ap)-", re.IGNORECASE)
_NOT_FOR_PUBLICATION_RE = re.compile(
    r"^the following information is not (?:intended )?for publication", re.IGNORECASE
)
_INITIALS_RE = re.compile(r"^[a-z]{2,5}(?: [a-z]{2,5}){1,4}$")  # `dpa tca bag`: desk initials
_BYLINE_RE = re.compile(r"^By\s+(?P<name>\S.*)$")
_EDNOTE_RE = re.compile(r"^Eds?:\s*(?P<note>.*)$", re.IGNORECASE)
_PHOTO_LINE_RE = re.compile(r"^(?:With\s+)?[A-Z]{2,6} Photos?\b")
_DATELINE_RE = re.compile(
    r"^(?P<place>[A-Z][\w.'\- ]{0,40}?(?:,\s*[A-Z][\w.']{0,15})?)"
    r"(?:,\s*(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2}))?\s*"
    r"\((?P<agency>[^()]{1,30})\)\s*(?:--|[-—–_:])\s"
)


def looks_like_wire_text(head: bytes) -> bool:
    """Whether a payload starts like a 7901 or ANPA message: SOH (after optional SYN or line
    ends) and a header line of either shape, with an STX following it."""
    text = head[:8192].decode("latin-1")
    start = text.lstrip("\x16\x00\r\n ")
    if not start.startswith(SOH):
        return False
    first = start[1:].split("\n", 1)[0].rstrip("\r")
    if not (_IPTC_HEADER_RE.match(first) or _ANPA_LINE1_RE.match(first)):
        return False
    return STX in start or len(start) >= 8192


def parse_wire_text(payload: bytes, received_at: datetime | None = None) -> ParseResult:
    """Items of an IPTC 7901 / ANPA-1312 payload, one per message.

    `received_at` (the envelope's time) supplies the year when a message carries only a
    month and day. `FormatError` when there is no message at all or none can be read.
    """
    text = _decode(payload)
    chunks = _messages(text)
    if not chunks:
        raise FormatError(
            "not IPTC 7901 / ANPA-1312 wire text: no SOH (0x01) start-of-header found"
        )
    result = ParseResult(format="")
    for index, chunk in enumerate(chunks):
        try:
            item, fmt = _message(index, chunk, received_at)
        except _Skip as skip:
            result.problems.append(f"message {index + 1}: {skip}")
            continue
        if item is not None:
            result.format = result.format or fmt
            result.items.append(item)
    if not result.items:
        raise FormatError(
            f"not readable IPTC 7901 / ANPA-1312 wire text: {len(chunks)} message(s), none "
            f"readable ({result.problems[0] if result.problems else 'no content'})"
        )
    return result


class _Skip(Exception):
    """One message cannot be used; the reason becomes a problem line."""


# --- framing ---------------------------------------------------------------------------------


def _decode(payload: bytes) -> str:
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        text = payload.decode("latin-1")
    text = re.sub(r"[\x80-\x9f]", "\ufffd", text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _messages(text: str) -> list[str]:
    """Each SOH ... EOT span (or up to the next SOH when EOT is missing)."""
    starts = [m.start() for m in re.finditer(SOH, text)]
    chunks = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(text)
        chunk = text[start + 1 : end]
        eot = chunk.find(EOT)
        chunks.append(chunk[:eot] if eot >= 0 else chunk)
    return chunks


@dataclass(slots=True)
class _Parts:
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


def _message(index: int, chunk: str, received_at: datetime | None) -> tuple[Item | None, str]:
    stx = chunk.find(STX)
    if stx < 0:
        raise _Skip("no STX (0x02) start of text; skipped")
    header, rest = chunk[:stx], chunk[stx + 1 :]
    etx = rest.find(ETX)
    body, trailer = (rest[:etx], rest[etx + 1 :]) if etx >= 0 else (rest, "")
    header_lines = [line for line in header.split("\n") if line.strip()]
    if not header_lines:
        raise _Skip("empty header; skipped")
    first = header_lines[0].strip(" \x16")
    if m := _IPTC_HEADER_RE.match(first):
        parts = _iptc_parts(m, header_lines[1:], body, trailer)
    elif (m := _ANPA_LINE1_RE.match(first)) and len(header_lines) > 1:
        parts = _anpa_parts(m, header_lines[1], body, trailer)
    else:
        raise _Skip(f"header {first[:40]!r} is neither IPTC 7901 nor ANPA-1312; skipped")
    return _item(parts, received_at), parts.fmt


# --- IPTC 7901 -------------------------------------------------------------------------------


def _iptc_parts(m: re.Match[str], keyword_lines: list[str], body: str, trailer: str) -> _Parts:
    keywords = [line.strip().rstrip("/").strip() for line in keyword_lines]
    slug_lines = [k for k in keywords if k]
    version_text = " ".join([m.group("rest"), *slug_lines])
    slug = _strip_version_words(slug_lines[0]) if slug_lines else None
    parts = _Parts(
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
        if by := _BYLINE_RE.match(line):
            parts.byline = parts.byline or by.group("name").strip()
        elif not parts.headline:
            parts.headline = line
        elif parts.subheadline is None:
            parts.subheadline = line
    parts.paragraphs = _paragraphs(lines)
    parts.when = _trailer_time(trailer, parts.paragraphs, _iptc_time)
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
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        stripped = line.strip()
        if _NOT_FOR_PUBLICATION_RE.match(stripped):
            break
        if not stripped or line[:1] in (" ", "\t"):
            if current:
                paragraphs.append(" ".join(current))
            current = [stripped] if stripped else []
        else:
            current.append(stripped)
    if current:
        paragraphs.append(" ".join(current))
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
    try:
        return datetime(
            year,
            month,
            int(m.group("day")),
            int(m.group("hour")),
            int(m.group("minute")),
            tzinfo=UTC,
        )
    except ValueError:
        return None


# --- ANPA-1312 -------------------------------------------------------------------------------


def _anpa_parts(m1: re.Match[str], line2: str, body: str, trailer: str) -> _Parts:
    m2 = _ANPA_LINE2_RE.match(line2.strip(" "))
    if not m2:
        raise _Skip(f"ANPA header line {line2.strip()[:50]!r} is not readable; skipped")
    priority_letter = m2.group("priority").lower()
    category = m2.group("category").lower()
    parts = _Parts(
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
    parts.when = _trailer_time(trailer, parts.paragraphs, _anpa_time)
    if parts.when is None:
        parts.when = _anpa_time_only(trailer, parts)
    return parts


def _anpa_header_lines(parts: _Parts, lines: list[str]) -> None:
    """`^` lines: the keyword line again (with the version after a comma), headline, summary,
    photo notes, `Eds:` note, `By` line and the writer's title."""
    after_byline = False
    for line in lines:
        if not line:
            continue
        keyword = parts.slug or ""
        if keyword and line.lower().startswith(keyword.lower()):
            parts.version_text += " " + line[len(keyword) :].strip(" ,")
        elif by := _BYLINE_RE.match(line):
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
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        stripped = line.strip()
        if line.startswith("\t") or not stripped:
            if current:
                paragraphs.append(" ".join(current))
            current = [stripped] if stripped else []
        else:
            current.append(stripped)
    if current:
        paragraphs.append(" ".join(current))
    return [p for p in paragraphs if p]


def _ap_typography(text: str) -> str:
    """AP's 7-bit conventions: ` _ ` is a dash, ``...'' are double quotes."""
    return text.replace(" _ ", " — ").replace("``", "\u201c").replace("''", "\u201d")


def _anpa_time(text: str) -> datetime | None:
    m = _ANPA_TIME_RE.match(text.strip())
    if not m:
        return None
    try:
        return datetime(
            2000 + int(m.group("year")),
            int(m.group("month")),
            int(m.group("day")),
            int(m.group("hour")),
            int(m.group("minute")),
            tzinfo=UTC,
        )
    except ValueError:
        return None


def _anpa_time_only(trailer: str, parts: _Parts) -> datetime | None:
    """A trailer with only `HHMM` (GMT): the date comes from the header's month and day; the
    year is filled in later from the envelope, so only the time is kept here."""
    m = re.search(r"\b(?P<hour>\d{2})(?P<minute>\d{2})\s*(?:GMT|UTC|Z)\b", trailer)
    if not m or parts.month_day is None:
        return None
    hour, minute = int(m.group("hour")), int(m.group("minute"))
    if hour > 23 or minute > 59:
        return None
    return datetime(1900, *parts.month_day, hour, minute, tzinfo=UTC)  # year 1900: fill later


# --- shared ----------------------------------------------------------------------------------


def _trailer_time(
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


def _strip_version_words(text: str) -> str:
    text = _LEAD_RE.sub(" ", text)
    for _, pattern in _SIGNAL_WORDS:
        text = pattern.sub(" ", text)
    return re.sub(r"[\s,;()\-/]+$", "", re.sub(r"\s+", " ", text)).strip()


def _signals_and_version(parts: _Parts) -> tuple[list[Signal], int | None]:
    words = parts.version_text
    signals = [signal for signal, pattern in _SIGNAL_WORDS if pattern.search(words)]
    ednote_corrects = parts.ednote and re.search(r"\bcorrect(?:s|ion|ed)\b", parts.ednote, re.I)
    if ednote_corrects and Signal.CORRECTION not in signals:
        signals.append(Signal.CORRECTION)
    if Signal.KILL in signals:
        signals = [Signal.KILL]
    lead = _LEAD_RE.search(words)
    return signals, (int(lead.group("n")) + 1 if lead else None)


def _item(parts: _Parts, received_at: datetime | None) -> Item:
    where = parts.slug or parts.source + parts.number
    version_words = _LEAD_RE.sub(" ", parts.version_text)
    if parts.fmt == "anpa1312" and _PARTIAL_TAKE_RE.search(version_words):
        raise _Skip(
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
        raise _Skip(f"({where}) has no heading and no text; skipped")
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


def _guid(parts: _Parts, when: datetime | None, received_at: datetime | None) -> str:
    """`urn:wiredesk:<format>:<source>:<date>:<story>`; the story is the slug (cycle prefix
    like `BC-` and version words removed), else the message number."""
    date = when or received_at
    day = date.strftime("%Y-%m-%d") if date else ""
    if not day and parts.month_day:
        day = f"{parts.month_day[0]:02d}-{parts.month_day[1]:02d}"
    story = ""
    if parts.slug:
        story = _CYCLE_PREFIX_RE.sub("", _strip_version_words(parts.slug))
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


def _body_html(parts: _Parts) -> str:
    if parts.preformatted:
        return "<pre>" + html.escape(parts.paragraphs[0] if parts.paragraphs else "") + "</pre>"
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in parts.paragraphs)
