"""The bot class itself: what it does once the gateway says it is ready."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Iterator
from types import SimpleNamespace

import discord
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


# -- issue 13 item 4: nothing escaping discord.py's connection loop ends the process ------------------------


async def test_an_error_escaping_the_connection_loop_is_one_line_and_reconnects(
    bot: Sentimeter, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[bool] = []
    waits: list[float] = []

    async def discord_connect(self: discord.Client, *, reconnect: bool = True) -> None:
        calls.append(reconnect)
        if len(calls) <= 2:  # what an unreadable frame outside the parsers looked like
            raise TypeError("'NoneType' object is not subscriptable")

    async def no_wait(delay: float) -> None:
        waits.append(delay)

    monkeypatch.setattr(discord.Client, "connect", discord_connect)
    monkeypatch.setattr("bot.app.client.asyncio.sleep", no_wait)
    # before any gateway session, a failure is start-up's to report (one line, bot/app/runner.py)
    with pytest.raises(TypeError):
        await bot.connect()
    calls.clear()
    monkeypatch.setattr(bot, "ws", SimpleNamespace(open=False))  # a session existed: keep running
    with caplog.at_level(logging.INFO, logger="bot.app.client"):
        await bot.connect()
    assert len(calls) == 3 and len(waits) == 2 and all(w >= 0 for w in waits)
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 2 and all(r.exc_info is None for r in lines)
    assert lines[0].getMessage().startswith("The gateway connection failed (TypeError: 'NoneType'")

    # ... while what a retry cannot fix (a rejected token, a missing intent) still ends `start`
    for fatal in (discord.LoginFailure("bad token"), discord.PrivilegedIntentsRequired(None)):

        async def refused(self: discord.Client, *, reconnect: bool = True, error: Exception = fatal) -> None:
            raise error

        monkeypatch.setattr(discord.Client, "connect", refused)
        with pytest.raises(type(fatal)):
            await bot.connect()
    assert len(waits) == 2


async def test_close_cancels_a_ready_still_waiting_for_guild_data(bot: Sentimeter) -> None:
    """discord.py's READY task waits for guild data; left running, it dispatched ``ready`` after close had
    taken the event loop away (a traceback at every shutdown that came within two seconds of a READY)."""
    waiting = asyncio.create_task(asyncio.Event().wait())
    bot._connection._ready_task = waiting
    await bot.close()
    assert waiting.cancelled()
