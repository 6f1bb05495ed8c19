"""Buttons: the review-post actions (persistent across restarts through a DynamicItem template) and the
/flags list pager."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import time
from typing import TYPE_CHECKING, Any

import discord

from bot.app.errors import SentimeterView, component_error
from bot.app.i18n import locale_for, t
from bot.app.permissions import BotPermissionsMissing, require_bot_permissions, require_permissions
from bot.core.errors import UserFacingError
from bot.core.review import (
    ACTIONS_FOR_KIND,
    DELETING_ACTIONS,
    STATUS_FOR_ACTION,
    ReviewAction,
    action_allowed,
)
from bot.storage.models import Flag, FlagStatus, GuildConfig
from cogs.flags._learning import learn_from_decision
from cogs.flags._posts import flag_list_embed, restored_embed, review_embed, spam_log_embed, status_line

if TYPE_CHECKING:
    from bot.app.client import Sentimeter

log = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()
CUSTOM_ID_PREFIX = "sentimeter:flag"
# Anything under our prefix matches, so that a forged or broken id is answered (politely) instead of ignored;
# the click checks the action and the id (parse_flag_id).
TEMPLATE = CUSTOM_ID_PREFIX + r":(?P<action>[^:]{0,20}):(?P<flag_id>[^:]{0,40})"
MAX_FLAG_ID = 2**63 - 1  # SQLite's largest integer
PAGE_SIZE = 8

BUTTON_STYLES: dict[str, discord.ButtonStyle] = {
    ReviewAction.ACK: discord.ButtonStyle.secondary,
    ReviewAction.NOT_NEGATIVE: discord.ButtonStyle.success,
    ReviewAction.DELETE: discord.ButtonStyle.danger,
    ReviewAction.SPAM_DELETE: discord.ButtonStyle.danger,
    ReviewAction.SPAM_TIMEOUT: discord.ButtonStyle.danger,
    ReviewAction.NOT_SPAM: discord.ButtonStyle.success,
    ReviewAction.UNDO: discord.ButtonStyle.secondary,
}


def custom_id(action: str, flag_id: int | str) -> str:
    return f"{CUSTOM_ID_PREFIX}:{action}:{flag_id}"


def parse_flag_id(raw: str) -> int | None:
    """The flag id in a custom id: ASCII digits, 1 to 2^63 - 1; None for anything else (ids can be forged)."""
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 19:
        return None
    value = int(raw)
    return value if 0 < value <= MAX_FLAG_ID else None


def server_locale(config: GuildConfig) -> str:
    """Review posts are read by every moderator: they use the server's language, not one person's."""
    return locale_for(None, config)


class FlagButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=TEMPLATE):
    """One action on one flag. Everything the click needs is in the custom id, so buttons keep working after
    a restart; the click is re-checked from scratch (permissions, guild, flag status)."""

    def __init__(
        self,
        action: str,
        flag_id: int | None,
        *,
        label: str | None = None,
        locale: str = "en",
        raw_id: str | None = None,
    ) -> None:
        self.action = action
        self.flag_id = flag_id  # None: the custom id did not hold a valid one (``raw_id``)
        known = action in BUTTON_STYLES
        super().__init__(
            discord.ui.Button(
                label=label or (t(f"review.button.{action}", locale) if known else action or "?"),
                style=BUTTON_STYLES.get(action, discord.ButtonStyle.secondary),
                custom_id=custom_id(action, raw_id if raw_id is not None else str(flag_id)),
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> FlagButton:
        label = item.label if isinstance(item, discord.ui.Button) else None
        raw = match["flag_id"]
        return cls(match["action"], parse_flag_id(raw), label=label, raw_id=raw)

    async def callback(self, interaction: discord.Interaction[Sentimeter]) -> None:  # type: ignore[override]
        # discord.py only logs a DynamicItem's exceptions: answer them the way a View's on_error does
        try:
            await handle_click(interaction, self.action, self.flag_id)
        except Exception as error:
            await self.on_error(interaction, error)

    async def on_error(self, interaction: discord.Interaction[Any], error: Exception, /) -> None:
        await component_error(interaction, error, self)


def review_view(flag: Flag, locale: str) -> discord.ui.View:
    view = SentimeterView(timeout=None)
    for action in ACTIONS_FOR_KIND.get(flag.kind, ()):
        view.add_item(FlagButton(action, flag.id, locale=locale))
    return view


def undo_view(flag: Flag, locale: str) -> discord.ui.View:
    view = SentimeterView(timeout=None)
    view.add_item(FlagButton(ReviewAction.UNDO, flag.id, locale=locale))
    return view


# -- clicks --------------------------------------------------------------------------------------------------


async def flagged_channel(
    guild: discord.Guild, flag: Flag, locale: str
) -> discord.abc.GuildChannel | discord.Thread | None:
    """The flagged message's channel, fetched when it is not cached; None when it no longer exists. Raises
    when it is another server's (refused as an unknown flag) or the bot cannot see it."""
    channel = guild.get_channel_or_thread(flag.channel_id)
    if channel is not None:
        return channel
    try:
        return await guild.fetch_channel(flag.channel_id)
    except discord.NotFound:
        return None  # gone, and the message with it
    except discord.InvalidData:  # another server's channel (or not a server channel at all)
        raise UserFacingError(t("review.click.unknown_flag", locale)) from None
    except discord.Forbidden:
        raise BotPermissionsMissing(["view_channel"], locale, channel_id=flag.channel_id) from None


async def _check_permissions(
    interaction: discord.Interaction[Sentimeter], action: str, flag: Flag, locale: str
) -> None:
    """Raise unless this person (and the bot) may do this. Checked at click time, every time, through the
    same helpers as the slash commands' checks, in the flagged message's channel even when it is not
    cached."""
    if action == ReviewAction.SPAM_TIMEOUT:
        require_permissions(interaction, locale=locale, moderate_members=True)
    guild = interaction.guild
    channel = await flagged_channel(guild, flag, locale) if guild is not None else None
    if channel is not None:
        require_permissions(interaction, channel=channel, locale=locale, manage_messages=True)
        if action in DELETING_ACTIONS:
            require_bot_permissions(interaction, channel=channel, locale=locale, manage_messages=True)
    if action == ReviewAction.SPAM_TIMEOUT:
        require_bot_permissions(interaction, locale=locale, moderate_members=True)
    if action == ReviewAction.UNDO and channel is not None:
        require_bot_permissions(
            interaction, channel=channel, locale=locale, send_messages=True, embed_links=True
        )


async def handle_click(
    interaction: discord.Interaction[Sentimeter], action: str, flag_id: int | None
) -> None:
    """Refusals are raised (UserFacingError, the permission errors); FlagButton answers them. ``flag_id``
    None: the custom id held no valid one."""
    bot = interaction.client
    guild_id = interaction.guild_id
    if guild_id is None or interaction.guild is None:
        raise UserFacingError(t("review.click.guild_only", locale_for(interaction)))
    if interaction.guild.id != guild_id:
        raise UserFacingError(t("review.click.unknown_flag", locale_for(interaction)))
    if flag_id is None or action not in BUTTON_STYLES:
        raise UserFacingError(t("review.click.bad_id", locale_for(interaction)))
    config = await bot.configs.get(guild_id)
    locale = locale_for(interaction, config)
    require_permissions(interaction, locale=locale, manage_messages=True)  # before telling anything about it
    flag = await bot.storage.get_flag(guild_id, flag_id)  # scoped: another server's flag is "unknown"
    if flag is None or flag.guild_id != guild_id:
        raise UserFacingError(t("review.click.unknown_flag", locale))
    if action != ReviewAction.UNDO and not flag.is_open:
        raise UserFacingError(already_resolved(flag, locale))
    if not action_allowed(action, flag.kind, flag.status):
        raise UserFacingError(t("review.click.not_allowed", locale))
    await _check_permissions(interaction, action, flag, locale)
    if action == ReviewAction.UNDO:
        await _undo(interaction, flag, config, locale)
        return

    now = int(time.time())
    resolved = await bot.storage.resolve_flag(
        guild_id, flag.id, STATUS_FOR_ACTION[action], interaction.user.id, now
    )
    if resolved is None:
        current = await bot.storage.get_flag(guild_id, flag.id)
        raise UserFacingError(already_resolved(current or flag, locale))
    post_locale = server_locale(config)
    notes: list[str] = []
    if action in DELETING_ACTIONS:
        notes.extend(await delete_flagged_message(bot, resolved, post_locale))
    if action == ReviewAction.SPAM_TIMEOUT:
        notes.extend(await timeout_author(bot, interaction.guild, resolved, config, post_locale))
    embed = review_embed(
        resolved,
        post_locale,
        show_text=action not in DELETING_ACTIONS,
        note="\n".join(notes) or None,
    )
    await interaction.response.edit_message(embed=embed, view=None, allowed_mentions=NO_PINGS)
    await learn_from_decision(bot, resolved, resolved.status, now)


def already_resolved(flag: Flag, locale: str) -> str:
    return t("review.click.already_resolved", locale, status=status_line(flag, locale))


async def delete_flagged_message(bot: Sentimeter, flag: Flag, locale: str) -> list[str]:
    """Delete the flagged message; notes for the post when it could not be done as asked."""
    partial = bot.get_partial_messageable(flag.channel_id, guild_id=flag.guild_id).get_partial_message(
        flag.message_id
    )
    try:
        await partial.delete()
    except discord.NotFound:
        return [t("review.note.already_deleted", locale)]
    except discord.Forbidden:
        return [t("review.note.delete_forbidden", locale)]
    except discord.HTTPException as exc:
        log.warning("could not delete message %s for flag %s: %s", flag.message_id, flag.id, exc)
        return [t("review.note.delete_failed", locale)]
    return []


async def timeout_author(
    bot: Sentimeter, guild: discord.Guild, flag: Flag, config: GuildConfig, locale: str
) -> list[str]:
    minutes = config.spam_timeout_minutes
    try:
        member = guild.get_member(flag.author_id) or await guild.fetch_member(flag.author_id)
    except discord.NotFound:
        return [t("review.note.author_left", locale)]
    except discord.HTTPException as exc:
        log.warning("could not fetch member %s: %s", flag.author_id, exc)
        return [t("review.note.timeout_failed", locale)]
    try:
        await member.timeout(dt.timedelta(minutes=minutes), reason=f"Sentimeter: spam (flag #{flag.id})")
    except discord.Forbidden:
        return [t("review.note.timeout_forbidden", locale)]
    except discord.HTTPException as exc:
        log.warning("could not time out member %s: %s", flag.author_id, exc)
        return [t("review.note.timeout_failed", locale)]
    return [t("review.note.timed_out", locale, user=f"<@{flag.author_id}>", minutes=minutes)]


async def _undo(
    interaction: discord.Interaction[Sentimeter], flag: Flag, config: GuildConfig, locale: str
) -> None:
    """Discord cannot restore a deleted message: re-post its text quoted by the bot, mark it Not spam."""
    bot = interaction.client
    post_locale = server_locale(config)
    now = int(time.time())
    relabelled = await bot.storage.relabel_flag(
        flag.guild_id, flag.id, FlagStatus.AUTO_DELETED, FlagStatus.NOT_SPAM, interaction.user.id, now
    )
    if relabelled is None:
        raise UserFacingError(already_resolved(flag, locale))
    shown = relabelled
    notes = [t("spam.undo.done", post_locale, user=f"<@{interaction.user.id}>")]
    source = interaction.message
    quoted = ""
    if source is not None and source.embeds:
        quoted = source.embeds[0].description or ""  # already escaped when the log entry was built
    channel = bot.get_partial_messageable(flag.channel_id, guild_id=flag.guild_id)
    try:
        await channel.send(embed=restored_embed(flag, post_locale, quoted), allowed_mentions=NO_PINGS)
    except discord.HTTPException as exc:
        log.warning("could not re-post flag %s: %s", flag.id, exc)
        notes = [t("spam.undo.repost_failed", post_locale)]
    embed = spam_log_embed(shown, post_locale, note="\n".join(notes))
    await interaction.response.edit_message(embed=embed, view=None, allowed_mentions=NO_PINGS)
    await learn_from_decision(bot, relabelled, relabelled.status, now)


# -- /flags list pager ---------------------------------------------------------------------------------------


class FlagPager(SentimeterView):
    """Previous/Next over the flag list. Only the person who ran the command may page."""

    def __init__(
        self,
        bot: Sentimeter,
        *,
        guild_id: int,
        invoker_id: int,
        status: FlagStatus | None,
        total: int,
        locale: str,
        timeout: float = 300.0,
    ) -> None:
        super().__init__(timeout=timeout)
        self.bot = bot
        self.guild_id = guild_id
        self.invoker_id = invoker_id
        self.status = status
        self.total = total
        self.locale = locale
        self.page = 1
        self.origin: discord.Interaction[Any] | None = (
            None  # the /flags list interaction, to tidy up on timeout
        )
        self.previous.label = t("flags.list.previous", locale)
        self.next.label = t("flags.list.next", locale)
        self._sync_buttons()

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.page <= 1
        self.next.disabled = self.page >= self.pages

    async def render(self) -> discord.Embed:
        flags = await self.bot.storage.list_flags(
            self.guild_id, self.status, (self.page - 1) * PAGE_SIZE, PAGE_SIZE
        )
        self._sync_buttons()
        return flag_list_embed(
            flags, self.locale, page=self.page, pages=self.pages, total=self.total, status=self.status
        )

    async def on_timeout(self) -> None:
        if self.origin is not None:
            with contextlib.suppress(discord.HTTPException):
                await self.origin.edit_original_response(view=None, allowed_mentions=NO_PINGS)

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        if interaction.user.id != self.invoker_id:
            # through the shared error path; a check answers and returns False so the button does not run
            refusal = UserFacingError(t("flags.list.not_yours", locale_for(interaction)))
            await component_error(interaction, refusal, None)
            return False
        return True

    async def _turn(self, interaction: discord.Interaction[Any], step: int) -> None:
        self.total = await self.bot.storage.count_flags(self.guild_id, self.status)
        self.page = min(max(1, self.page + step), self.pages)
        embed = await self.render()
        await interaction.response.edit_message(embed=embed, view=self, allowed_mentions=NO_PINGS)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(
        self, interaction: discord.Interaction[Any], button: discord.ui.Button[FlagPager]
    ) -> None:
        await self._turn(interaction, -1)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction[Any], button: discord.ui.Button[FlagPager]) -> None:
        await self._turn(interaction, +1)
