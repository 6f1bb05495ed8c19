"""Rendering of `/top posts` and `/top announcements` (bot/core/top.py computes): one embed each, a line per
post with its jump link and counts. Times are Discord timestamps (each reader sees their own time zone); the
period's bounds come from bot.core.top.top_range."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import discord

from bot.app.embeds import fmt_decimal, fmt_int, period_label
from bot.app.i18n import t
from bot.core.export import jump_link
from bot.core.periods import Period
from bot.core.top import Announcements, RankBy, TopPosts

COLOUR = discord.Colour.gold()

Describe = Callable[[int], str]  # channel id -> how a line names it (a mention)


def _when(ts: int) -> str:
    return discord.utils.format_dt(datetime.fromtimestamp(ts, UTC), "d")


def _open(guild_id: int, channel_id: int, message_id: int, locale: str) -> str:
    return f"[{t('top.open', locale)}]({jump_link(guild_id, channel_id, message_id)})"


def top_posts_embed(
    result: TopPosts,
    locale: str,
    *,
    guild_id: int,
    by: RankBy,
    period: Period,
    describe: Describe,
    channel_name: str | None,
) -> discord.Embed:
    by_label = t(f"top.by.{by.value}", locale)
    if channel_name is None:
        title = t("top.posts.title", locale, by=by_label)
    else:
        title = t("top.posts.title_channel", locale, by=by_label, channel=channel_name)
    lines = [
        t(
            "top.posts.line",
            locale,
            rank=rank,
            channel=describe(row.channel_id),
            when=_when(row.created_at),
            reactions=fmt_int(row.reactions, locale),
            replies=fmt_int(row.replies, locale),
            link=_open(guild_id, row.channel_id, row.message_id, locale),
        )
        for rank, row in result.posts
    ]
    description = (
        "\n".join(lines) if lines else t("top.posts.empty", locale, period=period_label(period, locale))
    )
    embed = discord.Embed(title=title, description=description, colour=COLOUR)
    embed.set_footer(text=t("top.posts.footer", locale, period=period_label(period, locale)))
    return embed


def _vs(value: float | None, locale: str) -> str:
    return (
        ""
        if value is None
        else " " + t("top.announcements.vs_median", locale, ratio=fmt_decimal(value, locale, 1))
    )


def announcements_embed(
    result: Announcements,
    locale: str,
    *,
    guild_id: int,
    period: Period,
    channel_name: str,
    staff: int,
) -> discord.Embed:
    lines = []
    for line in result.lines:
        row = line.row
        if row.reactions is None:
            reactions = t("top.announcements.not_counted", locale)
        else:
            reactions = t("top.announcements.reactions", locale, count=fmt_int(row.reactions, locale))
            reactions += _vs(line.reactions_ratio, locale)
        replies = t("top.announcements.replies", locale, count=fmt_int(row.replies, locale))
        replies += _vs(line.replies_ratio, locale)
        state = " · " + t("top.announcements.running", locale) if line.running else ""
        lines.append(
            t(
                "top.announcements.line",
                locale,
                when=_when(row.created_at),
                link=_open(guild_id, row.channel_id, row.message_id, locale),
                reactions=reactions,
                replies=replies,
            )
            + state
        )
    label = period_label(period, locale)
    if not lines:
        description = t("top.announcements.empty", locale, channel=channel_name, period=label)
    else:
        description = "\n".join(lines)
    embed = discord.Embed(
        title=t("top.announcements.title", locale, channel=channel_name),
        description=description,
        colour=COLOUR,
    )
    if result.compared:
        median_reactions = (
            t("common.none", locale)
            if result.median_reactions is None
            else fmt_decimal(result.median_reactions, locale, 1)
        )
        median_replies = fmt_decimal(result.median_replies or 0.0, locale, 1)
        embed.add_field(
            name=t("top.announcements.median", locale, posts=fmt_int(result.compared, locale)),
            value=t(
                "top.announcements.median_value", locale, reactions=median_reactions, replies=median_replies
            ),
            inline=False,
        )
    embed.set_footer(text=t("top.announcements.footer", locale, period=label, staff=fmt_int(staff, locale)))
    return embed
