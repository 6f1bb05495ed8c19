"""bot/app/stat_charts: the statistics as localised chart specs (labels in the server's zone and language, the
flags chart's legend bounded), and the PNG each one draws."""

from __future__ import annotations

import struct
from datetime import date

from bot.app.stat_charts import MAX_TOPICS, activity_chart, flag_topics_chart, trend_chart
from bot.charts import BAR_SIZE, HEATMAP_SIZE, render_png
from bot.core.stats import Activity, TopicTrend, Trend, TrendBin


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_trend_labels_are_local_weekdays_and_weeks_and_the_png_is_bar_sized() -> None:
    bins = tuple(TrendBin(date(2026, 3, 2 + d), 1, None, 10 + d, 5, 3, 1, 1) for d in range(7))
    trend = Trend("Asia/Jakarta", False, 1, bins, previous=(4, 4, 4, 4, 4, 4, 4))
    spec = trend_chart(trend, "id", title="Pesan")
    assert spec is not None
    assert spec.labels[:2] == ("Sen 2", "Sel 3")  # 2 March 2026 was a Monday
    assert [s.kind for s in spec.series] == ["positive", "neutral", "negative", "spam"]
    assert spec.series[3].values[0] == 1  # messages - positive - neutral - negative
    assert spec.line is not None and spec.line.kind == "previous" and spec.line.name == "Periode sebelumnya"
    assert png_size(render_png(spec)) == BAR_SIZE

    weekly = Trend("UTC", False, 7, (TrendBin(date(2026, 8, 3), 7, None, 3, 1, 1, 1, 0),), None)
    spec = trend_chart(weekly, "id", title="x")
    assert spec is not None and spec.labels == ("3 Agu",) and spec.line is None
    assert len(spec.series) == 3  # nothing outside the mix: no fourth layer

    # 24 hours: hour labels in the zone (+05:30: the UTC hour 18:00 starts at 23:30)
    hourly = Trend(
        "Asia/Kolkata", True, 1, (TrendBin(date(2026, 3, 1), 1, 1_772_388_000, 1, 1, 0, 0, 0),), None
    )
    spec = trend_chart(hourly, "en", title="x")
    assert spec is not None and spec.labels == ("23:00",)

    empty = Trend("UTC", False, 1, (TrendBin(date(2026, 3, 2), 1, None, 0, 0, 0, 0, 0),), None)
    assert trend_chart(empty, "en", title="x") is None


def test_heatmap_rows_are_localised_weekdays_with_the_busiest_slot() -> None:
    counts = [[0] * 24 for _ in range(7)]
    counts[4][20] = 9
    activity = Activity("Asia/Jakarta", tuple(tuple(r) for r in counts), (4, 20), 9)
    spec = activity_chart(activity, "en", title="When")
    assert spec.rows[0] == "Mon" and spec.rows[4] == "Fri" and spec.columns[20] == "20"
    assert spec.values[4][20] == 9.0
    assert spec.caption == "Busiest: Fri 20:00–21:00 · Times in Asia/Jakarta"
    assert png_size(render_png(spec)) == HEATMAP_SIZE


def test_flags_chart_keeps_the_most_frequent_topics_and_folds_the_rest_into_other() -> None:
    topics = ("audio", "schedule", "merch", "video", "content", "tech", "ads", "other")
    series = tuple((topic, (8 - i, 1)) for i, topic in enumerate(topics))
    spec = flag_topics_chart(
        TopicTrend("UTC", 1, (date(2026, 3, 2), date(2026, 3, 3)), series), "en", title="x"
    )
    assert spec is not None
    names = [s.name for s in spec.series]
    assert names == ["audio", "schedule", "merch and prices", "video", "content", "other"]
    assert len(spec.series) == MAX_TOPICS + 1
    assert spec.series[-1].values == (3.0 + 2.0 + 1.0, 3.0)  # tech, ads and other
    assert sum(sum(s.values) for s in spec.series) == sum(sum(v) for _, v in series)
    assert flag_topics_chart(TopicTrend("UTC", 1, (), ()), "en", title="x") is None
