"""The review queue (flags): see _cog.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.flags._cog import Flags

if TYPE_CHECKING:
    from bot.app.client import Sentimeter


async def setup(bot: Sentimeter) -> None:
    await bot.add_cog(Flags(bot))
