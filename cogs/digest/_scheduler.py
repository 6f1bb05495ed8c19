"""Posts each server's weekly digest when its slot comes (bot/core/digest.py), once, through restarts.

**Once.** The schedule row (migration 0014) owes one slot. When it is due, the newest slot reached is claimed
in one statement that also records which slot it is (``claim_digest``: only if that slot was not posted);
after the send, the post is recorded and the next slot owed (``finish_digest``). A digest missed while the bot
was down is the newest slot reached when it comes back: posted once, however many weeks were missed. Two posts
of a server are never closer than six days (``MIN_GAP``), so a time-zone change cannot double a week.

**A crash between claiming and sending** is handled like the review outbox (cogs/flags/_outbox.py): the claim
records that a send starts and where; a later try first reads that channel's newest messages for the bot's
own post carrying the digest's mark and that slot (``is_digest_post``) and adopts it instead of posting
again. A send answered with a 4xx or 429 made nothing and clears the record.

**Not lost.** A channel the bot can no longer see or post in is logged once per slot and tried again with
bounded backoff until it works, or until a newer slot replaces it (one post, the newest week)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import aiohttp
import discord

from bot.app.charts import ChartUnavailable, render_chart
from bot.app.errors import NO_PINGS
from bot.app.i18n import locale_for
from bot.core.digest import MIN_GAP, Digest, build_digest, latest_slot, next_slot
from bot.core.review import retry_delay
from bot.storage.models import DigestSchedule
from cogs.digest._view import chart_file, chart_spec, digest_layout, is_digest_post

if TYPE_CHECKING:
    from bot.app.client import Sentimeter

log = logging.getLogger(__name__)

CLOCK: Callable[[], float] = time.time  # the scheduler's and the commands' clock (tests replace it)
IDLE = 300.0  # seconds between looks when nothing is due sooner (a safety net: /digest set wakes the task)
ROUND_SIZE = 20
LEASE = 600.0  # seconds: a digest being sent is not tried again before this
HISTORY_LIMIT = 100  # newest channel messages read when looking for a post whose answer was lost
OTHERS = 30.0  # seconds between looks while only other processes' digests are due (bot/core/shards.py)

DigestChannel = discord.TextChannel | discord.Thread | discord.VoiceChannel


def now() -> float:
    return CLOCK()


def first_slot(schedule_weekday: int, hour: int, zone: str, at: float, posted_slot: int) -> int:
    """The first slot of a new or changed schedule: after now, and not within a week of the last post."""
    return next_slot(schedule_weekday, hour, zone, max(at, posted_slot + MIN_GAP - 1))


def postable(guild: discord.Guild, channel_id: int) -> DigestChannel | None:
    """The channel if the bot can post a digest there (the chart needs Attach Files too: ``can_attach``)."""
    channel = guild.get_channel_or_thread(channel_id)
    if not isinstance(channel, DigestChannel):
        return None
    perms = channel.permissions_for(guild.me)
    can_send = perms.send_messages_in_threads if isinstance(channel, discord.Thread) else perms.send_messages
    return channel if perms.view_channel and can_send else None


def can_attach(guild: discord.Guild, channel: DigestChannel) -> bool:
    return channel.permissions_for(guild.me).attach_files


async def render(
    bot: Sentimeter, guild_id: int, zone: str, moment: float, locale: str, *, chart: bool = True
) -> dict[str, Any]:
    """The digest at ``moment`` as keyword arguments for ``send``: the layout and the chart (if any)."""
    guild = bot.get_guild(guild_id)

    def keep(channel_id: int) -> bool:
        """A digest is a post: it lists only posts in channels everyone in the server can see."""
        found = None if guild is None else guild.get_channel_or_thread(channel_id)
        return found is not None and found.permissions_for(found.guild.default_role).view_channel

    digest = await build_digest(bot.storage, guild_id, zone, moment, keep=keep)
    png = await chart_png(digest, locale) if chart else None
    kwargs: dict[str, Any] = {"view": digest_layout(digest, locale, chart=png is not None, moment=moment)}
    if png is not None:
        kwargs["file"] = chart_file(png)
    return kwargs


async def chart_png(digest: Digest, locale: str) -> bytes | None:
    """The trend chart as PNG, drawn in the chart worker; None when it cannot be drawn now (the post goes
    out without it)."""
    try:
        return await render_chart(chart_spec(digest, locale))
    except ChartUnavailable as exc:
        log.warning("digest chart for guild %s not drawn (%s)", digest.guild_id, exc)
        return None


class DigestScheduler:
    """The background task that posts digests when due (see the module)."""

    def __init__(
        self,
        bot: Sentimeter,
        *,
        clock: Callable[[], float] | None = None,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.bot = bot
        self._clock = clock or now
        self._rng = rng
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._busy: set[int] = set()
        self._others_due = False  # the last round skipped due digests of other processes' servers

    def start(self) -> None:
        """Start the task (after READY); a second call does nothing."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="sentimeter-digest")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def wake(self) -> None:
        self._wake.set()

    async def _run(self) -> None:
        while not self.bot.is_closed():
            self._wake.clear()
            try:
                await self.run_due()
            except Exception:  # the database closing under us, a bug: log, and look again later
                log.exception("digest: a round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=await self._until_next())

    async def _until_next(self) -> float:
        next_at = await self.bot.storage.next_digest_at()
        if next_at is None:
            return IDLE
        soonest = OTHERS if self._others_due else 0.5  # other processes' digests due: not ours to poll for
        return min(IDLE, max(soonest, next_at - self._clock()))

    async def run_due(self) -> int:
        """One pass over the schedules that are due; returns how many digests were posted."""
        at = self._clock()
        # only the servers on this process's shards (bot/core/shards.py): another process posts the others
        due, self._others_due = await self.bot.ownership.due(
            lambda limit: self.bot.storage.due_digests(at, limit), ROUND_SIZE, _guild_of
        )
        posted = 0
        for schedule in due:
            if schedule.guild_id in self._busy:
                continue
            self._busy.add(schedule.guild_id)
            try:
                posted += await self._handle(schedule)
            except Exception:
                log.exception("digest for guild %s failed; trying again later", schedule.guild_id)
                await self._later(schedule, schedule.attempted_at, warn=False)
            finally:
                self._busy.discard(schedule.guild_id)
        return posted

    async def _handle(self, schedule: DigestSchedule) -> int:
        storage = self.bot.storage
        guild = self.bot.get_guild(schedule.guild_id)
        if guild is None:  # unavailable, or the bot was removed (the row goes with the server's data)
            await self._later(schedule, schedule.attempted_at, warn=False)
            return 0
        config = await self.bot.configs.get(guild.id)
        zone = config.timezone
        at = self._clock()

        if schedule.attempted_at is not None:  # a send whose answer was lost: was the post made?
            try:
                found = await self._find_post(guild, schedule)
            except (discord.HTTPException, aiohttp.ClientError, OSError, TimeoutError) as exc:
                log.warning("digest for guild %s: cannot check the last send yet (%s)", guild.id, exc)
                await self._later(schedule, schedule.attempted_at, warn=False)
                return 0
            if found is not None:
                following = next_slot(schedule.weekday, schedule.hour, zone, max(at, schedule.slot + MIN_GAP))
                await storage.finish_digest(guild.id, schedule.slot, found.id, following)
                log.info(
                    "digest for guild %s was already posted (message %s): not posted again",
                    guild.id,
                    found.id,
                )
                return 0

        target = latest_slot(schedule.weekday, schedule.hour, zone, at)
        if target < schedule.slot or target < schedule.posted_slot + MIN_GAP:
            # not due in the server's zone (it changed), or posted less than a week ago: owe the next one
            following = next_slot(
                schedule.weekday, schedule.hour, zone, max(at, schedule.posted_slot + MIN_GAP - 1)
            )
            await storage.skip_digest(guild.id, schedule.slot, following)
            return 0

        channel = postable(guild, schedule.channel_id)
        if channel is None:
            await self._cannot_post(schedule)
            return 0
        locale = locale_for(None, config)
        kwargs = await render(self.bot, guild.id, zone, target, locale, chart=can_attach(guild, channel))
        started = int(self._clock())  # claimed just before the send: nothing slow in between
        if not await storage.claim_digest(guild.id, schedule.slot, target, channel.id, started, lease=LEASE):
            return 0  # changed or posted meanwhile
        claimed = _claimed(schedule, target, started, channel.id)
        try:
            message = await channel.send(allowed_mentions=NO_PINGS, **kwargs)
        except discord.Forbidden:
            await self._cannot_post(claimed, attempted_at=None)
            return 0
        except discord.HTTPException as exc:  # a 429 or another 4xx made nothing; a 5xx may have
            made_nothing = exc.status == 429 or 400 <= exc.status < 500
            log.warning("digest for guild %s failed (HTTP %s); trying again later", guild.id, exc.status)
            await self._later(claimed, None if made_nothing else started, warn=False)
            return 0
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:  # no answer: it may have been made
            log.warning("digest for guild %s failed (%s); trying again later", guild.id, type(exc).__name__)
            await self._later(claimed, started, warn=False)
            return 0
        following = next_slot(schedule.weekday, schedule.hour, zone, max(at, target + MIN_GAP))
        await storage.finish_digest(guild.id, target, message.id, following)
        log.info("digest posted in guild %s (message %s)", guild.id, message.id)
        return 1

    async def _find_post(self, guild: discord.Guild, schedule: DigestSchedule) -> discord.Message | None:
        """The bot's post of the claimed slot among the channel's newest messages (the slot is in the post,
        so neither our clock nor Discord's matters)."""
        channel = guild.get_channel_or_thread(schedule.attempt_channel_id or schedule.channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            return None
        me = self.bot.user
        try:
            async for message in channel.history(limit=HISTORY_LIMIT):
                if me is not None and message.author.id == me.id and is_digest_post(message, schedule.slot):
                    return message
        except discord.Forbidden:
            log.warning(
                "guild %s: cannot read the digest channel's history to check the last digest was not "
                "posted already; posting it (a duplicate is possible)",
                guild.id,
            )
        return None

    async def _cannot_post(self, schedule: DigestSchedule, *, attempted_at: int | None = None) -> None:
        if not schedule.warned:
            log.warning(
                "guild %s: cannot post the weekly digest in channel %s (missing, or no permission to see it "
                "or send messages); trying again later",
                schedule.guild_id,
                schedule.channel_id,
            )
        await self._later(schedule, attempted_at, warn=True)

    async def _later(self, schedule: DigestSchedule, attempted_at: int | None, *, warn: bool) -> None:
        delay = retry_delay(schedule.attempts + 1, self._rng)
        await self.bot.storage.postpone_digest(
            schedule.guild_id,
            schedule.slot,
            self._clock() + delay,
            attempted_at=attempted_at,
            channel_id=schedule.attempt_channel_id if attempted_at is not None else None,
            warned=schedule.warned or warn,
        )


def _guild_of(schedule: DigestSchedule) -> int:
    return schedule.guild_id


def _claimed(schedule: DigestSchedule, slot: int, started: int, channel_id: int) -> DigestSchedule:
    """The row as the claim left it."""
    return replace(
        schedule, slot=slot, attempted_at=schedule.attempted_at or started, attempt_channel_id=channel_id
    )
