"""bot/storage/bulkload.py builds exactly the database that ``SQLiteStorage.apply`` builds from the same
ops."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks import bench
from bot.storage import bulkload
from bot.storage.models import (
    FlagKind,
    FlagRequest,
    MessageCreated,
    MessageDeleted,
    MessageEdited,
    MessageRecord,
    MessagesBulkDeleted,
    ReactionChanged,
    WriteOp,
)
from bot.storage.sqlite import SQLiteStorage

NOW = 1_750_000_000
G1, G2 = 111, 222


async def build_with_apply(path: Path, batches: list[list[WriteOp]]) -> None:
    async with SQLiteStorage.open(path, clock=lambda: NOW) as storage:
        for batch in batches:
            await storage.apply(batch)


def tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(path)
    try:
        names = [
            n
            for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            if not n.startswith("sqlite_stat")
        ]
        out = {n: sorted(conn.execute(f"SELECT * FROM {n}").fetchall(), key=repr) for n in names}
        out["(schema)"] = sorted(
            conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
        )
        out["(user_version)"] = conn.execute("PRAGMA user_version").fetchall()
        return out
    finally:
        conn.close()


def assert_same(expected: Path, actual: Path) -> None:
    want, got = tables(expected), tables(actual)
    assert sorted(want) == sorted(got)
    for name in want:
        assert got[name] == want[name], f"table {name} differs"


def record(rng: random.Random, guild: int, channel: int, mid: int, at: int, **kw: Any) -> MessageRecord:
    scored = rng.random() > 0.1
    compound = round(rng.uniform(-1, 1), 4) if scored else 0.0
    return MessageRecord(
        guild_id=guild,
        channel_id=channel,
        message_id=mid,
        author_id=1000 + rng.randrange(40),
        created_at=at,
        scored=scored,
        compound=compound,
        pos=max(compound, 0.0),
        neu=1 - abs(compound),
        neg=max(-compound, 0.0),
        language=rng.choice(["en", "id", "mixed", "unknown", None]) if scored else None,
        is_spam=rng.random() < 0.05,
        **kw,
    )


def mixed_ops(seed: int, n: int = 5_000) -> Iterator[list[WriteOp]]:
    """Two servers, channels and threads (a thread seen first without its parent, a parent that claims a
    parent, a thread whose first batch names a parent that is itself a thread), replies (also to unknown
    messages), reactions up and down (also on unknown messages), edits that raise, change and resolve flags,
    deletions, bulk deletions, a message created again after its deletion, small batches."""
    rng = random.Random(seed)
    channels = {G1: [10, 11, 12], G2: [20, 21]}
    threads = {G1: {30: 10, 31: 10, 32: 11, 33: 31}, G2: {40: 20}}
    recent: list[tuple[int, int]] = []  # (guild, message id)
    deleted: list[tuple[int, int, int]] = []  # (guild, channel, message id)
    batch: list[WriteOp] = []
    at = NOW - 20 * 86_400
    for i in range(n):
        at += rng.randrange(0, 900)
        guild = G1 if rng.random() < 0.75 else G2
        mid = 10_000_000 + i * 10
        if rng.random() < 0.3:
            channel = rng.choice(list(threads[guild]))
            parent: int | None = threads[guild][channel]
            if rng.random() < 0.1:
                parent = None  # e.g. a catch-up message without its parent
        else:
            channel = rng.choice(channels[guild])
            parent = 12 if guild == G1 and channel == 10 and rng.random() < 0.05 else None
        reply_to = None
        if recent and rng.random() < 0.25:
            reply_to = rng.choice(recent)[1] if rng.random() < 0.9 else 999
        rec = record(rng, guild, channel, mid, at, reply_to_id=reply_to, parent_channel_id=parent)
        flag = None
        if rec.is_spam:
            flag = FlagRequest(kind=FlagKind.SPAM, text=f"spam {i}", reason="gambling")
        elif rec.scored and rec.compound <= -0.4:
            flag = FlagRequest(kind=FlagKind.NEGATIVE, text=f"bad {i}")
        batch.append(MessageCreated(record=rec, flag=flag))
        recent.append((guild, mid))
        if len(recent) > 300:
            del recent[:100]
        roll = rng.random()
        if roll < 0.3 and recent:
            g, target = rng.choice(recent)
            delta = rng.choice([1, 1, 2, -1, -3])
            batch.append(ReactionChanged(guild_id=g, channel_id=0, message_id=target, delta=delta))
        elif roll < 0.33:
            batch.append(ReactionChanged(guild_id=guild, channel_id=0, message_id=5, delta=1))
        elif roll < 0.35 and recent:  # reactions removed at once: all, or one emoji's (the rest read back)
            g, target = rng.choice(recent)
            batch.append(
                ReactionChanged(
                    guild_id=g, channel_id=0, message_id=target, delta=rng.choice([0, 2]), clear=True
                )
            )
        if rng.random() < 0.08 and recent:
            g, target = rng.choice(recent)
            new = round(rng.uniform(-1, 1), 4)
            eflag = None
            if new <= -0.4:
                eflag = FlagRequest(kind=FlagKind.NEGATIVE, text=rng.choice(["edited", "edited again"]))
            batch.append(
                MessageEdited(
                    guild_id=g,
                    channel_id=0,
                    message_id=target,
                    scored=rng.random() > 0.1,
                    compound=new,
                    pos=max(new, 0.0),
                    neu=1 - abs(new),
                    neg=max(-new, 0.0),
                    language=rng.choice(["en", "id", "other"]),
                    is_spam=rng.random() < 0.05,
                    flag=eflag,
                )
            )
        if rng.random() < 0.04 and recent:
            g, target = recent.pop(rng.randrange(len(recent)))
            batch.append(MessageDeleted(guild_id=g, channel_id=0, message_id=target))
            deleted.append((g, 0, target))
        if rng.random() < 0.005 and len(recent) > 10:
            gone = [recent.pop() for _ in range(4)]
            batch.append(
                MessagesBulkDeleted(guild_id=gone[0][0], channel_id=0, message_ids=tuple(m for _, m in gone))
            )
        if rng.random() < 0.01 and deleted:
            g, _, target = deleted.pop()
            again = record(rng, g, channels[g][0], target, at)
            batch.append(MessageCreated(record=again))
            recent.append((g, target))
        if len(batch) >= rng.randrange(20, 400):
            yield batch
            batch = []
    if batch:
        yield batch


async def test_bulk_load_matches_apply_on_mixed_ops(tmp_path: Path) -> None:
    batches = list(mixed_ops(seed=3))
    await build_with_apply(tmp_path / "apply.db", batches)
    created = bulkload.bulk_load(tmp_path / "bulk.db", batches, now=NOW, window=2_000)
    assert created >= 5_000
    assert_same(tmp_path / "apply.db", tmp_path / "bulk.db")
    conn = sqlite3.connect(tmp_path / "bulk.db")
    try:
        counts = {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("thread_hour", "channel_parents", "flags")
        }
        statuses = {s for (s,) in conn.execute("SELECT DISTINCT status FROM flags")}
    finally:
        conn.close()
    # the data really exercises threads and flag life cycles
    assert counts["thread_hour"] > 0 and counts["channel_parents"] >= 4 and counts["flags"] > 100
    assert {"open", "auto_resolved", "message_deleted"} <= statuses


async def test_bulk_load_matches_apply_on_the_benchmark_stream(tmp_path: Path) -> None:
    batches = [b for batch in bench.stats_ops(5_000) for b in _split(batch, 700)]
    await build_with_apply(tmp_path / "apply.db", batches)
    bulkload.bulk_load(tmp_path / "bulk.db", batches, now=NOW)
    assert_same(tmp_path / "apply.db", tmp_path / "bulk.db")


def _split(batch: list[WriteOp], size: int) -> Iterator[list[WriteOp]]:
    for i in range(0, len(batch), size):
        yield batch[i : i + size]


def test_bulk_load_refuses_operations_outside_its_window(tmp_path: Path) -> None:
    rng = random.Random(1)
    ops: list[WriteOp] = [
        MessageCreated(record=record(rng, G1, 10, 100 + i, NOW - 1000 + i)) for i in range(50)
    ]
    late = [ReactionChanged(guild_id=G1, channel_id=10, message_id=100, delta=1)]
    with pytest.raises(ValueError, match="left the window"):
        bulkload.bulk_load(tmp_path / "bulk.db", [ops, late], now=NOW, window=10)
