"""Per-guild configuration and lexicon, cached in memory so every message does not hit the database."""

from __future__ import annotations

from bot.storage.base import Storage
from bot.storage.models import GuildConfig


class ConfigCache:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._configs: dict[int, GuildConfig] = {}
        self._lexicons: dict[int, dict[str, float]] = {}

    async def get(self, guild_id: int) -> GuildConfig:
        config = self._configs.get(guild_id)
        if config is None:
            config = await self._storage.get_config(guild_id)
            self._configs[guild_id] = config
        return config

    async def lexicon(self, guild_id: int) -> dict[str, float]:
        lexicon = self._lexicons.get(guild_id)
        if lexicon is None:
            lexicon = await self._storage.get_lexicon(guild_id)
            self._lexicons[guild_id] = lexicon
        return lexicon

    def peek(self, guild_id: int) -> tuple[GuildConfig, dict[str, float]] | None:
        """Both cached values without waiting, or None when either must be read first."""
        config = self._configs.get(guild_id)
        if config is None:
            return None
        lexicon = self._lexicons.get(guild_id)
        return None if lexicon is None else (config, lexicon)

    def invalidate(self, guild_id: int) -> None:
        """Forget the cached values; the next message reads the new ones (call after any change)."""
        self._configs.pop(guild_id, None)
        self._lexicons.pop(guild_id, None)
