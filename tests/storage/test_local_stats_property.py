"""Property: the statistics behind the charts (trend per local day, busiest hour, the weekday x hour heatmap,
flags per day by topic) equal a brute-force computation from the messages themselves, in zones east and west
of UTC, with a half-hour offset (Asia/Kolkata) and across a DST change (America/New_York, 2024-03-10 and
2024-11-03). A UTC hour counts on the local day and hour in which it starts (bot/core/local_time.py)."""

from __future__ import annotations

import asyncio
import itertools
import tempfile
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core import local_time
from bot.core.periods import Period
from bot.core.stats import StatsService
from bot.storage.models import FlagKind, FlagRequest, MessageCreated, MessageRecord
from tests.storage.conftest import open_backend

H = 3600
D = 86400
ZONES = ("Asia/Jakarta", "Asia/Kolkata", "America/New_York", "UTC")
TOPICS = ("audio", "schedule", "merch")
# 2024-03-10 07:00 UTC and 2024-11-03 06:00 UTC: New York's DST starts and ends
NOWS = (1_710_054_000 + 20 * D + 5 * H + 7, 1_730_613_600 + 3 * D + 22 * H + 59, 1_710_054_000 + 3 * H)
SPAN = 130 * D  # messages fall in the 130 days before now (QUARTER and its previous period, partly)
CHANNELS = (10, 11)


def _hour(ts: int) -> int:
    return ts - ts % H


def _local(zone: ZoneInfo, ts: int) -> datetime:
    return datetime.fromtimestamp(_hour(ts), UTC).astimezone(zone)


msg_strategy = st.tuples(
    st.integers(0, SPAN - 1),  # seconds before now
    st.sampled_from(CHANNELS),
    st.sampled_from((0.6, 0.0, -0.6, None)),  # positive, neutral, negative, spam
    st.sampled_from((None, None, *TOPICS)),  # a negative feedback flag's topic
)


async def _check(
    backend: str,
    request: pytest.FixtureRequest,
    zone_name: str,
    now: int,
    raw: list[tuple[int, int, float | None, str | None]],
) -> None:
    zone = ZoneInfo(zone_name)
    messages = []
    ops = []
    for i, (ago, channel, compound, topic) in enumerate(raw):
        at = now - ago
        spam = compound is None
        c = 0.0 if compound is None else compound
        flag = FlagRequest(FlagKind.NEGATIVE, "x", topic=topic) if topic is not None and c < 0 else None
        messages.append((at, channel, c, spam, topic if flag is not None else None))
        rec = MessageRecord(
            guild_id=1,
            channel_id=channel,
            message_id=i + 1,
            author_id=100 + i % 3,
            created_at=at,
            compound=c,
            pos=max(c, 0.0),
            neu=1 - abs(c),
            neg=max(-c, 0.0),
            language="en",
            is_spam=spam,
        )
        ops.append(MessageCreated(rec, flag=flag))
    # another server's messages never count
    ops.append(
        MessageCreated(
            MessageRecord(guild_id=2, channel_id=10, message_id=10**6, author_id=1, created_at=now)
        )
    )

    with tempfile.TemporaryDirectory() as tmp:
        async with open_backend(backend, request, Path(tmp)) as storage:
            await storage.apply(ops)
            service = StatsService(storage)
            for period in (Period.WEEK, Period.MONTH, Period.QUARTER):
                start, end = local_time.period_range(period, now, zone)
                assert start is not None
                days = (period.seconds or 0) // D
                today = _local(zone, now).date()
                first = today - timedelta(days=days - 1)
                # the period is exactly the hours starting on its local days
                assert _local(zone, start).date() == first and _local(zone, start - H).date() < first
                inside = [m for m in messages if start <= m[0] < end]
                assert [m for m in messages if first <= _local(zone, m[0]).date() <= today] == inside

                for channel in (None, 10):
                    mine = [m for m in inside if channel is None or m[1] == channel]
                    trend = await service.trend(1, channel, period, now, zone_name)
                    step = trend.step_days
                    assert step == (1 if days <= 62 else 7)
                    want: dict[date, Counter[str]] = {}
                    for at, _, c, spam, _ in mine:
                        day = _local(zone, at).date()
                        offset = (today - day).days // step  # bins end with today
                        key = today - timedelta(days=offset * step)
                        kind = "spam" if spam else "pos" if c > 0 else "neg" if c < 0 else "neu"
                        want.setdefault(key, Counter())[kind] += 1
                    got = {}
                    for b in trend.bins:
                        last = b.first_day + timedelta(days=b.days - 1)
                        counts = Counter(pos=b.positive, neu=b.neutral, neg=b.negative, spam=b.spam)
                        if b.messages:
                            got[last] = +counts
                        assert b.messages == b.positive + b.neutral + b.negative + b.spam
                    assert got == {k: +v for k, v in want.items()}
                    assert sum(b.days for b in trend.bins) == days
                    # the previous period's line: the same number of local days just before
                    hours_seen = [_hour(m[0]) for m in messages]
                    p_first = first - timedelta(days=days)
                    covered = bool(hours_seen) and min(hours_seen) <= local_time.day_start(zone, p_first)
                    assert (trend.previous is not None) == covered
                    if trend.previous is not None and step == 1:
                        per_day = Counter(
                            _local(zone, m[0]).date()
                            for m in messages
                            if (channel is None or m[1] == channel)
                            and p_first <= _local(zone, m[0]).date() < first
                        )
                        assert trend.previous == tuple(
                            per_day[p_first + timedelta(days=i)] for i in range(days)
                        )
                    assert trend.bins[-1].first_day + timedelta(days=trend.bins[-1].days - 1) == today

                    # the heatmap and the busiest hour
                    activity = await service.activity(1, channel, period, now, zone_name)
                    cells = Counter((_local(zone, m[0]).weekday(), _local(zone, m[0]).hour) for m in mine)
                    grid = {
                        (wd, h): n for wd, row in enumerate(activity.counts) for h, n in enumerate(row) if n
                    }
                    assert grid == dict(cells)
                    assert activity.total == len(mine)
                    if cells:
                        best = min(cells.items(), key=lambda kv: (-kv[1], kv[0]))[0]
                        assert activity.busiest == best
                    stats = await service.channel(1, channel or 10, period, now, zone_name)
                    own = [m for m in inside if m[1] == (channel or 10)]
                    hours = Counter(_local(zone, m[0]).hour for m in own)
                    expected = min(hours.items(), key=lambda kv: (-kv[1], kv[0]))[0] if hours else None
                    assert stats.busiest_hour == expected
                    assert stats.totals.messages == len(own)

                # a member's active days are local days
                for author in (100, 101):
                    theirs = [
                        m for i, m in enumerate(messages) if 100 + i % 3 == author and start <= m[0] < end
                    ]
                    member = await service.member(1, author, period, now, zone_name)
                    assert member.active_days == len({_local(zone, m[0]).date() for m in theirs})
                    assert member.totals.messages == len(theirs)

                # flags per local day by topic
                topics = await service.flag_topics(1, period, now, zone_name)
                flagged = Counter(
                    (datetime.fromtimestamp(m[0], UTC).astimezone(zone).date(), m[4]) for m in inside if m[4]
                )
                got_flags: Counter[tuple[date, str]] = Counter()
                for topic, values in topics.series:
                    for first_day, n in zip(topics.first_days, values, strict=True):
                        if n:
                            got_flags[(first_day, topic)] += n
                if topics.step_days == 1:
                    assert got_flags == flagged
                else:
                    assert sum(got_flags.values()) == sum(flagged.values())
                totals = [sum(v) for _, v in topics.series]
                assert totals == sorted(totals, reverse=True)

            # 24 hours: one bar per hour, the 24 hours before as the line
            day = await service.trend(1, None, Period.DAY, now, zone_name)
            end = _hour(now) + H
            assert day.hourly and [b.hour for b in day.bins] == list(range(end - D, end, H))
            per_hour = Counter(_hour(m[0]) for m in messages)
            assert [b.messages for b in day.bins] == [per_hour[h] for h in range(end - D, end, H)]
            if day.previous is not None:
                assert list(day.previous) == [per_hour[h] for h in range(end - 2 * D, end - D, H)]


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    zone=st.sampled_from(ZONES),
    now=st.sampled_from(NOWS),
    raw=st.lists(msg_strategy, min_size=0, max_size=120),
)
def test_local_statistics_match_brute_force(
    backend: str,
    request: pytest.FixtureRequest,
    zone: str,
    now: int,
    raw: list[tuple[int, int, float | None, str | None]],
) -> None:
    asyncio.run(_check(backend, request, zone, now, raw))


def test_segments_cut_at_dst_and_cover_the_range() -> None:
    ny = ZoneInfo("America/New_York")
    start, end = 1_710_054_000 - 5 * D, 1_710_054_000 + 5 * D  # around 2024-03-10 07:00 UTC
    segments = local_time.offset_segments(ny, start, end)
    assert segments == [(start, 1_710_054_000, -5 * H), (1_710_054_000, end, -4 * H)]
    kolkata = local_time.offset_segments(ZoneInfo("Asia/Kolkata"), start, end)
    assert kolkata == [(start, end, 5 * H + 1800)]


def test_kolkata_days_start_at_the_first_hour_starting_that_day() -> None:
    kolkata = ZoneInfo("Asia/Kolkata")
    # 2024-03-10 00:00 IST is 2024-03-09 18:30 UTC: the hour 18:00 UTC starts 23:30 on the 9th
    first = local_time.day_start(kolkata, date(2024, 3, 10))
    assert datetime.fromtimestamp(first, UTC) == datetime(2024, 3, 9, 19, tzinfo=UTC)
    assert local_time.local_date(kolkata, first - 1) == date(2024, 3, 9)


@settings(max_examples=60, deadline=None)
@given(
    zone=st.sampled_from((*ZONES, "Australia/Lord_Howe", "Europe/London")),
    start_h=st.integers(0, 24 * 800),
    hours=st.integers(1, 24 * 120),
)
def test_segments_match_every_hours_offset(zone: str, start_h: int, hours: int) -> None:
    tz = ZoneInfo(zone)
    start = 1_700_000_000 - 1_700_000_000 % H + start_h * H
    end = start + hours * H
    segments = local_time.offset_segments(tz, start, end)
    assert segments[0][0] == start and segments[-1][1] == end
    for (_, hi, off), (lo2, _, off2) in itertools.pairwise(segments):
        assert hi == lo2 and off != off2
    for lo, hi, off in segments:
        for h in range(lo, hi, H):
            assert local_time.offset_at(tz, h) == off


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(now=st.sampled_from(NOWS), raw=st.lists(msg_strategy, min_size=1, max_size=120))
def test_utc_days_read_from_the_day_roll_ups_match_brute_force(
    backend: str,
    request: pytest.FixtureRequest,
    now: int,
    raw: list[tuple[int, int, float | None, str | None]],
) -> None:
    """In UTC the trend's whole days come from the day tables (and the edges from the hour tables)."""
    asyncio.run(_check(backend, request, "UTC", now, raw))
