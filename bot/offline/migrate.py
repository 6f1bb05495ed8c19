"""`sentimeter migrate --from SOURCE --to URL`: copy an installation into PostgreSQL, then verify the copy.

- The source (a SQLite file or a PostgreSQL URL) is only read, inside one read transaction: a consistent
  snapshot while the bot may keep running on it. Its tables are every table it has except the migration
  bookkeeping; a table the target lacks is an error.
- The target's schema is created (or brought up to date) by the storage itself (``PostgresStorage``); a target
  whose schema is newer than this Sentimeter is refused there.
- The copy is ONE target transaction: every copied table is emptied (``TRUNCATE``) and refilled with ``COPY``
  (asyncpg ``copy_records_to_table``) in chunks, the identity sequences are moved past the copied ids (and
  past ids SQLite handed out and deleted since, so an old review button never names a new flag), then it is
  verified -- row counts per table, and per server the sums of messages and compound_e4 in guild_day and
  channel_hour -- and committed only when everything matches. A failure anywhere leaves the target as it was.
- Re-running is safe: it replaces the previous copy with the source's current snapshot (nothing is ever
  duplicated). Run it while the bot still runs on SQLite, stop the bot, run it again for what arrived
  meanwhile, then start the bot on PostgreSQL. Once the bot has written to the target, the target no longer
  matches the last copy (recorded in ``migrate_runs``) and a re-run is refused instead of replacing that.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TextIO

from bot.core.errors import SentimeterError, StartupError
from bot.storage.open import describe as redact
from bot.storage.open import is_postgres
from bot.storage.postgres.dialect import text as storable_text
from bot.storage.sqlite import migration_scripts

CHUNK_ROWS = 10_000
# Tables that are no installation's data: migration bookkeeping (both back ends) and this command's record.
BOOKKEEPING = frozenset({"schema_version", "migrate_runs"})
RUNS_TABLE = "migrate_runs"
# The roll-up totals compared per server after the copy (same SQL on both back ends).
ROLLUP_TOTALS = ("guild_day", "channel_hour")


class MigrateError(SentimeterError):
    """A refused source or target, or a copy that does not match: one line, exit 1."""


@dataclass(frozen=True, slots=True)
class Verdict:
    tables: int
    rows: int
    problems: list[str] = field(default_factory=list)
    note: str = ""  # said after the problems, e.g. that nothing was committed

    @property
    def ok(self) -> bool:
        return not self.problems

    def line(self) -> str:
        if self.ok:
            return f"verified: {self.tables} tables, {self.rows:,} rows, roll-up totals equal per server"
        shown = "; ".join(self.problems[:5]) + (
            f"; {len(self.problems) - 5} more" if len(self.problems) > 5 else ""
        )
        return f"MISMATCH: {shown}" + (f"; {self.note}" if self.note else "")


class Source(Protocol):
    """One read snapshot of an installation."""

    name: str

    async def tables(self) -> list[str]: ...
    async def columns(self, table: str) -> list[str]: ...
    async def count(self, table: str) -> int: ...
    def rows(
        self, table: str, columns: Sequence[str], chunk: int
    ) -> AsyncIterator[list[tuple[Any, ...]]]: ...
    async def totals(self, table: str) -> dict[int, tuple[int, int]]: ...
    async def sequence_floor(self, table: str) -> int: ...
    async def plain_columns(self, table: str, pg_types: dict[str, str]) -> set[str]: ...
    async def key_range(self, table: str, key: str) -> tuple[int | None, int | None]: ...
    async def identity(self) -> str: ...
    async def schema_version(self) -> int: ...


def _totals_sql(table: str) -> str:
    return f"SELECT guild_id, sum(messages), sum(compound_e4) FROM {table} GROUP BY guild_id"


# -- SQLite source -------------------------------------------------------------------------------------------


class SqliteSource:
    """A SQLite file opened read-only, read in one transaction (WAL: a snapshot; the bot may keep writing)."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.name = str(path)
        self._path = path
        self._conn = conn

    @classmethod
    @asynccontextmanager
    async def open(cls, path: Path) -> AsyncIterator[SqliteSource]:
        conn = await asyncio.to_thread(_open_readonly, path)
        try:
            conn.isolation_level = None
            conn.execute("BEGIN")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot starts here
            yield cls(path, conn)
        except sqlite3.DatabaseError as exc:
            raise MigrateError(f"--from {path}: {exc}") from None
        finally:
            conn.close()

    async def _all(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        return await asyncio.to_thread(lambda: self._conn.execute(sql, args).fetchall())

    async def schema_version(self) -> int:
        return int((await self._all("PRAGMA user_version"))[0][0])

    async def tables(self) -> list[str]:
        rows = await self._all(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        return [name for (name,) in rows if name not in BOOKKEEPING]

    async def columns(self, table: str) -> list[str]:
        return [row[1] for row in await self._all(f'PRAGMA table_info("{table}")')]

    async def count(self, table: str) -> int:
        return int((await self._all(f'SELECT count(*) FROM "{table}"'))[0][0])

    async def rows(
        self, table: str, columns: Sequence[str], chunk: int
    ) -> AsyncIterator[list[tuple[Any, ...]]]:
        names = ", ".join(f'"{c}"' for c in columns)
        cursor = await asyncio.to_thread(self._conn.execute, f'SELECT {names} FROM "{table}"')
        try:
            while batch := await asyncio.to_thread(cursor.fetchmany, chunk):
                yield batch
        finally:
            cursor.close()

    async def totals(self, table: str) -> dict[int, tuple[int, int]]:
        return {int(g): (int(m or 0), int(c or 0)) for g, m, c in await self._all(_totals_sql(table))}

    async def plain_columns(self, table: str, pg_types: dict[str, str]) -> set[str]:
        """The columns whose every value already has the Python type the target column takes (one scan;
        the usual case): they are copied without a conversion per value."""
        wanted = {c: _SQLITE_CLASS[_ALREADY[t]] for c, t in pg_types.items() if t in _ALREADY}
        if not wanted:
            return set()
        names = list(wanted)
        # text with a NUL needs the conversion too (PostgreSQL's text cannot hold one)
        nul = {c: f""" OR instr("{c}", char(0)) > 0""" if wanted[c] == "text" else "" for c in names}
        checks = ", ".join(
            f"""count(*) FILTER (WHERE "{c}" IS NOT NULL AND (typeof("{c}") != '{wanted[c]}'{nul[c]}))"""
            for c in names
        )
        row = (await self._all(f'SELECT {checks} FROM "{table}"'))[0]
        return {c for c, odd in zip(names, row, strict=True) if odd == 0}

    async def key_range(self, table: str, key: str) -> tuple[int | None, int | None]:
        row = (await self._all(f'SELECT min("{key}"), max("{key}") FROM "{table}"'))[0]
        return row[0], row[1]

    async def sequence_floor(self, table: str) -> int:
        """The last id SQLite handed out for an AUTOINCREMENT table (deleted rows included), else 0."""
        if not await self._all("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'"):
            return 0
        rows = await self._all("SELECT seq FROM sqlite_sequence WHERE name = ?", table)
        return int(rows[0][0]) if rows else 0

    async def identity(self) -> str:
        return f"sqlite:{self._path.resolve()}"


def _open_readonly(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise MigrateError(f"--from {path}: no such database")
    try:
        return sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30, check_same_thread=False
        )
    except sqlite3.Error as exc:
        raise MigrateError(f"--from {path}: cannot open it ({exc})") from None


# -- PostgreSQL source (moving between servers) --------------------------------------------------------------


class PostgresSource:
    """A PostgreSQL database read in one REPEATABLE READ, READ ONLY transaction."""

    def __init__(self, url: str, conn: Any) -> None:
        self.name = redact(url)
        self._conn = conn

    @classmethod
    @asynccontextmanager
    async def open(cls, url: str) -> AsyncIterator[PostgresSource]:
        conn = await _connect(url, "--from")
        try:
            async with conn.transaction(isolation="repeatable_read", readonly=True):
                yield cls(url, conn)
        finally:
            await conn.close()

    async def schema_version(self) -> int:
        if await self._conn.fetchval("SELECT to_regclass('schema_version')") is None:
            return 0
        return int(await self._conn.fetchval("SELECT coalesce(max(version), 0) FROM schema_version"))

    async def tables(self) -> list[str]:
        rows = await self._conn.fetch(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
            " ORDER BY c.relname"
        )
        return [r[0] for r in rows if r[0] not in BOOKKEEPING]

    async def columns(self, table: str) -> list[str]:
        return [name for name, _ in await _pg_columns(self._conn, table)]

    async def count(self, table: str) -> int:
        return int(await self._conn.fetchval(f'SELECT count(*) FROM "{table}"'))

    async def rows(
        self, table: str, columns: Sequence[str], chunk: int
    ) -> AsyncIterator[list[tuple[Any, ...]]]:
        names = ", ".join(f'"{c}"' for c in columns)
        cursor = await self._conn.cursor(f'SELECT {names} FROM "{table}"')
        while batch := await cursor.fetch(chunk):
            yield [tuple(r) for r in batch]

    async def totals(self, table: str) -> dict[int, tuple[int, int]]:
        return {int(g): (int(m or 0), int(c or 0)) for g, m, c in await self._conn.fetch(_totals_sql(table))}

    async def plain_columns(self, table: str, pg_types: dict[str, str]) -> set[str]:
        return set(pg_types)  # the same types on both sides: asyncpg's values go back as they came

    async def key_range(self, table: str, key: str) -> tuple[int | None, int | None]:
        row = await self._conn.fetchrow(f'SELECT min("{key}"), max("{key}") FROM "{table}"')
        return row[0], row[1]

    async def sequence_floor(self, table: str) -> int:
        return 0  # PostgreSQL ids: the copied maximum is enough (sequences are not transactional anyway)

    async def identity(self) -> str:
        return await _pg_identity(self._conn)


# -- PostgreSQL helpers --------------------------------------------------------------------------------------


async def _connect(url: str, what: str) -> Any:
    import asyncpg

    try:
        return await asyncpg.connect(url, timeout=30)
    except (OSError, TimeoutError, ValueError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        raise MigrateError(f"{what} {redact(url)}: cannot connect ({exc or type(exc).__name__})") from None


async def _pg_columns(conn: Any, table: str) -> list[tuple[str, str]]:
    """(name, type) of a table's columns, in order; empty when there is no such table."""
    rows = await conn.fetch(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a"
        " JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = current_schema() AND c.relname = $1 AND a.attnum > 0 AND NOT a.attisdropped"
        " ORDER BY a.attnum",
        table,
    )
    return [(r[0], r[1]) for r in rows]


async def _pg_identity(conn: Any) -> str:
    """Which server and database this is (source equal to target is refused)."""
    row = await conn.fetchrow(
        "SELECT current_database(), pg_postmaster_start_time()::text, coalesce(inet_server_port(), 0),"
        " current_setting('cluster_name')"
    )
    return "postgres:" + "|".join(str(v) for v in row)


_ALREADY = {  # PostgreSQL column type -> the Python type of values that need no conversion for it
    "bigint": int,
    "integer": int,
    "smallint": int,
    "double precision": float,
    "real": float,
    "text": str,
}
_SQLITE_CLASS = {int: "integer", float: "real", str: "text"}  # SQLite's typeof() of those values


def _converter(pg_type: str) -> Callable[[Any], Any] | None:
    """SQLite's loose values as the PostgreSQL column's type wants them for binary COPY (None: as is)."""
    if pg_type == "boolean":
        return lambda v: None if v is None else bool(v)
    if pg_type in ("double precision", "real") or pg_type.startswith("numeric"):
        return lambda v: None if v is None else float(v)
    if pg_type in ("bigint", "integer", "smallint"):
        return lambda v: None if v is None else int(v)
    if pg_type == "text" or pg_type.startswith("character"):
        return lambda v: storable_text(v if v is None or isinstance(v, str) else str(v))
    if pg_type in ("jsonb", "json"):
        return lambda v: v if v is None or isinstance(v, str) else json.dumps(v)
    return None


def _convert_rows(
    rows: list[tuple[Any, ...]], converters: Sequence[Callable[[Any], Any] | None]
) -> list[tuple[Any, ...]]:
    if not any(converters):
        return rows
    pairs = list(enumerate(converters))
    return [tuple(v if f is None else f(v) for (_, f), v in zip(pairs, row, strict=True)) for row in rows]


# -- the command ---------------------------------------------------------------------------------------------


@asynccontextmanager
async def open_source(source: str) -> AsyncIterator[SqliteSource | PostgresSource]:
    if is_postgres(source):
        async with PostgresSource.open(source.strip()) as pg:
            yield pg
    else:
        async with SqliteSource.open(Path(source)) as lite:
            yield lite


async def _prepare_target(target: str) -> None:
    """Create or migrate the target's schema through the storage itself (a newer schema is refused there)."""
    from bot.storage.postgres.storage import PostgresStorage

    try:
        async with PostgresStorage.open(target):
            pass
    except StartupError as exc:
        raise MigrateError(f"--to {redact(target)}: {exc}") from None


async def migrate_database(
    source: str,
    target: str,
    *,
    progress: bool = True,
    out: TextIO = sys.stdout,
    chunk: int = CHUNK_ROWS,
    verify_only: bool = False,
) -> int:
    """`sentimeter migrate`; returns the exit code (0: copied and verified; 1: a mismatch)."""
    target = target.strip()
    if not is_postgres(target):
        raise MigrateError(f"--to must be a postgresql:// URL, got {target[:60]!r}")
    import asyncpg

    try:
        return await _migrate(
            source, target, progress=progress, out=out, chunk=chunk, verify_only=verify_only
        )
    except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise MigrateError(f"--to {redact(target)}: {reason}; nothing was committed") from None


async def _migrate(
    source: str, target: str, *, progress: bool, out: TextIO, chunk: int, verify_only: bool
) -> int:
    async with open_source(source) as src:  # refused sources before anything is written to the target
        conn = await _connect(target, "--to")
        try:
            if await src.identity() == await _pg_identity(conn):
                raise MigrateError("--from and --to are the same database")
            package = "bot.storage" if isinstance(src, SqliteSource) else "bot.storage.postgres"
            await _check_version(src, migration_scripts(package)[-1][0])
            if not verify_only:
                await _prepare_target(target)
            if verify_only:
                verdict = await verify(src, conn)
            else:
                verdict = await _copy(src, conn, chunk=chunk, progress=progress)
        finally:
            await conn.close()
    out.write(verdict.line() + "\n")
    out.flush()
    return 0 if verdict.ok else 1


async def _check_version(src: Source, latest: int) -> None:
    """The source's schema must be this Sentimeter's (``latest``: its back end's newest migration)."""
    version = await src.schema_version()
    if version != latest:
        newer = "newer than this Sentimeter's" if version > latest else "older than this Sentimeter's"
        hint = "upgrade Sentimeter" if version > latest else "start the bot on it once to upgrade it"
        raise MigrateError(f"--from {src.name}: schema version {version} is {newer} ({latest}); {hint} first")


async def _plan(src: Source, conn: Any) -> list[tuple[str, list[str], list[Callable[[Any], Any] | None]]]:
    """(table, columns, converters) per source table; every one must exist in the target with its columns."""
    plan = []
    for table in await src.tables():
        target_columns = dict(await _pg_columns(conn, table))
        if not target_columns:
            raise MigrateError(f"the target has no table {table!r} (the source has it): not copied")
        columns = await src.columns(table)
        missing = [c for c in columns if c not in target_columns]
        if missing:
            raise MigrateError(f"the target's table {table!r} has no column {', '.join(missing)}")
        types = {c: target_columns[c] for c in columns}
        plain = await src.plain_columns(table, types)
        plan.append((table, columns, [None if c in plain else _converter(types[c]) for c in columns]))
    return plan


async def _copy(src: Source, conn: Any, *, chunk: int, progress: bool) -> Verdict:
    plan = await _plan(src, conn)
    counts = {table: await src.count(table) for table, _, _ in plan}
    started = time.monotonic()
    try:
        verdict = await _copy_in_transaction(src, conn, plan, counts, chunk=chunk, progress=progress)
    except _Rollback as exc:
        return Verdict(exc.verdict.tables, exc.verdict.rows, exc.verdict.problems, "nothing was committed")
    seconds = time.monotonic() - started
    await conn.execute("ANALYZE")  # planner statistics now, not when autovacuum gets to the new rows
    rate = verdict.rows / seconds if seconds > 0 else 0.0
    print(f"copied {verdict.rows:,} rows in {seconds:.1f} s ({rate:,.0f} rows/s)", file=sys.stderr)
    return verdict


async def _copy_in_transaction(
    src: Source,
    conn: Any,
    plan: list[tuple[str, list[str], list[Callable[[Any], Any] | None]]],
    counts: dict[str, int],
    *,
    chunk: int,
    progress: bool,
) -> Verdict:
    from tqdm import tqdm

    async with conn.transaction():
        await _refuse_changed_target(conn, [t for t, _, _ in plan])
        if plan:
            await conn.execute("TRUNCATE " + ", ".join(f'"{t}"' for t, _, _ in plan))
        await _make_partitions(src, conn, [t for t, _, _ in plan])
        bar = tqdm(
            total=sum(counts.values()),
            unit=" rows",
            unit_scale=True,
            desc="migrate",
            file=sys.stderr,
            disable=not progress,
            leave=False,
            mininterval=0.5,
        )
        try:
            for table, columns, converters in plan:
                bar.set_postfix_str(table, refresh=False)
                async for rows in src.rows(table, columns, chunk):
                    records = _convert_rows(rows, converters)
                    await conn.copy_records_to_table(table, records=records, columns=columns)
                    bar.update(len(records))
                await _advance_sequences(conn, table, await src.sequence_floor(table))
        finally:
            bar.close()
        verdict = await verify(src, conn, counts=counts)
        if not verdict.ok:
            raise _Rollback(verdict)
        await _record_run(conn, src.name, counts)
    return verdict


async def _make_partitions(src: Source, conn: Any, tables: Sequence[str]) -> None:
    """The monthly partitions (bot/storage/postgres/partitions.py) of every month the source has rows in, so
    that old months do not all land in the DEFAULT partition (the copy's transaction emptied it first)."""
    from bot.storage.postgres.partitions import DISCORD_EPOCH_MS, PARTITIONED, bounds, month_start

    for table, (key, kind) in PARTITIONED.items():
        if table not in tables:
            continue
        low, high = await src.key_range(table, key)
        if low is None or high is None:
            continue
        if kind == "snowflake":  # the id's time, in unix seconds
            low, high = (((int(v) >> 22) + DISCORD_EPOCH_MS) // 1000 for v in (low, high))
        first = time.gmtime(max(int(low), 0))
        last = time.gmtime(max(int(high), 0))
        for index in range(first.tm_year * 12 + first.tm_mon - 1, last.tm_year * 12 + last.tm_mon):
            year, month = divmod(index, 12)
            after_year, after_month = divmod(index + 1, 12)
            part = f"{table}_p{year:04d}{month + 1:02d}"
            if await conn.fetchval("SELECT to_regclass($1)", part) is not None:
                continue
            lo, hi = bounds(kind, month_start(year, month + 1), month_start(after_year, after_month + 1))
            await conn.execute(
                f'CREATE TABLE "{part}" PARTITION OF "{table}" FOR VALUES FROM ({lo}) TO ({hi})'
            )


class _Rollback(Exception):
    def __init__(self, verdict: Verdict) -> None:
        super().__init__(verdict.line())
        self.verdict = verdict


async def _advance_sequences(conn: Any, table: str, floor: int) -> None:
    """Each identity/serial column's sequence past the largest copied id (and SQLite's last handed out)."""
    rows = await conn.fetch(
        "SELECT a.attname, pg_get_serial_sequence(quote_ident($1), a.attname) FROM pg_attribute a"
        " JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = current_schema() AND c.relname = $1 AND a.attnum > 0 AND NOT a.attisdropped",
        table,
    )
    for column, sequence in rows:
        if sequence is None:
            continue
        copied = await conn.fetchval(f'SELECT max("{column}") FROM "{table}"') or 0
        last = max(int(copied), floor)
        if last > 0:
            await conn.execute("SELECT setval($1, $2, true)", sequence, last)
        else:
            await conn.execute("SELECT setval($1, 1, false)", sequence)


async def _refuse_changed_target(conn: Any, tables: Sequence[str]) -> None:
    """A target holding data that is not exactly the last copy (the bot ran on it) is never replaced."""
    await conn.execute(
        f"CREATE TABLE IF NOT EXISTS {RUNS_TABLE} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
        " source text NOT NULL, finished_at double precision NOT NULL, row_counts text NOT NULL)"
    )
    await conn.execute(f"LOCK TABLE {RUNS_TABLE} IN EXCLUSIVE MODE")
    now = {t: int(await conn.fetchval(f'SELECT count(*) FROM "{t}"')) for t in tables}
    if not any(now.values()):
        return
    recorded = await conn.fetchval(f"SELECT row_counts FROM {RUNS_TABLE} ORDER BY id DESC LIMIT 1")
    last: dict[str, int] = json.loads(recorded) if recorded else {}
    changed = [t for t, n in now.items() if n and last.get(t) != n]
    if changed:
        shown = ", ".join(f"{t} ({now[t]:,} rows)" for t in changed[:3])
        why = "the bot has written to it since the last migrate" if last else "it was not filled by migrate"
        raise MigrateError(
            f"the target already holds data that a copy would replace: {shown}; {why}. Use an empty database"
        )


async def _record_run(conn: Any, source: str, counts: dict[str, int]) -> None:
    await conn.execute(
        f"INSERT INTO {RUNS_TABLE} (source, finished_at, row_counts) VALUES ($1, $2, $3)",
        source,
        time.time(),
        json.dumps(counts, sort_keys=True),
    )


async def verify(src: Source, conn: Any, *, counts: dict[str, int] | None = None) -> Verdict:
    """Row counts per table and per-server roll-up totals of the source snapshot against the target."""
    problems: list[str] = []
    tables = await src.tables()
    total = 0
    for table in tables:
        expected = counts[table] if counts is not None else await src.count(table)
        if not await _pg_columns(conn, table):
            problems.append(f"{table}: not in the target")
            continue
        got = int(await conn.fetchval(f'SELECT count(*) FROM "{table}"'))
        total += got
        if got != expected:
            problems.append(f"{table}: {got:,} rows in the target, {expected:,} in the source")
    for table in ROLLUP_TOTALS:
        if table not in tables:
            continue
        mine = await src.totals(table)
        theirs = {int(g): (int(m or 0), int(c or 0)) for g, m, c in await conn.fetch(_totals_sql(table))}
        for guild in sorted(set(mine) | set(theirs)):
            if mine.get(guild) != theirs.get(guild):
                problems.append(
                    f"{table} totals of server {guild}: (messages, compound_e4) {theirs.get(guild)} in the"
                    f" target, {mine.get(guild)} in the source"
                )
    return Verdict(tables=len(tables), rows=total, problems=problems)
