"""Reads comments: every message, edit, delete and reaction the bot can see in a server goes to the ingest
service, and on start-up the history missed while the bot was away is read through the same path."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from bot.core.ingest.catchup import ChannelState, plan_catch_up
from bot.core.ingest.models import IncomingEdit, IncomingMessage

if TYPE_CHECKING:
    from bot.app.client import Sentimeter

log = logging.getLogger(__name__)

# Only these are people's comments; joins, pins, boosts, thread-starter copies, poll results... are not.
COMMENT_TYPES = frozenset({discord.MessageType.default, discord.MessageType.reply})
RECENT_EDITS = 10_000

HistoryChannel = discord.TextChannel | discord.VoiceChannel | discord.StageChannel | discord.Thread


# -- conversion (plain functions, tested directly) ---------------------------------------------------------


def _parent_channel_id(channel: object) -> int | None:
    return channel.parent_id if isinstance(channel, discord.Thread) else None


def _role_ids(author: discord.abc.User) -> frozenset[int]:
    if isinstance(author, discord.Member):
        return frozenset(role.id for role in author.roles if not role.is_default())
    return frozenset()


def _is_staff(message: discord.Message) -> bool:
    """The server's owner or a moderator (Manage Messages, Manage Server or Administrator): their comments are
    never flagged — announcements with links are not spam and staff do not review themselves."""
    author = message.author
    guild = message.guild
    if not isinstance(author, discord.Member) or guild is None:
        return False
    if guild.owner_id == author.id:
        return True
    perms = author.guild_permissions
    return perms.administrator or perms.manage_guild or perms.manage_messages


def _has_attachments(message: discord.Message) -> bool:
    """Attachments, stickers, forwards and polls: counted for engagement; the text (if any) is scored."""
    return bool(message.attachments or message.stickers or message.message_snapshots or message.poll)


def is_comment(message: discord.Message) -> bool:
    """A person's message in a server: not a bot, a webhook, a system message, or a DM."""
    return (
        message.guild is not None
        and not message.author.bot
        and message.webhook_id is None
        and not message.is_system()
        and message.type in COMMENT_TYPES
    )


def incoming_from_message(message: discord.Message) -> IncomingMessage | None:
    if not is_comment(message) or message.guild is None:
        return None
    reply_to_id: int | None = None
    reference = message.reference
    if (
        message.type is discord.MessageType.reply
        and reference is not None
        and reference.type is discord.MessageReferenceType.reply
        and reference.message_id is not None
    ):
        reply_to_id = reference.message_id
    return IncomingMessage(
        guild_id=message.guild.id,
        channel_id=message.channel.id,
        message_id=message.id,
        author_id=message.author.id,
        content=message.content,
        created_at=message.created_at.timestamp(),
        reply_to_id=reply_to_id,
        parent_channel_id=_parent_channel_id(message.channel),
        has_attachments=_has_attachments(message),
        author_role_ids=_role_ids(message.author),
        author_is_staff=_is_staff(message),
        author_created_at=message.author.created_at.timestamp(),
    )


def incoming_from_edit(payload: discord.RawMessageUpdateEvent) -> IncomingEdit | None:
    """An edit of a person's comment, or None for updates that are not the author changing the text.

    Discord also sends MESSAGE_UPDATE when a link preview is added, a poll closes, or the message is pinned;
    those carry no new ``edited_timestamp`` (or no content at all in older payloads) and must not re-score."""
    data: Any = payload.data
    if payload.guild_id is None or "content" not in data or not data.get("edited_timestamp"):
        return None
    message = payload.message
    if not is_comment(message):
        return None
    cached = payload.cached_message
    if cached is not None and cached.content == message.content and cached.edited_at == message.edited_at:
        return None
    edited_at = message.edited_at or message.created_at
    return IncomingEdit(
        guild_id=payload.guild_id,
        channel_id=payload.channel_id,
        message_id=payload.message_id,
        author_id=message.author.id,
        content=message.content,
        edited_at=edited_at.timestamp(),
        parent_channel_id=_parent_channel_id(message.channel),
        has_attachments=_has_attachments(message),
        author_role_ids=_role_ids(message.author),
        author_is_staff=_is_staff(message),
    )


class RecentEdits:
    """Remembers the last edit timestamp seen per message (bounded), so the same edit delivered twice (an
    edit followed by its link preview carries the same ``edited_timestamp``) is scored once."""

    def __init__(self, maxlen: int = RECENT_EDITS) -> None:
        self._seen: OrderedDict[int, float] = OrderedDict()
        self._maxlen = maxlen

    def is_new(self, message_id: int, edited_at: float) -> bool:
        if self._seen.get(message_id) == edited_at:
            self._seen.move_to_end(message_id)
            return False
        self._seen[message_id] = edited_at
        self._seen.move_to_end(message_id)
        while len(self._seen) > self._maxlen:
            self._seen.popitem(last=False)
        return True


def channel_states(guild: discord.Guild) -> list[tuple[ChannelState, HistoryChannel]]:
    """Every channel in the cache whose messages we read, with whether the bot may read its history."""
    me = guild.me
    channels: list[HistoryChannel] = [
        *guild.text_channels,
        *guild.voice_channels,
        *guild.stage_channels,
        *guild.threads,
    ]
    out: list[tuple[ChannelState, HistoryChannel]] = []
    for channel in channels:
        perms = channel.permissions_for(me)
        readable = perms.view_channel and perms.read_message_history
        out.append((ChannelState(channel.id, channel.last_message_id, readable), channel))
    return out


# -- the cog -------------------------------------------------------------------------------------------------


class Listener(commands.Cog):
    def __init__(self, bot: Sentimeter) -> None:
        self.bot = bot
        self.edits = RecentEdits()
        self._catch_up_task: asyncio.Task[None] | None = None
        # Per guild, the stored cursors as they were when this gateway session started. Live messages move
        # the stored cursors, so catch-up must not read them afresh: the gap before the first live message
        # would be skipped. The first live message of a guild waits for this snapshot before it is queued.
        self._session_cursors: dict[int, asyncio.Task[dict[int, int]]] = {}

    async def cog_load(self) -> None:
        # Never wait for ready inside setup_hook: the task waits on its own.
        self._start_catch_up()

    async def cog_unload(self) -> None:
        if self._catch_up_task is not None and not self._catch_up_task.done():
            self._catch_up_task.cancel()

    # -- live events ---------------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_connect(self) -> None:
        # READY of a new session (not a resume), dispatched before any event of the session: snapshot the
        # cursors of every guild in it now, before a live message can move them.
        self._session_cursors = {
            guild.id: asyncio.create_task(self.bot.storage.channel_cursors(guild.id))
            for guild in self.bot.guilds
        }

    async def cursors_at_session_start(self, guild_id: int) -> dict[int, int]:
        """The catch-up cursors of a guild as they were when this session started (read now without one)."""
        task = self._session_cursors.get(guild_id)
        if task is None:
            return await self.bot.storage.channel_cursors(guild_id)
        return await asyncio.shield(task)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        incoming = incoming_from_message(message)
        if incoming is None:
            return
        await self._after_snapshot(incoming.guild_id)
        await self.bot.ingest.message(incoming)

    async def _after_snapshot(self, guild_id: int) -> None:
        """The session's first events wait until the guild's cursors are read, so no live message can move
        them first. Every event waits here (in dispatch order), so an edit, delete or reaction never
        overtakes the message it is about."""
        snapshot = self._session_cursors.get(guild_id)
        if snapshot is not None and not snapshot.done():
            with contextlib.suppress(Exception):
                await asyncio.shield(snapshot)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        incoming = incoming_from_edit(payload)
        if incoming is not None and self.edits.is_new(incoming.message_id, incoming.edited_at):
            await self._after_snapshot(incoming.guild_id)
            await self.bot.ingest.edit(incoming)

    @commands.Cog.listener()
    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        if payload.guild_id is not None:
            await self._after_snapshot(payload.guild_id)
            await self.bot.ingest.delete(payload.guild_id, payload.channel_id, payload.message_id)

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        if payload.guild_id is not None and payload.message_ids:
            await self._after_snapshot(payload.guild_id)
            await self.bot.ingest.bulk_delete(
                payload.guild_id, payload.channel_id, sorted(payload.message_ids)
            )

    @commands.Cog.listener()
    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        await self._reaction(payload, +1)

    @commands.Cog.listener()
    async def on_raw_reaction_remove(self, payload: discord.RawReactionActionEvent) -> None:
        await self._reaction(payload, -1)

    @commands.Cog.listener()
    async def on_raw_reaction_clear(self, payload: discord.RawReactionClearEvent) -> None:
        if payload.guild_id is None:
            return
        await self._after_snapshot(payload.guild_id)
        await self.bot.ingest.reactions_cleared(payload.guild_id, payload.channel_id, payload.message_id)

    @commands.Cog.listener()
    async def on_raw_reaction_clear_emoji(self, payload: discord.RawReactionClearEmojiEvent) -> None:
        """A moderator removed every reaction of one emoji. The event does not say how many went, so the
        message's remaining reactions are read back (one REST call; a rare, manual action) and its count is
        set to them, in order with the other events."""
        if payload.guild_id is None:
            return
        await self._after_snapshot(payload.guild_id)
        channel = self.bot.get_partial_messageable(payload.channel_id, guild_id=payload.guild_id)
        try:
            message = await channel.fetch_message(payload.message_id)
        except discord.NotFound:
            return  # deleted meanwhile: its delete event removes it and its reactions
        except discord.HTTPException as exc:
            log.warning(
                "Could not read message %s back after one emoji's reactions were removed (%s); its reaction"
                " count stays as it was",
                payload.message_id,
                exc,
            )
            return
        remaining = sum(reaction.count for reaction in message.reactions)
        await self.bot.ingest.reactions_cleared(
            payload.guild_id, payload.channel_id, payload.message_id, remaining
        )

    async def _reaction(self, payload: discord.RawReactionActionEvent, delta: int) -> None:
        if payload.guild_id is None:
            return
        if self.bot.user is not None and payload.user_id == self.bot.user.id:
            return
        await self._after_snapshot(payload.guild_id)
        await self.bot.ingest.reaction(payload.guild_id, payload.channel_id, payload.message_id, delta)

    # -- catch-up after downtime -----------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        # A new gateway session (not a resume) means events may have been missed while disconnected.
        # The first ready is handled by the task started in cog_load.
        if self._catch_up_task is None or self._catch_up_task.done():
            self._start_catch_up()

    def _start_catch_up(self) -> None:
        self._catch_up_task = asyncio.create_task(self._catch_up_when_ready(), name="sentimeter-catch-up")

    async def _catch_up_when_ready(self) -> None:
        try:
            await self.bot.wait_until_ready()
        except (
            RuntimeError
        ):  # loaded without logging in (tests, tooling): there is no gateway to catch up with
            log.debug("catch-up skipped: the client never logged in")
            return
        for guild in list(self.bot.guilds):
            try:
                count = await self.catch_up_guild(guild)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("catch-up failed for guild %s", guild.id)
                continue
            log.info("caught up %d message(s) in guild %s (%s)", count, guild.id, guild.name)

    async def catch_up_guild(self, guild: discord.Guild) -> int:
        """Feed every message missed since the stored cursors through the live path; returns how many."""
        cursors = await self.cursors_at_session_start(guild.id)
        states = channel_states(guild)
        plan = plan_catch_up(cursors, [state for state, _ in states])
        if plan.empty:
            return 0
        by_id = {state.channel_id: channel for state, channel in states}
        count = 0
        for channel_id, after in plan.fetch:
            count += await self._read_after(by_id[channel_id], after)
        for channel_id, after in plan.unresolved:
            channel = await self._fetch_channel(guild, channel_id)
            if channel is None:
                continue
            perms = channel.permissions_for(guild.me)
            if not (perms.view_channel and perms.read_message_history):
                continue
            if channel.last_message_id is not None and channel.last_message_id <= after:
                continue
            count += await self._read_after(channel, after)
        return count

    async def _fetch_channel(self, guild: discord.Guild, channel_id: int) -> HistoryChannel | None:
        try:
            channel = await guild.fetch_channel(channel_id)
        except (discord.NotFound, discord.Forbidden):
            return None
        except discord.HTTPException as exc:
            log.warning("could not fetch channel %s in guild %s: %s", channel_id, guild.id, exc)
            return None
        if isinstance(
            channel, discord.TextChannel | discord.VoiceChannel | discord.StageChannel | discord.Thread
        ):
            return channel
        return None

    async def _read_after(self, channel: HistoryChannel, after: int) -> int:
        count = 0
        try:
            async for message in channel.history(limit=None, after=discord.Object(after), oldest_first=True):
                incoming = incoming_from_message(message)
                if incoming is not None:
                    await self.bot.ingest.message(incoming)
                    count += 1
        except (discord.Forbidden, discord.NotFound) as exc:
            log.info("catch-up skipped channel %s: %s", channel.id, exc)
        except discord.HTTPException as exc:
            log.warning("catch-up stopped in channel %s after %d message(s): %s", channel.id, count, exc)
        return count


async def setup(bot: Sentimeter) -> None:
    await bot.add_cog(Listener(bot))
