"""bot/core/timezones.py: IANA names only, offsets as people read them, suggestions while typing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.timezones import INDONESIAN_ZONES, suggest_zones, utc_offset_label, zone_info


def test_indonesian_zones_and_half_hour_offsets() -> None:
    at = datetime(2026, 1, 15, tzinfo=UTC)
    assert [utc_offset_label(z, at) for z in INDONESIAN_ZONES] == ["UTC+07:00", "UTC+08:00", "UTC+09:00"]
    assert utc_offset_label("Asia/Kolkata", at) == "UTC+05:30"
    assert utc_offset_label("America/St_Johns", at) == "UTC-03:30"
    assert utc_offset_label("America/New_York", datetime(2026, 7, 1, tzinfo=UTC)) == "UTC-04:00"


@pytest.mark.parametrize("name", ["", " ", "Mars/Base", "../zoneinfo/UTC", "/usr/share/zoneinfo/UTC", "a\\b"])
def test_anything_but_an_iana_name_is_a_value_error(name: str) -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        zone_info(name)


def test_suggestions() -> None:
    assert suggest_zones("")[:3] == list(INDONESIAN_ZONES)
    assert suggest_zones("jakarta") == ["Asia/Jakarta"]
    assert suggest_zones("New_York")[0] == "America/New_York"
    assert "Etc/GMT+7" not in suggest_zones("gmt", limit=1000)  # POSIX signs would mislead
    assert len(suggest_zones("a", limit=25)) == 25
    assert suggest_zones("x" * 10_000) == []
