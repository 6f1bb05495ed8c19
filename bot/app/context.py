"""Where an interaction happened: the server, its configuration and the language to answer in. Every command
and button starts here, so "only in a server", the reply language and the permission check read the same
everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from bot.app.i18n import locale_for
from bot.app.permissions import require_permissions
from bot.storage.models import GuildConfig

if TYPE_CHECKING:
    from bot.app.client import Sentimeter


@dataclass(frozen=True, slots=True)
class GuildContext:
    guild: discord.Guild
    config: GuildConfig
    locale: str


async def guild_context(
    bot: Sentimeter, interaction: discord.Interaction[Sentimeter], **permissions: bool
) -> GuildContext:
    """The interaction's server, its configuration and the reply language. Raises ``NoPrivateMessage``
    outside a server and, when ``permissions`` are named, checks the person has them (at this moment, so a
    button checks when it is clicked)."""
    guild = interaction.guild
    if guild is None:
        raise app_commands.NoPrivateMessage()
    config = await bot.configs.get(guild.id)
    locale = locale_for(interaction, config)
    if permissions:
        require_permissions(interaction, channel=None, locale=locale, **permissions)
    return GuildContext(guild, config, locale)
