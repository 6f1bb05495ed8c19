"""The one history reader: catch-up after downtime (cogs/listener.py) and back-fill (cogs/backfill.py) read
channel history through it. ``read_history`` reads a range page by page, ``read_range`` adds the retries
(bounded, with backoff) and says how the read ended, ``channel_states`` lists what the bot may read."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import enum
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import discord

from bot.core.ingest.catchup import ChannelState, backoff

log = logging.getLogger(__name__)

HistoryChannel = discord.TextChannel | discord.VoiceChannel | discord.StageChannel | discord.Thread

# a failed read is retried this many times in a row (backoff between); then the caller decides
READ_ERRORS: tuple[type[BaseException], ...] = (
    discord.HTTPException,
    aiohttp.ClientError,
    OSError,
    TimeoutError,
)
READ_ATTEMPTS = 3
HISTORY_PAGE = 100

Handler = Callable[[int, discord.Message | None], Awaitable[None]]


async def read_history(
    channel: HistoryChannel, after: int, before: int | None
) -> AsyncGenerator[tuple[int, discord.Message | None]]:
    """A channel's messages after ``after`` (and before ``before``), oldest first, as (id, message); the
    message is None when discord.py cannot parse its payload (seen against Spacebar): that one is logged and
    skipped, not the rest. discord.py's ``history()`` builds every message inside its generator, so one bad
    payload ends it; this reads the same REST route page by page and builds each message on its own. The next
    page is asked for while the caller handles this one; close the generator (``contextlib.aclosing``) when
    stopping early."""
    state = channel._state
    page: asyncio.Future[Any] = asyncio.ensure_future(
        state.http.logs_from(channel.id, HISTORY_PAGE, after=after)
    )
    try:
        while True:
            data = await page
            newest = after
            for raw in data:
                with contextlib.suppress(TypeError, KeyError, ValueError):
                    newest = max(newest, int(raw["id"]))
            more = not (
                len(data) < HISTORY_PAGE or newest <= after or (before is not None and newest >= before - 1)
            )
            if more:  # the next page is asked for while this one goes through the pipeline
                page = asyncio.ensure_future(state.http.logs_from(channel.id, HISTORY_PAGE, after=newest))
            for raw in reversed(data):  # Discord answers newest first
                try:
                    message_id = int(raw["id"])
                except (TypeError, KeyError, ValueError):
                    log.warning("skipped a message without a valid id in channel %s's history", channel.id)
                    continue
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
            if not more:
                return
            after = newest
    finally:
        if not page.done():
            page.cancel()
        elif not page.cancelled():
            page.exception()  # a prefetched page that failed after the caller stopped: not logged as lost


class ReadEnd(enum.Enum):
    DONE = "done"  # the whole range was read
    GONE = "gone"  # Discord says the channel no longer exists
    FORBIDDEN = "forbidden"  # the bot may not read it now
    FAILED = "failed"  # the retries ran out


@dataclass(frozen=True, slots=True)
class ReadResult:
    end: ReadEnd
    read_up_to: int  # every message up to this id went through the handler
    error: BaseException | None = None


async def read_range(
    channel: HistoryChannel,
    after: int,
    before: int | None,
    handle: Handler,
    *,
    retry_seconds: float,
    retry_max_seconds: float,
    attempts: int = READ_ATTEMPTS,
    what: str = "history",
) -> ReadResult:
    """Feed every message of the range to ``handle`` (oldest first); a failed read is retried from where it
    stopped, ``attempts`` times in a row with backoff. Returns how the read ended and how far it got."""
    read_up_to = after
    attempt = 0
    while True:
        try:
            async with contextlib.aclosing(read_history(channel, read_up_to, before)) as messages:
                async for message_id, message in messages:
                    await handle(message_id, message)
                    read_up_to = max(read_up_to, message_id)
        except discord.NotFound as exc:
            return ReadResult(ReadEnd.GONE, read_up_to, exc)
        except discord.Forbidden as exc:
            return ReadResult(ReadEnd.FORBIDDEN, read_up_to, exc)
        except READ_ERRORS as exc:
            attempt += 1
            if attempt >= attempts:
                return ReadResult(ReadEnd.FAILED, read_up_to, exc)
            delay = backoff(attempt, retry_seconds, retry_max_seconds)
            log.warning(
                "%s read failed in channel %s after message %s (%s); retrying in %.0fs",
                what,
                channel.id,
                read_up_to,
                exc,
                delay,
            )
            await asyncio.sleep(delay)
            continue
        return ReadResult(ReadEnd.DONE, read_up_to)


def can_read(channel: HistoryChannel, me: discord.Member) -> bool:
    perms = channel.permissions_for(me)
    return perms.view_channel and perms.read_message_history


def channel_states(guild: discord.Guild) -> list[tuple[ChannelState, HistoryChannel]]:
    """Every channel in the cache whose messages we read, with whether the bot may read its history."""
    me = guild.me
    channels: list[HistoryChannel] = [
        *guild.text_channels,
        *guild.voice_channels,
        *guild.stage_channels,
        *guild.threads,
    ]
    return [
        (ChannelState(channel.id, channel.last_message_id, can_read(channel, me)), channel)
        for channel in channels
    ]


MAX_ARCHIVED_THREADS = 5_000  # per back-fill: a server with more has its newest ones read, with a log line


async def archived_threads(guild: discord.Guild, since: datetime.datetime) -> list[discord.Thread]:
    """Threads and forum posts archived since ``since`` (older ones cannot hold newer messages: a message
    un-archives its thread), public ones wherever the bot reads history, private ones where it may also manage
    threads. A channel whose list cannot be read is one log line and skipped."""
    me = guild.me
    found: list[discord.Thread] = []
    parents: list[discord.TextChannel | discord.ForumChannel] = [*guild.text_channels, *guild.forums]
    for parent in parents:
        perms = parent.permissions_for(me)
        if not (perms.view_channel and perms.read_message_history):
            continue
        listings = [parent.archived_threads(limit=None)]
        if perms.manage_threads and isinstance(parent, discord.TextChannel):
            listings.append(parent.archived_threads(private=True, limit=None))
        for listing in listings:
            try:
                async for thread in listing:
                    if thread.archive_timestamp < since:
                        break
                    found.append(thread)
                    if len(found) >= MAX_ARCHIVED_THREADS:
                        log.warning("back-fill reads the newest %d archived threads only", len(found))
                        return found
            except READ_ERRORS as exc:
                log.warning("could not list archived threads of channel %s: %s", parent.id, exc)
    return found


class ChannelGone(Exception):
    """Discord says the channel no longer exists."""


async def fetch_channel(guild: discord.Guild, channel_id: int) -> HistoryChannel | None:
    """The channel, None when it cannot be read now; raises ChannelGone when Discord says it is gone."""
    try:
        channel = await guild.fetch_channel(channel_id)
    except discord.NotFound as exc:
        raise ChannelGone from exc
    except discord.Forbidden:
        return None
    except discord.HTTPException as exc:
        log.warning("could not fetch channel %s in guild %s: %s", channel_id, guild.id, exc)
        return None
    if isinstance(channel, HistoryChannel):
        return channel
    return None
