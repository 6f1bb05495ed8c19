"""/digest set | off | preview (Manage Server): a weekly post of the server's figures, in its own zone."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.app.context import guild_context
from bot.app.errors import NO_PINGS
from bot.app.i18n import t
from bot.core.errors import UserFacingError
from cogs.digest import _scheduler
from cogs.digest._scheduler import DigestChannel, DigestScheduler, first_slot, postable, render
from cogs.digest._view import WEEKDAY_KEYS

if TYPE_CHECKING:
    from bot.app.client import Sentimeter

log = logging.getLogger(__name__)

WEEKDAY_CHOICES = [
    app_commands.Choice(name=_(name), value=key)
    for name, key in zip(
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        WEEKDAY_KEYS,
        strict=True,
    )
]


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Digest(
    commands.GroupCog,
    group_name=_("digest"),
    group_description=_("A weekly post of this server's figures"),
):
    def __init__(self, bot: Sentimeter) -> None:
        self.bot = bot
        self.scheduler = DigestScheduler(bot)
        super().__init__()

    async def cog_unload(self) -> None:
        await self.scheduler.stop()

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        if not self.bot.is_closed():
            self.scheduler.start()  # once: a digest missed while the bot was down is posted now

    @commands.Cog.listener()
    async def on_timezone_change(self, guild_id: int) -> None:
        """The server's zone changed: the digest owed next moves to the same weekday and hour in the new zone
        (unless one is due or being sent now)."""
        schedule = await self.bot.storage.get_digest_schedule(guild_id)
        at = _scheduler.now()
        if schedule is None or schedule.attempted_at is not None or schedule.slot <= at:
            return
        zone = (await self.bot.configs.get(guild_id)).timezone
        slot = first_slot(schedule.weekday, schedule.hour, zone, at, schedule.posted_slot)
        if slot != schedule.slot and await self.bot.storage.skip_digest(guild_id, schedule.slot, slot):
            self.scheduler.wake()

    @app_commands.command(
        name=_("set"), description=_("Post the weekly digest in a channel on a weekday and hour")
    )
    @app_commands.describe(
        channel=_("Where to post it"),
        weekday=_("The day, in this server's time zone"),
        hour=_("The hour (0-23), in this server's time zone"),
    )
    @app_commands.choices(weekday=WEEKDAY_CHOICES)
    async def set_(
        self,
        interaction: discord.Interaction[Sentimeter],
        channel: DigestChannel,
        weekday: str,
        hour: app_commands.Range[int, 0, 23],
    ) -> None:
        ctx = await guild_context(self.bot, interaction, manage_guild=True)
        guild, locale = ctx.guild, ctx.locale
        if weekday not in WEEKDAY_KEYS or not 0 <= hour <= 23:
            raise UserFacingError(t("errors.bad_value", locale, value=f"{weekday[:20]} {hour}"))
        if channel.guild.id != guild.id:
            raise UserFacingError(t("stats.error.other_guild", locale))
        if postable(guild, channel.id) is None:
            raise UserFacingError(t("digest.error.cannot_post", locale, channel=channel.mention))
        day = WEEKDAY_KEYS.index(weekday)
        zone = ctx.config.timezone
        existing = await self.bot.storage.get_digest_schedule(guild.id)
        slot = first_slot(day, hour, zone, _scheduler.now(), existing.posted_slot if existing else 0)
        await self.bot.storage.set_digest_schedule(guild.id, channel.id, day, hour, slot)
        self.scheduler.wake()
        text = t(
            "digest.set.done",
            locale,
            channel=channel.mention,
            weekday=t(f"digest.weekday_long.{weekday}", locale),
            hour=f"{hour:02d}:00",
            zone=zone,
            next=f"<t:{slot}:F>",
        )
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_PINGS)

    @app_commands.command(name=_("off"), description=_("Stop posting the weekly digest"))
    async def off(self, interaction: discord.Interaction[Sentimeter]) -> None:
        ctx = await guild_context(self.bot, interaction, manage_guild=True)
        removed = await self.bot.storage.delete_digest_schedule(ctx.guild.id)
        key = "digest.off.done" if removed else "digest.off.none"
        await interaction.response.send_message(t(key, ctx.locale), ephemeral=True, allowed_mentions=NO_PINGS)

    @app_commands.command(name=_("preview"), description=_("See the digest of the last seven days now"))
    async def preview(self, interaction: discord.Interaction[Sentimeter]) -> None:
        ctx = await guild_context(self.bot, interaction, manage_guild=True)
        await interaction.response.defer(ephemeral=True, thinking=True)
        kwargs = await render(self.bot, ctx.guild.id, ctx.config.timezone, _scheduler.now(), ctx.locale)
        await interaction.followup.send(ephemeral=True, allowed_mentions=NO_PINGS, **kwargs)
