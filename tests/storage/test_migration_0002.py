"""Upgrading a version-1 database (0001 only) to version 2: language counts and thread roll-ups backfilled.

The version-1 database is built here from the 0001 script and a messages table, with its roll-ups computed in
plain Python the way version 1 kept them (a channel's presence rows = its own messages only). Opening it with
SQLiteStorage applies 0002; every roll-up table must then equal, row for row, a database that received the
same writes at version 2 -- and both must keep agreeing under further writes.
"""

from __future__ import annotations

import random
import sqlite3
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.storage._presence import gap_class
from bot.storage.models import (
    ChannelCount,
    MessageCreated,
    MessageDeleted,
    MessageEdited,
    ReactionChanged,
    WriteOp,
)
from bot.storage.sqlite import SQLiteStorage, migration_scripts
from tests.storage.conftest import T0, rec

H = 3600
D = 86400
FORUM, POSTS = 50, (51, 52, 53)
TEXT, THREAD = 10, 20
OTHER = 11
END = T0 + 30 * 86400  # after the whole history
MESSAGE_COLUMNS = (
    "message_id, guild_id, channel_id, author_id, created_at, reply_to_id, parent_channel_id, scored,"
    " compound, pos, neu, neg, language, is_spam, reactions, replies"
)
ROLLUPS = {
    "channel_hour": "guild_id, channel_id, hour",
    "channel_day": "guild_id, channel_id, day",
    "guild_hour": "guild_id, hour",
    "guild_day": "guild_id, day",
    "thread_hour": "guild_id, parent_id, hour",
    "thread_day": "guild_id, parent_id, day",
    "channel_parents": "guild_id, channel_id",
    "presence": "guild_id, scope_id, hour, author_id",
}


def history(seed: int, n: int, first_id: int) -> list[WriteOp]:
    """Messages over two weeks in two servers: a text channel with a thread, a forum with posts, another
    channel; languages of every kind, spam, unscored, replies, reactions, edits and deletes."""
    rng = random.Random(seed)
    ops: list[WriteOp] = []
    ids: list[tuple[int, int, int]] = []
    places = [(TEXT, None), (THREAD, TEXT), (OTHER, None), *((p, FORUM) for p in POSTS)]
    for i in range(n):
        mid = first_id + i
        guild = rng.choice((1, 1, 1, 2))
        channel, parent = rng.choice(places)
        scored = rng.random() > 0.1
        record = rec(
            mid,
            guild_id=guild,
            channel_id=channel,
            author_id=rng.randrange(100, 112),
            at=T0 + rng.randrange(14 * D),
            compound=rng.choice((-0.9, -0.05, 0.0, 0.0499, 0.05, 0.3333, 1.0)),
            scored=scored,
            spam=rng.random() < 0.1,
            reply_to=rng.choice([None, None, *(m for m, _, _ in ids[-5:])]),
        )
        language = rng.choice(("en", "id", "mixed", "unknown", None)) if scored else None
        ops.append(MessageCreated(replace(record, language=language, parent_channel_id=parent)))
        ids.append((mid, guild, channel))
        roll = rng.random()
        if roll < 0.1 and ids:
            m, g, ch = rng.choice(ids)
            c = rng.choice((-0.5, 0.2))
            lang = rng.choice(("en", "id", "mixed"))
            ops.append(MessageEdited(g, ch, m, True, c, max(c, 0), 1 - abs(c), max(-c, 0), lang, False))
        elif roll < 0.15 and ids:
            m, g, ch = rng.choice(ids)
            ops.append(MessageDeleted(g, ch, m))
        elif roll < 0.35 and ids:
            m, g, ch = rng.choice(ids)
            ops.append(ReactionChanged(g, ch, m, 1))
    return ops


def build_version_1(path: Path, messages: list[tuple[Any, ...]]) -> None:
    """A database at schema version 1 holding ``messages`` and the roll-ups version 1 kept for them."""
    version, name, sql = migration_scripts()[0]
    assert (version, name) == (1, "0001_initial.sql")
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(sql)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO messages ({MESSAGE_COLUMNS}) VALUES ({','.join('?' * 16)})", messages)
    channel: dict[tuple[int, int, int], list[int]] = defaultdict(lambda: [0] * 8)
    author: dict[tuple[int, int, int], list[int]] = defaultdict(lambda: [0] * 8)
    author_channel: dict[tuple[int, int, int, int], int] = defaultdict(int)
    for row in messages:
        _, g, ch, au, at, reply_to, _, scored, compound, _, _, _, _, spam, reactions, _ = row
        hour = at - at % H
        vec = [1, reply_to is not None, reactions, 0, 0, 0, 0, 0]
        if spam:
            vec[6] = 1
        elif scored:
            c = compound
            vec[3 if c >= 0.05 else 5 if c <= -0.05 else 4] = 1
            vec[7] = round(c * 10000)
        for acc in (channel[(g, ch, hour)], author[(g, au, hour)]):
            for i, x in enumerate(vec):
                acc[i] += int(x)
        author_channel[(g, au, ch, hour)] += 1
    for table, unit in (("channel_hour", H), ("channel_day", D)):
        sums: dict[tuple[int, int, int], list[int]] = defaultdict(lambda: [0] * 8)
        for (g, ch, hour), vec in channel.items():
            acc = sums[(g, ch, hour - hour % unit)]
            for i, x in enumerate(vec):
                acc[i] += x
        conn.executemany(
            f"INSERT INTO {table} VALUES (?,?,?,?,?,?,?,?,?,?,?)", [(*k, *v) for k, v in sums.items()]
        )
    for table, unit in (("guild_hour", H), ("guild_day", D)):
        gsums: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0] * 8)
        for (g, _, hour), vec in channel.items():
            acc = gsums[(g, hour - hour % unit)]
            for i, x in enumerate(vec):
                acc[i] += x
        conn.executemany(
            f"INSERT INTO {table} VALUES (?,?,?,?,?,?,?,?,?,?)", [(*k, *v) for k, v in gsums.items()]
        )
    rows: dict[tuple[int, int, int, int], list[int]] = {(g, a, 0, h): v for (g, a, h), v in author.items()}
    for key, count in author_channel.items():
        g, a, ch, h = key
        rows[(g, a, ch, h)] = [count, 0, 0, 0, 0, 0, 0, 0]
    prev: dict[tuple[int, int, int], int] = {}
    presence = []
    for g, a, scope, h in sorted(rows, key=lambda k: (k[0], k[1], k[2], k[3])):
        p = prev.get((g, a, scope))
        presence.append((g, a, scope, h, *rows[(g, a, scope, h)], p, gap_class(h, p)))
        prev[(g, a, scope)] = h
    conn.executemany(
        "INSERT INTO presence (guild_id, author_id, scope_id, hour, messages, replies, reactions, positive,"
        " neutral, negative, spam, compound_e4, prev_hour, gap_class) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        presence,
    )
    conn.execute("COMMIT")
    conn.close()


def table_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
            for table, order in ROLLUPS.items()
        }
    finally:
        conn.close()


async def test_version_1_database_upgrades_with_backfilled_counts(tmp_path: Path) -> None:
    ops = history(seed=7, n=600, first_id=1)
    reference = tmp_path / "native.db"
    async with SQLiteStorage.open(reference) as native:
        for i in range(0, len(ops), 50):
            await native.apply(ops[i : i + 50])
    conn = sqlite3.connect(reference)
    messages: list[tuple[Any, ...]] = conn.execute(
        f"SELECT {MESSAGE_COLUMNS} FROM messages ORDER BY message_id"
    ).fetchall()
    conn.close()
    assert len(messages) > 400
    assert any(m[6] == FORUM for m in messages) and any(m[6] == TEXT for m in messages)

    old = tmp_path / "v1.db"
    build_version_1(old, messages)
    conn = sqlite3.connect(old)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert "channel_parents" not in tables

    async with SQLiteStorage.open(old) as upgraded:
        conn = sqlite3.connect(old)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(migration_scripts())  # the newest
        conn.close()
        assert table_rows(old) == table_rows(reference)

        # the figures /stats shows, spot-checked against a count over the messages themselves
        forum = [m for m in messages if m[1] == 1 and m[2] in POSTS]
        t = await upgraded.totals(1, FORUM, None, END)
        assert t.messages == len(forum) > 0
        counted = [m for m in forum if m[7] and not m[13]]
        assert t.lang_id == sum(m[12] == "id" for m in counted) > 0
        assert t.lang_other == sum(m[12] not in ("en", "id", "mixed") for m in counted) > 0
        assert t.languages_counted == t.scored == len(counted)
        assert await upgraded.active_authors(1, FORUM, None, END) == len({m[3] for m in forum})
        text = [m for m in messages if m[1] == 1 and m[2] in (TEXT, THREAD)]
        assert await upgraded.active_authors(1, TEXT, None, END) == len({m[3] for m in text})
        top = await upgraded.top_channels(1, None, END, 5)
        assert {c.channel_id for c in top} == {FORUM, TEXT, OTHER}
        assert ChannelCount(TEXT, len(text)) in top

        # both keep agreeing under more writes, deletes of backfilled thread messages included
        more = history(seed=8, n=200, first_id=10_000)
        more += [MessageDeleted(m[1], m[2], m[0]) for m in forum[:20]]
        await upgraded.apply(more)
    async with SQLiteStorage.open(reference) as native:
        await native.apply(more)
    assert table_rows(old) == table_rows(reference)
