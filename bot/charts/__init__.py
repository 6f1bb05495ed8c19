"""Charts as PNG images (issue 15): plain specs in, PNG bytes out; no Discord here.

``specs.py`` says what a chart shows, ``render.py`` draws it with matplotlib, ``theme.py`` holds colours that
read on Discord's dark and light themes. The bot renders through ``bot.app.charts.render_chart``, which runs
``render_png`` in a worker process so the event loop never waits on drawing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.charts.specs import BarChart, Heatmap, Series, Span

if TYPE_CHECKING:
    from bot.charts.render import BAR_SIZE, HEATMAP_SIZE, render_png

__all__ = ["BAR_SIZE", "HEATMAP_SIZE", "BarChart", "Heatmap", "Series", "Span", "render_png"]

_RENDER_NAMES = frozenset({"BAR_SIZE", "HEATMAP_SIZE", "render_png"})


def __getattr__(name: str) -> Any:
    """``render_png`` and the sizes load matplotlib (about a second): only where they are used (the chart
    worker, scripts, tests), never in the bot process, which only builds specs."""
    if name in _RENDER_NAMES:
        from bot.charts import render

        return getattr(render, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
