"""Members' data rights: the rules and the per-server opt-out list the ingest path checks.

- An opted-out member's messages are not stored at all (no row, no roll-up, no score, no flag): the ingest
  path drops them before scoring (bot/core/ingest/service.py), so they are not even counted anonymously. What
  was stored before opting out stays until ``/privacy forget-me`` or the retention sweep removes it.
- Message rows and flag text are kept ``DEFAULT_RETENTION_DAYS`` unless a server chooses otherwise
  (``/config retention``); roll-ups (hourly/daily counts, per-member activity hours) are kept.
- When the bot is removed from a server, everything stored about it is deleted after a grace period
  (``SENTIMETER_PURGE_GRACE_DAYS``), unless the bot is added back first."""

from __future__ import annotations

import gzip
import json
from typing import Any

from bot.storage.base import PrivacyStore

DEFAULT_RETENTION_DAYS = 90
MIN_RETENTION_DAYS = 1
MAX_RETENTION_DAYS = 3650
SWEEP_INTERVAL_HOURS = 24
EXPORT_GZIP_ABOVE = 8 * 1024 * 1024  # bytes; Discord's smallest upload limit is 10 MiB


def retention_in_range(days: int) -> bool:
    return MIN_RETENTION_DAYS <= days <= MAX_RETENTION_DAYS


def export_file(data: dict[str, Any]) -> tuple[str, bytes]:
    """A member's data as a file (name, bytes): JSON, gzip-compressed when it would be too large to upload."""
    raw = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
    if len(raw) <= EXPORT_GZIP_ABOVE:
        return "my-data.json", raw
    return "my-data.json.gz", gzip.compress(raw, mtime=0)


class OptOutCache:
    """Per-server set of opted-out members, cached like the configuration (bot/core/config_cache.py): read
    once per server, written through here so the cached set follows every change. ``peek`` answers without
    waiting (None: not read yet), for the ingest path's quick path."""

    def __init__(self, storage: PrivacyStore) -> None:
        self._storage = storage
        self._sets: dict[int, frozenset[int]] = {}
        self._generations: dict[int, int] = {}

    def peek(self, guild_id: int) -> frozenset[int] | None:
        return self._sets.get(guild_id)

    async def get(self, guild_id: int) -> frozenset[int]:
        cached = self._sets.get(guild_id)
        if cached is not None:
            return cached
        generation = self._generations.get(guild_id, 0)
        users = await self._storage.opted_out(guild_id)
        if self._generations.get(guild_id, 0) == generation:  # no write finished meanwhile
            self._sets[guild_id] = users
        return users

    async def set(self, guild_id: int, user_id: int, opted_out: bool) -> bool:
        """Opt out (True) or back in; returns whether it changed."""
        try:
            return await self._storage.set_opt_out(guild_id, user_id, opted_out)
        finally:
            self.invalidate(guild_id)

    def invalidate(self, guild_id: int) -> None:
        self._generations[guild_id] = self._generations.get(guild_id, 0) + 1
        self._sets.pop(guild_id, None)
