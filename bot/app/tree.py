"""One CommandTree owns error handling: user-facing errors become short ephemeral replies."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.core.errors import UserFacingError

if TYPE_CHECKING:
    from bot.app.client import Sentimeter

log = logging.getLogger(__name__)


def _text(key: str, interaction: discord.Interaction[Any], **kwargs: object) -> str:
    from bot.app.i18n import t

    locale = str(interaction.locale) if interaction.locale else "en-US"
    return t(key, locale, **kwargs)


class SentimeterTree(app_commands.CommandTree["Sentimeter"]):
    async def on_error(
        self, interaction: discord.Interaction[Sentimeter], error: app_commands.AppCommandError
    ) -> None:
        original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
        if isinstance(original, UserFacingError):
            message = str(original)
        elif isinstance(error, app_commands.MissingPermissions):
            perms = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
            message = _text("errors.missing_permissions", interaction, permissions=perms)
        elif isinstance(error, app_commands.BotMissingPermissions):
            perms = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
            message = _text("errors.bot_missing_permissions", interaction, permissions=perms)
        elif isinstance(error, app_commands.NoPrivateMessage):
            message = _text("errors.guild_only", interaction)
        elif isinstance(error, app_commands.CommandOnCooldown):
            message = _text("errors.cooldown", interaction, seconds=f"{error.retry_after:.0f}")
        elif isinstance(error, app_commands.TransformerError):
            message = _text("errors.bad_value", interaction, value=str(error.value)[:100])
        elif isinstance(error, app_commands.CheckFailure):
            message = _text("errors.not_allowed", interaction)
        else:
            command = interaction.command.qualified_name if interaction.command else "?"
            log.error("Unhandled error in /%s", command, exc_info=original)
            message = _text("errors.unexpected", interaction)
        await send_ephemeral(interaction, message)


async def send_ephemeral(interaction: discord.Interaction[Any], message: str) -> None:
    """Reply ephemerally whether or not the interaction was already answered or deferred."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(
                message, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )
        else:
            await interaction.response.send_message(
                message, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )
    except discord.HTTPException:
        log.warning("Could not deliver an error message to the user", exc_info=True)
