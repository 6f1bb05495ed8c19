"""The bot class itself: what it does once the gateway says it is ready."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from bot.app.client import Sentimeter


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # leave the test process as it was


async def test_ready_moves_long_lived_objects_out_of_the_collectors_way(
    bot: Sentimeter, unfrozen: None
) -> None:
    assert gc.get_freeze_count() == 0
    await bot.on_ready()
    frozen = gc.get_freeze_count()
    assert frozen > 0
    gc.unfreeze()
    await bot.on_ready()  # a reconnect's READY: done once, not again
    assert gc.get_freeze_count() == 0
