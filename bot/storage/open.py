"""Choosing the back end: ``open_storage(database)`` opens a PostgreSQL storage for a ``postgresql://`` or
``postgres://`` URL and a SQLite one for anything else (a file path), as ``SENTIMETER_DATABASE`` says."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from os import PathLike
from pathlib import Path

from bot.storage.sqlite import SQLStorage

DEFAULT_POOL_SIZE = 10
_URL_PREFIXES = ("postgresql://", "postgres://")


def is_postgres(database: str | PathLike[str]) -> bool:
    return isinstance(database, str) and database.strip().startswith(_URL_PREFIXES)


def describe(database: str | PathLike[str]) -> str:
    """The database for messages and logs: a URL without its password."""
    if is_postgres(database):
        from bot.storage.postgres.storage import redact

        return redact(str(database))
    return str(database)


@asynccontextmanager
async def open_storage(
    database: str | PathLike[str],
    *,
    clock: Callable[[], float] = time.time,
    pool_size: int = DEFAULT_POOL_SIZE,
) -> AsyncIterator[SQLStorage]:
    """The storage of ``database`` (see the module's docstring), closed on leaving. ``pool_size``: the
    PostgreSQL readers' connection pool (SQLite has one reader)."""
    if is_postgres(database):
        from bot.storage.postgres.storage import PostgresStorage  # asyncpg only when used

        async with PostgresStorage.open(str(database).strip(), clock=clock, pool_size=pool_size) as pg:
            yield pg
        return
    from bot.storage.sqlite import SQLiteStorage

    async with SQLiteStorage.open(Path(database), clock=clock) as lite:
        yield lite
