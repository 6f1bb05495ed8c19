"""The listener cog: discord.py objects built from raw gateway payloads (as discord.py itself builds them),
fed to the conversion functions and to the cog, with the real IngestService writing to a real SQLite file."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from unittest.mock import create_autospec

import discord
import pytest
from discord.http import HTTPClient

from bot.core.ingest.catchup import ChannelState, plan_catch_up
from bot.core.ingest.models import IncomingMessage
from cogs.listener import Listener, RecentEdits, incoming_from_edit, incoming_from_message

GUILD_ID = 100_000_000_000_000_001
BOT_ID = 200_000_000_000_000_001
USER_ID = 200_000_000_000_000_002
MOD_ID = 200_000_000_000_000_003
OTHER_BOT_ID = 200_000_000_000_000_004
ROLE_ID = 500_000_000_000_000_001
MOD_ROLE_ID = 500_000_000_000_000_002
TEXT_ID = 300_000_000_000_000_001
THREAD_ID = 300_000_000_000_000_002
VOICE_ID = 300_000_000_000_000_003
REVIEW_ID = 300_000_000_000_000_004
HIDDEN_ID = 300_000_000_000_000_005
FORUM_ID = 300_000_000_000_000_006
FORUM_POST_ID = 300_000_000_000_000_007

EVERYONE_PERMS = discord.Permissions(
    view_channel=True, send_messages=True, read_message_history=True, add_reactions=True, embed_links=True
)
BOT_PERMS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    send_messages_in_threads=True,
    read_message_history=True,
    embed_links=True,
    manage_messages=True,
    moderate_members=True,
)
MOD_PERMS = discord.Permissions(manage_messages=True, moderate_members=True)

# Snowflakes for messages: increasing, like Discord's
_ids = itertools.count(1_200_000_000_000_000_000)


def next_id() -> int:
    return next(_ids)


def iso(when: dt.datetime) -> str:
    return when.isoformat()


def user_payload(user_id: int, *, bot: bool = False, name: str | None = None) -> Any:
    return {
        "id": str(user_id),
        "username": name or f"user{user_id % 1000}",
        "discriminator": "0",
        "avatar": None,
        "global_name": None,
        "bot": bot,
    }


def member_payload(user_id: int, roles: list[int], *, bot: bool = False, with_user: bool = True) -> Any:
    data: dict[str, Any] = {
        "roles": [str(r) for r in roles],
        "joined_at": "2024-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
    }
    if with_user:
        data["user"] = user_payload(user_id, bot=bot)
    return data


def role_payload(role_id: int, name: str, perms: discord.Permissions, position: int) -> Any:
    return {
        "id": str(role_id),
        "name": name,
        "permissions": str(perms.value),
        "position": position,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": False,
    }


def channel_payload(channel_id: int, kind: int, name: str, **extra: Any) -> Any:
    data: dict[str, Any] = {
        "id": str(channel_id),
        "type": kind,
        "name": name,
        "position": 0,
        "permission_overwrites": [],
        "guild_id": str(GUILD_ID),
        "last_message_id": None,
    }
    data.update(extra)
    return data


def thread_payload(thread_id: int, parent_id: int, **extra: Any) -> Any:
    data: dict[str, Any] = {
        "id": str(thread_id),
        "type": 11,
        "name": f"thread-{thread_id % 1000}",
        "parent_id": str(parent_id),
        "guild_id": str(GUILD_ID),
        "owner_id": str(USER_ID),
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": "2024-01-01T00:00:00+00:00",
            "locked": False,
        },
        "message_count": 1,
        "member_count": 1,
        "rate_limit_per_user": 0,
        "last_message_id": None,
    }
    data.update(extra)
    return data


def guild_payload() -> Any:
    hidden = discord.PermissionOverwrite(view_channel=False)
    allow, deny = hidden.pair()
    return {
        "id": str(GUILD_ID),
        "name": "Creator HQ",
        "owner_id": str(999),
        "roles": [
            role_payload(GUILD_ID, "@everyone", EVERYONE_PERMS, 0),
            role_payload(ROLE_ID, "fans", discord.Permissions.none(), 1),
            role_payload(MOD_ROLE_ID, "mods", MOD_PERMS, 2),
            role_payload(BOT_ID + 1, "Sentimeter", BOT_PERMS, 3),
        ],
        "channels": [
            channel_payload(TEXT_ID, 0, "general"),
            channel_payload(VOICE_ID, 2, "Voice chat", bitrate=64000, user_limit=0, rtc_region=None),
            channel_payload(REVIEW_ID, 0, "mod-review"),
            channel_payload(
                HIDDEN_ID,
                0,
                "secret",
                permission_overwrites=[
                    {"id": str(BOT_ID), "type": 1, "allow": str(allow.value), "deny": str(deny.value)}
                ],
            ),
            channel_payload(FORUM_ID, 15, "ideas", available_tags=[]),
        ],
        "threads": [thread_payload(THREAD_ID, TEXT_ID), thread_payload(FORUM_POST_ID, FORUM_ID)],
        "members": [
            member_payload(BOT_ID, [BOT_ID + 1], bot=True),
            member_payload(USER_ID, [ROLE_ID]),
            member_payload(MOD_ID, [MOD_ROLE_ID]),
        ],
        "emojis": [],
        "stickers": [],
        "features": [],
        "member_count": 3,
    }


def message_payload(
    channel_id: int,
    content: str = "hello there",
    *,
    message_id: int | None = None,
    author_id: int = USER_ID,
    bot: bool = False,
    guild: bool = True,
    type_: int = 0,
    roles: list[int] | None = None,
    edited: dt.datetime | None = None,
    **extra: Any,
) -> Any:
    mid = message_id or next_id()
    data: dict[str, Any] = {
        "id": str(mid),
        "channel_id": str(channel_id),
        "author": user_payload(author_id, bot=bot),
        "content": content,
        "timestamp": iso(discord.utils.snowflake_time(mid)),
        "edited_timestamp": iso(edited) if edited else None,
        "tts": False,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": [],
        "pinned": False,
        "type": type_,
    }
    if guild:
        data["guild_id"] = str(GUILD_ID)
        data["member"] = member_payload(author_id, roles if roles is not None else [ROLE_ID], with_user=False)
    data.update(extra)
    return data


class World:
    """A ConnectionState with one cached guild; HTTP is an autospec'd HTTPClient (nothing leaves here)."""

    def __init__(self, state: Any, http: Any) -> None:
        self.state = state
        self.http = http
        state.user = discord.ClientUser(state=state, data=user_payload(BOT_ID, bot=True, name="Sentimeter"))
        self.guild = discord.Guild(data=guild_payload(), state=state)
        state._add_guild(self.guild)
        # Without the members intent discord.py caches only the bot itself; the tests want the people too.
        for user_id, roles in ((USER_ID, [ROLE_ID]), (MOD_ID, [MOD_ROLE_ID])):
            member = discord.Member(data=member_payload(user_id, roles), guild=self.guild, state=state)
            self.guild._add_member(member)

    def channel(self, channel_id: int) -> Any:
        channel = self.guild.get_channel_or_thread(channel_id)
        if channel is None:
            return discord.DMChannel._from_message(self.state, channel_id)
        return channel

    def message(self, data: Any) -> discord.Message:
        channel = self.channel(int(data["channel_id"])) if "guild_id" in data else None
        if channel is None:
            channel = discord.PartialMessageable(state=self.state, id=int(data["channel_id"]))
        return discord.Message(state=self.state, channel=channel, data=data)

    def edit_event(self, data: Any, cached: discord.Message | None = None) -> discord.RawMessageUpdateEvent:
        event = discord.RawMessageUpdateEvent(data=data, message=self.message(data))
        event.cached_message = cached
        return event


def make_world() -> World:
    http = create_autospec(HTTPClient, instance=True, spec_set=True)
    intents = discord.Intents.default()
    intents.message_content = True
    from discord.state import ConnectionState

    state = ConnectionState(dispatch=lambda *a, **k: None, handlers={}, hooks={}, http=http, intents=intents)
    return World(state, http)


@pytest.fixture
def world() -> World:
    return make_world()


# -- conversion ----------------------------------------------------------------------------------------------


def test_message_in_a_thread_keeps_its_parent_and_roles(world: World) -> None:
    msg = world.message(message_payload(THREAD_ID, "great video!", roles=[ROLE_ID]))
    incoming = incoming_from_message(msg)
    assert incoming == IncomingMessage(
        guild_id=GUILD_ID,
        channel_id=THREAD_ID,
        message_id=msg.id,
        author_id=USER_ID,
        content="great video!",
        created_at=msg.created_at.timestamp(),
        reply_to_id=None,
        parent_channel_id=TEXT_ID,
        has_attachments=False,
        author_role_ids=frozenset({ROLE_ID}),  # @everyone left out
        author_created_at=discord.utils.snowflake_time(USER_ID).timestamp(),
    )


def test_moderators_are_marked_as_staff_and_members_are_not(world: World) -> None:
    member = incoming_from_message(world.message(message_payload(TEXT_ID, "check out my channel")))
    assert member is not None and member.author_is_staff is False
    mod = incoming_from_message(
        world.message(
            message_payload(TEXT_ID, "new video on my channel", author_id=MOD_ID, roles=[MOD_ROLE_ID])
        )
    )
    assert mod is not None and mod.author_is_staff is True


def test_forum_post_and_voice_chat_are_read(world: World) -> None:
    post = incoming_from_message(world.message(message_payload(FORUM_POST_ID, "my idea")))
    assert post is not None and post.channel_id == FORUM_POST_ID and post.parent_channel_id == FORUM_ID
    voice = incoming_from_message(world.message(message_payload(VOICE_ID, "gg")))
    assert voice is not None and voice.channel_id == VOICE_ID and voice.parent_channel_id is None


def test_reply_records_the_parent_message(world: World) -> None:
    parent = next_id()
    data = message_payload(
        TEXT_ID,
        "agreed",
        type_=19,
        message_reference={
            "type": 0,
            "message_id": str(parent),
            "channel_id": str(TEXT_ID),
            "guild_id": str(GUILD_ID),
        },
    )
    incoming = incoming_from_message(world.message(data))
    assert incoming is not None and incoming.reply_to_id == parent


def test_forward_is_not_a_reply_but_counts_as_engagement(world: World) -> None:
    data = message_payload(
        TEXT_ID,
        "",
        message_reference={"type": 1, "message_id": str(next_id()), "channel_id": str(TEXT_ID)},
        message_snapshots=[
            {
                "message": {
                    "content": "x",
                    "type": 0,
                    "embeds": [],
                    "attachments": [],
                    "timestamp": "2024-01-01T00:00:00+00:00",
                    "edited_timestamp": None,
                    "flags": 0,
                    "mentions": [],
                    "mention_roles": [],
                }
            }
        ],
    )
    incoming = incoming_from_message(world.message(data))
    assert incoming is not None and incoming.reply_to_id is None and incoming.has_attachments


@pytest.mark.parametrize(
    "extra",
    [
        {
            "attachments": [
                {
                    "id": "1",
                    "filename": "a.png",
                    "size": 10,
                    "url": "https://cdn/a.png",
                    "proxy_url": "https://p/a.png",
                }
            ]
        },
        {"sticker_items": [{"id": "2", "name": "wave", "format_type": 1}]},
    ],
)
def test_attachment_or_sticker_only_is_counted_not_scored(world: World, extra: dict[str, Any]) -> None:
    incoming = incoming_from_message(world.message(message_payload(TEXT_ID, "", **extra)))
    assert incoming is not None and incoming.has_attachments and incoming.content == ""


@pytest.mark.parametrize(
    ("payload_kwargs", "why"),
    [
        ({"bot": True, "author_id": OTHER_BOT_ID}, "bot"),
        ({"webhook_id": "777"}, "webhook"),
        ({"type_": 7, "content": ""}, "member join (system)"),
        ({"type_": 6, "content": ""}, "pin notice (system)"),
        ({"type_": 21, "content": ""}, "thread starter copy"),
        ({"guild": False}, "DM"),
    ],
)
def test_skipped_messages(world: World, payload_kwargs: dict[str, Any], why: str) -> None:
    kwargs = {"content": "spam?"} | payload_kwargs
    assert incoming_from_message(world.message(message_payload(TEXT_ID, **kwargs))) is None, why


def test_edit_with_new_text_is_rescored(world: World) -> None:
    created = message_payload(TEXT_ID, "this is fine")
    edited_at = discord.utils.snowflake_time(int(created["id"])) + dt.timedelta(minutes=2)
    update = created | {"content": "this is awful", "edited_timestamp": iso(edited_at)}
    edit = incoming_from_edit(world.edit_event(update, cached=world.message(created)))
    assert edit is not None
    assert (edit.message_id, edit.content, edit.parent_channel_id) == (
        int(created["id"]),
        "this is awful",
        None,
    )
    assert edit.edited_at == edited_at.timestamp()
    assert edit.author_role_ids == frozenset({ROLE_ID})


def test_link_preview_update_is_not_an_edit(world: World) -> None:
    created = message_payload(TEXT_ID, "look https://example.com")
    unfurl = created | {"embeds": [{"type": "link", "url": "https://example.com", "title": "Example"}]}
    assert incoming_from_edit(world.edit_event(unfurl)) is None  # never edited: no edited_timestamp
    partial = {"id": created["id"], "channel_id": created["channel_id"], "guild_id": str(GUILD_ID)}
    assert "content" not in partial
    # an older-style partial payload without content is ignored too (content check comes first)
    event = world.edit_event(created)
    event.data = partial  # type: ignore[assignment]
    assert incoming_from_edit(event) is None


def test_same_text_and_timestamp_as_cached_is_not_an_edit(world: World) -> None:
    when = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)
    data = message_payload(TEXT_ID, "edited once", edited=when)
    cached = world.message(data)
    unfurl = data | {"embeds": [{"type": "link", "url": "https://example.com"}]}
    assert incoming_from_edit(world.edit_event(unfurl, cached=cached)) is None


def test_edits_in_dms_or_by_bots_are_ignored(world: World) -> None:
    when = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)
    assert (
        incoming_from_edit(world.edit_event(message_payload(TEXT_ID, "x", edited=when, guild=False))) is None
    )
    bot_edit = message_payload(TEXT_ID, "x", edited=when, bot=True, author_id=OTHER_BOT_ID)
    assert incoming_from_edit(world.edit_event(bot_edit)) is None


def test_recent_edits_dedupes_the_same_edit() -> None:
    recent = RecentEdits(maxlen=2)
    assert recent.is_new(1, 10.0)
    assert not recent.is_new(1, 10.0)
    assert recent.is_new(1, 11.0)
    assert recent.is_new(2, 10.0) and recent.is_new(3, 10.0)
    assert recent.is_new(1, 11.0)  # evicted (bounded), so seen as new again


# -- catch-up planning ---------------------------------------------------------------------------------------


def test_plan_catch_up() -> None:
    cursors = {1: 100, 2: 500, 3: 300, 9: 250}
    channels = [
        ChannelState(1, 150, True),  # newer messages: read after 100
        ChannelState(2, 500, True),  # nothing new
        ChannelState(3, None, True),  # unknown: read
        ChannelState(4, 600, True),  # no cursor, newer than the newest cursor: read after 500
        ChannelState(5, 400, True),  # no cursor, nothing since the bot went away
        ChannelState(6, 900, False),  # cannot read
    ]
    plan = plan_catch_up(cursors, channels)
    assert plan.fetch == [(1, 100), (3, 300), (4, 500)]
    assert plan.unresolved == [(9, 250)]
    assert plan_catch_up({}, channels).empty  # fresh install: no back-fill
    assert plan_catch_up({1: 1, 2: 2, 3: 3}, [], max_unresolved=2).unresolved == [(3, 3), (2, 2)]


# -- the cog with the real ingest service and storage --------------------------------------------------------


@pytest.fixture
async def live_bot(storage: Any, tmp_path: Path) -> AsyncIterator[Any]:
    """The real Sentimeter (real storage, scorer, spam detector, ingest queue); its HTTP is an autospec and
    its cache holds the guild built from payloads."""
    from tests.cogs.conftest import make_bot

    bot: Any = make_bot(storage, tmp_path / "sentimeter.db")
    http = create_autospec(HTTPClient, instance=True, spec_set=True)
    bot.http = http
    bot._connection.http = http
    bot._connection.loop = asyncio.get_running_loop()
    bot.world = World(bot._connection, http)
    bot.queue.start()
    try:
        yield bot
    finally:
        await bot.queue.close()


async def _settle(bot: Any) -> None:
    await bot.ingest.wait_idle()
    await bot.queue.flush()


async def test_live_events_reach_storage(live_bot: Any) -> None:
    bot = live_bot
    world: World = bot.world
    listener = Listener(bot)
    first = world.message(message_payload(TEXT_ID, "love this stream"))
    reply = world.message(
        message_payload(
            TEXT_ID,
            "same!",
            type_=19,
            message_reference={"type": 0, "message_id": str(first.id), "channel_id": str(TEXT_ID)},
        )
    )
    await listener.on_message(first)
    await listener.on_message(reply)
    await listener.on_message(
        world.message(message_payload(TEXT_ID, "beep", bot=True, author_id=OTHER_BOT_ID))
    )
    await listener.on_message(world.message(message_payload(TEXT_ID, "dm", guild=False)))
    await _settle(bot)
    totals = await bot.storage.totals(GUILD_ID, TEXT_ID, None, 2**62)
    assert (totals.messages, totals.replies) == (2, 1)
    assert await bot.storage.channel_cursors(GUILD_ID) == {TEXT_ID: reply.id}

    # reactions: ours are ignored, DMs are ignored
    def reaction(user_id: int, guild: bool = True) -> discord.RawReactionActionEvent:
        data: Any = {
            "user_id": str(user_id),
            "channel_id": str(TEXT_ID),
            "message_id": str(first.id),
            "emoji": {"id": None, "name": "🔥"},
            "burst": False,
            "type": 0,
        }
        if guild:
            data["guild_id"] = str(GUILD_ID)
        return discord.RawReactionActionEvent(data, discord.PartialEmoji(name="🔥"), "REACTION_ADD")

    await listener.on_raw_reaction_add(reaction(USER_ID))
    await listener.on_raw_reaction_add(reaction(MOD_ID))
    await listener.on_raw_reaction_add(reaction(BOT_ID))
    await listener.on_raw_reaction_add(reaction(USER_ID, guild=False))
    await listener.on_raw_reaction_remove(reaction(MOD_ID))
    await _settle(bot)
    assert (await bot.storage.totals(GUILD_ID, TEXT_ID, None, 2**62)).reactions == 1

    # a moderator removes every reaction at once
    await listener.on_raw_reaction_add(reaction(MOD_ID))
    await listener.on_raw_reaction_clear(
        discord.RawReactionClearEvent(
            {"channel_id": str(TEXT_ID), "message_id": str(first.id), "guild_id": str(GUILD_ID)}
        )
    )
    await _settle(bot)
    assert (await bot.storage.totals(GUILD_ID, TEXT_ID, None, 2**62)).reactions == 0
    await listener.on_raw_reaction_add(reaction(USER_ID))
    await _settle(bot)
    assert (await bot.storage.totals(GUILD_ID, TEXT_ID, None, 2**62)).reactions == 1

    # deletes of messages that are not in discord.py's cache
    await listener.on_raw_message_delete(
        discord.RawMessageDeleteEvent(
            {"id": str(reply.id), "channel_id": str(TEXT_ID), "guild_id": str(GUILD_ID)}
        )
    )
    await _settle(bot)
    assert (await bot.storage.totals(GUILD_ID, TEXT_ID, None, 2**62)).messages == 1
    await listener.on_raw_bulk_message_delete(
        discord.RawBulkMessageDeleteEvent(
            {"ids": [str(first.id), str(next_id())], "channel_id": str(TEXT_ID), "guild_id": str(GUILD_ID)}
        )
    )
    await _settle(bot)
    assert (await bot.storage.totals(GUILD_ID, TEXT_ID, None, 2**62)).messages == 0


async def test_edit_rescores_once_and_resolves_the_flag(live_bot: Any) -> None:
    bot = live_bot
    world: World = bot.world
    listener = Listener(bot)
    created = message_payload(TEXT_ID, "this video is terrible, worst content ever, I hate it")
    await listener.on_message(world.message(created))
    await _settle(bot)
    flag = await bot.storage.open_flag_for_message(GUILD_ID, int(created["id"]))
    assert flag is not None

    edited_at = discord.utils.snowflake_time(int(created["id"])) + dt.timedelta(minutes=1)
    update = created | {"content": "this video is great, I love it", "edited_timestamp": iso(edited_at)}
    await listener.on_raw_message_edit(world.edit_event(update))
    # the link preview arriving afterwards carries the same edit: it must not reach the pipeline again
    await listener.on_raw_message_edit(
        world.edit_event(update | {"embeds": [{"type": "link", "url": "https://x"}]})
    )
    await _settle(bot)
    assert await bot.storage.open_flag_for_message(GUILD_ID, int(created["id"])) is None
    resolved = await bot.storage.get_flag(GUILD_ID, flag.id)
    assert resolved is not None and resolved.status.value == "auto_resolved"


async def test_catch_up_reads_missed_history_through_the_same_path(live_bot: Any) -> None:
    bot = live_bot
    world: World = bot.world
    listener = Listener(bot)
    seen = world.message(message_payload(TEXT_ID, "before the outage"))
    await listener.on_message(seen)
    await _settle(bot)

    # while the bot was down: two comments in #general, one by a bot; one in a thread created meanwhile
    missed = [message_payload(TEXT_ID, f"missed {i}") for i in range(2)]
    missed_bot = message_payload(TEXT_ID, "bot noise", bot=True, author_id=OTHER_BOT_ID)
    new_thread_id = next_id()
    in_new_thread = message_payload(new_thread_id, "new thread comment")
    world.guild._add_thread(
        discord.Thread(
            guild=world.guild,
            state=world.state,
            data=thread_payload(new_thread_id, TEXT_ID, last_message_id=in_new_thread["id"]),
        )
    )
    general = world.guild.get_channel(TEXT_ID)
    assert isinstance(general, discord.TextChannel)
    general.last_message_id = int(missed_bot["id"])
    # hidden channel: the bot cannot read it, so no request is made for it
    hidden = world.guild.get_channel(HIDDEN_ID)
    assert isinstance(hidden, discord.TextChannel)
    hidden.last_message_id = next_id()

    history = {
        TEXT_ID: [missed[0], missed[1], missed_bot, seen_payload(seen)],
        new_thread_id: [in_new_thread],
    }
    calls: list[tuple[int, int | None]] = []

    async def logs_from(
        channel_id: int, limit: int, before: Any = None, after: Any = None, around: Any = None
    ) -> Any:
        calls.append((int(channel_id), after))
        if after is None:
            return []
        newer = [m for m in history.get(int(channel_id), []) if int(m["id"]) > int(after)]
        return list(reversed(newer))[:limit]  # Discord answers newest first

    bot.http.logs_from.side_effect = logs_from
    count = await listener.catch_up_guild(world.guild)
    assert count == 3
    assert (TEXT_ID, seen.id) in calls
    assert all(channel != HIDDEN_ID for channel, _ in calls)
    await _settle(bot)
    # #general's figures include its threads: 1 + 2 missed + the new thread's comment
    assert (await bot.storage.totals(GUILD_ID, TEXT_ID, None, 2**62)).messages == 4
    assert (await bot.storage.totals(GUILD_ID, new_thread_id, None, 2**62)).messages == 1
    # running it again reads the same history and changes nothing (exactly-once)
    await listener.catch_up_guild(world.guild)
    await _settle(bot)
    assert (await bot.storage.totals(GUILD_ID, TEXT_ID, None, 2**62)).messages == 4


async def test_catch_up_survives_forbidden_channels(live_bot: Any) -> None:
    bot = live_bot
    world: World = bot.world
    listener = Listener(bot)
    await listener.on_message(world.message(message_payload(TEXT_ID, "hi")))
    await listener.on_message(world.message(message_payload(THREAD_ID, "hi")))
    await _settle(bot)
    for channel_id in (TEXT_ID, THREAD_ID):
        channel = world.guild.get_channel_or_thread(channel_id)
        assert channel is not None
        channel.last_message_id = next_id()  # type: ignore[union-attr]
    response = create_autospec(discord.http.aiohttp.ClientResponse, instance=True, spec_set=True)
    response.status = 403
    response.reason = "Forbidden"
    later = message_payload(THREAD_ID, "after outage")

    async def logs_from(channel_id: int, limit: int, **kw: Any) -> Any:
        if int(channel_id) == TEXT_ID:
            raise discord.Forbidden(response, {"code": 50001, "message": "Missing Access"})
        return [later] if kw.get("after") is not None and int(kw["after"]) < int(later["id"]) else []

    bot.http.logs_from.side_effect = logs_from
    assert await listener.catch_up_guild(world.guild) == 1


async def test_catch_up_task_starts_on_load_and_stops_on_unload(live_bot: Any) -> None:
    listener = Listener(live_bot)
    await listener.cog_load()
    task = listener._catch_up_task
    assert task is not None
    await asyncio.wait_for(asyncio.shield(task), timeout=5)  # not logged in: it returns without reading
    await listener.cog_unload()
    assert task.done() and not task.cancelled() and task.exception() is None


def seen_payload(message: discord.Message) -> dict[str, Any]:
    """History also returns the message the cursor points at when asked inclusively; storage ignores it."""
    return message_payload(TEXT_ID, message.content, message_id=message.id)


async def test_one_emojis_reactions_removed_sets_the_count_read_back(live_bot: Any) -> None:
    bot = live_bot
    world: World = bot.world
    listener = Listener(bot)
    first = world.message(message_payload(TEXT_ID, "love this stream"))
    await listener.on_message(first)
    for user_id in (USER_ID, MOD_ID, USER_ID, MOD_ID, USER_ID):  # five reactions counted
        await listener.on_raw_reaction_add(
            discord.RawReactionActionEvent(
                {
                    "user_id": str(user_id),
                    "channel_id": str(TEXT_ID),
                    "message_id": str(first.id),
                    "guild_id": str(GUILD_ID),
                    "emoji": {"id": None, "name": "🔥"},
                    "burst": False,
                    "type": 0,
                },
                discord.PartialEmoji(name="🔥"),
                "REACTION_ADD",
            )
        )
    await _settle(bot)
    assert (await bot.storage.totals(GUILD_ID, TEXT_ID, None, 2**62)).reactions == 5

    def clear_emoji() -> discord.RawReactionClearEmojiEvent:
        data: Any = {
            "channel_id": str(TEXT_ID),
            "message_id": str(first.id),
            "guild_id": str(GUILD_ID),
            "emoji": {"id": None, "name": "🔥"},
        }
        return discord.RawReactionClearEmojiEvent(data, discord.PartialEmoji(name="🔥"))

    # Discord says which emoji went, not how many: the message is read back, two 👍 are left
    thumbs = {"count": 2, "me": False, "me_burst": False, "emoji": {"id": None, "name": "👍"}}
    thumbs |= {"count_details": {"burst": 0, "normal": 2}, "burst_colors": []}
    read_back = message_payload(TEXT_ID, "love this stream", message_id=first.id, reactions=[thumbs])
    asked: list[tuple[int, int]] = []

    async def get_message(channel_id: int, message_id: int) -> Any:
        asked.append((channel_id, message_id))
        return read_back

    bot.http.get_message.side_effect = get_message
    await listener.on_raw_reaction_clear_emoji(clear_emoji())
    await _settle(bot)
    assert asked == [(TEXT_ID, first.id)]
    assert (await bot.storage.totals(GUILD_ID, TEXT_ID, None, 2**62)).reactions == 2

    # the message was deleted meanwhile, or Discord refused: the count is left alone, nothing breaks
    response = create_autospec(discord.http.aiohttp.ClientResponse, instance=True, spec_set=True)
    for status, error in ((404, discord.NotFound), (403, discord.Forbidden)):
        response.status, response.reason = status, "refused"

        async def refuse(channel_id: int, message_id: int, error: Any = error) -> Any:
            raise error(response, "refused")

        bot.http.get_message.side_effect = refuse
        await listener.on_raw_reaction_clear_emoji(clear_emoji())
    await _settle(bot)
    assert (await bot.storage.totals(GUILD_ID, TEXT_ID, None, 2**62)).reactions == 2


# -- catch-up gaps: retries, malformed history messages (issue 13 item 2) ---------------------------------


def _server_error(status: int = 503) -> discord.HTTPException:
    response = create_autospec(discord.http.aiohttp.ClientResponse, instance=True, spec_set=True)
    response.status = status
    response.reason = "Service Unavailable"
    return discord.HTTPException(response, {"code": 0, "message": "injected"})


async def _after_outage(bot: Any, n: int) -> tuple[Listener, list[dict[str, Any]]]:
    """One comment stored before the outage, ``n`` missed in #general's history since; a fresh listener."""
    listener = Listener(bot)
    await listener.on_message(bot.world.message(message_payload(TEXT_ID, "before the outage")))
    await _settle(bot)
    missed = [message_payload(TEXT_ID, f"missed {i}") for i in range(n)]
    general = bot.world.guild.get_channel(TEXT_ID)
    assert isinstance(general, discord.TextChannel)
    general.last_message_id = int(missed[-1]["id"])
    bot.settings.catchup_retry_seconds = 0.001  # the retries' pauses, not what the test measures
    bot.settings.reconcile_hours = 0
    return Listener(bot), missed


def _history(payloads: list[dict[str, Any]], failures: list[int]) -> Any:
    """logs_from over ``payloads``; the n-th call (1-based) in ``failures`` fails with a 503."""
    calls = itertools.count(1)

    async def logs_from(channel_id: int, limit: int, **kw: Any) -> Any:
        if next(calls) in failures:
            raise _server_error()
        after = int(kw["after"])
        newer = [m for m in payloads if int(m["id"]) > after and int(m["channel_id"]) == int(channel_id)]
        return list(reversed(newer[:limit]))

    return logs_from


async def test_a_failed_history_read_is_retried_from_where_it_stopped(live_bot: Any) -> None:
    bot = live_bot
    listener, missed = await _after_outage(bot, 250)
    bot.http.logs_from.side_effect = _history(missed, failures=[2, 3])  # the second page fails twice
    assert await listener.catch_up_guild(bot.world.guild) == 250
    await _settle(bot)
    assert (await bot.storage.totals(GUILD_ID, TEXT_ID, None, 2**62)).messages == 251
    assert await bot.storage.catch_up_gaps(GUILD_ID) == []
    afters = [int(call.kwargs["after"]) for call in bot.http.logs_from.call_args_list]
    assert afters.count(int(missed[99]["id"])) == 3  # the failed page asked again, not from the start
    assert not listener._gaps_pending


async def test_when_retries_run_out_the_rest_of_the_gap_stays_recorded(live_bot: Any) -> None:
    bot = live_bot
    listener, missed = await _after_outage(bot, 150)
    bot.http.logs_from.side_effect = _history(missed, failures=[2, 3, 4])
    assert await listener.catch_up_guild(bot.world.guild) == 100
    assert listener._gaps_pending
    (gap,) = [g for g in await bot.storage.catch_up_gaps(GUILD_ID) if g.channel_id == TEXT_ID]
    assert gap.after_id == int(missed[99]["id"])  # narrowed to what was committed
    assert (await bot.storage.totals(GUILD_ID, TEXT_ID, None, 2**62)).messages == 101

    bot.http.logs_from.side_effect = _history(missed, failures=[])
    await listener._read_gaps(bot.world.guild, {})  # what the background retry does
    await _settle(bot)
    assert (await bot.storage.totals(GUILD_ID, TEXT_ID, None, 2**62)).messages == 151
    assert [g for g in await bot.storage.catch_up_gaps(GUILD_ID) if g.channel_id == TEXT_ID] == []


@pytest.mark.parametrize(
    "damage",
    [{"author": None}, {"reactions": [{"count": 1}]}, {"attachments": [{}]}],
    ids=["author-null", "reaction-without-emoji", "attachment-without-fields"],
)
async def test_a_malformed_history_message_is_skipped_not_the_channel(
    live_bot: Any, damage: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    bot = live_bot
    listener, missed = await _after_outage(bot, 5)
    missed[2].update(damage)
    bot.http.logs_from.side_effect = _history(missed, failures=[])
    assert await listener.catch_up_guild(bot.world.guild) == 4
    await _settle(bot)
    assert (await bot.storage.totals(GUILD_ID, TEXT_ID, None, 2**62)).messages == 5
    assert f"skipped message {missed[2]['id']}" in caplog.text
    assert await bot.storage.catch_up_gaps(GUILD_ID) == []
