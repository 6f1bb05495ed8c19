"""Sentimeter performance figures, one command, one JSON object on stdout (progress on stderr):

    python benchmarks/bench.py [--messages N] [--data DIR]

- vader_msgs_per_s: plain vaderSentiment ``polarity_scores`` over the seeded corpus (benchmarks/corpus.py)
- ingest_msgs_per_s, ingest_ratio: the same corpus through the bot's ingest path (IngestService → scoring
  stage, with SENTIMETER_SCORING_WORKERS worker processes (default one per core) → WriteQueue →
  SQLiteStorage.apply with roll-ups) into a fresh SQLite file, until everything is committed. Also the CPU
  time per comment (ingest_main_cpu_us: this process, all threads; ingest_workers_cpu_us; vader_cpu_us) and
  ingest_ratio_cpu_bound: the ratio that work gives with every core free (the measured ratio drops when
  others share the machine: the ingest path needs all cores, VADER one)
- ingest_campaigns_msgs_per_s, ingest_ratio_campaigns (part ``campaigns``): the same run with campaign
  matching on (10 campaigns of 5 keywords, CAMPAIGN_KEYWORDS, matched in the scoring workers;
  ingest_campaigns_mentions is what they counted), and ingest_ratio_campaigns_cpu_bound as above
- stats_p50_ms, stats_p95_ms (+ stats_by_period_ms: period -> [p50, p95]): /stats server and /stats channel
  (figures in Asia/Jakarta and the trend chart's series, as the commands ask them) for every period on a
  database of N messages (default 1,000,000: one year, 50 channels, 20,000 members, reactions, replies,
  edits, deletes), "now" just after its newest message; built once by the bulk loader
  (bot/storage/bulkload.py: the same tables as storage.apply, ~30 s for 1M, ~5 min for 10M) and cached in the
  temp folder, keyed by size, schema and loader)
- analyze_msgs_per_s, analyze_peak_rss_mb (+ _pss_mb, _main_rss_mb): `sentimeter analyze --report` as a
  subprocess on a generated 500,000-message DiscordChatExporter export; memory polled from /proc over the
  process tree
- analyze_msgs_per_s_single, analyze_speedup: the same command with --workers 1 vs the default, on a smaller
  export (--compare-messages, 100,000) so the default run stays under two minutes; wall clock of the whole
  command (process start-up and the report included); analyze_speedup_pipeline compares the rates the command
  reports itself (reading to last commit)
- peak_rss_mb, command_latency_p99_ms (--latency-mode standin, the default): the real bot process
  (`python -m bot run`, scoring workers included) against the loopback Discord stand-in (testing/standin),
  which sends it MESSAGE_CREATE at 5,000/s over the gateway while /stats server is invoked every 50 ms;
  command_latency_* is the time to the interaction callback (the bot defers at once), command_answer_p99_ms to
  the answer; peak_rss_mb is the bot process alone (peak_tree_rss_mb with its workers). Ends with SIGTERM and
  checks that what the bot stored is a prefix of the stream (latency_unread_at_sigterm: not read yet when the
  gateway closed). --latency-mode in-process: the bot object fed directly, the /stats call timed on its loop
- backfill_msgs_per_s (part ``backfill``): `/backfill start` in the real bot process against the stand-in,
  over --backfill-messages (default 20,000) comments already in five channels' history: from the command to
  the progress message saying it finished (everything committed), Discord's paging of 100 per request included
- chart_p95_ms (part ``charts``): drawing a 90-day trend chart (90 daily bars, the sentiment mix stacked, the
  previous period's line; the specs /stats builds, bot/app/stat_charts.py) to PNG in this process, 40 times
- command_p99_ms_during_charts (part ``bot_charts``): as command_latency_p99_ms (the real bot process, 5,000
  comments/s over the stand-in's gateway, /stats server every 50 ms), while another member keeps asking for
  /stats activity and /stats server over 90 days, so the chart worker draws all the time; charts_drawn counts
  the answers that carried their picture

- db_bytes_per_million_messages (part ``stats``): the statistics database's size per million messages

--backend postgres (default sqlite) measures the ingest and stats figures on PostgreSQL instead: a throwaway
server from testing/postgres.py, or --postgres-url (a server where the benchmark may create databases; the
copied statistics database is kept there, keyed like the SQLite cache). The statistics database is the SQLite
one copied with `sentimeter migrate` (migrate_rows_per_s), db_bytes_per_million_messages is
pg_database_size minus an empty database's (db_bytes_per_million_messages_sqlite: the SQLite file's, side by
side). The parts that run the bot process or analyze (SQLite tools) are skipped there.

Caches (databases, exports) live in $TMPDIR/sentimeter-bench; delete it to rebuild."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import hashlib
import importlib.util
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if not __package__:  # run as a script (python benchmarks/x.py): put the repository root on sys.path
    sys.path.insert(0, str(ROOT))

from benchmarks import corpus  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "sentimeter-bench"
GUILD = 900_000_000_000_000_001
STATS_CHANNELS = 50
STATS_MEMBERS = 20_000
DISCORD_EPOCH_MS = 1_420_070_400_000


def progress(text: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def snowflake(ts: float, seq: int) -> int:
    return ((int(ts * 1000) - DISCORD_EPOCH_MS) << 22) | (seq & 0x3FFFFF)


def code_key(*paths: Path) -> str:
    """A short hash of the code a cache depends on, so a changed schema or writer rebuilds it."""
    digest = hashlib.sha256()
    for path in paths:
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.is_file() and file.suffix in (".py", ".sql"):
                digest.update(file.read_bytes())
    return digest.hexdigest()[:10]


# ----------------------------------------------------------------------------------------------------------
# 1. plain VADER
# ----------------------------------------------------------------------------------------------------------
def bench_vader(texts: list[str]) -> float:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    for text in texts[:200]:  # warm up
        analyzer.polarity_scores(text)
    started = time.perf_counter()
    cpu = time.process_time()
    for text in texts:
        analyzer.polarity_scores(text)
    VADER_CPU_US[0] = (time.process_time() - cpu) / len(texts) * 1e6
    return len(texts) / (time.perf_counter() - started)


VADER_CPU_US = [0.0]  # CPU time per comment of the last bench_vader run


# ----------------------------------------------------------------------------------------------------------
# 2. the ingest path
# ----------------------------------------------------------------------------------------------------------
def incoming(texts: list[str], *, guild_id: int, start: float, seed: int = 7) -> Iterator[Any]:
    from bot.core.ingest.models import IncomingMessage

    rng = random.Random(seed)
    for i, text in enumerate(texts):
        at = start + i * 0.05
        yield IncomingMessage(
            guild_id=guild_id,
            channel_id=1000 + rng.randrange(10),
            message_id=snowflake(at, i),
            author_id=10_000 + rng.randrange(2_000),
            content=text,
            created_at=at,
            reply_to_id=snowflake(at - 30, i - 100) if i > 100 and rng.random() < 0.15 else None,
            has_attachments=rng.random() < 0.02,
        )


INGEST_CPU_US = [0.0, 0.0]  # CPU time per comment of the last bench_ingest run: this process, the workers
CAMPAIGN_MENTIONS = [0]  # mentions the last bench_ingest run counted


# 10 campaigns of 5 keywords (issue 15): words, phrases and links, several of them frequent in the corpus
CAMPAIGN_KEYWORDS = [
    [f"{word}", f"{word} {i}", f"promo {word}", f"https://{word}{i}.example/promo", f"#{word}{i}"]
    for i, word in enumerate(
        ["stream", "video", "audio", "game", "music", "kopi", "brand", "merch", "live", "ok"]
    )
]


async def bench_ingest(
    texts: list[str], workdir: Path, *, campaigns: bool = False, database: str | None = None
) -> float:
    """The bot's own wiring (Sentimeter builds the same objects): scoring workers as configured
    (SENTIMETER_SCORING_WORKERS, default one per core), started before the clock starts, as at start-up.
    ``campaigns``: the server has CAMPAIGN_KEYWORDS' campaigns, matched in the workers. ``database``: an
    empty PostgreSQL database's URL instead of a fresh SQLite file."""
    from bot.core.campaigns.cache import CampaignCache
    from bot.core.config_cache import ConfigCache
    from bot.core.ingest.pipeline import Pipeline
    from bot.core.ingest.queue import WriteQueue
    from bot.core.ingest.service import IngestService
    from bot.core.scoring import Scorer
    from bot.core.spam import BehaviourTracker, SpamDetector
    from bot.settings import Settings
    from bot.storage.sqlite import SQLiteStorage

    settings = Settings()
    path = workdir / ("ingest-campaigns.db" if campaigns else "ingest.db")
    async with _open_storage(database) if database else SQLiteStorage.open(path) as storage:
        queue = WriteQueue(storage, maxsize=settings.queue_size, batch_size=settings.batch_size)
        cache = CampaignCache(storage)
        if campaigns:
            for i, keywords in enumerate(CAMPAIGN_KEYWORDS):
                await cache.add(GUILD, f"campaign {i}", keywords, 0, None)
        service = IngestService(
            Pipeline(Scorer(), SpamDetector(), BehaviourTracker()),
            queue,
            ConfigCache(storage),
            workers=settings.effective_scoring_workers,
            campaigns=cache,
        )
        messages = list(incoming(texts, guild_id=GUILD, start=time.time() - 86_400))
        # The inputs are the benchmark's, not the bot's (which receives each message from the socket and lets
        # it go once written): out of the garbage collector's way, as the bot's own long-lived objects are
        # after start-up (bot/app/client.py, on_ready). Left in, every full collection walks all N of them.
        gc.collect()
        gc.freeze()
        queue.start()
        service.start()
        await service.stage.wait_pool_ready()
        await service.message(messages[0])  # config cache and lexicons loaded before timing
        await service.wait_idle()
        await queue.flush()
        tree = TreeWatch(os.getpid())
        tree.sample()
        before = dict(tree.cpu)
        main_before = time.process_time()
        started = time.perf_counter()
        for msg in messages[1:]:
            await service.message(msg)
        await service.wait_idle()
        await queue.flush()
        elapsed = time.perf_counter() - started
        main_cpu = time.process_time() - main_before
        tree.sample()
        workers_cpu = sum(v - before.get(pid, 0.0) for pid, v in tree.cpu.items() if pid != os.getpid())
        INGEST_CPU_US[:] = [main_cpu / (len(messages) - 1) * 1e6, workers_cpu / (len(messages) - 1) * 1e6]
        await service.close()
        await queue.close()
        gc.unfreeze()
        totals = await storage.totals(GUILD, None, None, int(time.time()) + 1)
        mentions = 0
        for c in await storage.list_campaigns(GUILD):
            mentions += sum(h.mentions for h in await storage.campaign_hours(GUILD, c.id, 0, 2**40))
    if totals.messages != len(messages):
        raise RuntimeError(f"ingest benchmark: {totals.messages} stored, {len(messages)} sent")
    if campaigns and not mentions:
        raise RuntimeError("ingest benchmark: campaign matching found no mentions")
    CAMPAIGN_MENTIONS[0] = mentions
    return (len(messages) - 1) / elapsed


# ----------------------------------------------------------------------------------------------------------
# 3. statistics on a big database
# ----------------------------------------------------------------------------------------------------------
def stats_ops(n: int, seed: int = 99) -> Iterator[list[Any]]:
    """Yields batches of write operations: a year of a 20,000-member, 50-channel server."""
    from bot.storage.models import (
        FlagKind,
        FlagRequest,
        MessageCreated,
        MessageDeleted,
        MessageEdited,
        MessageRecord,
        MessagesBulkDeleted,
        ReactionChanged,
    )

    rng = random.Random(seed)
    end = time.time() - 3600
    start = end - 365 * 86_400
    step = (end - start) / n
    channel_weights = [1 / (i + 1) ** 0.8 for i in range(STATS_CHANNELS)]
    channels = [5000 + i for i in range(STATS_CHANNELS)]
    cum_channels = list(_cumulative(channel_weights))
    member_weights = [1 / (i + 1) ** 0.9 for i in range(STATS_MEMBERS)]
    cum_members = list(_cumulative(member_weights))
    languages = ["en", "id", "mixed", "unknown"]
    recent: list[tuple[int, int]] = []  # (message id, channel id)
    batch: list[Any] = []
    for i in range(n):
        at = start + i * step + rng.random() * step
        hour = datetime.fromtimestamp(at, UTC).hour
        if rng.random() < 0.3 and hour in (2, 3, 4, 5, 6):  # quieter nights (UTC)
            at += 10 * 3600
        at = min(at, end)
        channel = channels[_pick(rng, cum_channels)]
        author = 100_000 + _pick(rng, cum_members)
        mid = snowflake(start + i * step, i)
        roll = rng.random()
        scored = roll > 0.03
        spam = 0.03 < roll < 0.036
        compound = max(-1.0, min(1.0, rng.gauss(0.15, 0.45))) if scored else 0.0
        reply_to = None
        if recent and rng.random() < 0.2:
            reply_to = recent[rng.randrange(len(recent))][0]
        record = MessageRecord(
            guild_id=GUILD,
            channel_id=channel,
            message_id=mid,
            author_id=author,
            created_at=int(at),
            reply_to_id=reply_to,
            scored=scored,
            compound=compound,
            pos=max(compound, 0.0),
            neu=1 - abs(compound),
            neg=max(-compound, 0.0),
            language=languages[rng.randrange(4)] if scored else None,
            is_spam=spam,
        )
        flag = None
        if spam:
            flag = FlagRequest(
                kind=FlagKind.SPAM, text="𝐒𝐋𝐎𝐓 𝐆𝐀𝐂𝐎𝐑 PULAU777", reason="online-gambling promotion"
            )
        elif scored and compound <= -0.5:
            flag = FlagRequest(kind=FlagKind.NEGATIVE, text="the audio was terrible again")
        batch.append(MessageCreated(record=record, flag=flag))
        recent.append((mid, channel))
        if len(recent) > 500:
            del recent[:250]
        if rng.random() < 0.3:
            target, tchannel = recent[rng.randrange(len(recent))]
            batch.append(ReactionChanged(guild_id=GUILD, channel_id=tchannel, message_id=target, delta=1))
        if rng.random() < 0.02:
            target, tchannel = recent[rng.randrange(len(recent))]
            new = max(-1.0, min(1.0, rng.gauss(0.1, 0.5)))
            batch.append(
                MessageEdited(
                    guild_id=GUILD,
                    channel_id=tchannel,
                    message_id=target,
                    scored=True,
                    compound=new,
                    pos=max(new, 0.0),
                    neu=1 - abs(new),
                    neg=max(-new, 0.0),
                    language="en",
                    is_spam=False,
                )
            )
        if rng.random() < 0.01:
            target, tchannel = recent.pop(rng.randrange(len(recent)))
            batch.append(MessageDeleted(guild_id=GUILD, channel_id=tchannel, message_id=target))
        if rng.random() < 0.0005 and len(recent) > 20:
            gone = [recent.pop() for _ in range(5)]
            batch.append(
                MessagesBulkDeleted(
                    guild_id=GUILD,
                    channel_id=gone[0][1],
                    message_ids=tuple(g[0] for g in gone if g[1] == gone[0][1]),
                )
            )
        if len(batch) >= 20_000:
            yield batch
            batch = []
    if batch:
        yield batch


def _cumulative(weights: list[float]) -> Iterator[float]:
    total = sum(weights)
    acc = 0.0
    for w in weights:
        acc += w / total
        yield acc


def _pick(rng: random.Random, cumulative: list[float]) -> int:
    from bisect import bisect_left

    return min(bisect_left(cumulative, rng.random()), len(cumulative) - 1)


def build_stats_db(path: Path, n: int) -> None:
    """The same database as applying stats_ops(n) through storage.apply, built in bulk
    (bot/storage/bulkload.py; tests/test_bulkload.py proves the two equal)."""
    from bot.storage.bulkload import bulk_load

    bulk_load(path, stats_ops(n), now=int(time.time()), log=progress)


def stats_db(n: int) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    # the schema and the loader; query code may change freely
    key = code_key(ROOT / "bot" / "storage" / "migrations", ROOT / "bot" / "storage" / "bulkload.py")
    path = CACHE / f"stats-{n}-{key}.db"
    if not path.exists():
        for old in CACHE.glob(f"stats-{n}-*.db"):
            old.unlink()
        progress(f"building the {n:,}-message statistics database (cached in {CACHE})")
        for leftover in CACHE.glob(path.with_suffix(".building").name + "*"):
            leftover.unlink()
        tmp = path.with_suffix(".building")
        build_stats_db(tmp, n)
        for suffix in ("-wal", "-shm"):
            Path(str(tmp) + suffix).unlink(missing_ok=True)
        tmp.replace(path)
    else:
        progress(f"using cached statistics database {path}")
    return path


async def bench_stats(
    path: Path, zone: str = "Asia/Jakarta", *, database: str | None = None
) -> dict[str, list[float]]:
    """Milliseconds per call, by period: /stats server and /stats channel (4 channels), 3 rounds each, each
    as the command does it: the figures in the server's time zone and the trend chart's series.
    ``database``: the same data copied into PostgreSQL (its URL), read there instead of ``path``.

    "Now" is just after the newest data (the database may have been cached days ago)."""
    import sqlite3

    from bot.core.periods import Period
    from bot.core.stats import StatsService
    from bot.storage.sqlite import SQLiteStorage

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        newest = conn.execute("SELECT max(hour) FROM guild_hour WHERE guild_id = ?", (GUILD,)).fetchone()[0]
    finally:
        conn.close()
    now = int(newest) + 2 * 3600 if newest is not None else int(time.time())
    timings: dict[str, list[float]] = {period.value: [] for period in Period}
    async with _open_storage(database) if database else SQLiteStorage.open(path) as storage:
        stats = StatsService(storage)
        await stats.server(GUILD, Period.WEEK, now, STATS_MEMBERS)  # warm the page cache once
        for _round in range(3):
            for period in Period:
                started = time.perf_counter()
                await stats.server(GUILD, period, now, STATS_MEMBERS, zone)
                await stats.trend(GUILD, None, period, now, zone)
                timings[period.value].append((time.perf_counter() - started) * 1000)
                for channel in (5000, 5001, 5010, 5049):
                    started = time.perf_counter()
                    await stats.channel(GUILD, channel, period, now, zone)
                    await stats.trend(GUILD, channel, period, now, zone)
                    timings[period.value].append((time.perf_counter() - started) * 1000)
    return timings


def _open_storage(database: str) -> Any:
    """The PostgreSQL storage at that URL (--backend postgres)."""
    from bot.storage.postgres.storage import PostgresStorage

    return PostgresStorage.open(database)


# -- the same on PostgreSQL (--backend postgres) ------------------------------------------------------------
class PgBench:
    """Databases on one PostgreSQL server: ``base_url`` may create and drop databases."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def url(self, name: str) -> str:
        from urllib.parse import urlsplit, urlunsplit

        return urlunsplit(urlsplit(self.base_url)._replace(path=f"/{name}"))

    async def _admin(self, sql: str, *args: Any) -> Any:
        import asyncpg

        conn = await asyncpg.connect(self.base_url)
        try:
            return await conn.fetchval(sql, *args)
        finally:
            await conn.close()

    async def exists(self, name: str) -> bool:
        return bool(await self._admin("SELECT 1 FROM pg_database WHERE datname = $1", name))

    async def fresh(self, name: str) -> str:
        """An empty database (dropped first when it exists); its URL."""
        await self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await self._admin(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return self.url(name)

    async def size(self, name: str) -> int:
        return int(await self._admin("SELECT pg_database_size($1)", name))

    async def fetchval(self, name: str, sql: str) -> Any:
        import asyncpg

        conn = await asyncpg.connect(self.url(name))
        try:
            return await conn.fetchval(sql)
        finally:
            await conn.close()

    async def execute(self, name: str, sql: str) -> None:
        import asyncpg

        conn = await asyncpg.connect(self.url(name))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    async def empty_schema_size(self) -> int:
        """pg_database_size of a database holding only Sentimeter's (empty) schema."""
        url = await self.fresh("bench_empty")
        async with _open_storage(url):
            pass
        await self.execute("bench_empty", "VACUUM")
        return await self.size("bench_empty")


def pg_server(url: str | None) -> Any:
    """A context manager giving the server's URL: ``url``, else a throwaway testing/postgres.py server's."""
    from contextlib import contextmanager

    @contextmanager
    def server() -> Iterator[str]:
        if url:
            yield url
            return
        from testing.postgres import PostgresServer

        progress("starting a throwaway PostgreSQL server (testing/postgres.py)")
        running = PostgresServer.start()
        try:
            yield running.url
        finally:
            running.stop()

    return server()


async def stats_pg_db(pg: PgBench, sqlite_path: Path, n: int) -> tuple[str, float | None]:
    """The statistics database copied into PostgreSQL with `sentimeter migrate` (reused when a finished copy
    of the same SQLite cache is there); (its name, migrate's rows per second, None when reused)."""
    from bot.offline.migrate import migrate_database

    name = f"bench_{sqlite_path.stem.replace('-', '_')}"
    copied = "SELECT to_regclass('migrate_runs') IS NOT NULL AND EXISTS (SELECT 1 FROM migrate_runs)"
    if await pg.exists(name) and await pg.fetchval(name, copied):
        progress(f"using the copied statistics database {name}")
        return name, None
    url = await pg.fresh(name)
    progress(f"copying the statistics database into PostgreSQL ({name}) with sentimeter migrate")
    started = time.perf_counter()
    code = await migrate_database(str(sqlite_path), url, progress=True, out=sys.stderr)
    seconds = time.perf_counter() - started
    if code != 0:
        raise RuntimeError("migrate of the statistics database did not verify")
    counts = json.loads(
        await pg.fetchval(name, "SELECT row_counts FROM migrate_runs ORDER BY id DESC LIMIT 1")
    )
    await pg.execute(name, "VACUUM (ANALYZE)")  # as autovacuum leaves a table some time after a bulk load
    return name, sum(counts.values()) / seconds


# ----------------------------------------------------------------------------------------------------------
# 4. `sentimeter analyze` on a big export
# ----------------------------------------------------------------------------------------------------------
def _load_example_writer() -> Any:
    spec = importlib.util.spec_from_file_location(
        "make_example_export", ROOT / "scripts" / "make_example_export.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_example_export"] = module
    spec.loader.exec_module(module)
    return module


def big_export(n: int, seed: int = 4242) -> Path:
    """A DiscordChatExporter file of n messages (one busy channel, 5,000 authors), cached."""
    CACHE.mkdir(parents=True, exist_ok=True)
    key = code_key(ROOT / "scripts" / "make_example_export.py", Path(corpus.__file__))
    path = CACHE / f"export-{n}-{seed}-{key}.json"
    if path.exists():
        return path
    for stale in CACHE.glob(f"export-{n}-{seed}-*.json"):
        stale.unlink()
    progress(f"writing a {n:,}-message export to {path}")
    ex = _load_example_writer()
    rng = random.Random(seed)
    members, _weights = ex.make_members(rng, 5_000)
    cum = list(_cumulative([1 / (i + 1) ** 0.8 for i in range(len(members))]))
    start = datetime(2024, 1, 1, tzinfo=UTC)
    step = 365 * 86_400 / n

    def messages() -> Iterator[Any]:
        recent: list[int] = []
        for i in range(n):
            at = start + timedelta(seconds=i * step)
            text = corpus.comment(rng)
            msg = ex.Message(
                id=snowflake(at.timestamp(), i), at=at, author=members[_pick(rng, cum)], content=text
            )
            roll = rng.random()
            if roll < 0.02:
                msg.content = ""
                msg.attachments = [
                    {
                        "id": str(msg.id + 1),
                        "url": "https://cdn.discordapp.com/a.png",
                        "fileName": "a.png",
                        "fileSizeBytes": 1234,
                    }
                ]
            elif roll < 0.18 and recent:
                msg.type = "Reply"
                msg.reply_to = recent[rng.randrange(len(recent))]
            if rng.random() < 0.3:
                msg.reactions = [("👍", rng.randint(1, 5))]
            recent.append(msg.id)
            if len(recent) > 200:
                del recent[:100]
            yield msg

    channel = ex.Channel(GUILD + 77, "general", "busy channel")
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as fp:
        ex.write_channel_export(
            fp, guild_id=GUILD, guild_name="Bench Server", channel=channel, messages=messages()
        )
    tmp.replace(path)
    return path


class TreeWatch:
    """Polls /proc for a process and all its descendants: peak memory of the tree and CPU time used.

    RSS counts file-backed pages too (SQLite maps the database file), so the anonymous part (heap, SQLite page
    cache, Python objects) is reported as well; PSS (every few samples: it is costly to read) shares the
    forkserver's pages fairly between workers. Sampling is kept light so it does not slow what it measures."""

    def __init__(self, root: int, interval: float = 0.25, pss_every: int = 8) -> None:
        self.root = root
        self.interval = interval
        self.pss_every = pss_every
        self.peak = {"rss": 0, "pss": 0, "anon": 0, "main_rss": 0, "main_anon": 0}
        self.cpu: dict[int, float] = {}
        self._tree: set[int] = {root}
        self._samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._tick = os.sysconf("SC_CLK_TCK")

    def __enter__(self) -> TreeWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def cpu_seconds(self) -> float:
        return sum(self.cpu.values())

    def mb(self, key: str) -> float:
        return round(self.peak[key] / 2**20, 1)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def _children(self, pid: int) -> list[int]:
        found: list[int] = []
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as fp:
                    found.extend(int(c) for c in fp.read().split())
        except OSError:
            pass
        return found

    def sample(self) -> None:
        tree: list[int] = []
        todo = [self.root]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(self._children(pid))
        self._samples += 1
        with_pss = self._samples % self.pss_every == 1
        totals = dict.fromkeys(self.peak, 0)
        for pid in tree:
            try:
                with open(f"/proc/{pid}/stat", "rb") as fp:
                    raw = fp.read()
                fields = raw[raw.rindex(b")") + 2 :].split()
                self.cpu[pid] = max(self.cpu.get(pid, 0.0), (int(fields[11]) + int(fields[12])) / self._tick)
                with open(f"/proc/{pid}/status") as fp:
                    for line in fp:
                        if line.startswith(("VmRSS:", "RssAnon:")):
                            key = "rss" if line.startswith("VmRSS") else "anon"
                            value = int(line.split()[1]) * 1024
                            totals[key] += value
                            if pid == self.root:
                                totals[f"main_{key}"] = value
                if with_pss:
                    with open(f"/proc/{pid}/smaps_rollup") as fp:
                        for line in fp:
                            if line.startswith("Pss:"):
                                totals["pss"] += int(line.split()[1]) * 1024
                                break
            except (OSError, ValueError, IndexError):
                continue
        for key, value in totals.items():
            self.peak[key] = max(self.peak[key], value)


def run_analyze(
    export: Path, workdir: Path, workers: int | None, *, report: bool = False
) -> dict[str, float]:
    db = workdir / f"analyze-{workers or 'default'}.db"
    for old in workdir.glob(db.name + "*"):
        old.unlink()
    cmd = [sys.executable, "-m", "bot", "analyze", str(export), "--database", str(db), "--no-progress"]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    if report:  # the big run writes the HTML report too (its peak RSS counts towards analyze_peak_rss_mb)
        cmd += ["--report", str(workdir / "analyze-report.html")]
    env = {**os.environ, "SENTIMETER_LOG_LEVEL": "WARNING"}
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with TreeWatch(proc.pid) as watch:
        out, err = proc.communicate()
        elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"analyze failed ({proc.returncode}): {err.strip()[-2000:]}")
    counted = _counted(out)
    return {
        "msgs_per_s": counted / elapsed,
        "pipeline_msgs_per_s": _reported_rate(out),
        "seconds": elapsed,
        "counted": counted,
        "cores_used": watch.cpu_seconds / elapsed,
        "peak_rss_mb": watch.mb("rss"),
        "peak_pss_mb": watch.mb("pss"),
        "peak_anon_mb": watch.mb("anon"),
        "peak_main_rss_mb": watch.mb("main_rss"),
        "peak_main_anon_mb": watch.mb("main_anon"),
    }


def _reported_rate(report: str) -> float:
    # "Analyzed 499,000 messages in 30.1 s (16,578 messages/s, 2 workers)."
    head = report.split(" messages/s", 1)[0]
    return float(head.rsplit("(", 1)[1].replace(",", ""))


def _counted(report: str) -> int:
    # "Read 500,000 messages from 1 export file(s) (...): 499,000 counted, ..."
    head = report.split(" counted", 1)[0]
    return int(head.rsplit(" ", 1)[1].replace(",", ""))


# ----------------------------------------------------------------------------------------------------------
# 5. a bot-like process: ingest at 5,000 comments/s while /stats server is answered (subprocess)
# ----------------------------------------------------------------------------------------------------------
async def botlike(db: Path, seconds: float, rate: int) -> dict[str, float]:
    import discord

    from bot.app.client import Sentimeter
    from bot.app.extensions import walk_extensions
    from bot.core.periods import Period
    from bot.core.scoring import Scorer
    from bot.core.spam import SpamDetector
    from bot.settings import load_settings
    from bot.storage.sqlite import SQLiteStorage

    texts = corpus.corpus(int(seconds * rate) + rate, seed=77)
    async with SQLiteStorage.open(db) as storage:
        bot = Sentimeter(
            settings=load_settings(database=db), storage=storage, scorer=Scorer(), spam=SpamDetector()
        )
        bot.queue.start()
        bot.ingest.start()  # scoring workers, as setup_hook starts them
        await bot.ingest.stage.wait_pool_ready()
        loaded = 0
        for extension in walk_extensions():
            try:
                await bot.load_extension(extension)
                loaded += 1
            except (discord.DiscordException, ImportError, AttributeError, TypeError) as exc:
                progress(f"(could not load {extension}: {exc})")
        now = int(time.time())
        await bot.stats.server(GUILD, Period.WEEK, now, STATS_MEMBERS)
        messages = list(incoming(texts, guild_id=GUILD, start=time.time()))
        latencies: list[float] = []
        done = asyncio.Event()

        async def feed() -> None:
            # Like discord.py's dispatch: every gateway event runs as its own task on the loop.
            tick = 0.01
            started = time.perf_counter()
            sent = 0
            tasks: set[asyncio.Task[None]] = set()
            while sent < len(messages) and time.perf_counter() - started < seconds:
                due = min(len(messages), int((time.perf_counter() - started + tick) * rate))
                while sent < due:
                    task = asyncio.create_task(bot.ingest.message(messages[sent]))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                    sent += 1
                await asyncio.sleep(tick)
            if tasks:
                await asyncio.gather(*tasks)
            feed_rate[0] = sent / (time.perf_counter() - started)
            done.set()

        async def ask() -> None:
            while not done.is_set():
                await asyncio.sleep(0.05)
                started = time.perf_counter()
                await bot.stats.server(GUILD, Period.WEEK, int(time.time()), STATS_MEMBERS)
                latencies.append((time.perf_counter() - started) * 1000)

        feed_rate = [0.0]
        await asyncio.gather(feed(), ask())
        await bot.shutdown_writes()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "command_latency_p99_ms": percentile(latencies, 99),
        "command_latency_p50_ms": percentile(latencies, 50),
        "latency_samples": len(latencies),
        "fed_msgs_per_s": feed_rate[0],
        "peak_rss_mb": peak,
        "extensions_loaded": loaded,
    }


def run_botlike(stats_path: Path, workdir: Path, seconds: float, rate: int) -> dict[str, float]:
    db = workdir / "botlike.db"
    shutil.copyfile(stats_path, db)
    cmd = [
        sys.executable,
        __file__,
        "--_botlike",
        str(db),
        "--latency-seconds",
        str(seconds),
        "--rate",
        str(rate),
    ]
    env = {**os.environ, "SENTIMETER_LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with TreeWatch(proc.pid) as watch:
        out, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"bot-like process failed: {err.strip()[-2000:]}")
    result: dict[str, float] = json.loads(out)
    result["peak_anon_mb"] = watch.mb("anon")
    result["peak_tree_rss_mb"] = watch.mb("rss")  # with the scoring workers
    return result


# ----------------------------------------------------------------------------------------------------------
# 5b. the real bot process (`python -m bot run`) against the loopback Discord stand-in (testing/standin):
#     MESSAGE_CREATE at 5,000/s over the gateway while /stats server is invoked and its callback timed
# ----------------------------------------------------------------------------------------------------------
async def standin_latency(
    db: Path, workdir: Path, seconds: float, rate: int, *, charts: bool = False
) -> dict[str, float]:
    """``charts``: another member keeps asking for 90-day charts meanwhile (command_p99_ms_during_charts)."""
    from testing.standin import BotProcess, FakeDiscord
    from testing.standin import payloads as p

    texts = corpus.corpus(int(seconds * rate) + rate, seed=77)
    async with FakeDiscord(heartbeat_interval_ms=41_250) as fake:
        guild = await fake.create_guild("Bench")
        channel = await fake.create_channel(guild, "general")
        members = [await fake.create_member(guild, f"member{i}") for i in range(200)]
        proc = BotProcess(
            fake,
            database=db,
            log_path=workdir / "standin-bot.log",
            dev_guild_id=guild.id,
            log_level="WARNING",
            # as the bot runs by default (SENTIMETER_CHART_WARMUP=0 in the environment compares without)
            env={"SENTIMETER_CHART_WARMUP": os.environ.get("SENTIMETER_CHART_WARMUP", "1")},
        )
        await proc.start()
        watch = TreeWatch(proc.pid or 0)
        watch.__enter__()
        try:
            await proc.wait_ready(timeout=120)
            first = await fake.post_message(channel, members[0], "hello everyone")
            template = p.message_payload(fake.state, first, gateway=True)
            template["guild_id"] = str(guild.id)
            authors = [(p.user_payload(m.user), p.member_payload(m, with_user=False)) for m in members]
            session = fake.gateway.active_sessions()[0]
            # the frames' dicts are built up front: the feeder only numbers, encodes and sends them
            frames = []
            for i, text in enumerate(texts):
                author, member = authors[i % len(authors)]
                frames.append({**template, "content": text, "author": author, "member": member})
            # let the bot settle (catch-up of the first message, command sync)
            await asyncio.sleep(1.0)
            latencies: list[float] = []
            answers: list[float] = []
            done = asyncio.Event()
            sent = [0]
            sent_ids: list[int] = [first.id]

            async def feed() -> None:
                tick = 0.01
                started = time.perf_counter()
                while sent[0] < len(frames) and time.perf_counter() - started < seconds:
                    due = min(len(frames), int((time.perf_counter() - started + tick) * rate))
                    while sent[0] < due:
                        frame = frames[sent[0]]
                        frame["id"] = str(fake.state.new_id())
                        sent_ids.append(int(frame["id"]))
                        frame["timestamp"] = p.iso(p.utcnow())
                        await session.push("MESSAGE_CREATE", frame)
                        sent[0] += 1
                    await asyncio.sleep(tick)
                feed_rate[0] = sent[0] / (time.perf_counter() - started)
                done.set()

            async def ask() -> None:
                while not done.is_set():
                    await asyncio.sleep(0.05)
                    inter = await fake.invoke_slash_command(channel, members[1], "stats", subcommand="server")
                    await fake.wait_for_response(inter, timeout=30)
                    assert inter.acknowledged_at is not None
                    latencies.append((inter.acknowledged_at - inter.created_at) * 1000)

                    def answered(inter: Any = inter) -> bool | None:
                        original = fake.original_response(inter)
                        return bool(original is not None and (original.content or original.embeds)) or None

                    await fake.wait_for(answered, timeout=30)
                    answers.append((time.monotonic() - inter.created_at) * 1000)

            drawn = [0, 0]  # chart answers with their picture, without

            async def draw() -> None:
                asks = [("activity", {"period": "90d"}), ("server", {"period": "90d"})]
                i = 0
                while not done.is_set():
                    sub, options = asks[i % len(asks)]
                    i += 1
                    inter = await fake.invoke_slash_command(
                        channel, members[2], "stats", options, subcommand=sub
                    )

                    def answer(inter: Any = inter) -> Any:
                        original = fake.original_response(inter)
                        return original if original is not None and original.embeds else None

                    msg = await fake.wait_for(answer, timeout=60)
                    drawn[0 if msg.attachments else 1] += 1

            feed_rate = [0.0]
            bench_cpu, bench_wall = time.process_time(), time.perf_counter()
            await asyncio.gather(feed(), ask(), *([draw()] if charts else []))
            # this process (stand-in + feeder) competes with the bot for the same cores: report its share
            feeder_cores = (time.process_time() - bench_cpu) / (time.perf_counter() - bench_wall)
            fed_cpu = watch.cpu_seconds
            main_cpu = watch.cpu.get(proc.pid or 0, 0.0)
            exit_code = await proc.terminate(timeout=120)  # SIGTERM: drains everything accepted
        finally:
            watch.__exit__()
            if proc.running and proc.proc is not None:
                proc.proc.kill()
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT message_id FROM messages WHERE guild_id = ?", (guild.id,)).fetchall()
        # The feeder pushes frames straight onto the gateway, so the stand-in's REST API does not know those
        # messages: when the bot's start-up check of open flags (cogs/listener.py) asks for a flagged one, it
        # is told "deleted" and rightly removes it. Those count as stored (they were read and written).
        gone = conn.execute(
            "SELECT message_id FROM flags WHERE guild_id = ? AND status = 'message_deleted'", (guild.id,)
        ).fetchall()
    finally:
        conn.close()
    stored = {r[0] for r in rows} | {r[0] for r in gone}
    # SIGTERM closes the gateway first: what the bot had not read yet is not stored (catch-up reads it on the
    # next start); everything it read is, in order: the stored messages are a prefix of the stream
    if exit_code != 0 or stored != set(sent_ids[: len(stored)]):
        CACHE.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(workdir / "standin-bot.log", CACHE / "standin-bot-failed.log")
        raise RuntimeError(
            f"stand-in latency: {len(stored)} stored of {len(sent_ids)} sent, not a prefix of the stream"
            f" (exit code {exit_code}; not stored: {len(set(sent_ids) - stored)}, at stream positions"
            f" {sorted(i for i, m in enumerate(sent_ids) if m not in stored)[:5]}...; stored but not sent:"
            f" {len(stored - set(sent_ids))}; the bot's log: {CACHE / 'standin-bot-failed.log'})"
        )
    return {
        "command_latency_p99_ms": percentile(latencies, 99),
        "command_latency_p50_ms": percentile(latencies, 50),
        "command_answer_p99_ms": percentile(answers, 99),
        "latency_samples": len(latencies),
        "fed_msgs_per_s": feed_rate[0],
        "peak_rss_mb": watch.mb("main_rss"),
        "peak_anon_mb": watch.mb("main_anon"),
        "peak_tree_rss_mb": watch.mb("rss"),
        "bot_cpu_seconds": fed_cpu,
        "bot_main_cpu_seconds": main_cpu,
        "standin_cores_used": feeder_cores,
        "unread_at_sigterm": len(sent_ids) - len(stored),
        "removed_by_flag_check": len(gone),
        "charts_drawn": drawn[0],
        "charts_without_picture": drawn[1],
        "latencies_ms": latencies,  # type: ignore[dict-item]
        "answers_ms": answers,  # type: ignore[dict-item]
    }


def run_standin_latency(
    stats_path: Path, workdir: Path, seconds: float, rate: int, *, charts: bool = False
) -> dict[str, float]:
    db = workdir / "standin.db"
    shutil.copyfile(stats_path, db)
    return asyncio.run(standin_latency(db, workdir, seconds, rate, charts=charts))


# ----------------------------------------------------------------------------------------------------------
async def standin_backfill(workdir: Path, n: int) -> dict[str, float]:
    """`/backfill start` over ``n`` comments of history in the real bot process against the stand-in."""
    from testing.standin import BotProcess, FakeDiscord
    from testing.standin import payloads as p

    texts = corpus.corpus(n, seed=55)
    async with FakeDiscord(heartbeat_interval_ms=41_250) as fake:
        guild = await fake.create_guild("Bench")
        channels = [await fake.create_channel(guild, f"channel-{i}") for i in range(5)]
        members = [await fake.create_member(guild, f"member{i}") for i in range(50)]
        admin_role = await fake.create_role(
            guild, "Admin", permissions=p.DEFAULT_EVERYONE_PERMISSIONS | p.P_MANAGE_GUILD
        )
        admin = await fake.create_member(guild, "admin", roles=[admin_role])
        start = datetime.now(UTC) - timedelta(days=60)
        for i, text in enumerate(texts):  # history only: nothing is dispatched
            at = start + timedelta(seconds=i * 30)
            await fake.post_message(channels[i % 5], members[i % 50], text, created_at=at)
        proc = BotProcess(
            fake,
            database=workdir / "backfill.db",
            log_path=workdir / "backfill-bot.log",
            dev_guild_id=guild.id,
            log_level="WARNING",
        )
        await proc.start()
        try:
            await proc.wait_ready(timeout=120)
            began = time.perf_counter()
            inter = await fake.invoke_slash_command(channels[0], admin, "backfill", subcommand="start")
            await fake.wait_for_response(inter, timeout=60)

            def finished() -> bool:
                return any(m.content.startswith("Back-fill finished") for m in fake.bot_messages(channels[0]))

            await fake.wait_for(finished, timeout=600, description="the back-fill to finish")
            seconds = time.perf_counter() - began
            exit_code = await proc.terminate(timeout=120)
        finally:
            if proc.running and proc.proc is not None:
                proc.proc.kill()
    import sqlite3

    conn = sqlite3.connect(workdir / "backfill.db")
    try:
        stored = conn.execute("SELECT COUNT(*) FROM messages").fetchone()[0]
    finally:
        conn.close()
    if exit_code != 0 or stored != n:
        raise RuntimeError(f"back-fill: {stored} stored of {n} (exit code {exit_code})")
    return {"backfill_msgs_per_s": n / seconds, "backfill_seconds": seconds}


# ----------------------------------------------------------------------------------------------------------
# 7. charts (issue 15): a 90-day trend chart drawn in this process
# ----------------------------------------------------------------------------------------------------------
def bench_charts(renders: int = 40) -> dict[str, float]:
    from datetime import date

    from bot.app.stat_charts import trend_chart
    from bot.charts import render_png
    from bot.core.stats import Trend, TrendBin

    rng = random.Random(15)
    first = date(2026, 1, 1)
    bins = []
    for d in range(90):
        pos, neu, neg, spam = (rng.randint(50, 900) for _ in range(4))
        day = first + timedelta(days=d)
        bins.append(TrendBin(day, 1, None, pos + neu + neg + spam // 10, pos, neu, neg, spam // 10))
    previous = tuple(rng.randint(200, 2500) for _ in range(90))
    trend = Trend(zone="Asia/Jakarta", hourly=False, step_days=1, bins=tuple(bins), previous=previous)
    spec = trend_chart(trend, "id", title="Pesan · Creators · 90 hari terakhir")
    assert spec is not None
    render_png(spec)  # fonts loaded once, as the chart worker's warm-up does
    times = []
    size = 0
    for _ in range(renders):
        started = time.perf_counter()
        size = len(render_png(spec))
        times.append((time.perf_counter() - started) * 1000)
    return {"chart_p95_ms": percentile(times, 95), "chart_p50_ms": percentile(times, 50), "chart_bytes": size}


def _db(pg: PgBench | None, name: str) -> str | None:
    """A fresh PostgreSQL database's URL for one part (None: SQLite, as without --backend postgres)."""
    return None if pg is None else asyncio.run(pg.fresh(f"bench_{name}"))


def timed(label: str, fn: Callable[[], Any]) -> Any:
    progress(f"{label} ...")
    started = time.perf_counter()
    value = fn()
    progress(f"{label}: done in {time.perf_counter() - started:.1f}s")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Sentimeter benchmarks (JSON on stdout).")
    parser.add_argument("--messages", type=int, default=1_000_000, help="messages in the statistics database")
    parser.add_argument(
        "--data",
        type=Path,
        default=ROOT.parent / "shared" / "data",
        help="labelled data folder (not needed by these figures; accepted for symmetry)",
    )
    parser.add_argument("--corpus", type=int, default=20_000, help="comments in the VADER/ingest corpus")
    parser.add_argument("--analyze-messages", type=int, default=500_000)
    parser.add_argument(
        "--compare-messages",
        type=int,
        default=100_000,
        help="export size for the --workers 1 vs default comparison",
    )
    parser.add_argument("--latency-seconds", type=float, default=8.0)
    parser.add_argument("--rate", type=int, default=5_000, help="comments/s fed during the latency test")
    parser.add_argument(
        "--latency-mode",
        choices=("standin", "in-process"),
        default="standin",
        help="standin: the real bot process fed over the gateway by testing/standin (default); "
        "in-process: the bot object fed directly, /stats timed on its own loop",
    )
    parser.add_argument(
        "--skip",
        default="",
        help=(
            "comma-separated parts to skip:"
            " vader,ingest,campaigns,stats,analyze,bot,backfill,charts,bot_charts"
        ),
    )
    parser.add_argument("--backfill-messages", type=int, default=20_000, help="history for the back-fill")
    parser.add_argument(
        "--backend",
        choices=("sqlite", "postgres"),
        default="sqlite",
        help="where the ingest and stats figures are measured (postgres: the bot and analyze parts skipped)",
    )
    parser.add_argument(
        "--postgres-url",
        help="--backend postgres: a server where databases may be created (default: a throwaway one)",
    )
    parser.add_argument("--_botlike", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args._botlike is not None:
        print(json.dumps(asyncio.run(botlike(args._botlike, args.latency_seconds, args.rate))))
        return 0

    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    results: dict[str, Any] = {"loadavg_1m_before": round(os.getloadavg()[0], 2)}
    postgres = args.backend == "postgres"
    if postgres:
        results["backend"] = "postgres"
        skip |= {"analyze", "bot", "backfill", "bot_charts"}  # the bot process and analyze run on SQLite
    begun = time.perf_counter()
    texts = corpus.corpus(args.corpus)
    with contextlib.ExitStack() as stack, tempfile.TemporaryDirectory(prefix="sentimeter-bench-") as tmp:
        workdir = Path(tmp)
        pg = PgBench(stack.enter_context(pg_server(args.postgres_url))) if postgres else None
        if "vader" not in skip:
            results["vader_msgs_per_s"] = round(timed("plain VADER", lambda: bench_vader(texts)))
        if "ingest" not in skip:
            rate = timed(
                "ingest path", lambda: asyncio.run(bench_ingest(texts, workdir, database=_db(pg, "ingest")))
            )
            results["ingest_msgs_per_s"] = round(rate)
            if "vader_msgs_per_s" in results:
                results["ingest_ratio"] = round(rate / results["vader_msgs_per_s"], 3)
            # CPU time per comment, and the ratio the same work gives when every core is free (the measured
            # one drops when others share the machine: the ingest path needs all cores, VADER one)
            main_us, workers_us = INGEST_CPU_US
            results["ingest_main_cpu_us"] = round(main_us, 1)
            results["ingest_workers_cpu_us"] = round(workers_us, 1)
            if "vader_msgs_per_s" in results and VADER_CPU_US[0]:
                results["vader_cpu_us"] = round(VADER_CPU_US[0], 1)
                cores = os.cpu_count() or 1
                bound_us = max(main_us, (main_us + workers_us) / cores)
                results["ingest_ratio_cpu_bound"] = round(VADER_CPU_US[0] / bound_us, 3)
        if "campaigns" not in skip:
            rate = timed(
                "ingest path, 10 campaigns",
                lambda: asyncio.run(
                    bench_ingest(texts, workdir, campaigns=True, database=_db(pg, "ingest_campaigns"))
                ),
            )
            results["ingest_campaigns_msgs_per_s"] = round(rate)
            results["ingest_campaigns_mentions"] = CAMPAIGN_MENTIONS[0]
            if "vader_msgs_per_s" in results:
                results["ingest_ratio_campaigns"] = round(rate / results["vader_msgs_per_s"], 3)
            main_us, workers_us = INGEST_CPU_US
            results["ingest_campaigns_main_cpu_us"] = round(main_us, 1)
            results["ingest_campaigns_workers_cpu_us"] = round(workers_us, 1)
            if "vader_msgs_per_s" in results and VADER_CPU_US[0]:
                bound_us = max(main_us, (main_us + workers_us) / (os.cpu_count() or 1))
                results["ingest_ratio_campaigns_cpu_bound"] = round(VADER_CPU_US[0] / bound_us, 3)
        stats_path: Path | None = None
        if "stats" not in skip or "bot" not in skip or "bot_charts" not in skip:
            stats_path = timed("statistics database", lambda: stats_db(args.messages))
        if "stats" not in skip:
            assert stats_path is not None
            path = stats_path
            sqlite_bytes = path.stat().st_size * 1_000_000 / max(args.messages, 1)
            pg_url: str | None = None
            if pg is not None:
                pg_name, migrate_rate = timed(
                    "statistics database in PostgreSQL",
                    lambda: asyncio.run(stats_pg_db(pg, path, args.messages)),
                )
                pg_url = pg.url(pg_name)
                if migrate_rate is not None:
                    results["migrate_rows_per_s"] = round(migrate_rate)
                empty = asyncio.run(pg.empty_schema_size())
                used = asyncio.run(pg.size(pg_name)) - empty
                results["db_bytes_per_million_messages"] = round(used * 1_000_000 / max(args.messages, 1))
                results["db_bytes_per_million_messages_sqlite"] = round(sqlite_bytes)
            else:
                results["db_bytes_per_million_messages"] = round(sqlite_bytes)
            by_period = timed("stats queries", lambda: asyncio.run(bench_stats(path, database=pg_url)))
            timings = [t for values in by_period.values() for t in values]
            results["stats_p50_ms"] = round(percentile(timings, 50), 2)
            results["stats_p95_ms"] = round(percentile(timings, 95), 2)
            results["stats_by_period_ms"] = {  # period -> [p50, p95]
                p: [round(percentile(v, 50), 2), round(percentile(v, 95), 2)] for p, v in by_period.items()
            }
            results["stats_db_messages"] = args.messages
        if "analyze" not in skip:
            export = timed("big export", lambda: big_export(args.analyze_messages))
            big = timed(
                f"analyze {args.analyze_messages:,} (default workers)",
                lambda: run_analyze(export, workdir, None, report=True),
            )
            results["analyze_msgs_per_s"] = round(big["msgs_per_s"])
            results["analyze_peak_rss_mb"] = big["peak_rss_mb"]  # whole process tree, RSS summed
            results["analyze_peak_pss_mb"] = big["peak_pss_mb"]
            results["analyze_peak_anon_mb"] = big["peak_anon_mb"]
            results["analyze_peak_main_rss_mb"] = big["peak_main_rss_mb"]  # the `sentimeter` process alone
            results["analyze_peak_main_anon_mb"] = big["peak_main_anon_mb"]
            results["analyze_cores_used"] = round(big["cores_used"], 2)
            small = timed("compare export", lambda: big_export(args.compare_messages))
            multi = timed(
                f"analyze {args.compare_messages:,} (default workers)",
                lambda: run_analyze(small, workdir, None),
            )
            single = timed(
                f"analyze {args.compare_messages:,} (--workers 1)", lambda: run_analyze(small, workdir, 1)
            )
            results["analyze_msgs_per_s_single"] = round(single["msgs_per_s"])
            results["analyze_msgs_per_s_compare"] = round(multi["msgs_per_s"])
            results["analyze_speedup"] = round(multi["msgs_per_s"] / single["msgs_per_s"], 2)
            results["analyze_speedup_pipeline"] = round(
                multi["pipeline_msgs_per_s"] / single["pipeline_msgs_per_s"], 2
            )
            cpu_multi = multi["cores_used"] * multi["seconds"]
            cpu_single = single["cores_used"] * single["seconds"]
            # CPU spent with workers vs in-process (the cost of the process pipeline), and the speedup that
            # layout gives when every core is free (the measured one drops when others share the machine)
            results["analyze_cpu_ratio"] = round(cpu_multi / cpu_single, 2)
            results["analyze_speedup_cpu_bound"] = round(cpu_single / (cpu_multi / (os.cpu_count() or 1)), 2)
            results["analyze_compare_messages"] = args.compare_messages
        if "bot" not in skip:
            assert stats_path is not None
            path = stats_path
            if args.latency_mode == "standin":
                bot = timed(
                    "the bot process against the Discord stand-in",
                    lambda: run_standin_latency(path, workdir, args.latency_seconds, args.rate),
                )
                results["command_answer_p99_ms"] = round(bot["command_answer_p99_ms"], 2)
                results["latency_samples"] = bot["latency_samples"]
                results["latency_standin_cores_used"] = round(bot["standin_cores_used"], 2)
                results["latency_unread_at_sigterm"] = bot["unread_at_sigterm"]
                results["latency_mode"] = "standin"
            else:
                bot = timed(
                    "bot-like process", lambda: run_botlike(path, workdir, args.latency_seconds, args.rate)
                )
                results["latency_mode"] = "in-process"
            results["peak_rss_mb"] = round(bot["peak_rss_mb"], 1)
            results["peak_anon_mb"] = bot["peak_anon_mb"]
            results["peak_tree_rss_mb"] = bot["peak_tree_rss_mb"]
            results["command_latency_p99_ms"] = round(bot["command_latency_p99_ms"], 2)
            results["command_latency_p50_ms"] = round(bot["command_latency_p50_ms"], 2)
            results["latency_fed_msgs_per_s"] = round(bot["fed_msgs_per_s"])
        if "backfill" not in skip:
            filled = timed(
                f"back-fill of {args.backfill_messages:,} through the stand-in",
                lambda: asyncio.run(standin_backfill(workdir, args.backfill_messages)),
            )
            results["backfill_msgs_per_s"] = round(filled["backfill_msgs_per_s"])
            results["backfill_messages"] = args.backfill_messages
        if "charts" not in skip:
            drawn = timed("a 90-day trend chart", bench_charts)
            results["chart_p95_ms"] = round(drawn["chart_p95_ms"], 2)
            results["chart_p50_ms"] = round(drawn["chart_p50_ms"], 2)
        if "bot_charts" not in skip:
            assert stats_path is not None
            path = stats_path
            busy = timed(
                "the bot process with charts drawn during the burst",
                lambda: run_standin_latency(path, workdir, args.latency_seconds, args.rate, charts=True),
            )
            results["command_p99_ms_during_charts"] = round(busy["command_latency_p99_ms"], 2)
            results["command_answer_p99_ms_during_charts"] = round(busy["command_answer_p99_ms"], 2)
            results["charts_drawn_during_burst"] = busy["charts_drawn"]
            results["charts_without_picture_during_burst"] = busy["charts_without_picture"]
    results["loadavg_1m_after"] = round(os.getloadavg()[0], 2)  # other work on the machine skews the rates
    results["cpu_count"] = os.cpu_count()
    results["bench_seconds"] = round(time.perf_counter() - begun, 1)
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
