"""/top posts and /top announcements on a real SQLite file, written through the real write path: the ranking,
the first-day counts and the medians against a brute-force recount of random messages (adds, removes and
clears of reactions over time, replies, spam, threads, deletes), and the first-day reaction counts kept exact
under message delete, forget-me, retention and server purge."""

from __future__ import annotations

import random
import sqlite3
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from bot.core.export import TopRow
from bot.core.periods import DAY, HOUR
from bot.core.top import AnnouncementRow, RankBy, compare, median, rank_key, ratio, top_posts
from bot.storage.models import MessageCreated, MessageDeleted, ReactionChanged
from bot.storage.sqlite import SQLiteStorage, SQLStorage, migration_scripts
from tests.storage.conftest import T0, Clock, raw_db, rec

G, OTHER_G = 1, 2
GENERAL, RANDOM, THREAD = 10, 11, 20  # THREAD is a thread of GENERAL
STAFF = frozenset({7, 8})


@dataclass
class Model:
    """What the database should hold, kept independently of the write path's rules."""

    created: dict[int, Any] = field(default_factory=dict)  # id -> MessageRecord, live messages only
    reactions: dict[int, int] = field(default_factory=dict)
    replies: dict[int, int] = field(default_factory=dict)
    # id -> [(time, count after, set from Discord)] for every change of a message's count
    log: dict[int, list[tuple[int, int, bool]]] = field(default_factory=dict)

    def early(self, mid: int) -> int | None:
        """The count as it stood when the post turned 24 hours old: the last change before then. None when
        a count set from Discord after that replaced a first day with nothing counted (history read late)."""
        at = self.created[mid].created_at
        n = 0
        for t, new, set_from_discord in self.log.get(mid, []):
            if t - at < DAY:
                n = new
            elif set_from_discord and n == 0:
                return None
        return n

    def replies_24h(self, mid: int) -> int:
        at = self.created[mid].created_at
        return sum(1 for r in self.created.values() if r.reply_to_id == mid and r.created_at < at + DAY)

    def row(self, mid: int) -> TopRow:
        r = self.created[mid]
        return TopRow(mid, r.channel_id, r.created_at, self.reactions[mid], self.replies[mid], r.compound)


async def _random_history(storage: SQLiteStorage, clock: Clock, seed: int) -> Model:
    """~300 messages over 12 days in two servers; reactions arrive while the clock moves on, so some land in
    a post's first day and some after it."""
    rng = random.Random(seed)
    model = Model()
    next_id = 1000
    t = T0
    for _step in range(40):
        ops: list[Any] = []
        t += rng.randrange(HOUR, 8 * HOUR)
        clock.now = t
        for _ in range(rng.randrange(4, 12)):
            next_id += 1
            g = G if rng.random() < 0.85 else OTHER_G
            channel = rng.choice((GENERAL, RANDOM, THREAD))
            live = [m for m, r in model.created.items() if r.guild_id == g and r.channel_id == channel]
            reply_to = rng.choice(live) if live and rng.random() < 0.4 else None
            record = rec(
                next_id,
                guild_id=g,
                channel_id=channel,
                author_id=rng.choice((7, 8, 9, 100, 101)),
                at=t - rng.randrange(0, HOUR),
                compound=round(rng.uniform(-1, 1), 3),
                reply_to=reply_to,
                spam=rng.random() < 0.08,
            )
            if channel == THREAD:
                record = replace(record, parent_channel_id=GENERAL)
            ops.append(MessageCreated(record))
            model.created[next_id] = record
            model.reactions[next_id] = 0
            model.replies[next_id] = 0
            if reply_to is not None:
                model.replies[reply_to] += 1
        await storage.apply(ops)
        ops = []
        for _ in range(rng.randrange(5, 25)):
            mid = rng.choice(list(model.created))
            r = model.created[mid]
            roll = rng.random()
            if roll < 0.7:
                delta, clear = rng.choice((1, 1, 1, 2, -1)), False
                new = max(0, model.reactions[mid] + delta)
            elif roll < 0.75:
                delta, clear = rng.randrange(0, 3), True
                new = delta
            else:
                continue
            ops.append(ReactionChanged(r.guild_id, r.channel_id, mid, delta=delta, clear=clear))
            if new != model.reactions[mid]:
                model.reactions[mid] = new
                model.log.setdefault(mid, []).append((t, new, clear))
        if rng.random() < 0.3:
            mid = rng.choice(list(model.created))
            r = model.created.pop(mid)
            ops.append(MessageDeleted(r.guild_id, r.channel_id, mid))
            if r.reply_to_id in model.created:
                model.replies[r.reply_to_id] -= 1
        await storage.apply(ops)
    return model


def _expected_top(
    model: Model, g: int, channel: int | None, start: int, end: int, by: RankBy
) -> list[TopRow]:
    in_channel = {None: None, GENERAL: {GENERAL, THREAD}, RANDOM: {RANDOM}, THREAD: {THREAD}}[channel]
    rows = [
        model.row(mid)
        for mid, r in model.created.items()
        if r.guild_id == g
        and not r.is_spam
        and start <= r.created_at < end
        and (in_channel is None or r.channel_id in in_channel)
    ]
    wanted = {
        RankBy.REACTIONS: lambda x: x.reactions,
        RankBy.REPLIES: lambda x: x.replies,
        RankBy.ENGAGEMENT: lambda x: x.reactions + x.replies,
    }[by]
    return sorted((x for x in rows if wanted(x) > 0), key=lambda x: rank_key(x, by))


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_top_posts_and_announcements_match_a_recount(
    storage: SQLiteStorage, clock: Clock, seed: int
) -> None:
    model = await _random_history(storage, clock, seed)
    rng = random.Random(seed * 7)
    last = max(r.created_at for r in model.created.values())
    ranges = [(T0 - DAY, last + DAY), *((T0 + rng.randrange(0, 6 * DAY), last + 1) for _ in range(3))]
    checked = 0
    for g in (G, OTHER_G):
        for channel in (None, GENERAL, RANDOM, THREAD):
            for start, end in ranges:
                for by in RankBy:
                    want = _expected_top(model, g, channel, start, end, by)
                    got = await storage.top_posts(g, channel, start, end, by.value, 1000)
                    assert got == want
                    page = await storage.top_posts(g, channel, start, end, by.value, 5, 3)
                    assert page == want[3:8]
                    checked += len(want)
            if channel is None:
                continue
            for start, end in ranges:
                rows = await storage.announcement_posts(g, channel, STAFF, start, end, 1000)
                in_channel = {GENERAL: {GENERAL, THREAD}}.get(channel, {channel})
                posts = sorted(
                    (
                        mid
                        for mid, r in model.created.items()
                        if r.guild_id == g
                        and r.channel_id in in_channel
                        and r.author_id in STAFF
                        and r.reply_to_id is None
                        and not r.is_spam
                        and start <= r.created_at < end
                    ),
                    key=lambda m: (-model.created[m].created_at, -m),
                )
                assert [x.message_id for x in rows] == posts
                for x in rows:
                    assert (x.reactions, x.replies) == (
                        model.early(x.message_id),
                        model.replies_24h(x.message_id),
                    )
                newest = await storage.announcement_posts(g, channel, STAFF, start, end, 3)
                assert newest == rows[:3]
                posted = Counter(
                    r.author_id
                    for r in model.created.values()
                    if r.guild_id == g
                    and r.channel_id in in_channel
                    and r.reply_to_id is None
                    and not r.is_spam
                    and start <= r.created_at < end
                )
                want_authors = sorted(posted, key=lambda a: (-posted[a], a))
                assert await storage.post_authors(g, channel, start, end, 100) == want_authors
    assert checked > 100
    # the export reads the same query (by engagement)
    assert (
        await storage.export_top(G, None, last + 1, 50)
        == _expected_top(model, G, None, -(2**62), last + 1, RankBy.ENGAGEMENT)[:50]
    )


@pytest.mark.parametrize("seed", range(20))
def test_medians_and_ratios_match_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    now = T0 + 30 * DAY
    rows = [
        AnnouncementRow(
            message_id=i,
            channel_id=GENERAL,
            created_at=now - rng.randrange(0, 20 * DAY),
            reactions=None if rng.random() < 0.2 else rng.randrange(0, 40),
            replies=rng.randrange(0, 15),
        )
        for i in range(rng.randrange(0, 30))
    ]
    out = compare(rows, now, shown=5)
    done = [r for r in rows if now - r.created_at >= DAY]
    reacts = sorted(r.reactions for r in done if r.reactions is not None)
    replies = sorted(r.replies for r in done)

    def brute_median(values: list[int]) -> float | None:
        if not values:
            return None
        n = len(values)
        return float(values[n // 2]) if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2

    assert out.median_reactions == brute_median(reacts)
    assert out.median_replies == brute_median(replies)
    assert (out.posts, out.compared) == (len(rows), len(done))
    newest = sorted(rows, key=lambda r: r.created_at, reverse=True)[:5]
    assert [line.row.created_at for line in out.lines] == [r.created_at for r in newest]
    for line in out.lines:
        running = now - line.row.created_at < DAY
        assert line.running is running
        m = out.median_reactions
        if running or line.row.reactions is None or not m:
            assert line.reactions_ratio is None
        else:
            assert line.reactions_ratio == pytest.approx(line.row.reactions / m)
        if running or not out.median_replies:
            assert line.replies_ratio is None
        else:
            assert line.replies_ratio == pytest.approx(line.row.replies / out.median_replies)


def test_ratio_and_median_edges() -> None:
    assert median([]) is None and median([3]) == 3.0 and median([1, 2, 3, 10]) == 2.5
    assert ratio(21, 10.0) == pytest.approx(2.1)
    assert ratio(5, 0.0) is None and ratio(None, 3.0) is None and ratio(4, None) is None


async def test_listing_leaves_out_hidden_channels_and_ranks_what_it_shows(storage: SQLiteStorage) -> None:
    ops: list[Any] = [
        MessageCreated(rec(i, channel_id=GENERAL if i % 2 else RANDOM, at=T0 + i)) for i in range(1, 301)
    ]
    ops += [ReactionChanged(G, 0, i, delta=i, clear=True) for i in range(1, 301)]
    await storage.apply(ops)
    out = await top_posts(storage, G, None, None, T0 + DAY, RankBy.REACTIONS, keep=lambda c: c == RANDOM)
    assert [rank for rank, _ in out.posts] == list(range(1, 11))
    assert [row.message_id for _, row in out.posts] == list(range(300, 280, -2))
    assert out.hidden == 9  # the odd ids ranked above the last one shown (299 ... 283)


# -- the first-day counter ---------------------------------------------------------------------------------


def _early(storage: SQLStorage, tmp_path: Path) -> dict[int, int | None]:
    with raw_db(storage, tmp_path) as db:
        rows = db.execute("SELECT message_id, reactions FROM early_reactions").fetchall()
    return {int(m): None if n is None else int(n) for m, n in rows}


async def test_first_day_reactions_follow_adds_removes_and_clears_then_freeze(
    storage: SQLiteStorage, clock: Clock, tmp_path: Path
) -> None:
    clock.now = T0 + HOUR
    await storage.apply(
        [MessageCreated(rec(1, author_id=7, at=T0)), MessageCreated(rec(2, author_id=7, at=T0))]
    )
    await storage.apply([ReactionChanged(G, GENERAL, 1, 1)] * 3 + [ReactionChanged(G, GENERAL, 2, 1)])
    await storage.apply([ReactionChanged(G, GENERAL, 1, -1), ReactionChanged(G, GENERAL, 2, 0, clear=True)])
    assert _early(storage, tmp_path) == {1: 2}  # a post back at 0 keeps no row
    clock.now = T0 + DAY  # the first day is over: later changes leave it as it was
    await storage.apply([ReactionChanged(G, GENERAL, 1, 5), ReactionChanged(G, GENERAL, 2, 4)])
    await storage.apply([ReactionChanged(G, GENERAL, 1, 0, clear=True)])
    assert _early(storage, tmp_path) == {1: 2}
    rows = await storage.announcement_posts(G, GENERAL, STAFF, None, T0 + 2 * DAY, 10)
    assert [(r.message_id, r.reactions) for r in rows] == [(2, 0), (1, 2)]
    assert [r.reactions for r in await storage.top_posts(G, GENERAL, None, T0 + DAY, "reactions", 10)] == [4]


async def test_first_day_rows_go_with_their_messages(
    storage: SQLiteStorage, clock: Clock, tmp_path: Path
) -> None:
    clock.now = T0 + HOUR
    ops: list[Any] = [MessageCreated(rec(i, author_id=7 if i < 4 else 9, at=T0)) for i in range(1, 7)]
    ops.append(MessageCreated(rec(50, guild_id=OTHER_G, at=T0)))
    await storage.apply(ops)
    await storage.apply(
        [ReactionChanged(G, GENERAL, i, 2) for i in range(1, 7)] + [ReactionChanged(OTHER_G, 1, 50, 1)]
    )
    assert set(_early(storage, tmp_path)) == {1, 2, 3, 4, 5, 6, 50}
    # deleted, then a reaction to the deleted message in the same batch: no row comes back
    await storage.apply([MessageDeleted(G, GENERAL, 1), ReactionChanged(G, GENERAL, 1, 1)])
    assert 1 not in _early(storage, tmp_path)
    await storage.forget_member(G, 9)  # messages 4..6
    assert set(_early(storage, tmp_path)) == {2, 3, 50}
    await storage.purge_guild(OTHER_G)
    assert set(_early(storage, tmp_path)) == {2, 3}
    clock.now = T0 + 400 * DAY
    await storage.sweep_retention(default_days=90)
    assert _early(storage, tmp_path) == {}


async def test_migration_counts_recent_posts_and_marks_older_ones_unknown(tmp_path: Path) -> None:
    import time

    path = tmp_path / "v10.db"
    now = int(time.time())
    conn = sqlite3.connect(path, isolation_level=None)
    for version, name, sql in migration_scripts():
        if name.startswith("0011"):
            break
        conn.executescript(f"BEGIN;\n{sql}\n;PRAGMA user_version = {version};\nCOMMIT;")
    columns = (
        "message_id, guild_id, channel_id, author_id, created_at, scored, compound, pos, neu, neg, is_spam"
    )
    for mid, at, reactions in ((1, now - 3 * DAY, 9), (2, now - HOUR, 4)):
        conn.execute(
            f"INSERT INTO messages ({columns}, reactions) VALUES (?, 1, 10, 7, ?, 1, 0, 0, 1, 0, 0, ?)",
            (mid, at, reactions),
        )
    conn.close()
    async with SQLiteStorage.open(path, clock=lambda: now) as storage:
        rows = await storage.announcement_posts(G, GENERAL, STAFF, None, now + HOUR, 10)
        assert [(r.message_id, r.reactions) for r in rows] == [(2, 4), (1, None)]
        await storage.apply([MessageCreated(rec(3, author_id=8, at=now))])
        rows = await storage.announcement_posts(G, GENERAL, STAFF, None, now + HOUR, 10)
        assert [(r.message_id, r.reactions) for r in rows] == [(3, 0), (2, 4), (1, None)]


async def test_counts_read_from_history_after_the_first_day_are_not_known(
    storage: SQLiteStorage, clock: Clock, tmp_path: Path
) -> None:
    clock.now = T0 + 10 * DAY
    # back-fill: an old message stored, then its count read from Discord (set, in a later batch)
    await storage.apply([MessageCreated(rec(1, author_id=7, at=T0))])
    await storage.apply([ReactionChanged(G, GENERAL, 1, 5, clear=True)])
    # `sentimeter analyze`: an old message and its exported count in the same batch (added)
    await storage.apply([MessageCreated(rec(2, author_id=7, at=T0)), ReactionChanged(G, GENERAL, 2, 3)])
    # an old message nobody reacted to: 0 is what its first day had
    await storage.apply([MessageCreated(rec(3, author_id=7, at=T0))])
    # a post counted live in its first day keeps its count when a moderator clears one emoji later
    await storage.apply([MessageCreated(rec(4, author_id=7, at=T0 + 10 * DAY - HOUR))])
    await storage.apply([ReactionChanged(G, GENERAL, 4, 1)] * 2)
    clock.now = T0 + 12 * DAY
    await storage.apply([ReactionChanged(G, GENERAL, 4, 1, clear=True), ReactionChanged(G, GENERAL, 4, 1)])
    rows = await storage.announcement_posts(G, GENERAL, STAFF, None, T0 + 20 * DAY, 10)
    assert [(r.message_id, r.reactions) for r in rows] == [(4, 2), (3, 0), (2, None), (1, None)]
    # a later live reaction to a not-known post leaves it not known
    await storage.apply([ReactionChanged(G, GENERAL, 1, 1)])
    assert (await storage.announcement_posts(G, GENERAL, STAFF, None, T0 + DAY, 10))[-1].reactions is None
    await storage.apply([MessageDeleted(G, GENERAL, 1)])
    assert 1 not in _early(storage, tmp_path)
