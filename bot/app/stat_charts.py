"""Chart specs for /stats and /flags summary (issue 15): the statistics of ``bot.core.stats`` as localised
``bot.charts`` specs, in the server's time zone. Pure (no Discord); ``scripts/make_chart_pictures.py`` uses
the same functions for the README's pictures."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.app.i18n import t
from bot.charts import BarChart, Heatmap, Series
from bot.core.stats import Activity, TopicTrend, Trend
from bot.core.timezones import zone_info

MAX_TOPICS = 5  # topics drawn on their own in the flags chart; the rest as "other"

__all__ = ["activity_chart", "busiest_label", "day_label", "flag_topics_chart", "trend_chart", "weekday_name"]


def weekday_name(weekday: int, locale: str) -> str:
    """Monday = 0, short: "Mon" / "Sen"."""
    return t(f"chart.weekday.{weekday}", locale)


def day_label(day: date, locale: str, *, weekday: bool) -> str:
    """ "Mon 3" for days of a short period, "3 Mar" (first day) for weeks."""
    if weekday:
        return t("chart.label.day", locale, weekday=weekday_name(day.weekday(), locale), day=day.day)
    return t("chart.label.date", locale, day=day.day, month=t(f"chart.month.{day.month}", locale))


def _hour_text(hour: int) -> str:
    return f"{hour:02d}:00"


def trend_chart(trend: Trend, locale: str, *, title: str) -> BarChart | None:
    """Messages per day (hour, week) with the sentiment mix stacked and the previous period as a line; None
    when there is nothing to draw."""
    if not trend.bins or not any(b.messages for b in trend.bins):
        return None
    zone = zone_info(trend.zone)
    if trend.hourly:
        labels = tuple(
            _hour_text(datetime.fromtimestamp(b.hour or 0, UTC).astimezone(zone).hour) for b in trend.bins
        )
    else:
        labels = tuple(day_label(b.first_day, locale, weekday=trend.step_days == 1) for b in trend.bins)
    series = [
        Series(t("chart.series.positive", locale), tuple(float(b.positive) for b in trend.bins), "positive"),
        Series(t("chart.series.neutral", locale), tuple(float(b.neutral) for b in trend.bins), "neutral"),
        Series(t("chart.series.negative", locale), tuple(float(b.negative) for b in trend.bins), "negative"),
    ]
    if any(b.other for b in trend.bins):
        series.append(
            Series(t("chart.series.other", locale), tuple(float(b.other) for b in trend.bins), "spam")
        )
    line = None
    if trend.previous is not None:
        line = Series(t("chart.series.previous", locale), tuple(float(v) for v in trend.previous), "previous")
    unit = (
        "hour"
        if trend.hourly
        else "day"
        if trend.step_days == 1
        else "week"
        if trend.step_days == 7
        else "bin"
    )
    return BarChart(
        title=title,
        labels=labels,
        series=tuple(series),
        line=line,
        y_label=t(f"chart.y.messages_per_{unit}", locale, days=trend.step_days),
    )


def busiest_label(activity: Activity, locale: str) -> str | None:
    """ "Fri 20:00–21:00", or None without messages."""
    if activity.busiest is None:
        return None
    weekday, hour = activity.busiest
    return t(
        "chart.busiest",
        locale,
        weekday=weekday_name(weekday, locale),
        start=_hour_text(hour),
        end=_hour_text((hour + 1) % 24),
    )


def activity_chart(activity: Activity, locale: str, *, title: str) -> Heatmap:
    """Messages by weekday (rows, Monday first) and local hour (columns)."""
    busiest = busiest_label(activity, locale)
    caption = t("chart.caption.zone", locale, zone=activity.zone)
    if busiest is not None:
        caption = f"{t('chart.caption.busiest', locale, when=busiest)} · {caption}"
    return Heatmap(
        title=title,
        rows=tuple(weekday_name(d, locale) for d in range(7)),
        columns=tuple(f"{h:02d}" for h in range(24)),
        values=tuple(tuple(float(v) for v in row) for row in activity.counts),
        caption=caption,
    )


def flag_topics_chart(topics: TopicTrend, locale: str, *, title: str) -> BarChart | None:
    """Negative-feedback flags per day (or week) stacked by topic, named as /flags summary names them."""
    if not topics.series:
        return None
    labels = tuple(day_label(d, locale, weekday=topics.step_days == 1) for d in topics.first_days)
    # the most frequent topics on their own, the rest (and "other" itself) as "other": a legend that fits
    named = [(topic, values) for topic, values in topics.series if topic != "other"]
    kept, rest = named[:MAX_TOPICS], [v for _, v in named[MAX_TOPICS:]]
    rest += [values for topic, values in topics.series if topic == "other"]
    if rest:
        kept.append(("other", tuple(sum(column) for column in zip(*rest, strict=True))))
    series = tuple(
        Series(t(f"topic.{topic}", locale), tuple(float(v) for v in values)) for topic, values in kept
    )
    unit = "day" if topics.step_days == 1 else "week" if topics.step_days == 7 else "bin"
    return BarChart(
        title=title,
        labels=labels,
        series=series,
        y_label=t(f"chart.y.flags_per_{unit}", locale, days=topics.step_days),
    )
