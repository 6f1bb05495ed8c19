"""The scoring stage: events in arrival order → batches → text analysis in worker processes → writes, in
the same order, into the write queue.

- Every event (messages and edits to score, deletes and reactions to pass through) joins one ordered stream,
  so a reaction, edit or delete never overtakes the message it is about, whatever the batching.
- A batch is whatever is waiting (up to ``batch_max``) when a worker is free; while every worker is busy,
  events accumulate into a full batch. At most ``2 × workers`` batches are in flight.
- Results are consumed strictly in submission order by one emitter task, which runs the decision half of
  the pipeline (bot/core/ingest/decision.py: behaviour tracker, flag decision) and hands the writes to the
  write queue (waiting while it is
  full, so backpressure reaches the producers through ``capacity``).
- A worker that dies (or a batch that fails there) costs nothing: that batch is scored in this process, and
  the pool is replaced for the next ones. Scoring is pure, so scoring a batch twice is harmless; the writes
  are made once, by the emitter.
- ``workers=0``, or while the pool is starting, scores in this process, in small batches so the event loop
  stays responsive.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from bot.core.campaigns.matcher import CampaignSet
from bot.core.ingest.analysis import Analyser
from bot.core.ingest.decision import Decider
from bot.core.ingest.models import IncomingEdit, IncomingMessage
from bot.core.ingest.scoring import (
    ItemResult,
    ScoreJob,
    ScoreResult,
    build_job,
    init_worker,
    score_in_worker,
    score_job,
    spam_verdict,
    warm_up,
    with_campaigns,
)
from bot.storage.models import CampaignMentions, GuildConfig, WriteOp

log = logging.getLogger(__name__)

Sink = Callable[[Sequence[WriteOp]], Awaitable[None]]
WorkerFn = Callable[[ScoreJob], ScoreResult]

INLINE_BATCH = 32  # in-process batches stay small: each one holds the event loop while it is scored
MAX_POOL_RESTARTS = 20  # after that many broken pools, keep scoring in this process


class Entry:
    """One event in the stream. ``event`` is an IncomingMessage / IncomingEdit to score, or a WriteOp."""

    __slots__ = ("campaigns", "config", "event", "exempt", "lexicon")

    def __init__(
        self,
        event: IncomingMessage | IncomingEdit | WriteOp,
        config: GuildConfig | None = None,
        lexicon: dict[str, float] | None = None,
        exempt: bool = False,
        campaigns: CampaignSet | None = None,
    ) -> None:
        self.event = event
        self.config = config
        self.lexicon = lexicon
        self.exempt = exempt
        self.campaigns = campaigns  # the server's campaigns to match (None: it has none)


_SCORED_TYPES = (IncomingMessage, IncomingEdit)  # a tuple: isinstance checks it faster than a union


class _Batch:
    __slots__ = ("entries", "executor", "future", "job", "scored")

    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.scored: list[int] = []  # positions of the entries whose text is analysed
        items: list[tuple[str, dict[str, float] | None, bool]] = []
        campaigns: list[CampaignSet | None] = []
        scored = self.scored
        for i, entry in enumerate(entries):
            event = entry.event
            if isinstance(event, _SCORED_TYPES) and event.content.strip():
                scored.append(i)
                items.append((event.content, entry.lexicon, entry.exempt))
                campaigns.append(entry.campaigns)
        self.job: ScoreJob | None = build_job(items) if items else None
        if self.job is not None and any(c is not None for c in campaigns):
            self.job = with_campaigns(self.job, campaigns)
        self.future: asyncio.Future[ScoreResult] | None = None  # None: score in this process
        self.executor: Executor | None = None


def start_method() -> str:
    """forkserver where there is one: workers start from a clean server process, not from a fork of the bot,
    which has threads running (aiosqlite, the executor)."""
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


class ScoringStage:
    def __init__(
        self,
        analyser: Analyser,
        decider: Decider,
        sink: Sink,
        *,
        workers: int = 0,
        batch_max: int = 256,
        capacity: int = 10_000,
        linger: float = 0.005,
        per_worker: int = 2,
        worker_fn: WorkerFn = score_in_worker,
        initializer: Callable[[int], None] = init_worker,
    ) -> None:
        if workers < 0 or batch_max < 1 or capacity < 1:
            raise ValueError("workers must be >= 0, batch_max and capacity >= 1")
        self._analyser = analyser  # batches scored in this process (no workers, or a worker failed)
        self._decider = decider
        self._sink = sink
        self._workers = workers
        self._batch_max = batch_max
        self._capacity = capacity
        self._linger = linger
        self._per_worker = per_worker
        self._last_partial = -1e9
        self._worker_fn = worker_fn
        self._initializer = initializer
        self._pending: deque[Entry] = deque()
        self._inflight: deque[_Batch] = deque()
        self._size = 0  # accepted and not yet in the write queue
        self._room = asyncio.Event()
        self._room.set()
        self._idle = asyncio.Event()
        self._idle.set()
        self._kick_scheduled = False
        self._emitter: asyncio.Task[None] | None = None
        self._executor: ProcessPoolExecutor | None = None
        self._pool_ready = False
        self._pool_settled = asyncio.Event()  # the latest pool's start finished (well or not)
        self._pool_restarts = 0
        self._closed = False
        self.batches_in_workers = 0
        self.batches_in_process = 0
        self.batches_recovered = 0  # failed in a worker, scored here instead

    # -- life cycle ------------------------------------------------------------------------------------------
    @property
    def workers(self) -> int:
        return self._workers

    @property
    def pool_ready(self) -> bool:
        return self._pool_ready

    @property
    def batches_in_flight(self) -> int:
        """Batches formed and not yet handed to the write queue (being scored, or waiting for their turn)."""
        return len(self._inflight)

    def start(self) -> None:
        """Start the worker processes (in the background: until they are up, batches are scored here)."""
        if self._workers > 0 and self._executor is None and not self._closed:
            self._new_pool()

    async def wait_pool_ready(self) -> None:
        """For benchmarks and tests: until the workers answer (returns at once without workers)."""
        if self._executor is not None:
            await self._pool_settled.wait()

    async def drain(self) -> None:
        """Until everything accepted is in the write queue."""
        await self._idle.wait()

    async def close(self) -> None:
        """Drain, then stop the workers."""
        self._closed = True
        await self.drain()
        executor, self._executor = self._executor, None
        self._pool_ready = False
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, True)
        log.info(
            "Scoring stage closed: %d batches scored in workers, %d in process (%d recovered)",
            self.batches_in_workers,
            self.batches_in_process,
            self.batches_recovered,
        )

    def _new_pool(self) -> None:
        context = multiprocessing.get_context(start_method())
        if start_method() == "forkserver":
            # the server imports the scoring code once; every worker forks from it with that done
            context.set_forkserver_preload(["bot.core.ingest.scoring"])
        executor = ProcessPoolExecutor(
            self._workers, mp_context=context, initializer=self._initializer, initargs=(os.getpid(),)
        )
        self._executor = executor
        self._pool_ready = False
        self._pool_settled.clear()
        started = time.perf_counter()
        loop = asyncio.get_running_loop()
        warm = asyncio.gather(*(loop.run_in_executor(executor, warm_up) for _ in range(self._workers)))

        def ready(fut: asyncio.Future[list[int]]) -> None:
            if self._executor is executor:
                self._pool_settled.set()
            if fut.cancelled() or fut.exception() is not None:
                if not fut.cancelled():
                    log.error(
                        "Scoring workers failed to start (%s); scoring in the bot process", fut.exception()
                    )
                return
            if self._executor is executor:
                self._pool_ready = True
                log.info(
                    "%d scoring worker(s) ready in %.1fs",
                    len(set(fut.result())),
                    time.perf_counter() - started,
                )
                self._schedule_kick()

        warm.add_done_callback(ready)

    def _replace_pool(self, broken: Executor | None) -> None:
        executor = self._executor
        if executor is None or broken is not executor:
            return  # already replaced
        executor.shutdown(wait=False)
        self._executor = None
        self._pool_settled.set()
        self._pool_ready = False
        self._pool_restarts += 1
        if self._closed:
            return
        if self._pool_restarts > MAX_POOL_RESTARTS:
            log.error("Scoring workers keep failing; scoring in the bot process from now on")
            return
        log.warning("A scoring worker died; starting new workers (restart %d)", self._pool_restarts)
        self._new_pool()

    # -- intake --------------------------------------------------------------------------------------------
    def has_room(self) -> bool:
        return self._size < self._capacity

    def push_nowait(self, entry: Entry) -> None:
        """Append one event to the stream (the caller checked ``has_room`` or accepts going over)."""
        self._pending.append(entry)
        self._size += 1
        if self._size >= self._capacity:
            self._room.clear()
        self._idle.clear()
        if len(self._pending) == self._batch_max and self._pool_ready:
            # a full batch waits: hand it to a free worker now, not when the producer next yields (a burst
            # pushed without yielding would otherwise leave the workers idle until it ends)
            self._kick()
        elif not self._kick_scheduled:
            self._kick_scheduled = True
            asyncio.get_running_loop().call_soon(self._kick)

    async def push(self, entry: Entry) -> None:
        """Append one event, waiting while the stage is full (never dropping)."""
        while self._size >= self._capacity:
            await self._room.wait()
        self.push_nowait(entry)

    # -- batching ------------------------------------------------------------------------------------------
    def _schedule_kick(self) -> None:
        if not self._kick_scheduled and self._pending:
            self._kick_scheduled = True
            asyncio.get_running_loop().call_soon(self._kick)

    def _kick(self) -> None:
        """Form and submit batches while there is something to do and room for it."""
        self._kick_scheduled = False
        pending = self._pending
        inflight = self._inflight
        pooled = self._executor is not None and self._pool_ready
        if pooled:
            limit, size = self._per_worker * self._workers, self._batch_max
        else:
            limit, size = 2, min(self._batch_max, INLINE_BATCH)
        loop = asyncio.get_running_loop()
        while pending and len(inflight) < limit:
            if pooled and len(pending) < size:
                busy = sum(1 for b in inflight if b.future is not None and not b.future.done())
                if busy >= self._workers:
                    break  # every worker is busy: let a full batch build up meanwhile
                wait = self._last_partial + self._linger - loop.time()
                if wait > 0 and not self._closed:
                    # a steady trickle: one partial batch per linger period, not one per loop turn
                    self._kick_scheduled = True
                    loop.call_later(wait, self._kick)
                    break
                self._last_partial = loop.time()
            n = min(size, len(pending))
            batch = _Batch([pending.popleft() for _ in range(n)])
            if batch.job is not None and pooled:
                assert self._executor is not None
                batch.executor = self._executor
                try:
                    future = loop.run_in_executor(self._executor, self._worker_fn, batch.job)
                except (BrokenProcessPool, RuntimeError):  # broken, or shut down just now: this one here
                    self._replace_pool(self._executor)
                    pooled = False
                else:
                    future.add_done_callback(self._on_scored)
                    batch.future = future
            inflight.append(batch)
            if not pooled:
                break
        if inflight and self._emitter is None:
            self._emitter = asyncio.create_task(self._emit(), name="sentimeter-scoring")

    def _on_scored(self, future: asyncio.Future[ScoreResult]) -> None:
        self._schedule_kick()  # a worker is free: submit what waits

    # -- results, in order ---------------------------------------------------------------------------------
    async def _emit(self) -> None:
        inflight = self._inflight
        try:
            while inflight:
                batch = inflight[0]
                try:
                    result = await self._result(batch)
                    ops = self._finish(batch, result)
                    inflight.popleft()
                    await self._sink(ops)
                except asyncio.CancelledError:
                    raise
                except Exception:  # pragma: no cover - a bug; keep the stream moving
                    log.exception("A batch of %d events could not be written", len(batch.entries))
                    if inflight and inflight[0] is batch:
                        inflight.popleft()
                self._release(len(batch.entries))
                self._schedule_kick()
                if batch.future is None and batch.job is not None:
                    await asyncio.sleep(0)  # scored here: let the loop breathe between batches
        finally:
            self._emitter = None
            if inflight:  # cancelled: nothing more will come out (hard shutdown)
                log.warning("Scoring stage stopped with %d batches unwritten", len(inflight))
            elif self._pending:
                self._schedule_kick()

    async def _result(self, batch: _Batch) -> ScoreResult | None:
        job = batch.job
        if job is None:
            return None
        if batch.future is not None:
            try:
                result = await batch.future
            except BrokenProcessPool:
                log.warning("A scoring worker died with a batch of %d; scoring it here", len(job.items))
                self._replace_pool(batch.executor)
            except Exception:
                log.exception("A batch of %d failed in a scoring worker; scoring it here", len(job.items))
            else:
                self.batches_in_workers += 1
                return result
            self.batches_recovered += 1
        self.batches_in_process += 1
        return score_job(self._analyser, job)

    def _finish(self, batch: _Batch, result: ScoreResult | None) -> list[WriteOp]:
        if result is not None:
            for error in result.errors:
                log.warning("A comment could not be scored (counted unscored): %s", error)
            if len(result.items) != len(batch.scored):
                raise ValueError(f"{len(result.items)} results for {len(batch.scored)} scored events")
        # the analysed entries' results in order: the next one belongs to the next position in batch.scored
        items = iter(result.items if result is not None else ())
        positions = iter(batch.scored)
        next_scored = next(positions, -1)
        # campaigns (issue 15): batch position -> the campaigns its text mentions
        hits = {} if result is None else {batch.scored[k]: ids for k, ids in result.campaign_hits.items()}
        decider = self._decider
        finish_message = decider.finish_message
        ops: list[WriteOp] = []
        append = ops.append
        for i, entry in enumerate(batch.entries):
            event = entry.event
            item: ItemResult | None = None
            if i == next_scored:
                item = next(items)
                next_scored = next(positions, -1)
            try:
                if isinstance(event, IncomingMessage):
                    assert entry.config is not None
                    if item is None:  # not analysed: the tracker works the fingerprint out itself
                        append(finish_message(event, entry.config, entry.exempt, None, None))
                    else:
                        score, spam, fp, feedback, terms = item
                        verdict = None if spam is None else spam_verdict(spam)
                        append(
                            finish_message(
                                event, entry.config, entry.exempt, score, verdict, fp, feedback, terms
                            )
                        )
                elif isinstance(event, IncomingEdit):
                    score, spam, _, feedback, _ = item if item is not None else (None, None, None, None, "")
                    assert entry.config is not None
                    append(
                        decider.finish_edit(
                            event, entry.config, entry.exempt, score, spam_verdict(spam), feedback
                        )
                    )
                else:
                    append(event)
            except Exception:  # pragma: no cover - a bug in the decision half; the old path dropped it too
                log.exception("Dropping an event that could not be processed: %r", event)
                continue
            # campaigns (issue 15): a message's mentions follow it; an edit replaces its message's mentions
            if entry.campaigns is not None and isinstance(event, _SCORED_TYPES):
                edit = isinstance(event, IncomingEdit)
                found = hits.get(i, ())
                if found or edit:
                    append(CampaignMentions(event.guild_id, event.message_id, found, replace=edit))
        return ops

    def _release(self, n: int) -> None:
        self._size -= n
        if self._size < self._capacity:
            self._room.set()
        if self._size == 0:
            self._idle.set()
