"""Components answer errors the way commands do: `SentimeterView.on_error(interaction, error, item)` and the
review buttons (a DynamicItem, whose errors discord.py would only log) go through the same reply helper as
the tree, and button clicks check permissions through the same helpers as command checks."""

from __future__ import annotations

import logging
from typing import Any

import discord
import pytest
from discord import app_commands

from bot.app.errors import SentimeterView, error_message
from bot.app.i18n import catalogs
from bot.app.permissions import (
    BotPermissionsMissing,
    PermissionsMissing,
    require_bot_permissions,
    require_permissions,
)
from bot.app.tree import SentimeterTree
from bot.core.errors import UserFacingError
from bot.core.review import ReviewAction
from cogs.flags._views import FlagButton, FlagPager
from tests.app.test_tree import already_acknowledged, expired, nothing_sent, the_reply
from tests.cogs.conftest import CHANNEL_ID, fake_channel, fake_guild, fake_interaction, fake_member


def interaction_for(locale: discord.Locale = discord.Locale.american_english, **kwargs: Any) -> Any:
    return fake_interaction(fake_guild(), locale=locale, **kwargs)


def button(custom_id: str = "sentimeter:test:button") -> discord.ui.Button[Any]:
    return discord.ui.Button(label="Go", custom_id=custom_id)


def errors_of_every_kind() -> list[tuple[Exception, str]]:
    """An error of each kind a component can meet, and the start of its English reply."""
    return [
        (UserFacingError("Someone got here first."), "Someone got here first."),
        (
            PermissionsMissing(["manage_messages"], "en"),
            "You need the **Manage Messages** permission for this.",
        ),
        (
            PermissionsMissing(["manage_messages"], "en", channel_id=CHANNEL_ID),
            f"You need the **Manage Messages** permission in <#{CHANNEL_ID}> for this.",
        ),
        (
            BotPermissionsMissing(["send_messages", "embed_links"], "en", channel_id=CHANNEL_ID),
            f"I need these permissions in <#{CHANNEL_ID}> for this: **Send Messages**, **Embed Links**.",
        ),
        (
            app_commands.MissingPermissions(["moderate_members"]),
            "You need the **Moderate Members** permission",
        ),
        (app_commands.NoPrivateMessage(), "This command only works in a server."),
        (RuntimeError("<Flag id=3 status=<FlagStatus.OPEN: 'open'>>"), "Something went wrong on my side."),
    ]


@pytest.mark.parametrize(("error", "expected"), errors_of_every_kind())
async def test_view_on_error_replies_like_the_tree(error: Exception, expected: str) -> None:
    view = SentimeterView()
    item = button()
    view.add_item(item)
    from_view = interaction_for()
    await view.on_error(from_view, error, item)
    assert the_reply(from_view).startswith(expected)

    from_tree = interaction_for()
    from_tree.command = _a_command
    tree = SentimeterTree(discord.Client(intents=discord.Intents.default()))
    await tree.on_error(from_tree, app_commands.CommandInvokeError(_a_command, error))
    assert the_reply(from_tree) == the_reply(from_view)  # one path, one text


@app_commands.command(name="noop", description="noop")
async def _a_command(interaction: discord.Interaction[Any]) -> None:
    pass


@pytest.mark.parametrize(("error", "expected"), errors_of_every_kind())
async def test_review_button_on_error_replies_like_the_view(error: Exception, expected: str) -> None:
    interaction = interaction_for()
    await FlagButton(ReviewAction.ACK, 7).on_error(interaction, error)
    assert the_reply(interaction).startswith(expected)


async def test_component_errors_in_indonesian() -> None:
    interaction = interaction_for(discord.Locale.indonesian)
    await SentimeterView().on_error(
        interaction, app_commands.MissingPermissions(["manage_messages"]), button()
    )
    assert the_reply(interaction) == "Kamu perlu izin **Kelola Pesan** untuk ini."


async def test_after_a_defer_the_component_reply_is_a_followup() -> None:
    interaction = interaction_for()
    interaction.response.is_done.return_value = True
    await SentimeterView().on_error(interaction, UserFacingError("Too late."), button())
    assert interaction.response.send_message.await_count == 0
    assert the_reply(interaction) == "Too late."


@pytest.mark.parametrize("make", [expired, already_acknowledged], ids=["10062", "40060"])
async def test_expired_component_interaction_is_logged_not_answered(
    make: Any, caplog: pytest.LogCaptureFixture
) -> None:
    interaction = interaction_for()
    with caplog.at_level(logging.INFO, logger="bot.app.errors"):
        await SentimeterView().on_error(interaction, make(), button())
    assert nothing_sent(interaction)
    assert caplog.records and not any(r.levelno >= logging.ERROR for r in caplog.records)


async def test_unexpected_component_error_is_logged_with_the_component(
    caplog: pytest.LogCaptureFixture,
) -> None:
    interaction = interaction_for()
    boom = RuntimeError("boom")
    with caplog.at_level(logging.ERROR, logger="bot.app.errors"):
        await SentimeterView().on_error(interaction, boom, button("sentimeter:flag:ack:7"))
    assert any(
        r.exc_info and r.exc_info[1] is boom and "sentimeter:flag:ack:7" in r.getMessage()
        for r in caplog.records
    )


async def test_discord_py_dispatch_reaches_on_error() -> None:
    """Through the library's own dispatch: a button whose callback raises gets the shared reply."""

    class Raises(SentimeterView):
        @discord.ui.button(label="Go", custom_id="sentimeter:test:raises")
        async def go(self, interaction: discord.Interaction[Any], _button: discord.ui.Button[Any]) -> None:
            raise UserFacingError("Not now.")

    view = Raises()
    interaction = interaction_for()
    interaction.data = {"custom_id": "sentimeter:test:raises", "component_type": 2}
    await view._scheduled_task(view.go, interaction)
    assert the_reply(interaction) == "Not now."


async def test_a_click_that_raises_is_answered_by_the_button() -> None:
    """FlagButton's callback catches what handle_click raises (discord.py would only log it)."""
    interaction = interaction_for()
    interaction.guild = None
    interaction.guild_id = None
    await FlagButton(ReviewAction.DELETE, 7).callback(interaction)
    assert the_reply(interaction) == "This button only works in a server."


def test_the_review_views_and_the_pager_share_the_base_view() -> None:
    assert issubclass(FlagPager, SentimeterView)


# -- the permission helpers ----------------------------------------------------------------------------------


def test_require_permissions_uses_the_interactions_permissions() -> None:
    interaction = interaction_for(permissions=discord.Permissions(manage_messages=True))
    require_permissions(interaction, manage_messages=True)
    with pytest.raises(app_commands.MissingPermissions) as caught:
        require_permissions(interaction, manage_messages=True, moderate_members=True, locale="id")
    assert caught.value.missing_permissions == ["moderate_members"]
    assert str(caught.value) == "Kamu perlu izin **Moderasi Anggota** untuk ini."


def test_require_permissions_in_a_channel_uses_the_members_permissions_there() -> None:
    guild = fake_guild()
    channel = fake_channel(guild)  # people may read there, not manage messages
    interaction = fake_interaction(
        guild, user=fake_member(), permissions=discord.Permissions(manage_messages=True)
    )
    with pytest.raises(PermissionsMissing) as caught:
        require_permissions(interaction, channel=channel, manage_messages=True)
    assert caught.value.channel_id == CHANNEL_ID
    assert f"in <#{CHANNEL_ID}>" in str(caught.value)


def test_require_bot_permissions_server_wide_and_in_a_channel() -> None:
    guild = fake_guild()
    guild.me.guild_permissions = discord.Permissions(manage_messages=True)
    channel = fake_channel(guild, bot_permissions=discord.Permissions(send_messages=True))
    interaction = fake_interaction(guild)
    require_bot_permissions(interaction, manage_messages=True)
    with pytest.raises(BotPermissionsMissing, match=r"I need the \*\*Moderate Members\*\* permission"):
        require_bot_permissions(interaction, moderate_members=True)
    with pytest.raises(app_commands.BotMissingPermissions) as caught:
        require_bot_permissions(interaction, channel=channel, send_messages=True, embed_links=True)
    assert caught.value.missing_permissions == ["embed_links"]


def test_every_permission_and_option_text_exists_in_every_language() -> None:
    from bot.app import errors, permissions

    keys = {*permissions._TEMPLATES.values(), *errors._EXPECTED.values(), "errors.expected.choice"}
    for code, catalog in catalogs().items():
        assert sorted(keys - set(catalog)) == [], code


def test_no_error_kind_leaves_the_reply_empty_or_shows_a_repr() -> None:
    interaction = interaction_for()
    for error, _expected in errors_of_every_kind():
        message = error_message(interaction, error)
        assert message and "<Flag" not in message and "RuntimeError" not in message
