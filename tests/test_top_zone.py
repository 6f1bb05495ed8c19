"""bot.core.top's one reading of the server's time zone: an IANA name from /config timezone, UTC otherwise."""

from __future__ import annotations

from datetime import UTC
from types import SimpleNamespace
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest

from bot.core.periods import Period, period_range
from bot.core.top import top_range, zone_for


def _config(timezone: Any) -> Any:
    return cast(Any, SimpleNamespace(timezone=timezone))


def test_the_servers_zone_or_utc() -> None:
    assert zone_for(None) is UTC
    assert zone_for(_config("Asia/Jakarta")) == ZoneInfo("Asia/Jakarta")
    assert zone_for(_config(" Asia/Makassar ")) == ZoneInfo("Asia/Makassar")


@pytest.mark.parametrize("name", ["", "Mars/Olympus", "../../etc/passwd", "/etc/localtime", None, 7])
def test_anything_else_is_utc(name: Any) -> None:
    assert zone_for(_config(name)) is UTC


def test_periods_are_the_stats_rolling_hours() -> None:
    now = 1_700_000_000
    for period in Period:
        assert top_range(period, now, _config("Asia/Kolkata")) == period_range(period, now)
