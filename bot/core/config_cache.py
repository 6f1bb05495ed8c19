"""Per-guild configuration and lexicon, cached in memory so every message does not hit the database.

The cache is also the way settings are written: ``set_threshold``, ``add_exempt_role``, ``set_lexicon_word``
and the rest write through the storage and then update (configuration) or drop (lexicon) the cached entry,
so the next ``get``/``lexicon``/``peek`` sees the change without anyone remembering to invalidate. A read
that was already under way when a write finished is returned to its caller but not cached (a per-guild
generation counter), so it cannot put the old value back.

``invalidate`` remains for changes made behind the cache's back (another process, or a test writing through
the storage directly)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

from bot.core.feedback import adapt
from bot.storage.base import SettingsStore
from bot.storage.models import GuildConfig, LearningExample


class ConfigCache:
    def __init__(self, storage: SettingsStore) -> None:
        self._storage = storage
        self._configs: dict[int, GuildConfig] = {}
        self._lexicons: dict[int, dict[str, float]] = {}
        self._generations: dict[int, int] = {}
        self._learning: dict[int, asyncio.Lock] = {}  # one refit at a time per server

    # -- reads -----------------------------------------------------------------------------------------------
    async def get(self, guild_id: int) -> GuildConfig:
        config = self._configs.get(guild_id)
        if config is None:
            generation = self._generations.get(guild_id, 0)
            config = await self._storage.get_config(guild_id)
            if self._generations.get(guild_id, 0) == generation:
                self._configs[guild_id] = config
        return config

    async def lexicon(self, guild_id: int) -> dict[str, float]:
        lexicon = self._lexicons.get(guild_id)
        if lexicon is None:
            generation = self._generations.get(guild_id, 0)
            lexicon = await self._storage.get_lexicon(guild_id)
            if self._generations.get(guild_id, 0) == generation:
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
        """Forget the cached values (only needed after a change that did not go through this cache)."""
        self._generations[guild_id] = self._generations.get(guild_id, 0) + 1
        self._configs.pop(guild_id, None)
        self._lexicons.pop(guild_id, None)

    # -- writes: through the storage, then the cached entry follows ----------------------------------------
    async def _write_config(self, guild_id: int, write: Awaitable[GuildConfig]) -> GuildConfig:
        try:
            config = await write
        except BaseException:  # e.g. cancelled: the write may still have committed
            self.invalidate(guild_id)
            raise
        self._generations[guild_id] = self._generations.get(guild_id, 0) + 1
        self._configs[guild_id] = config  # as committed (one writer: writes finish in commit order)
        return config

    def _lexicon_written(self, guild_id: int) -> None:
        self._generations[guild_id] = self._generations.get(guild_id, 0) + 1
        self._lexicons.pop(guild_id, None)

    async def set_threshold(self, guild_id: int, threshold: float) -> GuildConfig:
        return await self._write_config(guild_id, self._storage.set_threshold(guild_id, threshold))

    async def set_sensitivity(self, guild_id: int, sensitivity: str) -> GuildConfig:
        return await self._write_config(guild_id, self._storage.set_sensitivity(guild_id, sensitivity))

    async def set_timezone(self, guild_id: int, timezone: str) -> GuildConfig:
        return await self._write_config(guild_id, self._storage.set_timezone(guild_id, timezone))

    async def set_review_channel(self, guild_id: int, channel_id: int | None) -> GuildConfig:
        return await self._write_config(guild_id, self._storage.set_review_channel(guild_id, channel_id))

    async def set_language(self, guild_id: int, language: str | None) -> GuildConfig:
        return await self._write_config(guild_id, self._storage.set_language(guild_id, language))

    async def set_spam_action(self, guild_id: int, action: str, timeout_minutes: int | None) -> GuildConfig:
        return await self._write_config(
            guild_id, self._storage.set_spam_action(guild_id, action, timeout_minutes)
        )

    async def add_exempt_channel(self, guild_id: int, channel_id: int) -> GuildConfig:
        return await self._write_config(guild_id, self._storage.add_exempt_channel(guild_id, channel_id))

    async def remove_exempt_channel(self, guild_id: int, channel_id: int) -> GuildConfig:
        return await self._write_config(guild_id, self._storage.remove_exempt_channel(guild_id, channel_id))

    async def add_exempt_role(self, guild_id: int, role_id: int) -> GuildConfig:
        return await self._write_config(guild_id, self._storage.add_exempt_role(guild_id, role_id))

    async def remove_exempt_role(self, guild_id: int, role_id: int) -> GuildConfig:
        return await self._write_config(guild_id, self._storage.remove_exempt_role(guild_id, role_id))

    async def learn(self, guild_id: int, example: LearningExample) -> GuildConfig:
        """Keep a moderator's decision and refit the server's adjustment (in a thread: a few hundred
        examples take tens of milliseconds); the cached configuration carries the new one."""
        async with self._learning.setdefault(guild_id, asyncio.Lock()):
            await self._storage.record_example(guild_id, example)
            examples = await self._storage.learning_examples(guild_id, adapt.MAX_EXAMPLES)
            learned = await asyncio.to_thread(adapt.fit, examples)
            return await self._write_config(guild_id, self._storage.set_learned(guild_id, learned))

    async def reset_learning(self, guild_id: int) -> GuildConfig:
        async with self._learning.setdefault(guild_id, asyncio.Lock()):
            return await self._write_config(guild_id, self._storage.reset_learning(guild_id))

    async def set_lexicon_word(self, guild_id: int, word: str, valence: float) -> None:
        try:
            await self._storage.set_lexicon_word(guild_id, word, valence)
        finally:
            self._lexicon_written(guild_id)

    async def remove_lexicon_word(self, guild_id: int, word: str) -> bool:
        try:
            return await self._storage.remove_lexicon_word(guild_id, word)
        finally:
            self._lexicon_written(guild_id)
