"""The threads the two SQLite connections live on: the writer's (``ConnectionThread``) and the reader's
(``ReaderConnection``, aiosqlite).

Reads are single statements or a few of them, awaited one by one: the reader is an ``aiosqlite.Connection``
used through aiosqlite's public API only (``execute_fetchall``, ``execute``...), which runs each statement on
aiosqlite's own thread.

The writer is a plain ``sqlite3`` connection on a one-worker ``ThreadPoolExecutor`` of ours
(``ConnectionThread``). Every call runs ``fn(connection)`` on that thread, in the order the calls were made,
one at a time: a whole write batch (``_batch.apply_batch``: heavy Python and many statements inside one
transaction) is one call, i.e. one thread hop instead of one per statement, and nothing else on the
connection can interleave with its transaction. aiosqlite's public API cannot do that (it runs one statement
per call; running a function on its thread takes its private ``_execute``/``_conn``). Built only on public
APIs (``ThreadPoolExecutor`` and ``loop.run_in_executor``).

Closing, or a refused open, closes each connection on its thread and then joins the thread, so no thread of
ours outlives the storage and nothing reports back to an event loop that has already ended. For the reader,
the thread is aiosqlite's: it is known from the sqlite3 connection's ``factory``, which runs on it.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

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


class ReaderConnection:
    """An ``aiosqlite.Connection`` (``conn``, used through aiosqlite's public API) and the thread aiosqlite
    runs it on, so that closing can end that thread before it returns."""

    def __init__(self, conn: aiosqlite.Connection, thread: threading.Thread) -> None:
        self.conn = conn
        self._thread = thread
        self._closed = False

    @classmethod
    async def open(
        cls, path: str | Path, *, setup: Callable[[sqlite3.Connection], object] = lambda _c: None
    ) -> ReaderConnection:
        """``aiosqlite.connect`` (autocommit mode: transactions are explicit), running ``setup`` on the new
        connection inside aiosqlite's connect, on its thread. On any failure the connection is closed and the
        thread is gone before the exception propagates."""
        threads: list[threading.Thread] = []

        class Connection(sqlite3.Connection):
            # sqlite3.connect(..., factory=) builds the connection on aiosqlite's thread
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                threads.append(threading.current_thread())
                super().__init__(*args, **kwargs)
                try:
                    setup(self)
                except BaseException:
                    self.close()
                    raise

        try:
            conn = await aiosqlite.connect(path, isolation_level=None, factory=Connection)
        except BaseException:
            # aiosqlite has queued its thread's stop (nothing left to close): wait for the thread to end, so
            # that it does not report to this loop after it has closed. Immediate once the connect has failed.
            for thread in threads:
                thread.join()
            raise
        return cls(conn, threads[0])

    @property
    def closed(self) -> bool:
        return self._closed

    async def close(self) -> None:
        """Close the connection once the statements already queued have run, then end the thread.
        Idempotent."""
        if self._closed:
            return
        self._closed = True
        try:
            await self.conn.close()
        finally:
            # aiosqlite's close has stopped the thread: joining it is immediate
            self._thread.join()
