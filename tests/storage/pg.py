"""Fresh PostgreSQL databases for the storage tests.

The server: tests/conftest.py's ``postgres_server`` (testing/postgres.py). One template database is migrated
per session; each test gets a copy (CREATE DATABASE ... TEMPLATE: faster than migrating) and drops it.
"""

from __future__ import annotations

import asyncio
import os
import re
import threading
import uuid
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

_TEMPLATE = f"sentimeter_tpl_{os.getpid()}"
_state: dict[str, str] = {}


def _with_db(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _admin_url(request: pytest.FixtureRequest) -> str:
    """The test server's maintenance database (tests/conftest.py's ``postgres_server``)."""
    return str(request.getfixturevalue("postgres_server").url)


def _run(make: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run ``make()`` to its end on a loop of its own (a thread: the caller may be inside a running loop)."""
    errors: list[BaseException] = []

    def main() -> None:
        try:
            asyncio.run(make())
        except BaseException as exc:  # re-raised below
            errors.append(exc)

    thread = threading.Thread(target=main)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


async def _admin(url: str, *statements: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        for sql in statements:
            await conn.execute(sql)
    finally:
        await conn.close()


def _template(admin: str) -> str:
    if "template" not in _state:
        from bot.storage.postgres.storage import PostgresStorage

        async def make() -> None:
            await _admin(admin, f'DROP DATABASE IF EXISTS "{_TEMPLATE}"', f'CREATE DATABASE "{_TEMPLATE}"')
            async with PostgresStorage.open(_with_db(admin, _TEMPLATE), clock=lambda: 1_700_000_000):
                pass

        _run(make)
        _state["template"] = _TEMPLATE
    return _state["template"]


@contextmanager
def fresh_database(request: pytest.FixtureRequest) -> Iterator[str]:
    admin = _admin_url(request)
    template = _template(admin)
    name = f"sentimeter_t_{uuid.uuid4().hex[:12]}"
    _run(lambda: _admin(admin, f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield _with_db(admin, name)
    finally:
        _run(lambda: _admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


class SyncPg:
    """A sync connection to a test's PostgreSQL database with sqlite3's ``execute``/``fetchone``/``fetchall``
    (the shared dialect), for tests that check raw rows; SQLite's catalogue reads (``sqlite_master``,
    ``PRAGMA table_info``) are answered from PostgreSQL's. Its own thread and loop: callable from a test
    that is inside a running loop."""

    def __init__(self, url: str) -> None:
        from bot.storage.postgres.driver import PgConnection

        self._executor = ThreadPoolExecutor(max_workers=1)

        def start() -> PgConnection:
            loop = asyncio.new_event_loop()
            return PgConnection(loop, loop.run_until_complete(asyncpg.connect(url)))

        self._conn = self._executor.submit(start).result()
        self.row_factory: object = None  # sqlite3.Row: rows by column name too (asyncpg's records)

    def execute(self, sql: str, params: Any = ()) -> Any:
        table = _TABLE_INFO.match(sql)
        if table:
            sql = (
                "SELECT ordinal_position - 1, column_name, data_type FROM information_schema.columns"
                f" WHERE table_schema = current_schema() AND table_name = '{table.group(1)}'"
                " ORDER BY ordinal_position"
            )
        elif sql.startswith("SELECT name FROM sqlite_master"):
            sql = (
                "SELECT c.relname FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace"
                " AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> 'schema_version'"
                " ORDER BY c.relname"
            )
        if self.row_factory is not None:
            return self._executor.submit(self._records, sql, params).result()
        return self._executor.submit(self._conn.execute, sql, params).result()

    def _records(self, sql: str, params: Any) -> list[Any]:
        from bot.storage.postgres.dialect import arguments, translate

        t = translate(sql)
        return list(self._conn.run(self._conn.raw.fetch(t.sql, *arguments(t, params))))

    def executemany(self, sql: str, params: Any) -> Any:
        return self._executor.submit(self._conn.executemany, sql, list(params)).result()

    def commit(self) -> None:
        pass

    def close(self) -> None:
        if self._executor is not None:
            self._executor.submit(self._conn.close).result()
            self._executor.shutdown(wait=True)
            self._executor = None  # type: ignore[assignment]

    def __enter__(self) -> SyncPg:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


_TABLE_INFO = re.compile(r"""^PRAGMA table_info\(["']?(\w+)["']?\)$""")
