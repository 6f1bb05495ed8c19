"""Rendering charts off the event loop (issue 15): one worker process draws them, so neither drawing nor the
GIL it holds can delay an interaction, and a crashed or stuck renderer costs a chart, never the bot.

``render_chart(spec)`` is what cogs call. At most ``MAX_WAITING`` charts wait at once (a burst of commands
gets a polite "try again" instead of an unbounded queue); a render that takes longer than ``RENDER_TIMEOUT``
or a worker that died raises :class:`ChartUnavailable`, which the cogs answer without the picture."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from bot.charts.specs import BarChart, Heatmap
from bot.charts.worker import init_chart_worker, render_in_worker, warm_up
from bot.core.ingest.stage import start_method

__all__ = [
    "MAX_WAITING",
    "RENDER_TIMEOUT",
    "ChartRenderer",
    "ChartUnavailable",
    "close_charts",
    "render_chart",
    "warm_charts",
]

log = logging.getLogger(__name__)

MAX_WAITING = 16
RENDER_TIMEOUT = 20.0  # seconds; a 90-day chart takes well under one


class ChartUnavailable(Exception):
    """No picture this time (busy, timed out, or the renderer failed); the answer goes out without it."""


class ChartRenderer:
    def __init__(self, *, max_waiting: int = MAX_WAITING, timeout: float = RENDER_TIMEOUT) -> None:
        self._executor: ProcessPoolExecutor | None = None
        self._slots = asyncio.Semaphore(max_waiting)
        self._max_waiting = max_waiting
        self._waiting = 0
        self._timeout = timeout

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            context = multiprocessing.get_context(start_method())
            self._executor = ProcessPoolExecutor(
                1, mp_context=context, initializer=init_chart_worker, initargs=(os.getpid(),)
            )
        return self._executor

    async def start(self) -> None:
        """Start the worker and draw once, so the first command's chart is quick (else it starts on use)."""
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._pool(), warm_up)
        except (BrokenProcessPool, OSError) as exc:
            log.warning("Chart worker failed to start (%s); charts will be retried on use", exc)
            self._discard()

    async def render(self, spec: BarChart | Heatmap) -> bytes:
        if self._waiting >= self._max_waiting:
            raise ChartUnavailable("busy")
        self._waiting += 1
        try:
            async with self._slots:
                return await self._render(spec)
        finally:
            self._waiting -= 1

    async def _render(self, spec: BarChart | Heatmap) -> bytes:
        loop = asyncio.get_running_loop()
        for attempt in (1, 2):  # a worker that died (OOM-killed, say) is replaced once
            executor = self._pool()
            try:
                future = loop.run_in_executor(executor, render_in_worker, spec)
                return await asyncio.wait_for(future, self._timeout)
            except BrokenProcessPool:
                log.warning("The chart worker died; starting a new one")
                self._discard(executor)
                if attempt == 2:
                    raise ChartUnavailable("worker died") from None
            except TimeoutError:
                log.warning("A chart took longer than %.0fs; restarting the chart worker", self._timeout)
                self._discard(executor, kill=True)
                raise ChartUnavailable("timed out") from None
        raise AssertionError("unreachable")

    def _discard(self, executor: ProcessPoolExecutor | None = None, *, kill: bool = False) -> None:
        executor = executor or self._executor
        if executor is None:
            return
        if executor is self._executor:
            self._executor = None
        if kill:
            for process in list(getattr(executor, "_processes", {}).values()):
                process.kill()
        executor.shutdown(wait=False, cancel_futures=True)

    async def close(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, True, cancel_futures=True)


_renderer: ChartRenderer | None = None


def _default() -> ChartRenderer:
    global _renderer
    if _renderer is None:
        _renderer = ChartRenderer()
    return _renderer


async def render_chart(spec: BarChart | Heatmap) -> bytes:
    """The chart as PNG bytes, drawn in the chart worker; ChartUnavailable when it cannot be drawn now."""
    return await _default().render(spec)


async def warm_charts() -> None:
    """Start the chart worker now (the bot's READY), in the background of everything else."""
    await _default().start()


async def close_charts() -> None:
    """Stop the chart worker (the bot's close)."""
    global _renderer
    renderer, _renderer = _renderer, None
    if renderer is not None:
        await renderer.close()
