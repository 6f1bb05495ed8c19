"""Every extension in cogs/ loads into the real bot, and the command tree they build is sound."""

from __future__ import annotations

import pkgutil
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest
from discord import app_commands

import cogs
from bot.app.client import Sentimeter
from bot.storage.sqlite import SQLiteStorage
from tests.cogs.conftest import make_bot


def extension_names() -> list[str]:
    return [
        f"cogs.{module.name}"
        for module in pkgutil.iter_modules(cogs.__path__)
        if not module.name.startswith("_")
    ]


@pytest.fixture
async def loaded_bot(tmp_path: Path) -> AsyncIterator[Sentimeter]:
    async with SQLiteStorage.open(tmp_path / "sentimeter.db") as storage:
        bot = make_bot(storage, tmp_path / "sentimeter.db")
        for name in extension_names():
            await bot.load_extension(name)
        yield bot


def test_the_expected_extensions_are_discovered() -> None:
    names = extension_names()
    for expected in ("cogs.stats", "cogs.sentiment", "cogs.config", "cogs.lexicon"):
        assert expected in names
    assert not any(name.rsplit(".", 1)[-1].startswith("_") for name in names)


async def test_every_extension_loads(loaded_bot: Sentimeter) -> None:
    assert sorted(loaded_bot.extensions) == sorted(extension_names())


async def test_no_two_commands_share_a_name(loaded_bot: Sentimeter) -> None:
    for kind in (
        discord.AppCommandType.chat_input,
        discord.AppCommandType.message,
        discord.AppCommandType.user,
    ):
        names = Counter(command.name for command in loaded_bot.tree.get_commands(type=kind))
        assert not [name for name, count in names.items() if count > 1], kind

    def siblings(group: app_commands.Group) -> None:
        names = Counter(child.name for child in group.commands)
        assert not [name for name, count in names.items() if count > 1], group.qualified_name
        for child in group.commands:
            if isinstance(child, app_commands.Group):
                siblings(child)

    for command in loaded_bot.tree.get_commands():
        if isinstance(command, app_commands.Group):
            siblings(command)


async def test_every_command_is_guild_only_and_described(loaded_bot: Sentimeter) -> None:
    top_level = loaded_bot.tree.get_commands(type=None)
    assert top_level, "no commands registered"
    for command in top_level:
        assert command.guild_only, f"{command.name} must be guild only"
    for command in loaded_bot.tree.walk_commands():
        assert command.description and command.description != "…", (
            f"/{command.qualified_name} has no description"
        )
        if isinstance(command, app_commands.Command):
            for parameter in command.parameters:
                assert parameter.description and parameter.description != "…", (
                    f"/{command.qualified_name} {parameter.display_name} has no description"
                )


async def test_moderator_groups_default_to_manage_server(loaded_bot: Sentimeter) -> None:
    for name in ("config", "lexicon"):
        group = loaded_bot.tree.get_command(name)
        assert group is not None and group.default_permissions == discord.Permissions(manage_guild=True)


async def test_extensions_unload_cleanly(loaded_bot: Sentimeter) -> None:
    for name in extension_names():
        await loaded_bot.unload_extension(name)
    assert loaded_bot.tree.get_commands(type=None) == []
