"""StatsService over a real SQLite storage."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.periods import Period, period_range
from bot.core.stats import StatsService, creator_tier
from bot.storage.models import ChannelCount, MessageCreated, MessageRecord, ReactionChanged
from bot.storage.sqlite import SQLiteStorage

H = 3600
D = 86400
MIDNIGHT = 1_700_006_400  # a UTC midnight
NOW = MIDNIGHT + 200 * D + 13 * H + 25 * 60  # 13:25 UTC


def msg(
    mid: int, at: int, *, author: int = 1, channel: int = 10, compound: float = 0.0, reply: int | None = None
) -> MessageCreated:
    return MessageCreated(
        MessageRecord(
            guild_id=1,
            channel_id=channel,
            message_id=mid,
            author_id=author,
            created_at=at,
            reply_to_id=reply,
            compound=compound,
        )
    )


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[SQLiteStorage]:
    async with SQLiteStorage.open(tmp_path / "stats.db") as st:
        yield st


@pytest.mark.parametrize(
    ("members", "tier"),
    [
        (0, "nano"),
        (999, "nano"),
        (1000, "micro"),
        (100_000, "micro"),
        (100_001, "macro"),
        (1_000_000, "macro"),
        (1_000_001, "mega"),
    ],
)
def test_creator_tier_boundaries(members: int, tier: str) -> None:
    assert creator_tier(members) == tier


def test_periods() -> None:
    assert [p.seconds for p in Period] == [D, 7 * D, 30 * D, 90 * D, None]
    assert Period("7d") is Period.WEEK and Period.ALL.label == "all time"
    start, end = period_range(Period.DAY, NOW)
    assert end == MIDNIGHT + 200 * D + 14 * H  # the current hour is included
    assert start == end - D
    assert period_range(Period.ALL, NOW) == (None, end)
    assert period_range(Period.DAY, MIDNIGHT)[1] == MIDNIGHT + H


async def test_channel_stats_and_change(storage: SQLiteStorage) -> None:
    end = period_range(Period.WEEK, NOW)[1]
    cur_start = end - 7 * D
    prev_start = cur_start - 7 * D
    ops = [
        msg(1, prev_start - D, author=9),  # history before the previous period: the comparison is possible
        # previous week: 2 messages by 2 authors, avg compound -0.5, 1 reaction
        msg(2, prev_start + 5, author=1, compound=-0.6),
        msg(3, prev_start + 3 * D, author=2, compound=-0.4),
        # this week: 4 messages by 3 authors (one in the current hour), avg 0.5, 1 reply, 3 reactions
        msg(4, cur_start, author=1, compound=0.5),
        msg(5, MIDNIGHT + 198 * D + 9 * H, author=2, compound=0.5, reply=4),
        msg(6, MIDNIGHT + 199 * D + 9 * H, author=3, compound=0.5),
        msg(7, NOW, author=3, compound=0.5),
        # another channel, ignored by the channel stats
        msg(8, NOW - H, author=4, channel=11),
    ]
    await storage.apply(ops)
    await storage.apply([ReactionChanged(1, 10, 2, 1), *(ReactionChanged(1, 10, 4, 1) for _ in range(3))])

    stats = await StatsService(storage).channel(1, 10, Period.WEEK, NOW)
    assert (stats.start, stats.end, stats.channel_id) == (cur_start, end, 10)
    assert (stats.totals.messages, stats.totals.replies, stats.totals.reactions) == (4, 1, 3)
    assert stats.active_members == 3
    assert stats.busiest_hour == 9
    assert stats.change is not None
    assert stats.change.messages_pct == pytest.approx(100.0)
    assert stats.change.active_pct == pytest.approx(50.0)
    assert stats.change.replies_pct is None  # nothing to compare with
    assert stats.change.reactions_pct == pytest.approx(200.0)
    assert stats.change.avg_compound_delta == pytest.approx(1.0)

    all_time = await StatsService(storage).channel(1, 10, Period.ALL, NOW)
    assert all_time.change is None and all_time.start is None
    assert all_time.totals.messages == 7 and all_time.active_members == 4


async def test_no_change_without_history_covering_the_previous_period(storage: SQLiteStorage) -> None:
    await storage.apply([msg(1, NOW - 2 * D), msg(2, NOW - H)])
    service = StatsService(storage)
    week = await service.channel(1, 10, Period.WEEK, NOW)
    assert week.change is None and week.totals.messages == 2
    day = await service.channel(1, 10, Period.DAY, NOW)
    assert day.change is not None  # the bot has seen more than the previous 24 hours
    assert day.change.messages_pct is None  # ... but nothing happened then
    assert day.totals.messages == 1


async def test_server_and_member_stats(storage: SQLiteStorage) -> None:
    await storage.apply(
        [
            msg(1, NOW - 40 * D, author=1, channel=10),
            msg(2, NOW - 2 * D, author=1, channel=10, compound=0.9),
            msg(3, NOW - 2 * D + 60, author=1, channel=11),
            msg(4, NOW - D - H, author=2, channel=11),
            msg(5, NOW - 5 * H, author=3, channel=11),
        ]
    )
    service = StatsService(storage)
    server = await service.server(1, Period.MONTH, NOW, member_count=1000)
    assert server.overall.channel_id is None
    assert server.overall.totals.messages == 4
    assert server.overall.active_members == 3
    assert server.top_channels == [ChannelCount(11, 3), ChannelCount(10, 1)]
    assert server.engagement_rate == pytest.approx(0.003)
    assert server.tier == "micro"
    assert (await service.server(1, Period.DAY, NOW, member_count=0)).engagement_rate is None

    member = await service.member(1, 1, Period.MONTH, NOW)
    assert member.totals.messages == 2 and member.totals.positive == 1
    assert member.active_days == 1
    assert member.top_channels == [ChannelCount(10, 1), ChannelCount(11, 1)]
    assert (await service.member(1, 1, Period.ALL, NOW)).active_days == 2
