"""`/campaign` rendering (issue 15): the list and report embeds and the report's chart spec, every text
localised; the numbers come from bot/core/campaigns/report.py."""

from __future__ import annotations

from datetime import date, datetime

import discord

from bot.app.embeds import COLOUR_INFO, fmt_decimal, fmt_int, fmt_ratio
from bot.app.i18n import t
from bot.app.markdown import escape, truncate
from bot.charts import BarChart, Series, Span
from bot.core.campaigns.report import CampaignReport, SpanActivity
from bot.core.timezones import zone_info
from bot.storage.models import Campaign

FIELD_LIMIT = 1024
CHART_FILE = "campaign.png"


def day_label(day: date, locale: str) -> str:
    months = t("campaign.months", locale).split(",")
    return f"{day.day} {months[day.month - 1]}"


def _date(ts: int, timezone: str) -> str:
    return datetime.fromtimestamp(ts, zone_info(timezone)).date().isoformat()


def dates(campaign: Campaign, timezone: str, locale: str) -> str:
    start = _date(campaign.starts_at, timezone)
    if campaign.ends_at is None:
        return t("campaign.dates.open", locale, start=start, zone=timezone)
    # the end is the midnight after the last day
    return t(
        "campaign.dates.range", locale, start=start, end=_date(campaign.ends_at - 1, timezone), zone=timezone
    )


def keywords_text(campaign: Campaign) -> str:
    return truncate(", ".join(escape(k) for k in campaign.keywords), FIELD_LIMIT)


def list_embed(campaigns: list[Campaign], timezone: str, locale: str) -> discord.Embed:
    embed = discord.Embed(title=t("campaign.list.title", locale), colour=COLOUR_INFO)
    if not campaigns:
        embed.description = t("campaign.list.empty", locale)
        return embed
    for c in campaigns[:25]:
        embed.add_field(
            name=truncate(c.name, 256),
            value=truncate(f"{dates(c, timezone, locale)}\n{keywords_text(c)}", FIELD_LIMIT),
            inline=False,
        )
    return embed


def _span_line(key: str, span: SpanActivity | None, locale: str) -> str:
    name = t(f"campaign.span.{key}", locale)
    if span is None:
        return t("campaign.report.span_pending", locale, span=name)
    mean = span.mean_compound
    return t(
        "campaign.report.span",
        locale,
        span=name,
        per_day=fmt_decimal(span.per_day, locale, 1),
        sentiment=t("common.none", locale) if mean is None else fmt_decimal(mean, locale, 3, signed=True),
    )


def report_embed(report: CampaignReport, timezone: str, locale: str, *, chart: bool) -> discord.Embed:
    c = report.campaign
    embed = discord.Embed(
        title=truncate(t("campaign.report.title", locale, name=c.name), 256),
        description=dates(c, timezone, locale),
        colour=COLOUR_INFO,
    )
    embed.add_field(name=t("campaign.report.mentions", locale), value=fmt_int(report.total_mentions, locale))
    embed.add_field(name=t("campaign.report.members", locale), value=fmt_int(report.unique_members, locale))
    scored = report.total_positive + report.total_neutral + report.total_negative
    share = (lambda n: n / scored) if scored else (lambda n: None)
    mean = report.mean_compound
    embed.add_field(
        name=t("campaign.report.sentiment", locale),
        value=t(
            "campaign.report.sentiment_value",
            locale,
            positive=fmt_ratio(share(report.total_positive), locale),
            neutral=fmt_ratio(share(report.total_neutral), locale),
            negative=fmt_ratio(share(report.total_negative), locale),
            mean=t("common.none", locale) if mean is None else fmt_decimal(mean, locale, 3, signed=True),
        ),
        inline=False,
    )
    lines = [
        _span_line("before", report.before, locale),
        _span_line("during", report.during, locale),
        _span_line("after", report.after, locale),
    ]
    embed.add_field(name=t("campaign.report.server", locale), value="\n".join(lines), inline=False)
    embed.add_field(name=t("campaign.report.keywords", locale), value=keywords_text(c), inline=False)
    embed.set_footer(text=t("campaign.report.footer", locale))
    if chart:
        embed.set_image(url=f"attachment://{CHART_FILE}")
    return embed


def report_chart(report: CampaignReport, locale: str) -> BarChart:
    other = tuple(
        max(0, m - p - u - n)
        for m, p, u, n in zip(report.mentions, report.positive, report.neutral, report.negative, strict=True)
    )
    spans = tuple(
        Span(start, end, t(f"campaign.span.{key}", locale))
        for key, (start, end) in zip(("before", "during", "after"), report.span_days, strict=True)
        if end > start
    )
    return BarChart(
        title=t("campaign.chart.title", locale, name=report.campaign.name),
        labels=tuple(day_label(d, locale) for d in report.days),
        series=(
            Series(t("campaign.chart.positive", locale), tuple(map(float, report.positive)), "positive"),
            Series(t("campaign.chart.neutral", locale), tuple(map(float, report.neutral)), "neutral"),
            Series(t("campaign.chart.negative", locale), tuple(map(float, report.negative)), "negative"),
            Series(t("campaign.chart.other", locale), tuple(map(float, other)), "spam"),
        ),
        spans=spans,
        y_label=t("campaign.chart.y", locale),
    )
