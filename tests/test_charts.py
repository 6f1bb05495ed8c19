"""bot/charts and bot/app/charts: valid PNGs of the promised size, colours readable on both Discord themes,
user text drawn literally and bounded, and rendering that happens in another process and can fail alone."""

from __future__ import annotations

import asyncio
import os
import struct
import time

import pytest

from bot.app.charts import ChartRenderer, ChartUnavailable
from bot.charts import BAR_SIZE, HEATMAP_SIZE, BarChart, Heatmap, Series, Span, render_png
from bot.charts.render import _text
from bot.charts.theme import BACKGROUNDS, KIND_COLOURS, PALETTE, TEXT, contrast

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_header(data: bytes) -> tuple[int, int, int]:
    """(width, height, colour type) from the IHDR chunk, after checking the signature and the chunk's CRC."""
    import zlib

    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    body = data[16 : 16 + length]
    (crc,) = struct.unpack(">I", data[16 + length : 20 + length])
    assert zlib.crc32(kind + body) == crc
    width, height, _depth, colour_type = struct.unpack(">IIBB", body[:10])
    assert data.endswith(b"IEND\xaeB`\x82")
    return width, height, colour_type


def trend(days: int = 90, *, title: str = "Messages per day") -> BarChart:
    labels = tuple(f"{d + 1} Mar" for d in range(days))
    return BarChart(
        title,
        labels,
        (
            Series("Positive", tuple(float(d % 7) for d in range(days)), "positive"),
            Series("Neutral", tuple(float(d % 5) for d in range(days)), "neutral"),
            Series("Negative", tuple(float(d % 3) for d in range(days)), "negative"),
        ),
        line=Series("Previous 90 days", tuple(float(d % 11) for d in range(days)), "previous"),
        spans=(Span(10, 20, "during"),),
    )


def heatmap() -> Heatmap:
    values = tuple(tuple(float((r * 24 + c) % 17) for c in range(24)) for r in range(7))
    days = ("Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min")
    return Heatmap("Aktivitas", days, tuple(f"{h:02d}" for h in range(24)), values, caption="Asia/Jakarta")


def test_a_trend_chart_is_a_transparent_png_of_the_promised_size() -> None:
    width, height, colour_type = png_header(render_png(trend()))
    assert (width, height) == BAR_SIZE
    assert colour_type == 6  # RGBA: transparent, so it sits on either theme


def test_a_heatmap_is_a_png_of_the_promised_size() -> None:
    assert png_header(render_png(heatmap()))[:2] == HEATMAP_SIZE


@pytest.mark.parametrize(
    "spec",
    [
        BarChart("Empty", (), ()),
        BarChart("All zero", ("a", "b"), (Series("x", (0.0, 0.0)),)),
        BarChart("Odd values", ("a", "b", "c"), (Series("x", (float("nan"), -3.0, float("inf"))),)),
        Heatmap("Nothing yet", ("Mon",), ("00",), ((0.0,),)),
        BarChart("Topics", ("a",), tuple(Series(f"topic {i}", (float(i),)) for i in range(12))),
    ],
)
def test_degenerate_data_still_draws(spec: BarChart | Heatmap) -> None:
    assert png_header(render_png(spec))[0] in (BAR_SIZE[0], HEATMAP_SIZE[0])


def test_specs_refuse_what_cannot_be_drawn() -> None:
    with pytest.raises(ValueError, match="values for"):
        BarChart("x", ("a", "b"), (Series("s", (1.0,)),))
    with pytest.raises(ValueError, match="at most"):
        BarChart("x", tuple(str(i) for i in range(401)), ())
    with pytest.raises(ValueError, match="rows × columns"):
        Heatmap("x", ("a",), ("b", "c"), ((1.0,),))


def test_user_text_is_literal_one_line_and_bounded() -> None:
    assert _text("win $100 $$") == r"win \$100 \$\$"  # never matplotlib math
    assert _text("a\nb\x00c\u202ed") == "a b c d"
    assert len(_text("x" * 100_000)) == 80
    hostile = BarChart(r"$\frac{a}{b}$" * 1000, ("$" * 500,), (Series("\\" * 300 + "$", (1.0,)),))
    started = time.process_time()
    assert png_header(render_png(hostile))[:2] == BAR_SIZE
    assert time.process_time() - started < 5.0  # bounded text: about as fast as any chart


def test_colours_read_on_dark_and_light_themes() -> None:
    for background in BACKGROUNDS.values():
        assert contrast(TEXT, background) >= 3.0, background
        for colour in (*KIND_COLOURS.values(), *PALETTE):
            assert contrast(colour, background) >= 2.0, (colour, background)  # graphics: large areas
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)


# -- rendering off the event loop ------------------------------------------------------------------------


async def test_charts_render_in_another_process_while_the_loop_runs() -> None:
    renderer = ChartRenderer()
    try:
        ticks = 0
        done = asyncio.Event()

        async def ticker() -> None:
            nonlocal ticks
            while not done.is_set():
                ticks += 1
                await asyncio.sleep(0)

        task = asyncio.create_task(ticker())
        png = await renderer.render(trend())
        done.set()
        await task
        assert png_header(png)[:2] == BAR_SIZE
        assert ticks > 10  # the loop kept running while the worker drew
        worker_pids = list(renderer._pool()._processes)  # type: ignore[attr-defined]
        assert worker_pids and os.getpid() not in worker_pids
    finally:
        await renderer.close()


async def test_a_burst_beyond_the_limit_is_refused_not_queued() -> None:
    renderer = ChartRenderer(max_waiting=1)
    try:
        first = asyncio.create_task(renderer.render(trend()))
        await asyncio.sleep(0)
        with pytest.raises(ChartUnavailable, match="busy"):
            await renderer.render(trend())
        assert png_header(await first)[:2] == BAR_SIZE
    finally:
        await renderer.close()


async def test_a_dead_worker_is_replaced() -> None:
    renderer = ChartRenderer()
    try:
        await renderer.start()
        for process in list(renderer._pool()._processes.values()):  # type: ignore[attr-defined]
            process.kill()
            process.join()
        assert png_header(await renderer.render(heatmap()))[:2] == HEATMAP_SIZE
    finally:
        await renderer.close()


async def test_a_render_past_its_time_costs_the_chart_not_the_renderer() -> None:
    renderer = ChartRenderer(timeout=0.0)
    try:
        with pytest.raises(ChartUnavailable, match="timed out"):
            await renderer.render(trend())
        renderer._timeout = 60.0
        assert png_header(await renderer.render(trend()))[:2] == BAR_SIZE
    finally:
        await renderer.close()


async def test_warming_up_starts_the_worker_before_any_chart() -> None:
    from bot.app import charts

    await charts.close_charts()
    try:
        await charts.warm_charts()
        renderer = charts._default()
        workers = list(renderer._pool()._processes.values())  # type: ignore[attr-defined]
        assert workers and all(p.is_alive() for p in workers)  # up before the first command asks
    finally:
        await charts.close_charts()
    assert charts._renderer is None


def test_the_bot_process_never_loads_matplotlib() -> None:
    """matplotlib costs about a second to import: only the chart worker (and scripts) load it."""
    import subprocess
    import sys

    code = (
        "import sys, bot.app.client, bot.app.charts, cogs.stats, cogs.digest, cogs.campaign, cogs.flags;"
        " print('matplotlib' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
