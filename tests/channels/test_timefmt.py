"""Times readers see, in the site's zone and language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from wiredesk.channels.i18n import strings
from wiredesk.channels.timefmt import Ages, iso, local_time, relative_time, rfc822

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


def _label(then: datetime, now: datetime, language: str) -> tuple[str | None, datetime | None]:
    return relative_time(then, now, IST, strings(language))


def test_recent_times_read_as_how_long_ago_in_hindi_and_english() -> None:
    then = datetime(2026, 2, 5, 10, 0, tzinfo=UTC)  # 15:30 IST
    cases = [
        (timedelta(seconds=20), "अभी", "just now"),
        (timedelta(minutes=1), "1 मिनट पहले", "1 min ago"),
        (timedelta(minutes=5, seconds=59), "5 मिनट पहले", "5 min ago"),
        (timedelta(minutes=59), "59 मिनट पहले", "59 min ago"),
        (timedelta(hours=1, minutes=30), "1 घंटा पहले", "1 hour ago"),
        (timedelta(hours=2), "2 घंटे पहले", "2 hours ago"),
        (timedelta(hours=23, minutes=59), "23 घंटे पहले", "23 hours ago"),
        (timedelta(hours=25), "कल", "yesterday"),  # 16:30 IST the next day
    ]
    for age, hindi, english in cases:
        assert _label(then, then + age, "hi")[0] == hindi, age
        assert _label(then, then + age, "en")[0] == english, age
    # two days back in the site's zone: the date, which never goes stale
    assert _label(then, then + timedelta(hours=36), "hi") == (None, None)


def test_a_label_says_when_it_stops_being_true() -> None:
    then = datetime(2026, 2, 5, 10, 0, tzinfo=UTC)
    assert _label(then, then + timedelta(seconds=5), "en")[1] == then + timedelta(minutes=1)
    assert _label(then, then + timedelta(minutes=5, seconds=3), "en")[1] == then + timedelta(
        minutes=6
    )
    assert _label(then, then + timedelta(hours=2, minutes=7), "en")[1] == then + timedelta(hours=3)
    assert _label(then, then + timedelta(hours=23, minutes=1), "en")[1] == then + timedelta(
        hours=24
    )
    # "yesterday" until midnight in the site's zone (18:30 UTC is IST's midnight)
    assert _label(then, then + timedelta(hours=25), "en")[1] == datetime(
        2026, 2, 6, 18, 30, tzinfo=UTC
    )
    # a time a little ahead of the server's clock is "just now", not a negative age
    assert _label(then, then - timedelta(seconds=10), "hi") == ("अभी", then + timedelta(minutes=1))


def test_a_page_s_ages_remember_their_earliest_change() -> None:
    now = datetime(2026, 2, 5, 12, 0, tzinfo=UTC)
    ages = Ages(now, IST, "hi", strings("hi"))
    assert ages.next_change is None
    assert ages(now - timedelta(hours=3, minutes=10)) == "3 घंटे पहले"
    assert ages.next_change == now + timedelta(minutes=50)
    assert ages(now - timedelta(minutes=7, seconds=30)) == "7 मिनट पहले"
    assert ages.next_change == now + timedelta(seconds=30)
    assert ages(now - timedelta(days=5)) == "31 जनवरी 2026, 17:30 IST"  # a date, no change
    assert ages.next_change == now + timedelta(seconds=30)
