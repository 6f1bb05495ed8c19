"""The write path: a bounded in-process queue drained by one writer task, in batches of one transaction each.

Producers wait when the queue is full (nothing is dropped). `close()` drains everything already accepted
before returning, so the database can be closed afterwards without losing a message.

A deque with its own waiters instead of `asyncio.Queue`: the scoring stage hands over a whole scored batch
with one `put_many`, and the writer takes its batch with one slice, instead of a coroutine per write."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections import deque
from collections.abc import Callable, Sequence

from bot.storage.base import Storage
from bot.storage.errors import StorageUnavailable
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
        linger: float = 0.05,
    ) -> None:
        if maxsize < 1 or batch_size < 1:
            raise ValueError("maxsize and batch_size must be at least 1")
        self._storage = storage
        self._items: deque[WriteOp] = deque()
        self._maxsize = maxsize
        self._batch_size = batch_size
        self._on_changes = on_changes
        self._linger = linger
        self._last_write = -1e9  # loop time when the last batch was committed
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        self._unfinished = 0  # queued or being written
        self._has_items = asyncio.Event()
        self._hurry = asyncio.Event()  # someone waits for what is queued (flush): commit without lingering
        self._all_done = asyncio.Event()
        self._all_done.set()
        self._space_waiters: deque[asyncio.Future[None]] = deque()
        self.batches_written = 0
        self.ops_written = 0
        self.ops_rejected = 0

    @property
    def pending(self) -> int:
        return len(self._items)

    @property
    def maxsize(self) -> int:
        return self._maxsize

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="sentimeter-writer")

    async def put(self, op: WriteOp) -> None:
        """Queue one write; waits while the queue is full."""
        await self.put_many((op,))

    async def put_many(self, ops: Sequence[WriteOp]) -> None:
        """Queue writes in order; waits (as often as needed) while the queue is full."""
        if self._closing:
            raise QueueClosedError("the write queue is closed")
        items = self._items
        i, n = 0, len(ops)
        while i < n:
            room = self._maxsize - len(items)
            if room <= 0:
                await self._wait_for_space()
                continue
            chunk = ops[i : i + room] if i or n - i > room else ops
            items.extend(chunk)
            self._unfinished += len(chunk)
            i += len(chunk)
            self._all_done.clear()
            self._has_items.set()

    async def _wait_for_space(self) -> None:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._space_waiters.append(waiter)
        try:
            await waiter
        finally:
            with contextlib.suppress(ValueError):
                self._space_waiters.remove(waiter)
            if not waiter.cancelled():
                self._wake_producers()  # pass the turn on if there is still room

    def _wake_producers(self) -> None:
        if len(self._items) < self._maxsize:
            for waiter in self._space_waiters:
                if not waiter.done():
                    waiter.set_result(None)
                    break

    async def flush(self) -> None:
        """Wait until everything queued so far is committed."""
        if self._task is None:
            raise RuntimeError("the write queue was never started")
        if not self._all_done.is_set():
            self._hurry.set()  # nothing more is worth waiting for: the writer stops lingering
            await self._all_done.wait()

    async def close(self) -> None:
        """Stop taking writes, commit everything already accepted, then stop the writer."""
        self._closing = True
        if self._task is None:
            return
        if not self._task.done():
            await self._all_done.wait()
            self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        log.info("Write queue closed: %d writes in %d batches", self.ops_written, self.batches_written)

    async def _run(self) -> None:
        items = self._items
        while True:
            if not items:
                self._has_items.clear()
                await self._has_items.wait()
                continue
            if (
                len(items) < self._batch_size
                and not self._closing
                and not self._hurry.is_set()
                and asyncio.get_running_loop().time() - self._last_write < 1.0
            ):
                # writes are flowing: a moment more fills the transaction (its cost is mostly per batch),
                # unless someone is waiting for them (flush)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._hurry.wait(), self._linger)
            n = min(len(items), self._batch_size)
            batch = [items.popleft() for _ in range(n)]
            self._wake_producers()
            try:
                await self._write(batch)
            finally:
                self._last_write = asyncio.get_running_loop().time()
                # also when cancelled mid-write (hard shutdown): keep the count right so waiters can't hang
                self._unfinished -= n
                if self._unfinished == 0:
                    self._hurry.clear()
                    self._all_done.set()

    async def _write(self, batch: Sequence[WriteOp]) -> None:
        delay = 0.5
        while True:
            try:
                changes = await self._storage.apply(batch)
            except (sqlite3.OperationalError, StorageUnavailable) as exc:
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
                log.exception("Dropping a write the database rejects: %s", describe(op))
        return changes

    def _notify(self, changes: list[FlagChange]) -> None:
        if changes and self._on_changes is not None:
            try:
                self._on_changes(changes)
            except Exception:
                log.exception("Flag change handler failed")


def describe(op: WriteOp) -> str:
    """A write for the log: its kind and ids, never a member's text (a flag's text, terms)."""
    source = getattr(op, "record", op)
    keys = ("guild_id", "channel_id", "message_id")
    ids = [f"{k}={getattr(source, k)}" for k in keys if hasattr(source, k)]
    return f"{type(op).__name__}({', '.join(ids)})"
