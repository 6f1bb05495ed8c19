"""asyncpg under the shape the shared SQL code expects (bot/storage/sqlite.py's SQLStorage).

- The writer (``PgWriter``): one thread of ours owning its own event loop and one asyncpg connection. Every
  write runs ``fn(connection)`` on that thread, one at a time, in call order, as SQLite's ``ConnectionThread``
  does; ``connection`` is a ``PgConnection``: the subset of ``sqlite3.Connection`` the write functions use
  (``execute`` -> a cursor with ``fetchone``/``fetchall``/iteration/``rowcount``/``lastrowid``,
  ``executemany``, ``in_transaction``; transactions by the SQL strings the code sends). ``dialect`` tells the
  few places that must branch.
- The readers: an ``asyncpg.Pool``; ``PgReader`` is one pooled connection with aiosqlite's
  ``execute_fetchall``.

Rows come back as tuples that look like SQLite's: ``sum(bigint)`` (numeric in PostgreSQL) as ``int``.
Connection, lock and disk problems raise ``StorageUnavailable`` (the write queue retries those).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any, TypeVar

import asyncpg

from bot.storage.errors import StorageUnavailable
from bot.storage.postgres.dialect import Translated, arguments, text_row, translate

T = TypeVar("T")

DIALECT = "postgresql"
_CONTROL = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|END|SAVEPOINT|RELEASE)\b", re.IGNORECASE)
# tables whose id the database hands out: an INSERT into them returns it (sqlite3's lastrowid)
_ID_INSERT = re.compile(r"^\s*INSERT\s+INTO\s+(flags|campaigns)\b(?![^;]*\bRETURNING\b)", re.IGNORECASE)
_COUNTED = re.compile(r"^\s*(UPDATE|DELETE)\b", re.IGNORECASE)
_MAX_STATEMENTS = 1024

# transient: the statement may succeed when tried again (connection lost, lock timeout, disk full...)
_TRANSIENT: tuple[type[BaseException], ...] = (
    OSError,
    asyncio.TimeoutError,
    asyncpg.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.InsufficientResourcesError,
    asyncpg.OperatorInterventionError,
    asyncpg.LockNotAvailableError,
    asyncpg.DeadlockDetectedError,
    asyncpg.SerializationError,
    asyncpg.CannotConnectNowError,
)


def unavailable(exc: BaseException) -> StorageUnavailable:
    return StorageUnavailable(f"PostgreSQL: {type(exc).__name__}: {exc}")


def _value(v: Any) -> Any:
    if type(v) is Decimal:
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def _row(record: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(_value(v) for v in record)


def rows_of(records: Iterable[Any]) -> list[tuple[Any, ...]]:
    return [_row(r) for r in records]


class PgCursor:
    """What ``sqlite3.Cursor`` offers the write functions."""

    def __init__(self, rows: list[tuple[Any, ...]], rowcount: int = -1, lastrowid: int | None = None) -> None:
        self._rows = rows
        self._next = 0
        self.rowcount = rowcount
        self.lastrowid = lastrowid

    def fetchone(self) -> tuple[Any, ...] | None:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchall(self) -> list[tuple[Any, ...]]:
        out, self._next = self._rows[self._next :], len(self._rows)
        return out

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        while (row := self.fetchone()) is not None:
            yield row


def _count(status: str | None) -> int:
    """'UPDATE 3' / 'DELETE 0' / 'INSERT 0 1' -> the row count (-1: none)."""
    if not status:
        return -1
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else -1


class PgConnection:
    """A sync facade over one asyncpg connection, used only on the writer's thread (which owns ``loop``)."""

    dialect = DIALECT

    def __init__(self, loop: asyncio.AbstractEventLoop, conn: asyncpg.Connection) -> None:
        self._loop = loop
        self.raw = conn
        self._statements: dict[str, Any] = {}

    def run(self, coro: Any) -> Any:
        try:
            return self._loop.run_until_complete(coro)
        except _TRANSIENT as exc:
            raise unavailable(exc) from exc

    @property
    def in_transaction(self) -> bool:
        return bool(self.raw.is_in_transaction())

    def _prepared(self, sql: str) -> Any:
        stmt = self._statements.get(sql)
        if stmt is None:
            if len(self._statements) >= _MAX_STATEMENTS:
                self._statements.clear()
            stmt = self.run(self.raw.prepare(sql))
            self._statements[sql] = stmt
        return stmt

    def reconnect(self, connect: Callable[[], Any]) -> None:
        """A new connection in place of a lost one (the server restarted, the network dropped)."""
        self._statements.clear()
        self.raw.terminate()
        self.raw = self.run(connect())

    def forget_statements(self) -> None:
        """After a schema change (e.g. a partition attached): prepared statements are prepared again."""
        self._statements.clear()

    def executescript(self, sql: str) -> None:
        self.run(self.raw.execute(sql))

    def execute(self, sql: str, params: Any = ()) -> PgCursor:
        t = translate(sql)
        if t.slots == 0 and _CONTROL.match(t.sql):
            self.run(self.raw.execute(t.sql))
            return PgCursor([])
        args = arguments(t, params)
        text = t.sql
        want_id = _ID_INSERT.match(text) is not None
        if want_id:
            text += " RETURNING id"
        stmt = self._prepared(text)
        rows = rows_of(self.run(stmt.fetch(*args)))
        lastrowid = int(rows[0][0]) if want_id and rows else None
        return PgCursor([] if want_id else rows, _count(stmt.get_statusmsg()), lastrowid)

    def executemany(self, sql: str, seq_of_params: Iterable[Any]) -> PgCursor:
        t: Translated = translate(sql)
        batch = [arguments(t, p) for p in seq_of_params]
        if not batch:
            return PgCursor([], 0)
        stmt = self._prepared(t.sql)
        self.run(stmt.executemany(batch))  # pipelined: one round trip for the whole batch
        # asyncpg's executemany returns no counts: an UPDATE's or DELETE's is unknown (-1), as sqlite3 says of
        # statements it cannot count; a caller that needs one sends one statement over arrays instead
        # (``_presence.add_to_rows``)
        return PgCursor([], -1 if _COUNTED.match(t.sql) else len(batch))

    def copy_rows(self, table: str, columns: Sequence[str], rows: list[Any]) -> None:
        """``COPY`` full-width ``rows`` into ``table`` (plain inserts: a duplicate key fails the batch)."""
        if rows:
            records = [text_row(row) for row in rows]
            self.run(self.raw.copy_records_to_table(table, records=records, columns=list(columns)))

    def close(self) -> None:
        try:
            self._loop.run_until_complete(self.raw.close(timeout=10))
        except Exception:
            self.raw.terminate()
        finally:
            self._loop.close()


class PgWriter:
    """The writer's thread and its ``PgConnection`` (see the module's docstring)."""

    def __init__(
        self, executor: ThreadPoolExecutor, conn: PgConnection, connect: Callable[[], Any] | None = None
    ) -> None:
        self._executor = executor
        self._conn: PgConnection | None = conn
        self._connect = connect

    @classmethod
    async def open(
        cls, connect: Callable[[], Any], *, setup: Callable[[PgConnection], object] = lambda _c: None
    ) -> PgWriter:
        """``connect()``: a coroutine making the asyncpg connection (run on the new thread's loop). On any
        failure the connection is closed and the thread is gone before the exception propagates."""
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sentimeter-pg-writer")

        def start() -> PgConnection:
            loop = asyncio.new_event_loop()
            try:
                raw = loop.run_until_complete(connect())
            except BaseException:
                loop.close()
                raise
            conn = PgConnection(loop, raw)
            try:
                setup(conn)
            except BaseException:
                conn.close()
                raise
            return conn

        try:
            conn = await asyncio.get_running_loop().run_in_executor(executor, start)
        except BaseException:
            executor.shutdown(wait=True)
            raise
        return cls(executor, conn, connect)

    @property
    def closed(self) -> bool:
        return self._conn is None

    async def run(self, fn: Callable[[PgConnection], T]) -> T:
        conn = self._conn
        if conn is None:
            raise StorageUnavailable("Cannot operate on a closed database.")
        connect = self._connect

        def call(c: PgConnection) -> T:
            if connect is not None and c.raw.is_closed():  # lost by an earlier call: this one reconnects
                c.reconnect(connect)
            return fn(c)

        return await asyncio.get_running_loop().run_in_executor(self._executor, call, conn)

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            await asyncio.get_running_loop().run_in_executor(self._executor, conn.close)
        finally:
            self._executor.shutdown(wait=True)


class PgReader:
    """One pooled connection with the reader API the shared read code uses (aiosqlite's
    ``execute_fetchall``)."""

    dialect = DIALECT

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.raw = conn

    async def execute_fetchall(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
        t = translate(sql)
        try:
            return rows_of(await self.raw.fetch(t.sql, *arguments(t, params)))
        except _TRANSIENT as exc:
            raise unavailable(exc) from exc


async def pool_fetch(pool: asyncpg.Pool, sql: str, params: Sequence[Any] | Any) -> list[tuple[Any, ...]]:
    t = translate(sql)
    try:
        return rows_of(await pool.fetch(t.sql, *arguments(t, params)))
    except _TRANSIENT as exc:
        raise unavailable(exc) from exc
