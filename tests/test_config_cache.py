"""ConfigCache against real storage: a settings write through the cache is seen by the next read, with no
manual invalidation, also with reads running at the same time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.config_cache import ConfigCache
from bot.core.scoring import DEFAULT_FLAG_THRESHOLD
from bot.storage.sqlite import SQLiteStorage

GUILD = 42


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[SQLiteStorage]:
    async with SQLiteStorage.open(tmp_path / "s.db") as st:
        yield st


async def test_config_writes_are_seen_by_the_next_get(storage: SQLiteStorage) -> None:
    cache = ConfigCache(storage)
    assert (await cache.get(GUILD)).threshold == DEFAULT_FLAG_THRESHOLD  # cached now
    assert cache.peek(GUILD) is None  # the lexicon is not cached yet
    await cache.lexicon(GUILD)

    returned = await cache.set_threshold(GUILD, -0.3)
    assert returned.threshold == pytest.approx(-0.3)
    assert (await cache.get(GUILD)).threshold == pytest.approx(-0.3)
    await cache.set_review_channel(GUILD, 77)
    await cache.set_language(GUILD, "id")
    await cache.set_spam_action(GUILD, "delete", 15)
    await cache.add_exempt_channel(GUILD, 5)
    await cache.add_exempt_role(GUILD, 6)
    peeked = cache.peek(GUILD)
    assert peeked is not None  # the new configuration is cached: messages need no read
    config = peeked[0]
    assert (config.review_channel_id, config.language, config.spam_action) == (77, "id", "delete")
    assert config.spam_timeout_minutes == 15
    assert (config.exempt_channels, config.exempt_roles) == ({5}, {6})
    await cache.remove_exempt_channel(GUILD, 5)
    await cache.remove_exempt_role(GUILD, 6)
    config = await cache.get(GUILD)
    assert (config.exempt_channels, config.exempt_roles) == (frozenset(), frozenset())
    assert config == await storage.get_config(GUILD)
    assert (await cache.get(GUILD + 1)).threshold == DEFAULT_FLAG_THRESHOLD  # other servers untouched


async def test_lexicon_writes_are_seen_by_the_next_read(storage: SQLiteStorage) -> None:
    cache = ConfigCache(storage)
    assert await cache.lexicon(GUILD) == {}  # cached, empty
    await cache.set_lexicon_word(GUILD, "gacor", 2.5)
    assert await cache.lexicon(GUILD) == {"gacor": 2.5}
    await cache.set_lexicon_word(GUILD, "gacor", -1.0)
    assert await cache.lexicon(GUILD) == {"gacor": -1.0}
    assert await cache.remove_lexicon_word(GUILD, "gacor") is True
    assert await cache.lexicon(GUILD) == {}
    assert await cache.remove_lexicon_word(GUILD, "gacor") is False


async def test_reads_at_the_same_time_as_writes_end_with_the_written_value(storage: SQLiteStorage) -> None:
    cache = ConfigCache(storage)
    for i in range(30):  # the reader and the writer are different threads: any interleaving may happen
        value = -0.01 * (i + 1)
        config_read = asyncio.create_task(cache.get(GUILD))
        lexicon_read = asyncio.create_task(cache.lexicon(GUILD))
        await asyncio.gather(
            cache.set_threshold(GUILD, value),
            cache.set_lexicon_word(GUILD, "w", value),
            config_read,
            lexicon_read,
        )
        assert (await cache.get(GUILD)).threshold == pytest.approx(value)
        assert await cache.lexicon(GUILD) == {"w": pytest.approx(value)}


async def test_a_refused_write_leaves_the_cache_right(storage: SQLiteStorage) -> None:
    cache = ConfigCache(storage)
    await cache.set_threshold(GUILD, -0.4)
    with pytest.raises(ValueError):
        await cache.set_threshold(GUILD, 5.0)
    assert (await cache.get(GUILD)).threshold == pytest.approx(-0.4)


async def test_invalidate_after_a_write_behind_the_caches_back(storage: SQLiteStorage) -> None:
    cache = ConfigCache(storage)
    await cache.get(GUILD)
    await storage.set_threshold(GUILD, -0.7)  # e.g. another process
    assert (await cache.get(GUILD)).threshold == DEFAULT_FLAG_THRESHOLD
    cache.invalidate(GUILD)
    assert (await cache.get(GUILD)).threshold == pytest.approx(-0.7)
