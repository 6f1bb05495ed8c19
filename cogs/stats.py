"""/stats channel | server | member | activity: engagement and sentiment statistics from the roll-ups, in the
server's time zone, with charts (issue 15) drawn off the event loop."""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.app import embeds
from bot.app.charts import ChartUnavailable, render_chart
from bot.app.context import guild_context
from bot.app.i18n import t
from bot.app.markdown import truncate
from bot.app.options import PERIOD_CHOICES
from bot.app.stat_charts import activity_chart, busiest_label, trend_chart
from bot.charts import BarChart, Heatmap
from bot.core.errors import UserFacingError
from bot.core.periods import Period

if TYPE_CHECKING:
    from bot.app.client import Sentimeter

log = logging.getLogger(__name__)

StatsChannel = (
    discord.TextChannel | discord.VoiceChannel | discord.StageChannel | discord.Thread | discord.ForumChannel
)
STATS_CHANNEL_TYPES = (
    discord.TextChannel,
    discord.VoiceChannel,
    discord.StageChannel,
    discord.Thread,
    discord.ForumChannel,
)

MEMBER_COUNT_TTL = 600  # seconds a fetched member count is reused

# channels whose statistics include their threads (a forum's posts are its threads); a thread's are its own
THREAD_PARENT_TYPES = (discord.TextChannel, discord.ForumChannel)


def _is_private(guild: discord.Guild, channel: StatsChannel) -> bool:
    """Not visible to @everyone (or a private thread)."""
    if isinstance(channel, discord.Thread) and channel.is_private():
        return True
    return not channel.permissions_for(guild.default_role).view_channel


def _period(value: str, locale: str) -> Period:
    """The chosen period; a value that is not one of the choices (a crafted request) is refused politely."""
    try:
        return Period(value)
    except ValueError:
        raise UserFacingError(t("errors.bad_value", locale, value=value[:100])) from None


@app_commands.guild_only()
class Stats(
    commands.GroupCog, group_name=_("stats"), group_description=_("Engagement and sentiment statistics")
):
    def __init__(
        self,
        bot: Sentimeter,
        *,
        clock: Callable[[], float] = time.time,
        render: Callable[[BarChart | Heatmap], Awaitable[bytes]] = render_chart,
    ) -> None:
        self.bot = bot
        self.clock = clock
        self.render = render  # off the event loop (bot/app/charts.py)
        self._member_counts: dict[int, tuple[int, int]] = {}  # guild id -> (count, fetched at)
        super().__init__()

    def _now(self) -> int:
        return int(self.clock())

    @staticmethod
    def _channel_describer(
        guild: discord.Guild,
        viewer: discord.Member | discord.User | discord.Role,
        locale: str,
        *,
        also: discord.Member | discord.User | None = None,
    ) -> Callable[[int], str | None]:
        """Mentions for channels the viewer (and ``also``) can see; others are left out of lists. A public
        reply passes the @everyone role as the viewer."""
        viewers = [v for v in (viewer, also) if v is not None and not isinstance(v, discord.User)]

        def describe(channel_id: int) -> str | None:
            channel = guild.get_channel_or_thread(channel_id)
            if channel is None:
                return t("stats.unknown_channel", locale)
            if any(not channel.permissions_for(v).view_channel for v in viewers):
                return None
            return channel.mention

        return describe

    # A text or forum channel's statistics include its threads (forum posts); a thread's are its own.
    @app_commands.command(name=_("channel"), description=_("Activity and sentiment in one channel"))
    @app_commands.describe(
        channel=_("The channel, thread or forum (default: this channel)"),
        period=_("The time period (default: last 7 days)"),
    )
    @app_commands.choices(period=PERIOD_CHOICES)
    async def channel(
        self,
        interaction: discord.Interaction[Sentimeter],
        channel: StatsChannel | None = None,
        period: str = Period.WEEK.value,
    ) -> None:
        ctx = await guild_context(self.bot, interaction)
        guild, locale = ctx.guild, ctx.locale
        target = channel if channel is not None else interaction.channel
        if not isinstance(target, STATS_CHANNEL_TYPES):
            raise UserFacingError(t("stats.error.channel_type", locale))
        self._check_channel(guild, target, interaction.user, locale)
        chosen = _period(period, locale)
        zone, now = ctx.config.timezone, self._now()

        # a private channel's figures are shown only to the one who asked
        private = _is_private(guild, target)
        await interaction.response.defer(ephemeral=private, thinking=True)
        stats = await self.bot.stats.channel(guild.id, target.id, chosen, now, zone)
        embed = embeds.channel_stats_embed(
            stats,
            locale,
            channel_name=f"#{target.name}",
            channel_mention=target.mention,
            includes_threads=isinstance(target, THREAD_PARENT_TYPES),
        )
        trend = await self.bot.stats.trend(guild.id, target.id, chosen, now, zone)
        title = t(
            "chart.title.trend", locale, place=f"#{target.name}", period=embeds.period_label(chosen, locale)
        )
        file = await self._attach(embed, trend_chart(trend, locale, title=title), "trend.png", locale)
        await interaction.followup.send(embed=embed, ephemeral=private, file=file)

    @app_commands.command(
        name=_("server"), description=_("Activity, sentiment and engagement for the whole server")
    )
    @app_commands.describe(period=_("The time period (default: last 7 days)"))
    @app_commands.choices(period=PERIOD_CHOICES)
    async def server(
        self, interaction: discord.Interaction[Sentimeter], period: str = Period.WEEK.value
    ) -> None:
        ctx = await guild_context(self.bot, interaction)
        guild, locale = ctx.guild, ctx.locale
        chosen = _period(period, locale)

        # The server's figures include every channel. Someone who cannot see some of the channels with
        # data gets them only for their own eyes, with a note saying so; a public reply lists only channels
        # everyone can see.
        hidden = await self._has_hidden_channels(guild, interaction.user)
        await interaction.response.defer(ephemeral=hidden, thinking=True)
        member_count = await self._member_count(guild)
        zone, now = ctx.config.timezone, self._now()
        stats = await self.bot.stats.server(guild.id, chosen, now, member_count, zone)
        viewer: discord.Member | discord.User | discord.Role = (
            interaction.user if hidden else guild.default_role
        )
        embed = embeds.server_stats_embed(
            stats,
            locale,
            guild_name=guild.name,
            describe_channel=self._channel_describer(guild, viewer, locale, also=interaction.user),
        )
        trend = await self.bot.stats.trend(guild.id, None, chosen, now, zone)
        title = t("chart.title.trend", locale, place=guild.name, period=embeds.period_label(chosen, locale))
        file = await self._attach(embed, trend_chart(trend, locale, title=title), "trend.png", locale)
        note = t("stats.server.hidden_channels_note", locale) if hidden else discord.utils.MISSING
        await interaction.followup.send(content=note, embed=embed, ephemeral=hidden, file=file)

    async def _has_hidden_channels(self, guild: discord.Guild, user: discord.Member | discord.User) -> bool:
        """Whether ``user`` cannot see some channel that has stored figures (a channel unknown to the bot,
        e.g. deleted, counts as seen: nobody can see it)."""
        if not isinstance(user, discord.Member):
            return False
        for channel_id in await self.bot.storage.channel_cursors(guild.id):
            channel = guild.get_channel_or_thread(channel_id)
            if channel is not None and not channel.permissions_for(user).view_channel:
                return True
        return False

    async def _member_count(self, guild: discord.Guild) -> int:
        """Discord's current member count. Without the privileged Server Members intent the bot is not told
        about joins and leaves, so the count from connecting goes stale: ask Discord (cached for a while)."""
        now = self._now()
        cached = self._member_counts.get(guild.id)
        if cached is not None and now - cached[1] < MEMBER_COUNT_TTL:
            return cached[0]
        count = guild.member_count or guild.approximate_member_count or 0
        try:
            fresh = await self.bot.fetch_guild(guild.id, with_counts=True)
        except discord.HTTPException as exc:
            log.info("could not fetch the member count of guild %s: %s", guild.id, exc)
        else:
            count = fresh.approximate_member_count or count
        self._member_counts[guild.id] = (count, now)
        return count

    @app_commands.command(name=_("member"), description=_("One member's activity and sentiment (moderators)"))
    @app_commands.describe(member=_("The member"), period=_("The time period (default: last 7 days)"))
    @app_commands.choices(period=PERIOD_CHOICES)
    async def member(
        self,
        interaction: discord.Interaction[Sentimeter],
        member: discord.Member | discord.User,
        period: str = Period.WEEK.value,
    ) -> None:
        ctx = await guild_context(self.bot, interaction, manage_messages=True)
        guild, locale = ctx.guild, ctx.locale
        chosen = _period(period, locale)

        await interaction.response.defer(ephemeral=True, thinking=True)
        stats = await self.bot.stats.member(guild.id, member.id, chosen, self._now(), ctx.config.timezone)
        embed = embeds.member_stats_embed(
            stats,
            locale,
            member_name=member.display_name,
            member_mention=member.mention,
            describe_channel=self._channel_describer(guild, interaction.user, locale),
        )
        await interaction.followup.send(embed=embed, ephemeral=True)

    # -- issue 15: charts and /stats activity ----------------------------------------------------------------
    @staticmethod
    def _check_channel(
        guild: discord.Guild, target: StatsChannel, user: discord.Member | discord.User, locale: str
    ) -> None:
        if target.guild.id != guild.id:
            raise UserFacingError(t("stats.error.other_guild", locale))
        if isinstance(user, discord.Member) and not target.permissions_for(user).view_channel:
            raise UserFacingError(t("stats.error.cannot_view", locale))

    async def _attach(
        self, embed: discord.Embed, spec: BarChart | Heatmap | None, filename: str, locale: str
    ) -> discord.File:
        """The chart as the embed's image (``file=`` for the send); nothing when there is nothing to draw or
        it cannot be drawn now (the figures go out without it, with a note). MISSING: no file to send."""
        if spec is None:
            return discord.utils.MISSING
        try:
            png = await self.render(spec)
        except ChartUnavailable as exc:
            log.info("chart %s not drawn: %s", filename, exc)
            embed.add_field(name="\u200b", value=t("chart.unavailable", locale), inline=False)
            return discord.utils.MISSING
        embed.set_image(url=f"attachment://{filename}")
        return discord.File(io.BytesIO(png), filename=filename)

    @app_commands.command(
        name=_("activity"),
        description=_("When the server (or a channel) is busiest: messages by weekday and hour"),
    )
    @app_commands.describe(
        channel=_("The channel, thread or forum (default: the whole server)"),
        period=_("The time period (default: last 30 days)"),
    )
    @app_commands.choices(period=PERIOD_CHOICES)
    async def activity(
        self,
        interaction: discord.Interaction[Sentimeter],
        channel: StatsChannel | None = None,
        period: str = Period.MONTH.value,
    ) -> None:
        ctx = await guild_context(self.bot, interaction)
        guild, locale = ctx.guild, ctx.locale
        if channel is not None:
            if not isinstance(channel, STATS_CHANNEL_TYPES):
                raise UserFacingError(t("stats.error.channel_type", locale))
            self._check_channel(guild, channel, interaction.user, locale)
        chosen = _period(period, locale)
        zone = ctx.config.timezone
        # like /stats channel and /stats server: figures that include what not everyone may see stay private
        if channel is not None:
            private = _is_private(guild, channel)
        else:
            private = await self._has_hidden_channels(guild, interaction.user)
        await interaction.response.defer(ephemeral=private, thinking=True)
        activity = await self.bot.stats.activity(
            guild.id, None if channel is None else channel.id, chosen, self._now(), zone
        )
        place = t("stats.place.server", locale) if channel is None else f"#{channel.name}"
        period_text = embeds.period_label(chosen, locale)
        embed = discord.Embed(
            title=truncate(t("stats.activity.title", locale, place=place), embeds.TITLE_LIMIT),
            colour=discord.Colour.blurple(),
        )
        busiest = busiest_label(activity, locale)
        if busiest is None:
            embed.description = t("stats.activity.empty", locale)
            await interaction.followup.send(embed=embed, ephemeral=private)
            return
        embed.description = t("stats.activity.busiest", locale, when=busiest, zone=zone)
        embed.set_footer(text=period_text)
        title = t("chart.title.activity", locale, place=place, period=period_text)
        file = await self._attach(
            embed, activity_chart(activity, locale, title=title), "activity.png", locale
        )
        await interaction.followup.send(embed=embed, ephemeral=private, file=file)


async def setup(bot: Sentimeter) -> None:
    await bot.add_cog(Stats(bot))
