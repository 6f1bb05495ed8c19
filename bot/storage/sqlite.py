"""SQLite implementation of the Storage protocol (WAL).

Two connections, each on its own thread (bot/storage/_thread.py), so /stats never waits behind an ingest
batch and never sees half of one:

- the reader (statistics, flags, cursors and settings reads) is an ``aiosqlite.Connection``, used through
  aiosqlite's public API: each read is one statement or a few awaited one after another (a few inside one
  read transaction when they must see the same committed state);
- the writer (every write) is a plain ``sqlite3`` connection on a one-thread executor of ours
  (``ConnectionThread``): a write batch (``_batch.apply_batch``: heavy Python and many statements in one
  transaction) runs as one synchronous unit on that thread, which aiosqlite's public API cannot do (it runs
  one statement per call).

Statistics ranges are hour-granular: a bucket counts when its hour starts in [start, end), i.e. both ends are
rounded up to the next whole hour. StatsService passes hour-aligned ranges, so its figures are exact.

A channel's statistics include its threads (forum posts included): its own channel_* rows plus its thread_*
rows (the sum over its threads, kept by the write path), and its presence scope, which counts its threads'
authors too. A thread's statistics are the thread's alone. Lists of channels (top channels, a member's top
channels) count thread messages under the parent channel. See migrations/0002_language_counts.sql.

A large database is built much faster than through ``apply`` by ``bot.storage.bulkload.bulk_load`` (the same
tables, for benchmarks).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Collection, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import aiosqlite

from bot.core.errors import StartupError
from bot.core.export import DailyRow, FlagRow, TopRow
from bot.core.feedback.sensitivity import DEFAULT_SENSITIVITY, SENSITIVITIES
from bot.core.periods import DAY, HOUR
from bot.core.scoring.thresholds import DEFAULT_FLAG_THRESHOLD
from bot.core.timezones import DEFAULT_TIMEZONE, zone_info
from bot.core.top import AnnouncementRow, RankBy
from bot.storage import _backfill, _campaigns, _catchup, _digest, _export, _outbox, _privacy, _top, _trends
from bot.storage._batch import BUCKET_COLUMNS, FLAG_COLUMNS, N_BUCKET, apply_batch, flag_from_row
from bot.storage._presence import VECTOR_COLUMNS, LastHourCache, active_query
from bot.storage._thread import ConnectionThread, ReaderConnection
from bot.storage.models import (
    ActivityHour,
    BackfillRun,
    Campaign,
    CampaignHour,
    ChannelCount,
    DigestSchedule,
    ExampleKind,
    Flag,
    FlagChange,
    FlagKind,
    FlagStatus,
    FlagSummary,
    ForgetResult,
    Gap,
    GuildConfig,
    LearnedAdjustment,
    LearningExample,
    PendingPost,
    StoredMessage,
    SweepResult,
    TermCount,
    Totals,
    WriteOp,
)

if TYPE_CHECKING:
    from bot.storage.base import Storage

log = logging.getLogger(__name__)

T = TypeVar("T")

_MIN_TIME = -(2**62)
SPAM_ACTIONS = ("review", "delete")
CACHE_KIB = 16 * 1024  # SQLite page cache per connection (two connections)

_VEC = ", ".join(BUCKET_COLUMNS)
# bucket tables (channel_*, guild_*, thread_*): the full vector with the language counts
_SUMS = ", ".join(f"coalesce(sum({c}), 0)" for c in BUCKET_COLUMNS)
# presence rows: no language counts
_MEMBER_SUMS = ", ".join(f"coalesce(sum({c}), 0)" for c in VECTOR_COLUMNS)
# issue 15: hour roll-ups regrouped in local time (bot/core/local_time.py); {off} is the segment's UTC offset
_LOCAL_COLUMNS = ("messages", "positive", "neutral", "negative", "spam")
_LOCAL_KEYS = {
    "day": "(hour + {off}) / 86400",
    "utc_hour": "hour",
    "hour": "((hour + {off}) % 86400) / 3600",
    # 1970-01-01 was a Thursday: Monday = 0
    "week_hour": "(((hour + {off}) / 86400 + 3) % 7) * 24 + ((hour + {off}) % 86400) / 3600",
}


def default_threshold() -> float:
    """The scoring package's DEFAULT_FLAG_THRESHOLD, for servers that set none."""
    return float(DEFAULT_FLAG_THRESHOLD)


def _ceil(t: int, unit: int) -> int:
    return -(-int(t) // unit) * unit


def _floor(t: int, unit: int) -> int:
    return int(t) - int(t) % unit


def _hour_range(start: int | None, end: int) -> tuple[int | None, int]:
    return (None if start is None else _ceil(start, HOUR)), _ceil(end, HOUR)


def _split(start: int | None, end: int) -> tuple[tuple[int, int] | None, list[tuple[int, int]]]:
    """Hour-aligned [start, end) -> (whole-day range or None, hour ranges at the edges)."""
    if start is None:
        d2 = _floor(end, DAY)
        return (_MIN_TIME, d2), [(d2, end)] if d2 < end else []
    d1, d2 = _ceil(start, DAY), _floor(end, DAY)
    if d1 >= d2:
        return None, [(start, end)]
    return (d1, d2), [(a, b) for a, b in ((start, d1), (d2, end)) if a < b]


def _totals_from(row: Sequence[Any]) -> Totals:
    """From a row in BUCKET_COLUMNS order (12 sums) or VECTOR_COLUMNS order (8: no language counts)."""
    langs = [int(x) for x in row[8:12]] if len(row) >= N_BUCKET else [0, 0, 0, 0]
    return Totals(
        messages=int(row[0]),
        replies=int(row[1]),
        reactions=int(row[2]),
        positive=int(row[3]),
        neutral=int(row[4]),
        negative=int(row[5]),
        spam=int(row[6]),
        compound_sum=int(row[7]) / 10000,
        lang_en=langs[0],
        lang_id=langs[1],
        lang_mixed=langs[2],
        lang_other=langs[3],
    )


def _connect_pragmas(conn: sqlite3.Connection, *, reader: bool, cache_kib: int = CACHE_KIB) -> None:
    conn.execute("PRAGMA busy_timeout = 10000")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":  # pragma: no cover - e.g. a file system without shared memory
        log.warning("SQLite journal mode is %s, not WAL", mode)
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA temp_store = MEMORY")
    # Memory: the bot keeps well under 200 MB however large the file grows. Each connection's page cache is
    # bounded (the OS page cache holds the rest of the file, outside the process), and the file is not
    # memory-mapped: mapped pages count as the bot's resident memory once read.
    conn.execute(f"PRAGMA cache_size = -{cache_kib}")
    conn.execute("PRAGMA mmap_size = 0")
    if reader:
        conn.execute("PRAGMA query_only = ON")


def migration_scripts(package: str = "bot.storage") -> list[tuple[int, str, str]]:
    """(version, file name, SQL) for every migration bundled in ``package``'s ``migrations`` folder, in order
    (SQLite's; PostgreSQL's are in ``bot.storage.postgres``)."""
    folder = resources.files(package).joinpath("migrations")
    out = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            out.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    out.sort()
    versions = [v for v, _, _ in out]
    if versions != list(range(1, len(out) + 1)):  # pragma: no cover - a packaging mistake
        raise RuntimeError(f"{package} migrations must be numbered 0001, 0002, ... without gaps: {versions}")
    return out


def migrate(conn: sqlite3.Connection) -> int:
    """Apply pending migrations, each in its own transaction; returns the schema version."""
    current = int(conn.execute("PRAGMA user_version").fetchone()[0])
    scripts = migration_scripts()
    latest = scripts[-1][0] if scripts else 0
    if current > latest:
        raise StartupError(
            f"The database schema (version {current}) is newer than this Sentimeter ({latest})"
        )
    for version, name, sql in scripts:
        if version <= current:
            continue
        log.info("Applying database migration %s", name)
        try:
            conn.executescript(f"BEGIN IMMEDIATE;\n{sql}\n;PRAGMA user_version = {version};\nCOMMIT;")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        current = version
    # prove that we can write (an up-to-date but read-only file passes the steps above)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute(f"PRAGMA user_version = {current}")
    conn.execute("COMMIT")
    return current


class SQLStorage:
    """Every storage protocol (``bot.storage.base.Storage``), written once over four primitives that each back
    end provides: ``_reading`` (one read method's connection, ``execute_fetchall`` on it), ``_fetchall``,
    ``_fetchone`` and ``_write`` (a sync ``fn(connection)`` on the writer's thread; the connection looks like
    ``sqlite3.Connection``). ``SQLiteStorage`` below and ``bot.storage.postgres.PostgresStorage`` are the two.
    """

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        # One read method at a time on a reader connection (see SQLiteStorage._read_lock).
        self._read_lock = asyncio.Lock()
        self._clock = clock
        self._presence_cache = LastHourCache()

    def _now(self) -> int:
        return int(self._clock())

    def _reading(self, *, snapshot: bool = False) -> AbstractAsyncContextManager[aiosqlite.Connection]:
        raise NotImplementedError

    async def _fetchall(self, sql: str, params: Any = ()) -> list[Any]:
        raise NotImplementedError

    async def _fetchone(self, sql: str, params: Any = ()) -> Any:
        raise NotImplementedError

    async def _write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError

    # -- the write path --------------------------------------------------------------------------------------
    async def apply(self, ops: Sequence[WriteOp]) -> list[FlagChange]:
        if not ops:
            return []
        now = self._now()
        return await self._write(lambda c: apply_batch(c, ops, now, self._presence_cache))

    # -- statistics ------------------------------------------------------------------------------------------
    async def totals(self, guild_id: int, channel_id: int | None, start: int | None, end: int) -> Totals:
        s, e = _hour_range(start, end)
        if s is not None and s >= e:
            return Totals()
        days, hours = _split(s, e)
        if channel_id is None:
            day_sql = f"SELECT {_SUMS} FROM guild_day WHERE guild_id = :g AND day >= :lo AND day < :hi"
            hour_sql = f"SELECT {_SUMS} FROM guild_hour WHERE guild_id = :g AND hour >= :lo AND hour < :hi"
        else:
            # the channel's own buckets and the sum over its threads (a thread has no thread_* rows)
            day_sql = (
                f"SELECT {_SUMS} FROM (SELECT {_VEC} FROM channel_day WHERE guild_id = :g AND channel_id = :c"
                f" AND day >= :lo AND day < :hi UNION ALL SELECT {_VEC} FROM thread_day"
                " WHERE guild_id = :g AND parent_id = :c AND day >= :lo AND day < :hi)"
            )
            hour_sql = (
                f"SELECT {_SUMS} FROM (SELECT {_VEC} FROM channel_hour"
                " WHERE guild_id = :g AND channel_id = :c AND hour >= :lo AND hour < :hi"
                f" UNION ALL SELECT {_VEC} FROM thread_hour"
                " WHERE guild_id = :g AND parent_id = :c AND hour >= :lo AND hour < :hi)"
            )

        acc = [0] * N_BUCKET
        parts = [(hour_sql, r) for r in hours]
        if days is not None:
            parts.append((day_sql, days))
        # several parts: one snapshot, so that a batch committed meanwhile is counted wholly or not at all
        async with self._reading(snapshot=len(parts) > 1) as db:
            for sql, (lo, hi) in parts:
                row = await _first(db, sql, {"g": guild_id, "c": channel_id, "lo": lo, "hi": hi})
                for i in range(N_BUCKET):
                    acc[i] += row[i]
        return _totals_from(acc)

    async def active_authors(self, guild_id: int, channel_id: int | None, start: int | None, end: int) -> int:
        s, e = _hour_range(start, end)
        scope = 0 if channel_id is None else channel_id
        query = active_query(guild_id, scope, s, e)
        if query is None:
            return 0
        row = await self._fetchone(*query)
        return int(row[0])

    async def busiest_hour(
        self, guild_id: int, channel_id: int | None, start: int | None, end: int
    ) -> int | None:
        s, e = _hour_range(start, end)
        lo = _MIN_TIME if s is None else s
        if channel_id is None:
            sql = "FROM guild_hour WHERE guild_id = ? AND hour >= ? AND hour < ?"
            params: tuple[int, ...] = (guild_id, lo, e)
        else:
            sql = (
                "FROM (SELECT hour, messages FROM channel_hour"
                " WHERE guild_id = ? AND channel_id = ? AND hour >= ? AND hour < ?"
                " UNION ALL SELECT hour, messages FROM thread_hour"
                " WHERE guild_id = ? AND parent_id = ? AND hour >= ? AND hour < ?)"
            )
            params = (guild_id, channel_id, lo, e) * 2
        query = (
            f"SELECT (hour % 86400) / 3600 AS h, sum(messages) AS n {sql}"
            " GROUP BY h ORDER BY n DESC, h LIMIT 1"
        )

        row = await self._fetchone(query, params)
        return int(row[0]) if row is not None and row[1] > 0 else None

    async def top_channels(
        self, guild_id: int, start: int | None, end: int, limit: int
    ) -> list[ChannelCount]:
        s, e = _hour_range(start, end)
        if s is not None and s >= e:
            return []
        days, hours = _split(s, e)
        parts: list[str] = []
        params: list[int] = []
        # threads count under their parent: a thread's own rows are left out, its parent's thread_* rows added
        ranges = ([("day", days)] if days is not None else []) + [("hour", r) for r in hours]
        for unit, (lo, hi) in ranges:
            parts.append(
                f"SELECT b.channel_id, b.messages FROM channel_{unit} b WHERE b.guild_id = ?"
                f" AND b.{unit} >= ? AND b.{unit} < ? AND NOT EXISTS (SELECT 1 FROM channel_parents cp"
                " WHERE cp.guild_id = b.guild_id AND cp.channel_id = b.channel_id)"
            )
            parts.append(
                f"SELECT parent_id, messages FROM thread_{unit}"
                f" WHERE guild_id = ? AND {unit} >= ? AND {unit} < ?"
            )
            params += [guild_id, lo, hi, guild_id, lo, hi]
        sql = (
            f"SELECT channel_id, sum(messages) AS n FROM ({' UNION ALL '.join(parts)})"
            " GROUP BY channel_id HAVING sum(messages) > 0 ORDER BY n DESC, channel_id LIMIT ?"
        )
        params.append(limit)
        rows = await self._fetchall(sql, params)
        return [ChannelCount(int(ch), int(n)) for ch, n in rows]

    async def member_totals(self, guild_id: int, author_id: int, start: int | None, end: int) -> Totals:
        s, e = _hour_range(start, end)
        sql = (
            f"SELECT {_MEMBER_SUMS} FROM presence WHERE guild_id = ? AND author_id = ? AND scope_id = 0"
            " AND hour >= ? AND hour < ?"
        )
        params = (guild_id, author_id, _MIN_TIME if s is None else s, e)
        row = await self._fetchone(sql, params)
        return _totals_from(row)

    async def member_active_days(self, guild_id: int, author_id: int, start: int | None, end: int) -> int:
        s, e = _hour_range(start, end)
        sql = (
            "SELECT count(DISTINCT hour - hour % 86400) FROM presence WHERE guild_id = ? AND author_id = ?"
            " AND scope_id = 0 AND hour >= ? AND hour < ?"
        )
        params = (guild_id, author_id, _MIN_TIME if s is None else s, e)
        row = await self._fetchone(sql, params)
        return int(row[0])

    async def member_top_channels(
        self, guild_id: int, author_id: int, start: int | None, end: int, limit: int
    ) -> list[ChannelCount]:
        s, e = _hour_range(start, end)
        # scope_id > 0: the per-channel rows (channel ids are positive snowflakes; 0 is the whole server). A
        # parent's rows already count its threads, so the threads' own rows are left out.
        sql = (
            "SELECT p.scope_id, sum(p.messages) AS n FROM presence p WHERE p.guild_id = ? AND p.author_id = ?"
            " AND p.scope_id > 0 AND p.hour >= ? AND p.hour < ? AND NOT EXISTS (SELECT 1"
            " FROM channel_parents cp WHERE cp.guild_id = p.guild_id AND cp.channel_id = p.scope_id)"
            " GROUP BY p.scope_id ORDER BY n DESC, p.scope_id LIMIT ?"
        )
        params = (guild_id, author_id, _MIN_TIME if s is None else s, e, limit)
        rows = await self._fetchall(sql, params)
        return [ChannelCount(int(ch), int(n)) for ch, n in rows]

    async def first_message_at(self, guild_id: int) -> int | None:
        """Start of the earliest hour that still holds a counted message (hour precision)."""
        sql = "SELECT hour FROM guild_hour WHERE guild_id = ? ORDER BY hour LIMIT 1"
        row = await self._fetchone(sql, (guild_id,))
        return None if row is None else int(row[0])

    # -- catch-up --------------------------------------------------------------------------------------------
    async def channel_cursors(self, guild_id: int) -> dict[int, int]:
        sql = "SELECT channel_id, last_message_id FROM channel_cursors WHERE guild_id = ?"
        rows = await self._fetchall(sql, (guild_id,))
        return {int(ch): int(mid) for ch, mid in rows}

    # -- flags -----------------------------------------------------------------------------------------------
    async def get_flag(self, guild_id: int, flag_id: int) -> Flag | None:
        row = await self._fetchone(_FLAG_SQL, (guild_id, flag_id))
        return None if row is None else flag_from_row(row)

    async def open_flag_for_message(self, guild_id: int, message_id: int) -> Flag | None:
        row = await self._fetchone(_OPEN_FLAG_SQL, (guild_id, message_id))
        return None if row is None else flag_from_row(row)

    async def create_flag(
        self,
        *,
        guild_id: int,
        channel_id: int,
        message_id: int,
        author_id: int,
        kind: FlagKind,
        text: str | None,
        compound: float | None,
        reason: str | None,
        created_at: int,
    ) -> Flag:
        def run(conn: sqlite3.Connection) -> Flag:
            existing = _open_flag(conn, guild_id, message_id)
            if existing is not None:
                return existing
            cur = conn.execute(
                "INSERT INTO flags (guild_id, channel_id, message_id, author_id, kind, status, text,"
                " compound,"
                " reason, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    guild_id,
                    channel_id,
                    message_id,
                    author_id,
                    FlagKind(kind).value,
                    FlagStatus.OPEN.value,
                    text,
                    compound,
                    reason,
                    int(created_at),
                ),
            )
            flag = _get_flag(conn, guild_id, int(cur.lastrowid or 0))
            assert flag is not None
            return flag

        return await self._write(run)

    async def resolve_flag(
        self, guild_id: int, flag_id: int, status: FlagStatus, resolved_by: int | None, at: int
    ) -> Flag | None:
        status = FlagStatus(status)
        if status is FlagStatus.OPEN:
            raise ValueError("resolve_flag needs a closing status")

        return await self.relabel_flag(guild_id, flag_id, FlagStatus.OPEN, status, resolved_by, at)

    async def relabel_flag(
        self,
        guild_id: int,
        flag_id: int,
        expected: FlagStatus,
        status: FlagStatus,
        resolved_by: int | None,
        at: int,
    ) -> Flag | None:
        status = FlagStatus(status)
        expected = FlagStatus(expected)

        def run(conn: sqlite3.Connection) -> Flag | None:
            cur = conn.execute(
                "UPDATE flags SET status = ?, resolved_by = ?, resolved_at = ?"
                " WHERE guild_id = ? AND id = ? AND status = ?",
                (status.value, resolved_by, int(at), guild_id, flag_id, expected.value),
            )
            if cur.rowcount != 1:
                return None
            return _get_flag(conn, guild_id, flag_id)

        return await self._write(run)

    async def set_review_message(self, guild_id: int, flag_id: int, channel_id: int, message_id: int) -> None:
        sql = "UPDATE flags SET review_channel_id = ?, review_message_id = ? WHERE guild_id = ? AND id = ?"
        await self._write(lambda c: c.execute(sql, (channel_id, message_id, guild_id, flag_id)))

    async def list_flags(
        self, guild_id: int, status: FlagStatus | None, offset: int, limit: int
    ) -> list[Flag]:
        if status is None:
            sql = f"SELECT {FLAG_COLUMNS} FROM flags WHERE guild_id = ? ORDER BY id DESC LIMIT ? OFFSET ?"
            params: tuple[Any, ...] = (guild_id, limit, offset)
        else:
            sql = (
                f"SELECT {FLAG_COLUMNS} FROM flags WHERE guild_id = ? AND status = ?"
                " ORDER BY id DESC LIMIT ? OFFSET ?"
            )
            params = (guild_id, FlagStatus(status).value, limit, offset)
        rows = await self._fetchall(sql, params)
        return [flag_from_row(r) for r in rows]

    async def count_flags(self, guild_id: int, status: FlagStatus | None) -> int:
        if status is None:
            sql, params = "SELECT count(*) FROM flags WHERE guild_id = ?", (guild_id,)
        else:
            sql = "SELECT count(*) FROM flags WHERE guild_id = ? AND status = ?"
            params = (guild_id, FlagStatus(status).value)  # type: ignore[assignment]
        row = await self._fetchone(sql, params)
        return int(row[0])

    async def flag_summary(self, guild_id: int, start: int | None, end: int) -> FlagSummary:
        where = "guild_id = ? AND created_at >= ? AND created_at < ?"
        params = (guild_id, _MIN_TIME if start is None else int(start), int(end))

        async with self._reading(snapshot=True) as db:  # the three breakdowns count the same flags
            statuses = await db.execute_fetchall(
                f"SELECT status, count(*) FROM flags WHERE {where} GROUP BY status", params
            )
            kinds = await db.execute_fetchall(
                f"SELECT kind, count(*) FROM flags WHERE {where} GROUP BY kind", params
            )
            channels = await db.execute_fetchall(
                f"SELECT channel_id, count(*) AS n FROM flags WHERE {where}"
                " GROUP BY channel_id ORDER BY n DESC, channel_id",
                params,
            )
            topics = await db.execute_fetchall(
                f"SELECT topic, count(*) FROM flags WHERE {where} AND kind = ? AND topic IS NOT NULL"
                " GROUP BY topic",
                (*params, FlagKind.NEGATIVE.value),
            )
        return FlagSummary(
            by_status={FlagStatus(s): int(n) for s, n in statuses},
            by_channel=[ChannelCount(int(ch), int(n)) for ch, n in channels],
            by_kind={FlagKind(k): int(n) for k, n in kinds},
            by_topic={str(topic): int(n) for topic, n in topics},
        )

    async def false_positive_texts(self, guild_id: int, start: int | None, end: int, limit: int) -> list[str]:
        sql = (
            "SELECT text FROM flags WHERE guild_id = ? AND status = ? AND text IS NOT NULL"
            " AND created_at >= ? AND created_at < ? ORDER BY id DESC LIMIT ?"
        )
        params = (
            guild_id,
            FlagStatus.NOT_NEGATIVE.value,
            _MIN_TIME if start is None else int(start),
            int(end),
            limit,
        )
        rows = await self._fetchall(sql, params)
        return [str(r[0]) for r in rows]

    # -- per-server configuration ----------------------------------------------------------------------------
    async def get_config(self, guild_id: int) -> GuildConfig:
        async with self._reading(snapshot=True) as db:  # the row and the exemptions from the same state
            row = await _first(db, _CONFIG_SQL, (guild_id,))
            channels = await db.execute_fetchall(_EXEMPT_CHANNELS_SQL, (guild_id,))
            roles = await db.execute_fetchall(_EXEMPT_ROLES_SQL, (guild_id,))
            learned = await _first(db, _LEARNED_SQL, (guild_id,))
        return _config_from(guild_id, row, channels, roles, learned)

    async def _update_config(self, guild_id: int, sql: str | None, params: Sequence[Any]) -> GuildConfig:
        statements: list[tuple[str, Sequence[Any]]] = [
            ("INSERT INTO guild_config (guild_id) VALUES (?) ON CONFLICT DO NOTHING", (guild_id,))
        ]
        if sql is not None:
            statements.append((sql, params))

        def run(conn: sqlite3.Connection) -> GuildConfig:
            _in_one_transaction(conn, statements)
            return _get_config(conn, guild_id)

        return await self._write(run)

    async def set_threshold(self, guild_id: int, threshold: float) -> GuildConfig:
        threshold = float(threshold)
        if not -1.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be within -1..1, got {threshold}")
        sql = "UPDATE guild_config SET threshold = ? WHERE guild_id = ?"
        return await self._update_config(guild_id, sql, (threshold, guild_id))

    async def set_sensitivity(self, guild_id: int, sensitivity: str) -> GuildConfig:
        if sensitivity not in SENSITIVITIES:
            raise ValueError(f"sensitivity must be one of {', '.join(SENSITIVITIES)}, got {sensitivity!r}")
        sql = "UPDATE guild_config SET sensitivity = ? WHERE guild_id = ?"
        return await self._update_config(guild_id, sql, (sensitivity, guild_id))

    async def set_timezone(self, guild_id: int, timezone: str) -> GuildConfig:
        zone_info(timezone)  # ValueError for anything that is not an IANA name
        sql = "UPDATE guild_config SET timezone = ? WHERE guild_id = ?"
        return await self._update_config(guild_id, sql, (timezone.strip(), guild_id))

    async def set_review_channel(self, guild_id: int, channel_id: int | None) -> GuildConfig:
        sql = "UPDATE guild_config SET review_channel_id = ? WHERE guild_id = ?"
        return await self._update_config(guild_id, sql, (channel_id, guild_id))

    async def set_language(self, guild_id: int, language: str | None) -> GuildConfig:
        sql = "UPDATE guild_config SET language = ? WHERE guild_id = ?"
        return await self._update_config(guild_id, sql, (language, guild_id))

    async def set_spam_action(self, guild_id: int, action: str, timeout_minutes: int | None) -> GuildConfig:
        if action not in SPAM_ACTIONS:
            raise ValueError(f"spam action must be one of {SPAM_ACTIONS}, got {action!r}")
        if timeout_minutes is None:
            sql = "UPDATE guild_config SET spam_action = ? WHERE guild_id = ?"
            params: tuple[Any, ...] = (action, guild_id)
        else:
            if timeout_minutes <= 0:
                raise ValueError("timeout_minutes must be positive")
            sql = "UPDATE guild_config SET spam_action = ?, spam_timeout_minutes = ? WHERE guild_id = ?"
            params = (action, int(timeout_minutes), guild_id)
        return await self._update_config(guild_id, sql, params)

    async def add_exempt_channel(self, guild_id: int, channel_id: int) -> GuildConfig:
        sql = "INSERT INTO exempt_channels (guild_id, channel_id) VALUES (?, ?) ON CONFLICT DO NOTHING"
        return await self._update_config(guild_id, sql, (guild_id, channel_id))

    async def remove_exempt_channel(self, guild_id: int, channel_id: int) -> GuildConfig:
        sql = "DELETE FROM exempt_channels WHERE guild_id = ? AND channel_id = ?"
        return await self._update_config(guild_id, sql, (guild_id, channel_id))

    async def add_exempt_role(self, guild_id: int, role_id: int) -> GuildConfig:
        sql = "INSERT INTO exempt_roles (guild_id, role_id) VALUES (?, ?) ON CONFLICT DO NOTHING"
        return await self._update_config(guild_id, sql, (guild_id, role_id))

    async def remove_exempt_role(self, guild_id: int, role_id: int) -> GuildConfig:
        sql = "DELETE FROM exempt_roles WHERE guild_id = ? AND role_id = ?"
        return await self._update_config(guild_id, sql, (guild_id, role_id))

    # -- learning from moderators ----------------------------------------------------------------------------
    async def record_example(self, guild_id: int, example: LearningExample) -> None:
        sql = (
            "INSERT INTO learning_examples"
            " (guild_id, flag_id, kind, label, features, shipped_logit, created_at) VALUES (?,?,?,?,?,?,?)"
            " ON CONFLICT (guild_id, flag_id) DO UPDATE SET kind = excluded.kind,"
            " label = excluded.label, features = excluded.features, shipped_logit = excluded.shipped_logit,"
            " created_at = excluded.created_at"
        )
        params = (
            guild_id,
            example.flag_id,
            example.kind.value,
            int(example.label),
            json.dumps(dict(example.features), separators=(",", ":")),
            float(example.shipped_logit),
            int(example.created_at),
        )

        # the message may already be deleted (a Delete click): its words go, as the trigger does
        forget_words = (_FORGET_WORDS_SQL, (guild_id, example.flag_id, guild_id, example.flag_id))
        await self._write(lambda conn: _in_one_transaction(conn, [(sql, params), forget_words]))

    async def learning_examples(self, guild_id: int, limit: int) -> list[LearningExample]:
        sql = (
            "SELECT flag_id, kind, label, features, shipped_logit, created_at FROM learning_examples"
            " WHERE guild_id = ? ORDER BY created_at DESC, flag_id DESC LIMIT ?"
        )
        rows = await self._fetchall(sql, (guild_id, limit))
        return [
            LearningExample(
                flag_id=int(flag_id),
                kind=ExampleKind(kind),
                label=bool(label),
                features={str(k): float(v) for k, v in json.loads(features).items()},
                shipped_logit=float(logit),
                created_at=int(at),
            )
            for flag_id, kind, label, features, logit, at in reversed(rows)
        ]

    async def set_learned(self, guild_id: int, learned: LearnedAdjustment | None) -> GuildConfig:
        if learned is None:
            return await self._update_config(guild_id, _FORGET_LEARNED_SQL, (guild_id,))
        sql = (
            "INSERT INTO learned_adjustments (guild_id, weights, cap, decisions, spam_floor, updated_at)"
            " VALUES (?,?,?,?,?,?) ON CONFLICT (guild_id) DO UPDATE SET weights = excluded.weights,"
            " cap = excluded.cap, decisions = excluded.decisions, spam_floor = excluded.spam_floor,"
            " updated_at = excluded.updated_at"
        )
        params = (
            guild_id,
            json.dumps(dict(learned.weights), separators=(",", ":")),
            float(learned.cap),
            int(learned.decisions),
            float(learned.spam_floor),
            self._now(),
        )
        return await self._update_config(guild_id, sql, params)

    async def reset_learning(self, guild_id: int) -> GuildConfig:
        statements = [
            ("DELETE FROM learning_examples WHERE guild_id = ?", (guild_id,)),
            (_FORGET_LEARNED_SQL, (guild_id,)),
        ]

        def run(conn: sqlite3.Connection) -> GuildConfig:
            _in_one_transaction(conn, statements)
            return _get_config(conn, guild_id)

        return await self._write(run)

    # -- per-server lexicon ----------------------------------------------------------------------------------
    async def get_lexicon(self, guild_id: int) -> dict[str, float]:
        sql = "SELECT word, valence FROM lexicon WHERE guild_id = ? ORDER BY word"
        rows = await self._fetchall(sql, (guild_id,))
        return {str(w): float(v) for w, v in rows}

    async def set_lexicon_word(self, guild_id: int, word: str, valence: float) -> None:
        word = normalize_word(word)
        if not word:
            raise ValueError("empty lexicon word")
        sql = (
            "INSERT INTO lexicon (guild_id, word, valence) VALUES (?, ?, ?)"
            " ON CONFLICT (guild_id, word) DO UPDATE SET valence = excluded.valence"
        )
        await self._write(lambda c: c.execute(sql, (guild_id, word, float(valence))))

    async def remove_lexicon_word(self, guild_id: int, word: str) -> bool:
        sql = "DELETE FROM lexicon WHERE guild_id = ? AND word = ?"
        key = normalize_word(word)
        return await self._write(lambda c: c.execute(sql, (guild_id, key)).rowcount > 0)

    # -- catch-up gaps and reconcile (migration 0006, bot/storage/_catchup.py) -------------------------------
    async def begin_catch_up(self, guild_id: int) -> dict[int, int]:
        return await self._write(lambda c: _catchup.begin_catch_up(c, guild_id))

    async def catch_up_gaps(self, guild_id: int) -> list[Gap]:
        return _catchup.gaps_from(await self._fetchall(_catchup.GAPS_SQL, (guild_id,)))

    async def record_gap(self, guild_id: int, gap: Gap) -> None:
        await self._write(lambda c: _catchup.record_gap(c, guild_id, gap))

    async def narrow_gap(self, guild_id: int, gap: Gap, read_up_to: int) -> None:
        await self._write(lambda c: _catchup.narrow_gap(c, guild_id, gap, read_up_to))

    async def close_gap(self, guild_id: int, gap: Gap) -> None:
        await self._write(lambda c: _catchup.close_gap(c, guild_id, gap))

    async def recent_messages(self, guild_id: int, since_id: int, per_channel: int) -> list[StoredMessage]:
        rows = await self._fetchall(_catchup.RECENT_SQL, (since_id, guild_id, per_channel))
        return _catchup.recent_from(rows)

    # -- members' data rights, retention, server removal (bot/storage/_privacy.py) ---------------------------
    async def forget_member(self, guild_id: int, user_id: int) -> ForgetResult:
        now = self._now()
        return await self._write(
            lambda c: _privacy.forget_member(c, guild_id, user_id, now, self._presence_cache)
        )

    async def member_data(self, guild_id: int, user_id: int) -> dict[str, Any]:
        async with self._reading(snapshot=True) as db:
            return await _privacy.member_data(db, guild_id, user_id)

    async def opted_out(self, guild_id: int) -> frozenset[int]:
        rows = await self._fetchall("SELECT user_id FROM privacy_opt_outs WHERE guild_id = ?", (guild_id,))
        return frozenset(int(r[0]) for r in rows)

    async def set_opt_out(self, guild_id: int, user_id: int, opted_out: bool) -> bool:
        now = self._now()
        return await self._write(lambda c: _privacy.set_opt_out(c, guild_id, user_id, opted_out, now))

    async def get_retention(self, guild_id: int) -> int | None:
        sql = "SELECT retention_days FROM privacy_settings WHERE guild_id = ?"
        row = await self._fetchone(sql, (guild_id,))
        return None if row is None else int(row[0])

    async def set_retention(self, guild_id: int, days: int) -> None:
        if days < 1:
            raise ValueError(f"retention must be at least one day, got {days}")
        await self._write(lambda c: _privacy.set_retention(c, guild_id, days))

    async def sweep_retention(self, default_days: int) -> SweepResult:
        now = self._now()
        return await self._write(lambda c: _privacy.sweep_retention(c, now, default_days))

    async def mark_guild_removed(self, guild_id: int) -> None:
        now = self._now()
        await self._write(lambda c: _privacy.mark_removed(c, guild_id, now))

    async def cancel_guild_removal(self, guild_id: int) -> bool:
        return await self._write(lambda c: _privacy.cancel_removal(c, guild_id))

    async def purge_removed_guilds(
        self, grace_days: int, present: Collection[int] = (), owned: Callable[[int], bool] | None = None
    ) -> list[int]:
        before = self._now() - grace_days * DAY
        keep = frozenset(present)
        return await self._write(
            lambda c: _privacy.purge_removed(c, before, keep, self._presence_cache, owned)
        )

    async def purge_guild(self, guild_id: int) -> int:
        return await self._write(lambda c: _privacy.purge_guild(c, guild_id, self._presence_cache))

    # -- the review-post outbox (migration 0005, bot/storage/_outbox.py) -------------------------------------
    async def due_review_posts(self, now: float, limit: int) -> list[PendingPost]:
        rows = await self._fetchall(_outbox.DUE_SQL, (now, limit))
        return [_outbox.pending_from_row(r) for r in rows]

    async def pending_review_post(self, guild_id: int, flag_id: int) -> PendingPost | None:
        row = await self._fetchone(_outbox.GET_SQL, (guild_id, flag_id))
        return None if row is None else _outbox.pending_from_row(row)

    async def next_review_post_at(self) -> float | None:
        row = await self._fetchone(_outbox.NEXT_SQL)
        return None if row is None or row[0] is None else float(row[0])

    async def begin_review_post(
        self, guild_id: int, flag_id: int, channel_id: int, at: int, *, lease: float = 120.0
    ) -> bool:
        return await self._write(lambda c: _outbox.begin(c, guild_id, flag_id, channel_id, at, lease))

    async def postpone_review_post(
        self, guild_id: int, flag_id: int, next_at: float, *, attempted_at: int | None, channel_id: int | None
    ) -> None:
        await self._write(lambda c: _outbox.postpone(c, guild_id, flag_id, next_at, attempted_at, channel_id))

    async def drop_review_post(self, guild_id: int, flag_id: int) -> None:
        await self._write(lambda c: _outbox.drop(c, guild_id, flag_id))

    # -- CSV exports (bot/storage/_export.py, bot/core/export.py) --------------------------------------------
    async def export_daily(self, guild_id: int, start: int | None, end: int) -> AsyncIterator[DailyRow]:
        lo = _MIN_TIME if start is None else start
        after = (_MIN_TIME, -1)
        while True:
            rows = await self._fetchall(_export.DAILY_SQL, (guild_id, lo, end, *after, _export.PAGE))
            for row in rows:
                yield _export.daily_from(row)
            if len(rows) < _export.PAGE:
                return
            after = (int(rows[-1][0]), int(rows[-1][1]))

    async def export_flags(self, guild_id: int, start: int | None, end: int) -> AsyncIterator[FlagRow]:
        lo = _MIN_TIME if start is None else start
        after = 0
        while True:
            rows = await self._fetchall(_export.FLAGS_SQL, (guild_id, lo, end, after, _export.PAGE))
            for row in rows:
                yield _export.flag_from(row)
            if len(rows) < _export.PAGE:
                return
            after = int(rows[-1][0])

    async def export_top(self, guild_id: int, start: int | None, end: int, limit: int) -> list[TopRow]:
        return await self.top_posts(guild_id, None, start, end, RankBy.ENGAGEMENT, limit)

    async def export_guilds(self) -> list[int]:
        return [int(r[0]) for r in await self._fetchall(_export.GUILDS_SQL)]

    # -- back-fill (migration 0009, bot/storage/_backfill.py) ------------------------------------------------
    async def start_backfill(self, run: BackfillRun) -> bool:
        return await self._write(lambda c: _backfill.start(c, run))

    async def backfill_run(self, guild_id: int) -> BackfillRun | None:
        async with self._reading(snapshot=True) as db:
            row = await _first(db, _backfill.RUN_SQL, (guild_id,))
            if row is None:
                return None
            ranges = await db.execute_fetchall(_backfill.RANGES_SQL, (guild_id,))
        return _backfill.run_from(row, list(ranges))

    async def backfill_guilds(self) -> list[int]:
        return [int(r[0]) for r in await self._fetchall(_backfill.GUILDS_SQL)]

    async def advance_backfill(
        self, guild_id: int, channel_id: int, read_up_to: int, messages: int, *, done: bool
    ) -> None:
        await self._write(lambda c: _backfill.advance(c, guild_id, channel_id, read_up_to, messages, done))

    async def set_backfill_progress_message(self, guild_id: int, channel_id: int, message_id: int) -> None:
        await self._write(lambda c: _backfill.set_progress_message(c, guild_id, channel_id, message_id))

    async def end_backfill(self, guild_id: int) -> bool:
        return await self._write(lambda c: _backfill.end(c, guild_id))

    async def get_backfill_days(self, guild_id: int) -> int | None:
        row = await self._fetchone(_backfill.MAX_DAYS_SQL, (guild_id,))
        return None if row is None else int(row[0])

    async def set_backfill_days(self, guild_id: int, days: int) -> None:
        if days < 1:
            raise ValueError(f"a back-fill reaches back at least one day, got {days}")
        await self._write(lambda c: _backfill.set_max_days(c, guild_id, days))

    # -- /trends: per-day term counts (migration 0012, bot/storage/_trends.py) -------------------------------
    async def trends_enabled(self, guild_id: int) -> bool:
        async with self._reading() as db:
            return await _trends.enabled(db, guild_id)

    async def set_trends_enabled(self, guild_id: int, enabled: bool) -> int:
        return await self._write(lambda c: _trends.set_enabled(c, guild_id, enabled))

    async def term_counts(
        self, guild_id: int, start_day: int, mid_day: int, end_day: int, min_count: int
    ) -> tuple[int, int, list[TermCount]]:
        async with self._reading(snapshot=True) as db:
            return await _trends.term_counts(db, guild_id, start_day, mid_day, end_day, min_count)

    # -- the weekly digest's schedule (migration 0014, bot/storage/_digest.py) -------------------------------
    async def get_digest_schedule(self, guild_id: int) -> DigestSchedule | None:
        row = await self._fetchone(_digest.GET_SQL, (guild_id,))
        return None if row is None else _digest.schedule_from_row(row)

    async def set_digest_schedule(
        self, guild_id: int, channel_id: int, weekday: int, hour: int, slot: int
    ) -> DigestSchedule:
        if not (0 <= weekday <= 6 and 0 <= hour <= 23):
            raise ValueError(f"weekday must be 0..6 and hour 0..23, got {weekday}, {hour}")
        return await self._write(lambda c: _digest.set_schedule(c, guild_id, channel_id, weekday, hour, slot))

    async def delete_digest_schedule(self, guild_id: int) -> bool:
        return await self._write(lambda c: _digest.delete(c, guild_id))

    async def due_digests(self, now: float, limit: int) -> list[DigestSchedule]:
        rows = await self._fetchall(_digest.DUE_SQL, (now, limit))
        return [_digest.schedule_from_row(r) for r in rows]

    async def next_digest_at(self) -> float | None:
        row = await self._fetchone(_digest.NEXT_SQL)
        return None if row is None or row[0] is None else float(row[0])

    async def claim_digest(
        self, guild_id: int, expected: int, slot: int, channel_id: int, at: int, *, lease: float
    ) -> bool:
        return await self._write(lambda c: _digest.claim(c, guild_id, expected, slot, channel_id, at, lease))

    async def finish_digest(self, guild_id: int, slot: int, message_id: int | None, next_slot: int) -> bool:
        return await self._write(lambda c: _digest.finish(c, guild_id, slot, message_id, next_slot))

    async def postpone_digest(
        self,
        guild_id: int,
        slot: int,
        next_at: float,
        *,
        attempted_at: int | None,
        channel_id: int | None,
        warned: bool,
    ) -> None:
        await self._write(
            lambda c: _digest.postpone(c, guild_id, slot, next_at, attempted_at, channel_id, warned)
        )

    async def skip_digest(self, guild_id: int, slot: int, next_slot: int) -> bool:
        return await self._write(lambda c: _digest.skip(c, guild_id, slot, next_slot))

    # -- issue 15: local time (bot/core/local_time.py) -------------------------------------------------------
    async def local_buckets(
        self, guild_id: int, channel_id: int | None, segments: Sequence[tuple[int, int, int]], unit: str
    ) -> list[tuple[int, int, int, int, int, int]]:
        key = _LOCAL_KEYS[unit]  # KeyError: not a unit
        if not segments:
            return []
        # the busiest hour and the heatmap need the message counts only: a narrower scan
        columns = _LOCAL_COLUMNS if unit in ("day", "utc_hour") else _LOCAL_COLUMNS[:1]
        vec = ", ".join(columns)
        parts: list[str] = []
        params: list[int] = []

        def add(table: str, column: str, k: str, lo: int, hi: int) -> None:
            """The rows of ``{table}_{column}`` in [lo, hi): the server's, or a channel's and its threads'."""
            if channel_id is None:
                parts.append(
                    f"SELECT {k} AS k, {vec} FROM guild_{table} WHERE guild_id = ?"
                    f" AND {column} >= ? AND {column} < ?"
                )
                params.extend((guild_id, lo, hi))
                return
            parts.append(
                f"SELECT {k} AS k, {vec} FROM channel_{table} WHERE guild_id = ? AND channel_id = ?"
                f" AND {column} >= ? AND {column} < ?"
            )
            parts.append(
                f"SELECT {k} AS k, {vec} FROM thread_{table} WHERE guild_id = ? AND parent_id = ?"
                f" AND {column} >= ? AND {column} < ?"
            )
            params.extend((guild_id, channel_id, lo, hi) * 2)

        for lo, hi, offset in segments:
            if unit == "day" and offset % DAY == 0:
                # local days are whole UTC days (UTC itself): the day roll-ups serve the whole days
                days, edges = _split(lo, hi)
                if days is not None:
                    add("day", "day", f"(day + {int(offset)}) / 86400", *days)
                for a, b in edges:
                    add("hour", "hour", key.format(off=int(offset)), a, b)
            else:
                add("hour", "hour", key.format(off=int(offset)), lo, hi)
        sums = ", ".join([f"sum({c})" for c in columns] + ["0"] * (len(_LOCAL_COLUMNS) - len(columns)))
        union = " UNION ALL ".join(parts)
        sql = f"SELECT k, {sums} FROM ({union}) GROUP BY k HAVING sum(messages) > 0 ORDER BY k"
        rows = await self._fetchall(sql, params)
        return [(int(r[0]), int(r[1]), int(r[2]), int(r[3]), int(r[4]), int(r[5])) for r in rows]

    async def member_active_local_days(
        self, guild_id: int, author_id: int, segments: Sequence[tuple[int, int, int]]
    ) -> int:
        if not segments:
            return 0
        parts: list[str] = []
        params: list[int] = []
        for lo, hi, offset in segments:
            parts.append(
                f"SELECT (hour + {int(offset)}) / 86400 AS d FROM presence"
                " WHERE guild_id = ? AND author_id = ? AND scope_id = 0 AND hour >= ? AND hour < ?"
            )
            params += [guild_id, author_id, lo, hi]
        row = await self._fetchone(f"SELECT count(DISTINCT d) FROM ({' UNION ALL '.join(parts)})", params)
        return int(row[0])

    async def flags_by_day_topic(
        self, guild_id: int, segments: Sequence[tuple[int, int, int]]
    ) -> list[tuple[int, str, int]]:
        if not segments:
            return []
        parts: list[str] = []
        params: list[Any] = []
        for lo, hi, offset in segments:
            parts.append(
                f"SELECT (created_at + {int(offset)}) / 86400 AS d, topic FROM flags WHERE guild_id = ?"
                " AND created_at >= ? AND created_at < ? AND kind = ? AND topic IS NOT NULL"
            )
            params += [guild_id, lo, hi, FlagKind.NEGATIVE.value]
        union = " UNION ALL ".join(parts)
        sql = f"SELECT d, topic, count(*) FROM ({union}) GROUP BY d, topic ORDER BY d, topic"
        rows = await self._fetchall(sql, params)
        return [(int(d), str(topic), int(n)) for d, topic, n in rows]

    # -- what works: /top posts, /top announcements (migration 0011, bot/storage/_top.py) --------------------
    async def top_posts(
        self,
        guild_id: int,
        channel_id: int | None,
        start: int | None,
        end: int,
        by: str,
        limit: int,
        offset: int = 0,
    ) -> list[TopRow]:
        sql = _top.top_sql(RankBy(by), channel=channel_id is not None)
        params = {
            "g": guild_id,
            "c": channel_id,
            "lo": _MIN_TIME if start is None else start,
            "hi": end,
            "limit": limit,
            "offset": offset,
        }
        return [_top.top_from(r) for r in await self._fetchall(sql, params)]

    async def announcement_posts(
        self,
        guild_id: int,
        channel_id: int,
        author_ids: Collection[int],
        start: int | None,
        end: int,
        limit: int,
    ) -> list[AnnouncementRow]:
        params = {
            "g": guild_id,
            "c": channel_id,
            "lo": _MIN_TIME if start is None else start,
            "hi": end,
            "staff": json.dumps(sorted(int(a) for a in author_ids)),
            "limit": limit,
            "lo_min": _MIN_TIME,
        }
        return [_top.announcement_from(r) for r in await self._fetchall(_top.ANNOUNCEMENTS_SQL, params)]

    async def post_authors(
        self, guild_id: int, channel_id: int, start: int | None, end: int, limit: int
    ) -> list[int]:
        lo = _MIN_TIME if start is None else start
        params = {"g": guild_id, "c": channel_id, "lo": lo, "hi": end, "limit": limit}
        return [int(r[0]) for r in await self._fetchall(_top.AUTHORS_SQL, params)]

    # -- campaigns (migration 0013, bot/storage/_campaigns.py) ----------------------------------------------
    async def add_campaign(
        self, guild_id: int, name: str, keywords: Sequence[str], starts_at: int, ends_at: int | None
    ) -> Campaign:
        now = self._now()
        return await self._write(
            lambda c: _campaigns.add(c, guild_id, name, tuple(keywords), starts_at, ends_at, now)
        )

    async def remove_campaign(self, guild_id: int, name: str) -> bool:
        return await self._write(lambda c: _campaigns.remove(c, guild_id, name))

    async def end_campaign(self, guild_id: int, name: str, ends_at: int) -> Campaign | None:
        return await self._write(lambda c: _campaigns.end(c, guild_id, name, ends_at))

    async def list_campaigns(self, guild_id: int) -> list[Campaign]:
        return [
            _campaigns.campaign_from_row(r) for r in await self._fetchall(_campaigns.LIST_SQL, (guild_id,))
        ]

    async def get_campaign(self, guild_id: int, name: str) -> Campaign | None:
        row = await self._fetchone(_campaigns.GET_SQL, (guild_id, name))
        return None if row is None else _campaigns.campaign_from_row(row)

    async def campaign_hours(
        self, guild_id: int, campaign_id: int, start: int, end: int
    ) -> list[CampaignHour]:
        rows = await self._fetchall(_campaigns.HOURS_SQL, (guild_id, campaign_id, start, end))
        return [_campaigns.hour_from_row(r) for r in rows]

    async def campaign_members(
        self, guild_id: int, campaign_id: int, start: int, end: int
    ) -> tuple[list[tuple[int, int]], int]:
        params = (campaign_id, guild_id, start, end)
        async with self._reading(snapshot=True) as db:
            pairs = [(int(h), int(a)) for h, a in await db.execute_fetchall(_campaigns.MEMBERS_SQL, params)]
            row = await _first(db, _campaigns.UNIQUE_SQL, params)
        return pairs, int(row[0])

    async def activity_hours(self, guild_id: int, start: int, end: int) -> list[ActivityHour]:
        rows = await self._fetchall(_campaigns.ACTIVITY_SQL, (guild_id, start, end))
        return [_campaigns.activity_from_row(r) for r in rows]


def normalize_word(word: str) -> str:
    """Lexicon words are stored lower-cased and trimmed (scoring looks words up lower-cased)."""
    return word.strip().lower()


async def _first(db: aiosqlite.Connection, sql: str, params: Any) -> Any:
    """The row of a statement that returns at most one (an aggregate, ``LIMIT 1`` or a unique key), or None.
    ``execute_fetchall``: one thread hop, where ``execute`` + ``fetchone`` + closing the cursor take three."""
    rows = await db.execute_fetchall(sql, params)
    return next(iter(rows), None)


# Reads that the writer also makes (inside its own transactions, through the sync helpers below).
_FLAG_SQL = f"SELECT {FLAG_COLUMNS} FROM flags WHERE guild_id = ? AND id = ?"
_OPEN_FLAG_SQL = f"SELECT {FLAG_COLUMNS} FROM flags WHERE guild_id = ? AND message_id = ? AND status = 'open'"
_CONFIG_SQL = (
    "SELECT threshold, review_channel_id, language, spam_action, spam_timeout_minutes, sensitivity, timezone"
    " FROM guild_config WHERE guild_id = ?"
)
_EXEMPT_CHANNELS_SQL = "SELECT channel_id FROM exempt_channels WHERE guild_id = ?"
_EXEMPT_ROLES_SQL = "SELECT role_id FROM exempt_roles WHERE guild_id = ?"
_LEARNED_SQL = "SELECT weights, cap, decisions, spam_floor FROM learned_adjustments WHERE guild_id = ?"


def _in_one_transaction(conn: sqlite3.Connection, statements: Sequence[tuple[str, Sequence[Any]]]) -> None:
    """Run ``statements`` (sql, parameters) in one immediate transaction: all of them or none."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for sql, params in statements:
            conn.execute(sql, params)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


_FORGET_LEARNED_SQL = "DELETE FROM learned_adjustments WHERE guild_id = ?"
_FORGET_WORDS_SQL = (  # the same as migration 0004's learning_forget_words trigger
    "UPDATE learning_examples SET features = (SELECT json_group_object(key, value)"
    " FROM json_each(learning_examples.features) WHERE key NOT LIKE 'h:%')"
    " WHERE guild_id = ? AND flag_id = ?"
    " AND EXISTS (SELECT 1 FROM flags WHERE guild_id = ? AND id = ? AND text IS NULL)"
)


def _get_flag(conn: sqlite3.Connection, guild_id: int, flag_id: int) -> Flag | None:
    row = conn.execute(_FLAG_SQL, (guild_id, flag_id)).fetchone()
    return None if row is None else flag_from_row(row)


def _open_flag(conn: sqlite3.Connection, guild_id: int, message_id: int) -> Flag | None:
    row = conn.execute(_OPEN_FLAG_SQL, (guild_id, message_id)).fetchone()
    return None if row is None else flag_from_row(row)


def _get_config(conn: sqlite3.Connection, guild_id: int) -> GuildConfig:
    row = conn.execute(_CONFIG_SQL, (guild_id,)).fetchone()
    channels = conn.execute(_EXEMPT_CHANNELS_SQL, (guild_id,)).fetchall()
    roles = conn.execute(_EXEMPT_ROLES_SQL, (guild_id,)).fetchall()
    learned = conn.execute(_LEARNED_SQL, (guild_id,)).fetchone()
    return _config_from(guild_id, row, channels, roles, learned)


def _learned_from(row: Sequence[Any] | None) -> LearnedAdjustment | None:
    if row is None:
        return None
    weights, cap, decisions, spam_floor = row
    return LearnedAdjustment(
        weights=tuple(sorted((str(k), float(v)) for k, v in json.loads(weights).items())),
        cap=float(cap),
        decisions=int(decisions),
        spam_floor=float(spam_floor),
    )


def _config_from(
    guild_id: int,
    row: Sequence[Any] | None,
    channel_rows: Iterable[Any],
    role_rows: Iterable[Any],
    learned_row: Sequence[Any] | None = None,
) -> GuildConfig:
    channels = frozenset(int(r[0]) for r in channel_rows)
    roles = frozenset(int(r[0]) for r in role_rows)
    learned = _learned_from(learned_row)
    if row is None:
        return GuildConfig(
            guild_id=guild_id,
            threshold=default_threshold(),
            exempt_channels=channels,
            exempt_roles=roles,
            learned=learned,
        )
    threshold, review_channel_id, language, spam_action, timeout, sensitivity, timezone = row
    return GuildConfig(
        guild_id=guild_id,
        threshold=default_threshold() if threshold is None else float(threshold),
        review_channel_id=review_channel_id,
        exempt_channels=channels,
        exempt_roles=roles,
        language=language,
        spam_action=spam_action,
        spam_timeout_minutes=int(timeout),
        sensitivity=sensitivity or DEFAULT_SENSITIVITY,
        learned=learned,
        timezone=timezone or DEFAULT_TIMEZONE,
    )


class SQLiteStorage(SQLStorage):
    """The SQLite back end: ``SQLStorage`` over a WAL file (see the module's docstring)."""

    """Implements ``bot.storage.base.Storage`` (every part of it)."""

    def __init__(
        self,
        writer: ConnectionThread,
        reader: ReaderConnection,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(clock=clock)
        self._writer = writer
        self._reader = reader
        # _read_lock: one read method at a time on the reader: a read transaction (``_reading(snapshot=
        # True)``) spans several awaits, and another method's statement in between would see its older
        # snapshot (a read that follows a write must see it) or start a second transaction.

    # -- life cycle ------------------------------------------------------------------------------------------
    @classmethod
    @asynccontextmanager
    async def open(
        cls, path: str | Path, *, clock: Callable[[], float] = time.time
    ) -> AsyncIterator[SQLiteStorage]:
        storage = await cls.connect(path, clock=clock)
        try:
            yield storage
        finally:
            await storage.close()

    @classmethod
    async def connect(
        cls, path: str | Path, *, clock: Callable[[], float] = time.time, cache_kib: int = CACHE_KIB
    ) -> SQLiteStorage:
        """Open (creating if needed) and migrate the database; prefer ``open`` which also closes it.
        ``cache_kib``: each connection's page cache (``analyze``'s writer process keeps a smaller one).

        A database that cannot be opened or written raises ``StartupError``, with no connection or thread
        left behind."""
        path = Path(path)
        writer: ConnectionThread | None = None
        reader: ReaderConnection | None = None
        version = 0

        def setup_writer(conn: sqlite3.Connection) -> None:
            nonlocal version
            _connect_pragmas(conn, reader=False, cache_kib=cache_kib)
            version = migrate(conn)

        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            writer = await ConnectionThread.open(path, name="sentimeter-db-writer", setup=setup_writer)
            # only once the writer has opened and migrated the file (a refused path fails there, before any
            # aiosqlite thread exists)
            reader = await ReaderConnection.open(
                path, setup=lambda c: _connect_pragmas(c, reader=True, cache_kib=cache_kib)
            )
        except BaseException as exc:
            if reader is not None:  # pragma: no cover - nothing can fail after the reader's open
                await reader.close()
            if writer is not None:
                await writer.close()
            if isinstance(exc, OSError | sqlite3.Error):
                raise StartupError(f"Cannot write the database at {path}: {exc}") from exc
            raise
        log.info("Database %s ready (schema version %d)", path, version)
        return cls(writer, reader, clock=clock)

    async def close(self) -> None:
        if self._writer.closed:
            return
        async with self._read_lock:  # after the read in progress, if any
            await self._reader.close()
        try:
            await self._writer.run(lambda c: c.execute("PRAGMA optimize"))
        finally:
            await self._writer.close()

    @asynccontextmanager
    async def _reading(self, *, snapshot: bool = False) -> AsyncIterator[aiosqlite.Connection]:
        """The reader, for one read method (see ``_read_lock``). ``snapshot``: inside one read transaction,
        so that several statements see the same committed state (WAL: a transaction's snapshot starts at its
        first read); else each statement is its own transaction (autocommit)."""
        async with self._read_lock:
            if self._reader.closed:
                raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
            db = self._reader.conn
            if not snapshot:
                yield db
                return
            await db.execute("BEGIN")
            try:
                yield db
            except BaseException:
                if db.in_transaction:
                    await db.execute("ROLLBACK")
                raise
            await db.execute("COMMIT")

    async def _fetchall(self, sql: str, params: Any = ()) -> list[Any]:
        async with self._reading() as db:
            return list(await db.execute_fetchall(sql, params))

    async def _fetchone(self, sql: str, params: Any = ()) -> Any:
        async with self._reading() as db:
            return await _first(db, sql, params)

    async def _write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        return await self._writer.run(fn)


if TYPE_CHECKING:

    def _implements_storage(storage: SQLiteStorage) -> Storage:  # mypy: every part of the protocol
        return storage
