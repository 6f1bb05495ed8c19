"""Slash-command option choices that several cogs offer, defined once so every command reads the same and is
translated the same way (``bot/app/i18n/translator.py`` looks the names up)."""

from __future__ import annotations

from discord import app_commands
from discord.app_commands import locale_str as _

from bot.core.periods import Period

PERIOD_CHOICES: list[app_commands.Choice[str]] = [
    app_commands.Choice(name=_("Last 24 hours"), value=Period.DAY.value),
    app_commands.Choice(name=_("Last 7 days"), value=Period.WEEK.value),
    app_commands.Choice(name=_("Last 30 days"), value=Period.MONTH.value),
    app_commands.Choice(name=_("Last 90 days"), value=Period.QUARTER.value),
    app_commands.Choice(name=_("All time"), value=Period.ALL.value),
]
