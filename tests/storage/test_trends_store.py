"""Per-day term counts for /trends (migration 0012) on a real SQLite file: counted once per stored comment,
never for spam, per server; the ranking against a brute-force computation; the opt-out; the caps; day close
and retention; forget-me and purging a server."""

from __future__ import annotations

import math
import random
import sqlite3
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from bot.core.periods import DAY, Period
from bot.core.trends.rank import MIN_COUNT, TOP, rising_terms
from bot.storage import _trends
from bot.storage.models import MessageCreated
from bot.storage.sqlite import SQLiteStorage, SQLStorage

from .conftest import NOW, Clock, raw_db, rec

TODAY = NOW - NOW % DAY


def said(message_id: int, terms: tuple[str, ...] | None, **kw: object) -> MessageCreated:
    return MessageCreated(rec(message_id, **kw), terms=terms)  # type: ignore[arg-type]


def rows(storage: SQLStorage, path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = raw_db(storage, path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


async def counts(storage: SQLiteStorage, guild_id: int = 1, day: int = TODAY) -> dict[str, int]:
    _prev, _n, terms = await storage.term_counts(guild_id, day, day, day + DAY, 1)
    return {t.term: t.count for t in terms}


async def test_terms_are_counted_once_per_stored_comment_and_never_for_spam(storage: SQLiteStorage) -> None:
    await storage.apply(
        [
            said(1, ("map", "new map"), at=TODAY + 10, compound=0.5),
            said(2, ("map",), at=TODAY + 20, compound=-0.3),
            said(3, ("slot",), at=TODAY + 30, spam=True),  # spam: neither its terms nor the comment
            said(4, ("ghost",), at=TODAY + 40, scored=False),  # nothing scored: nothing counted
            said(5, None, at=TODAY + 50),  # terms not extracted: not counted at all
            said(6, ("map",), at=TODAY + 60, guild_id=2),  # another server
        ]
    )
    await storage.apply([said(1, ("map", "new map"), at=TODAY + 10, compound=0.5)])  # read again: once
    prev, n, terms = await storage.term_counts(1, TODAY - DAY, TODAY, TODAY + DAY, 1)
    assert (prev, n) == (0, 2)
    by_term = {t.term: t for t in terms}
    assert {k: v.count for k, v in by_term.items()} == {"map": 2, "new map": 1}
    assert by_term["map"].compound_sum == pytest.approx(0.2)
    assert await counts(storage, guild_id=2) == {"map": 1}


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_the_ranking_matches_a_brute_force_computation(storage: SQLiteStorage, seed: int) -> None:
    rng = random.Random(seed)
    vocabulary = [f"w{i}" for i in range(40)]
    rising = set(rng.sample(vocabulary, 6))
    messages = []
    mid = 0
    for day in range(-13, 1):
        for _ in range(rng.randint(20, 60)):
            weights = [5 if (w in rising and day > -7) else 1 for w in vocabulary]
            terms = tuple(dict.fromkeys(rng.choices(vocabulary, weights, k=rng.randint(0, 5))))
            compound = round(rng.uniform(-1, 1), 4)
            mid += 1
            messages.append((mid, TODAY + day * DAY + rng.randrange(DAY), terms, compound))
    rng.shuffle(messages)  # arrival order does not matter
    for i in range(0, len(messages), 50):
        await storage.apply([said(m, terms, at=at, compound=c) for m, at, terms, c in messages[i : i + 50]])

    report = await rising_terms(storage, 1, Period.WEEK, NOW)

    start, mid_day = TODAY - 13 * DAY, TODAY - 6 * DAY
    now_n = sum(1 for _, at, _, _ in messages if at >= mid_day)
    prev_n = sum(1 for _, at, _, _ in messages if start <= at < mid_day)
    now_c: Counter[str] = Counter()
    prev_c: Counter[str] = Counter()
    sums: defaultdict[str, float] = defaultdict(float)
    for _, at, terms, c in messages:
        for term in terms:
            if at >= mid_day:
                now_c[term] += 1
                sums[term] += c
            elif at >= start:
                prev_c[term] += 1
    expected = []
    for term, c in now_c.items():
        change = math.log((c + 1) / now_n) - math.log((prev_c[term] + 1) / prev_n)
        if c >= MIN_COUNT and change > 0:
            expected.append((term, c, prev_c[term], change, sums[term] / c))
    expected.sort(key=lambda e: (-e[3], -e[1], e[0]))
    expected = expected[:TOP]

    assert (report.messages, report.previous_messages) == (now_n, prev_n)
    got = [(r.term, r.count, r.previous) for r in report.rising]
    assert got == [(e[0], e[1], e[2]) for e in expected]
    for r, e in zip(report.rising, expected, strict=True):
        assert r.change == pytest.approx(e[3])
        assert r.sentiment == pytest.approx(e[4], abs=1e-4)
    assert got[0][0] in rising  # the strongest riser is one of the boosted words


async def test_turning_counting_off_deletes_the_terms_and_stops_counting(storage: SQLiteStorage) -> None:
    await storage.apply([said(1, ("map",), at=TODAY), said(2, ("map",), at=TODAY, guild_id=2)])
    assert await storage.trends_enabled(1)
    deleted = await storage.set_trends_enabled(1, False)
    assert deleted == 1
    assert not await storage.trends_enabled(1)
    await storage.apply([said(3, ("map",), at=TODAY + 1)])
    assert await counts(storage) == {}
    assert await storage.term_counts(1, TODAY - DAY, TODAY, TODAY + DAY, 1) == (0, 0, [])
    assert await counts(storage, guild_id=2) == {"map": 1}  # another server keeps its own
    await storage.set_trends_enabled(1, True)
    assert await storage.trends_enabled(1)
    await storage.apply([said(4, ("map",), at=TODAY + 2)])
    assert await counts(storage) == {"map": 1}


async def test_a_day_keeps_at_most_its_cap_of_terms_most_used_first(
    storage: SQLiteStorage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_trends, "DAY_CAP", 10)
    ops = [said(1, ("popular", "liked"), at=TODAY), said(2, ("popular", "liked"), at=TODAY + 1)]
    ops += [said(10 + i, (f"rare{i}",), at=TODAY + 2) for i in range(30)]
    for i in range(0, len(ops), 4):
        await storage.apply(ops[i : i + 4])
    stored = await counts(storage)
    assert len(stored) <= 10 + 4  # the cap, plus at most one batch's new terms before the next check
    assert stored["popular"] == 2 and stored["liked"] == 2
    (bound,) = rows(storage, tmp_path, "SELECT terms_bound FROM trend_days")[0]
    assert bound >= len(stored)


async def test_day_close_keeps_repeated_terms_and_retention_drops_old_days(
    storage: SQLiteStorage, clock: Clock, tmp_path: Path
) -> None:
    old, yesterday = TODAY - 5 * DAY, TODAY - DAY
    await storage.apply(
        [
            said(1, ("map", "once"), at=yesterday),
            said(2, ("map",), at=yesterday + 1),
            said(3, ("today",), at=TODAY),
            said(4, ("ancient", "ancient2"), at=old),
            said(5, ("ancient",), at=old + 1),
        ]
    )
    await storage.set_retention(1, 3)
    await storage.sweep_retention(default_days=90)
    assert await counts(storage, day=yesterday) == {"map": 2}  # "once" went at day close
    assert await counts(storage) == {"today": 1}  # today is not closed yet
    assert await counts(storage, day=old) == {}  # older than the server's retention
    db = tmp_path
    assert rows(storage, db, "SELECT day, closed FROM trend_days ORDER BY day") == [
        (yesterday, 1),
        (TODAY, 0),
    ]


async def test_forget_me_leaves_no_author_in_term_counts_and_purge_removes_them(
    storage: SQLiteStorage, tmp_path: Path
) -> None:
    db = tmp_path
    columns = {r[1] for r in rows(storage, db, "PRAGMA table_info(trend_terms)")}
    assert "author_id" not in columns and "user_id" not in columns  # nothing identifies a member
    await storage.apply([said(1, ("map",), at=TODAY, author_id=7), said(2, ("map",), at=TODAY, author_id=8)])
    await storage.forget_member(1, 7)
    assert await counts(storage) == {"map": 2}  # approximate: the text that gave the terms is gone
    await storage.purge_guild(1)
    assert rows(storage, db, "SELECT count(*) FROM trend_terms") == [(0,)]
    assert rows(storage, db, "SELECT count(*) FROM trend_days") == [(0,)]


async def test_a_database_from_before_0012_gains_the_tables(tmp_path: Path) -> None:
    from bot.storage.sqlite import migration_scripts

    path = tmp_path / "v11.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for version, name, sql in migration_scripts():
        if name.startswith("0012"):
            break
        conn.executescript(f"BEGIN;\n{sql}\n;PRAGMA user_version = {version};\nCOMMIT;")
    conn.close()
    async with SQLiteStorage.open(path, clock=Clock()) as storage:
        assert await storage.trends_enabled(1)
        await storage.apply([said(1, ("map",), at=TODAY)])
        assert await counts(storage) == {"map": 1}
