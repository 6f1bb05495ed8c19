"""The review-post outbox: every open flag of a server with a review channel gets its review post exactly
once, through 5xx errors, 429 storms, disconnects and restarts.

**Nothing lost.** A flag's row in ``review_outbox`` (migration 0005) is written by a trigger in the flag's own
transaction, so a post that is owed survives a failed send and a kill; the row goes when the post's message
id is stored (``set_review_message``), or when the flag is resolved or deleted (then nothing is posted). A
background task retries what is due, and after READY it tries everything pending at once.

**Never twice.** The one window left is a send that reached Discord but whose answer never came back (a
kill, a timeout, a 5xx after the message was made). So before each send we record that it starts and where
(``begin_review_post``), and a later try of such a flag first reads the review channel's history from then
on for the bot's own message whose buttons carry this flag's id (``sentimeter:flag:<action>:<id>``): if it
is there, it is adopted, not posted again. We chose the history over an attempt token of our own or
Discord's message nonce: the nonce is checked for a few minutes only (a restart can take longer), a token
would still need somewhere on Discord to be looked up, and the buttons' custom ids already are such a token
on every post ever made. A send that failed with an answer saying nothing was made (a 429, a 4xx) leaves no
such record, so an ordinary retry costs no history read. When the history cannot be read (no Read Message
History) the post is made anyway, with a warning: a duplicate is better than a lost post.

**Gentle.** discord.py waits out 429s itself first (its global limit holds every request); the outbox only
retries what discord.py gave up on, each flag with exponential, bounded, jittered backoff
(``bot.core.review.retry_delay``); a failure that says Discord is unwell (5xx, 429, network) also ends the
round, so an outage costs one request per round rather than one per pending flag. In one process a flag is
handled by one task at a time (``_busy``).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import enum
import logging
import random
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import aiohttp
import discord

from bot.core.review import POST_MAX_AGE, retry_delay
from bot.storage.models import Flag, PendingPost
from cogs.flags._views import TEMPLATE

if TYPE_CHECKING:
    from bot.app.client import Sentimeter
    from cogs.flags._cog import Flags, ReviewChannel

log = logging.getLogger(__name__)

ROUND_SIZE = 50  # pending posts looked at per round
IDLE = 60.0  # seconds between rounds when nothing is due (a safety net: new flags wake the task)
LEASE = 120.0  # seconds: a post being sent (discord.py may be waiting out 429s) is not retried before this
HISTORY_LIMIT = 200  # review-channel messages read when looking for a post whose answer was lost
CLOCK_SLACK = 60  # seconds: our clock against Discord's snowflakes
FAR_FUTURE = float(2**62)
OTHERS = 15.0  # seconds between looks while only other processes' posts are due (sharded, bot/core/shards.py)

_BUTTON_ID = re.compile(TEMPLATE)


class Outcome(enum.Enum):
    DONE = "done"  # posted, found already posted, or no post owed any more
    LATER = "later"  # this flag cannot be posted now (no channel or permission, server unavailable)
    UNWELL = "unwell"  # Discord is failing (5xx, 429, network): the round stops
    BUSY = "busy"  # another task is posting this flag right now


def flag_ids_on(message: discord.Message) -> set[int]:
    """The flag ids in a message's review buttons (``sentimeter:flag:<action>:<id>``)."""
    found: set[int] = set()
    stack: list[Any] = list(message.components)
    while stack:
        item = stack.pop()
        stack.extend(getattr(item, "children", ()))
        match = _BUTTON_ID.fullmatch(getattr(item, "custom_id", None) or "")
        if match is not None:
            found.add(int(match["flag_id"]))
    return found


class ReviewOutbox:
    """Posts review messages for flags, retries them, and finds the ones already made (see the module)."""

    def __init__(
        self,
        bot: Sentimeter,
        cog: Flags,
        *,
        clock: Callable[[], float] = time.time,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.bot = bot
        self.cog = cog
        self._clock = clock
        self._rng = rng
        self._busy: set[tuple[int, int]] = set()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._failures = 0  # rounds in a row that found Discord unwell

    def start(self) -> None:
        """Start the retry task (after READY: the cog's on_ready); a second call does nothing."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="sentimeter-review-outbox")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def deliver(self, flag: Flag) -> discord.Message | None:
        """Post a flag now (a new flag, or the "Flag for review" menu). None when it was not posted: then it
        stays pending and the task retries it."""
        message, outcome = await self._attempt(flag.guild_id, flag.id, None)
        if outcome is not Outcome.DONE:
            self._wake.set()  # the task works out when to try again
        return message

    # -- the task ------------------------------------------------------------------------------------------

    async def _run(self) -> None:
        horizon: float | None = FAR_FUTURE  # after (re)start every pending post is due at once
        while not self.bot.is_closed():
            self._wake.clear()
            try:
                pause, progress = await self._round(horizon)
            except Exception:  # the database closing under us, a bug: log, and try again later
                log.exception("review outbox: a round failed")
                pause, progress = retry_delay(self._failures + 1, self._rng), False
            horizon = None
            wait = max(pause, await self._until_next_due())
            if not progress:
                wait = max(wait, 1.0)  # only flags in flight elsewhere were due: do not spin on them
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=wait)

    async def _round(self, horizon: float | None) -> tuple[float, bool]:
        """One pass over the due posts: (the pause before the next round, whether anything was done)."""
        at = horizon if horizon is not None else self._clock()
        # only the posts of servers on this process's shards (bot/core/shards.py): never another's
        due, skipped = await self.bot.ownership.due(
            lambda limit: self.bot.storage.due_review_posts(at, limit), ROUND_SIZE, _guild_of
        )
        if skipped and not due:
            return OTHERS, False  # only other processes' posts are due: theirs to send
        progress = not due
        for pending in due:
            _message, outcome = await self._attempt(pending.guild_id, pending.flag_id, pending)
            if outcome is Outcome.UNWELL:
                self._failures += 1
                return retry_delay(self._failures, self._rng), True
            if outcome is not Outcome.BUSY:
                progress = True
            if outcome is Outcome.DONE:
                self._failures = 0
        return 0.0, progress

    async def _until_next_due(self) -> float:
        next_at = await self.bot.storage.next_review_post_at()
        if next_at is None:
            return IDLE
        return min(IDLE, max(0.0, next_at - self._clock()))

    # -- one flag ------------------------------------------------------------------------------------------

    async def _attempt(
        self, guild_id: int, flag_id: int, pending: PendingPost | None
    ) -> tuple[discord.Message | None, Outcome]:
        key = (guild_id, flag_id)
        if key in self._busy:
            return None, Outcome.BUSY
        self._busy.add(key)
        try:
            return await self._post(guild_id, flag_id, pending)
        finally:
            self._busy.discard(key)

    async def _post(
        self, guild_id: int, flag_id: int, pending: PendingPost | None
    ) -> tuple[discord.Message | None, Outcome]:
        storage = self.bot.storage
        flag = await storage.get_flag(guild_id, flag_id)
        if flag is None or not flag.is_open or flag.review_message_id is not None:
            await storage.drop_review_post(guild_id, flag_id)  # resolved or deleted meanwhile: no post
            return None, Outcome.DONE
        if pending is None:
            pending = await storage.pending_review_post(guild_id, flag_id)
        now = self._clock()
        if now - flag.created_at > POST_MAX_AGE:
            log.warning(
                "review post for flag %s in guild %s given up: not posted within %d days",
                flag.id,
                guild_id,
                POST_MAX_AGE // 86_400,
            )
            await storage.drop_review_post(guild_id, flag_id)
            return None, Outcome.DONE
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            return None, await self._later(flag, pending, "the server is not available")
        config = await self.bot.configs.get(guild_id)
        if await self.cog.wants_auto_delete(config, flag):
            try:
                if await self.cog.auto_delete(guild, config, flag):
                    return None, Outcome.DONE
            except discord.HTTPException as exc:  # resolved already; only its log entry is missing
                log.warning("spam log entry for flag %s in guild %s failed: %s", flag.id, guild_id, exc)
                return None, Outcome.DONE
        if config.review_channel_id is None:
            await storage.drop_review_post(guild_id, flag_id)
            return None, Outcome.DONE
        channel = self.cog.review_channel(guild, config)
        if channel is None:
            return None, await self._later(flag, pending, "the review channel cannot be posted in")

        if pending is not None and pending.attempted_at is not None:
            try:
                found = await self._find_post(guild, channel, pending)
            except discord.Forbidden:
                log.warning(
                    "guild %s: cannot read the review channel's history to check flag %s was not posted "
                    "already; posting it (a duplicate is possible)",
                    guild_id,
                    flag.id,
                )
                found = None
            except (discord.HTTPException, aiohttp.ClientError, OSError, TimeoutError) as exc:
                return None, await self._failed(flag, pending, exc, sent=False, started=None)
            if found is not None:
                await storage.set_review_message(guild_id, flag.id, found.channel.id, found.id)
                log.info(
                    "review post for flag %s was already made (message %s): recorded, not posted again",
                    flag.id,
                    found.id,
                )
                await self.cog.refresh_if_resolved(found.channel.id, found.id, guild_id, flag.id, config)
                return found, Outcome.DONE

        started = int(now)
        if not await storage.begin_review_post(guild_id, flag.id, channel.id, started, lease=LEASE):
            return None, Outcome.DONE  # resolved or posted while we looked
        try:
            message = await self.cog.post_flag(guild, config, flag, channel=channel)
        except discord.HTTPException as exc:
            # Discord answered: a 429 or another 4xx made nothing; a 5xx may have made the message.
            made_nothing = exc.status == 429 or 400 <= exc.status < 500
            return None, await self._failed(
                flag, pending, exc, sent=not made_nothing, started=started, channel_id=channel.id
            )
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:  # no answer: it may have been made
            return None, await self._failed(
                flag, pending, exc, sent=True, started=started, channel_id=channel.id
            )
        if message is None:  # the channel became unusable between the check and the send
            return None, await self._later(flag, pending, "the review channel cannot be posted in")
        return message, Outcome.DONE

    async def _find_post(
        self, guild: discord.Guild, channel: ReviewChannel, pending: PendingPost
    ) -> discord.Message | None:
        """The bot's post for this flag made since the unsure send started, if there is one."""
        where: Any = channel
        if pending.attempt_channel_id is not None and pending.attempt_channel_id != channel.id:
            earlier = guild.get_channel_or_thread(pending.attempt_channel_id)
            if isinstance(earlier, discord.abc.Messageable):
                where = earlier  # the review channel changed since: look where that send went
        since = dt.datetime.fromtimestamp(max(0, (pending.attempted_at or 0) - CLOCK_SLACK), tz=dt.UTC)
        after = discord.Object(id=discord.utils.time_snowflake(since))
        me = self.bot.user
        async for message in where.history(limit=HISTORY_LIMIT, after=after):
            if me is not None and message.author.id != me.id:
                continue
            if pending.flag_id in flag_ids_on(message):
                return message
        return None

    async def _later(self, flag: Flag, pending: PendingPost | None, why: str) -> Outcome:
        attempts = (pending.attempts if pending is not None else 0) + 1
        delay = retry_delay(attempts, self._rng)
        log.info("review post for flag %s in guild %s waits (%s)", flag.id, flag.guild_id, why)
        await self.bot.storage.postpone_review_post(
            flag.guild_id,
            flag.id,
            self._clock() + delay,
            attempted_at=pending.attempted_at if pending is not None else None,
            channel_id=pending.attempt_channel_id if pending is not None else None,
        )
        return Outcome.LATER

    async def _failed(
        self,
        flag: Flag,
        pending: PendingPost | None,
        exc: BaseException,
        *,
        sent: bool,
        started: int | None,
        channel_id: int | None = None,
    ) -> Outcome:
        """A failed send (``sent``: it may have reached Discord, in ``channel_id``) or history read: try
        again later."""
        attempts = (pending.attempts if pending is not None else 0) + 1
        delay = retry_delay(attempts, self._rng)
        earlier = pending.attempted_at if pending is not None else None
        attempted_at = earlier if earlier is not None or not sent else started
        if not sent:
            channel_id = pending.attempt_channel_id if pending is not None else None
        status = getattr(exc, "status", None)
        unwell = not isinstance(exc, discord.HTTPException) or status == 429 or (status or 0) >= 500
        log.warning(
            "review post for flag %s in guild %s failed (%s); trying again in %.1f s",
            flag.id,
            flag.guild_id,
            _describe(exc),
            delay,
        )
        await self.bot.storage.postpone_review_post(
            flag.guild_id, flag.id, self._clock() + delay, attempted_at=attempted_at, channel_id=channel_id
        )
        return Outcome.UNWELL if unwell else Outcome.LATER


def _guild_of(pending: PendingPost) -> int:
    return pending.guild_id


def _describe(exc: BaseException) -> str:
    if isinstance(exc, discord.HTTPException):
        return f"HTTP {exc.status}"
    return type(exc).__name__
