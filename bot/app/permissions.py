"""One way to check permissions, for slash commands and for buttons alike.

``require_permissions`` / ``require_bot_permissions`` raise ``PermissionsMissing`` /
``BotPermissionsMissing``: they are discord.py's ``MissingPermissions`` / ``BotMissingPermissions`` (so a
command check that raises them behaves like ``app_commands.checks.has_permissions``) and ``UserFacingError``
(their text is already in the reader's language), so the command tree and the component error handler answer
them the same way.
``has_permissions(...)`` is the command-check form; buttons call ``require_permissions`` when clicked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.app.i18n import DEFAULT_LOCALE, catalogs, locale_for, t
from bot.core.errors import UserFacingError

T = TypeVar("T")

# Templates by (whose permissions, checked in one channel, more than one missing).
_TEMPLATES: dict[tuple[bool, bool, bool], str] = {
    (False, False, False): "errors.permissions.you",
    (False, False, True): "errors.permissions.you_many",
    (False, True, False): "errors.permissions.you_in",
    (False, True, True): "errors.permissions.you_in_many",
    (True, False, False): "errors.permissions.bot",
    (True, False, True): "errors.permissions.bot_many",
    (True, True, False): "errors.permissions.bot_in",
    (True, True, True): "errors.permissions.bot_in_many",
}

PermissionChannel = discord.abc.GuildChannel | discord.Thread


def permission_name(name: str, locale: str | discord.Locale | None) -> str:
    """A permission as Discord's settings call it, in the reader's language (manage_guild: Manage Server)."""
    key = f"permission.{name}"
    if key in catalogs()[DEFAULT_LOCALE]:
        return t(key, locale)
    return name.replace("_", " ").replace("guild", "server").title()


def permissions_message(
    missing: Sequence[str],
    locale: str | discord.Locale | None,
    *,
    bot: bool = False,
    channel_id: int | None = None,
) -> str:
    """'You need the **Manage Messages** permission for this.' and its variants (the bot's, in a channel)."""
    names = ", ".join(f"**{permission_name(name, locale)}**" for name in missing)
    key = _TEMPLATES[(bot, channel_id is not None, len(missing) > 1)]
    channel = f"<#{channel_id}>" if channel_id is not None else ""
    return t(key, locale, permissions=names, channel=channel)


class PermissionsMissing(UserFacingError, app_commands.MissingPermissions):
    """The person lacks permissions (in ``channel_id`` when given). Its text is already localised."""

    def __init__(
        self, missing: list[str], locale: str | discord.Locale | None, *, channel_id: int | None = None
    ) -> None:
        app_commands.MissingPermissions.__init__(self, missing)
        self.channel_id = channel_id
        self.args = (permissions_message(missing, locale, channel_id=channel_id),)


class BotPermissionsMissing(UserFacingError, app_commands.BotMissingPermissions):
    """The bot lacks permissions (in ``channel_id`` when given). Its text is already localised."""

    def __init__(
        self, missing: list[str], locale: str | discord.Locale | None, *, channel_id: int | None = None
    ) -> None:
        app_commands.BotMissingPermissions.__init__(self, missing)
        self.channel_id = channel_id
        self.args = (permissions_message(missing, locale, bot=True, channel_id=channel_id),)


def missing_from(permissions: discord.Permissions, wanted: dict[str, bool]) -> list[str]:
    """The names in ``wanted`` whose value ``permissions`` does not have."""
    invalid = set(wanted) - set(discord.Permissions.VALID_FLAGS)
    if invalid:
        raise TypeError(f"Invalid permission(s): {', '.join(sorted(invalid))}")
    return [name for name, value in wanted.items() if getattr(permissions, name) != value]


def require_permissions(
    interaction: discord.Interaction[Any],
    /,
    *,
    channel: PermissionChannel | None = None,
    locale: str | None = None,
    **wanted: bool,
) -> None:
    """Raise ``PermissionsMissing`` unless the person who interacted has every ``wanted`` permission.

    Without ``channel`` these are the permissions Discord sent with the interaction (its channel); with one,
    the member's permissions there (for a button that acts in another channel). ``locale`` is the reply
    language (default: the person's own, else English)."""
    permissions = interaction.permissions
    user = interaction.user
    if channel is not None and isinstance(user, discord.Member):
        permissions = channel.permissions_for(user)
    else:
        channel = None
    _raise_if_missing(interaction, permissions, wanted, channel, locale)


def _raise_if_missing(
    interaction: discord.Interaction[Any],
    permissions: discord.Permissions,
    wanted: dict[str, bool],
    channel: PermissionChannel | None,
    locale: str | None,
) -> None:
    missing = missing_from(permissions, wanted)
    if missing:
        raise PermissionsMissing(
            missing,
            locale or locale_for(interaction),
            channel_id=channel.id if channel is not None else None,
        )


def require_bot_permissions(
    interaction: discord.Interaction[Any],
    /,
    *,
    channel: PermissionChannel | None = None,
    locale: str | None = None,
    **wanted: bool,
) -> None:
    """Raise ``BotPermissionsMissing`` unless the bot has every ``wanted`` permission: server-wide, or in
    ``channel`` when given. Outside a server (nothing to check against) it does not raise."""
    guild = interaction.guild
    me = guild.me if guild is not None else None
    if me is None:
        return
    permissions = channel.permissions_for(me) if channel is not None else me.guild_permissions
    missing = missing_from(permissions, wanted)
    if missing:
        raise BotPermissionsMissing(
            missing,
            locale or locale_for(interaction),
            channel_id=channel.id if channel is not None else None,
        )


def has_permissions(**wanted: bool) -> Callable[[T], T]:
    """A command check like ``app_commands.checks.has_permissions``, going through ``require_permissions``."""
    missing_from(discord.Permissions.none(), wanted)  # a misspelt name fails at import, not at run time

    def predicate(interaction: discord.Interaction[Any]) -> bool:
        _raise_if_missing(interaction, interaction.permissions, wanted, None, None)
        return True

    return app_commands.check(predicate)
