"""/campaign add | list | remove | report: sponsors' and campaigns' keywords, matched while comments are
analysed (bot/core/campaigns), and how the campaign was received."""

from __future__ import annotations

import io
import logging
import time
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.app import campaign_embeds
from bot.app.charts import ChartUnavailable, render_chart
from bot.app.context import GuildContext, guild_context
from bot.app.i18n import t
from bot.core.campaigns.inputs import CampaignInputError, local_midnight, parse_campaign
from bot.core.campaigns.matcher import MAX_CAMPAIGNS
from bot.core.campaigns.report import build_report
from bot.core.errors import UserFacingError
from bot.core.timezones import zone_info
from bot.storage._campaigns import CampaignExistsError, CampaignLimitError
from bot.storage.models import Campaign

if TYPE_CHECKING:
    from bot.app.client import Sentimeter

log = logging.getLogger(__name__)


@app_commands.guild_only()
@app_commands.default_permissions(manage_messages=True)
class Campaigns(
    commands.GroupCog,
    group_name=_("campaign"),
    group_description=_("Sponsors and campaigns: mentions and reception"),
):
    def __init__(self, bot: Sentimeter) -> None:
        self.bot = bot
        super().__init__()

    async def _find(self, ctx: GuildContext, name: str) -> Campaign:
        campaign = await self.bot.storage.get_campaign(ctx.guild.id, " ".join(name.split()))
        if campaign is None:
            raise UserFacingError(t("campaign.error.unknown", ctx.locale, name=name[:60]))
        return campaign

    @app_commands.command(name=_("add"), description=_("Follow a campaign's keywords or links"))
    @app_commands.describe(
        name=_("A short name, e.g. 'Kopi Kenangan December'"),
        keywords=_("Keywords, phrases or links separated by commas"),
        start=_("First day, YYYY-MM-DD in the server's time zone (default: today)"),
        end=_("Last day, YYYY-MM-DD (default: open-ended)"),
    )
    async def add(
        self,
        interaction: discord.Interaction[Sentimeter],
        name: str,
        keywords: str,
        start: str | None = None,
        end: str | None = None,
    ) -> None:
        ctx = await guild_context(self.bot, interaction, manage_guild=True)
        try:
            parsed = parse_campaign(
                name, keywords, start, end, timezone=ctx.config.timezone, now=int(time.time())
            )
        except CampaignInputError as exc:
            raise UserFacingError(t(f"campaign.error.{exc.key}", ctx.locale, **exc.values)) from None
        try:
            campaign = await self.bot.campaigns.add(
                ctx.guild.id, parsed.name, parsed.keywords, parsed.starts_at, parsed.ends_at
            )
        except CampaignExistsError:
            raise UserFacingError(t("campaign.error.exists", ctx.locale, name=parsed.name)) from None
        except CampaignLimitError:
            raise UserFacingError(t("campaign.error.limit", ctx.locale, limit=MAX_CAMPAIGNS)) from None
        embed = campaign_embeds.list_embed([campaign], ctx.config.timezone, ctx.locale)
        embed.description = t("campaign.add.done", ctx.locale, name=campaign.name)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name=_("list"), description=_("This server's campaigns"))
    async def list_campaigns(self, interaction: discord.Interaction[Sentimeter]) -> None:
        ctx = await guild_context(self.bot, interaction, manage_messages=True)
        campaigns = await self.bot.campaigns.list(ctx.guild.id)
        embed = campaign_embeds.list_embed(campaigns, ctx.config.timezone, ctx.locale)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name=_("remove"), description=_("Stop following a campaign and delete its figures"))
    @app_commands.describe(name=_("The campaign's name"))
    async def remove(self, interaction: discord.Interaction[Sentimeter], name: str) -> None:
        ctx = await guild_context(self.bot, interaction, manage_guild=True)
        if not await self.bot.campaigns.remove(ctx.guild.id, " ".join(name.split())):
            raise UserFacingError(t("campaign.error.unknown", ctx.locale, name=name[:60]))
        await interaction.response.send_message(
            t("campaign.remove.done", ctx.locale, name=" ".join(name.split())), ephemeral=True
        )

    @app_commands.command(name=_("end"), description=_("End a campaign today and keep its figures"))
    @app_commands.describe(name=_("The campaign's name"))
    async def end(self, interaction: discord.Interaction[Sentimeter], name: str) -> None:
        ctx = await guild_context(self.bot, interaction, manage_guild=True)
        now = int(time.time())
        tomorrow = datetime.fromtimestamp(now, zone_info(ctx.config.timezone)).date() + timedelta(days=1)
        campaign = await self.bot.storage.end_campaign(
            ctx.guild.id, " ".join(name.split()), local_midnight(tomorrow, ctx.config.timezone)
        )
        if campaign is None:
            raise UserFacingError(t("campaign.error.unknown", ctx.locale, name=name[:60]))
        embed = campaign_embeds.list_embed([campaign], ctx.config.timezone, ctx.locale)
        embed.description = t("campaign.end.done", ctx.locale, name=campaign.name)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name=_("report"), description=_("Mentions, members and reception, with a chart"))
    @app_commands.describe(name=_("The campaign's name"))
    async def report(self, interaction: discord.Interaction[Sentimeter], name: str) -> None:
        ctx = await guild_context(self.bot, interaction, manage_messages=True)
        campaign = await self._find(ctx, name)
        await interaction.response.defer(ephemeral=True, thinking=True)
        report = await build_report(self.bot.storage, campaign, int(time.time()), ctx.config.timezone)
        try:
            png: bytes | None = await render_chart(campaign_embeds.report_chart(report, ctx.locale))
        except ChartUnavailable as exc:
            log.warning("Campaign chart not drawn: %s", exc)
            png = None
        embed = campaign_embeds.report_embed(report, ctx.config.timezone, ctx.locale, chart=png is not None)
        if png is None:
            await interaction.followup.send(embed=embed, ephemeral=True)
            return
        file = discord.File(io.BytesIO(png), filename=campaign_embeds.CHART_FILE)
        await interaction.followup.send(embed=embed, file=file, ephemeral=True)

    @end.autocomplete("name")
    @remove.autocomplete("name")
    @report.autocomplete("name")
    async def name_autocomplete(
        self, interaction: discord.Interaction[Sentimeter], current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild is None:
            return []
        needle = current.casefold().strip()
        campaigns = await self.bot.campaigns.list(interaction.guild.id)
        return [
            app_commands.Choice(name=c.name, value=c.name) for c in campaigns if needle in c.name.casefold()
        ][:25]


async def setup(bot: Sentimeter) -> None:
    await bot.add_cog(Campaigns(bot))
