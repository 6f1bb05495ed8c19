"""The review queue: posts flags to the server's review channel, keeps the posts up to date, deletes
high-confidence spam when the server asked for it, and offers /flags list, /flags summary and the
"Flag for review" message menu."""

from __future__ import annotations

import io
import logging
import time
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.charts import ChartUnavailable, render_chart
from bot.app.context import guild_context
from bot.app.embeds import period_label
from bot.app.i18n import t
from bot.app.markdown import jump_url
from bot.app.offload import off_loop
from bot.app.options import PERIOD_CHOICES
from bot.app.permissions import has_permissions
from bot.app.stat_charts import flag_topics_chart
from bot.core import local_time
from bot.core.errors import UserFacingError
from bot.core.periods import Period
from bot.core.review import false_positive_candidates
from bot.core.text.clean import clean_for_scoring
from bot.core.timezones import zone_info
from bot.storage.models import Flag, FlagChange, FlagKind, FlagStatus, GuildConfig
from cogs.flags._learning import learn_from_decision
from cogs.flags._outbox import ReviewOutbox
from cogs.flags._posts import flag_summary_embed, review_embed, spam_log_embed
from cogs.flags._views import (
    NO_PINGS,
    FlagButton,
    FlagPager,
    delete_flagged_message,
    review_view,
    server_locale,
    undo_view,
)

if TYPE_CHECKING:
    from bot.app.client import Sentimeter
    from bot.core.scoring import Explanation

log = logging.getLogger(__name__)

SUMMARY_TEXTS = 500  # false-positive texts looked at for word candidates
SUMMARY_WORDS = 10

STATUS_CHOICES = [
    app_commands.Choice(name="Open", value=FlagStatus.OPEN.value),
    app_commands.Choice(name="Acknowledged", value=FlagStatus.ACKNOWLEDGED.value),
    app_commands.Choice(name="Not negative", value=FlagStatus.NOT_NEGATIVE.value),
    app_commands.Choice(name="Not spam", value=FlagStatus.NOT_SPAM.value),
    app_commands.Choice(name="Deleted", value=FlagStatus.DELETED.value),
    app_commands.Choice(name="Deleted, author timed out", value=FlagStatus.DELETED_TIMED_OUT.value),
    app_commands.Choice(name="Spam deleted automatically", value=FlagStatus.AUTO_DELETED.value),
    app_commands.Choice(name="Message deleted", value=FlagStatus.MESSAGE_DELETED.value),
    app_commands.Choice(name="Resolved by an edit", value=FlagStatus.AUTO_RESOLVED.value),
]
ReviewChannel = discord.TextChannel | discord.VoiceChannel | discord.Thread


@app_commands.guild_only()
@app_commands.default_permissions(manage_messages=True)
class Flags(commands.GroupCog, group_name="flags", group_description="The review queue of flagged comments"):
    def __init__(self, bot: Sentimeter) -> None:
        self.bot = bot
        self.flag_menu = app_commands.ContextMenu(name="Flag for review", callback=self.flag_for_review)
        app_commands.guild_only()(self.flag_menu)
        app_commands.default_permissions(manage_messages=True)(self.flag_menu)
        has_permissions(manage_messages=True)(self.flag_menu)
        self.outbox = ReviewOutbox(bot, self)
        self.render = render_chart  # /flags summary's chart, off the event loop (bot/app/charts.py)
        super().__init__()

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(FlagButton)
        self.bot.tree.add_command(self.flag_menu)

    async def cog_unload(self) -> None:
        await self.outbox.stop()
        self.bot.tree.remove_command(self.flag_menu.name, type=self.flag_menu.type)
        self.bot.remove_dynamic_items(FlagButton)

    # -- review posts ----------------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        if not self.bot.is_closed():  # (a ready delayed behind guild chunks can arrive during shutdown)
            self.outbox.start()  # once: posts still owed (a failed send, a restart) are retried from READY on

    @commands.Cog.listener()
    async def on_flag_change(self, change: FlagChange) -> None:
        flag = change.flag
        if change.created:  # through the outbox: retried until posted, exactly once (_outbox.py)
            await self.outbox.deliver(flag)
            return
        if self.bot.get_guild(flag.guild_id) is None:
            return
        config = await self.bot.configs.get(flag.guild_id)
        try:
            await self.update_post(config, flag)
        except discord.HTTPException as exc:
            log.warning("review post update for flag %s in guild %s failed: %s", flag.id, flag.guild_id, exc)

    async def wants_auto_delete(self, config: GuildConfig, flag: Flag) -> bool:
        if (
            flag.kind is not FlagKind.SPAM
            or config.spam_action != "delete"
            or not flag.is_open
            or not flag.text
        ):
            return False
        # Only the text verdict can be high-confidence (behaviour signals never auto-delete).
        verdict = await off_loop(self.bot.spam.check_text, flag.text)  # re-checked on the text thread
        return verdict.high_confidence

    def review_channel(self, guild: discord.Guild, config: GuildConfig) -> ReviewChannel | None:
        """The configured review channel if the bot can post embeds there."""
        if config.review_channel_id is None:
            return None
        channel = guild.get_channel_or_thread(config.review_channel_id)
        if not isinstance(channel, ReviewChannel):
            log.info("guild %s: review channel %s is gone", guild.id, config.review_channel_id)
            return None
        perms = channel.permissions_for(guild.me)
        can_send = (
            perms.send_messages_in_threads if isinstance(channel, discord.Thread) else perms.send_messages
        )
        if not (perms.view_channel and can_send and perms.embed_links):
            log.info("guild %s: cannot post embeds in review channel %s", guild.id, channel.id)
            return None
        return channel

    async def post_flag(
        self, guild: discord.Guild, config: GuildConfig, flag: Flag, *, channel: ReviewChannel | None = None
    ) -> discord.Message | None:
        """Send the review post and record it. Only the send raises; callers go through the outbox
        (``self.outbox.deliver``), which retries and never posts a flag twice."""
        channel = channel or self.review_channel(guild, config)
        if channel is None:
            return None
        locale = server_locale(config)
        message = await channel.send(
            embed=review_embed(flag, locale), view=review_view(flag, locale), allowed_mentions=NO_PINGS
        )
        await self.bot.storage.set_review_message(guild.id, flag.id, channel.id, message.id)
        await self.refresh_if_resolved(channel.id, message.id, guild.id, flag.id, config)
        return message

    async def refresh_if_resolved(
        self, channel_id: int, message_id: int, guild_id: int, flag_id: int, config: GuildConfig
    ) -> None:
        """The flag may have changed while we posted (the message deleted or edited at once): show that."""
        fresh = await self.bot.storage.get_flag(guild_id, flag_id)
        if fresh is None or fresh.is_open:
            return
        try:
            await self._edit_post(channel_id, message_id, fresh, server_locale(config))
        except discord.HTTPException as exc:
            log.warning("review post update for flag %s in guild %s failed: %s", flag_id, guild_id, exc)

    async def update_post(self, config: GuildConfig, flag: Flag) -> None:
        if flag.review_message_id is None or flag.review_channel_id is None:
            fresh = await self.bot.storage.get_flag(flag.guild_id, flag.id)
            if fresh is None or fresh.review_message_id is None or fresh.review_channel_id is None:
                return
            flag = fresh
        if flag.review_channel_id is not None and flag.review_message_id is not None:
            await self._edit_post(flag.review_channel_id, flag.review_message_id, flag, server_locale(config))

    async def _edit_post(self, channel_id: int, message_id: int, flag: Flag, locale: str) -> None:
        post = self.bot.get_partial_messageable(channel_id, guild_id=flag.guild_id).get_partial_message(
            message_id
        )
        try:
            await post.edit(embed=review_embed(flag, locale), view=None, allowed_mentions=NO_PINGS)
        except discord.NotFound:
            log.debug("review post %s for flag %s is gone", message_id, flag.id)

    async def auto_delete(self, guild: discord.Guild, config: GuildConfig, flag: Flag) -> bool:
        """Delete high-confidence spam. False (post for review instead) when the bot may not delete there."""
        channel = guild.get_channel_or_thread(flag.channel_id)
        if channel is None or not channel.permissions_for(guild.me).manage_messages:
            return False
        resolved = await self.bot.storage.resolve_flag(
            guild.id, flag.id, FlagStatus.AUTO_DELETED, None, int(time.time())
        )
        if resolved is None:
            return True  # somebody already dealt with it
        locale = server_locale(config)
        notes = await delete_flagged_message(self.bot, resolved, locale)
        log.info(
            "guild %s: spam message %s deleted automatically (flag %s)", guild.id, flag.message_id, flag.id
        )
        review = self.review_channel(guild, config)
        if review is not None:
            entry = await review.send(
                embed=spam_log_embed(resolved, locale, note="\n".join(notes) or None),
                view=undo_view(resolved, locale),
                allowed_mentions=NO_PINGS,
            )
            await self.bot.storage.set_review_message(guild.id, flag.id, review.id, entry.id)
        return True

    # -- "Flag for review" -----------------------------------------------------------------------------------

    async def flag_for_review(
        self, interaction: discord.Interaction[Sentimeter], message: discord.Message
    ) -> None:
        ctx = await guild_context(self.bot, interaction)
        guild, config, locale = ctx.guild, ctx.config, ctx.locale
        if message.guild is not None and message.guild.id != guild.id:  # forged: another server's message
            raise UserFacingError(t("flags.menu.other_server", locale))
        if message.author.bot or message.webhook_id is not None or message.is_system():
            raise UserFacingError(t("flags.menu.not_a_comment", locale))
        flag = await self.bot.storage.open_flag_for_message(guild.id, message.id)
        if flag is not None and flag.review_message_id is not None and flag.review_channel_id is not None:
            link = jump_url(guild.id, flag.review_channel_id, flag.review_message_id)
            await interaction.response.send_message(
                t("flags.menu.already_open", locale, id=flag.id, url=link),
                ephemeral=True,
                allowed_mentions=NO_PINGS,
            )
            return
        made = flag is None
        if flag is None:
            flag = await self.bot.storage.create_flag(
                guild_id=guild.id,
                channel_id=message.channel.id,
                message_id=message.id,
                author_id=message.author.id,
                kind=FlagKind.MANUAL,
                text=message.content,
                compound=await self._compound(guild.id, message.content),
                reason=None,
                created_at=int(time.time()),
            )
        posted = await self.outbox.deliver(flag)  # when it fails, the outbox keeps trying
        if posted is not None:
            reply = t("flags.menu.posted", locale, id=flag.id, url=posted.jump_url)
        elif config.review_channel_id is None:
            reply = t("flags.menu.no_review_channel", locale, id=flag.id)
        else:
            reply = t("flags.menu.post_failed", locale, id=flag.id, channel=f"<#{config.review_channel_id}>")
        await interaction.response.send_message(reply, ephemeral=True, allowed_mentions=NO_PINGS)
        if made:  # a hand-made flag: feedback the automatic decision missed
            await learn_from_decision(self.bot, flag, FlagStatus.OPEN, flag.created_at)

    async def _compound(self, guild_id: int, content: str) -> float | None:
        cleaned = clean_for_scoring(content) if content else ""
        if not cleaned.strip():
            return None
        lexicon = await self.bot.configs.lexicon(guild_id)
        score = await off_loop(self.bot.scorer.score, cleaned, overrides=lexicon or None)
        return score.compound

    # -- /flags list, /flags summary -------------------------------------------------------------------------

    @app_commands.command(name="list", description="Flagged comments, newest first")
    @app_commands.describe(status="Only flags with this status")
    @app_commands.choices(status=STATUS_CHOICES)
    @has_permissions(manage_messages=True)
    async def list_flags(
        self, interaction: discord.Interaction[Sentimeter], status: app_commands.Choice[str] | None = None
    ) -> None:
        ctx = await guild_context(self.bot, interaction)
        guild_id, locale = ctx.guild.id, ctx.locale
        wanted = FlagStatus(status.value) if status is not None else None
        total = await self.bot.storage.count_flags(guild_id, wanted)
        pager = FlagPager(
            self.bot,
            guild_id=guild_id,
            invoker_id=interaction.user.id,
            status=wanted,
            total=total,
            locale=locale,
        )
        pager.origin = interaction
        embed = await pager.render()
        await interaction.response.send_message(
            embed=embed, view=pager, ephemeral=True, allowed_mentions=NO_PINGS
        )

    @app_commands.command(
        name="summary", description="Flags by status, channel and kind, and false positives"
    )
    @app_commands.describe(period="How far back to look")
    @app_commands.choices(period=PERIOD_CHOICES)
    @has_permissions(manage_messages=True)
    async def summary(
        self, interaction: discord.Interaction[Sentimeter], period: app_commands.Choice[str] | None = None
    ) -> None:
        ctx = await guild_context(self.bot, interaction)
        guild_id, locale = ctx.guild.id, ctx.locale
        chosen = Period(period.value) if period is not None else Period.MONTH
        zone, now = ctx.config.timezone, int(time.time())
        tz = zone_info(zone)
        start, end = local_time.period_range(chosen, now, tz)  # the server's days (issue 15)
        await interaction.response.defer(ephemeral=True, thinking=True)
        summary = await self.bot.storage.flag_summary(guild_id, start, end)
        previous = None
        if start is not None:  # the period just before, of the same length, for the change by topic
            prev_start, _ = local_time.previous_range(chosen, start, end, tz)
            previous = await self.bot.storage.flag_summary(guild_id, prev_start, start)
        texts = await self.bot.storage.false_positive_texts(guild_id, start, end, SUMMARY_TEXTS)
        lexicon = await self.bot.configs.lexicon(guild_id)
        scorer = self.bot.scorer

        def explain(text: str) -> Explanation:
            return scorer.explain(clean_for_scoring(text), overrides=lexicon or None)

        # explaining up to SUMMARY_TEXTS comments is real work: the text thread does it, not the event loop
        candidates = await off_loop(false_positive_candidates, texts, explain, limit=SUMMARY_WORDS)
        learned = ctx.config.learned
        embed = flag_summary_embed(
            summary,
            candidates,
            locale,
            period_label=period_label(chosen, locale),
            previous=previous,
            learned_from=learned.decisions if learned is not None else 0,
        )
        file = await self._topics_chart(embed, guild_id, chosen, now, zone, locale)
        await interaction.followup.send(embed=embed, ephemeral=True, allowed_mentions=NO_PINGS, file=file)

    async def _topics_chart(
        self, embed: discord.Embed, guild_id: int, period: Period, now: int, zone: str, locale: str
    ) -> discord.File:
        """Complaints per day by topic as the embed's image; MISSING when there are none or it cannot be
        drawn now (the summary goes out without it)."""
        topics = await self.bot.stats.flag_topics(guild_id, period, now, zone)
        title = t("chart.title.flags", locale, period=period_label(period, locale))
        spec = flag_topics_chart(topics, locale, title=title)
        if spec is None:
            return discord.utils.MISSING
        try:
            png = await self.render(spec)
        except ChartUnavailable as exc:
            log.info("flags chart not drawn: %s", exc)
            return discord.utils.MISSING
        embed.set_image(url="attachment://flags.png")
        return discord.File(io.BytesIO(png), filename="flags.png")
