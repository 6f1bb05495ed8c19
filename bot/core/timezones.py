"""A server's time zone (issue 15): IANA names only, checked once, and the names offered while typing.

Roll-ups stay in UTC hours, so any zone (whole hours or not, such as Asia/Kolkata's +05:30) is exact when
hours are regrouped into the server's days. The zone data comes from the system or the ``tzdata`` package."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

__all__ = [
    "DEFAULT_TIMEZONE",
    "INDONESIAN_ZONES",
    "suggest_zones",
    "utc_offset_label",
    "zone_info",
]

DEFAULT_TIMEZONE = "UTC"
# Offered first when nothing has been typed yet: most of our servers are Indonesian (WIB, WITA, WIT).
INDONESIAN_ZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")
_MAX_NAME = 64  # the longest IANA name is 32 characters


@functools.lru_cache(maxsize=256)
def zone_info(name: str) -> ZoneInfo:
    """The zone called ``name`` (an IANA name such as Asia/Jakarta); ValueError for anything else.

    Paths (``../etc``, ``/x``) never reach the file lookup, and lookups are cached."""
    text = name.strip()
    if not text or len(text) > _MAX_NAME or text.startswith(("/", ".")) or ".." in text or "\\" in text:
        raise ValueError(f"unknown time zone {name[:60]!r}")
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"unknown time zone {name[:60]!r}") from None


def utc_offset_label(name: str, at: datetime | None = None) -> str:
    """``UTC+07:00`` for Asia/Jakarta: the zone's offset now (or at ``at``)."""
    moment = (at or datetime.now(UTC)).astimezone(zone_info(name))
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}:{mins:02d}"


@functools.cache
def _all_names() -> tuple[str, ...]:
    # "Etc/GMT+7" means UTC-7 (POSIX's sign): offering it would mislead, so only named places and UTC.
    names = {n for n in available_timezones() if not n.startswith(("Etc/", "SystemV/", "posix/", "right/"))}
    names.add("UTC")
    return tuple(sorted(names))


def suggest_zones(query: str, limit: int = 25) -> list[str]:
    """Zone names matching what was typed, best first: Indonesian zones for an empty query, then names whose
    city starts with the query, then names containing it. "new york" finds America/New_York."""
    needle = query.strip().casefold().replace(" ", "_")[:_MAX_NAME]
    names = _all_names()
    if not needle:
        rest = [n for n in ("UTC",) if n in names]
        return [*INDONESIAN_ZONES, *rest][:limit]
    starts, contains = [], []
    for name in names:
        folded = name.casefold()
        city = folded.rsplit("/", 1)[-1]
        if city.startswith(needle) or folded.startswith(needle):
            starts.append(name)
        elif needle in folded:
            contains.append(name)
    return (starts + contains)[:limit]
