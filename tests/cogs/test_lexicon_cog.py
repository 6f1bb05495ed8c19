"""/lexicon against real storage: words normalised, applied at once (cache invalidated), listed safely."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from bot.app.client import Sentimeter
from bot.core.errors import UserFacingError
from bot.storage.sqlite import SQLiteStorage
from cogs.lexicon import MAX_WORDS, Lexicon, normalise_word
from tests.cogs.conftest import GUILD_ID, fake_channel, fake_guild, fake_interaction, nothing_sent, sent

ADMIN = discord.Permissions(manage_guild=True)


@pytest.fixture
async def cog(bot: Sentimeter) -> Lexicon:
    return Lexicon(bot)


def admin_interaction(permissions: discord.Permissions = ADMIN) -> Any:
    guild = fake_guild()
    return fake_interaction(guild, channel=fake_channel(guild), permissions=permissions)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Gacor", "gacor"),
        ("  Kill   IT ", "kill it"),
        ("mantap!", "mantap!"),
        ("x" * 40, "x" * 40),
        ("x" * 41, None),
        ("three word phrase", None),
        ("   ", None),
        ("!!!", None),
        ("<@123>", None),
        ("`code`", None),
    ],
)
def test_normalise_word(raw: str, expected: str | None) -> None:
    assert normalise_word(raw) == expected


async def test_add_applies_at_once(cog: Lexicon, bot: Sentimeter, storage: SQLiteStorage) -> None:
    assert await bot.configs.lexicon(GUILD_ID) == {}  # cached, empty
    interaction = admin_interaction()

    await cog.add.callback(cog, interaction, "  GACOR ", 2.5)

    assert await storage.get_lexicon(GUILD_ID) == {"gacor": 2.5}
    assert await bot.configs.lexicon(GUILD_ID) == {"gacor": 2.5}  # the cache was invalidated
    reply = sent(interaction)
    assert reply.ephemeral is True
    assert "`gacor`" in str(reply.embed.description) and "+2.50" in str(reply.embed.description)

    change = admin_interaction()
    await cog.add.callback(cog, change, "gacor", -1.0)
    assert await bot.configs.lexicon(GUILD_ID) == {"gacor": -1.0}
    assert "now has weight" in str(sent(change).embed.description)


@pytest.mark.parametrize(
    ("word", "weight", "message"),
    [
        ("three word phrase", 1.0, "two-word phrase"),
        ("x" * 41, 1.0, "1 to 40 characters"),
        ("gacor", 4.5, "between -4 and 4"),
        ("gacor", -4.01, "between -4 and 4"),
    ],
)
async def test_bad_words_and_weights_are_refused(
    cog: Lexicon, storage: SQLiteStorage, word: str, weight: float, message: str
) -> None:
    interaction = admin_interaction()
    with pytest.raises(UserFacingError, match=message):
        await cog.add.callback(cog, interaction, word, weight)
    assert nothing_sent(interaction)
    assert await storage.get_lexicon(GUILD_ID) == {}


async def test_needs_manage_server(cog: Lexicon, storage: SQLiteStorage) -> None:
    interaction = admin_interaction(discord.Permissions(manage_messages=True))
    with pytest.raises(UserFacingError, match="Manage Server"):
        await cog.add.callback(cog, interaction, "gacor", 2.0)
    assert await storage.get_lexicon(GUILD_ID) == {}


async def test_lexicon_has_a_size_limit(cog: Lexicon, storage: SQLiteStorage) -> None:
    for i in range(MAX_WORDS):
        await storage.set_lexicon_word(GUILD_ID, f"w{i}", 1.0)
    with pytest.raises(UserFacingError, match="full"):
        await cog.add.callback(cog, admin_interaction(), "one more", 1.0)
    await cog.add.callback(cog, admin_interaction(), "w0", 2.0)  # changing an existing word is still fine
    assert (await storage.get_lexicon(GUILD_ID))["w0"] == 2.0


async def test_remove(cog: Lexicon, bot: Sentimeter, storage: SQLiteStorage) -> None:
    await storage.set_lexicon_word(GUILD_ID, "kill it", 2.0)
    assert await bot.configs.lexicon(GUILD_ID) == {"kill it": 2.0}

    interaction = admin_interaction()
    await cog.remove.callback(cog, interaction, "Kill It")
    assert await bot.configs.lexicon(GUILD_ID) == {}
    assert "Removed `kill it`" in str(sent(interaction).embed.description)

    with pytest.raises(UserFacingError, match="isn't in this server's lexicon"):
        await cog.remove.callback(cog, admin_interaction(), "kill it")


async def test_list_is_paginated(cog: Lexicon, storage: SQLiteStorage) -> None:
    for i in range(45):
        await storage.set_lexicon_word(GUILD_ID, f"word{i:02d}", -1.5)

    first = admin_interaction()
    await cog.list_words.callback(cog, first, 1)
    reply = sent(first)
    lines = str(reply.embed.description).splitlines()
    assert len(lines) == 20 and lines[0] == "`word00` −1.5"
    assert reply.embed.footer.text == "Page 1 of 3 · 45 words"

    beyond = admin_interaction()
    await cog.list_words.callback(cog, beyond, 99)  # clamps to the last page
    reply = sent(beyond)
    assert str(reply.embed.description).splitlines() == [f"`word{i}` −1.5" for i in range(40, 45)]
    assert reply.embed.footer.text == "Page 3 of 3 · 45 words"
    assert len(reply.embed) <= 6000


async def test_empty_list(cog: Lexicon) -> None:
    interaction = admin_interaction()
    await cog.list_words.callback(cog, interaction, 1)
    assert "/lexicon add" in str(sent(interaction).embed.description)
