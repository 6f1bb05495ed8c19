"""/trends and /config trends: the real cogs on real SQLite, Discord faked. A term that spikes is listed with
its count, change and sentiment; the answer is for moderators, private, scoped by the interaction's server;
too little data and counting turned off get polite answers; /config trends off deletes the stored terms."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from bot.app.client import Sentimeter
from bot.app.permissions import PermissionsMissing
from bot.core.errors import UserFacingError
from bot.core.periods import DAY
from bot.storage.models import MessageCreated
from bot.storage.sqlite import SQLiteStorage
from cogs.config import Config
from cogs.trends import Trends
from tests.cogs.conftest import (
    GUILD_ID,
    OTHER_GUILD_ID,
    fake_channel,
    fake_guild,
    fake_interaction,
    fake_member,
    nothing_sent,
    record,
    sent,
)

NOW = 1_700_000_000
TODAY = NOW - NOW % DAY
MODS = discord.Permissions(manage_messages=True)
ADMIN = discord.Permissions(manage_guild=True)


async def seed(storage: SQLiteStorage, guild_id: int = GUILD_ID) -> None:
    """30 ordinary comments a day for two weeks; "new map" (and "map") in 12 of today's, with praise."""
    ops = []
    for day in range(-13, 1):
        for i in range(30):
            at = TODAY + day * DAY + i * 60
            if day == 0 and i < 12:
                ops.append(
                    MessageCreated(
                        record(created_at=at, compound=0.6, guild_id=guild_id),
                        terms=("love", "new", "map", "new map"),
                    )
                )
            else:
                ops.append(
                    MessageCreated(
                        record(created_at=at, compound=0.0, guild_id=guild_id), terms=("stream", "love")
                    )
                )
    await storage.apply(ops)  # fmt: skip


def moderator(guild: Any = None, **kwargs: Any) -> Any:
    guild = guild or fake_guild()
    channel = fake_channel(guild)
    return fake_interaction(guild, channel=channel, user=fake_member(), permissions=MODS, **kwargs)


def text_of(interaction: Any) -> str:
    (call,) = interaction.followup.send.await_args_list
    assert call.kwargs["ephemeral"] is True
    assert call.kwargs["allowed_mentions"].to_dict()["parse"] == []
    return str(call.args[0])


async def test_a_spiking_term_is_listed_with_its_count_change_and_sentiment(
    bot: Sentimeter, storage: SQLiteStorage
) -> None:
    await seed(storage)
    cog = Trends(bot, clock=lambda: NOW)
    interaction = moderator()
    await cog.trends.callback(cog, interaction, "7d")
    reply = sent(interaction)
    assert reply.ephemeral and reply.defer_ephemeral
    lines = str(reply.embed.description).splitlines()
    assert lines[0].startswith("1. **new map**: 12 comments (before: 0)")
    assert "sentiment +0.60" in lines[0]
    assert len(lines) == 1  # "new" and "map" were only ever used in "new map": listed once
    assert not any("stream" in line or "love" in line for line in lines)  # steady or falling terms
    assert "From 210 comments (previous period: 210)" in str(reply.embed.footer.text)
    assert reply.embed.title == "Rising words and phrases: Last 7 days"


async def test_the_answer_is_in_the_readers_language(bot: Sentimeter, storage: SQLiteStorage) -> None:
    await seed(storage)
    cog = Trends(bot, clock=lambda: NOW)
    interaction = moderator(locale=discord.Locale.indonesian)
    await cog.trends.callback(cog, interaction, "7d")
    reply = sent(interaction)
    assert str(reply.embed.title).startswith("Kata dan frasa yang sedang naik")
    assert "12 komentar" in str(reply.embed.description)


async def test_only_the_interactions_server_is_read(bot: Sentimeter, storage: SQLiteStorage) -> None:
    await seed(storage, guild_id=OTHER_GUILD_ID)
    cog = Trends(bot, clock=lambda: NOW)
    interaction = moderator()
    await cog.trends.callback(cog, interaction, "7d")
    assert "Not enough comments yet" in text_of(interaction)
    assert "0 in this period and 0 in the one before" in text_of(interaction)


async def test_members_without_manage_messages_are_refused(bot: Sentimeter, storage: SQLiteStorage) -> None:
    await seed(storage)
    cog = Trends(bot, clock=lambda: NOW)
    guild = fake_guild()
    interaction = fake_interaction(guild, channel=fake_channel(guild), permissions=discord.Permissions.none())
    with pytest.raises(PermissionsMissing):
        await cog.trends.callback(cog, interaction, "7d")
    assert nothing_sent(interaction)


async def test_a_crafted_period_is_refused_politely(bot: Sentimeter) -> None:
    cog = Trends(bot, clock=lambda: NOW)
    for value in ("all", "<@1> 3y"):
        interaction = moderator()
        with pytest.raises(UserFacingError, match="isn't valid"):
            await cog.trends.callback(cog, interaction, value)
        assert nothing_sent(interaction)


async def test_config_trends_off_deletes_the_terms_and_trends_says_it_is_off(
    bot: Sentimeter, storage: SQLiteStorage
) -> None:
    await seed(storage)
    config = Config(bot)
    guild = fake_guild()
    admin = fake_interaction(guild, channel=fake_channel(guild), permissions=ADMIN)
    await config.trends.callback(config, admin, "off")
    reply = sent(admin)
    assert reply.ephemeral
    deleted = 13 * 2 + 5  # (term, day) rows: "stream" and "love" every day, plus three terms today
    assert f"Term counting is off: {deleted} stored term counts were deleted" in str(reply.embed.description)
    assert not await storage.trends_enabled(GUILD_ID)

    cog = Trends(bot, clock=lambda: NOW)
    interaction = moderator(guild)
    with pytest.raises(UserFacingError, match="/config trends on"):
        await cog.trends.callback(cog, interaction, "7d")
    assert nothing_sent(interaction)

    again = fake_interaction(guild, channel=fake_channel(guild), permissions=ADMIN)
    await config.trends.callback(config, again, "on")
    assert await storage.trends_enabled(GUILD_ID)
    assert "counted per day" in str(sent(again).embed.description)


async def test_config_trends_needs_manage_server(bot: Sentimeter, storage: SQLiteStorage) -> None:
    config = Config(bot)
    interaction = moderator()
    with pytest.raises(UserFacingError, match="Manage Server"):
        await config.trends.callback(config, interaction, "off")
    assert await storage.trends_enabled(GUILD_ID)
