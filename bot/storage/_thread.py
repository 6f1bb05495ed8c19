"""One plain ``sqlite3`` connection that lives on its own thread.

Every call runs ``fn(connection)`` on that thread, in the order the calls were made, one at a time: a whole
write batch is one call (one thread hop instead of one per statement), and nothing else on the connection can
interleave with its transaction. Built only on public APIs (a one-worker ``ThreadPoolExecutor`` and
``loop.run_in_executor``).

Closing, or a refused open, closes the connection on its thread and then joins the thread, so no thread of
ours outlives the storage and nothing reports back to an event loop that has already ended.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


class ConnectionThread:
    def __init__(self, executor: ThreadPoolExecutor, conn: sqlite3.Connection) -> None:
        self._executor = executor
        self._conn: sqlite3.Connection | None = conn

    @classmethod
    async def open(
        cls, path: str | Path, *, name: str, setup: Callable[[sqlite3.Connection], object] = lambda _c: None
    ) -> ConnectionThread:
        """Connect (autocommit mode: transactions are explicit) and run ``setup`` on the new thread. On any
        failure the connection is closed and the thread is gone before the exception propagates."""
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)

        def connect() -> sqlite3.Connection:
            conn = sqlite3.connect(path, isolation_level=None)
            try:
                setup(conn)
            except BaseException:
                conn.close()
                raise
            return conn

        try:
            conn = await asyncio.get_running_loop().run_in_executor(executor, connect)
        except BaseException:
            # joins an idle thread: immediate. (Cancelled while connecting: waits for the connect to end.)
            executor.shutdown(wait=True)
            raise
        return cls(executor, conn)

    @property
    def closed(self) -> bool:
        return self._conn is None

    async def run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """``fn(connection)`` on the connection's thread, after every call made before it."""
        conn = self._conn
        if conn is None:
            raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, conn)

    async def close(self) -> None:
        """Close the connection once the calls already queued have run, then end the thread. Idempotent."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            await asyncio.get_running_loop().run_in_executor(self._executor, conn.close)
        finally:
            # the thread is idle once conn.close has run: joining it is immediate
            self._executor.shutdown(wait=True)
