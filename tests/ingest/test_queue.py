"""The write queue against a real SQLite file: batching, backpressure, retries and drain on shutdown."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from bot.core.ingest.queue import QueueClosedError, WriteQueue
from bot.storage.errors import StorageUnavailable
from bot.storage.models import FlagChange, FlagKind, FlagRequest, MessageCreated, MessageRecord, WriteOp
from bot.storage.sqlite import SQLiteStorage

GUILD = 1
CHANNEL = 10
NOW = 1_760_000_000


def created(message_id: int, *, compound: float = 0.5, flag: bool = False) -> MessageCreated:
    record = MessageRecord(
        guild_id=GUILD,
        channel_id=CHANNEL,
        message_id=message_id,
        author_id=100 + message_id % 7,
        created_at=NOW - message_id,
        compound=compound,
        pos=0.5,
        neu=0.5,
    )
    request = FlagRequest(kind=FlagKind.NEGATIVE, text=f"bad {message_id}") if flag else None
    return MessageCreated(record=record, flag=request)


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[SQLiteStorage]:
    async with SQLiteStorage.open(tmp_path / "queue.db") as storage:
        yield storage


async def test_close_drains_everything_accepted(storage: SQLiteStorage) -> None:
    queue = WriteQueue(storage, maxsize=50, batch_size=7)
    queue.start()
    for i in range(1, 501):
        await queue.put(created(i))
    await queue.close()
    totals = await storage.totals(GUILD, None, None, NOW + 1)
    assert totals.messages == 500
    assert queue.ops_written == 500
    assert queue.batches_written >= 500 // 7


async def test_full_queue_makes_producers_wait_not_drop(storage: SQLiteStorage) -> None:
    queue = WriteQueue(storage, maxsize=3, batch_size=2)
    for i in range(1, 4):
        await queue.put(created(i))
    # The writer is not running yet: the queue is full, so the fourth put must wait.
    fourth = asyncio.create_task(queue.put(created(4)))
    await asyncio.sleep(0)
    assert not fourth.done()
    queue.start()
    await asyncio.wait_for(fourth, timeout=10)
    await queue.close()
    assert (await storage.totals(GUILD, None, None, NOW + 1)).messages == 4


async def test_put_after_close_is_refused(storage: SQLiteStorage) -> None:
    queue = WriteQueue(storage)
    queue.start()
    await queue.close()
    with pytest.raises(QueueClosedError):
        await queue.put(created(1))


async def test_flag_changes_are_reported_after_commit(storage: SQLiteStorage) -> None:
    seen: list[FlagChange] = []
    queue = WriteQueue(storage, on_changes=seen.extend)
    queue.start()
    await queue.put(created(1, compound=-0.8, flag=True))
    await queue.put(created(2))
    await queue.flush()
    assert [c.flag.message_id for c in seen] == [1]
    assert seen[0].created
    # Committed before the callback ran: the flag is readable.
    assert await storage.get_flag(GUILD, seen[0].flag.id) is not None
    await queue.close()


class FlakyStorage:
    """Real storage whose first apply fails as a locked database would."""

    def __init__(self, inner: SQLiteStorage, failures: int, error: Exception | None = None) -> None:
        self.inner = inner
        self.failures = failures
        self.error = error or sqlite3.OperationalError("database is locked")
        self.calls: list[int] = []

    async def apply(self, ops: Sequence[WriteOp]) -> list[FlagChange]:
        self.calls.append(len(ops))
        if self.failures:
            self.failures -= 1
            raise self.error
        return await self.inner.apply(ops)


@pytest.mark.parametrize(
    "error",
    [sqlite3.OperationalError("database is locked"), StorageUnavailable("PostgreSQL: connection lost")],
    ids=["sqlite", "postgres"],
)
async def test_transient_failure_is_retried_without_loss(storage: SQLiteStorage, error: Exception) -> None:
    """Either back end's transient error: the whole batch is tried again (not one write at a time)."""
    flaky = FlakyStorage(storage, failures=1, error=error)
    queue = WriteQueue(flaky, batch_size=100)  # type: ignore[arg-type]
    for i in range(1, 11):
        await queue.put(created(i))
    queue.start()  # after the puts: one batch of 10
    await queue.close()
    assert (await storage.totals(GUILD, None, None, NOW + 1)).messages == 10
    assert flaky.calls == [10, 10]


class PoisonStorage:
    """Real storage that rejects one particular write as a bug would."""

    def __init__(self, inner: SQLiteStorage, poison: int) -> None:
        self.inner = inner
        self.poison = poison

    async def apply(self, ops: Sequence[WriteOp]) -> list[FlagChange]:
        if any(isinstance(op, MessageCreated) and op.record.message_id == self.poison for op in ops):
            raise ValueError("cannot store this one")
        return await self.inner.apply(ops)


async def test_one_bad_write_does_not_sink_its_batch(
    storage: SQLiteStorage, caplog: pytest.LogCaptureFixture
) -> None:
    queue = WriteQueue(PoisonStorage(storage, poison=5), batch_size=100)  # type: ignore[arg-type]
    queue.start()
    for i in range(1, 11):
        op = created(i)
        if i == 5:  # the rejected one carries a flag: its text must not reach the log
            op = MessageCreated(op.record, FlagRequest(FlagKind.NEGATIVE, "a member's private words"))
        await queue.put(op)
    await queue.close()
    assert (await storage.totals(GUILD, None, None, NOW + 1)).messages == 9
    assert queue.ops_rejected == 1
    assert "MessageCreated(guild_id=1, channel_id=10, message_id=5)" in caplog.text
    assert "private words" not in caplog.text


async def test_flush_commits_without_waiting_for_the_linger(storage: SQLiteStorage) -> None:
    # An hour-long linger: a flush that honoured it would time out below.
    queue = WriteQueue(storage, maxsize=100, batch_size=50, linger=3600)
    queue.start()
    await queue.put(created(1))
    await asyncio.wait_for(queue.flush(), timeout=30)  # no recent write yet: written at once
    await queue.put(created(2))  # writes are flowing now: the writer lingers for more...
    await asyncio.sleep(0)
    await asyncio.wait_for(queue.flush(), timeout=30)  # ...until someone waits for them
    assert (await storage.totals(GUILD, None, None, NOW + 1)).messages == 2
    assert queue.batches_written == 2
    await queue.put(created(3))
    await asyncio.sleep(0)
    await asyncio.wait_for(queue.flush(), timeout=30)  # and again after the first flush finished
    await queue.close()
    assert (await storage.totals(GUILD, None, None, NOW + 1)).messages == 3
