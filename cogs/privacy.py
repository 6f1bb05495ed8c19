"""/privacy forget-me | opt-out | opt-in | my-data (members' data rights, all ephemeral), the daily retention
sweep, and deleting a server's data after the bot is removed from it. The rules: bot/core/privacy.py."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.app_commands import locale_str as _
from discord.ext import commands

from bot.app.context import guild_context
from bot.app.errors import NO_PINGS, SentimeterView, component_error
from bot.app.i18n import locale_for, t
from bot.core.errors import UserFacingError
from bot.core.privacy import DEFAULT_RETENTION_DAYS, SWEEP_INTERVAL_HOURS, export_file
from bot.storage.models import SweepResult

if TYPE_CHECKING:
    from bot.app.client import Sentimeter

log = logging.getLogger(__name__)

CONFIRM_TIMEOUT = 120  # seconds the confirmation buttons stay usable


class ForgetConfirm(SentimeterView):
    """Confirm or cancel /privacy forget-me; only the member who asked can press either button."""

    def __init__(self, bot: Sentimeter, guild_id: int, user_id: int, locale: str) -> None:
        super().__init__(timeout=CONFIRM_TIMEOUT)
        self.bot = bot
        self.guild_id = guild_id
        self.user_id = user_id
        self.locale = locale
        self.origin: discord.Interaction[Any] | None = None  # the command's interaction, tidied on timeout
        self.confirm.label = t("privacy.forget.button.confirm", locale)
        self.cancel.label = t("privacy.forget.button.cancel", locale)

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        if interaction.user.id != self.user_id or interaction.guild_id != self.guild_id:
            refusal = UserFacingError(t("privacy.forget.not_yours", locale_for(interaction)))
            await component_error(interaction, refusal, None)
            return False
        return True

    async def on_timeout(self) -> None:
        if self.origin is not None:
            with contextlib.suppress(discord.HTTPException):
                await self.origin.edit_original_response(view=None, allowed_mentions=NO_PINGS)

    @discord.ui.button(label="Delete my data", style=discord.ButtonStyle.danger)
    async def confirm(
        self, interaction: discord.Interaction[Any], button: discord.ui.Button[ForgetConfirm]
    ) -> None:
        self.stop()
        await interaction.response.edit_message(view=None, allowed_mentions=NO_PINGS)
        text = await forget(self.bot, self.guild_id, self.user_id, self.locale)
        await interaction.edit_original_response(content=text, view=None, allowed_mentions=NO_PINGS)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction[Any], button: discord.ui.Button[ForgetConfirm]
    ) -> None:
        self.stop()
        await interaction.response.edit_message(
            content=t("privacy.forget.cancelled", self.locale), view=None, allowed_mentions=NO_PINGS
        )


async def forget(bot: Sentimeter, guild_id: int, user_id: int, locale: str) -> str:
    """Delete everything stored about the member in the server (after the writes already accepted, so none
    of their messages lands afterwards), then the review posts that showed their text; returns the reply."""
    await bot.ingest.wait_idle()
    await bot.queue.flush()
    result = await bot.storage.forget_member(guild_id, user_id)
    for channel_id, message_id in result.review_posts:
        post = bot.get_partial_messageable(channel_id, guild_id=guild_id).get_partial_message(message_id)
        try:
            await post.delete()
        except discord.HTTPException as exc:  # gone already, or no access any more: nothing to show
            log.info("could not delete review post %s in channel %s: %s", message_id, channel_id, exc)
    log.info("forgot a member of guild %s: %d rows", guild_id, result.rows)
    text = t("privacy.forget.done", locale, messages=result.messages, flags=result.flags)
    if user_id in await bot.optouts.get(guild_id):
        text += "\n" + t("privacy.forget.still_opted_out", locale)
    return text


@app_commands.guild_only()
class Privacy(
    commands.GroupCog,
    group_name=_("privacy"),
    group_description=_("Your data in this server: see it, delete it, or stop being counted"),
):
    def __init__(self, bot: Sentimeter) -> None:
        self.bot = bot
        self._sweep_task: asyncio.Task[None] | None = None
        super().__init__()

    async def cog_load(self) -> None:
        # never wait for ready inside setup_hook: the task waits on its own
        self._sweep_task = asyncio.create_task(self._sweep_daily(), name="sentimeter-privacy-sweep")

    async def cog_unload(self) -> None:
        if self._sweep_task is not None:
            self._sweep_task.cancel()

    # -- members' commands -----------------------------------------------------------------------------------

    @app_commands.command(
        name=_("forget-me"), description=_("Delete everything Sentimeter stores about you in this server")
    )
    async def forget_me(self, interaction: discord.Interaction[Sentimeter]) -> None:
        ctx = await guild_context(self.bot, interaction)
        view = ForgetConfirm(self.bot, ctx.guild.id, interaction.user.id, ctx.locale)
        view.origin = interaction
        await interaction.response.send_message(
            t("privacy.forget.confirm", ctx.locale), view=view, ephemeral=True, allowed_mentions=NO_PINGS
        )

    @app_commands.command(
        name=_("opt-out"),
        description=_("Stop Sentimeter storing, scoring or flagging your new messages here"),
    )
    async def opt_out(self, interaction: discord.Interaction[Sentimeter]) -> None:
        ctx = await guild_context(self.bot, interaction)
        changed = await self.bot.optouts.set(ctx.guild.id, interaction.user.id, True)
        key = "privacy.opt_out.done" if changed else "privacy.opt_out.already"
        await interaction.response.send_message(t(key, ctx.locale), ephemeral=True, allowed_mentions=NO_PINGS)

    @app_commands.command(name=_("opt-in"), description=_("Let Sentimeter count your messages here again"))
    async def opt_in(self, interaction: discord.Interaction[Sentimeter]) -> None:
        ctx = await guild_context(self.bot, interaction)
        changed = await self.bot.optouts.set(ctx.guild.id, interaction.user.id, False)
        key = "privacy.opt_in.done" if changed else "privacy.opt_in.already"
        await interaction.response.send_message(t(key, ctx.locale), ephemeral=True, allowed_mentions=NO_PINGS)

    @app_commands.command(
        name=_("my-data"),
        description=_("Get a file of everything Sentimeter stores about you in this server"),
    )
    async def my_data(self, interaction: discord.Interaction[Sentimeter]) -> None:
        ctx = await guild_context(self.bot, interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await self.bot.storage.member_data(ctx.guild.id, interaction.user.id)
        name, content = export_file(data)
        await interaction.followup.send(
            t("privacy.my_data.done", ctx.locale),
            file=discord.File(io.BytesIO(content), filename=name),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    # -- retention and server removal ------------------------------------------------------------------------

    async def _sweep_daily(self) -> None:
        try:
            await self.bot.wait_until_ready()
        except RuntimeError:  # loaded without logging in (tests, tooling): nothing runs long enough to sweep
            log.debug("privacy sweep skipped: the client never logged in")
            return
        while True:
            await self.run_sweep()
            await asyncio.sleep(SWEEP_INTERVAL_HOURS * 3600)

    async def run_sweep(self) -> None:
        """Delete message rows and flag text past each server's retention, and the data of servers the bot
        left longer than the grace period ago. A failure is logged; the next sweep tries again. Sharded
        (bot/core/shards.py), each process purges the removed servers of its own shards, the only ones whose
        return it can see, and the process running shard 0 sweeps retention (one pass over all servers)."""
        ownership = self.bot.ownership
        try:
            swept = SweepResult(0, 0)
            if ownership.first:
                swept = await self.bot.storage.sweep_retention(DEFAULT_RETENTION_DAYS)
            present = [guild.id for guild in self.bot.guilds]
            owned = ownership.owns if ownership.sharded else None
            purged = await self.bot.storage.purge_removed_guilds(
                self.bot.settings.purge_grace_days, present, owned
            )
        except Exception:
            log.exception("the privacy sweep failed; it runs again in %d hours", SWEEP_INTERVAL_HOURS)
            return
        for guild_id in purged:
            self.bot.configs.invalidate(guild_id)
            self.bot.optouts.invalidate(guild_id)
            log.info("deleted the data of guild %s (the bot was removed from it)", guild_id)
        if swept.messages or swept.flag_texts:
            msg = "retention: %d message records deleted, %d flag texts erased"
            log.info(msg, swept.messages, swept.flag_texts)

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        await self.bot.storage.mark_guild_removed(guild.id)
        log.info(
            "removed from guild %s: its data is deleted in %d days unless the bot is added back",
            guild.id,
            self.bot.settings.purge_grace_days,
        )

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        if await self.bot.storage.cancel_guild_removal(guild.id):
            log.info("added back to guild %s: its data is kept", guild.id)

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        # a GUILD_CREATE that says "unavailable": false is dispatched as this, not as a join
        await self.on_guild_join(guild)


async def setup(bot: Sentimeter) -> None:
    await bot.add_cog(Privacy(bot))
