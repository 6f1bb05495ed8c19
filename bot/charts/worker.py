"""The chart worker process: initialised once (matplotlib imported, Ctrl-C left to the bot, lower priority
than the event loop), and gone when the bot is gone, even killed."""

from __future__ import annotations

import contextlib
import os
import signal
import threading

from bot.charts.specs import BarChart, Heatmap
from bot.core.ingest.scoring import WORKER_NICENESS, _watch_bot

__all__ = ["init_chart_worker", "render_in_worker", "warm_up"]


def init_chart_worker(bot_pid: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(WORKER_NICENESS)
    threading.Thread(target=_watch_bot, args=(bot_pid,), name="watch-bot", daemon=True).start()


def warm_up() -> int:
    """Draw a tiny chart once, so the first real one does not pay for font loading."""
    from bot.charts.render import render_png  # matplotlib: in the worker only

    render_png(Heatmap("", ("",), ("",), ((0.0,),)))
    return os.getpid()


def render_in_worker(spec: BarChart | Heatmap) -> bytes:
    from bot.charts.render import render_png

    return render_png(spec)
