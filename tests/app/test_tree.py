"""The command tree's error handling: every error kind becomes one short, localised, ephemeral reply (or a
log line when nobody can be answered), and a user never sees a Python repr.

Two levels, like discord.py's tests/test_app_commands_invoke.py: `tree.on_error(interaction, error)` called
with each error kind on an autospec'd interaction, and real commands (the Stats cog) invoked through the tree
from an interaction payload, so the library itself raises the TransformerError / CommandNotFound /
CommandSignatureMismatch."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from unittest.mock import create_autospec

import discord
import pytest
from discord import app_commands

from bot.app.client import Sentimeter
from bot.app.permissions import PermissionsMissing, has_permissions
from bot.app.tree import SentimeterTree
from bot.core.errors import UserFacingError
from bot.storage.sqlite import SQLiteStorage
from cogs.stats import Stats
from tests.cogs.conftest import fake_guild, fake_interaction, make_bot
from tests.cogs.test_listener import GUILD_ID, ROLE_ID, TEXT_ID, USER_ID, World, member_payload

NO_PINGS = {"parse": []}
# What a Python repr or a traceback looks like in a message: none may reach a user.
REPR = re.compile(r"<[A-Za-z_.]+ [^>]*=|object at 0x|Traceback|<class '")


# -- helpers -------------------------------------------------------------------------------------------------


def http_error(cls: type[discord.HTTPException], status: int, code: int, message: str) -> Any:
    response = create_autospec(discord.http.aiohttp.ClientResponse, instance=True)
    response.status = status
    response.reason = message
    return cls(response, {"code": code, "message": message})


def expired() -> discord.HTTPException:
    return http_error(discord.NotFound, 404, 10062, "Unknown interaction")


def already_acknowledged() -> discord.HTTPException:
    return http_error(discord.HTTPException, 400, 40060, "Interaction has already been acknowledged.")


def the_reply(interaction: Any) -> str:
    """The one message sent: as the response, or as a followup when the interaction was already answered."""
    calls = [*interaction.response.send_message.await_args_list, *interaction.followup.send.await_args_list]
    assert len(calls) == 1, calls
    call = calls[0]
    assert call.kwargs["ephemeral"] is True
    assert call.kwargs["allowed_mentions"].to_dict() == NO_PINGS
    text = str(call.args[0])
    assert text.strip() and not REPR.search(text), text
    return text


def nothing_sent(interaction: Any) -> bool:
    return interaction.response.send_message.await_count == 0 and interaction.followup.send.await_count == 0


@pytest.fixture
def tree() -> SentimeterTree:
    return SentimeterTree(discord.Client(intents=discord.Intents.default()))


def interaction_for(locale: discord.Locale = discord.Locale.american_english) -> Any:
    interaction = fake_interaction(fake_guild(), locale=locale)
    interaction.command = None
    return interaction


@app_commands.command(name="pick", description="pick a channel")
@app_commands.describe(channel="a channel")
async def pick(interaction: discord.Interaction[Any], channel: discord.TextChannel, times: int = 1) -> None:
    raise AssertionError("never runs in these tests")


@app_commands.command(name="paint", description="paint")
@app_commands.choices(colour=[app_commands.Choice(name="Red", value="red")])
async def paint(interaction: discord.Interaction[Any], colour: app_commands.Choice[str]) -> None:
    raise AssertionError("never runs in these tests")


# -- tree.on_error, one error kind at a time -----------------------------------------------------------------


async def test_user_facing_error_from_a_command_is_the_reply(tree: SentimeterTree) -> None:
    interaction = interaction_for()
    error = app_commands.CommandInvokeError(pick, UserFacingError("Pick a channel from this server."))
    await tree.on_error(interaction, error)
    assert the_reply(interaction) == "Pick a channel from this server."


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            app_commands.MissingPermissions(["manage_guild"]),
            "You need the **Manage Server** permission for this.",
        ),
        (
            app_commands.BotMissingPermissions(["embed_links", "send_messages"]),
            "I need these permissions for this: **Embed Links**, **Send Messages**.",
        ),
        (app_commands.NoPrivateMessage(), "This command only works in a server."),
        (
            app_commands.CommandOnCooldown(app_commands.Cooldown(1, 30.0), 12.4),
            "Slow down a little: try again in 13 seconds.",  # rounded up: after 12 s it is still refused
        ),
        (app_commands.CheckFailure(), "You can't use this command here."),
        (app_commands.CommandNotFound("gone", []), "That command no longer exists or has changed."),
        (app_commands.CommandSignatureMismatch(pick), "This command was just updated"),
    ],
    ids=["missing", "bot-missing", "guild-only", "cooldown", "check", "not-found", "mismatch"],
)
async def test_library_errors_get_a_localised_reply(
    tree: SentimeterTree, error: app_commands.AppCommandError, expected: str
) -> None:
    interaction = interaction_for()
    await tree.on_error(interaction, error)
    assert the_reply(interaction).startswith(expected)


async def test_the_same_errors_in_indonesian(tree: SentimeterTree) -> None:
    for error, expected in [
        (app_commands.MissingPermissions(["manage_messages"]), "Kamu perlu izin **Kelola Pesan** untuk ini."),
        (app_commands.CommandNotFound("gone", []), "Perintah itu sudah tidak ada"),
        (app_commands.CommandInvokeError(pick, RuntimeError("boom")), "Ada yang salah di sisiku"),
    ]:
        interaction = interaction_for(discord.Locale.indonesian)
        await tree.on_error(interaction, error)
        assert the_reply(interaction).startswith(expected)


async def test_the_shared_permission_check_raises_what_the_tree_answers(tree: SentimeterTree) -> None:
    command = has_permissions(manage_messages=True, moderate_members=True)(
        app_commands.Command(name="mod", description="moderators", callback=pick.callback)
    )
    interaction = interaction_for()
    interaction.permissions = discord.Permissions(manage_messages=True)
    with pytest.raises(app_commands.MissingPermissions) as caught:
        await command._check_can_run(interaction)
    assert isinstance(caught.value, PermissionsMissing) and isinstance(caught.value, UserFacingError)
    assert caught.value.missing_permissions == ["moderate_members"]
    await tree.on_error(interaction, caught.value)
    assert the_reply(interaction) == "You need the **Moderate Members** permission for this."


def test_a_misspelt_permission_fails_when_the_check_is_written() -> None:
    with pytest.raises(TypeError, match="manage_mesages"):
        has_permissions(manage_mesages=True)


async def test_bad_option_value_names_the_option_and_never_shows_the_value(tree: SentimeterTree) -> None:
    interaction = interaction_for()
    interaction.command = pick
    value = discord.Object(id=123)
    interaction.namespace = app_commands.Namespace.__new__(app_commands.Namespace)
    interaction.namespace.__dict__.update({"channel": value, "times": 1})
    error = app_commands.TransformerError(
        value, discord.AppCommandOptionType.channel, pick._params["channel"]._annotation
    )
    assert "<Object" in str(error)  # what used to reach the user
    await tree.on_error(interaction, error)
    text = the_reply(interaction)
    assert text == (
        "The value given for **channel** can't be used: it needs a channel from this server that I can see."
    )
    assert "123" not in text


async def test_value_outside_the_choices_asks_for_one_of_them(tree: SentimeterTree) -> None:
    interaction = interaction_for()
    interaction.command = paint
    interaction.namespace = app_commands.Namespace.__new__(app_commands.Namespace)
    interaction.namespace.__dict__.update({"colour": "<@&1> ||blue||"})
    error = app_commands.TransformerError(
        "<@&1> ||blue||", discord.AppCommandOptionType.string, paint._params["colour"]._annotation
    )
    await tree.on_error(interaction, error)
    text = the_reply(interaction)
    assert text == "The value given for **colour** can't be used: it needs one of the listed choices."


async def test_bad_option_value_without_a_known_option(tree: SentimeterTree) -> None:
    interaction = interaction_for()  # no command: the option cannot be named
    error = app_commands.TransformerError(
        discord.Object(id=5), discord.AppCommandOptionType.channel, pick._params["channel"]._annotation
    )
    await tree.on_error(interaction, error)
    assert the_reply(interaction).startswith("One of the values you gave can't be used.")


async def test_transformer_raising_a_user_facing_error_is_answered_with_it(tree: SentimeterTree) -> None:
    interaction = interaction_for()
    error = app_commands.TransformerError(
        "x", discord.AppCommandOptionType.string, pick._params["channel"]._annotation
    )
    error.__cause__ = UserFacingError("Words only, please.")
    await tree.on_error(interaction, error)
    assert the_reply(interaction) == "Words only, please."


async def test_unexpected_error_is_logged_and_answered_without_details(
    tree: SentimeterTree, caplog: pytest.LogCaptureFixture
) -> None:
    interaction = interaction_for()
    interaction.command = pick
    secret = RuntimeError("database at /srv/secret.db is <locked object at 0x7f>")
    with caplog.at_level(logging.ERROR, logger="bot.app.errors"):
        await tree.on_error(interaction, app_commands.CommandInvokeError(pick, secret))
    assert the_reply(interaction) == "Something went wrong on my side. Please try again in a moment."
    assert any(r.exc_info and r.exc_info[1] is secret and "/pick" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("make", [expired, already_acknowledged], ids=["10062", "40060"])
async def test_dead_or_answered_interactions_are_logged_not_answered(
    tree: SentimeterTree, make: Any, caplog: pytest.LogCaptureFixture
) -> None:
    interaction = interaction_for()
    interaction.command = pick
    with caplog.at_level(logging.INFO, logger="bot.app.errors"):
        await tree.on_error(interaction, app_commands.CommandInvokeError(pick, make()))
    assert nothing_sent(interaction)
    assert caplog.records and not any(r.levelno >= logging.ERROR or r.exc_info for r in caplog.records)


async def test_removed_command_is_logged_as_a_warning(
    tree: SentimeterTree, caplog: pytest.LogCaptureFixture
) -> None:
    interaction = interaction_for()
    with caplog.at_level(logging.WARNING, logger="bot.app.errors"):
        await tree.on_error(interaction, app_commands.CommandNotFound("old", ["stats"]))
    the_reply(interaction)
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert "/stats old" in caplog.records[0].getMessage()


# -- the reply helper ----------------------------------------------------------------------------------------


async def test_after_a_defer_the_reply_is_a_followup(tree: SentimeterTree) -> None:
    interaction = interaction_for()
    interaction.response.is_done.return_value = True
    await tree.on_error(interaction, app_commands.NoPrivateMessage())
    assert interaction.response.send_message.await_count == 0
    assert the_reply(interaction) == "This command only works in a server."


async def test_an_expired_interaction_swallows_the_reply(
    tree: SentimeterTree, caplog: pytest.LogCaptureFixture
) -> None:
    interaction = interaction_for()
    interaction.response.send_message.side_effect = expired()
    with caplog.at_level(logging.INFO, logger="bot.app.errors"):
        await tree.on_error(interaction, app_commands.CheckFailure())  # does not raise
    assert any("expired" in r.getMessage() for r in caplog.records)


async def test_answered_meanwhile_the_reply_becomes_a_followup(tree: SentimeterTree) -> None:
    interaction = interaction_for()
    interaction.response.send_message.side_effect = already_acknowledged()
    await tree.on_error(interaction, app_commands.CheckFailure())
    call = interaction.followup.send.await_args
    assert call.args[0] == "You can't use this command here." and call.kwargs["ephemeral"] is True


async def test_other_delivery_failures_are_logged(
    tree: SentimeterTree, caplog: pytest.LogCaptureFixture
) -> None:
    interaction = interaction_for()
    interaction.response.send_message.side_effect = http_error(discord.HTTPException, 500, 0, "oops")
    with caplog.at_level(logging.WARNING, logger="bot.app.errors"):
        await tree.on_error(interaction, app_commands.CheckFailure())
    assert any("Could not deliver" in r.getMessage() for r in caplog.records)


# -- real commands through the tree --------------------------------------------------------------------------


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Sentimeter]:
    async with SQLiteStorage.open(tmp_path / "sentimeter.db") as storage:
        bot = make_bot(storage, tmp_path / "sentimeter.db")
        World(bot._connection, bot.http)  # the bot user and one cached guild with its members
        await bot.add_cog(Stats(bot))
        yield bot


def slash(bot: Sentimeter, data: dict[str, Any], *, locale: str = "en-US") -> Any:
    """A real Interaction for a slash command, built from a payload; its response and followup are fakes."""
    payload = {
        "id": "1",
        "application_id": "2",
        "token": "token",
        "version": 1,
        "type": 2,
        "guild_id": str(GUILD_ID),
        "channel_id": str(TEXT_ID),
        "locale": locale,
        "attachment_size_limit": 8 * 1024 * 1024,
        "app_permissions": "0",
        "entitlements": [],
        "authorizing_integration_owners": {},
        "context": 0,
        "member": {**member_payload(USER_ID, [ROLE_ID]), "permissions": "0"},
        "data": {"id": "3", "type": 1, **data},
    }
    interaction = discord.Interaction(data=payload, state=bot._connection)
    response = create_autospec(discord.InteractionResponse, instance=True, spec_set=True)
    response.is_done.return_value = False
    interaction._cs_response = response
    interaction._cs_followup = create_autospec(discord.Webhook, instance=True, spec_set=True)
    return interaction


async def invoke(bot: Sentimeter, interaction: Any) -> None:
    """What CommandTree._from_interaction does with an interaction, awaited."""
    try:
        await bot.tree._call(interaction)
    except app_commands.AppCommandError as error:
        await bot.tree._dispatch_error(interaction, error)


def stats_channel(channel_option: dict[str, Any]) -> dict[str, Any]:
    return {"name": "stats", "options": [{"type": 1, "name": "channel", "options": [channel_option]}]}


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en-US", "The value given for **channel** can't be used: it needs a channel from this server"),
        ("id", "Nilai untuk **saluran** tidak bisa dipakai: harus berupa saluran dari server ini"),
    ],
)
async def test_unresolved_channel_option_through_the_tree(
    bot: Sentimeter, locale: str, expected: str
) -> None:
    # a channel Discord did not resolve reaches the transformer as discord.Object: a TransformerError whose
    # text is "Failed to convert <Object id=... type=<class 'discord.object.Object'>> to ..."
    interaction = slash(
        bot, stats_channel({"type": 7, "name": "channel", "value": "123456789"}), locale=locale
    )
    await invoke(bot, interaction)
    text = the_reply(interaction)
    assert text.startswith(expected)
    assert "123456789" not in text


async def test_command_removed_since_the_last_sync(bot: Sentimeter) -> None:
    interaction = slash(bot, {"name": "leaderboard", "options": []})
    await invoke(bot, interaction)
    assert the_reply(interaction).startswith("That command no longer exists or has changed.")


async def test_command_whose_options_changed_since_the_last_sync(bot: Sentimeter) -> None:
    # /stats member with the old option name: the required "member" is missing
    data = {
        "name": "stats",
        "options": [{"type": 1, "name": "member", "options": [{"type": 6, "name": "user", "value": "5"}]}],
    }
    interaction = slash(bot, data)
    await invoke(bot, interaction)
    assert the_reply(interaction).startswith("This command was just updated")
