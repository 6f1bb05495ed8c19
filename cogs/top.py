"""/top posts | announcements: what works (bot/core/top.py ranks and compares, bot/app/embeds_top.py renders).

- `/top posts [channel] [period] [by]`: anyone; the posts that drew the most reactions and/or replies, with
  jump links and counts. Server-wide, or a channel (with its threads) the person can see. The answer is
  public and lists only posts in channels everyone and the person asking can see; for a private channel
  chosen explicitly it is ephemeral. Posts left out are counted in a note.
- `/top announcements <channel> [period]`: moderators (Manage Messages), ephemeral: the staff's own posts in
  the channel (members who can Manage Messages or Manage Server there now, and the owner; found among who
  posted there), their reactions and replies in the first 24 hours, each against the median."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.app.context import guild_context
from bot.app.embeds_top import announcements_embed, top_posts_embed
from bot.app.errors import NO_PINGS
from bot.app.i18n import t
from bot.app.options import PERIOD_CHOICES
from bot.core.errors import UserFacingError
from bot.core.periods import Period
from bot.core.top import RankBy, announcements, top_posts, top_range
from cogs.stats import STATS_CHANNEL_TYPES, StatsChannel, _is_private, _period

if TYPE_CHECKING:
    from bot.app.client import Sentimeter

log = logging.getLogger(__name__)

BY_CHOICES: list[app_commands.Choice[str]] = [
    app_commands.Choice(name=_("Reactions and replies"), value=RankBy.ENGAGEMENT.value),
    app_commands.Choice(name=_("Reactions"), value=RankBy.REACTIONS.value),
    app_commands.Choice(name=_("Replies"), value=RankBy.REPLIES.value),
]


def _rank_by(value: str, locale: str) -> RankBy:
    try:
        return RankBy(value)
    except ValueError:
        raise UserFacingError(t("errors.bad_value", locale, value=value[:100])) from None


MAX_POSTERS = 200  # who posted in the channel, most posts first: checked for staff
MAX_FETCHES = 25  # members not in the bot's cache asked from Discord per command


async def _staff(
    guild: discord.Guild, channel: StatsChannel, author_ids: list[int]
) -> tuple[frozenset[int], int]:
    """Which of the channel's posters are staff there: the owner and members who can Manage Messages or
    Manage Server in it (Administrator implies both), and how many could not be checked. The bot has no
    member list (no Server Members intent): a poster not in its cache is fetched, up to MAX_FETCHES."""
    staff: set[int] = set()
    fetches = unchecked = 0
    for author_id in author_ids:
        if author_id == guild.owner_id:
            staff.add(author_id)
            continue
        member = guild.get_member(author_id)
        if member is None:
            if fetches >= MAX_FETCHES:
                unchecked += 1
                continue
            fetches += 1
            try:
                member = await guild.fetch_member(author_id)
            except discord.NotFound:
                continue  # no longer a member: not staff now
            except discord.HTTPException as exc:
                log.info("could not fetch member %s of guild %s: %s", author_id, guild.id, exc)
                unchecked += 1
                continue
        perms = channel.permissions_for(member)
        if perms.manage_messages or perms.manage_guild:
            staff.add(author_id)
    return frozenset(staff), unchecked


@app_commands.guild_only()
class Top(
    commands.GroupCog, group_name=_("top"), group_description=_("What works: posts that drew people in")
):
    def __init__(self, bot: Sentimeter, *, clock: Callable[[], float] = time.time) -> None:
        self.bot = bot
        self.clock = clock
        super().__init__()

    def _target(
        self,
        interaction: discord.Interaction[Sentimeter],
        guild: discord.Guild,
        channel: StatsChannel,
        locale: str,
    ) -> StatsChannel:
        if not isinstance(channel, STATS_CHANNEL_TYPES):
            raise UserFacingError(t("stats.error.channel_type", locale))
        if channel.guild.id != guild.id:
            raise UserFacingError(t("stats.error.other_guild", locale))
        user = interaction.user
        if isinstance(user, discord.Member) and not channel.permissions_for(user).view_channel:
            raise UserFacingError(t("stats.error.cannot_view", locale))
        return channel

    @app_commands.command(
        name=_("posts"), description=_("The posts that drew the most reactions and replies")
    )
    @app_commands.describe(
        channel=_("A channel, thread or forum (default: the whole server)"),
        period=_("The time period (default: last 7 days)"),
        by=_("What to rank by (default: reactions and replies)"),
    )
    @app_commands.choices(period=PERIOD_CHOICES, by=BY_CHOICES)
    async def posts(
        self,
        interaction: discord.Interaction[Sentimeter],
        channel: StatsChannel | None = None,
        period: str = Period.WEEK.value,
        by: str = RankBy.ENGAGEMENT.value,
    ) -> None:
        ctx = await guild_context(self.bot, interaction)
        guild, locale = ctx.guild, ctx.locale
        target = None if channel is None else self._target(interaction, guild, channel, locale)
        chosen = _period(period, locale)
        rank_by = _rank_by(by, locale)

        # public, unless a private channel was chosen: then only the person asking sees it
        private = target is not None and _is_private(guild, target)
        user = interaction.user if isinstance(interaction.user, discord.Member) else None
        viewers: list[discord.Member | discord.Role] = [v for v in (user,) if v is not None]
        if not private:
            viewers.append(guild.default_role)

        def keep(channel_id: int) -> bool:
            found = guild.get_channel_or_thread(channel_id)  # a deleted channel hides nothing
            return found is None or all(found.permissions_for(v).view_channel for v in viewers)

        def describe(channel_id: int) -> str:
            found = guild.get_channel_or_thread(channel_id)
            return t("stats.unknown_channel", locale) if found is None else found.mention

        await interaction.response.defer(ephemeral=private, thinking=True)
        start, end = top_range(chosen, int(self.clock()), ctx.config)
        result = await top_posts(
            self.bot.storage, guild.id, None if target is None else target.id, start, end, rank_by, keep=keep
        )
        embed = top_posts_embed(
            result,
            locale,
            guild_id=guild.id,
            by=rank_by,
            period=chosen,
            describe=describe,
            channel_name=None if target is None else f"#{target.name}",
        )
        note = discord.utils.MISSING
        if result.hidden:
            key = "top.posts.hidden_private" if private else "top.posts.hidden_public"
            note = t(key, locale, count=result.hidden)
        await interaction.followup.send(
            content=note, embed=embed, ephemeral=private, allowed_mentions=NO_PINGS
        )

    @app_commands.command(
        name=_("announcements"),
        description=_("Staff posts in a channel: their first 24 hours against the median (moderators)"),
    )
    @app_commands.describe(
        channel=_("The channel with the announcements"), period=_("The time period (default: last 90 days)")
    )
    @app_commands.choices(period=PERIOD_CHOICES)
    async def announcements(
        self,
        interaction: discord.Interaction[Sentimeter],
        channel: StatsChannel,
        period: str = Period.QUARTER.value,
    ) -> None:
        ctx = await guild_context(self.bot, interaction, manage_messages=True)
        guild, locale = ctx.guild, ctx.locale
        target = self._target(interaction, guild, channel, locale)
        chosen = _period(period, locale)
        await interaction.response.defer(ephemeral=True, thinking=True)
        now = int(self.clock())
        start, end = top_range(chosen, now, ctx.config)
        posters = await self.bot.storage.post_authors(guild.id, target.id, start, end, MAX_POSTERS)
        staff, unchecked = await _staff(guild, target, posters)
        result = await announcements(self.bot.storage, guild.id, target.id, staff, start, end, now)
        embed = announcements_embed(
            result, locale, guild_id=guild.id, period=chosen, channel_name=f"#{target.name}", staff=len(staff)
        )
        note = (
            t("top.announcements.unchecked", locale, count=unchecked) if unchecked else discord.utils.MISSING
        )
        await interaction.followup.send(content=note, embed=embed, ephemeral=True, allowed_mentions=NO_PINGS)


async def setup(bot: Sentimeter) -> None:
    await bot.add_cog(Top(bot))
