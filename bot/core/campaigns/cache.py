"""Per-server campaigns, cached for the ingest path (as ConfigCache caches settings): the keyword set sent to
the scoring workers, or None for a server without campaigns. Campaigns are added and removed through this
cache, so the next message is matched against the new set; a read under way when a write finished is not
cached (a per-server generation)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.campaigns.matcher import CampaignSet
from bot.storage.base import CampaignStore
from bot.storage.models import Campaign


def campaign_set(campaigns: Sequence[Campaign]) -> CampaignSet | None:
    if not campaigns:
        return None
    return CampaignSet(tuple((c.id, c.keywords) for c in sorted(campaigns, key=lambda c: c.id)))


class CampaignCache:
    def __init__(self, storage: CampaignStore) -> None:
        self._storage = storage
        self._sets: dict[int, CampaignSet | None] = {}
        self._generations: dict[int, int] = {}

    def cached(self, guild_id: int) -> bool:
        return guild_id in self._sets

    def peek(self, guild_id: int) -> CampaignSet | None:
        """The cached set (None: no campaigns, or not cached: check :meth:`cached`)."""
        return self._sets.get(guild_id)

    async def get(self, guild_id: int) -> CampaignSet | None:
        if guild_id in self._sets:
            return self._sets[guild_id]
        generation = self._generations.get(guild_id, 0)
        found = campaign_set(await self._storage.list_campaigns(guild_id))
        if self._generations.get(guild_id, 0) == generation:
            self._sets[guild_id] = found
        return found

    def invalidate(self, guild_id: int) -> None:
        self._generations[guild_id] = self._generations.get(guild_id, 0) + 1
        self._sets.pop(guild_id, None)

    async def list(self, guild_id: int) -> list[Campaign]:
        return await self._storage.list_campaigns(guild_id)

    async def add(
        self, guild_id: int, name: str, keywords: Sequence[str], starts_at: int, ends_at: int | None
    ) -> Campaign:
        try:
            return await self._storage.add_campaign(guild_id, name, keywords, starts_at, ends_at)
        finally:
            self.invalidate(guild_id)

    async def remove(self, guild_id: int, name: str) -> bool:
        try:
            return await self._storage.remove_campaign(guild_id, name)
        finally:
            self.invalidate(guild_id)
