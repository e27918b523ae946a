"""Times as readers and feed readers expect them.

The store keeps aware UTC; readers see the site's time zone with its abbreviation
(`5 फ़रवरी 2026, 15:30 IST`), or for a recent story how long ago it was (`2 घंटे पहले`);
feeds get RFC 822 (RSS) or RFC 3339 (Atom, JSON Feed) in UTC.
Month names are written out here rather than taken from the C library's locale, which is
rarely installed for Hindi on servers.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta
from email.utils import format_datetime
from zoneinfo import ZoneInfo

_MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "hi": tuple(
        unicodedata.normalize("NFC", m)
        for m in (
            "जनवरी",
            "\u092b\u093c\u0930\u0935\u0930\u0940",  # फ़रवरी with a combining nukta
            "मार्च",
            "अप्रैल",
            "मई",
            "जून",
            "जुलाई",
            "अगस्त",
            "सितंबर",
            "अक्टूबर",
            "नवंबर",
            "दिसंबर",
        )
    ),
}


def local_time(dt: datetime, tz: ZoneInfo, language: str) -> str:
    """`5 Feb 2026, 15:30 IST` in the site's zone and language."""
    local = dt.astimezone(tz)
    month = _MONTHS.get(language, _MONTHS["en"])[local.month - 1]
    zone = local.tzname() or ""
    return f"{local.day} {month} {local.year}, {local:%H:%M} {zone}".rstrip()


def local_date(dt: datetime, tz: ZoneInfo, language: str) -> str:
    """`5 Feb 2026`: the day as it is in the site's zone, for the masthead."""
    local = dt.astimezone(tz)
    month = _MONTHS.get(language, _MONTHS["en"])[local.month - 1]
    return f"{local.day} {month} {local.year}"


MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def relative_time(
    then: datetime, now: datetime, tz: ZoneInfo, words: Mapping[str, str]
) -> tuple[str | None, datetime | None]:
    """How long before `now` `then` was, in the words of `channels.i18n` ("just now",
    "5 min ago", "2 hours ago", "yesterday"), and the moment that label stops being true.

    Minutes under an hour, hours under a day, then "yesterday" while `then` falls on the day
    before `now`'s in the site's zone; older than that, (None, None): show the date, which
    never goes stale. A time a little ahead of `now` (clocks differ) reads "just now".
    """
    age = now - then
    if age < MINUTE:
        return words["just_now"], then + MINUTE
    if age < HOUR:
        minutes = age // MINUTE
        return words["minutes_ago"].format(n=minutes), then + (minutes + 1) * MINUTE
    if age < DAY:
        hours = age // HOUR
        key = "hour_ago" if hours == 1 else "hours_ago"
        return words[key].format(n=hours), then + (hours + 1) * HOUR
    today = now.astimezone(tz).date()
    if then.astimezone(tz).date() == today - DAY:
        midnight = datetime.combine(today + DAY, time(), tz)
        return words["yesterday"], midnight.astimezone(now.tzinfo)
    return None, None


class Ages:
    """The relative times of one page, all as of one `now`, and the first moment any of them
    reads differently: a page that says "2 घंटे पहले" is kept in the page cache no longer
    than that (the handler passes `next_change` to `cacheable` after rendering)."""

    def __init__(
        self, now: datetime, tz: ZoneInfo, language: str, words: Mapping[str, str]
    ) -> None:
        self.now = now
        self.tz = tz
        self.language = language
        self.words = words
        self.next_change: datetime | None = None

    def __call__(self, then: datetime) -> str:
        """ "2 घंटे पहले" for a recent `then`, its date and time for an older one."""
        label, change = relative_time(then, self.now, self.tz, self.words)
        if change is not None and (self.next_change is None or change < self.next_change):
            self.next_change = change
        return label if label is not None else local_time(then, self.tz, self.language)


def iso(dt: datetime) -> str:
    """RFC 3339 in UTC, for `<time datetime>`, Atom and JSON Feed."""
    return dt.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def rfc822(dt: datetime) -> str:
    """RFC 822 in GMT, for RSS `pubDate`."""
    return format_datetime(dt.astimezone(UTC), usegmt=True)
