"""/top posts | announcements against a real SQLite file (its clock ours, so a post's first day is known),
with strict Discord fakes: links, counts and ranks in the embed, channels the person cannot see left out
with a note, moderators only for announcements, and the median comparison."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.app.client import Sentimeter
from bot.core.errors import UserFacingError
from bot.storage.models import ReactionChanged
from bot.storage.sqlite import SQLiteStorage
from cogs.top import Top
from tests.cogs.conftest import (
    CHANNEL_ID,
    GUILD_ID,
    HIDDEN_CHANNEL_ID,
    OTHER_CHANNEL_ID,
    fake_channel,
    fake_guild,
    fake_interaction,
    fake_member,
    fake_role,
    make_bot,
    nothing_sent,
    record,
    register_channels,
    sent,
    store,
)

NOW = 1_700_000_000
HOUR, DAY = 3600, 86_400
STAFF_ID, OWNER_ID, MEMBER_ID = 41, 42, 43


class Clock:
    def __init__(self) -> None:
        self.now = float(NOW)

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def storage(tmp_path: Path, clock: Clock) -> AsyncIterator[SQLiteStorage]:
    async with SQLiteStorage.open(tmp_path / "sentimeter.db", clock=clock) as opened:
        yield opened


@pytest.fixture
async def bot(storage: SQLiteStorage, tmp_path: Path) -> Sentimeter:
    return make_bot(storage, tmp_path / "sentimeter.db")


@pytest.fixture
def cog(bot: Sentimeter, clock: Clock) -> Top:
    return Top(bot, clock=clock)


def _world() -> tuple[Any, Any, Any, Any]:
    """A guild with #general (everyone), #random (everyone) and #mods (only staff and the asker)."""
    guild = fake_guild()
    guild.default_role = fake_role(guild, role_id=GUILD_ID, name="@everyone")
    general = fake_channel(guild, CHANNEL_ID, name="general")
    other = fake_channel(guild, OTHER_CHANNEL_ID, name="random")
    hidden = fake_channel(guild, HIDDEN_CHANNEL_ID, name="mods")
    hidden.permissions_for.side_effect = lambda who: discord.Permissions(
        view_channel=who is not guild.default_role
    )
    register_channels(guild, [general, other, hidden])
    return guild, general, other, hidden


def _links(embed: discord.Embed) -> list[int]:
    return [int(m) for m in re.findall(r"/channels/\d+/\d+/(\d+)\)", embed.description or "")]


async def test_posts_ranked_with_links_and_counts_and_hidden_channels_left_out(
    cog: Top, storage: SQLiteStorage
) -> None:
    guild, general, _other, _hidden = _world()
    a = record(created_at=NOW - 2 * DAY)
    b = record(created_at=NOW - 3 * DAY, channel_id=OTHER_CHANNEL_ID)
    c = record(created_at=NOW - DAY, channel_id=HIDDEN_CHANNEL_ID)
    spam = record(created_at=NOW - DAY, is_spam=True)
    old = record(created_at=NOW - 20 * DAY)
    replies = [record(created_at=NOW - DAY + i, reply_to_id=b.message_id) for i in range(4)]
    await store(storage, [a, b, c, spam, old, *replies])
    reactions = {a.message_id: 3, b.message_id: 1, c.message_id: 9, spam.message_id: 20, old.message_id: 7}
    await storage.apply(
        [ReactionChanged(GUILD_ID, 0, mid, delta=n, clear=True) for mid, n in reactions.items()]
    )
    interaction = fake_interaction(guild, channel=general)

    await cog.posts.callback(cog, interaction, None, "7d", "engagement")

    reply = sent(interaction)
    assert not reply.ephemeral and reply.defer_ephemeral is False
    assert _links(reply.embed) == [b.message_id, a.message_id]  # 1 + 4 beats 3 + 0; spam, old, #mods out
    lines = (reply.embed.description or "").splitlines()
    assert lines[0].startswith("**1.** <#11>") and "1 reactions · 4 replies" in lines[0]
    assert f"https://discord.com/channels/{GUILD_ID}/{OTHER_CHANNEL_ID}/{b.message_id}" in lines[0]
    assert "3 reactions · 0 replies" in lines[1]
    note = interaction.followup.send.await_args.kwargs["content"]
    assert "1 posts in channels not everyone can see" in note
    assert interaction.followup.send.await_args.kwargs["allowed_mentions"].to_dict()["parse"] == []


async def test_posts_by_reactions_in_a_private_channel_are_for_the_asker_only(
    cog: Top, storage: SQLiteStorage
) -> None:
    guild, _general, _other, hidden = _world()
    x = record(created_at=NOW - HOUR, channel_id=HIDDEN_CHANNEL_ID)
    y = record(created_at=NOW - 2 * HOUR, channel_id=HIDDEN_CHANNEL_ID)
    await store(
        storage, [x, y, record(created_at=NOW - HOUR, reply_to_id=x.message_id, channel_id=HIDDEN_CHANNEL_ID)]
    )
    await storage.apply([ReactionChanged(GUILD_ID, 0, y.message_id, delta=2, clear=True)])
    interaction = fake_interaction(guild, channel=hidden)

    await cog.posts.callback(cog, interaction, hidden, "24h", "reactions")

    reply = sent(interaction)
    assert reply.ephemeral and reply.defer_ephemeral
    assert _links(reply.embed) == [y.message_id]  # x drew a reply, no reaction
    assert reply.embed.title == "Top posts in #mods by reactions"


async def test_posts_refuse_a_channel_the_asker_cannot_see_and_bad_choices(cog: Top) -> None:
    guild, general, _other, _hidden = _world()
    secret = fake_channel(guild, 99, name="secret", viewer_can_read=False)
    interaction = fake_interaction(guild, channel=general)
    with pytest.raises(UserFacingError, match="can't view"):
        await cog.posts.callback(cog, interaction, secret, "7d", "engagement")
    with pytest.raises(UserFacingError, match="isn't valid"):
        await cog.posts.callback(cog, interaction, None, "7d", "likes")
    assert nothing_sent(interaction)


async def test_posts_with_nothing_to_show_say_so(cog: Top) -> None:
    guild, general, _other, _hidden = _world()
    interaction = fake_interaction(guild, channel=general)
    await cog.posts.callback(cog, interaction, None, "30d", "replies")
    assert "No posts drew reactions or replies" in (sent(interaction).embed.description or "")


async def test_announcements_are_for_moderators(cog: Top) -> None:
    guild, general, _other, _hidden = _world()
    interaction = fake_interaction(guild, channel=general)
    with pytest.raises(UserFacingError, match="Manage Messages"):
        await cog.announcements.callback(cog, interaction, general, "90d")
    assert nothing_sent(interaction)


async def test_announcements_compare_first_days_with_the_median(
    cog: Top, storage: SQLiteStorage, clock: Clock
) -> None:
    guild, general, _other, _hidden = _world()
    staff = fake_member(STAFF_ID, name="Staff")
    member = fake_member(MEMBER_ID, name="Member")
    guild.owner_id = OWNER_ID
    # the bot has no member list: staff is cached, the member must be fetched, the owner needs neither
    guild.get_member.side_effect = {STAFF_ID: staff}.get
    guild.fetch_member.side_effect = lambda user_id: member if user_id == MEMBER_ID else None
    general.permissions_for.side_effect = lambda who: discord.Permissions(
        view_channel=True, manage_messages=who is staff
    )
    # four staff posts a few days apart (the owner's is one), one by a member, a staff reply to a comment
    base = NOW - 10 * DAY
    posts = [
        record(author_id=OWNER_ID if i == 0 else STAFF_ID, created_at=base + i * 2 * DAY) for i in range(4)
    ]
    other = record(author_id=MEMBER_ID, created_at=base + HOUR)
    staff_reply = record(author_id=STAFF_ID, created_at=base + 2 * HOUR, reply_to_id=other.message_id)
    await store(storage, [*posts, other, staff_reply])
    first_day = [2, 4, 8, 6]  # reactions within each post's first 24 hours
    for post, n in zip(posts, first_day, strict=True):
        clock.now = post.created_at + HOUR
        await storage.apply([ReactionChanged(GUILD_ID, CHANNEL_ID, post.message_id, 1)] * n)
        await store(storage, [record(created_at=post.created_at + 2 * HOUR, reply_to_id=post.message_id)])
    clock.now = NOW  # later reactions and replies do not count for the first day
    await storage.apply([ReactionChanged(GUILD_ID, CHANNEL_ID, posts[0].message_id, 50)])
    await store(storage, [record(created_at=NOW - HOUR, reply_to_id=posts[0].message_id)])
    interaction = fake_interaction(
        guild, channel=general, permissions=discord.Permissions(manage_messages=True)
    )

    await cog.announcements.callback(cog, interaction, general, "30d")

    reply = sent(interaction)
    assert reply.ephemeral and reply.defer_ephemeral
    assert _links(reply.embed) == [p.message_id for p in reversed(posts)]  # newest first; no member post
    lines = (reply.embed.description or "").splitlines()
    # median of 2, 4, 8, 6 is 5: the newest (6) is 1.2x, the oldest (2) 0.4x; one reply each (1.0x)
    assert "6 reactions (1.2× your median)" in lines[0] and "1 replies (1.0× your median)" in lines[0]
    assert "2 reactions (0.4× your median)" in lines[3]
    assert reply.field("Median of 4 posts past their first 24 hours") == "5.0 reactions · 1.0 replies"
    assert "2 staff posted here" in (reply.embed.footer.text or "")
    assert [c.args for c in guild.fetch_member.await_args_list] == [(MEMBER_ID,)]


async def test_a_first_day_read_from_history_is_shown_as_not_counted(
    cog: Top, storage: SQLiteStorage, clock: Clock
) -> None:
    guild, general, _other, _hidden = _world()
    guild.owner_id = OWNER_ID
    post = record(author_id=OWNER_ID, created_at=NOW - 5 * DAY)
    await store(storage, [post])  # read by a back-fill, days later, with the count Discord shows
    await storage.apply([ReactionChanged(GUILD_ID, CHANNEL_ID, post.message_id, 7, clear=True)])
    interaction = fake_interaction(
        guild, channel=general, permissions=discord.Permissions(manage_messages=True)
    )

    await cog.announcements.callback(cog, interaction, general, "7d")

    reply = sent(interaction)
    assert "reactions not counted" in (reply.embed.description or "")
    assert "0 replies" in (reply.embed.description or "")
    assert reply.field("Median of 1 posts past their first 24 hours") == "— reactions · 0.0 replies"
