"""Extension discovery (`walk_extensions`) finds exactly the cogs/ modules with an `async def setup`; every
extension loads into the real bot, and the command tree they build is sound."""

from __future__ import annotations

import ast
import importlib.util
import sys
import textwrap
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import ModuleType

import discord
import pytest
from discord import app_commands

import cogs
from bot.app import extensions
from bot.app.client import Sentimeter
from bot.app.extensions import walk_extensions
from bot.storage.sqlite import SQLiteStorage
from tests.cogs.conftest import make_bot


def extension_names() -> list[str]:
    """What the bot loads at start-up: the real discovery."""
    return list(walk_extensions())


def has_async_setup(source: Path) -> bool:
    """Read from the source, not by importing: a top-level ``async def setup``."""
    tree = ast.parse(source.read_text(encoding="utf-8"))
    return any(isinstance(node, ast.AsyncFunctionDef) and node.name == "setup" for node in tree.body)


def test_discovery_finds_every_cog_module_with_async_setup() -> None:
    root = Path(cogs.__file__).parent
    expected = set()
    for path in root.iterdir():
        if path.name.startswith("_"):
            continue
        source = path / "__init__.py" if path.is_dir() else path
        if source.suffix == ".py" and source.is_file() and has_async_setup(source):
            expected.add(f"cogs.{path.name.removesuffix('.py')}")
    assert expected  # the real package has extensions
    found = extension_names()
    assert sorted(found) == sorted(expected)
    assert len(found) == len(set(found))


@pytest.fixture
def temp_cogs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """A throw-away cogs package built in tmp_path, put where `walk_extensions` looks (imported through its
    own ``__path__``; no sys.path change)."""
    name = "sentimeter_temp_cogs"
    root = tmp_path / name
    files = {
        "__init__.py": "",
        "alpha.py": "async def setup(bot):\n    pass\n",
        "beta.py": "def setup(bot):  # not a coroutine function: not an extension\n    pass\n",
        "gamma.py": "VALUE = 1  # no setup at all\n",
        "_private.py": "raise RuntimeError('a _private module must not even be imported')\n",
        "nested/__init__.py": "async def setup(bot):\n    pass\n",
        "nested/inner.py": "async def setup(bot):  # below the top level: not walked\n    pass\n",
        "_hidden/__init__.py": "raise RuntimeError('a _private package must not even be imported')\n",
    }
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    spec = importlib.util.spec_from_file_location(
        name, root / "__init__.py", submodule_search_locations=[str(root)]
    )
    assert spec is not None and spec.loader is not None
    package = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(package)
    monkeypatch.setitem(sys.modules, name, package)
    monkeypatch.setattr(extensions, "cogs", package)
    yield package
    for module in [m for m in sys.modules if m.startswith(f"{name}.")]:
        del sys.modules[module]


def test_discovery_in_a_temporary_package(temp_cogs: ModuleType) -> None:
    name = temp_cogs.__name__
    assert sorted(walk_extensions()) == [f"{name}.alpha", f"{name}.nested"]
    assert f"{name}._private" not in sys.modules and f"{name}._hidden" not in sys.modules


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
