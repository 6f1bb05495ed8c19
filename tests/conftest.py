"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from testing.postgres import PostgresServer, PostgresUnavailable

REPO_ROOT = Path(__file__).resolve().parent.parent


def shared_data_dir() -> Path:
    """The labelled data folder: $SENTIMETER_DATA_DIR, else ../shared/data beside the repository."""
    return Path(os.environ.get("SENTIMETER_DATA_DIR", REPO_ROOT.parent / "shared" / "data"))


@pytest.fixture
def shared_data() -> Path:
    path = shared_data_dir()
    if not path.is_dir():
        pytest.skip(f"labelled data not found at {path}")
    return path


# -- PostgreSQL ----------------------------------------------------------------------------------------------
# One throwaway server for the whole run (testing/postgres.py); each test that asks gets an empty database.
# Where no server can be had the PostgreSQL tests skip, except when SENTIMETER_REQUIRE_POSTGRES=1 (set by
# .ci/run, which installs the server): there a missing server fails them.


def postgres_required() -> bool:
    return os.environ.get("SENTIMETER_REQUIRE_POSTGRES", "") not in ("", "0")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    try:
        server = PostgresServer.start()
    except PostgresUnavailable as exc:
        if postgres_required():
            pytest.fail(f"SENTIMETER_REQUIRE_POSTGRES is set but PostgreSQL is unavailable: {exc}")
        pytest.skip(f"PostgreSQL unavailable: {exc}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """A fresh, empty database on the test server."""
    return postgres_server.new_database()
