"""The layers of ``bot/``: the domain (``bot/core``, ``bot/storage``, ``bot/offline`` and the top-level
modules) is plain Python that never imports ``discord`` nor the Discord-facing code (``bot/app``, ``cogs``),
at any depth, including imports inside functions. The Discord-facing code may import the domain."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

BOT = REPO_ROOT / "bot"
DISCORD_FACING = ("bot.app", "cogs", "discord")


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every module an ``import`` or ``from … import`` statement anywhere in the file names (relative
    imports resolved against the file's package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                own = module_name(path)
                package = own if path.name == "__init__.py" else own.rpartition(".")[0]
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return found


def domain_modules() -> list[Path]:
    return sorted(p for p in BOT.rglob("*.py") if p.relative_to(BOT).parts[0] != "app")


def touches_discord(name: str) -> bool:
    return any(name == layer or name.startswith(layer + ".") for layer in DISCORD_FACING)


def test_the_domain_has_modules_in_each_layer() -> None:
    """The scan below sees the whole domain (a moved folder would otherwise pass silently)."""
    names = {module_name(p) for p in domain_modules()}
    for expected in ("bot.core.scoring.scorer", "bot.core.spam.detector", "bot.core.ingest.pipeline",
                     "bot.core.stats", "bot.core.review", "bot.storage.sqlite", "bot.offline.analyze",
                     "bot.cli", "bot.settings"):  # fmt: skip
        assert expected in names


@pytest.mark.parametrize("path", domain_modules(), ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_domain_module_never_imports_discord(path: Path) -> None:
    offending = sorted(name for name in imported_modules(path) if touches_discord(name))
    # ``bot/cli.py`` starts the bot: it may name ``bot.app.runner`` inside the ``run`` command only.
    if module_name(path) == "bot.cli":
        offending = [name for name in offending if not name.startswith("bot.app.runner")]
    assert offending == [], f"{path.relative_to(REPO_ROOT)} imports {offending}"


def test_the_scan_catches_an_import_inside_a_function(tmp_path: Path) -> None:
    sample = tmp_path / "probe.py"
    sample.write_text("def f():\n    from discord import utils\n    import bot.app.embeds\n")
    names = imported_modules(sample)
    assert touches_discord("discord.utils") and "discord.utils" in names
    assert "bot.app.embeds" in names
