"""The weekly digest: see _cog.py (commands), _scheduler.py (posting when due), _view.py (the post)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.digest._cog import Digest

if TYPE_CHECKING:
    from bot.app.client import Sentimeter


async def setup(bot: Sentimeter) -> None:
    await bot.add_cog(Digest(bot))
