"""Times as readers and feed readers expect them.

The store keeps aware UTC; readers see the site's time zone with its abbreviation
(`5 फ़रवरी 2026, 15:30 IST`), feeds get RFC 822 (RSS) or RFC 3339 (Atom, JSON Feed) in UTC.
Month names are written out here rather than taken from the C library's locale, which is
rarely installed for Hindi on servers.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
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


def iso(dt: datetime) -> str:
    """RFC 3339 in UTC, for `<time datetime>`, Atom and JSON Feed."""
    return dt.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def rfc822(dt: datetime) -> str:
    """RFC 822 in GMT, for RSS `pubDate`."""
    return format_datetime(dt.astimezone(UTC), usegmt=True)
