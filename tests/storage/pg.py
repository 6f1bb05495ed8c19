"""Fresh PostgreSQL databases for the storage tests.

The server: the ``postgres_server`` fixture (tests/conftest.py) when the suite has one, else
$SENTIMETER_TEST_POSTGRES (an admin URL, e.g. postgresql://postgres@localhost:55432/postgres). One template
database is migrated per session; each test gets a copy (CREATE DATABASE ... TEMPLATE: fast) and drops it.
"""

from __future__ import annotations

import asyncio
import os
import threading
import uuid
from collections.abc import Callable, Coroutine, Iterator
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
    env = os.environ.get("SENTIMETER_TEST_POSTGRES")
    if env:
        return env
    try:
        server = request.getfixturevalue("postgres_server")
    except pytest.FixtureLookupError:
        pytest.fail("no PostgreSQL for the tests: set SENTIMETER_TEST_POSTGRES to an admin URL")
    url = getattr(server, "admin_url", None) or getattr(server, "url", None) or str(server)
    return str(url() if callable(url) else url)


def _run(make: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run ``make()`` to its end on a loop of its own (a thread: the caller may be inside a running loop)."""
    errors: list[BaseException] = []

    def main() -> None:
        try:
            asyncio.run(make())
        except BaseException as exc:
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
