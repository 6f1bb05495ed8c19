"""Charts as PNG images (issue 15): plain specs in, PNG bytes out; no Discord here.

``specs.py`` says what a chart shows, ``render.py`` draws it with matplotlib, ``theme.py`` holds colours that
read on Discord's dark and light themes. The bot renders through ``bot.app.charts.render_chart``, which runs
``render_png`` in a worker process so the event loop never waits on drawing."""

from __future__ import annotations

from bot.charts.render import BAR_SIZE, HEATMAP_SIZE, render_png
from bot.charts.specs import BarChart, Heatmap, Series, Span

__all__ = ["BAR_SIZE", "HEATMAP_SIZE", "BarChart", "Heatmap", "Series", "Span", "render_png"]
