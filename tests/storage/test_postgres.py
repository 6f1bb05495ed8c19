"""The PostgreSQL back end's own parts: the dialect translation, the schema twin of SQLite's, the monthly
partitions, start-up errors, concurrent migrations, transient errors and choosing the back end."""

from __future__ import annotations

import asyncio
import socket
import sqlite3
from pathlib import Path

import asyncpg
import pytest

from bot.core.errors import StartupError
from bot.storage.errors import StorageUnavailable
from bot.storage.open import describe, open_storage
from bot.storage.postgres.dialect import arguments, translate
from bot.storage.postgres.partitions import months, snowflake_at
from bot.storage.postgres.storage import PostgresStorage
from bot.storage.sqlite import SQLiteStorage
from tests.storage.conftest import NOW, T0, Clock, created
from tests.storage.pg import SyncPg

# -- the dialect -------------------------------------------------------------------------------------------


def test_placeholders_become_numbered_and_literals_stay() -> None:
    t = translate("SELECT '?', \"a?b\", x FROM t WHERE a = ? AND b = ? -- why?\n AND c = 'it''s ?'")
    assert t.sql == "SELECT '?', \"a?b\", x FROM t WHERE a = $1 AND b = $2 -- why?\n AND c = 'it''s ?'"
    assert arguments(t, (1, 2)) == [1, 2]
    with pytest.raises(ValueError, match="2 placeholders, 1 parameters"):
        arguments(t, (1,))


def test_named_and_numbered_placeholders() -> None:
    t = translate("SELECT :a, :b, :a, x::text, 'h:%' FROM t WHERE y = :b")
    assert t.sql == "SELECT $1, $2, $1, x::text, 'h:%' FROM t WHERE y = $2"
    assert arguments(t, {"b": 2, "a": 1, "unused": 3}) == [1, 2]
    n = translate("SELECT ?2 + ?1, ?2")
    assert n.sql == "SELECT $2 + $1, $2" and arguments(n, (10, 20)) == [10, 20]


def test_sqlite_spellings_become_postgresql() -> None:
    assert translate("BEGIN IMMEDIATE").sql == "BEGIN"
    assert translate("INSERT OR IGNORE INTO t (a) VALUES (?)").sql == (
        "INSERT INTO t (a) VALUES ($1) ON CONFLICT DO NOTHING"
    )
    assert translate("UPDATE t SET a = max(a, ?), b = min(b + 1, c)").sql == (
        "UPDATE t SET a = greatest(a, $1), b = least(b + 1, c)"
    )
    assert translate("SELECT max(a) FROM t").sql == "SELECT max(a) FROM t"  # the aggregate stays
    assert translate("SELECT count(*) FROM (SELECT a FROM t) GROUP BY a").sql == (
        "SELECT count(*) FROM (SELECT a FROM t) AS _sub0 GROUP BY a"
    )
    aliased = "SELECT s.a FROM (SELECT a FROM t) s"
    assert translate(aliased).sql == aliased


# -- the schema: PostgreSQL's migrations are SQLite's twin ---------------------------------------------------


def _sqlite_schema(path: Path) -> dict[str, tuple[list[str], list[str]]]:
    conn = sqlite3.connect(path)
    try:
        out = {}
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ):
            info = conn.execute(f'PRAGMA table_info("{name}")').fetchall()
            columns = [r[1] for r in info]
            pk = [r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5])]
            out[name] = (columns, pk)
        return out
    finally:
        conn.close()


def _pg_schema(conn: SyncPg) -> dict[str, tuple[list[str], list[str]]]:
    out = {}
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{name}")').fetchall()]
        pk = conn.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid"
            " AND a.attnum = ANY(i.indkey) WHERE i.indrelid = CAST(? AS regclass) AND i.indisprimary"
            " ORDER BY array_position(i.indkey::int2[], a.attnum)",
            (name,),
        ).fetchall()
        out[name] = (columns, [r[0] for r in pk])
    return out


async def test_postgresql_schema_matches_sqlite(tmp_path: Path, pg_url: str) -> None:
    """Same tables, columns (in order) and primary keys: a SQLite migration without its PostgreSQL twin
    fails here."""
    async with SQLiteStorage.open(tmp_path / "s.db"):
        pass
    conn = SyncPg(pg_url)
    try:
        pg = _pg_schema(conn)
    finally:
        conn.close()
    lite = _sqlite_schema(tmp_path / "s.db")
    assert sorted(pg) == sorted(lite)
    for table, (columns, pk) in lite.items():
        assert pg[table][0] == columns, table
        # SQLite's rowid keys (INTEGER PRIMARY KEY) are the same one-column keys in PostgreSQL
        assert pg[table][1] == pk, table


# -- partitions ----------------------------------------------------------------------------------------------


def _partition_of(conn: SyncPg, table: str, key: str, value: int) -> str:
    row = conn.execute(f"SELECT tableoid::regclass::text FROM {table} WHERE {key} = ?", (value,)).fetchone()
    return str(row[0])


async def test_rows_land_in_their_month_or_in_default(pg_url: str) -> None:
    clock = Clock(NOW)  # November 2023: partitions October 2023 .. February 2024
    assert [m[0] for m in months(NOW)] == ["202310", "202311", "202312", "202401", "202402"]
    far = T0 + 400 * 86_400  # December 2024: beyond the made range
    far_id = snowflake_at(far) + 5
    near_id = snowflake_at(T0) + 5
    async with PostgresStorage.open(pg_url, clock=clock) as storage:
        await storage.apply([created(near_id, at=T0), created(far_id, at=far, author_id=7)])
        conn = SyncPg(pg_url)
        try:
            assert _partition_of(conn, "messages", "message_id", near_id) == "messages_p202311"
            assert _partition_of(conn, "messages", "message_id", far_id) == "messages_default"
            assert _partition_of(conn, "channel_hour", "hour", T0) == "channel_hour_p202311"
            assert _partition_of(conn, "presence", "hour", far - far % 3600) == "presence_default"
            # a year on: the daily sweep makes that month's partitions; the rows move out of DEFAULT, and
            # moving them deletes nothing that hangs off a message (its delete triggers do not fire)
            conn.execute(
                "INSERT INTO early_reactions (message_id, guild_id, reactions) VALUES (?, 1, 3)", (far_id,)
            )
            clock.now = far
            assert await storage.ensure_partitions() == 5 * 5  # 5 tables x Nov 2024 .. Mar 2025
            assert await storage.ensure_partitions() == 0  # idempotent
            assert _partition_of(conn, "messages", "message_id", far_id) == "messages_p202412"
            assert _partition_of(conn, "presence", "hour", far - far % 3600) == "presence_p202412"
            assert conn.execute(
                "SELECT reactions FROM early_reactions WHERE message_id = ?", (far_id,)
            ).fetchone() == (3,)
        finally:
            conn.close()
        assert (await storage.totals(1, None, None, far + 3600)).messages == 2
        assert await storage.active_authors(1, None, None, far + 3600) == 2


# -- start-up, migrations, errors ----------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_unreachable_server_or_bad_url_is_a_one_line_startup_error() -> None:
    url = f"postgresql://bot:s3cret-pw@127.0.0.1:{_closed_port()}/sentimeter"
    with pytest.raises(StartupError) as caught:
        async with PostgresStorage.open(url):
            pass
    text = str(caught.value)
    assert "s3cret-pw" not in text and "\n" not in text and "bot:***@127.0.0.1" in text
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    with pytest.raises(StartupError, match="Cannot use the PostgreSQL database") as bad:
        async with PostgresStorage.open("postgresql://bot:s3cret-pw@127.0.0.1:notaport/x"):
            pass
    assert "s3cret-pw" not in str(bad.value)
    assert describe("postgresql://bot:s3cret-pw@db/x") == "postgresql://bot:***@db/x"


async def test_processes_starting_at_once_migrate_once(pg_url: str) -> None:
    # pg_url is migrated already (a copy of the template): start from an empty database instead
    admin = SyncPg(pg_url)
    try:
        admin.execute("DROP SCHEMA public CASCADE")
        admin.execute("CREATE SCHEMA public")
    finally:
        admin.close()

    async def start(i: int) -> None:
        async with PostgresStorage.open(pg_url, clock=Clock(NOW), pool_size=1) as st:
            await st.apply([created(i, author_id=100 + i)])

    await asyncio.gather(*(start(i) for i in range(1, 5)))
    conn = SyncPg(pg_url)
    try:
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [(1,)]
        assert conn.execute("SELECT count(*) FROM messages").fetchone() == (4,)
    finally:
        conn.close()


async def test_a_lost_connection_is_storage_unavailable_then_reconnected(pg_url: str) -> None:
    async with PostgresStorage.open(pg_url, clock=Clock(NOW), pool_size=1) as storage:
        await storage.apply([created(1)])
        conn = SyncPg(pg_url)
        try:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND application_name = ''"
            )
        finally:
            conn.close()
        with pytest.raises(StorageUnavailable):
            await storage.apply([created(2)])
        # the next write reconnects (the write queue retries the same batch): nothing is lost
        await storage.apply([created(2)])
        assert (await storage.totals(1, None, None, NOW)).messages == 2


async def test_open_storage_chooses_the_back_end(tmp_path: Path, pg_url: str) -> None:
    async with open_storage(str(tmp_path / "a.db")) as lite:
        assert isinstance(lite, SQLiteStorage)
    async with open_storage(pg_url, pool_size=2) as pg:
        assert isinstance(pg, PostgresStorage)
        await pg.apply([created(1)])
        assert (await pg.totals(1, None, None, NOW)).messages == 1


async def test_the_tables_the_write_path_reads_are_analysed_as_they_first_grow(pg_url: str) -> None:
    """Without statistics (autovacuum's first pass comes a minute or more later) the presence lookups pick
    the wrong index and every batch is ~15 times slower: the storage analyses them itself early on."""
    (month, _, _), *_ = months(NOW, behind=0, ahead=0)
    sql = "SELECT count(*) FROM pg_stat_user_tables WHERE relname = $1 AND last_analyze IS NOT NULL"
    async with PostgresStorage.open(pg_url, clock=lambda: NOW) as st:
        conn = await asyncpg.connect(pg_url)
        try:
            await st.apply([created(i, at=NOW - 3600, author_id=i % 50) for i in range(1, 900)])
            assert await conn.fetchval(sql, f"presence_p{month}") == 0  # not yet: 899 writes
            await st.apply([created(i, at=NOW - 3600, author_id=i % 50) for i in range(900, 1100)])
            for table in (f"presence_p{month}", f"messages_p{month}", "channel_day"):
                assert await conn.fetchval(sql, table) == 1, table
        finally:
            await conn.close()
