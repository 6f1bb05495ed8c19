"""The scoring stage and the ingest service against a real SQLite file: order across batch boundaries,
backpressure, drain on close with batches in worker processes, and a worker that dies mid-batch."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.config_cache import ConfigCache
from bot.core.ingest.models import IncomingEdit, IncomingMessage
from bot.core.ingest.pipeline import Pipeline
from bot.core.ingest.queue import QueueClosedError, WriteQueue
from bot.core.ingest.scoring import ScoreJob, ScoreResult, score_in_worker
from bot.core.ingest.service import IngestService
from bot.core.scoring import Scorer
from bot.core.spam import BehaviourTracker, SpamDetector
from bot.storage.sqlite import SQLiteStorage

GUILD = 7
CHANNEL = 70
NOW = 1_760_000_000
CRASH = "please crash the worker now"
REPO_ROOT = Path(__file__).resolve().parents[2]

TEXTS = [
    "love this stream so much",
    "the audio is awful again, really bad",
    "ok",
    "",
    "great video, thanks!",
    "meh",
    "this is the worst overlay ever",
    "gg wp",
    "𝐒𝐋𝐎𝐓 𝐆𝐀𝐂𝐎𝐑 PULAU777 hari ini maxwin!! deposit 10rb langsung cair",
]

_scorer: Scorer | None = None
_spam: SpamDetector | None = None


def pipeline() -> Pipeline:
    global _scorer, _spam
    if _scorer is None or _spam is None:
        _scorer, _spam = Scorer(), SpamDetector()
    return Pipeline(_scorer, _spam, BehaviourTracker())


def msg(i: int, content: str | None = None, *, channel: int = CHANNEL) -> IncomingMessage:
    return IncomingMessage(
        guild_id=GUILD,
        channel_id=channel,
        message_id=1_000 + i,
        author_id=100 + i % 5,
        content=TEXTS[i % len(TEXTS)] if content is None else content,
        created_at=NOW - 3600 + i,
        has_attachments=content == "",
    )


def crash_on_marker(job: ScoreJob) -> ScoreResult:
    """A worker function that dies (as a segfault or the OOM killer would) on a marked comment."""
    if any(content == CRASH for content, _, _ in job.items):
        os._exit(3)
    return score_in_worker(job)


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[SQLiteStorage]:
    async with SQLiteStorage.open(tmp_path / "stage.db") as opened:
        yield opened


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def make(
    storage: SQLiteStorage, *, workers: int = 0, batch: int = 256, capacity: int | None = None, **kw: Any
) -> tuple[IngestService, WriteQueue]:
    queue = WriteQueue(storage, maxsize=kw.pop("maxsize", 10_000), batch_size=kw.pop("write_batch", 500))
    service = IngestService(
        pipeline(), queue, ConfigCache(storage), workers=workers, batch_size=batch, capacity=capacity, **kw
    )
    return service, queue


async def settle(service: IngestService, queue: WriteQueue) -> None:
    await service.wait_idle()
    await queue.flush()


@pytest.mark.parametrize("workers", [0, 1])
async def test_events_about_a_message_never_overtake_it_across_batches(
    storage: SQLiteStorage, tmp_path: Path, workers: int
) -> None:
    service, queue = make(storage, workers=workers, batch=3)
    queue.start()
    service.start()
    await service.stage.wait_pool_ready()
    # The first message of the server reads its configuration (slow path); everything after it is issued
    # at once, as discord.py dispatches events as separate tasks. With batches of 3 the reactions, the edit
    # and the delete land in later batches than (or the same batch as) the messages they are about.
    calls = [service.message(msg(i)) for i in range(10)]
    calls += [service.reaction(GUILD, CHANNEL, 1_000 + i, +1) for i in range(10)]
    calls.append(
        service.edit(
            IncomingEdit(
                guild_id=GUILD,
                channel_id=CHANNEL,
                message_id=1_001,
                author_id=101,
                content="actually this is wonderful",
                edited_at=NOW,
            )
        )
    )
    calls.append(service.delete(GUILD, CHANNEL, 1_009))
    calls += [service.message(msg(i)) for i in range(10, 14)]
    calls.append(service.reaction(GUILD, CHANNEL, 1_013, +1))
    await asyncio.gather(*(asyncio.create_task(c) for c in calls))
    await settle(service, queue)
    totals = await storage.totals(GUILD, None, None, NOW + 1)
    assert totals.messages == 13  # 14 created, 1 deleted
    assert totals.reactions == 10  # 9 on surviving messages (1_009 went with its own) + 1_013
    edited = rows(tmp_path / "stage.db", "SELECT compound FROM messages WHERE message_id = 1001")
    assert edited[0][0] > 0.5  # the edit was applied after the message was stored
    await service.close()
    await queue.close()
    if workers:
        assert service.stage.batches_in_workers > 0


async def test_reaction_waits_for_a_message_whose_configuration_is_being_read(storage: SQLiteStorage) -> None:
    service, queue = make(storage)
    queue.start()
    first = asyncio.create_task(service.message(msg(1)))  # config not cached: waits for two reads
    react = asyncio.create_task(service.reaction(GUILD, CHANNEL, 1_001, +1))
    await asyncio.gather(first, react)
    await settle(service, queue)
    assert (await storage.totals(GUILD, None, None, NOW + 1)).reactions == 1
    await service.close()
    await queue.close()


async def test_full_stage_and_queue_make_producers_wait_and_drop_nothing(storage: SQLiteStorage) -> None:
    service, queue = make(storage, batch=4, capacity=5, maxsize=3, write_batch=2)
    await service.message(msg(0))  # the configuration is cached from here on
    # The writer is not running: the write queue fills (3), then the stage (5); the next calls must wait.
    producers = [asyncio.create_task(service.message(msg(i))) for i in range(1, 40)]
    for _ in range(100):  # event-loop turns, no clock involved
        await asyncio.sleep(0)
    assert queue.pending == 3
    assert not all(p.done() for p in producers)
    assert sum(p.done() for p in producers) <= 3 + 5 + 1
    queue.start()
    await asyncio.wait_for(asyncio.gather(*producers), timeout=30)
    await service.close()
    await queue.close()
    assert (await storage.totals(GUILD, None, None, NOW + 1)).messages == 40
    assert queue.ops_written == 40


async def test_close_drains_batches_in_flight_in_workers(storage: SQLiteStorage) -> None:
    service, queue = make(storage, workers=2, batch=16)
    queue.start()
    service.start()
    await service.stage.wait_pool_ready()
    for i in range(600):
        await service.message(msg(i))
    assert service.stage.batches_in_workers < 600 // 16  # most of it is still being scored
    await service.close()  # what a SIGTERM does (Sentimeter.shutdown_writes)
    await queue.close()
    assert (await storage.totals(GUILD, None, None, NOW + 1)).messages == 600
    assert service.stage.batches_in_workers > 0
    with pytest.raises(QueueClosedError):
        await service.message(msg(601))


async def test_a_worker_that_dies_loses_nothing(storage: SQLiteStorage, tmp_path: Path) -> None:
    service, queue = make(storage, workers=1, batch=8, worker_fn=crash_on_marker)
    queue.start()
    service.start()
    await service.stage.wait_pool_ready()
    for i in range(40):
        await service.message(msg(i, CRASH if i == 13 else None))
    await settle(service, queue)
    for i in range(40, 80):  # the pool was replaced: later batches are scored in workers again
        await service.message(msg(i))
    await service.close()
    await queue.close()
    stage = service.stage
    assert stage.batches_recovered >= 1
    assert stage.batches_in_workers > 0
    assert (await storage.totals(GUILD, None, None, NOW + 1)).messages == 80
    # the batch the worker died with was scored here, like any other
    crashed = rows(tmp_path / "stage.db", "SELECT scored FROM messages WHERE message_id = 1013")
    assert crashed == [(1,)]


async def test_workers_and_in_process_write_the_same_rows(tmp_path: Path) -> None:
    results = []
    for workers in (0, 1):
        path = tmp_path / f"same-{workers}.db"
        async with SQLiteStorage.open(path) as storage:
            service, queue = make(storage, workers=workers, batch=5)
            queue.start()
            service.start()
            await service.stage.wait_pool_ready()
            for i in range(60):
                await service.message(msg(i, channel=CHANNEL + i % 3))
            await service.close()
            await queue.close()
            assert service.stage.batches_recovered == 0  # nothing failed in a worker
        results.append(
            (
                rows(path, "SELECT * FROM messages ORDER BY message_id"),
                rows(path, "SELECT message_id, kind, text, compound, reason FROM flags ORDER BY id"),
            )
        )
    assert results[0] == results[1]
    assert len(results[0][0]) == 60
    kinds = {kind for _, kind, _, _, _ in results[0][1]}
    assert kinds == {"negative", "spam"}  # both kinds flagged, spam with its reason


def test_cached_results_respect_the_server_lexicon() -> None:
    from bot.core.ingest.scoring import build_job, score_job

    meh = {"meh": -3.0}
    job = build_job([("the stream was meh", None, False), ("the stream was meh", meh, False)] * 2)
    first = score_job(pipeline().analysis, job)
    again = score_job(pipeline().analysis, job)  # answered from the cache this time
    plain, custom = first.items[0][0], first.items[1][0]
    assert plain is not None and custom is not None
    assert custom[0] < plain[0]  # the server's own word moved the score
    assert first.items == again.items
    assert first.items[2:] == first.items[:2]


WATCHED_BOT = """
import asyncio, sys
from bot.core.ingest.scoring import build_job, init_worker, score_in_worker
from bot.core.ingest.stage import start_method
from concurrent.futures import ProcessPoolExecutor
import multiprocessing, os

if __name__ == "__main__":
    ctx = multiprocessing.get_context(start_method())
    pool = ProcessPoolExecutor(1, mp_context=ctx, initializer=init_worker, initargs=(os.getpid(),))
    print(pool.submit(score_in_worker, build_job([("hello", None, False)])).result().pid, flush=True)
    sys.stdin.read()  # until killed
"""


async def test_workers_exit_when_the_bot_is_killed(tmp_path: Path) -> None:
    import signal
    import sys

    script = tmp_path / "watched_bot.py"
    script.write_text(WATCHED_BOT)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(script),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        cwd=REPO_ROOT,
    )
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), timeout=60)
    worker = int(line)
    assert not _gone(worker)
    proc.send_signal(signal.SIGKILL)  # no shutdown code runs in the bot
    await proc.wait()
    for _ in range(200):  # the worker looks once a second; give it ten
        if _gone(worker):
            break
        await asyncio.sleep(0.05)
    assert _gone(worker)


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fp:
            stat = fp.read()
    except FileNotFoundError:
        return True
    return stat[stat.rindex(b")") + 2 : stat.rindex(b")") + 3] == b"Z"


async def test_a_full_batch_goes_to_a_worker_before_the_producer_yields(storage: SQLiteStorage) -> None:
    service, queue = make(storage, workers=1, batch=16)
    queue.start()
    service.start()
    await service.stage.wait_pool_ready()
    await service.message(msg(0))  # reads the configuration (the slow path); cached from here on
    await settle(service, queue)
    # A burst pushed without yielding to the event loop (the fast path never suspends): the first full batch
    # is with a worker already, not left waiting until the burst ends.
    for i in range(1, 17):
        await service.message(msg(i))
    assert service.stage.batches_in_flight == 1
    for i in range(17, 40):
        await service.message(msg(i))
    await service.close()
    await queue.close()
    assert service.stage.batches_in_workers >= 1
    assert (await storage.totals(GUILD, None, None, NOW + 1)).messages == 40


def test_workers_run_at_a_lower_cpu_priority_than_the_bot() -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from bot.core.ingest.scoring import WORKER_NICENESS, init_worker
    from bot.core.ingest.stage import start_method

    context = multiprocessing.get_context(start_method())
    with ProcessPoolExecutor(1, mp_context=context, initializer=init_worker) as pool:
        niceness = pool.submit(os.nice, 0).result(timeout=60)
    assert niceness == min(19, os.nice(0) + WORKER_NICENESS)


async def test_each_event_gets_its_own_analysis_when_unanalysed_events_are_interleaved(
    storage: SQLiteStorage, tmp_path: Path
) -> None:
    # one batch: blank messages (not analysed), reactions and a delete between the analysed messages
    service, queue = make(storage, batch=64)
    queue.start()
    await service.message(msg(0))
    events = []
    for i in range(1, 19):
        events.append(service.message(msg(i, "" if i % 4 == 0 else None)))
        if i % 3 == 0:
            events.append(service.reaction(GUILD, CHANNEL, 1_000 + i - 1, +1))
    events.append(service.delete(GUILD, CHANNEL, 1_002))
    await asyncio.gather(*(asyncio.create_task(e) for e in events))
    await settle(service, queue)
    await service.close()
    await queue.close()
    stored = dict(rows(tmp_path / "stage.db", "SELECT message_id, compound FROM messages"))
    reference = pipeline()
    config = await ConfigCache(storage).get(GUILD)
    expected = {}
    for i in range(19):
        if i == 2:
            continue
        m = msg(i, "" if i % 4 == 0 and i else None)
        expected[m.message_id] = reference.on_message(m, config).record.compound
    assert stored == expected
    assert any(v != 0 for v in stored.values())
