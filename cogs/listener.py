"""Reads comments: every message, edit, delete and reaction the bot can see in a server goes to the ingest
service, and on start-up the history missed while the bot was away is read through the same path."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
from discord.ext import commands

from bot.core.ingest.catchup import (
    ChannelState,
    Reconcile,
    Seen,
    backoff,
    plan_gaps,
    reconcile,
    snowflake_at,
    snowflake_time,
)
from bot.core.ingest.models import IncomingEdit, IncomingMessage
from bot.storage.models import Flag, FlagStatus, Gap, StoredMessage

if TYPE_CHECKING:
    from bot.app.client import Sentimeter

log = logging.getLogger(__name__)

# Only these are people's comments; joins, pins, boosts, thread-starter copies, poll results... are not.
COMMENT_TYPES = frozenset({discord.MessageType.default, discord.MessageType.reply})
RECENT_EDITS = 10_000

HistoryChannel = discord.TextChannel | discord.VoiceChannel | discord.StageChannel | discord.Thread

# catch-up reads: a failed read is retried this many times in a row (backoff between), then later
READ_ERRORS: tuple[type[BaseException], ...] = (
    discord.HTTPException,
    aiohttp.ClientError,
    OSError,
    TimeoutError,
)
READ_ATTEMPTS = 3
HISTORY_PAGE = 100
FLAG_PAGE = 100
EDIT_MARGIN = 60.0  # seconds: clocks differ; re-scoring an edit already applied changes nothing


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


def incoming_edit_from_message(message: discord.Message) -> IncomingEdit | None:
    """The edit a history message shows (catch-up), or None when it is not an edited comment."""
    if not is_comment(message) or message.guild is None or message.edited_at is None:
        return None
    return IncomingEdit(
        guild_id=message.guild.id,
        channel_id=message.channel.id,
        message_id=message.id,
        author_id=message.author.id,
        content=message.content,
        edited_at=message.edited_at.timestamp(),
        parent_channel_id=_parent_channel_id(message.channel),
        has_attachments=_has_attachments(message),
        author_role_ids=_role_ids(message.author),
        author_is_staff=_is_staff(message),
    )


def reactions_of(message: discord.Message) -> int:
    """The message's reactions as the live path counts them (the bot's own are not counted)."""
    return sum(max(0, reaction.count - (1 if reaction.me else 0)) for reaction in message.reactions)


async def read_history(
    channel: HistoryChannel, after: int, before: int | None
) -> AsyncIterator[tuple[int, discord.Message | None]]:
    """A channel's messages after ``after`` (and before ``before``), oldest first, as (id, message); the
    message is None when discord.py cannot parse its payload (seen against Spacebar): that one is logged and
    skipped, not the rest. discord.py's ``history()`` builds every message inside its generator, so one bad
    payload ends it; this reads the same REST route page by page and builds each message on its own."""
    state = channel._state
    while True:
        data = await state.http.logs_from(channel.id, HISTORY_PAGE, after=after)
        newest = after
        for raw in reversed(data):  # Discord answers newest first
            try:
                message_id = int(raw["id"])
            except (TypeError, KeyError, ValueError):
                log.warning("skipped a message without a valid id in channel %s's history", channel.id)
                continue
            newest = max(newest, message_id)
            if message_id <= after or (before is not None and message_id >= before):
                continue
            message: discord.Message | None
            try:
                message = discord.Message(state=state, channel=channel, data=raw)
            except (TypeError, KeyError, ValueError, AttributeError) as exc:
                log.warning(
                    "skipped message %s in channel %s: its payload cannot be read (%s: %s)",
                    message_id,
                    channel.id,
                    type(exc).__name__,
                    exc,
                )
                message = None
            yield message_id, message
        if len(data) < HISTORY_PAGE or newest <= after or (before is not None and newest >= before - 1):
            return
        after = newest


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


# -- the cog -----------------------------------------------------------------------------------------------


class Listener(commands.Cog):
    def __init__(self, bot: Sentimeter) -> None:
        self.bot = bot
        self.edits = RecentEdits()
        self._catch_up_task: asyncio.Task[None] | None = None
        # Per guild, the stored cursors as they were when this gateway session started. Live messages move
        # the stored cursors, so catch-up must not read them afresh: the gap before the first live message
        # would be skipped. The first live message of a guild waits for this snapshot before it is queued.
        self._session_cursors: dict[int, asyncio.Task[dict[int, int]]] = {}
        self._gaps_pending = False  # a gap read failed: the retry task reads the gaps again later
        self._retry_task: asyncio.Task[None] | None = None
        self._flag_check_task: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        # Never wait for ready inside setup_hook: the task waits on its own.
        self._start_catch_up()

    async def cog_unload(self) -> None:
        for task in (self._catch_up_task, self._retry_task, self._flag_check_task):
            if task is not None and not task.done():
                task.cancel()

    # -- live events ----------------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_connect(self) -> None:
        # READY of a new session (not a resume), dispatched before any event of the session: snapshot the
        # cursors of every guild in it now, before a live message can move them, each recorded as a gap
        # (bot/storage/_catchup.py) so that a crash before catch-up reads it does not lose it.
        self._session_cursors = {
            guild.id: asyncio.create_task(self.bot.storage.begin_catch_up(guild.id))
            for guild in self.bot.guilds
        }

    async def cursors_at_session_start(self, guild_id: int) -> dict[int, int]:
        """The catch-up cursors of a guild as they were when this session started (read now without one)."""
        task = self._session_cursors.get(guild_id)
        if task is None:
            return await self.bot.storage.begin_catch_up(guild_id)
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

    # -- catch-up after downtime ----------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        # A new gateway session (not a resume) means events may have been missed while disconnected.
        # The first ready is handled by the task started in cog_load. discord.py may still dispatch a ready
        # that was delayed behind guild chunks after shutdown has begun: nothing to start then.
        if self.bot.is_closed():
            return
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
        self._start_background()

    async def catch_up_guild(self, guild: discord.Guild) -> int:
        """Feed every message missed since the stored cursors and gaps through the live path, then reconcile
        the recent stored messages with Discord; returns how many messages were read."""
        cursors = await self.cursors_at_session_start(guild.id)
        count = await self._read_gaps(guild, cursors)
        if self.bot.settings.reconcile_hours > 0 and cursors:
            try:
                await self.reconcile_guild(guild, cursors)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("reconciling recent messages failed for guild %s", guild.id)
        return count

    async def _read_gaps(self, guild: discord.Guild, cursors: dict[int, int]) -> int:
        """Read every recorded gap of the guild (and, with ``cursors``, the channels new since them); a gap is
        closed once what was read from it is committed. Sets ``_gaps_pending`` when a read failed."""
        storage = self.bot.storage
        states = channel_states(guild)
        plan = plan_gaps(await storage.catch_up_gaps(guild.id), cursors, [state for state, _ in states])
        for gap in plan.new:
            await storage.record_gap(guild.id, gap)
        for gap in plan.close:
            await storage.close_gap(guild.id, gap)
        by_id = {state.channel_id: channel for state, channel in states}
        count = 0
        for gap in plan.read:
            count += await self._fill_gap(guild.id, by_id[gap.channel_id], gap)
        for gap in plan.unresolved:
            try:
                channel = await self._fetch_channel(guild, gap.channel_id)
            except _ChannelGone:
                await storage.close_gap(guild.id, gap)  # deleted: nothing left to read
                continue
            if channel is None:
                continue
            perms = channel.permissions_for(guild.me)
            if not (perms.view_channel and perms.read_message_history):
                continue
            if channel.last_message_id is not None and channel.last_message_id <= gap.after_id:
                await storage.close_gap(guild.id, gap)
                continue
            count += await self._fill_gap(guild.id, channel, gap)
        return count

    async def _fetch_channel(self, guild: discord.Guild, channel_id: int) -> HistoryChannel | None:
        """The channel, None when it cannot be read now; raises _ChannelGone when Discord says it is gone."""
        try:
            channel = await guild.fetch_channel(channel_id)
        except discord.NotFound as exc:
            raise _ChannelGone from exc
        except discord.Forbidden:
            return None
        except discord.HTTPException as exc:
            log.warning("could not fetch channel %s in guild %s: %s", channel_id, guild.id, exc)
            return None
        if isinstance(
            channel, discord.TextChannel | discord.VoiceChannel | discord.StageChannel | discord.Thread
        ):
            return channel
        return None

    async def _fill_gap(self, guild_id: int, channel: HistoryChannel, gap: Gap) -> int:
        """Read ``gap`` through the live path, retrying a failed read from where it stopped; the gap row is
        closed once everything read is committed, or narrowed to what is still missing when the retries run
        out (then ``_gaps_pending`` asks the background retry to come back)."""
        settings = self.bot.settings
        count = 0
        read_up_to = gap.after_id
        attempt = 0
        while True:
            try:
                async for message_id, message in read_history(channel, read_up_to, gap.before_id):
                    incoming = None if message is None else incoming_from_message(message)
                    if incoming is not None:
                        await self.bot.ingest.message(incoming)
                        count += 1
                    read_up_to = max(read_up_to, message_id)
            except discord.NotFound as exc:
                log.info("catch-up skipped channel %s: %s", channel.id, exc)
                await self.bot.storage.close_gap(guild_id, gap)  # the channel is gone
                return count
            except discord.Forbidden as exc:
                log.info("catch-up cannot read channel %s now (%s); its gap stays recorded", channel.id, exc)
                await self._commit_then(self.bot.storage.narrow_gap(guild_id, gap, read_up_to))
                return count
            except READ_ERRORS as exc:
                attempt += 1
                if attempt < READ_ATTEMPTS:
                    delay = backoff(
                        attempt, settings.catchup_retry_seconds, settings.catchup_retry_max_seconds
                    )
                    log.warning(
                        "catch-up read failed in channel %s after message %s (%s); retrying in %.0fs",
                        channel.id,
                        read_up_to,
                        exc,
                        delay,
                    )
                    await asyncio.sleep(delay)
                    continue
                log.warning(
                    "catch-up stopped in channel %s after %d message(s) (%s); the rest of the gap stays"
                    " recorded and is read again later",
                    channel.id,
                    count,
                    exc,
                )
                await self._commit_then(self.bot.storage.narrow_gap(guild_id, gap, read_up_to))
                self._gaps_pending = True
                return count
            await self._commit_then(self.bot.storage.close_gap(guild_id, gap))
            return count

    async def _commit_then(self, write: Awaitable[None]) -> None:
        """Commit every event accepted so far, then ``write`` (a gap may only shrink over committed rows)."""
        await self.bot.ingest.wait_idle()
        await self.bot.queue.flush()
        await write

    # -- reconcile: what happened to stored messages while the bot was away ---------------------------------

    async def reconcile_guild(self, guild: discord.Guild, cursors: dict[int, int]) -> Reconcile:
        """Compare the recent stored messages (``SENTIMETER_RECONCILE_HOURS``, at most
        ``SENTIMETER_RECONCILE_MESSAGES`` per channel) with each channel's history: deleted ones go the live
        delete path (roll-ups, flag text), ones edited since the bot went away the live edit path, and
        reaction counts are replaced. Returns what was applied (all channels together)."""
        settings = self.bot.settings
        since = snowflake_at(time.time() - settings.reconcile_hours * 3600)
        stored = await self.bot.storage.recent_messages(guild.id, since, settings.reconcile_messages)
        by_channel: dict[int, list[StoredMessage]] = {}
        for row in stored:
            by_channel.setdefault(row.channel_id, []).append(row)
        # an edit before the newest stored message (made while the bot was running) was applied live
        edited_since = snowflake_time(max(cursors.values())) - EDIT_MARGIN
        channels = {state.channel_id: channel for state, channel in channel_states(guild)}
        total = Reconcile()
        for channel_id, rows in by_channel.items():
            channel = channels.get(channel_id)
            if channel is None:
                with contextlib.suppress(_ChannelGone):
                    channel = await self._fetch_channel(guild, channel_id)
            if channel is None:
                continue
            perms = channel.permissions_for(guild.me)
            if not (perms.view_channel and perms.read_message_history):
                continue
            done = await self._reconcile_channel(guild.id, channel, rows, edited_since)
            total.deleted.extend(done.deleted)
            total.edited.extend(done.edited)
            total.reactions.extend(done.reactions)
        if not total.empty:
            log.info(
                "reconciled guild %s: %d deleted, %d edited, %d reaction count(s) changed while away",
                guild.id,
                len(total.deleted),
                len(total.edited),
                len(total.reactions),
            )
        return total

    async def _reconcile_channel(
        self, guild_id: int, channel: HistoryChannel, rows: list[StoredMessage], edited_since: float
    ) -> Reconcile:
        first, last = rows[0].message_id, rows[-1].message_id
        seen: dict[int, Seen | None] = {}
        messages: dict[int, discord.Message] = {}
        read_up_to = first - 1
        try:
            async for message_id, message in read_history(channel, first - 1, last + 1):
                read_up_to = message_id
                if message is None:
                    seen[message_id] = None
                    continue
                messages[message_id] = message
                edited = message.edited_at.timestamp() if message.edited_at is not None else None
                seen[message_id] = Seen(message_id, reactions_of(message), edited)
            read_up_to = last
        except READ_ERRORS as exc:  # Forbidden and NotFound too
            log.warning(
                "reconcile read stopped in channel %s (%s); compared up to message %s",
                channel.id,
                exc,
                read_up_to,
            )
        result = reconcile(rows, seen, read_up_to, edited_since=edited_since)
        ingest = self.bot.ingest
        for message_id in result.deleted:
            await ingest.delete(guild_id, channel.id, message_id)
        for message_id in result.edited:
            edit = incoming_edit_from_message(messages[message_id])
            if edit is not None and self.edits.is_new(edit.message_id, edit.edited_at):
                await ingest.edit(edit)
        for message_id, reactions in result.reactions:
            await ingest.reactions_cleared(guild_id, channel.id, message_id, reactions)
        return result

    # -- background: gap retries and the open flags' messages -----------------------------------------------

    def _start_background(self) -> None:
        if self._gaps_pending and (self._retry_task is None or self._retry_task.done()):
            self._retry_task = asyncio.create_task(self._retry_gaps(), name="sentimeter-catch-up-retry")
        if self.bot.settings.flag_check_minutes > 0 and (
            self._flag_check_task is None or self._flag_check_task.done()
        ):
            self._flag_check_task = asyncio.create_task(
                self._check_flags_forever(), name="sentimeter-flag-check"
            )

    async def _retry_gaps(self) -> None:
        """While gaps are left unread, read them again after a growing pause."""
        settings = self.bot.settings
        attempt = READ_ATTEMPTS
        while self._gaps_pending:
            await asyncio.sleep(
                backoff(attempt, settings.catchup_retry_seconds, settings.catchup_retry_max_seconds)
            )
            attempt += 1
            self._gaps_pending = False
            for guild in list(self.bot.guilds):
                try:
                    count = await self._read_gaps(guild, {})
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("reading the catch-up gaps failed for guild %s", guild.id)
                    self._gaps_pending = True
                    continue
                if count:
                    log.info("caught up %d message(s) from earlier gaps in guild %s", count, guild.id)

    async def _check_flags_forever(self) -> None:
        interval = self.bot.settings.flag_check_minutes * 60
        while True:
            for guild in list(self.bot.guilds):
                try:
                    await self.check_open_flags(guild.id)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("checking open flags failed for guild %s", guild.id)
            await asyncio.sleep(interval)

    async def check_open_flags(self, guild_id: int) -> int:
        """Apply the delete path to every open flag whose message Discord no longer has; returns how many."""
        storage = self.bot.storage
        flags: list[Flag] = []
        while True:
            page = await storage.list_flags(guild_id, FlagStatus.OPEN, len(flags), FLAG_PAGE)
            flags.extend(page)
            if len(page) < FLAG_PAGE:
                break
        gone = 0
        for flag in flags:
            channel = self.bot.get_partial_messageable(flag.channel_id, guild_id=guild_id)
            try:
                await channel.fetch_message(flag.message_id)
            except discord.NotFound:  # the message (or its whole channel) was deleted
                await self.bot.ingest.delete(guild_id, flag.channel_id, flag.message_id)
                gone += 1
            except READ_ERRORS as exc:
                log.debug("could not check flag %s's message (%s)", flag.id, exc)
        if gone:
            log.info("%d open flag(s) in guild %s were about deleted messages", gone, guild_id)
        return gone


class _ChannelGone(Exception):
    """Discord says the channel no longer exists."""


async def setup(bot: Sentimeter) -> None:
    await bot.add_cog(Listener(bot))
