"""Specs to PNG bytes with matplotlib's object API (no pyplot, so no global figure state; safe in a worker).

Pure and synchronous: the bot calls it through ``bot.app.charts.render_chart`` in a worker process, scripts
and benchmarks call it directly. Every text is drawn literally (no math mode: a ``$`` in a campaign name is
a dollar sign) and shortened, so user-given names can neither break nor slow a chart."""

from __future__ import annotations

import io
import math
import unicodedata

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from bot.charts.specs import BarChart, Heatmap, Series
from bot.charts.theme import GRID, KIND_COLOURS, PALETTE, TEXT, heat_colour

__all__ = ["BAR_SIZE", "HEATMAP_SIZE", "render_png"]

BAR_SIZE = (1000, 500)  # pixels
HEATMAP_SIZE = (1000, 420)
_DPI = 100
_MAX_TEXT = 80
_MAX_TICKS = 12
_LEGEND_COLUMNS = 6


def render_png(spec: BarChart | Heatmap) -> bytes:
    """The chart as PNG bytes (transparent background, BAR_SIZE or HEATMAP_SIZE pixels)."""
    if isinstance(spec, Heatmap):
        fig = _figure(HEATMAP_SIZE)
        _draw_heatmap(fig, spec)
    else:
        fig = _figure(BAR_SIZE)
        _draw_bars(fig, spec)
    buffer = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buffer, metadata={"Software": None})
    return buffer.getvalue()


def _figure(size: tuple[int, int]) -> Figure:
    # Fixed margins: a layout engine would cost more than the drawing itself.
    fig = Figure(figsize=(size[0] / _DPI, size[1] / _DPI), dpi=_DPI)
    fig.subplots_adjust(left=0.07, right=0.985, top=0.86, bottom=0.1)
    fig.patch.set_alpha(0.0)
    return fig


def _text(value: str) -> str:
    """Literal, one line, bounded: control characters dropped, ``$`` escaped for matplotlib's math parser."""
    cleaned = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in value[: _MAX_TEXT * 2])
    cleaned = " ".join(cleaned.split())
    if len(cleaned) > _MAX_TEXT:
        cleaned = cleaned[: _MAX_TEXT - 1] + "…"
    return cleaned.replace("$", r"\$")


def _style(ax: Axes, title: str) -> None:
    ax.set_title(_text(title), color=TEXT, fontsize=15, fontweight="bold", loc="left", pad=28)
    ax.patch.set_alpha(0.0)
    ax.tick_params(colors=TEXT, labelsize=11)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(TEXT)


def _colours(series: tuple[Series, ...]) -> list[str]:
    colours, next_colour = [], 0
    for s in series:
        if s.kind in KIND_COLOURS:
            colours.append(KIND_COLOURS[s.kind])
        else:
            colours.append(PALETTE[next_colour % len(PALETTE)])
            next_colour += 1
    return colours


def _draw_bars(fig: Figure, spec: BarChart) -> None:
    ax = fig.add_subplot()
    _style(ax, spec.title)
    n = len(spec.labels)
    xs = list(range(n))
    width = 0.8 if n <= 60 else 0.95
    for i, span in enumerate(spec.spans):
        start, end = max(span.start, 0), min(span.end, n)
        if start < end:  # neighbouring spans alternate in shade, with a line where one starts
            ax.axvspan(start - 0.5, end - 0.5, color=TEXT, alpha=0.16 if i % 2 else 0.06, linewidth=0)
            if start > 0:
                ax.axvline(start - 0.5, color=TEXT, alpha=0.6, linewidth=1, linestyle=":")
            ax.text(
                (start + end - 1) / 2, 0.98, _text(span.label), transform=ax.get_xaxis_transform(),
                ha="center", va="top", color=TEXT, fontsize=10,
            )  # fmt: skip
    bottoms = [0.0] * n
    handles: list[Artist] = []
    for s, colour in zip(spec.series, _colours(spec.series), strict=True):
        values = [v if math.isfinite(v) and v > 0 else 0.0 for v in s.values]
        # One collection per series: a patch per bar (ax.bar) costs more than the rest of the chart together.
        half = width / 2
        boxes = [
            ((x - half, b), (x - half, b + v), (x + half, b + v), (x + half, b))
            for x, b, v in zip(xs, bottoms, values, strict=True)
            if v > 0
        ]
        ax.add_collection(PolyCollection(boxes, facecolors=colour, linewidths=0))
        handles.append(Patch(color=colour, label=_text(s.name)))
        bottoms = [b + v for b, v in zip(bottoms, values, strict=True)]
    if spec.line is not None:
        colour = KIND_COLOURS.get(spec.line.kind, KIND_COLOURS["previous"])
        values = [v if math.isfinite(v) else 0.0 for v in spec.line.values]
        (line,) = ax.plot(
            xs, values, color=colour, alpha=0.7, linewidth=2, linestyle="--", label=_text(spec.line.name)
        )
        handles.insert(0, line)
    step = max(1, math.ceil(n / _MAX_TICKS))
    ax.set_xticks(xs[::step], [_text(label) for label in spec.labels[::step]])
    ax.set_xlim(-0.6, max(n, 1) - 0.4)
    top = max([*bottoms, *(spec.line.values if spec.line else ()), 0.0])
    ax.set_ylim(0, top * (1.12 if spec.spans else 1.04) if top > 0 else 1)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(axis="y", color=GRID, alpha=0.25, linewidth=0.8)
    ax.set_axisbelow(True)
    if spec.y_label:
        ax.set_ylabel(_text(spec.y_label), color=TEXT, fontsize=11)
    if handles:
        # Under the title, left-aligned, up to _LEGEND_COLUMNS a row: a long legend wraps instead of running
        # into the title, and the plot gives up the height of the extra rows.
        rows = math.ceil(len(handles) / _LEGEND_COLUMNS)
        fig.subplots_adjust(top=0.86 - 0.05 * (rows - 1))
        ax.set_title(ax.get_title(loc="left"), loc="left", pad=8 + 19 * rows, color=TEXT, fontsize=15,
                     fontweight="bold")  # fmt: skip
        legend = ax.legend(
            handles=handles,
            loc="lower left",
            bbox_to_anchor=(0.0, 1.0),
            frameon=False,
            fontsize=10,
            ncols=min(_LEGEND_COLUMNS, len(handles)),
            borderaxespad=0.2,
        )
        for text in legend.get_texts():
            text.set_color(TEXT)


def _draw_heatmap(fig: Figure, spec: Heatmap) -> None:
    ax = fig.add_subplot()
    _style(ax, spec.title)
    rows, columns = len(spec.rows), len(spec.columns)
    peak = max((v for row in spec.values for v in row if math.isfinite(v)), default=0.0)
    image = [
        [heat_colour(v / peak if peak > 0 and math.isfinite(v) else 0.0) for v in row] for row in spec.values
    ]
    ax.imshow(image, aspect="auto", interpolation="nearest")
    ax.set_xticks(range(columns), [_text(c) for c in spec.columns])
    ax.set_yticks(range(rows), [_text(r) for r in spec.rows])
    ax.tick_params(length=0)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    if peak > 0 and rows * columns <= 7 * 24:
        for r, row in enumerate(spec.values):
            for c, v in enumerate(row):
                if v > 0 and v >= peak * 0.5:
                    label = f"{v:.0f}" if v < 1000 else f"{v / 1000:.1f}k"
                    ax.text(c, r, label, ha="center", va="center", color="#FFFFFF", fontsize=8)
    if spec.caption:
        ax.set_xlabel(_text(spec.caption), color=TEXT, fontsize=11)
