"""PostgreSQL implementation of the Storage protocol: ``SQLStorage`` (bot/storage/sqlite.py) over the asyncpg
driver of bot/storage/postgres/driver.py: one writer connection on a thread of its own (the write functions
are shared with SQLite), readers from a pool. Its own numbered migrations (postgres/migrations), applied
under an advisory lock so that several processes starting at once migrate once.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from bot.core.errors import StartupError
from bot.storage.errors import StorageUnavailable
from bot.storage.models import FlagChange, SweepResult, WriteOp
from bot.storage.postgres.driver import PgConnection, PgReader, PgWriter, pool_fetch
from bot.storage.postgres.partitions import analyse_current, ensure_partitions
from bot.storage.sqlite import SQLStorage
from bot.storage.sqlite import migration_scripts as sqlite_migration_scripts

log = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_POOL_SIZE = 10
MIGRATION_LOCK_KEY = 0x53454E544D494752  # "SENTMIGR"
ANALYSE_TIMES = 10
_CONNECT_TIMEOUT = 10.0


def redact(url: str) -> str:
    """``url`` without its password (for messages and logs)."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        netloc = parts.netloc.rsplit("@", 1)
        user = netloc[0].split(":", 1)[0]
        return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))
    except ValueError:
        return re.sub(r"//([^:/@]*):[^@]*@", r"//\1:***@", url)


def migration_scripts() -> list[tuple[int, str, str]]:
    """(version, file name, SQL) for every PostgreSQL migration, in order."""
    return sqlite_migration_scripts("bot.storage.postgres")


def migrate(conn: PgConnection) -> int:
    """Apply the pending migrations in one transaction under an advisory lock; returns the schema version."""
    scripts = migration_scripts()
    latest = scripts[-1][0]
    conn.execute("BEGIN")
    try:
        conn.execute(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
        conn.executescript("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
        current = 0 if row is None or row[0] is None else int(row[0])
        if current > latest:
            raise StartupError(
                f"The database schema (version {current}) is newer than this Sentimeter ({latest})"
            )
        for version, name, sql in scripts:
            if version <= current:
                continue
            log.info("Applying PostgreSQL migration %s", name)
            conn.executescript(sql)
            conn.execute("DELETE FROM schema_version")
            conn.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
            current = version
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return current


class PostgresStorage(SQLStorage):
    """Implements ``bot.storage.base.Storage`` on PostgreSQL."""

    def __init__(
        self, writer: PgWriter, pool: asyncpg.Pool, *, clock: Callable[[], float] = time.time
    ) -> None:
        super().__init__(clock=clock)
        self._writer = writer
        self._pool = pool
        self._since_analyse = 0  # writes since the last ANALYZE of the tables the write path reads
        self._analyses = 0

    @classmethod
    @asynccontextmanager
    async def open(
        cls, url: str, *, clock: Callable[[], float] = time.time, pool_size: int = DEFAULT_POOL_SIZE
    ) -> AsyncIterator[PostgresStorage]:
        storage = await cls.connect(url, clock=clock, pool_size=pool_size)
        try:
            yield storage
        finally:
            await storage.close()

    @classmethod
    async def connect(
        cls, url: str, *, clock: Callable[[], float] = time.time, pool_size: int = DEFAULT_POOL_SIZE
    ) -> PostgresStorage:
        """Connect, migrate and make the partitions around now. An unreachable server or a bad URL raises
        ``StartupError`` (one line, without the password), with no connection or thread left behind."""
        where = redact(url)
        version = 0

        def setup(conn: PgConnection) -> None:
            nonlocal version
            version = migrate(conn)
            ensure_partitions(conn, clock())

        writer: PgWriter | None = None
        pool: asyncpg.Pool | None = None
        try:
            writer = await PgWriter.open(lambda: asyncpg.connect(url, timeout=_CONNECT_TIMEOUT), setup=setup)
            pool = await asyncpg.create_pool(
                url, min_size=1, max_size=max(1, pool_size), timeout=_CONNECT_TIMEOUT
            )
        except BaseException as exc:
            if writer is not None:
                await writer.close()
            if isinstance(exc, StartupError):
                raise
            if isinstance(exc, OSError | asyncpg.PostgresError | asyncpg.InterfaceError | StorageUnavailable):
                raise StartupError(
                    f"Cannot use the PostgreSQL database {where}: {_describe(exc, url)}"
                ) from None
            if isinstance(exc, ValueError | TimeoutError):
                raise StartupError(
                    f"Cannot use the PostgreSQL database {where}: {_describe(exc, url)}"
                ) from None
            raise
        log.info("Database %s ready (PostgreSQL schema version %d)", where, version)
        return cls(writer, pool, clock=clock)

    async def close(self) -> None:
        if self._writer.closed:
            return
        try:
            await self._pool.close()
        finally:
            await self._writer.close()

    @asynccontextmanager
    async def _reading(self, *, snapshot: bool = False) -> AsyncIterator[Any]:
        """A pooled connection for one read method; ``snapshot``: inside one REPEATABLE READ read-only
        transaction, so that several statements see the same committed state."""
        if self._writer.closed:
            raise StorageUnavailable("Cannot operate on a closed database.")
        async with self._pool.acquire() as conn:
            if not snapshot:
                yield PgReader(conn)
                return
            async with conn.transaction(isolation="repeatable_read", readonly=True):
                yield PgReader(conn)

    async def _fetchall(self, sql: str, params: Any = ()) -> list[Any]:
        if self._writer.closed:
            raise StorageUnavailable("Cannot operate on a closed database.")
        return await pool_fetch(self._pool, sql, params)

    async def _fetchone(self, sql: str, params: Any = ()) -> Any:
        rows = await self._fetchall(sql, params)
        return rows[0] if rows else None

    async def _write(self, fn: Callable[[Any], T]) -> T:
        return await self._writer.run(cast(Callable[[PgConnection], T], fn))

    async def apply(self, ops: Sequence[WriteOp]) -> list[FlagChange]:
        changes = await super().apply(ops)
        # Statistics for the new tables while they first grow: after 1,000 writes, then 2,000 more, 4,000...
        # (ten times in all, to about a million; autovacuum keeps them from there)
        self._since_analyse += len(ops)
        if self._analyses < ANALYSE_TIMES and self._since_analyse >= 1000 << self._analyses:
            self._since_analyse = 0
            self._analyses += 1
            now = self._now()
            await self._writer.run(lambda c: analyse_current(c, now))
        return changes

    async def sweep_retention(self, default_days: int) -> SweepResult:
        result = await super().sweep_retention(default_days)
        await self.ensure_partitions()  # daily: the months ahead always exist
        return result

    async def ensure_partitions(self) -> int:
        """Make the monthly partitions around now (idempotent); the daily retention sweep calls it."""
        now = self._now()
        return await self._writer.run(lambda c: ensure_partitions(c, now))


def _describe(exc: BaseException, url: str) -> str:
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    password = _password(url)
    if password:
        text = text.replace(password, "***")
    return text.splitlines()[0] if text else text


def _password(url: str) -> str | None:
    try:
        return urlsplit(url).password
    except ValueError:
        return None
