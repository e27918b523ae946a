"""Times readers see, in the site's zone and language."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from wiredesk.channels.timefmt import iso, local_time, rfc822

IST = ZoneInfo("Asia/Kolkata")


def test_hindi_and_english_dates_in_the_site_time_zone() -> None:
    t = datetime(2026, 2, 5, 10, 0, tzinfo=UTC)
    assert local_time(t, IST, "hi") == "5 फ़रवरी 2026, 15:30 IST"
    assert local_time(t, IST, "en") == "5 Feb 2026, 15:30 IST"
    assert local_time(t, ZoneInfo("UTC"), "en") == "5 Feb 2026, 10:00 UTC"


def test_the_local_date_can_differ_from_the_utc_date() -> None:
    late = datetime(2025, 12, 31, 20, 0, tzinfo=UTC)
    assert local_time(late, IST, "hi") == "1 जनवरी 2026, 01:30 IST"


def test_feed_time_formats() -> None:
    t = datetime(2026, 2, 5, 15, 30, tzinfo=IST)
    assert iso(t) == "2026-02-05T10:00:00Z"
    assert rfc822(t) == "Thu, 05 Feb 2026 10:00:00 GMT"
