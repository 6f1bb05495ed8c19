"""The weekly digest (issue 15): when it is due in a server's zone, and what it says, as plain data.

**Slots.** A schedule is a weekday and an hour in the server's zone; a *slot* is one such moment as unix
seconds. ``latest_slot`` is the newest slot at or before a moment, ``next_slot`` the first after it. A local
hour that does not exist (a spring-forward gap) is read with the offset before the change (02:30 becomes
03:30); a repeated one (fall-back) is its first occurrence. So every week has exactly one slot.

**The week.** A digest covers the seven whole days (in the server's zone) before the day it is posted, and
compares them with the seven before. Roll-ups are kept in UTC hours, so a day is the hours that *start* in
it: a day's boundary is its local midnight rounded up to a whole UTC hour (exact for +05:30 too, and the same
rule the statistics use to regroup hours).

**The content.** ``build_digest`` reads only figures the bot already keeps (roll-ups, flag counts, message
ids and counters): no member's text or name is in a digest."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Protocol

from bot.core import top
from bot.core.periods import DAY, HOUR, Period
from bot.core.timezones import zone_info
from bot.core.trends import rank as trends
from bot.storage.models import FlagStatus, FlagSummary, Totals

WEEK = 7 * DAY
MIN_GAP = 6 * DAY  # two posts of one server are never closer than this (a zone change cannot double a week)
TOP_POSTS = 5
TOP_TERMS = 8
TOP_TOPICS = 6


# -- slots ---------------------------------------------------------------------------------------------------


def _at(day: date, hour: int, zone: str) -> int:
    """Unix seconds of ``hour``:00 on ``day`` in the zone (fold 0: see the module)."""
    return int(datetime.combine(day, time(hour), tzinfo=zone_info(zone)).timestamp())


def _local_date(ts: float, zone: str) -> date:
    return datetime.fromtimestamp(ts, zone_info(zone)).date()


def latest_slot(weekday: int, hour: int, zone: str, now: float) -> int:
    """The newest slot at or before ``now``."""
    today = _local_date(now, zone)
    day = today - timedelta(days=(today.weekday() - weekday) % 7)
    for back in range(3):  # this week's (or next's, for a skipped hour), else the week before
        slot = _at(day - timedelta(days=7 * back), hour, zone)
        if slot <= now:
            return slot
    raise AssertionError("unreachable: a week ago is always before now")


def next_slot(weekday: int, hour: int, zone: str, after: float) -> int:
    """The first slot strictly after ``after``."""
    today = _local_date(after, zone)
    day = today + timedelta(days=(weekday - today.weekday()) % 7)
    for ahead in range(3):
        slot = _at(day + timedelta(days=7 * ahead), hour, zone)
        if slot > after:
            return slot
    raise AssertionError("unreachable: a week ahead is always after")


def day_start(day: date, zone: str) -> int:
    """The first UTC hour that starts on ``day`` in the zone (the day's boundary for the roll-ups)."""
    midnight = _at(day, 0, zone)
    return -(-midnight // HOUR) * HOUR


@dataclass(frozen=True, slots=True)
class Week:
    """The seven local days a digest covers: ``days[i]`` is day i, ``bounds`` its eight boundaries."""

    days: tuple[date, ...]
    bounds: tuple[int, ...]

    @property
    def start(self) -> int:
        return self.bounds[0]

    @property
    def end(self) -> int:
        return self.bounds[-1]


def week_before(moment: float, zone: str, *, weeks_back: int = 0) -> Week:
    """The seven whole local days before the day of ``moment`` (``weeks_back`` more weeks earlier)."""
    first = _local_date(moment, zone) - timedelta(days=7 * (1 + weeks_back))
    days = tuple(first + timedelta(days=i) for i in range(7))
    bounds = tuple(day_start(first + timedelta(days=i), zone) for i in range(8))
    return Week(days, bounds)


# -- the content ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DayFigures:
    day: date
    messages: int
    positive: int
    neutral: int
    negative: int
    spam: int


@dataclass(frozen=True, slots=True)
class TopPost:
    channel_id: int
    message_id: int
    reactions: int
    replies: int


@dataclass(frozen=True, slots=True)
class RisingTerm:
    term: str
    count: int
    previous: int


@dataclass(frozen=True, slots=True)
class Digest:
    """One week of a server, in plain figures (cogs/digest renders it)."""

    guild_id: int
    zone: str
    week: Week
    totals: Totals
    previous: Totals
    active_members: int
    previous_active_members: int
    days: tuple[DayFigures, ...]
    previous_days: tuple[int, ...]  # messages per day of the week before (the chart's faint line)
    top_posts: tuple[TopPost, ...]
    topics: tuple[tuple[str, int, int], ...]  # (topic, flags this week, flags the week before), most first
    flags_this_week: int
    open_flags: int
    rising: tuple[RisingTerm, ...] | None  # None: no term counts are kept (/trends is off)


class DigestSource(top.TopPostSource, trends.TermCounts, Protocol):
    """What the digest reads (parts of bot.storage.base.Storage): /top's and /trends' reads, and these."""

    async def totals(self, guild_id: int, channel_id: int | None, start: int | None, end: int) -> Totals: ...
    async def active_authors(
        self, guild_id: int, channel_id: int | None, start: int | None, end: int
    ) -> int: ...
    async def flag_summary(self, guild_id: int, start: int | None, end: int) -> FlagSummary: ...
    async def count_flags(self, guild_id: int, status: FlagStatus | None) -> int: ...
    async def trends_enabled(self, guild_id: int) -> bool: ...


async def top_posts(
    source: DigestSource, guild_id: int, week: Week, keep: Callable[[int], bool] | None = None
) -> tuple[TopPost, ...]:
    """The week's posts with the most engagement (reactions + replies), as ``/top posts`` ranks them; spam is
    never listed, and ``keep`` leaves out channels the digest's readers may not see."""
    found = await top.top_posts(
        source, guild_id, None, week.start, week.end, top.RankBy.ENGAGEMENT, limit=TOP_POSTS, keep=keep
    )
    return tuple(TopPost(r.channel_id, r.message_id, r.reactions, r.replies) for _, r in found.posts)


async def rising_terms(source: DigestSource, guild_id: int, week: Week) -> tuple[RisingTerm, ...] | None:
    """The week's rising terms as ``/trends 7d`` ranks them (term counts are kept per UTC day: the seven UTC
    days up to the one the week ends in); None when the server turned term counting off."""
    if not await source.trends_enabled(guild_id):
        return None
    report = await trends.rising_terms(source, guild_id, Period.WEEK, week.end - 1)
    if not report.enough_data:
        return ()
    return tuple(RisingTerm(r.term, r.count, r.previous) for r in report.rising[:TOP_TERMS])


async def build_digest(
    source: DigestSource,
    guild_id: int,
    zone: str,
    moment: float,
    *,
    keep: Callable[[int], bool] | None = None,
) -> Digest:
    """The digest posted at ``moment`` (a slot, or now for a preview); ``keep`` says which channels' posts
    may be listed."""
    week = week_before(moment, zone)
    before = week_before(moment, zone, weeks_back=1)
    days = []
    for i, day in enumerate(week.days):
        t = await source.totals(guild_id, None, week.bounds[i], week.bounds[i + 1])
        days.append(DayFigures(day, t.messages, t.positive, t.neutral, t.negative, t.spam))
    previous_days = tuple(
        [
            (await source.totals(guild_id, None, before.bounds[i], before.bounds[i + 1])).messages
            for i in range(7)
        ]
    )
    summary = await source.flag_summary(guild_id, week.start, week.end)
    earlier = await source.flag_summary(guild_id, before.start, before.end)
    return Digest(
        guild_id=guild_id,
        zone=zone,
        week=week,
        totals=await source.totals(guild_id, None, week.start, week.end),
        previous=await source.totals(guild_id, None, before.start, before.end),
        active_members=await source.active_authors(guild_id, None, week.start, week.end),
        previous_active_members=await source.active_authors(guild_id, None, before.start, before.end),
        days=tuple(days),
        previous_days=tuple(previous_days),
        top_posts=await top_posts(source, guild_id, week, keep),
        topics=complaint_topics(summary.by_topic, earlier.by_topic),
        flags_this_week=sum(summary.by_kind.values()),
        open_flags=await source.count_flags(guild_id, FlagStatus.OPEN),
        rising=await rising_terms(source, guild_id, week),
    )


def complaint_topics(
    now: dict[str, int], before: dict[str, int], limit: int = TOP_TOPICS
) -> tuple[tuple[str, int, int], ...]:
    """(topic, count, count the week before) for this week's topics, most first, then by name."""
    ranked = sorted(now.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return tuple((topic, count, before.get(topic, 0)) for topic, count in ranked if count > 0)


def change_pct(now: float, before: float) -> float | None:
    """Percentage change; None when there is nothing to compare with."""
    return None if before == 0 else 100.0 * (now - before) / before


def stacked(days: Sequence[DayFigures]) -> dict[str, tuple[float, ...]]:
    """The chart's stacked series by kind (bottom first): the sentiment mix and spam per day."""
    return {
        "positive": tuple(float(d.positive) for d in days),
        "neutral": tuple(float(d.neutral) for d in days),
        "negative": tuple(float(d.negative) for d in days),
        "spam": tuple(float(d.spam) for d in days),
    }
