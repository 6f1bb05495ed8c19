"""/backfill start | status | cancel | max-days: read the history from before Sentimeter joined, through the
same path as live messages (the listener's conversion, IngestService), with a progress message edited as it
goes. The plan and the figures: bot/core/backfill.py; the history reader: bot/app/history.py; the stored
run, which a restart resumes after READY: bot/storage/_backfill.py."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.app.context import guild_context
from bot.app.convert import incoming_from_message, reactions_of
from bot.app.embeds import fmt_int
from bot.app.errors import NO_PINGS
from bot.app.history import (
    ChannelGone,
    HistoryChannel,
    ReadEnd,
    archived_threads,
    can_read,
    channel_states,
    fetch_channel,
    read_range,
)
from bot.app.i18n import t
from bot.core import backfill as plan
from bot.core.errors import UserFacingError
from bot.core.ingest.catchup import ChannelState, backoff, snowflake_at
from bot.core.ingest.queue import QueueClosedError
from bot.storage.models import BackfillRange, BackfillRun

if TYPE_CHECKING:
    from bot.app.client import Sentimeter

log = logging.getLogger(__name__)

Clock = Callable[[], float]


def eta_text(seconds: float | None, locale: str) -> str:
    if seconds is None:
        return t("backfill.eta.unknown", locale)
    whole = round(seconds)
    if whole < 60:
        return t("backfill.eta.seconds", locale, seconds=whole)
    minutes = round(whole / 60)
    if minutes < 60:
        return t("backfill.eta.minutes", locale, minutes=minutes)
    return t("backfill.eta.hours", locale, hours=minutes // 60, minutes=minutes % 60)


def progress_text(progress: plan.Progress, locale: str) -> str:
    if progress.finished:
        return t(
            "backfill.finished",
            locale,
            total=fmt_int(progress.channels_total, locale),
            messages=fmt_int(progress.messages, locale),
        )
    return t(
        "backfill.progress",
        locale,
        done=fmt_int(progress.channels_done, locale),
        total=fmt_int(progress.channels_total, locale),
        messages=fmt_int(progress.messages, locale),
        rate=fmt_int(round(progress.rate), locale),
        eta=eta_text(progress.eta_seconds, locale),
    )


class BackfillJob:
    """One server's back-fill in this process: reads the stored ranges channel by channel (oldest message
    first), feeds every comment to the ingest service (its awaiting ``message()`` is the backpressure),
    commits and narrows the stored range every ``SENTIMETER_BACKFILL_CHECKPOINT_SECONDS`` and at the end of
    each channel, and edits the progress message at most every ``SENTIMETER_BACKFILL_PROGRESS_SECONDS``."""

    def __init__(self, bot: Sentimeter, guild: discord.Guild, run: BackfillRun, *, clock: Clock) -> None:
        self.bot = bot
        self.guild = guild
        self.run = run
        self.clock = clock
        self.channels_done = run.channels_done
        self.messages = run.messages_read  # committed and pending
        self.session_messages = 0
        self.started = clock()
        # a resumed run continues the channel it was reading (the first left): count what it read already
        self.current_fraction = 0.0
        if run.ranges:
            first = min(run.ranges, key=lambda r: r.channel_id)
            self.current_fraction = plan.range_fraction(first.start_id, first.after_id, first.before_id)
        self._pending = 0  # read since the last checkpoint
        self._last_checkpoint = self.started
        self._last_edit = self.started
        self._progress_message = run.progress_message_id
        self.session_fraction = 0.0
        self.session_fraction = self.progress().fraction  # the rate and ETA count from here

    def progress(self) -> plan.Progress:
        return plan.progress(
            channels_done=self.channels_done,
            channels_total=self.run.channels_total,
            current_fraction=self.current_fraction,
            messages=self.messages,
            session_messages=self.session_messages,
            session_fraction=self.session_fraction,
            elapsed=self.clock() - self.started,
        )

    async def __call__(self) -> None:
        for item in sorted(self.run.ranges, key=lambda r: r.channel_id):
            await self._channel(item)
            if self.clock() - self._last_edit >= self.bot.settings.backfill_progress_seconds:
                await self.edit_progress(progress_text(self.progress(), self.run.locale))
        await self.edit_progress(progress_text(self.progress(), self.run.locale))
        await self.bot.storage.end_backfill(self.guild.id)
        log.info(
            "back-fill finished in guild %s: %d channel(s), %d message(s)",
            self.guild.id,
            self.run.channels_total,
            self.messages,
        )

    async def _channel(self, item: BackfillRange) -> None:
        channel = await self._find(item.channel_id)
        if channel is None:
            await self._checkpoint(item, item.after_id, done=True)
            return
        settings = self.bot.settings
        after = item.after_id
        attempt = 0
        while True:
            self.current_fraction = plan.range_fraction(item.start_id, after, item.before_id)

            async def handle(message_id: int, message: discord.Message | None) -> None:
                await self._message(message_id, message)
                self.current_fraction = plan.range_fraction(item.start_id, message_id, item.before_id)
                now = self.clock()
                if now - self._last_checkpoint >= self.bot.settings.backfill_checkpoint_seconds:
                    await self._checkpoint(item, message_id, done=False)
                if now - self._last_edit >= self.bot.settings.backfill_progress_seconds:
                    await self.edit_progress(progress_text(self.progress(), self.run.locale))

            result = await read_range(
                channel,
                after,
                item.before_id,
                handle,
                retry_seconds=settings.catchup_retry_seconds,
                retry_max_seconds=settings.catchup_retry_max_seconds,
                what="back-fill",
            )
            if result.end is not ReadEnd.FAILED:
                if result.end is not ReadEnd.DONE:
                    log.info("back-fill skipped channel %s: %s", channel.id, result.error)
                await self._checkpoint(item, result.read_up_to, done=True)
                return
            await self._checkpoint(item, result.read_up_to, done=False)
            after = result.read_up_to
            attempt += 1
            delay = backoff(attempt, settings.catchup_retry_seconds, settings.catchup_retry_max_seconds)
            log.warning(
                "back-fill paused in channel %s after message %s (%s); trying again in %.0fs",
                channel.id,
                after,
                result.error,
                delay,
            )
            await asyncio.sleep(delay)

    async def _find(self, channel_id: int) -> HistoryChannel | None:
        channel = self.guild.get_channel_or_thread(channel_id)
        if not isinstance(channel, HistoryChannel):
            try:
                channel = await fetch_channel(self.guild, channel_id)
            except ChannelGone:
                return None
        if channel is None or not can_read(channel, self.guild.me):
            log.info("back-fill skipped channel %s: it cannot be read now", channel_id)
            return None
        return channel

    async def _message(self, message_id: int, message: discord.Message | None) -> None:
        incoming = None if message is None else incoming_from_message(message)
        if incoming is None or message is None:
            return
        ingest = self.bot.ingest
        await ingest.message(incoming)  # a message already stored is ignored: nothing counted twice
        reactions = reactions_of(message)
        if reactions:  # set, not added: reading it again changes nothing
            await ingest.reactions_cleared(incoming.guild_id, incoming.channel_id, message_id, reactions)
        self.messages += 1
        self.session_messages += 1
        self._pending += 1

    async def _checkpoint(self, item: BackfillRange, read_up_to: int, *, done: bool) -> None:
        """Commit everything accepted so far, then narrow the stored range (a range only shrinks over
        committed rows, so a crash re-reads at most what came after)."""
        await self.bot.ingest.wait_idle()
        await self.bot.queue.flush()
        pending, self._pending = self._pending, 0
        await self.bot.storage.advance_backfill(
            self.guild.id, item.channel_id, read_up_to, pending, done=done
        )
        self._last_checkpoint = self.clock()
        if done:
            self.channels_done += 1
            self.current_fraction = 0.0

    async def edit_progress(self, text: str) -> None:
        self._last_edit = self.clock()
        channel_id, message_id = self.run.progress_channel_id, self._progress_message
        if channel_id is None or message_id is None:
            return
        channel = self.bot.get_partial_messageable(channel_id, guild_id=self.guild.id)
        try:
            await channel.get_partial_message(message_id).edit(content=text, allowed_mentions=NO_PINGS)
        except discord.NotFound:
            self._progress_message = None  # deleted: the figures stay in /backfill status
        except discord.HTTPException as exc:
            log.info("could not edit the back-fill progress message in guild %s: %s", self.guild.id, exc)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Backfill(
    commands.GroupCog,
    group_name=_("backfill"),
    group_description=_("Read the history from before Sentimeter joined"),
):
    def __init__(self, bot: Sentimeter, *, clock: Clock = time.monotonic) -> None:
        self.bot = bot
        self.clock = clock
        self.jobs: dict[int, tuple[BackfillJob, asyncio.Task[None]]] = {}
        self._resume_task: asyncio.Task[None] | None = None
        super().__init__()

    async def cog_load(self) -> None:
        # never wait for ready inside setup_hook: the task waits on its own
        self._resume_task = asyncio.create_task(self._resume_when_ready(), name="sentimeter-backfill-resume")

    async def cog_unload(self) -> None:
        # the stored runs stay: the next start resumes them
        tasks = [task for _, task in self.jobs.values()]
        if self._resume_task is not None:
            tasks.append(self._resume_task)
        for task in tasks:
            task.cancel()

    # -- running -------------------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        if self._resume_task is None or self._resume_task.done():
            self._resume_task = asyncio.create_task(self.resume(), name="sentimeter-backfill-resume")

    async def _resume_when_ready(self) -> None:
        try:
            await self.bot.wait_until_ready()
        except RuntimeError:  # loaded without logging in (tests, tooling)
            return
        await self.resume()

    async def resume(self) -> None:
        """Start every stored run of a server the bot is in, on this process's shards, that is not running
        here yet (another process resumes the others: bot/core/shards.py)."""
        for guild_id in await self.bot.storage.backfill_guilds():
            if not self.bot.ownership.owns(guild_id):
                continue
            guild = self.bot.get_guild(guild_id)
            if guild is None or self.running(guild_id):
                continue
            run = await self.bot.storage.backfill_run(guild_id)
            if run is not None:
                log.info("resuming the back-fill of guild %s: %d channel(s) left", guild_id, len(run.ranges))
                self.launch(guild, run)

    def running(self, guild_id: int) -> bool:
        entry = self.jobs.get(guild_id)
        return entry is not None and not entry[1].done()

    def launch(self, guild: discord.Guild, run: BackfillRun) -> BackfillJob:
        job = BackfillJob(self.bot, guild, run, clock=self.clock)
        task = asyncio.create_task(self._guarded(job), name=f"sentimeter-backfill-{guild.id}")
        self.jobs[guild.id] = (job, task)
        return job

    async def _guarded(self, job: BackfillJob) -> None:
        try:
            await job()
        except QueueClosedError:
            log.info("back-fill of guild %s stops for shutdown; it resumes on the next start", job.guild.id)
        except Exception:
            log.exception("back-fill of guild %s failed; it resumes on the next start", job.guild.id)

    # -- commands ------------------------------------------------------------------------------------------

    @app_commands.command(
        name=_("start"), description=_("Read past messages of every channel (or one) into the statistics")
    )
    @app_commands.describe(
        channel=_("Only this channel or thread"),
        days=_("How many days back (default: this server's limit)"),
    )
    async def start(
        self,
        interaction: discord.Interaction[Sentimeter],
        channel: HistoryChannel | None = None,
        days: app_commands.Range[int, 1, plan.MAX_DAYS] | None = None,
    ) -> None:
        ctx = await guild_context(self.bot, interaction, manage_guild=True)
        guild, locale = ctx.guild, ctx.locale
        storage = self.bot.storage
        if self.running(guild.id) or await storage.backfill_run(guild.id) is not None:
            raise UserFacingError(t("backfill.already_running", locale))
        limit = await storage.get_backfill_days(guild.id) or plan.DEFAULT_DAYS
        days = days or limit
        if days > limit:
            raise UserFacingError(t("backfill.too_many_days", locale, max=limit))
        if channel is not None:
            if not can_read(channel, guild.me):
                raise UserFacingError(t("backfill.channel_unreadable", locale, channel=channel.mention))
            states = [ChannelState(channel.id, channel.last_message_id, True)]
            now = time.time()
        else:
            now = time.time()
            await interaction.response.defer(ephemeral=True, thinking=True)  # listing archives takes requests
            since = datetime.datetime.fromtimestamp(now - days * 86_400, datetime.UTC)
            archived = await archived_threads(guild, since)
            states = [state for state, _ in channel_states(guild)]
            states += [ChannelState(th.id, th.last_message_id, can_read(th, guild.me)) for th in archived]
        ranges = plan.plan_ranges(
            states,
            since_id=snowflake_at(now - days * 86_400),
            until_id=snowflake_at(now),
            only=None if channel is None else channel.id,
        )
        if not ranges:
            raise UserFacingError(t("backfill.nothing", locale, days=days))
        if not interaction.response.is_done():
            await interaction.response.defer(ephemeral=True, thinking=True)
        post = await self._post_progress(interaction, t("backfill.starting", locale))
        run = BackfillRun(
            guild_id=guild.id,
            started_at=int(now),
            days=days,
            only_channel_id=None if channel is None else channel.id,
            channels_total=len(ranges),
            progress_channel_id=None if post is None else post.channel.id,
            progress_message_id=None if post is None else post.id,
            locale=locale,
            ranges=tuple(ranges),
        )
        if not await storage.start_backfill(run):
            if post is not None:
                with contextlib.suppress(discord.HTTPException):
                    await post.delete()
            raise UserFacingError(t("backfill.already_running", locale))
        self.launch(guild, run)
        log.info("back-fill started in guild %s: %d channel(s), %d day(s)", guild.id, len(ranges), days)
        key = "backfill.started" if post is not None else "backfill.started_no_post"
        text = t(
            key,
            locale,
            channels=fmt_int(len(ranges), locale),
            days=fmt_int(days, locale),
            link=post.jump_url if post is not None else "",
        )
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_PINGS)

    async def _post_progress(
        self, interaction: discord.Interaction[Sentimeter], text: str
    ) -> discord.Message | None:
        """The progress message, in the channel the command was used in; None when the bot cannot post."""
        channel = interaction.channel
        if not isinstance(channel, discord.abc.Messageable) or not isinstance(
            channel, discord.abc.GuildChannel | discord.Thread
        ):
            return None
        me = interaction.guild.me if interaction.guild is not None else None
        if me is None or not channel.permissions_for(me).send_messages:
            return None
        try:
            return await channel.send(text, allowed_mentions=NO_PINGS)
        except discord.HTTPException as exc:
            log.info("could not post the back-fill progress message: %s", exc)
            return None

    @app_commands.command(name=_("status"), description=_("How far the back-fill is"))
    async def status(self, interaction: discord.Interaction[Sentimeter]) -> None:
        ctx = await guild_context(self.bot, interaction, manage_guild=True)
        entry = self.jobs.get(ctx.guild.id)
        if entry is not None and not entry[1].done():
            text = progress_text(entry[0].progress(), ctx.locale)
        else:
            run = await self.bot.storage.backfill_run(ctx.guild.id)
            if run is None:
                raise UserFacingError(t("backfill.none", ctx.locale))
            # stored, not running here (it resumes after the next start): no rate or time left to show
            stored = BackfillJob(self.bot, ctx.guild, run, clock=self.clock)
            text = progress_text(stored.progress(), ctx.locale)
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)

    @app_commands.command(name=_("cancel"), description=_("Stop the back-fill (what was read is kept)"))
    async def cancel(self, interaction: discord.Interaction[Sentimeter]) -> None:
        ctx = await guild_context(self.bot, interaction, manage_guild=True)
        guild = ctx.guild
        entry = self.jobs.pop(guild.id, None)
        if entry is not None:
            entry[1].cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await entry[1]
        run = await self.bot.storage.backfill_run(guild.id)
        if run is None:  # none stored: never started, or it finished already
            raise UserFacingError(t("backfill.none", ctx.locale))
        await self.bot.storage.end_backfill(guild.id)
        job = entry[0] if entry is not None else BackfillJob(self.bot, guild, run, clock=self.clock)
        locale = run.locale
        await job.edit_progress(t("backfill.cancelled", locale, messages=fmt_int(job.messages, locale)))
        log.info("back-fill cancelled in guild %s after %d message(s)", guild.id, job.messages)
        await interaction.response.send_message(
            t("backfill.cancel.done", ctx.locale, messages=fmt_int(job.messages, ctx.locale)),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    @app_commands.command(
        name=_("max-days"), description=_("How many days back a back-fill may read in this server")
    )
    @app_commands.describe(days=_("Days (default 365)"))
    async def max_days(
        self, interaction: discord.Interaction[Sentimeter], days: app_commands.Range[int, 1, plan.MAX_DAYS]
    ) -> None:
        ctx = await guild_context(self.bot, interaction, manage_guild=True)
        await self.bot.storage.set_backfill_days(ctx.guild.id, days)
        await interaction.response.send_message(
            t(
                "backfill.max_days.done",
                ctx.locale,
                days=fmt_int(days, ctx.locale),
                default=fmt_int(plan.DEFAULT_DAYS, ctx.locale),
            ),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )


async def setup(bot: Sentimeter) -> None:
    await bot.add_cog(Backfill(bot))
