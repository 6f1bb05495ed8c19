"""Time units and the reporting periods every command and statistic shares.

Ranges are half-open ``[start, end)`` in unix seconds and aligned to whole UTC hours: a period ends at the end
of the current hour (so it includes everything up to now) and starts its length earlier. The roll-ups are
hour-granular, so every figure over such a range is exact."""

from __future__ import annotations

from enum import StrEnum

HOUR = 3600
DAY = 86400


def hour_start(ts: int) -> int:
    """The start of the UTC hour that ``ts`` falls in."""
    return ts - ts % HOUR


def day_start(ts: int) -> int:
    """The start of the UTC day that ``ts`` falls in."""
    return ts - ts % DAY


class Period(StrEnum):
    DAY = "24h"
    WEEK = "7d"
    MONTH = "30d"
    QUARTER = "90d"
    ALL = "all"

    @property
    def seconds(self) -> int | None:
        return _SECONDS[self]

    @property
    def label(self) -> str:
        """English fallback label (the cogs localise through i18n)."""
        return _LABELS[self]


_SECONDS: dict[Period, int | None] = {
    Period.DAY: DAY,
    Period.WEEK: 7 * DAY,
    Period.MONTH: 30 * DAY,
    Period.QUARTER: 90 * DAY,
    Period.ALL: None,
}
_LABELS: dict[Period, str] = {
    Period.DAY: "last 24 hours",
    Period.WEEK: "last 7 days",
    Period.MONTH: "last 30 days",
    Period.QUARTER: "last 90 days",
    Period.ALL: "all time",
}


def period_range(period: Period, now: int) -> tuple[int | None, int]:
    """[start, end) of ``period`` at ``now``: ends with the current hour, start None for ALL."""
    end = hour_start(int(now)) + HOUR
    seconds = period.seconds
    return (None if seconds is None else end - seconds), end
