"""Which interface language to answer an interaction in."""

from __future__ import annotations

from typing import Any

import discord

from bot.app.i18n.catalog import DEFAULT_LOCALE, resolve_locale
from bot.storage.models import GuildConfig


def locale_for(interaction: discord.Interaction[Any] | None, config: GuildConfig | None = None) -> str:
    """The person's own Discord language when we have it, else the server's ``/config language``, else
    English. Pass ``interaction=None`` for posts that nobody in particular asked for (review posts)."""
    if interaction is not None:
        code = resolve_locale(interaction.locale)
        if code is not None:
            return code
    if config is not None and config.language:
        code = resolve_locale(config.language)
        if code is not None:
            return code
    return DEFAULT_LOCALE
