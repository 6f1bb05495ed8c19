"""The campaign report's numbers against a brute-force count over the messages themselves, in time zones
with whole and half-hour offsets, on real SQLite."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import date, datetime
from pathlib import Path

import pytest

from bot.core.campaigns.inputs import local_midnight
from bot.core.campaigns.report import build_report
from bot.core.periods import DAY, HOUR
from bot.core.timezones import zone_info
from bot.storage.models import CampaignMentions, MessageCreated, MessageRecord
from bot.storage.sqlite import SQLiteStorage

G = 5


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[SQLiteStorage]:
    async with SQLiteStorage.open(tmp_path / "report.db") as opened:
        yield opened


def _label(compound: float) -> str:
    return "pos" if compound >= 0.05 else "neg" if compound <= -0.05 else "neu"


@pytest.mark.parametrize("zone", ["Asia/Jakarta", "Asia/Kolkata", "UTC"])
async def test_report_matches_brute_force(storage: SQLiteStorage, zone: str) -> None:
    rng = random.Random(zone)
    start = local_midnight(date(2026, 11, 10), zone)
    end = local_midnight(date(2026, 11, 17), zone)  # seven days
    now = end + 3 * DAY + 5 * HOUR  # ended; "after" is cut at now
    campaign = await storage.add_campaign(G, "Kopi", ["kopi"], start, end)
    other = await storage.add_campaign(G, "Teh", ["teh"], start, end)
    messages = []
    ops: list[object] = []
    for mid in range(1, 1500):
        at = start - 9 * DAY + rng.randrange(0, 9 * DAY + 7 * DAY + 3 * DAY + 5 * HOUR)
        compound = rng.choice([-0.8, -0.05, 0.0, 0.3, 0.05])
        spam = rng.random() < 0.05
        mentions = rng.random() < 0.3
        author = rng.randrange(40)
        record = MessageRecord(G, 1, mid, author, at, compound=compound, pos=0, neu=0, neg=0, is_spam=spam)
        ops.append(MessageCreated(record))
        if mentions:
            ops.append(CampaignMentions(G, mid, (campaign.id,)))
        elif rng.random() < 0.2:
            ops.append(CampaignMentions(G, mid, (other.id,)))
        messages.append((at, author, compound, spam, mentions))
    ops.append(MessageCreated(MessageRecord(G + 1, 1, 99_999, 1, start + 10)))  # another server's
    await storage.apply(ops)  # type: ignore[arg-type]

    report = await build_report(storage, campaign, now, zone)

    tz = zone_info(zone)

    def day(t: int) -> date:
        return datetime.fromtimestamp(t - t % HOUR, tz).date()

    length = end - start
    before, during, after = (start - length, start), (start, end), (end, min(end + length, now))
    first = day(before[0] + HOUR - 1)  # the first hour that starts inside "before"
    assert report.days[0] == first and report.days[-1] == day(now)
    hour = lambda at: at - at % HOUR  # noqa: E731
    for i, d in enumerate(report.days):
        on = [m for m in messages if m[4] and day(m[0]) == d]
        assert report.mentions[i] == len(on), d
        assert report.positive[i] == sum(1 for m in on if not m[3] and _label(m[2]) == "pos")
        assert report.negative[i] == sum(1 for m in on if not m[3] and _label(m[2]) == "neg")
        assert report.members[i] == len({m[1] for m in on})
    inside = [m for m in messages if m[4] and during[0] <= hour(m[0]) < during[1]]
    assert report.total_mentions == len(inside)
    assert report.unique_members == len({m[1] for m in inside})
    assert report.total_spam == sum(1 for m in inside if m[3])
    scored = [m[2] for m in inside if not m[3]]
    assert report.mean_compound == pytest.approx(sum(scored) / len(scored), abs=1e-4)
    for span, got in ((before, report.before), (during, report.during), (after, report.after)):
        assert got is not None
        chosen = [m for m in messages if span[0] <= hour(m[0]) < span[1]]
        assert got.messages == len(chosen)
        assert got.per_day == pytest.approx(len(chosen) * DAY / (span[1] - span[0]))
        sentiment = [m[2] for m in chosen if not m[3]]
        assert got.mean_compound == pytest.approx(sum(sentiment) / len(sentiment), abs=1e-4)
    # the shaded spans cover the chart's days in order
    (b0, b1), (d0, d1), (a0, a1) = report.span_days
    assert b0 == 0 and b1 == d0 and d1 == a0 and a1 == len(report.days)
    assert report.days[d0] == day(start + HOUR - 1) and report.days[d1 - 1] == day(end - 1)


async def test_running_campaign_has_no_after(storage: SQLiteStorage) -> None:
    start = local_midnight(date(2026, 11, 10), "Asia/Jakarta")
    campaign = await storage.add_campaign(G, "Open", ["x"], start, None)
    report = await build_report(storage, campaign, start + 2 * DAY + 3 * HOUR, "Asia/Jakarta")
    assert report.after is None and report.span_days[2] == (0, 0)
    assert report.total_mentions == 0 and report.mean_compound is None
    # during: 2 days 3 hours up to now (10-12 Nov); before: as long (from 7 Nov 21:00)
    assert report.days[0] == date(2026, 11, 7) and len(report.days) == 6
    assert report.span_days[:2] == ((0, 3), (3, 6))
