"""Engagement statistics for /stats: periods relative to now (``bot/core/periods.py``), compared with the
period just before."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.core import local_time
from bot.core.periods import HOUR, Period, period_range
from bot.core.timezones import zone_info
from bot.storage.base import StatsStore
from bot.storage.models import ChannelCount, Totals

log = logging.getLogger(__name__)

TOP_CHANNELS = 5


@dataclass(frozen=True, slots=True)
class Change:
    """Current vs previous period of equal length, in percent (deltas for the average). None where the
    previous value is zero (no meaningful percentage)."""

    messages_pct: float | None
    active_pct: float | None
    replies_pct: float | None
    reactions_pct: float | None
    avg_compound_delta: float | None


@dataclass(frozen=True, slots=True)
class ChannelStats:
    guild_id: int
    channel_id: int | None  # None = whole server
    period: Period
    start: int | None
    end: int
    totals: Totals
    active_members: int
    busiest_hour: int | None  # 0-23, in the zone asked for (UTC without one)
    change: Change | None  # None: ALL, or the stored history does not cover the previous period
    zone: str = "UTC"  # the time zone of the period's days and the busiest hour


@dataclass(frozen=True, slots=True)
class ServerStats:
    overall: ChannelStats
    top_channels: list[ChannelCount]
    member_count: int
    engagement_rate: float | None  # active members / member count
    tier: str


@dataclass(frozen=True, slots=True)
class MemberStats:
    guild_id: int
    author_id: int
    period: Period
    totals: Totals
    active_days: int
    top_channels: list[ChannelCount]


def creator_tier(member_count: int) -> str:
    """nano (<1,000) | micro (1,000-100,000) | macro (100,001-1,000,000) | mega (>1,000,000)."""
    if member_count < 1_000:
        return "nano"
    if member_count <= 100_000:
        return "micro"
    if member_count <= 1_000_000:
        return "macro"
    return "mega"


def _pct(current: float, previous: float) -> float | None:
    if not previous:
        return None
    return 100.0 * (current - previous) / previous


class StatsService:
    def __init__(self, storage: StatsStore) -> None:
        self._storage = storage

    async def channel(
        self, guild_id: int, channel_id: int, period: Period, now: int, zone: str | None = None
    ) -> ChannelStats:
        """``zone``: an IANA name: periods of local days and the busiest hour there (bot/core/local_time.py);
        None: periods of UTC hours ending now, busiest hour in UTC."""
        return await self._stats(guild_id, channel_id, period, now, zone)

    async def server(
        self, guild_id: int, period: Period, now: int, member_count: int, zone: str | None = None
    ) -> ServerStats:
        overall = await self._stats(guild_id, None, period, now, zone)
        top = await self._storage.top_channels(guild_id, overall.start, overall.end, TOP_CHANNELS)
        rate = overall.active_members / member_count if member_count > 0 else None
        return ServerStats(
            overall=overall,
            top_channels=top,
            member_count=member_count,
            engagement_rate=rate,
            tier=creator_tier(member_count),
        )

    async def member(
        self, guild_id: int, author_id: int, period: Period, now: int, zone: str | None = None
    ) -> MemberStats:
        """``zone``: periods of local days and active days counted in the zone (else UTC)."""
        s = self._storage
        if zone is None:
            start, end = period_range(period, now)
            active_days = await s.member_active_days(guild_id, author_id, start, end)
        else:
            tz = zone_info(zone)
            start, end = local_time.period_range(period, now, tz)
            segments = await self._segments(guild_id, start, end, tz)
            active_days = await s.member_active_local_days(guild_id, author_id, segments)
        return MemberStats(
            guild_id=guild_id,
            author_id=author_id,
            period=period,
            totals=await s.member_totals(guild_id, author_id, start, end),
            active_days=active_days,
            top_channels=await s.member_top_channels(guild_id, author_id, start, end, TOP_CHANNELS),
        )

    async def _stats(
        self, guild_id: int, channel_id: int | None, period: Period, now: int, zone: str | None = None
    ) -> ChannelStats:
        s = self._storage
        tz = zone_info(zone) if zone is not None else None
        start, end = period_range(period, now) if tz is None else local_time.period_range(period, now, tz)
        totals = await s.totals(guild_id, channel_id, start, end)
        active = await s.active_authors(guild_id, channel_id, start, end)
        if tz is None:
            busiest = await s.busiest_hour(guild_id, channel_id, start, end)
        else:
            busiest = await self._busiest_local_hour(guild_id, channel_id, start, end, tz)
        change = None
        if start is not None:
            first = await s.first_message_at(guild_id)
            if tz is None:
                prev_start = start - (end - start)
            else:
                prev_start = local_time.previous_range(period, start, end, tz)[0]
            # comparable only when the stored history covers the whole previous period
            if first is not None and first <= prev_start:
                prev = await s.totals(guild_id, channel_id, prev_start, start)
                prev_active = await s.active_authors(guild_id, channel_id, prev_start, start)
                cur_avg, prev_avg = totals.avg_compound, prev.avg_compound
                change = Change(
                    messages_pct=_pct(totals.messages, prev.messages),
                    active_pct=_pct(active, prev_active),
                    replies_pct=_pct(totals.replies, prev.replies),
                    reactions_pct=_pct(totals.reactions, prev.reactions),
                    avg_compound_delta=None if cur_avg is None or prev_avg is None else cur_avg - prev_avg,
                )
        return ChannelStats(
            guild_id=guild_id,
            channel_id=channel_id,
            period=period,
            start=start,
            end=end,
            totals=totals,
            active_members=active,
            busiest_hour=busiest,
            change=change,
            zone=zone or "UTC",
        )

    # -- issue 15: charts in the server's time zone --------------------------------------------------------
    async def _segments(
        self, guild_id: int, start: int | None, end: int, tz: ZoneInfo
    ) -> list[local_time.Segment]:
        if start is None:
            start = await self._storage.first_message_at(guild_id)
            if start is None:
                return []
        return local_time.offset_segments(tz, start, end) if start < end else []

    async def _busiest_local_hour(
        self, guild_id: int, channel_id: int | None, start: int | None, end: int, tz: ZoneInfo
    ) -> int | None:
        segments = await self._segments(guild_id, start, end, tz)
        rows = await self._storage.local_buckets(guild_id, channel_id, segments, "hour")
        if not rows:
            return None
        return min(rows, key=lambda r: (-r[1], r[0]))[0]  # the most messages; a tie: the earlier hour

    async def trend(
        self, guild_id: int, channel_id: int | None, period: Period, now: int, zone: str
    ) -> Trend:
        """Messages per local day (per hour for 24 hours, per week or more for long periods) with the
        sentiment mix, and the previous period's messages in the same bins. One read covers both periods."""
        tz = zone_info(zone)
        start, end = local_time.period_range(period, now, tz)
        first = await self._storage.first_message_at(guild_id)
        if start is None:
            if first is None:
                return Trend(zone=zone, hourly=False, step_days=1, bins=(), previous=None)
            start = min(first, end - HOUR)
        p_start: int | None = None  # the previous period, when the stored history covers it
        if period is not Period.ALL and first is not None:
            p_start = local_time.previous_range(period, start, end, tz)[0]
            if first > p_start:
                p_start = None
        lo = start if p_start is None else p_start
        if period is Period.DAY:
            rows = await self._storage.local_buckets(guild_id, channel_id, [(lo, end, 0)], "utc_hour")
            by_hour = {r[0]: r[1:] for r in rows}
            bins = [
                TrendBin(local_time.local_date(tz, h), 1, h, *by_hour.get(h, (0, 0, 0, 0, 0)))
                for h in range(start, end, HOUR)
            ]
            previous = None
            if p_start is not None:
                previous = tuple(by_hour.get(h, (0,))[0] for h in range(p_start, start, HOUR))
            return Trend(zone=zone, hourly=True, step_days=1, bins=tuple(bins), previous=previous)

        segments = local_time.offset_segments(tz, lo, end)
        rows = await self._storage.local_buckets(guild_id, channel_id, segments, "day")
        by_day = {r[0]: r[1:] for r in rows}
        days = local_time.days_between(tz, start, end)
        step = local_time.bin_days(len(days))
        bins = _day_bins(by_day, days, step)
        previous = None
        if p_start is not None:
            p_bins = _day_bins(by_day, local_time.days_between(tz, p_start, start), step)
            if len(p_bins) == len(bins):
                previous = tuple(b.messages for b in p_bins)
        return Trend(zone=zone, hourly=False, step_days=step, bins=tuple(bins), previous=previous)

    async def activity(
        self, guild_id: int, channel_id: int | None, period: Period, now: int, zone: str
    ) -> Activity:
        """Messages by local weekday (Monday first) and hour."""
        tz = zone_info(zone)
        start, end = local_time.period_range(period, now, tz)
        segments = await self._segments(guild_id, start, end, tz)
        rows = await self._storage.local_buckets(guild_id, channel_id, segments, "week_hour")
        grid = [[0] * 24 for _ in range(7)]
        for key, messages, *_ in rows:
            grid[key // 24][key % 24] = messages
        busiest = None
        if rows:
            key = min(rows, key=lambda r: (-r[1], r[0]))[0]
            busiest = (key // 24, key % 24)
        return Activity(
            zone=zone, counts=tuple(tuple(r) for r in grid), busiest=busiest, total=sum(r[1] for r in rows)
        )

    async def flag_topics(self, guild_id: int, period: Period, now: int, zone: str) -> TopicTrend:
        """Negative-feedback flags per local day (or week) by topic, most frequent topic first."""
        tz = zone_info(zone)
        start, end = local_time.period_range(period, now, tz)
        segments = await self._segments(guild_id, start, end, tz)
        rows = await self._storage.flags_by_day_topic(guild_id, segments)
        if not rows:
            return TopicTrend(zone=zone, step_days=1, first_days=(), series=())
        first_day = local_time.day_of(rows[0][0]) if start is None else local_time.local_date(tz, start)
        last_day = local_time.local_date(tz, end - 1)
        days = [first_day + timedelta(days=i) for i in range((last_day - first_day).days + 1)]
        step = local_time.bin_days(len(days))
        groups = _groups(days, step)
        index = {local_time.day_number(d): i for i, g in enumerate(groups) for d in g}
        counts: dict[str, list[int]] = {}
        for day, topic, n in rows:
            counts.setdefault(topic, [0] * len(groups))[index[day]] += n
        series = sorted(counts.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
        return TopicTrend(
            zone=zone,
            step_days=step,
            first_days=tuple(g[0] for g in groups),
            series=tuple((topic, tuple(v)) for topic, v in series),
        )


def _day_bins(by_day: Mapping[int, tuple[int, ...]], days: list[date], step: int) -> list[TrendBin]:
    bins = []
    for group in _groups(days, step):
        vec = [0, 0, 0, 0, 0]
        for day in group:
            for i, v in enumerate(by_day.get(local_time.day_number(day), ())):
                vec[i] += v
        bins.append(TrendBin(group[0], len(group), None, *vec))
    return bins


def _groups(days: list[date], step: int) -> list[list[date]]:
    """Consecutive days in bins of ``step``, the last ending on the last day (the first may be short)."""
    cut = len(days) % step
    head = [days[:cut]] if cut else []
    return head + [days[i : i + step] for i in range(cut, len(days), step)]


@dataclass(frozen=True, slots=True)
class TrendBin:
    first_day: date  # local
    days: int
    hour: int | None  # the UTC hour's start, for a trend per hour
    messages: int
    positive: int
    neutral: int
    negative: int
    spam: int

    @property
    def other(self) -> int:
        """Spam and messages that were not scored (no text): outside the sentiment mix."""
        return self.messages - self.positive - self.neutral - self.negative


@dataclass(frozen=True, slots=True)
class Trend:
    zone: str
    hourly: bool  # bins are hours (a 24-hour period), else ``step_days`` local days each
    step_days: int
    bins: tuple[TrendBin, ...]
    previous: tuple[int, ...] | None  # the previous period's messages per bin, None when not covered


@dataclass(frozen=True, slots=True)
class Activity:
    zone: str
    counts: tuple[tuple[int, ...], ...]  # 7 weekdays (Monday first) x 24 local hours
    busiest: tuple[int, int] | None  # (weekday, hour)
    total: int


@dataclass(frozen=True, slots=True)
class TopicTrend:
    zone: str
    step_days: int
    first_days: tuple[date, ...]  # each bin's first local day
    series: tuple[tuple[str, tuple[int, ...]], ...]  # (topic, flags per bin), most flags first
