"""The chart worker process: initialised once (matplotlib imported, Ctrl-C left to the bot, lower priority
than the event loop), and gone when the bot is gone, even killed."""

from __future__ import annotations

import os

from bot.charts.specs import BarChart, Heatmap
from bot.core.ingest.scoring import follow_bot

__all__ = ["init_chart_worker", "render_in_worker", "warm_up"]


def init_chart_worker(bot_pid: int) -> None:
    follow_bot(bot_pid)


def warm_up() -> int:
    """Draw a tiny chart once, so the first real one does not pay for font loading."""
    from bot.charts.render import render_png  # matplotlib: in the worker only

    render_png(Heatmap("", ("",), ("",), ((0.0,),)))
    return os.getpid()


def render_in_worker(spec: BarChart | Heatmap) -> bytes:
    from bot.charts.render import render_png

    return render_png(spec)
