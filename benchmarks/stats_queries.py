"""Latency of the statistics behind /stats server and /stats channel on a large database.

    python benchmarks/stats_queries.py --messages 1000000 [--db PATH] [--keep]

Builds (through ``Storage.apply``, in large batches) a server with N messages over one year, 50 channels and
20,000 members (skewed activity), with replies, reactions, edits and deletes, then times
``StatsService.server`` and ``StatsService.channel`` (each includes the previous-period comparison) for
every period and prints JSON with p50/p95 in milliseconds. An existing --db is reused as is.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from itertools import accumulate
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.periods import Period
from bot.core.stats import StatsService
from bot.storage.models import (
    MessageCreated,
    MessageDeleted,
    MessageEdited,
    MessageRecord,
    MessagesBulkDeleted,
    ReactionChanged,
    WriteOp,
)
from bot.storage.sqlite import SQLiteStorage

GUILD = 42
CHANNELS = 50
MEMBERS = 20_000
END = 1_767_225_600  # 2026-01-01 00:00 UTC
NOW = END - 1
YEAR = 365 * 86_400


def _picker(weights: list[float], rng: random.Random) -> Iterator[int]:
    cum = list(accumulate(weights))
    total = cum[-1]
    while True:
        yield bisect.bisect_left(cum, rng.random() * total)


def generate(n: int, seed: int) -> Iterator[WriteOp]:
    rng = random.Random(seed)
    channels = _picker([1 / (i + 1) ** 0.8 for i in range(CHANNELS)], rng)
    members = _picker([1 / (i + 1) ** 0.9 for i in range(MEMBERS)], rng)
    start = END - YEAR
    step = YEAR / n
    recent: list[tuple[int, int]] = []  # (message id, channel id), a sliding window
    for i in range(n):
        at = int(start + i * step)
        mid = 10**15 + i
        ch = 1000 + next(channels)
        reply_to = recent[rng.randrange(len(recent))][0] if recent and rng.random() < 0.2 else None
        roll = rng.random()
        scored = roll > 0.03
        spam = 0.03 < roll < 0.036
        c = max(-1.0, min(1.0, rng.gauss(0.15, 0.45))) if scored else 0.0
        yield MessageCreated(
            MessageRecord(
                guild_id=GUILD,
                channel_id=ch,
                message_id=mid,
                author_id=100_000 + next(members),
                created_at=at,
                reply_to_id=reply_to,
                scored=scored,
                compound=round(c, 4),
                pos=max(c, 0.0),
                neu=1 - abs(c),
                neg=max(-c, 0.0),
                language="en",
                is_spam=spam,
            )
        )
        recent.append((mid, ch))
        if len(recent) > 200:
            recent.pop(0)
        r = rng.random()
        if r < 0.5:
            target = recent[rng.randrange(len(recent))]
            yield ReactionChanged(GUILD, target[1], target[0], 1 if rng.random() < 0.9 else -1)
        elif r < 0.52:
            target = recent[rng.randrange(len(recent))]
            c2 = round(rng.uniform(-1, 1), 4)
            yield MessageEdited(
                GUILD, target[1], target[0], True, c2, max(c2, 0), 1 - abs(c2), max(-c2, 0), "en", False
            )
        elif r < 0.53:
            target = recent.pop(rng.randrange(len(recent)))
            yield MessageDeleted(GUILD, target[1], target[0])
        elif r < 0.5305 and len(recent) > 10:
            gone = [recent.pop() for _ in range(5)]
            yield MessagesBulkDeleted(GUILD, gone[0][1], tuple(m for m, _ in gone))


async def build(storage: SQLiteStorage, n: int, batch_size: int, seed: int) -> dict[str, float]:
    started = time.perf_counter()
    apply_time = 0.0
    batch: list[WriteOp] = []
    messages = 0
    for op in generate(n, seed):
        batch.append(op)
        if isinstance(op, MessageCreated):
            messages += 1
        if len(batch) >= batch_size:
            t = time.perf_counter()
            await storage.apply(batch)
            apply_time += time.perf_counter() - t
            batch = []
            if messages // 500_000 != (messages - batch_size) // 500_000:
                print(f"  {messages:,} messages, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    if batch:
        t = time.perf_counter()
        await storage.apply(batch)
        apply_time += time.perf_counter() - t
    total = time.perf_counter() - started
    return {
        "build_s": round(total, 1),
        "apply_s": round(apply_time, 1),
        "apply_msgs_per_s": round(n / apply_time),
    }


ZONE = "Asia/Jakarta"  # /stats answers in the server's zone (issue 15); its trend chart is timed too


async def measure(storage: SQLiteStorage, rounds: int) -> dict[str, object]:
    service = StatsService(storage)
    top = [c.channel_id for c in await storage.top_channels(GUILD, None, END, CHANNELS)]
    sample_channels = [top[0], top[len(top) // 2], top[-1]] if top else [1000]
    per: dict[str, list[float]] = {}
    everything: list[float] = []
    for _ in range(rounds):
        for period in Period:
            t = time.perf_counter()
            # what /stats server does: the figures and the trend chart's series, in the server's zone
            await service.server(GUILD, period, NOW, member_count=MEMBERS, zone=ZONE)
            await service.trend(GUILD, None, period, NOW, ZONE)
            ms = (time.perf_counter() - t) * 1000
            per.setdefault(f"server {period.value}", []).append(ms)
            everything.append(ms)
            for ch in sample_channels:
                t = time.perf_counter()
                await service.channel(GUILD, ch, period, NOW, ZONE)
                await service.trend(GUILD, ch, period, NOW, ZONE)
                ms = (time.perf_counter() - t) * 1000
                per.setdefault(f"channel {period.value}", []).append(ms)
                everything.append(ms)

    def p(values: list[float], q: float) -> float:
        values = sorted(values)
        return round(values[min(len(values) - 1, int(q * len(values)))], 2)

    return {
        "stats_p50_ms": p(everything, 0.5),
        "stats_p95_ms": p(everything, 0.95),
        "per_query": {
            k: {"p50_ms": p(v, 0.5), "p95_ms": p(v, 0.95), "max_ms": round(max(v), 2)} for k, v in per.items()
        },
        "calls": len(everything),
        "mean_ms": round(statistics.fmean(everything), 2),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="database file (default: a temporary one)")
    parser.add_argument("--batch", type=int, default=20_000, help="ops per apply() while building")
    parser.add_argument("--rounds", type=int, default=20, help="timed rounds over all periods")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory()
        args.db = Path(tmp.name) / "stats.db"
    result: dict[str, object] = {"messages": args.messages, "channels": CHANNELS, "members": MEMBERS}
    fresh = not args.db.exists()
    async with SQLiteStorage.open(args.db) as storage:
        if fresh:
            print(f"building {args.messages:,} messages in {args.db} ...", file=sys.stderr)
            result.update(await build(storage, args.messages, args.batch, args.seed))
        result["db_mb"] = round(args.db.stat().st_size / 1e6)
        result.update(await measure(storage, args.rounds))
    print(json.dumps(result, indent=2))
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
