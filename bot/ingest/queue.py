"""The write path: a bounded in-process queue drained by one writer task, in batches of one transaction each.

Producers wait when the queue is full (nothing is dropped). `close()` drains everything already accepted
before returning, so the database can be closed afterwards without losing a message."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Callable, Sequence

from bot.storage.base import Storage
from bot.storage.models import FlagChange, WriteOp

log = logging.getLogger(__name__)

ChangeCallback = Callable[[list[FlagChange]], None]

_MAX_BACKOFF = 30.0


class QueueClosedError(RuntimeError):
    """The queue is shutting down and takes no more writes."""


class WriteQueue:
    def __init__(
        self,
        storage: Storage,
        *,
        maxsize: int = 10_000,
        batch_size: int = 500,
        on_changes: ChangeCallback | None = None,
    ) -> None:
        self._storage = storage
        self._queue: asyncio.Queue[WriteOp] = asyncio.Queue(maxsize)
        self._batch_size = batch_size
        self._on_changes = on_changes
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self.batches_written = 0
        self.ops_written = 0
        self.ops_rejected = 0

    @property
    def pending(self) -> int:
        return self._queue.qsize()

    @property
    def maxsize(self) -> int:
        return self._queue.maxsize

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="sentimeter-writer")

    async def put(self, op: WriteOp) -> None:
        """Queue one write; waits while the queue is full."""
        if self._closing:
            raise QueueClosedError("the write queue is closed")
        await self._queue.put(op)

    async def flush(self) -> None:
        """Wait until everything queued so far is committed."""
        if self._task is None:
            raise RuntimeError("the write queue was never started")
        await self._queue.join()

    async def close(self) -> None:
        """Stop taking writes, commit everything already accepted, then stop the writer."""
        self._closing = True
        if self._task is None:
            return
        if not self._task.done():
            await self._queue.join()
            self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        log.info("Write queue closed: %d writes in %d batches", self.ops_written, self.batches_written)

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self._batch_size:
                try:
                    batch.append(self._queue.get_nowait())
                except asyncio.QueueEmpty:
                    break
            try:
                await self._write(batch)
            except asyncio.CancelledError:
                # Cancelled mid-write (hard shutdown): leave the items accounted for so join() can't hang.
                raise
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def _write(self, batch: Sequence[WriteOp]) -> None:
        delay = 0.5
        while True:
            try:
                changes = await self._storage.apply(batch)
            except sqlite3.OperationalError as exc:
                # Transient (locked, disk full, I/O): keep the batch and try again; producers wait meanwhile.
                log.warning("Database write failed (%s); retrying %d writes in %.1fs", exc, len(batch), delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, _MAX_BACKOFF)
                continue
            except Exception:
                log.exception("A batch of %d writes failed; retrying them one by one", len(batch))
                changes = await self._write_one_by_one(batch)
            else:
                self.ops_written += len(batch)
            self.batches_written += 1
            self._notify(changes)
            return

    async def _write_one_by_one(self, batch: Sequence[WriteOp]) -> list[FlagChange]:
        changes: list[FlagChange] = []
        for op in batch:
            try:
                changes.extend(await self._storage.apply([op]))
                self.ops_written += 1
            except Exception:
                self.ops_rejected += 1
                log.exception("Dropping a write the database rejects: %r", op)
        return changes

    def _notify(self, changes: list[FlagChange]) -> None:
        if changes and self._on_changes is not None:
            try:
                self._on_changes(changes)
            except Exception:
                log.exception("Flag change handler failed")
