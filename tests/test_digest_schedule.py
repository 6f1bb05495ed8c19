"""The weekly digest's schedule arithmetic (bot/core/digest.py): slots in the server's zone through DST,
half-hour offsets and the week boundary, and the week a digest covers."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.digest import MIN_GAP, WEEK, latest_slot, next_slot, week_before
from cogs.digest._scheduler import first_slot

HOUR = 3600


def utc(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp())  # type: ignore[misc]


def local(ts: int, zone: str) -> datetime:
    return datetime.fromtimestamp(ts, ZoneInfo(zone))


@pytest.mark.parametrize(
    ("zone", "weekday", "hour", "now", "want"),
    [
        # Monday 09:00 in Jakarta (UTC+7) is 02:00 UTC; 2026-12-07 is a Monday
        ("Asia/Jakarta", 0, 9, utc(2026, 12, 7, 2, 0), utc(2026, 12, 7, 2, 0)),  # exactly at the slot
        ("Asia/Jakarta", 0, 9, utc(2026, 12, 7, 1, 59, 59), utc(2026, 11, 30, 2, 0)),  # a second before
        # +05:30: Monday 09:00 in Kolkata is 03:30 UTC
        ("Asia/Kolkata", 0, 9, utc(2026, 12, 8, 0, 0), utc(2026, 12, 7, 3, 30)),
        # the week boundary: Sunday 23:00 in Jayapura (UTC+9) is Sunday 14:00 UTC
        ("Asia/Jayapura", 6, 23, utc(2026, 12, 6, 15, 0), utc(2026, 12, 6, 14, 0)),
        # a local Monday that is still Sunday in UTC: Monday 00:00 in Jakarta
        ("Asia/Jakarta", 0, 0, utc(2026, 12, 6, 18, 0), utc(2026, 12, 6, 17, 0)),
        # Berlin springs forward on 2026-03-29 at 02:00 (CET -> CEST): Sunday 02:00 does not exist and is read
        # with the offset before the change, i.e. 01:00 UTC (03:00 CEST)
        ("Europe/Berlin", 6, 2, utc(2026, 3, 29, 12, 0), utc(2026, 3, 29, 1, 0)),
        # the week after the change, Sunday 02:00 CEST is 00:00 UTC
        ("Europe/Berlin", 6, 2, utc(2026, 4, 5, 12, 0), utc(2026, 4, 5, 0, 0)),
        # Berlin falls back on 2026-10-25: Sunday 02:00 happens twice; the first (CEST, 00:00 UTC) counts
        ("Europe/Berlin", 6, 2, utc(2026, 10, 25, 12, 0), utc(2026, 10, 25, 0, 0)),
        # New York: Monday 09:00 EST (UTC-5) and, after the March change, EDT (UTC-4)
        ("America/New_York", 0, 9, utc(2026, 3, 2, 15, 0), utc(2026, 3, 2, 14, 0)),
        ("America/New_York", 0, 9, utc(2026, 3, 9, 15, 0), utc(2026, 3, 9, 13, 0)),
    ],
)
def test_latest_slot(zone: str, weekday: int, hour: int, now: int, want: int) -> None:
    assert latest_slot(weekday, hour, zone, now) == want
    assert next_slot(weekday, hour, zone, want - 1) == want


@pytest.mark.parametrize(
    "zone",
    ["UTC", "Asia/Jakarta", "Asia/Kolkata", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe"],
)
def test_one_slot_a_week_at_the_local_weekday_and_hour(zone: str) -> None:
    rng = random.Random(zone)
    start = utc(2026, 1, 1)
    for _ in range(400):
        weekday, hour = rng.randrange(7), rng.randrange(24)
        now = start + rng.randrange(400 * 86_400)
        slot = latest_slot(weekday, hour, zone, now)
        following = next_slot(weekday, hour, zone, now)
        assert slot <= now < following
        assert following == next_slot(weekday, hour, zone, slot)  # no slot in between
        assert WEEK - 2 * HOUR <= following - slot <= WEEK + 2 * HOUR  # a week, give or take a DST change
        moment = local(slot, zone)
        assert moment.weekday() == weekday
        # the local hour, or the hour after when the clocks skipped it (Lord Howe moves by 30 minutes)
        assert (moment.hour - hour) % 24 in (0, 1)


def test_a_bot_down_for_three_weeks_owes_only_the_newest_slot() -> None:
    zone = "Asia/Makassar"
    first = latest_slot(2, 18, zone, utc(2026, 11, 4, 12, 0))
    back = first + 3 * WEEK + 5 * HOUR
    newest = latest_slot(2, 18, zone, back)
    assert newest == first + 3 * WEEK  # the missed weeks in between are not owed
    # and once it is posted, the next one is a week later (never a second post within six days)
    assert first_slot(2, 18, zone, back, newest) == newest + WEEK


def test_a_changed_schedule_waits_at_least_six_days_after_the_last_post() -> None:
    zone = "UTC"
    posted = utc(2026, 12, 7, 9)  # Monday 09:00
    # moved to Tuesday the day after the Monday post: Tuesday's is skipped, the next is eight days later
    assert first_slot(1, 9, zone, posted + HOUR, posted) == utc(2026, 12, 15, 9)
    # moved to Monday 10:00 a minute after: next week's, not an hour later
    assert first_slot(0, 10, zone, posted + 60, posted) == utc(2026, 12, 14, 10)
    assert first_slot(0, 10, zone, posted + 60, 0) == utc(2026, 12, 7, 10)  # never posted: today's
    assert utc(2026, 12, 15, 9) - posted >= MIN_GAP


@pytest.mark.parametrize("zone", ["UTC", "Asia/Jakarta", "Asia/Kolkata", "Europe/Berlin", "Pacific/Chatham"])
def test_the_week_is_the_seven_whole_local_days_before_the_post(zone: str) -> None:
    moment = utc(2026, 3, 30, 8)  # the Monday after Berlin's spring change
    week = week_before(moment, zone)
    today = local(moment, zone).date()
    assert week.days == tuple(today - timedelta(days=7 - i) for i in range(7))
    for day, start, end in zip(week.days, week.bounds, week.bounds[1:], strict=False):
        assert start % HOUR == 0 and end % HOUR == 0  # whole UTC hours: the roll-ups' buckets
        # every hour bucket in [start, end) starts on that local day, and the one before does not
        assert {local(h, zone).date() for h in range(start, end, HOUR)} == {day}
        assert local(start - HOUR, zone).date() < day
    earlier = week_before(moment, zone, weeks_back=1)
    assert earlier.end == week.start and earlier.days[0] == today - timedelta(days=14)


def test_kolkata_days_start_at_the_first_whole_utc_hour_after_local_midnight() -> None:
    week = week_before(utc(2026, 12, 7, 12), "Asia/Kolkata")
    assert week.days[0] == date(2026, 11, 30)
    # local midnight of 30 Nov is 29 Nov 18:30 UTC; the first bucket starting on 30 Nov is 19:00 UTC
    assert week.start == utc(2026, 11, 29, 19)
