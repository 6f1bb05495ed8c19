"""Fixtures for the storage tests: ``storage`` is a real SQLite file in tmp_path, and a fresh database on a
real PostgreSQL server (tests/storage/pg.py): every test that uses it runs on both back ends."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.storage.models import MessageCreated, MessageRecord
from bot.storage.sqlite import SQLiteStorage, SQLStorage
from tests.storage.pg import SyncPg, fresh_database

# a constraint refused a write, on either back end
INTEGRITY_ERRORS: tuple[type[BaseException], ...] = (
    sqlite3.IntegrityError,
    asyncpg.IntegrityConstraintViolationError,
)

T0 = 1_700_000_000 - 1_700_000_000 % 86_400  # a UTC midnight
NOW = T0 + 10 * 86_400


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def pg_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test (dropped afterwards)."""
    with fresh_database(request) as url:
        yield url


@pytest.fixture
async def storage(
    backend: str, tmp_path: Path, clock: Clock, request: pytest.FixtureRequest
) -> AsyncIterator[Any]:
    if backend == "sqlite":
        async with SQLiteStorage.open(tmp_path / "db" / "sentimeter.db", clock=clock) as st:
            yield st
        return
    from bot.storage.postgres.storage import PostgresStorage

    url = request.getfixturevalue("pg_url")
    async with PostgresStorage.open(url, clock=clock, pool_size=4) as pg:
        _raw_urls[id(pg)] = url
        try:
            yield pg
        finally:
            for conn in _raw_open.pop(id(pg), []):
                conn.close()
            _raw_urls.pop(id(pg), None)


_raw_urls: dict[int, str] = {}
_raw_open: dict[int, list[SyncPg]] = {}


def raw_db(storage: SQLStorage, tmp_path: Path) -> Any:
    """A sync connection to the test's database (``sqlite3``'s API) for checking raw rows: the SQLite file
    of the ``storage`` fixture, or its PostgreSQL database (closed with the fixture)."""
    if isinstance(storage, SQLiteStorage):
        return sqlite3.connect(tmp_path / "db" / "sentimeter.db")
    conn = SyncPg(_raw_urls[id(storage)])
    _raw_open.setdefault(id(storage), []).append(conn)
    return conn


def sqlite_only(storage: SQLStorage) -> None:
    """Skip a parametrised test's PostgreSQL run: call with the reason in a comment (a SQLite detail)."""
    if not isinstance(storage, SQLiteStorage):
        pytest.skip("SQLite only")


def rec(
    message_id: int,
    *,
    guild_id: int = 1,
    channel_id: int = 10,
    author_id: int = 100,
    at: int = T0,
    compound: float = 0.0,
    reply_to: int | None = None,
    scored: bool = True,
    spam: bool = False,
) -> MessageRecord:
    return MessageRecord(
        guild_id=guild_id,
        channel_id=channel_id,
        message_id=message_id,
        author_id=author_id,
        created_at=at,
        reply_to_id=reply_to,
        scored=scored,
        compound=compound,
        pos=max(compound, 0.0),
        neu=1 - abs(compound),
        neg=max(-compound, 0.0),
        language="en" if scored else None,
        is_spam=spam,
    )


def created(message_id: int, **kw: object) -> MessageCreated:
    return MessageCreated(rec(message_id, **kw))  # type: ignore[arg-type]
