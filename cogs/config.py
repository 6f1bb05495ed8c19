"""/config: the review queue's sensitivity, review channel, exemptions, interface language and spam action."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.app import embeds
from bot.app.context import guild_context
from bot.app.i18n import available_locales, locale_for, t
from bot.core import privacy
from bot.core.errors import UserFacingError
from bot.core.feedback.sensitivity import SENSITIVITIES
from bot.core.timezones import suggest_zones, utc_offset_label, zone_info
from bot.storage.models import GuildConfig

if TYPE_CHECKING:
    from bot.app.client import Sentimeter

log = logging.getLogger(__name__)

MAX_TIMEOUT_MINUTES = 40_320  # Discord's longest timeout: 28 days

ExemptChannel = (
    discord.TextChannel | discord.VoiceChannel | discord.StageChannel | discord.ForumChannel | discord.Thread
)
LANGUAGE_CHOICES = [
    # A language is listed in its own language, whatever the reader's.
    app_commands.Choice(name=_(t("language.name", code), translate=False), value=code)
    for code in available_locales()
]
SPAM_ACTION_CHOICES = [
    app_commands.Choice(name=_("Post for review"), value="review"),
    app_commands.Choice(name=_("Delete sure spam automatically"), value="delete"),
]
SENSITIVITY_CHOICES = [
    app_commands.Choice(name=_("Low: only clear complaints"), value="low"),
    app_commands.Choice(name=_("Normal (recommended)"), value="normal"),
    app_commands.Choice(name=_("High: milder feedback too"), value="high"),
]
REVIEW_CHANNEL_PERMISSIONS = ("view_channel", "send_messages", "embed_links")
TRENDS_CHOICES = [
    app_commands.Choice(name=_("On"), value="on"),
    app_commands.Choice(name=_("Off"), value="off"),
]


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Config(
    commands.GroupCog, group_name=_("config"), group_description=_("Server settings for Sentimeter")
):
    exempt_channel = app_commands.Group(
        name=_("exempt-channel"), description=_("Channels whose comments are never scored or flagged")
    )
    exempt_role = app_commands.Group(
        name=_("exempt-role"), description=_("Roles whose comments are never scored or flagged")
    )

    def __init__(self, bot: Sentimeter) -> None:
        self.bot = bot
        super().__init__()

    # -- helpers ---------------------------------------------------------------------------------------------

    async def _start(
        self, interaction: discord.Interaction[Sentimeter]
    ) -> tuple[discord.Guild, GuildConfig, str]:
        """The guild, its configuration and the reply language; refuses people without Manage Server."""
        ctx = await guild_context(self.bot, interaction, manage_guild=True)
        return ctx.guild, ctx.config, ctx.locale

    async def _reply(
        self,
        interaction: discord.Interaction[Sentimeter],
        config: GuildConfig,
        message: str,
    ) -> None:
        locale = locale_for(interaction, config)
        lexicon = await self.bot.configs.lexicon(config.guild_id)
        embed = embeds.config_embed(config, locale, lexicon_size=len(lexicon))
        embed.description = message
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @staticmethod
    def _same_guild(
        channel: discord.abc.GuildChannel | discord.Thread, guild: discord.Guild, locale: str
    ) -> None:
        if channel.guild.id != guild.id:
            raise UserFacingError(t("errors.other_guild_channel", locale))

    # -- commands --------------------------------------------------------------------------------------------

    @app_commands.command(name=_("show"), description=_("Show this server's settings"))
    async def show(self, interaction: discord.Interaction[Sentimeter]) -> None:
        _guild, config, locale = await self._start(interaction)
        await self._reply(interaction, config, t("config.show.description", locale))

    @app_commands.command(
        name=_("sensitivity"), description=_("How readily negative feedback goes to the review queue")
    )
    @app_commands.describe(level=_("Low: only clear complaints; high: milder ones too"))
    @app_commands.choices(level=SENSITIVITY_CHOICES)
    async def sensitivity(self, interaction: discord.Interaction[Sentimeter], level: str) -> None:
        guild, _config, locale = await self._start(interaction)
        if level not in SENSITIVITIES:
            raise UserFacingError(t("errors.bad_value", locale, value=level))
        config = await self.bot.configs.set_sensitivity(guild.id, level)
        label = t(f"config.sensitivity.{config.sensitivity}", locale)
        await self._reply(interaction, config, t("config.sensitivity.done", locale, level=label))

    @app_commands.command(
        name=_("reset-learning"), description=_("Forget what was learned from your moderators' decisions")
    )
    async def reset_learning(self, interaction: discord.Interaction[Sentimeter]) -> None:
        guild, config, locale = await self._start(interaction)
        decisions = config.learned.decisions if config.learned is not None else 0
        config = await self.bot.configs.reset_learning(guild.id)
        await self._reply(interaction, config, t("config.learning.reset", locale, count=decisions))

    @app_commands.command(
        name=_("review-channel"), description=_("Where flagged comments are posted for moderators")
    )
    @app_commands.describe(channel=_("The channel (leave empty to stop posting flags)"))
    async def review_channel(
        self, interaction: discord.Interaction[Sentimeter], channel: discord.TextChannel | None = None
    ) -> None:
        guild, _config, locale = await self._start(interaction)
        if channel is None:
            config = await self.bot.configs.set_review_channel(guild.id, None)
            await self._reply(interaction, config, t("config.review_channel.cleared", locale))
            return
        self._same_guild(channel, guild, locale)
        allowed = channel.permissions_for(guild.me)
        missing = [name for name in REVIEW_CHANNEL_PERMISSIONS if not getattr(allowed, name)]
        if missing:
            raise UserFacingError(
                t(
                    "config.error.review_channel_permissions",
                    locale,
                    channel=channel.mention,
                    permissions=", ".join(t(f"permission.{name}", locale) for name in missing),
                )
            )
        config = await self.bot.configs.set_review_channel(guild.id, channel.id)
        await self._reply(
            interaction, config, t("config.review_channel.done", locale, channel=channel.mention)
        )

    @exempt_channel.command(name=_("add"), description=_("Stop scoring and flagging comments in a channel"))
    @app_commands.describe(channel=_("The channel (its threads are exempt too)"))
    async def exempt_channel_add(
        self, interaction: discord.Interaction[Sentimeter], channel: ExemptChannel
    ) -> None:
        guild, config, locale = await self._start(interaction)
        self._same_guild(channel, guild, locale)
        if channel.id in config.exempt_channels:
            await self._reply(
                interaction,
                config,
                t("config.exempt_channel.already", locale, channel=channel.mention),
            )
            return
        config = await self.bot.configs.add_exempt_channel(guild.id, channel.id)
        await self._reply(
            interaction, config, t("config.exempt_channel.added", locale, channel=channel.mention)
        )

    @exempt_channel.command(name=_("remove"), description=_("Score and flag comments in a channel again"))
    @app_commands.describe(channel=_("The channel"))
    async def exempt_channel_remove(
        self, interaction: discord.Interaction[Sentimeter], channel: ExemptChannel
    ) -> None:
        guild, config, locale = await self._start(interaction)
        self._same_guild(channel, guild, locale)
        if channel.id not in config.exempt_channels:
            raise UserFacingError(t("config.exempt_channel.not_exempt", locale, channel=channel.mention))
        config = await self.bot.configs.remove_exempt_channel(guild.id, channel.id)
        await self._reply(
            interaction, config, t("config.exempt_channel.removed", locale, channel=channel.mention)
        )

    @exempt_role.command(name=_("add"), description=_("Stop scoring and flagging comments by a role"))
    @app_commands.describe(role=_("The role"))
    async def exempt_role_add(self, interaction: discord.Interaction[Sentimeter], role: discord.Role) -> None:
        guild, config, locale = await self._start(interaction)
        if role.guild.id != guild.id:
            raise UserFacingError(t("errors.other_guild_role", locale))
        if role.id in config.exempt_roles:
            await self._reply(interaction, config, t("config.exempt_role.already", locale, role=role.mention))
            return
        config = await self.bot.configs.add_exempt_role(guild.id, role.id)
        await self._reply(interaction, config, t("config.exempt_role.added", locale, role=role.mention))

    @exempt_role.command(name=_("remove"), description=_("Score and flag comments by a role again"))
    @app_commands.describe(role=_("The role"))
    async def exempt_role_remove(
        self, interaction: discord.Interaction[Sentimeter], role: discord.Role
    ) -> None:
        guild, config, locale = await self._start(interaction)
        if role.id not in config.exempt_roles:
            raise UserFacingError(t("config.exempt_role.not_exempt", locale, role=role.mention))
        config = await self.bot.configs.remove_exempt_role(guild.id, role.id)
        await self._reply(interaction, config, t("config.exempt_role.removed", locale, role=role.mention))

    @app_commands.command(name=_("language"), description=_("The bot's language for this server"))
    @app_commands.describe(language=_("Used for review posts and for people whose Discord language we lack"))
    @app_commands.choices(language=LANGUAGE_CHOICES)
    async def language(self, interaction: discord.Interaction[Sentimeter], language: str) -> None:
        guild, _config, locale = await self._start(interaction)
        if language not in available_locales():
            raise UserFacingError(t("config.error.unknown_language", locale))
        config = await self.bot.configs.set_language(guild.id, language)
        await self._reply(
            interaction, config, t("config.language.done", locale, language=t("language.name", language))
        )

    @app_commands.command(
        name=_("spam-action"), description=_("What happens to spam: a review post or deletion")
    )
    @app_commands.describe(
        action=_("Post spam for review, or delete sure spam automatically"),
        timeout_minutes=_("Timeout length for 'Delete and time out author' (minutes)"),
    )
    @app_commands.rename(timeout_minutes=_("timeout-minutes"))
    @app_commands.choices(action=SPAM_ACTION_CHOICES)
    async def spam_action(
        self,
        interaction: discord.Interaction[Sentimeter],
        action: str,
        timeout_minutes: app_commands.Range[int, 1, MAX_TIMEOUT_MINUTES] | None = None,
    ) -> None:
        guild, _config, locale = await self._start(interaction)
        if action not in ("review", "delete"):
            raise UserFacingError(t("config.error.unknown_spam_action", locale))
        if timeout_minutes is not None and not 1 <= timeout_minutes <= MAX_TIMEOUT_MINUTES:
            raise UserFacingError(
                t("config.error.timeout_range", locale, max=embeds.fmt_int(MAX_TIMEOUT_MINUTES, locale))
            )
        config = await self.bot.configs.set_spam_action(guild.id, action, timeout_minutes)
        message = t(f"config.spam_action.done.{action}", locale)
        me = guild.me
        if action == "delete" and not me.guild_permissions.manage_messages:
            message += "\n" + t("config.warning.needs_manage_messages", locale)
        if not me.guild_permissions.moderate_members:
            message += "\n" + t("config.warning.needs_moderate_members", locale)
        await self._reply(interaction, config, message)

    # -- retention (members' data: bot/core/privacy.py) ------------------------------------------------------

    @app_commands.command(
        name=_("retention"), description=_("How long message records and flagged text are kept")
    )
    @app_commands.describe(days=_("Days to keep them (the statistics' totals are kept)"))
    async def retention(
        self,
        interaction: discord.Interaction[Sentimeter],
        days: app_commands.Range[int, privacy.MIN_RETENTION_DAYS, privacy.MAX_RETENTION_DAYS],
    ) -> None:
        guild, config, locale = await self._start(interaction)
        if not privacy.retention_in_range(days):  # a crafted request past Discord's own check
            raise UserFacingError(
                t(
                    "config.retention.out_of_range",
                    locale,
                    min=privacy.MIN_RETENTION_DAYS,
                    max=embeds.fmt_int(privacy.MAX_RETENTION_DAYS, locale),
                )
            )
        await self.bot.storage.set_retention(guild.id, days)
        message = t(
            "config.retention.done",
            locale,
            days=embeds.fmt_int(days, locale),
            default=privacy.DEFAULT_RETENTION_DAYS,
        )
        await self._reply(interaction, config, message)

    # -- time zone (bot/core/timezones.py) -----------------------------------------------------------------

    @app_commands.command(name=_("timezone"), description=_("The time zone for days, hours and charts"))
    @app_commands.describe(zone=_("A place, such as Asia/Jakarta, Asia/Makassar or Asia/Jayapura"))
    async def timezone(self, interaction: discord.Interaction[Sentimeter], zone: str) -> None:
        guild, _config, locale = await self._start(interaction)
        try:
            zone_info(zone)
        except ValueError:
            raise UserFacingError(t("config.timezone.unknown", locale, zone=zone[:60])) from None
        config = await self.bot.configs.set_timezone(guild.id, zone.strip())
        self.bot.dispatch("timezone_change", guild.id)  # schedules kept in local time move (cogs/digest)
        message = t(
            "config.timezone.done", locale, zone=config.timezone, offset=utc_offset_label(config.timezone)
        )
        await self._reply(interaction, config, message)

    @timezone.autocomplete("zone")
    async def timezone_autocomplete(
        self, interaction: discord.Interaction[Sentimeter], current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=f"{name} ({utc_offset_label(name)})", value=name)
            for name in suggest_zones(current)
        ]

    # -- /trends term counting (bot/core/trends, bot/storage/_trends.py) -------------------------------------

    @app_commands.command(
        name=_("trends"), description=_("Count words and phrases per day for /trends (off deletes them)")
    )
    @app_commands.describe(state=_("On: count terms; off: stop and delete the stored term counts"))
    @app_commands.choices(state=TRENDS_CHOICES)
    async def trends(self, interaction: discord.Interaction[Sentimeter], state: str) -> None:
        guild, config, locale = await self._start(interaction)
        if state not in ("on", "off"):
            raise UserFacingError(t("errors.bad_value", locale, value=state[:100]))
        deleted = await self.bot.storage.set_trends_enabled(guild.id, state == "on")
        if state == "on":
            message = t("config.trends.on", locale)
        else:
            message = t("config.trends.off", locale, count=embeds.fmt_int(deleted, locale))
        await self._reply(interaction, config, message)


async def setup(bot: Sentimeter) -> None:
    await bot.add_cog(Config(bot))
