"""The digest post: a Components V2 layout (``LayoutView``) built from a ``bot.core.digest.Digest``.

Only figures, jump links and localised labels: no member's text or name. The layout's container carries
``DIGEST_MARK`` as its component id and its heading the slot (``slot_mark``), so the scheduler can recognise
its own post of a given week in a channel's history, whatever the clocks say."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import discord

from bot.app.embeds import fmt_change, fmt_int, sentiment_mix, with_change
from bot.app.i18n import t
from bot.charts import BarChart, Series
from bot.core.digest import Digest, change_pct, stacked

DIGEST_MARK = 150_006  # the container's component id on every digest post
CHART_NAME = "digest.png"
ACCENT = discord.Colour(0x5865F2)
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def slot_mark(moment: float) -> int:
    """The heading's component id: the slot in minutes since 1970 (fits Discord's 32-bit ids until 5800)."""
    return int(moment) // 60


def day_label(day: date, locale: str) -> str:
    """``Mon 30`` in the locale's weekday names."""
    return f"{t('digest.weekday.' + WEEKDAY_KEYS[day.weekday()], locale)} {day.day}"


def week_label(digest: Digest, locale: str) -> str:
    first, last = digest.week.days[0], digest.week.days[-1]
    return t("digest.week", locale, start=first.isoformat(), end=last.isoformat())


def chart_spec(digest: Digest, locale: str) -> BarChart:
    """The week's trend chart (bot.charts.BarChart): the sentiment mix and spam stacked per day, the week
    before as a faint line."""
    kinds = stacked(digest.days)
    series = tuple(Series(t(f"digest.chart.{kind}", locale), values, kind) for kind, values in kinds.items())
    line = Series(
        t("digest.chart.previous", locale), tuple(float(n) for n in digest.previous_days), "previous"
    )
    return BarChart(
        title=t("digest.chart.title", locale),
        labels=tuple(day_label(d, locale) for d in digest.week.days),
        series=series,
        line=line,
        y_label=t("digest.chart.y_label", locale),
    )


def _valued(now: int, before: int, locale: str) -> str:
    """``1,234 (▲ 5.0%)``."""
    return with_change(fmt_int(now, locale), fmt_change(change_pct(now, before), locale))


def _totals_text(digest: Digest, locale: str) -> str:
    now, before = digest.totals, digest.previous
    members = _valued(digest.active_members, digest.previous_active_members, locale)
    lines = [
        t("digest.totals.messages", locale, value=_valued(now.messages, before.messages, locale)),
        t("digest.totals.members", locale, value=members),
        t(
            "digest.totals.engagement",
            locale,
            replies=_valued(now.replies, before.replies, locale),
            reactions=_valued(now.reactions, before.reactions, locale),
        ),
        t("digest.totals.mix", locale, mix=sentiment_mix(now, locale)),
    ]
    return "\n".join(f"- {line}" for line in lines)


def _top_posts_text(digest: Digest, locale: str) -> str:
    if not digest.top_posts:
        return t("digest.top.none", locale)
    lines = []
    for rank, post in enumerate(digest.top_posts, start=1):
        link = f"https://discord.com/channels/{digest.guild_id}/{post.channel_id}/{post.message_id}"
        counts = t(
            "digest.top.counts",
            locale,
            reactions=fmt_int(post.reactions, locale),
            replies=fmt_int(post.replies, locale),
        )
        lines.append(f"{rank}. {link} · {counts}")
    return "\n".join(lines)


def _topics_text(digest: Digest, locale: str) -> str:
    if not digest.topics:
        return t("digest.topics.none", locale)
    lines = []
    for topic, count, before in digest.topics:
        name = t(f"topic.{topic}", locale)
        value = _valued(count, before, locale)
        lines.append(f"- {name}: {value}")
    return "\n".join(lines)


def _rising_text(digest: Digest, locale: str) -> str:
    if digest.rising is None:
        return t("digest.rising.off", locale)
    if not digest.rising:
        return t("digest.rising.none", locale)
    return "\n".join(
        f"- {discord.utils.escape_markdown(term.term)}: {fmt_int(term.count, locale)}"
        f" ({fmt_int(term.previous, locale)})"
        for term in digest.rising
    )


def digest_layout(digest: Digest, locale: str, *, chart: bool, moment: float) -> discord.ui.LayoutView:
    """The post made at ``moment`` (``chart``: the PNG is attached as ``CHART_NAME``)."""
    sep = discord.ui.Separator
    items: list[discord.ui.Item[Any]] = [
        discord.ui.TextDisplay(
            f"## {t('digest.title', locale)}\n{week_label(digest, locale)}", id=slot_mark(moment)
        ),
        discord.ui.TextDisplay(_totals_text(digest, locale)),
    ]
    if chart:
        items.append(discord.ui.MediaGallery(discord.MediaGalleryItem(f"attachment://{CHART_NAME}")))
    items += [
        sep(),
        discord.ui.TextDisplay(f"### {t('digest.top.title', locale)}\n{_top_posts_text(digest, locale)}"),
        sep(),
        discord.ui.TextDisplay(f"### {t('digest.topics.title', locale)}\n{_topics_text(digest, locale)}"),
        sep(),
        discord.ui.TextDisplay(f"### {t('digest.rising.title', locale)}\n{_rising_text(digest, locale)}"),
        sep(),
        discord.ui.TextDisplay(
            f"### {t('digest.flags.title', locale)}\n"
            + t(
                "digest.flags.text",
                locale,
                open=fmt_int(digest.open_flags, locale),
                week=fmt_int(digest.flags_this_week, locale),
            )
        ),
        discord.ui.TextDisplay("-# " + t("digest.footer", locale, zone=digest.zone)),
    ]
    view = discord.ui.LayoutView(timeout=None)
    view.add_item(discord.ui.Container(*items, accent_colour=ACCENT, id=DIGEST_MARK))
    return view


def chart_file(png: bytes) -> discord.File:
    return discord.File(io.BytesIO(png), filename=CHART_NAME)


def is_digest_post(message: discord.Message, slot: int) -> bool:
    """A message carrying the digest's container with the heading of ``slot``."""
    for top in message.components:
        if getattr(top, "id", None) == DIGEST_MARK:
            return any(getattr(c, "id", None) == slot_mark(slot) for c in getattr(top, "children", ()))
    return False
