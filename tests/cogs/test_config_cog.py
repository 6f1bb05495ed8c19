"""/config against real storage: every change is stored, the cache is invalidated, the reply is private."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from bot.app.client import Sentimeter
from bot.core.errors import UserFacingError
from bot.storage.sqlite import SQLiteStorage
from cogs.config import Config
from tests.cogs.conftest import (
    GUILD_ID,
    OTHER_CHANNEL_ID,
    OTHER_GUILD_ID,
    fake_channel,
    fake_guild,
    fake_interaction,
    fake_role,
    nothing_sent,
    sent,
)

ADMIN = discord.Permissions(manage_guild=True)


@pytest.fixture
async def cog(bot: Sentimeter) -> Config:
    return Config(bot)


def admin_interaction(guild: Any = None, **kwargs: Any) -> Any:
    guild = guild or fake_guild()
    return fake_interaction(guild, channel=fake_channel(guild), permissions=ADMIN, **kwargs)


async def test_everything_needs_manage_server(cog: Config, storage: SQLiteStorage) -> None:
    guild = fake_guild()
    member = fake_interaction(
        guild, channel=fake_channel(guild), permissions=discord.Permissions(manage_messages=True)
    )
    with pytest.raises(UserFacingError, match="Manage Server"):
        await cog.sensitivity.callback(cog, member, "high")
    assert nothing_sent(member)
    assert (await storage.get_config(GUILD_ID)).sensitivity == "normal"

    with pytest.raises(UserFacingError, match="Manage Server"):
        await cog.show.callback(cog, fake_interaction(guild, channel=fake_channel(guild)))


async def test_show_lists_the_settings(cog: Config, storage: SQLiteStorage) -> None:
    await storage.add_exempt_channel(GUILD_ID, 42)
    await storage.set_lexicon_word(GUILD_ID, "gacor", 2.5)
    interaction = admin_interaction()

    await cog.show.callback(cog, interaction)

    reply = sent(interaction)
    assert reply.ephemeral is True
    assert reply.field("Exempt channels") == "<#42>"
    assert reply.field("Exempt roles") == "—"
    assert reply.field("Server lexicon").startswith("1 word")
    assert reply.field("Review channel").startswith("Not set")


async def test_sensitivity_is_stored_and_the_cache_refreshed(cog: Config, bot: Sentimeter) -> None:
    assert (await bot.configs.get(GUILD_ID)).sensitivity == "normal"  # cached now
    interaction = admin_interaction()

    await cog.sensitivity.callback(cog, interaction, "high")

    assert (await bot.configs.get(GUILD_ID)).sensitivity == "high"
    reply = sent(interaction)
    assert reply.ephemeral is True
    assert reply.embed.description == "Review sensitivity set to High: milder feedback too."
    assert reply.field("Review sensitivity") == "High: milder feedback too"


@pytest.mark.parametrize("value", ["extreme", "", "NORMAL"])
async def test_an_unknown_sensitivity_is_refused(cog: Config, storage: SQLiteStorage, value: str) -> None:
    interaction = admin_interaction()
    with pytest.raises(UserFacingError, match="isn't valid"):
        await cog.sensitivity.callback(cog, interaction, value)
    assert nothing_sent(interaction)
    assert (await storage.get_config(GUILD_ID)).sensitivity == "normal"


async def test_review_channel_checks_the_bots_permissions(cog: Config, bot: Sentimeter) -> None:
    guild = fake_guild()
    no_embeds = discord.Permissions(view_channel=True, send_messages=True)
    blocked = fake_channel(guild, OTHER_CHANNEL_ID, name="mod-queue", bot_permissions=no_embeds)
    interaction = admin_interaction(guild)
    with pytest.raises(UserFacingError, match="Embed Links"):
        await cog.review_channel.callback(cog, interaction, blocked)
    assert nothing_sent(interaction)

    usable = fake_channel(guild, OTHER_CHANNEL_ID, name="mod-queue")
    ok = admin_interaction(guild)
    await cog.review_channel.callback(cog, ok, usable)
    assert (await bot.configs.get(GUILD_ID)).review_channel_id == OTHER_CHANNEL_ID
    assert sent(ok).field("Review channel") == f"<#{OTHER_CHANNEL_ID}>"

    cleared = admin_interaction(guild)
    await cog.review_channel.callback(cog, cleared, None)
    assert (await bot.configs.get(GUILD_ID)).review_channel_id is None
    assert "cleared" in str(sent(cleared).embed.description)


async def test_review_channel_of_another_server_is_refused(cog: Config, storage: SQLiteStorage) -> None:
    elsewhere = fake_channel(fake_guild(OTHER_GUILD_ID), 55)
    interaction = admin_interaction()
    with pytest.raises(UserFacingError, match="another server"):
        await cog.review_channel.callback(cog, interaction, elsewhere)
    assert (await storage.get_config(GUILD_ID)).review_channel_id is None


async def test_exempt_channels_and_roles(cog: Config, bot: Sentimeter) -> None:
    guild = fake_guild()
    channel = fake_channel(guild, OTHER_CHANNEL_ID, name="memes")
    role = fake_role(guild)

    await cog.exempt_channel_add.callback(cog, admin_interaction(guild), channel)
    await cog.exempt_role_add.callback(cog, admin_interaction(guild), role)
    config = await bot.configs.get(GUILD_ID)
    assert config.exempt_channels == {OTHER_CHANNEL_ID} and config.exempt_roles == {role.id}

    again = admin_interaction(guild)
    await cog.exempt_channel_add.callback(cog, again, channel)
    assert "already exempt" in str(sent(again).embed.description)

    await cog.exempt_channel_remove.callback(cog, admin_interaction(guild), channel)
    await cog.exempt_role_remove.callback(cog, admin_interaction(guild), role)
    config = await bot.configs.get(GUILD_ID)
    assert not config.exempt_channels and not config.exempt_roles

    with pytest.raises(UserFacingError, match="isn't exempt"):
        await cog.exempt_channel_remove.callback(cog, admin_interaction(guild), channel)
    with pytest.raises(UserFacingError, match="another server"):
        await cog.exempt_channel_add.callback(
            cog, admin_interaction(guild), fake_channel(fake_guild(OTHER_GUILD_ID))
        )


async def test_language_is_the_fallback_for_unsupported_discord_languages(
    cog: Config, bot: Sentimeter
) -> None:
    await cog.language.callback(cog, admin_interaction(), "id")
    assert (await bot.configs.get(GUILD_ID)).language == "id"

    french = admin_interaction(locale=discord.Locale.french)  # we have no French: the server's language wins
    await cog.show.callback(cog, french)
    assert sent(french).embed.title == "Pengaturan Sentimeter"

    english = admin_interaction(
        locale=discord.Locale.american_english
    )  # the person's own language comes first
    await cog.show.callback(cog, english)
    assert sent(english).embed.title == "Sentimeter settings"


async def test_spam_action_and_timeout(cog: Config, bot: Sentimeter) -> None:
    guild = fake_guild()
    guild.me.guild_permissions = discord.Permissions(view_channel=True, send_messages=True)
    interaction = admin_interaction(guild)

    await cog.spam_action.callback(cog, interaction, "delete", 30)

    config = await bot.configs.get(GUILD_ID)
    assert (config.spam_action, config.spam_timeout_minutes) == ("delete", 30)
    description = str(sent(interaction).embed.description)
    assert "Manage Messages" in description and "Timeout Members" in description  # the bot can't yet

    with pytest.raises(UserFacingError, match="between 1 and 40,320"):
        await cog.spam_action.callback(cog, admin_interaction(guild), "review", 50_000)
    assert (await bot.configs.get(GUILD_ID)).spam_action == "delete"


async def test_reset_learning_forgets_this_servers_decisions_only(cog: Config, bot: Sentimeter) -> None:
    from bot.core.feedback import adapt

    for guild_id in (GUILD_ID, OTHER_GUILD_ID):
        for i in range(3):
            await bot.configs.learn(guild_id, adapt.spam_example(i, False, 0.7, at=i))
    assert (await bot.configs.get(GUILD_ID)).learned is not None  # cached now

    interaction = admin_interaction()
    await cog.reset_learning.callback(cog, interaction)

    assert (await bot.configs.get(GUILD_ID)).learned is None
    assert await bot.storage.learning_examples(GUILD_ID, 10) == []
    reply = sent(interaction)
    assert reply.ephemeral is True
    assert "3 moderator decisions" in (reply.embed.description or "")
    other = await bot.configs.get(OTHER_GUILD_ID)
    assert other.learned is not None and other.learned.decisions == 3


async def test_reset_learning_needs_manage_server(cog: Config, bot: Sentimeter) -> None:
    from bot.core.feedback import adapt

    await bot.configs.learn(GUILD_ID, adapt.spam_example(1, False, 0.7, at=1))
    guild = fake_guild()
    member = fake_interaction(guild, channel=fake_channel(guild), permissions=discord.Permissions.none())
    with pytest.raises(discord.app_commands.MissingPermissions):
        await cog.reset_learning.callback(cog, member)
    assert nothing_sent(member)
    assert len(await bot.storage.learning_examples(GUILD_ID, 10)) == 1


# -- /config timezone ---------------------------------------------------------------------------------------


async def test_timezone_is_stored_and_shown(cog: Config, bot: Sentimeter) -> None:
    assert (await bot.configs.get(GUILD_ID)).timezone == "UTC"  # the default, cached now
    interaction = admin_interaction()

    await cog.timezone.callback(cog, interaction, " Asia/Makassar ")

    assert (await bot.configs.get(GUILD_ID)).timezone == "Asia/Makassar"
    reply = sent(interaction)
    assert reply.ephemeral is True
    assert reply.embed.description == "Days, hours and charts are now in Asia/Makassar (UTC+08:00)."
    assert reply.field("Time zone") == "Asia/Makassar"


@pytest.mark.parametrize("value", ["Mars/Olympus", "", "../../etc/passwd", "/etc/localtime", "x" * 500])
async def test_an_unknown_timezone_is_refused(cog: Config, storage: SQLiteStorage, value: str) -> None:
    interaction = admin_interaction()
    with pytest.raises(UserFacingError, match="don't know the time zone"):
        await cog.timezone.callback(cog, interaction, value)
    assert nothing_sent(interaction)
    assert (await storage.get_config(GUILD_ID)).timezone == "UTC"


async def test_timezone_autocomplete_offers_indonesia_first_then_matches(cog: Config) -> None:
    interaction = admin_interaction()
    empty = await cog.timezone_autocomplete(interaction, "")
    assert [c.value for c in empty][:3] == ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]
    assert empty[0].name == "Asia/Jakarta (UTC+07:00)"
    typed = await cog.timezone_autocomplete(interaction, "new york")
    assert typed[0].value == "America/New_York"
    assert len(await cog.timezone_autocomplete(interaction, "a")) == 25  # Discord's limit
