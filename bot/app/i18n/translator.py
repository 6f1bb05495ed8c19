"""Translations of the command tree (names, descriptions, parameters, choices) for Discord's own UI.

Keys are derived from where a string sits, so cogs only write English ``locale_str`` values:

- command or group ``/config exempt-channel add``: ``app.config.exempt-channel.add.name`` / ``.description``
- its parameter ``channel``: ``app.config.exempt-channel.add.param.channel.name`` / ``.description``
- a context menu ``Check sentiment``: ``app.menu.check_sentiment.name``
- a choice with value ``7d``: ``app.choice.7d``

``locale_str("…", key="app.some.key")`` overrides the derived key and ``locale_str("…", translate=False)``
keeps a string as it is (language names in their own language). The English catalog holds every key with
the English text (the test checks that it matches the code); English itself is served from the code.
"""

from __future__ import annotations

import logging
import re

import discord
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Where

from bot.app.i18n.catalog import DEFAULT_LOCALE, catalogs, resolve_locale

log = logging.getLogger(__name__)

# Discord's rule for slash command, group and option names (context menus may use spaces and capitals).
NAME_RE = re.compile(r"^[-_\w\u0900-\u097F\u0E00-\u0E7F]{1,32}$")


def _path(qualified_name: str) -> str:
    return qualified_name.replace(" ", ".")


def translation_key(
    string: app_commands.locale_str, context: app_commands.TranslationContextTypes
) -> str | None:
    """The catalog key for a string of the command tree, or None when it is not translated."""
    if string.extras.get("translate") is False:
        return None
    explicit = string.extras.get("key")
    if isinstance(explicit, str):
        return explicit
    location, data = context.location, context.data
    if isinstance(data, app_commands.ContextMenu):
        return "app.menu." + re.sub(r"\W+", "_", data.name.lower()).strip("_") + ".name"
    if isinstance(data, app_commands.Command | app_commands.Group):
        if location in (Where.command_name, Where.group_name):
            return f"app.{_path(data.qualified_name)}.name"
        return f"app.{_path(data.qualified_name)}.description"
    if isinstance(data, app_commands.Parameter):
        suffix = "name" if location is Where.parameter_name else "description"
        return f"app.{_path(data.command.qualified_name)}.param.{data.display_name}.{suffix}"
    if isinstance(data, app_commands.Choice):
        return f"app.choice.{data.value}"
    return None


class SentimeterTranslator(app_commands.Translator):
    """Looks command-tree strings up in the locale catalogs (Indonesian today; any new catalog works)."""

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        code = resolve_locale(locale)
        if code is None or code == DEFAULT_LOCALE:
            return None  # English is what the code says
        key = translation_key(string, context)
        if key is None:
            return None
        text = catalogs()[code].get(key)
        if text is None:
            log.debug("no %s translation for %s", code, key)
        return text
