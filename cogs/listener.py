"""Reads comments: every message, edit, delete and reaction the bot can see in a server goes to the ingest
service, and on start-up the history missed while the bot was away is read through the same path."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable
from typing import TYPE_CHECKING

import discord
from discord.ext import commands

from bot.app.convert import (  # noqa: F401  (re-exported: tests and tools import them from here)
    COMMENT_TYPES,
    incoming_edit_from_message,
    incoming_from_edit,
    incoming_from_message,
    is_comment,
    reactions_of,
)
from bot.app.history import (
    READ_ERRORS,
    ChannelGone,
    HistoryChannel,
    ReadEnd,
    can_read,
    channel_states,
    fetch_channel,
    read_history,
    read_range,
)
from bot.core.ingest.catchup import (
    Reconcile,
    Seen,
    backoff,
    plan_gaps,
    reconcile,
    snowflake_at,
    snowflake_time,
)
from bot.storage.models import Flag, FlagStatus, Gap, StoredMessage

if TYPE_CHECKING:
    from bot.app.client import Sentimeter

log = logging.getLogger(__name__)


RECENT_EDITS = 10_000
READ_ATTEMPTS = 3  # catch-up's reads: retried this many times in a row, then later (background retry)
FLAG_PAGE = 100
EDIT_MARGIN = 60.0  # seconds: clocks differ; re-scoring an edit already applied changes nothing


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
        if isinstance(self.bot, discord.AutoShardedClient):
            return  # sharded: each shard's new session snapshots only its own guilds (on_shard_connect)
        self._session_cursors = {
            guild.id: asyncio.create_task(self.bot.storage.begin_catch_up(guild.id))
            for guild in self.bot.guilds
        }

    @commands.Cog.listener()
    async def on_shard_connect(self, shard_id: int) -> None:
        # on_connect for one shard's new session: the other shards' guilds are live and keep their snapshot
        storage = self.bot.storage
        for guild in self.bot.guilds:
            if guild.shard_id == shard_id:
                self._session_cursors[guild.id] = asyncio.create_task(storage.begin_catch_up(guild.id))

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

    @commands.Cog.listener()
    async def on_shard_ready(self, shard_id: int) -> None:
        # Sharded, a shard that starts a new session alone (the others stay connected) gets no on_ready:
        # catch up its guilds. The first start is the on_ready catch-up's, which covers every shard.
        if self.bot.is_closed() or not self.bot.is_ready():
            return
        if self._catch_up_task is None or self._catch_up_task.done():
            self._catch_up_task = asyncio.create_task(
                self._catch_up_guilds([g for g in self.bot.guilds if g.shard_id == shard_id]),
                name=f"sentimeter-catch-up-shard-{shard_id}",
            )

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
        await self._catch_up_guilds(list(self.bot.guilds))

    async def _catch_up_guilds(self, guilds: list[discord.Guild]) -> None:
        for guild in guilds:
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
                channel = await fetch_channel(guild, gap.channel_id)
            except ChannelGone:
                await storage.close_gap(guild.id, gap)  # deleted: nothing left to read
                continue
            if channel is None:
                continue
            if not can_read(channel, guild.me):
                continue
            if channel.last_message_id is not None and channel.last_message_id <= gap.after_id:
                await storage.close_gap(guild.id, gap)
                continue
            count += await self._fill_gap(guild.id, channel, gap)
        return count

    async def _fill_gap(self, guild_id: int, channel: HistoryChannel, gap: Gap) -> int:
        """Read ``gap`` through the live path (bot/app/history.py retries a failed read from where it
        stopped); the gap row is closed once everything read is committed, or narrowed to what is still
        missing when the retries run out (then ``_gaps_pending`` asks the background retry to come back)."""
        settings = self.bot.settings
        count = 0

        async def handle(message_id: int, message: discord.Message | None) -> None:
            nonlocal count
            incoming = None if message is None else incoming_from_message(message)
            if incoming is not None:
                await self.bot.ingest.message(incoming)
                count += 1

        result = await read_range(
            channel,
            gap.after_id,
            gap.before_id,
            handle,
            retry_seconds=settings.catchup_retry_seconds,
            retry_max_seconds=settings.catchup_retry_max_seconds,
            attempts=READ_ATTEMPTS,
            what="catch-up",
        )
        if result.end is ReadEnd.GONE:
            log.info("catch-up skipped channel %s: %s", channel.id, result.error)
            await self.bot.storage.close_gap(guild_id, gap)  # the channel is gone
        elif result.end is ReadEnd.FORBIDDEN:
            log.info(
                "catch-up cannot read channel %s now (%s); its gap stays recorded", channel.id, result.error
            )
            await self._commit_then(self.bot.storage.narrow_gap(guild_id, gap, result.read_up_to))
        elif result.end is ReadEnd.FAILED:
            log.warning(
                "catch-up stopped in channel %s after %d message(s) (%s); the rest of the gap stays"
                " recorded and is read again later",
                channel.id,
                count,
                result.error,
            )
            await self._commit_then(self.bot.storage.narrow_gap(guild_id, gap, result.read_up_to))
            self._gaps_pending = True
        else:
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
                with contextlib.suppress(ChannelGone):
                    channel = await fetch_channel(guild, channel_id)
            if channel is None:
                continue
            if not can_read(channel, guild.me):
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
            async with contextlib.aclosing(read_history(channel, first - 1, last + 1)) as history:
                async for message_id, message in history:
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


async def setup(bot: Sentimeter) -> None:
    await bot.add_cog(Listener(bot))
