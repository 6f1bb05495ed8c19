"""Which process does a server's background work: the one running the server's shard (issue 16).

Discord sends a server's events only to the shard ``(guild_id >> 22) % shard_count``. Work that must happen
once per server and starts from the database rather than from an event (review posts owed, digests due,
back-fills to resume) is done only by the process running that shard, so a second process on other shards
never does another's work twice nor postpones it. Without a shard count a process owns every server.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

WIDEN = 4  # a window holding only other processes' rows is read again this many times larger
MAX_WINDOW = 5000  # rows: the largest window read when looking for due work of our own


def shard_for(guild_id: int, shard_count: int) -> int:
    """The shard Discord sends a server's events to."""
    if shard_count < 1:
        raise ValueError("shard_count must be at least 1")
    return (guild_id >> 22) % shard_count


def owns(guild_id: int, shard_ids: Collection[int] | None, shard_count: int | None) -> bool:
    """Whether a process running ``shard_ids`` of ``shard_count`` shards owns the server (None: not sharded,
    or every shard)."""
    if shard_count is None or shard_ids is None:
        return True
    return shard_for(guild_id, shard_count) in shard_ids


def check_shards(shard_count: int | None, shard_ids: Collection[int] | None) -> str | None:
    """Why these settings cannot run (one line), or None when they can."""
    if shard_count is None:
        return "SENTIMETER_SHARD_IDS needs SENTIMETER_SHARD_COUNT" if shard_ids is not None else None
    if shard_count < 1:
        return "SENTIMETER_SHARD_COUNT must be at least 1"
    if shard_ids is None:
        return None
    ids = list(shard_ids)
    if not ids:
        return "SENTIMETER_SHARD_IDS is empty"
    if len(set(ids)) != len(ids):
        return "SENTIMETER_SHARD_IDS lists a shard twice"
    outside = sorted(i for i in ids if not 0 <= i < shard_count)
    if outside:
        return f"SENTIMETER_SHARD_IDS {outside[0]} is outside 0..{shard_count - 1} (SENTIMETER_SHARD_COUNT)"
    return None


@dataclass(frozen=True)
class Ownership:
    """The shards this process runs: ``owns(guild_id)`` decides whose background work a server's is."""

    shard_count: int | None = None
    shard_ids: frozenset[int] | None = None  # None: all of them

    def owns(self, guild_id: int) -> bool:
        return owns(guild_id, self.shard_ids, self.shard_count)

    @property
    def sharded(self) -> bool:
        return self.shard_count is not None

    @property
    def first(self) -> bool:
        """Whether this process runs shard 0 (or is not sharded): it does the work that is not per server."""
        return self.shard_ids is None or 0 in self.shard_ids

    def keep(self, rows: Iterable[T], guild_of: Callable[[T], int]) -> list[T]:
        return [row for row in rows if self.owns(guild_of(row))]

    async def due(
        self, fetch: Callable[[int], Awaitable[list[T]]], limit: int, guild_of: Callable[[T], int]
    ) -> tuple[list[T], bool]:
        """The due rows of our servers among the first ``limit`` due rows of all, and whether rows of other
        processes were skipped. When a whole window holds only other processes' rows (one of them is down and
        its work piles up), a larger one is read, up to MAX_WINDOW, so our own work is not starved."""
        window = limit
        while True:
            rows = await fetch(window)
            mine = self.keep(rows, guild_of)
            if mine or len(rows) < window or window >= MAX_WINDOW or not self.sharded:
                return mine[:limit], len(mine) < len(rows)
            window = min(MAX_WINDOW, window * WIDEN)
