"""/trends [period]: the words and phrases used much more than in the previous period (bot/core/trends).

Term counts cover every channel the bot reads, private ones included, so the answer is for moderators
(Manage Messages) and ephemeral."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.app import embeds
from bot.app.context import guild_context
from bot.app.i18n import t
from bot.app.markdown import escape
from bot.app.options import PERIOD_CHOICES
from bot.app.permissions import has_permissions
from bot.core.errors import UserFacingError
from bot.core.periods import Period
from bot.core.trends.rank import MIN_COUNT, MIN_MESSAGES, TrendReport, rising_terms

if TYPE_CHECKING:
    from bot.app.client import Sentimeter

# "all" has no previous period to compare with
TREND_PERIOD_CHOICES = [c for c in PERIOD_CHOICES if c.value != Period.ALL.value]


def trends_embed(report: TrendReport, locale: str) -> discord.Embed:
    period = embeds.period_label(report.period, locale)
    embed = discord.Embed(title=t("trends.title", locale, period=period), colour=discord.Colour.blurple())
    lines = []
    for i, term in enumerate(report.rising, 1):
        lines.append(
            t(
                "trends.line",
                locale,
                rank=i,
                term=escape(term.term),
                count=embeds.fmt_int(term.count, locale),
                previous=embeds.fmt_int(term.previous, locale),
                ratio=embeds.fmt_decimal(term.ratio, locale, 1),
                sentiment=embeds.fmt_decimal(term.sentiment, locale, signed=True),
            )
        )
    embed.description = "\n".join(lines) if lines else t("trends.nothing_rising", locale)
    embed.set_footer(
        text=t(
            "trends.footer",
            locale,
            messages=embeds.fmt_int(report.messages, locale),
            previous=embeds.fmt_int(report.previous_messages, locale),
            min_count=MIN_COUNT,
        )
    )
    return embed


class Trends(commands.Cog):
    def __init__(self, bot: Sentimeter, *, clock: Callable[[], float] = time.time) -> None:
        self.bot = bot
        self.clock = clock

    @app_commands.command(
        name=_("trends"), description=_("Words and phrases used much more than in the previous period")
    )
    @app_commands.describe(period=_("The time period (default: last 7 days)"))
    @app_commands.choices(period=TREND_PERIOD_CHOICES)
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_messages=True)
    @has_permissions(manage_messages=True)
    async def trends(
        self, interaction: discord.Interaction[Sentimeter], period: str = Period.WEEK.value
    ) -> None:
        ctx = await guild_context(self.bot, interaction, manage_messages=True)
        guild, locale = ctx.guild, ctx.locale
        try:
            chosen = Period(period)
        except ValueError:
            chosen = Period.ALL
        if chosen is Period.ALL:  # not offered; a crafted request
            raise UserFacingError(t("errors.bad_value", locale, value=period[:100]))
        if not await self.bot.storage.trends_enabled(guild.id):
            raise UserFacingError(t("trends.off", locale))
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await rising_terms(self.bot.storage, guild.id, chosen, int(self.clock()))
        if not report.enough_data:
            await interaction.followup.send(
                t(
                    "trends.too_little_data",
                    locale,
                    messages=embeds.fmt_int(report.messages, locale),
                    previous=embeds.fmt_int(report.previous_messages, locale),
                    minimum=MIN_MESSAGES,
                ),
                ephemeral=True,
                allowed_mentions=discord.AllowedMentions.none(),
            )
            return
        await interaction.followup.send(
            embed=trends_embed(report, locale),
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )


async def setup(bot: Sentimeter) -> None:
    await bot.add_cog(Trends(bot))
