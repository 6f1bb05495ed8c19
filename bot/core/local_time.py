"""Statistics in the server's time zone (issue 15): periods of local days, and the UTC-hour roll-ups regrouped
into local days, hours and weekdays.

The roll-ups stay in UTC hours. A UTC hour counts on the local day, hour and weekday in which it *starts*, so
every figure is an exact regrouping of whole roll-up rows, in any zone and across DST changes. In a zone whose
offset is not a whole number of hours (Asia/Kolkata, +05:30) local hours are therefore shifted by the odd half
hour: the UTC hour 18:00-19:00 is 23:30-00:30 there and counts as 23:00 on the earlier day.

A ``Segment`` is ``(lo, hi, offset)``: hour starts in [lo, hi) that share one UTC offset (seconds). Storage
groups each segment's rows by ``(hour + offset) // DAY`` (the local day number: days since 1970-01-01 in local
time) and the like, so it needs no time zone code of its own."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.periods import DAY, HOUR, Period, hour_start

Segment = tuple[int, int, int]

EPOCH = date(1970, 1, 1)
LONG_PERIOD_DAYS = 62  # trends of more days than this are shown per week (or coarser)
MAX_BARS = 80


def offset_at(zone: ZoneInfo, ts: int) -> int:
    """The zone's UTC offset (seconds) at unix time ``ts``."""
    offset = datetime.fromtimestamp(ts, UTC).astimezone(zone).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def offset_segments(zone: ZoneInfo, start: int, end: int) -> list[Segment]:
    """Hour-aligned [start, end) cut where the zone's offset at an hour's start changes."""
    start, end = hour_start(start), hour_start(end + HOUR - 1)
    segments: list[Segment] = []
    lo, current = start, offset_at(zone, start)
    probe = lo
    while probe < end:
        step_end = min(end, probe + DAY)
        if offset_at(zone, step_end - HOUR) == current:
            probe = step_end
            continue
        # the offset changes within these hours: find the first hour with the new one
        h = probe
        while offset_at(zone, h) == current:
            h += HOUR
        segments.append((lo, h, current))
        lo, current, probe = h, offset_at(zone, h), h
    if lo < end:
        segments.append((lo, end, current))
    return segments


def day_number(day: date) -> int:
    return (day - EPOCH).days


def day_of(number: int) -> date:
    return EPOCH + timedelta(days=number)


def local_date(zone: ZoneInfo, ts: int) -> date:
    """The local date on which the UTC hour holding ``ts`` starts."""
    h = hour_start(ts)
    return day_of((h + offset_at(zone, h)) // DAY)


def day_start(zone: ZoneInfo, day: date) -> int:
    """The first UTC hour that starts on local ``day``."""
    midnight = int(datetime(day.year, day.month, day.day, tzinfo=zone).timestamp())
    h = -(-midnight // HOUR) * HOUR
    while day_of((h + offset_at(zone, h)) // DAY) < day:  # a midnight skipped by a DST change
        h += HOUR
    return h


def period_range(period: Period, now: int, zone: ZoneInfo) -> tuple[int | None, int]:
    """[start, end) of ``period`` in the zone: the last 24 hours, or today so far and the whole local days
    before it (7 days = today and the 6 days before); start None for ALL. Ends with the current hour."""
    end = hour_start(int(now)) + HOUR
    if period is Period.ALL:
        return None, end
    if period is Period.DAY:
        return end - DAY, end
    days = (period.seconds or DAY) // DAY
    today = local_date(zone, now)
    return day_start(zone, today - timedelta(days=days - 1)), end


def previous_range(period: Period, start: int, end: int, zone: ZoneInfo) -> tuple[int, int]:
    """The period of the same length just before [start, end) (the same number of local days)."""
    if period is Period.DAY:
        return start - (end - start), start
    days = (period.seconds or DAY) // DAY
    first = local_date(zone, start)
    return day_start(zone, first - timedelta(days=days)), start


def days_between(zone: ZoneInfo, start: int, end: int) -> list[date]:
    """The local dates of the hours in [start, end), in order."""
    first, last = local_date(zone, start), local_date(zone, end - 1)
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def bin_days(n_days: int) -> int:
    """Days per bar of a trend over ``n_days``: 1, 7, or whole weeks keeping at most MAX_BARS bars."""
    if n_days <= LONG_PERIOD_DAYS:
        return 1
    weeks = -(-n_days // (7 * MAX_BARS))
    return 7 * weeks
