"""What works (`/top posts`, `/top announcements`): ranking posts by the reactions and replies they drew,
and a staff member's announcements against their median. Pure: storage reads the rows (bot/storage/_top.py),
the cog resolves who is staff and which channels the person may see, and renders.

- Engagement is reactions + replies, weighted equally (a reply costs more effort than a reaction, but counting
  both once keeps the figure explainable: "12 reactions and 3 replies = 15").
- Ties: the other count, then the older post (the smaller message id) first, so a ranking is stable.
- Spam is never a top post, and no message text is read or kept: the jump link and the counts are enough.
- Announcements: reactions and replies in each post's first 24 hours, so an old post and a new one compare
  fairly. The median is over the posts whose first day is over and whose count is known; a post still in its
  first day is shown but not compared."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo

from bot.core import local_time
from bot.core.export import TopRow
from bot.core.periods import DAY, Period
from bot.core.timezones import DEFAULT_TIMEZONE, zone_info

if TYPE_CHECKING:
    from bot.storage.base import TopStore
    from bot.storage.models import GuildConfig

TOP_POSTS = 10  # posts one answer lists
PAGE = 100  # rows read at a time while channels the person cannot see are left out
MAX_SCANNED = 1000  # rows read at most for one answer (then it lists what it found)
ANNOUNCEMENTS_SHOWN = 10  # the newest posts listed
MAX_ANNOUNCEMENTS = 500  # the newest posts the median is taken over
FIRST_DAY = DAY


class RankBy(StrEnum):
    REACTIONS = "reactions"
    REPLIES = "replies"
    ENGAGEMENT = "engagement"


def engagement(reactions: int, replies: int) -> int:
    return reactions + replies


def rank_key(row: TopRow, by: RankBy) -> tuple[int, int, int]:
    """Sort key (ascending = best first); bot/storage/_top.py orders the same way in SQL."""
    if by is RankBy.REACTIONS:
        return (-row.reactions, -row.replies, row.message_id)
    if by is RankBy.REPLIES:
        return (-row.replies, -row.reactions, row.message_id)
    return (-engagement(row.reactions, row.replies), -row.reactions, row.message_id)


def counts(row: TopRow, by: RankBy) -> int:
    """The figure ``by`` ranks on (a post where it is 0 drew nothing of that kind and is not listed)."""
    if by is RankBy.REACTIONS:
        return row.reactions
    if by is RankBy.REPLIES:
        return row.replies
    return engagement(row.reactions, row.replies)


def zone_for(config: GuildConfig | None) -> ZoneInfo:
    """The server's time zone (``/config timezone``), UTC without one or for a name this system does not
    know."""
    name = getattr(config, "timezone", None)
    try:
        return zone_info(name if isinstance(name, str) else DEFAULT_TIMEZONE)
    except ValueError:
        return zone_info(DEFAULT_TIMEZONE)


def top_range(period: Period, now: int, config: GuildConfig | None = None) -> tuple[int | None, int]:
    """[start, end) of ``period`` for /top, as /stats counts it in the server's zone: the last 24 hours, or
    today so far and the whole local days before it."""
    return local_time.period_range(period, now, zone_for(config))


@dataclass(frozen=True, slots=True)
class TopPosts:
    posts: list[tuple[int, TopRow]]  # (rank, row), best first
    hidden: int  # posts that ranked above the last one listed, left out: channels the person cannot see


class TopPostSource(Protocol):
    """The one read ``top_posts`` needs (a part of bot.storage.base.TopStore)."""

    async def top_posts(
        self,
        guild_id: int,
        channel_id: int | None,
        start: int | None,
        end: int,
        by: str,
        limit: int,
        offset: int = 0,
    ) -> list[TopRow]: ...


async def top_posts(
    store: TopPostSource,
    guild_id: int,
    channel_id: int | None,
    start: int | None,
    end: int,
    by: RankBy,
    *,
    limit: int = TOP_POSTS,
    keep: Callable[[int], bool] | None = None,
) -> TopPosts:
    """The best ``limit`` posts (a channel's include its threads' posts), leaving out rows ``keep`` refuses;
    ranks count only what is listed. Reads pages until ``limit`` are kept or ``MAX_SCANNED`` rows are read."""
    kept: list[TopRow] = []
    hidden = 0
    offset = 0
    while len(kept) < limit and offset < MAX_SCANNED:
        rows = await store.top_posts(guild_id, channel_id, start, end, by.value, PAGE, offset)
        for row in rows:
            if len(kept) == limit:
                break
            if keep is None or keep(row.channel_id):
                kept.append(row)
            else:
                hidden += 1  # it would have been listed
        if len(rows) < PAGE:
            break
        offset += PAGE
    return TopPosts(posts=list(enumerate(kept, start=1)), hidden=hidden)


# -- announcements -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnnouncementRow:
    """A staff post with its first-day figures (storage's row)."""

    message_id: int
    channel_id: int
    created_at: int
    reactions: int | None  # in the first 24 hours; None: not known (before counting began)
    replies: int  # replies posted within 24 hours of it


@dataclass(frozen=True, slots=True)
class AnnouncementLine:
    row: AnnouncementRow
    running: bool  # still in its first 24 hours: figures so far, not compared
    reactions_ratio: float | None  # its first-day reactions / the median; None when not comparable
    replies_ratio: float | None


@dataclass(frozen=True, slots=True)
class Announcements:
    lines: list[AnnouncementLine]  # newest first, at most ANNOUNCEMENTS_SHOWN
    posts: int  # posts considered (the median's base may be smaller: see compared)
    compared: int  # posts whose first day is over (the replies' median is over these)
    median_reactions: float | None
    median_replies: float | None


def median(values: Sequence[int]) -> float | None:
    """The median (the mean of the middle two for an even count), None for no values."""
    return float(statistics.median(values)) if values else None


def ratio(value: int | None, middle: float | None) -> float | None:
    """``value`` as a multiple of the median ("2.1× your median"); None when either is missing or the median
    is 0 (a multiple of nothing means nothing)."""
    if value is None or middle is None or middle <= 0:
        return None
    return value / middle


def compare(rows: Sequence[AnnouncementRow], now: int, *, shown: int = ANNOUNCEMENTS_SHOWN) -> Announcements:
    """Each post against the median of the posts whose first day is over."""
    done = [r for r in rows if now - r.created_at >= FIRST_DAY]
    mid_reactions = median([r.reactions for r in done if r.reactions is not None])
    mid_replies = median([r.replies for r in done])
    newest = sorted(rows, key=lambda r: (-r.created_at, -r.message_id))[:shown]
    lines = []
    for r in newest:
        running = now - r.created_at < FIRST_DAY
        lines.append(
            AnnouncementLine(
                row=r,
                running=running,
                reactions_ratio=None if running else ratio(r.reactions, mid_reactions),
                replies_ratio=None if running else ratio(r.replies, mid_replies),
            )
        )
    return Announcements(
        lines=lines,
        posts=len(rows),
        compared=len(done),
        median_reactions=mid_reactions,
        median_replies=mid_replies,
    )


async def announcements(
    store: TopStore,
    guild_id: int,
    channel_id: int,
    staff: frozenset[int],
    start: int | None,
    end: int,
    now: int,
) -> Announcements:
    """The staff's posts in a channel (and its threads) in [start, end), compared with their median."""
    rows = await store.announcement_posts(guild_id, channel_id, staff, start, end, MAX_ANNOUNCEMENTS)
    return compare(rows, now)
