"""The throwaway PostgreSQL server the back-end tests run on (testing/postgres.py)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import asyncpg

from testing.postgres import PostgresServer, find_bindir

REPO_ROOT = Path(__file__).resolve().parent.parent


def _psql(url: str, sql: str) -> str:
    bindir = find_bindir()
    psql = str(bindir / "psql") if bindir and (bindir / "psql").exists() else "psql"
    done = subprocess.run([psql, "-XAtq", url, "-c", sql], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_each_test_database_is_new_and_empty(postgres_server: PostgresServer) -> None:
    a = postgres_server.new_database()
    b = postgres_server.new_database()
    assert a != b
    _psql(a, "CREATE TABLE t (x int); INSERT INTO t VALUES (1)")
    assert _psql(a, "SELECT count(*) FROM t") == "1"
    assert _psql(b, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == "0"


def test_the_server_speaks_utf8_and_is_not_durable(postgres_url: str) -> None:
    # durability off is what keeps the suite fast; UTF-8 is what comments need
    assert _psql(postgres_url, "SHOW server_encoding") == "UTF8"
    assert _psql(postgres_url, "SHOW fsync") == "off"
    assert _psql(postgres_url, "SELECT 'slot gacor 🎰'") == "slot gacor 🎰"


async def test_asyncpg_reaches_it(postgres_url: str) -> None:
    conn = await asyncpg.connect(postgres_url)
    try:
        assert await conn.fetchval("SELECT 40 + 2") == 42
    finally:
        await asyncio.wait_for(conn.close(), 10)


def _run_fixture_test(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """This file's first test in a child pytest, with the server's binaries looked for in an empty folder."""
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("SENTIMETER_")}
    child_env.update(SENTIMETER_PG_BINDIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs",
         f"{__file__}::test_each_test_database_is_new_and_empty"],
        capture_output=True, text=True, env=child_env, cwd=REPO_ROOT, timeout=120, check=False,
    )  # fmt: skip


def test_a_missing_server_skips_only_where_it_is_not_required(tmp_path: Path) -> None:
    relaxed = _run_fixture_test(tmp_path)
    assert relaxed.returncode == 0 and "1 skipped" in relaxed.stdout, relaxed.stdout
    assert "no PostgreSQL server binaries" in relaxed.stdout

    required = _run_fixture_test(tmp_path, SENTIMETER_REQUIRE_POSTGRES="1")  # as .ci/run sets it
    assert required.returncode != 0, required.stdout
    assert "SENTIMETER_REQUIRE_POSTGRES is set but PostgreSQL is unavailable" in required.stdout
    assert "skipped" not in required.stdout
