"""bot.core.top's one reading of the server's time zone: an IANA name from /config timezone, UTC otherwise."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest

from bot.core import local_time
from bot.core.periods import Period
from bot.core.top import top_range, zone_for


def _config(timezone: Any) -> Any:
    return cast(Any, SimpleNamespace(timezone=timezone))


def test_the_servers_zone_or_utc() -> None:
    assert zone_for(None) == ZoneInfo("UTC")
    assert zone_for(_config("Asia/Jakarta")) == ZoneInfo("Asia/Jakarta")
    assert zone_for(_config(" Asia/Makassar ")) == ZoneInfo("Asia/Makassar")


@pytest.mark.parametrize("name", ["", "Mars/Olympus", "../../etc/passwd", "/etc/localtime", None, 7])
def test_anything_else_is_utc(name: Any) -> None:
    assert zone_for(_config(name)) == ZoneInfo("UTC")


def test_periods_are_the_stats_periods_in_the_servers_zone() -> None:
    now = 1_700_000_000  # 2023-11-14 22:13 UTC: already the 15th in Jakarta
    for period in Period:
        zone = ZoneInfo("Asia/Jakarta")
        assert top_range(period, now, _config("Asia/Jakarta")) == local_time.period_range(period, now, zone)
    start, end = top_range(Period.WEEK, now, _config("Asia/Jakarta"))
    assert start == 1_699_462_800  # 2023-11-09 00:00 in Jakarta (UTC+7): today and the 6 days before
    assert end == 1_700_002_800  # the end of the current hour
    assert top_range(Period.DAY, now, None) == (end - 86_400, end)
