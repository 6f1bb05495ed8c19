"""Engagement statistics for /stats: periods relative to now (``bot/core/periods.py``), compared with the
period just before."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.core.periods import Period, period_range
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
    busiest_hour: int | None  # 0-23 UTC
    change: Change | None  # None: ALL, or the stored history does not cover the previous period


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

    async def channel(self, guild_id: int, channel_id: int, period: Period, now: int) -> ChannelStats:
        return await self._stats(guild_id, channel_id, period, now)

    async def server(self, guild_id: int, period: Period, now: int, member_count: int) -> ServerStats:
        overall = await self._stats(guild_id, None, period, now)
        top = await self._storage.top_channels(guild_id, overall.start, overall.end, TOP_CHANNELS)
        rate = overall.active_members / member_count if member_count > 0 else None
        return ServerStats(
            overall=overall,
            top_channels=top,
            member_count=member_count,
            engagement_rate=rate,
            tier=creator_tier(member_count),
        )

    async def member(self, guild_id: int, author_id: int, period: Period, now: int) -> MemberStats:
        start, end = period_range(period, now)
        s = self._storage
        return MemberStats(
            guild_id=guild_id,
            author_id=author_id,
            period=period,
            totals=await s.member_totals(guild_id, author_id, start, end),
            active_days=await s.member_active_days(guild_id, author_id, start, end),
            top_channels=await s.member_top_channels(guild_id, author_id, start, end, TOP_CHANNELS),
        )

    async def _stats(self, guild_id: int, channel_id: int | None, period: Period, now: int) -> ChannelStats:
        s = self._storage
        start, end = period_range(period, now)
        totals = await s.totals(guild_id, channel_id, start, end)
        active = await s.active_authors(guild_id, channel_id, start, end)
        busiest = await s.busiest_hour(guild_id, channel_id, start, end)
        change = None
        if start is not None:
            first = await s.first_message_at(guild_id)
            prev_start = start - (end - start)
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
        )
