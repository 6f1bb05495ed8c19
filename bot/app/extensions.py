"""Extension discovery: every module in `cogs/` with an `async def setup(bot)`, skipping `_private` ones."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator

import cogs


def walk_extensions() -> Iterator[str]:
    for module in pkgutil.iter_modules(cogs.__path__, f"{cogs.__name__}."):
        if module.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        imported = importlib.import_module(module.name)
        if inspect.iscoroutinefunction(getattr(imported, "setup", None)):
            yield module.name
