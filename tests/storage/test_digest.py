"""The weekly digest on real SQLite: its figures against a brute-force count of the stored rows (any zone,
including +05:30 and a DST change), and the schedule's claim / finish / postpone (migration 0014)."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.core.digest import build_digest
from bot.core.periods import Period
from bot.core.scoring.thresholds import sentiment_label
from bot.core.trends import rank as trend_rank
from bot.storage.models import FlagKind, FlagRequest, MessageCreated, ReactionChanged
from bot.storage.sqlite import SQLiteStorage

from .conftest import Clock, raw_db, rec

HOUR = 3600
TOPICS = ("audio", "video", "schedule", "merch")
COMPOUNDS = (-0.8, -0.3, 0.0, 0.02, 0.4, 0.9)


def utc(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp())  # type: ignore[misc]


async def fill(storage: SQLiteStorage, rng: random.Random, start: int, end: int, n: int) -> None:
    """``n`` messages in guild 1 (and noise in guild 2) between start and end, with reactions, replies
    and negative-feedback flags."""
    ops: list[object] = []
    ids: list[int] = []
    for i in range(n):
        guild = 1 if rng.random() < 0.9 else 2
        at = rng.randrange(start, end)
        message_id = 1_000 + i
        flag = None
        spam = rng.random() < 0.05
        compound = rng.choice(COMPOUNDS)
        if guild == 1 and not spam and compound <= -0.3 and rng.random() < 0.5:
            flag = FlagRequest(FlagKind.NEGATIVE, "text", topic=rng.choice(TOPICS))
        reply_to = rng.choice(ids) if ids and rng.random() < 0.2 else None
        record = rec(
            message_id,
            guild_id=guild,
            channel_id=10 + rng.randrange(3),
            author_id=100 + rng.randrange(40),
            at=at,
            compound=compound,
            scored=rng.random() > 0.05,
            spam=spam,
            reply_to=reply_to if guild == 1 else None,
        )
        ops.append(MessageCreated(record, flag))
        if guild == 1:
            ids.append(message_id)
    for message_id in rng.sample(ids, len(ids) // 4):
        for _ in range(rng.randrange(1, 6)):
            ops.append(ReactionChanged(1, 10, message_id, +1))
    await storage.apply(ops)  # type: ignore[arg-type]


def brute_force(conn: Any, zone: str, days: tuple[date, ...], start: int, end: int) -> dict[str, object]:
    """The figures straight from the rows: each message in the local day its UTC hour starts in."""
    tz = ZoneInfo(zone)
    rows = conn.execute(
        "SELECT message_id, channel_id, author_id, created_at, scored, compound, is_spam, reactions, replies"
        " FROM messages WHERE guild_id = 1"
    ).fetchall()
    flags = conn.execute("SELECT topic, created_at, status FROM flags WHERE guild_id = 1").fetchall()
    per_day: dict[date, Counter[str]] = defaultdict(Counter)
    authors = set()
    top = []
    for _mid, _ch, author, at, scored, compound, spam, reactions, replies in rows:
        day = datetime.fromtimestamp(at - at % HOUR, tz).date()
        if day not in days:
            continue
        assert start <= at < end
        counts = per_day[day]
        counts["messages"] += 1
        authors.add(author)
        if spam:
            counts["spam"] += 1
        elif scored:
            counts[sentiment_label(compound)] += 1
        if not spam and reactions + replies > 0:
            top.append((-(reactions + replies), -reactions, _mid, _ch, reactions, replies))
    topics = Counter(topic for topic, at, _ in flags if start <= at < end and topic is not None)
    return {
        "days": [
            (
                d,
                per_day[d]["messages"],
                per_day[d]["positive"],
                per_day[d]["neutral"],
                per_day[d]["negative"],
                per_day[d]["spam"],
            )
            for d in days
        ],
        "authors": len(authors),
        "top": [(ch, mid, r, p) for _, _, mid, ch, r, p in sorted(top)[:5]],
        "topics": topics,
        "open": sum(1 for _, _, status in flags if status == "open"),
    }


@pytest.mark.parametrize(
    ("zone", "moment"),
    [
        ("Asia/Kolkata", utc(2026, 12, 7, 3, 30)),  # +05:30
        ("Europe/Berlin", utc(2026, 3, 30, 7)),  # the week holds the spring DST change (a 23-hour day)
        ("America/New_York", utc(2026, 11, 2, 14)),  # the week holds the autumn change (a 25-hour day)
        ("Asia/Jakarta", utc(2026, 12, 6, 17)),  # Monday 00:00 local, still Sunday in UTC
    ],
)
async def test_digest_figures_match_a_brute_force_count(
    storage: SQLiteStorage, clock: Clock, tmp_path: Path, zone: str, moment: int
) -> None:
    clock.now = moment
    rng = random.Random(f"{zone}{moment}")
    await fill(storage, rng, moment - 16 * 86_400, moment + 86_400, 1500)
    digest = await build_digest(storage, 1, zone, moment)
    conn = raw_db(storage, tmp_path)
    want = brute_force(conn, zone, digest.week.days, digest.week.start, digest.week.end)
    before = await build_digest(storage, 1, zone, moment - 7 * 86_400)
    want_before = brute_force(conn, zone, before.week.days, before.week.start, before.week.end)
    conn.close()

    got_days = [(d.day, d.messages, d.positive, d.neutral, d.negative, d.spam) for d in digest.days]
    assert got_days == want["days"]
    assert digest.totals.messages == sum(d[1] for d in want["days"])  # type: ignore[attr-defined]
    assert digest.previous.messages == sum(d[1] for d in want_before["days"])  # type: ignore[attr-defined]
    assert digest.previous_days == tuple(d[1] for d in want_before["days"])  # type: ignore[attr-defined]
    assert digest.active_members == want["authors"]
    assert digest.previous_active_members == want_before["authors"]
    assert [(p.channel_id, p.message_id, p.reactions, p.replies) for p in digest.top_posts] == want["top"]
    topics: Counter[str] = want["topics"]  # type: ignore[assignment]
    before_topics: Counter[str] = want_before["topics"]  # type: ignore[assignment]
    assert {topic: n for topic, n, _ in digest.topics} == dict(topics)
    assert all(previous == before_topics.get(topic, 0) for topic, _, previous in digest.topics)
    assert [n for _, n, _ in digest.topics] == sorted(topics.values(), reverse=True)
    assert digest.open_flags == want["open"]
    assert digest.rising == ()  # term counting is on, but these comments carry no terms: nothing rises
    assert digest.totals.messages > 0 and digest.top_posts and digest.topics  # every section has data


async def test_the_schedule_is_claimed_once_per_slot(storage: SQLiteStorage) -> None:
    s1, s2 = utc(2026, 12, 7, 2), utc(2026, 12, 14, 2)
    schedule = await storage.set_digest_schedule(1, 55, 0, 9, s1)
    assert (schedule.slot, schedule.next_at, schedule.posted_slot) == (s1, s1, 0)
    assert await storage.due_digests(s1 - 1, 10) == []
    assert [d.guild_id for d in await storage.due_digests(s1, 10)] == [1]
    assert await storage.get_digest_schedule(2) is None  # scoped by guild

    # claiming records the slot and the send in one statement; a second claim of the same slot fails
    assert await storage.claim_digest(1, s1, s1, 55, s1 + 5, lease=600)
    claimed = await storage.get_digest_schedule(1)
    assert claimed is not None
    assert (claimed.attempted_at, claimed.attempt_channel_id, claimed.next_at) == (s1 + 5, 55, s1 + 605)
    assert await storage.next_digest_at() == s1 + 605
    assert await storage.finish_digest(1, s1, 999, s2)
    assert not await storage.claim_digest(1, s2, s1, 55, s1 + 10, lease=600)  # s1 was posted: never again
    done = await storage.get_digest_schedule(1)
    assert done is not None
    assert (done.posted_slot, done.message_id, done.slot, done.attempted_at) == (s1, 999, s2, None)

    # a failed try keeps the slot and says when to try again; warned is remembered until the slot is posted
    await storage.postpone_digest(1, s2, s2 + 30, attempted_at=None, channel_id=None, warned=True)
    later = await storage.get_digest_schedule(1)
    assert later is not None and (later.attempts, later.next_at, later.warned) == (1, s2 + 30, True)

    # missed weeks: the claim moves straight to the newest slot
    s5 = s2 + 3 * 7 * 86_400
    assert await storage.claim_digest(1, s2, s5, 55, s5 + 1, lease=600)
    assert not await storage.claim_digest(1, s2, s5, 55, s5 + 2, lease=600)  # the row moved on
    assert await storage.finish_digest(1, s5, 1000, s5 + 7 * 86_400)

    assert await storage.delete_digest_schedule(1)
    assert not await storage.delete_digest_schedule(1)
    with pytest.raises(ValueError):
        await storage.set_digest_schedule(1, 55, 7, 9, s1)


async def test_the_schedule_is_kept_across_a_restart_and_purged_with_the_server(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    async with SQLiteStorage.open(path) as storage:
        await storage.set_digest_schedule(7, 70, 3, 20, 1_800_000_000)
        await storage.claim_digest(7, 1_800_000_000, 1_800_000_000, 70, 1_800_000_001, lease=600)
    async with SQLiteStorage.open(path) as storage:
        kept = await storage.get_digest_schedule(7)
        assert kept is not None and (kept.weekday, kept.hour, kept.attempted_at) == (3, 20, 1_800_000_001)
        await storage.purge_guild(7)  # a server's data goes with it (every table with a guild_id)
        assert await storage.get_digest_schedule(7) is None


async def test_rising_terms_are_the_trends_ranking_and_none_when_counting_is_off(
    storage: SQLiteStorage, clock: Clock
) -> None:
    """The digest's rising terms are what /trends 7d shows at the week's end; with counting off the post says
    how to turn it on (None)."""
    moment = utc(2026, 12, 7, 3)
    clock.now = moment
    ops = []
    for i in range(60):  # 30 comments in each of the two weeks; "new map" only in the recent one
        at = moment - (10 - (i % 2) * 7) * 86_400 + i * 60  # odd: 3 days ago, even: 10 days ago
        terms = ("new map", "new", "map") if i % 2 and i % 3 == 0 else ("stream",)
        ops.append(MessageCreated(rec(10_000 + i, at=at), terms=terms))  # type: ignore[arg-type]
    await storage.apply(ops)
    digest = await build_digest(storage, 1, "Asia/Jakarta", moment)
    want = await trend_rank.rising_terms(storage, 1, Period.WEEK, digest.week.end - 1)
    assert digest.rising is not None and [r.term for r in digest.rising] == [r.term for r in want.rising]
    assert digest.rising[0].term == "new map" and digest.rising[0].previous == 0
    await storage.set_trends_enabled(1, False)
    assert (await build_digest(storage, 1, "Asia/Jakarta", moment)).rising is None


async def test_top_posts_leave_out_channels_the_readers_may_not_see(
    storage: SQLiteStorage, clock: Clock
) -> None:
    moment = utc(2026, 12, 7, 3)
    clock.now = moment
    await fill(storage, random.Random(7), moment - 9 * 86_400, moment, 400)
    everything = await build_digest(storage, 1, "UTC", moment)
    hidden = everything.top_posts[0].channel_id
    shown = await build_digest(storage, 1, "UTC", moment, keep=lambda channel_id: channel_id != hidden)
    assert shown.top_posts and all(p.channel_id != hidden for p in shown.top_posts)
