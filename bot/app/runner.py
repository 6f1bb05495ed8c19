"""`sentimeter run`: build each dependency with `async with`, so shutdown closes them in reverse order."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

import discord

from bot.app.endpoints import configure_endpoints
from bot.core.errors import StartupError
from bot.settings import Settings

log = logging.getLogger(__name__)

INTENT_HELP = (
    "The Message Content intent is not enabled for this bot: open the Discord Developer Portal → "
    "Applications → your application → Bot → Privileged Gateway Intents, turn on MESSAGE CONTENT INTENT "
    "and save, then start Sentimeter again."
)
TOKEN_HELP = (
    "Discord rejected the token in DISCORD_TOKEN: copy a fresh one from Developer Portal → "
    "your application → "
    "Bot → Reset Token, put it in .env, and start again."
)


def setup_logging(level: str) -> None:
    """discord.py's coloured log format on the root logger, once, before the bot starts."""
    discord.utils.setup_logging(level=logging.getLevelName(level), root=True)


async def run_bot(settings: Settings, *, sync_global: bool = False) -> None:
    from bot.app.client import Sentimeter
    from bot.core.scoring import Scorer
    from bot.core.spam import SpamDetector
    from bot.storage.sqlite import SQLiteStorage

    token = settings.require_token()
    configure_endpoints(settings.api_base_url, settings.gateway_url)
    scorer = Scorer()
    spam = SpamDetector()
    async with SQLiteStorage.open(settings.database) as storage:
        log.info("Database: %s", settings.database)
        bot = Sentimeter(
            settings=settings, storage=storage, scorer=scorer, spam=spam, sync_global=sync_global
        )
        loop = asyncio.get_running_loop()
        stop_requested = asyncio.Event()
        stopping: list[asyncio.Task[None]] = []  # keep a reference so the task is not collected

        def request_stop(signame: str) -> None:
            if not stop_requested.is_set():
                log.info("%s received: finishing pending writes, then stopping", signame)
                stop_requested.set()
                stopping.append(loop.create_task(bot.close()))

        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, request_stop, sig.name)
        try:
            async with bot:
                await bot.start(token)
        except discord.PrivilegedIntentsRequired:
            raise StartupError(INTENT_HELP) from None
        except discord.LoginFailure:
            raise StartupError(TOKEN_HELP) from None
        finally:
            await bot.shutdown_writes()
            log.info("All accepted writes are committed; closing the database")
