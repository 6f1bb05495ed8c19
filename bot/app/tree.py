"""One CommandTree owns command error handling: every error becomes a short, localised, ephemeral reply (or a
log line when nobody can be answered) through bot/app/errors.py, the path components use too."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.app.errors import reply_to_error, send_ephemeral

if TYPE_CHECKING:
    from bot.app.client import Sentimeter

__all__ = ["SentimeterTree", "send_ephemeral"]


class SentimeterTree(app_commands.CommandTree["Sentimeter"]):
    async def on_error(
        self, interaction: discord.Interaction[Sentimeter], error: app_commands.AppCommandError
    ) -> None:
        await reply_to_error(interaction, error, where=_where(interaction, error))


def _where(interaction: discord.Interaction[Sentimeter], error: app_commands.AppCommandError) -> str:
    """The command for the log: the one that ran, or the name Discord sent for one the bot lacks."""
    if isinstance(error, app_commands.CommandNotFound):
        return "/" + " ".join([*error.parents, error.name])
    command = interaction.command
    return "/" + command.qualified_name if command is not None else "a command"
