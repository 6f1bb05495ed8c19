"""/stats channel | server | member against a real SQLite file and the real StatsService."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from unittest.mock import create_autospec

import discord
import pytest

from bot.app.client import Sentimeter
from bot.core.errors import UserFacingError
from bot.storage.models import MessageRecord, ReactionChanged
from bot.storage.sqlite import SQLiteStorage
from cogs.stats import Stats
from tests.cogs.conftest import (
    CHANNEL_ID,
    HIDDEN_CHANNEL_ID,
    OTHER_CHANNEL_ID,
    OTHER_GUILD_ID,
    fake_channel,
    fake_guild,
    fake_interaction,
    fake_member,
    fake_role,
    nothing_sent,
    record,
    register_channels,
    sent,
    store,
)

NOW = 1_700_000_000  # 2023-11-14 22:13:20 UTC
DAY = 86_400
MIDNIGHT = NOW - NOW % DAY
YESTERDAY = MIDNIGHT - DAY


@pytest.fixture
async def cog(bot: Sentimeter) -> Stats:
    # By default Discord cannot be asked for a fresh member count: the count from connecting is used.
    bot.fetch_guild = create_autospec(  # type: ignore[method-assign]
        bot.fetch_guild, spec_set=True, side_effect=discord.HTTPException(_response(503), "unavailable")
    )
    return Stats(bot, clock=lambda: NOW)


async def seed(storage: SQLiteStorage) -> None:
    """This week in #general: 4 messages by 4 people (2 positive, 1 negative, 1 neutral), one reply and two
    reactions, three of them between 14:00 and 15:00 UTC. The week before: 2 messages by one person.
    Elsewhere: one message yesterday, one 20 days ago."""
    first = record(author_id=1, created_at=YESTERDAY + 14 * 3600 + 300, compound=0.8)
    await store(
        storage,
        [
            first,
            record(
                author_id=2,
                created_at=YESTERDAY + 14 * 3600 + 1800,
                compound=0.6,
                reply_to_id=first.message_id,
            ),
            record(author_id=3, created_at=YESTERDAY + 9 * 3600, compound=-0.6),
            record(author_id=4, created_at=YESTERDAY - DAY + 14 * 3600 + 600, compound=0.0),
            record(author_id=1, created_at=NOW - 9 * DAY, compound=0.5),
            record(author_id=1, created_at=NOW - 10 * DAY, compound=0.5),
            record(channel_id=OTHER_CHANNEL_ID, author_id=5, created_at=YESTERDAY, compound=0.5),
            # history older than the previous week, so the two weeks can be compared
            record(channel_id=OTHER_CHANNEL_ID, author_id=6, created_at=NOW - 20 * DAY, compound=0.5),
        ],
    )
    await storage.apply([ReactionChanged(first.guild_id, CHANNEL_ID, first.message_id, 1) for _ in range(2)])


async def test_channel_stats_for_the_current_channel(cog: Stats, storage: SQLiteStorage) -> None:
    await seed(storage)
    guild = fake_guild()
    here = fake_channel(guild)
    interaction = fake_interaction(guild, channel=here)

    await cog.channel.callback(cog, interaction, None, "7d")

    reply = sent(interaction)
    assert reply.deferred and reply.defer_ephemeral is False and reply.ephemeral is False
    assert "#general" in str(reply.embed.title)
    assert reply.field("Messages") == "4 (▲ 100.0%)"
    assert reply.field("Active members") == "4 (▲ 300.0%)"
    assert reply.field("Replies").startswith("1")
    assert reply.field("Reactions").startswith("2")
    assert reply.field("Sentiment mix") == "Positive 50.0% · Neutral 25.0% · Negative 25.0%"
    assert reply.field("Average sentiment").startswith("+0.20 · Positive")
    assert reply.field("Busiest hour") == "14:00–15:00 UTC"
    assert reply.field("Spam").startswith("0")
    assert reply.field("Language mix") == "English 100.0% · Indonesian 0.0% · Mixed 0.0% · Other 0.0%"
    assert "Last 7 days" in str(reply.embed.footer.text)
    assert reply.embed.description == "<#10> and its threads · Last 7 days"  # a text channel


async def test_channel_option_and_spam_shown_on_its_own(cog: Stats, storage: SQLiteStorage) -> None:
    await store(
        storage,
        [
            record(channel_id=OTHER_CHANNEL_ID, created_at=NOW - 1800, compound=0.7),
            record(channel_id=OTHER_CHANNEL_ID, created_at=NOW - 1200, compound=-0.7),
            record(channel_id=OTHER_CHANNEL_ID, created_at=NOW - 600, compound=0.0, is_spam=True),
        ],
    )
    guild = fake_guild()
    interaction = fake_interaction(guild, channel=fake_channel(guild))
    target = fake_channel(guild, OTHER_CHANNEL_ID, name="clips", cls=discord.Thread)

    await cog.channel.callback(cog, interaction, target, "24h")

    reply = sent(interaction)
    assert "#clips" in str(reply.embed.title)
    assert reply.embed.description == "<#11> · Last 24 hours"  # a thread: its own messages
    assert reply.field("Spam").startswith("1 ")
    # the spam message is left out of the mix: one positive, one negative
    assert reply.field("Sentiment mix") == "Positive 50.0% · Neutral 0.0% · Negative 50.0%"
    assert "Last 24 hours" in str(reply.embed.footer.text)


async def test_all_time_has_no_comparison(cog: Stats, storage: SQLiteStorage) -> None:
    await seed(storage)
    guild = fake_guild()
    interaction = fake_interaction(guild, channel=fake_channel(guild))

    await cog.channel.callback(cog, interaction, None, "all")

    reply = sent(interaction)
    assert reply.field("Messages") == "6"
    assert "no earlier period" in str(reply.embed.footer.text)


async def test_channel_of_another_server_is_refused_politely(cog: Stats) -> None:
    guild = fake_guild()
    elsewhere = fake_channel(fake_guild(OTHER_GUILD_ID), 55, name="theirs")
    interaction = fake_interaction(guild, channel=fake_channel(guild))

    with pytest.raises(UserFacingError, match="another server"):
        await cog.channel.callback(cog, interaction, elsewhere, "7d")
    assert nothing_sent(interaction)  # the tree replies ephemerally; nothing public went out


async def test_channel_the_member_cannot_see_is_refused(cog: Stats) -> None:
    guild = fake_guild()
    hidden = fake_channel(guild, HIDDEN_CHANNEL_ID, name="mods", viewer_can_read=False)
    interaction = fake_interaction(guild, channel=fake_channel(guild))

    with pytest.raises(UserFacingError, match="can't view"):
        await cog.channel.callback(cog, interaction, hidden, "7d")
    assert nothing_sent(interaction)


async def test_server_stats_tier_engagement_and_visible_top_channels(
    cog: Stats, storage: SQLiteStorage
) -> None:
    await seed(storage)
    await store(
        storage, [record(channel_id=HIDDEN_CHANNEL_ID, author_id=9, created_at=YESTERDAY) for _ in range(3)]
    )
    guild = fake_guild(member_count=2_000)
    general = fake_channel(guild)
    clips = fake_channel(guild, OTHER_CHANNEL_ID, name="clips")
    hidden = fake_channel(guild, HIDDEN_CHANNEL_ID, name="mods", viewer_can_read=False)
    register_channels(guild, [general, clips, hidden])
    interaction = fake_interaction(guild, channel=general)

    await cog.server.callback(cog, interaction, "7d")

    reply = sent(interaction)
    # the figures count #mods, which this member cannot see: only they see the reply, with a note
    assert reply.deferred and reply.defer_ephemeral is True and reply.ephemeral is True
    assert "channels you cannot see" in interaction.followup.send.await_args.kwargs["content"]
    assert "Creator Hub" in str(reply.embed.title)
    assert reply.field("Messages").startswith("8 ")  # 4 + 1 + 3 in all channels
    assert reply.field("Members") == "2,000"
    assert reply.field("Active members").startswith("6 ")  # authors 1-5 and 9
    assert reply.field("Engagement rate") == "0.3%"  # 6 / 2,000
    assert reply.field("Creator tier").startswith("Micro")
    top = reply.field("Top channels (messages)")
    assert top.splitlines() == ["1. <#10> · 4", "2. <#11> · 1"]  # #mods is hidden from this member


async def test_member_stats_need_manage_messages(cog: Stats, storage: SQLiteStorage) -> None:
    await seed(storage)
    guild = fake_guild()
    target = fake_member(1, name="Budi")

    refused = fake_interaction(guild, channel=fake_channel(guild))
    with pytest.raises(UserFacingError, match="Manage Messages"):
        await cog.member.callback(cog, refused, target, "30d")
    assert nothing_sent(refused)

    register_channels(guild, [fake_channel(guild)])
    allowed = fake_interaction(
        guild, channel=fake_channel(guild), permissions=discord.Permissions(manage_messages=True)
    )
    await cog.member.callback(cog, allowed, target, "30d")

    reply = sent(allowed)
    assert reply.deferred and reply.defer_ephemeral is True and reply.ephemeral is True
    assert "Budi" in str(reply.embed.title)
    assert reply.field("Messages").startswith("3")  # one this week, two the week before
    assert reply.field("Active days") == "3"
    assert reply.field("Top channels (messages)") == "1. <#10> · 3"


async def test_replies_follow_the_members_discord_language(cog: Stats, storage: SQLiteStorage) -> None:
    await seed(storage)
    guild = fake_guild()
    interaction = fake_interaction(guild, channel=fake_channel(guild), locale=discord.Locale.indonesian)

    await cog.channel.callback(cog, interaction, None, "7d")

    reply = sent(interaction)
    assert reply.field("Pesan") == "4 (▲ 100,0%)"
    assert reply.field("Komposisi sentimen") == "Positif 50,0% · Netral 25,0% · Negatif 25,0%"
    assert "7 hari terakhir" in str(reply.embed.footer.text)


async def test_a_forum_shows_its_posts_and_the_language_mix(cog: Stats, storage: SQLiteStorage) -> None:
    forum_id, posts = 60, (61, 62)

    def post(
        channel_id: int, author_id: int, language: str, compound: float, *, is_spam: bool = False
    ) -> MessageRecord:
        base = record(
            channel_id=channel_id,
            author_id=author_id,
            created_at=NOW - 3600,
            compound=compound,
            is_spam=is_spam,
        )
        return replace(base, parent_channel_id=forum_id, language=language)

    await store(
        storage,
        [
            post(posts[0], 1, "id", 0.6),
            post(posts[0], 2, "id", -0.6),
            post(posts[1], 1, "mixed", 0.6),
            post(posts[1], 3, "unknown", 0.0),
            post(posts[1], 3, "en", 0.0, is_spam=True),  # spam: not in either mix
        ],
    )
    guild = fake_guild()
    forum = fake_channel(guild, forum_id, name="ideas", cls=discord.ForumChannel)
    interaction = fake_interaction(guild, channel=fake_channel(guild))

    await cog.channel.callback(cog, interaction, forum, "24h")

    reply = sent(interaction)
    assert reply.embed.description == "<#60> and its threads · Last 24 hours"
    assert reply.field("Messages") == "5"
    assert reply.field("Active members") == "3"  # author 1 posted in both posts: once
    assert reply.field("Language mix") == "English 0.0% · Indonesian 50.0% · Mixed 25.0% · Other 25.0%"

    # in Indonesian, and in the server view with the forum as the top channel
    register_channels(guild, [forum])
    server = fake_interaction(guild, channel=fake_channel(guild), locale=discord.Locale.indonesian)
    await cog.server.callback(cog, server, "24h")
    reply = sent(server)
    assert (
        reply.field("Komposisi bahasa") == "Inggris 0,0% · Indonesia 50,0% · Campuran 25,0% · Lainnya 25,0%"
    )
    assert reply.field("Saluran teraktif (pesan)") == "1. <#60> · 5"


async def test_language_mix_without_scored_messages(cog: Stats, storage: SQLiteStorage) -> None:
    await store(storage, [record(created_at=NOW - 60, is_spam=True)])
    guild = fake_guild()
    interaction = fake_interaction(guild, channel=fake_channel(guild))

    await cog.channel.callback(cog, interaction, None, "24h")

    assert sent(interaction).field("Language mix") == "No scored messages in this period."


def _response(status: int) -> Any:
    response = create_autospec(discord.http.aiohttp.ClientResponse, instance=True, spec_set=True)
    response.status = status
    response.reason = "error"
    return response


async def test_server_stats_ask_discord_for_the_current_member_count(
    cog: Stats, storage: SQLiteStorage
) -> None:
    """Without the Server Members intent joins are not seen: the count comes from Discord, cached a while."""
    await seed(storage)
    guild = fake_guild(member_count=2_000)  # the stale count from connecting
    general = fake_channel(guild)
    register_channels(guild, [general])
    fresh = create_autospec(discord.Guild, instance=True, spec_set=True)
    fresh.approximate_member_count = 150_000
    cog.bot.fetch_guild.side_effect = None  # type: ignore[attr-defined]
    cog.bot.fetch_guild.return_value = fresh  # type: ignore[attr-defined]

    for _ in range(2):
        interaction = fake_interaction(guild, channel=general)
        await cog.server.callback(cog, interaction, "7d")
        reply = sent(interaction)
        assert reply.field("Members") == "150,000"
        assert reply.field("Creator tier").startswith("Macro")
    cog.bot.fetch_guild.assert_awaited_once_with(guild.id, with_counts=True)


# -- issue 13 item 9: nothing shown to the wrong person ------------------------------------------------------


def _private_channel(guild: Any, channel_id: int, name: str, *, member: Any, member_can_view: bool) -> Any:
    """A channel @everyone cannot see; ``member`` can if ``member_can_view``; the bot can."""
    guild.default_role = fake_role(guild, guild.id, "@everyone")
    channel = fake_channel(guild, channel_id, name=name)

    def permissions_for(who: Any) -> discord.Permissions:
        if who is guild.me:
            return discord.Permissions.all()
        return discord.Permissions(view_channel=who is member and member_can_view)

    channel.permissions_for.side_effect = permissions_for
    return channel


async def test_a_private_channels_figures_are_shown_only_to_the_moderator_who_asked(
    cog: Stats, storage: SQLiteStorage
) -> None:
    await store(storage, [record(channel_id=HIDDEN_CHANNEL_ID, author_id=9, created_at=YESTERDAY)])
    guild = fake_guild()
    mod = fake_member(7, name="Mod")
    mods = _private_channel(guild, HIDDEN_CHANNEL_ID, "mods", member=mod, member_can_view=True)
    interaction = fake_interaction(guild, channel=fake_channel(guild), user=mod)

    await cog.channel.callback(cog, interaction, mods, "7d")

    reply = sent(interaction)
    assert reply.defer_ephemeral is True and reply.ephemeral is True
    assert reply.field("Messages").startswith("1")


async def test_a_private_thread_is_private_too(cog: Stats, storage: SQLiteStorage) -> None:
    guild = fake_guild()
    thread = fake_channel(guild, 31, name="secret", cls=discord.Thread)
    thread.is_private.return_value = True
    interaction = fake_interaction(guild, channel=fake_channel(guild))

    await cog.channel.callback(cog, interaction, thread, "7d")

    assert sent(interaction).ephemeral is True


async def test_server_stats_a_member_who_sees_everything_are_public_without_private_channels(
    cog: Stats, storage: SQLiteStorage
) -> None:
    await seed(storage)
    await store(
        storage, [record(channel_id=HIDDEN_CHANNEL_ID, author_id=9, created_at=YESTERDAY) for _ in range(9)]
    )
    guild = fake_guild()
    mod = fake_member(7, name="Mod")
    general = fake_channel(guild)
    mods = _private_channel(guild, HIDDEN_CHANNEL_ID, "mods", member=mod, member_can_view=True)
    register_channels(guild, [general, mods])
    interaction = fake_interaction(guild, channel=general, user=mod)

    await cog.server.callback(cog, interaction, "7d")

    reply = sent(interaction)
    assert reply.ephemeral is False and reply.defer_ephemeral is False
    assert "content" not in interaction.followup.send.await_args.kwargs or (
        interaction.followup.send.await_args.kwargs["content"] is discord.utils.MISSING
    )
    # the busiest channel is private: a public reply does not name it
    assert "<#12>" not in reply.field("Top channels (messages)")
    assert reply.field("Top channels (messages)").startswith("1. <#10>")


async def test_server_stats_for_a_member_who_cannot_see_a_channel_with_data_are_ephemeral(
    cog: Stats, storage: SQLiteStorage
) -> None:
    await store(storage, [record(channel_id=HIDDEN_CHANNEL_ID, author_id=9, created_at=YESTERDAY)])
    guild = fake_guild()
    member = fake_member()
    general = fake_channel(guild)
    mods = _private_channel(guild, HIDDEN_CHANNEL_ID, "mods", member=member, member_can_view=False)
    register_channels(guild, [general, mods])
    interaction = fake_interaction(guild, channel=general, user=member, locale=discord.Locale.indonesian)

    await cog.server.callback(cog, interaction, "7d")

    reply = sent(interaction)
    assert reply.defer_ephemeral is True and reply.ephemeral is True
    assert "tidak bisa kamu lihat" in interaction.followup.send.await_args.kwargs["content"]
    assert "<#12>" not in str(reply.embed.to_dict())
