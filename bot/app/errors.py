"""One error path for slash commands, context menus and components (buttons).

Code that refuses something raises: ``UserFacingError`` with a localised text, or the permission errors of
``bot/app/permissions.py``. ``SentimeterTree.on_error`` and the components' ``on_error``
(``SentimeterView.on_error``, ``component_error`` for DynamicItems) both call ``reply_to_error``, which logs
the error as it deserves and answers with ``send_ephemeral``. A user never sees a Python repr: every reply is
a catalog text.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import TranslationContext
from discord.app_commands import TranslationContextLocation as Where

from bot.app.i18n import DEFAULT_LOCALE, catalogs, locale_for, t, translation_key
from bot.app.permissions import permissions_message
from bot.core.errors import UserFacingError

log = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()
UNKNOWN_INTERACTION = 10062  # the interaction expired (3 s to answer) or was already answered elsewhere
ALREADY_ACKNOWLEDGED = 40060  # somebody (another copy of the bot?) answered the interaction first

# What an option of each type expects, for the reply to a value that cannot be used.
_EXPECTED: dict[discord.AppCommandOptionType, str] = {
    discord.AppCommandOptionType.string: "errors.expected.text",
    discord.AppCommandOptionType.integer: "errors.expected.integer",
    discord.AppCommandOptionType.number: "errors.expected.number",
    discord.AppCommandOptionType.boolean: "errors.expected.boolean",
    discord.AppCommandOptionType.user: "errors.expected.member",
    discord.AppCommandOptionType.channel: "errors.expected.channel",
    discord.AppCommandOptionType.role: "errors.expected.role",
    discord.AppCommandOptionType.mentionable: "errors.expected.mentionable",
    discord.AppCommandOptionType.attachment: "errors.expected.attachment",
}


# -- the reply -----------------------------------------------------------------------------------------------


def is_expired(error: BaseException) -> bool:
    """Discord no longer accepts an answer to this interaction (10062 Unknown interaction)."""
    return isinstance(error, discord.NotFound) and error.code == UNKNOWN_INTERACTION


def is_already_acknowledged(error: BaseException) -> bool:
    return isinstance(error, discord.HTTPException) and error.code == ALREADY_ACKNOWLEDGED


async def send_ephemeral(interaction: discord.Interaction[Any], message: str) -> None:
    """Reply ephemerally whether or not the interaction was already answered or deferred (then as a followup).
    Never raises: an expired interaction is logged, other delivery failures too."""
    try:
        try:
            if interaction.response.is_done():
                await interaction.followup.send(message, ephemeral=True, allowed_mentions=NO_PINGS)
            else:
                await interaction.response.send_message(message, ephemeral=True, allowed_mentions=NO_PINGS)
        except discord.HTTPException as exc:
            if not is_already_acknowledged(exc):
                raise
            # answered meanwhile (a deferral we did not see): a followup still reaches the person
            await interaction.followup.send(message, ephemeral=True, allowed_mentions=NO_PINGS)
    except discord.HTTPException as exc:
        if is_expired(exc):
            log.info("Interaction %s expired before its error message could be sent", interaction.id)
        else:
            log.warning("Could not deliver an error message to the user: %s", exc)


# -- which reply ---------------------------------------------------------------------------------------------


def unwrap(error: BaseException) -> BaseException:
    """The error that matters: a command's own exception, or a transformer's user-facing one."""
    if isinstance(error, app_commands.CommandInvokeError):
        return error.original
    if isinstance(error, app_commands.TransformerError) and isinstance(error.__cause__, UserFacingError):
        return error.__cause__
    return error


def _parameter_for(
    interaction: discord.Interaction[Any], error: app_commands.TransformerError
) -> app_commands.Parameter | None:
    """The option whose value failed to convert (TransformerError does not say which one)."""
    command = interaction.command
    if not isinstance(command, app_commands.Command):
        return None
    parameters = command.parameters
    namespace = getattr(interaction, "namespace", None)
    if error.value is not None:
        for parameter in parameters:
            if getattr(namespace, parameter.display_name, None) is error.value:
                return parameter
    same_type = [p for p in parameters if p.type is error.type]
    return same_type[0] if len(same_type) == 1 else None


def option_name(parameter: app_commands.Parameter, locale: str) -> str:
    """The option's name as the person sees it in Discord (translated by the tree's translator)."""
    name = parameter.locale_name or app_commands.locale_str(parameter.display_name)
    key = translation_key(name, TranslationContext(Where.parameter_name, parameter))
    if key is not None and locale != DEFAULT_LOCALE:
        translated = catalogs().get(locale, {}).get(key)
        if translated:
            return translated
    return parameter.display_name


def bad_option_message(
    interaction: discord.Interaction[Any], error: app_commands.TransformerError, locale: str
) -> str:
    """Names the option and what it needs; never the value (it may be an object's repr or hostile text)."""
    parameter = _parameter_for(interaction, error)
    is_choice = getattr(error.transformer, "__discord_app_commands_is_choice__", False) or bool(
        parameter is not None and parameter.choices
    )
    expected_key = "errors.expected.choice" if is_choice else _EXPECTED.get(error.type)
    if parameter is None or expected_key is None:
        return t("errors.bad_option_unnamed", locale)
    return t(
        "errors.bad_option",
        locale,
        option=option_name(parameter, locale),
        expected=t(expected_key, locale),
    )


def error_message(interaction: discord.Interaction[Any], error: BaseException) -> str | None:
    """The localised reply for an error, or None when nobody can or should be answered."""
    original = unwrap(error)
    locale = locale_for(interaction)
    if is_expired(original) or is_already_acknowledged(original):
        return None
    if isinstance(original, UserFacingError):
        return str(original)
    if isinstance(original, app_commands.MissingPermissions):
        return permissions_message(original.missing_permissions, locale)
    if isinstance(original, app_commands.BotMissingPermissions):
        return permissions_message(original.missing_permissions, locale, bot=True)
    if isinstance(original, app_commands.NoPrivateMessage):
        return t("errors.guild_only", locale)
    if isinstance(original, app_commands.CommandOnCooldown):
        # whole seconds, rounded up: "try again in 0 seconds" would be refused once more
        return t("errors.cooldown", locale, seconds=str(max(1, math.ceil(original.retry_after))))
    if isinstance(original, app_commands.TransformerError):
        return bad_option_message(interaction, original, locale)
    if isinstance(original, app_commands.CommandNotFound):
        return t("errors.command_gone", locale)
    if isinstance(original, app_commands.CommandSignatureMismatch):
        return t("errors.command_outdated", locale)
    if isinstance(original, app_commands.CheckFailure):
        return t("errors.not_allowed", locale)
    return t("errors.unexpected", locale)


def _log(where: str, interaction: discord.Interaction[Any], error: BaseException) -> None:
    original = unwrap(error)
    if is_expired(original):
        log.info("%s: the interaction expired before the bot answered (over 3 seconds?)", where)
    elif is_already_acknowledged(original):
        log.warning(
            "%s: the interaction was already answered (is another copy of the bot running with this token?)",
            where,
        )
    elif isinstance(original, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
        log.warning(
            "%s: Discord sent a command this bot no longer has in that form (%s); sync the commands again "
            "(SENTIMETER_DEV_GUILD_ID or --sync)",
            where,
            type(original).__name__,
        )
    elif isinstance(original, app_commands.TransformerError):
        log.info(
            "%s: a %s option value could not be converted (%s)",
            where,
            original.type.name,
            type(original.__cause__ or original.value).__name__,
        )
    elif isinstance(original, UserFacingError | app_commands.CheckFailure | app_commands.CommandOnCooldown):
        log.debug("%s: refused: %s", where, original)
    else:
        log.error("Unhandled error in %s", where, exc_info=original)


async def reply_to_error(interaction: discord.Interaction[Any], error: BaseException, *, where: str) -> None:
    """Log ``error`` as it deserves and tell the person, ephemerally, in their language. ``where`` names the
    command or component for the log."""
    _log(where, interaction, error)
    message = error_message(interaction, error)
    if message is not None:
        await send_ephemeral(interaction, message)


# -- components ----------------------------------------------------------------------------------------------


def _component_name(item: discord.ui.Item[Any] | None) -> str:
    if item is None:
        return "a component"
    custom_id = getattr(item, "custom_id", None)
    return f"component {custom_id}" if custom_id else f"component {type(item).__name__}"


async def component_error(
    interaction: discord.Interaction[Any], error: Exception, item: discord.ui.Item[Any] | None
) -> None:
    """The components' error handler (a View's ``on_error``, a DynamicItem's callback wrapper)."""
    await reply_to_error(interaction, error, where=_component_name(item))


class SentimeterView(discord.ui.View):
    """Base view: errors in its items' callbacks and checks are answered like command errors."""

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, item: discord.ui.Item[Any], /
    ) -> None:
        await component_error(interaction, error, item)
