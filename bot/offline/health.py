"""`sentimeter healthcheck`: does the database answer? The container image's HEALTHCHECK runs it.

It never creates or migrates anything: a SQLite file is opened read-only (a missing one is unhealthy), a
PostgreSQL server is asked ``SELECT 1`` over one connection."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from bot.core.errors import SentimeterError
from bot.storage.open import describe as redact
from bot.storage.open import is_postgres


def check_database(database: str | Path, *, timeout: float) -> str:
    """A one-line description of a database that answers; raises ``SentimeterError`` otherwise."""
    if is_postgres(str(database)):
        return asyncio.run(_check_postgres(str(database).strip(), seconds=timeout))
    return _check_sqlite(Path(database), timeout)


def _check_sqlite(path: Path, timeout: float) -> str:
    if not path.is_file():
        raise SentimeterError(f"{path}: no such database")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise SentimeterError(f"database {path} does not answer: {exc}") from None
    return f"database answers (SQLite {path}, schema version {version})"


async def _check_postgres(url: str, *, seconds: float) -> str:
    import asyncpg

    where = redact(url)
    try:
        conn = await asyncio.wait_for(asyncpg.connect(url, timeout=seconds), seconds)
        try:
            version = await conn.fetchval("SHOW server_version", timeout=seconds)
            await conn.fetchval("SELECT 1", timeout=seconds)
        finally:
            await conn.close(timeout=seconds)
    except (OSError, TimeoutError, ValueError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        reason = str(exc) or type(exc).__name__
        raise SentimeterError(f"database {where} does not answer: {reason}") from None
    return f"database answers (PostgreSQL {version} at {where})"
