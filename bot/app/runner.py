"""`sentimeter run`: build each dependency with `async with`, so shutdown closes them in reverse order."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

import aiohttp
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


def unreachable(exc: BaseException | None, where: object = None) -> str:
    """One line for a Discord that cannot be reached (network down, DNS, a 5xx answer, a wrong URL)."""
    reason = " ".join(str(exc or "").split()) or type(exc).__name__
    return (
        f"cannot reach Discord at {where or discord.http.Route.BASE}: {reason}. Check the network "
        "connection (and SENTIMETER_API_BASE_URL / SENTIMETER_GATEWAY_URL if set), then start again."
    )


class _FirstConnectFilter(logging.Filter):
    """Until the gateway was reached once, discord.py logs a failed connection with a traceback and then fails
    on it itself (``self.ws`` is None); the runner reports that in one line instead."""

    def __init__(self, bot: discord.Client) -> None:
        super().__init__()
        self._bot = bot

    def filter(self, record: logging.LogRecord) -> bool:
        return not (self._bot.ws is None and str(record.msg).startswith("Attempting a reconnect"))


def setup_logging(level: str) -> None:
    """discord.py's coloured log format on the root logger, once, before the bot starts."""
    discord.utils.setup_logging(level=logging.getLevelName(level), root=True)


async def run_bot(settings: Settings, *, sync_global: bool = False) -> None:
    from bot.app.client import make_bot
    from bot.core.scoring import Scorer
    from bot.core.spam import SpamDetector
    from bot.storage.open import describe, open_storage

    token = settings.require_token()
    configure_endpoints(settings.api_base_url, settings.gateway_url)
    scorer = Scorer()
    spam = SpamDetector()
    async with open_storage(settings.database, pool_size=settings.database_pool_size) as storage:
        log.info("Database: %s", describe(settings.database))
        bot = make_bot(settings=settings, storage=storage, scorer=scorer, spam=spam, sync_global=sync_global)
        if settings.shard_count is not None:
            ids = "all" if settings.shard_ids is None else ", ".join(map(str, sorted(settings.shard_ids)))
            log.info("Shards: %s of %d", ids, settings.shard_count)
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
        first_connect = _FirstConnectFilter(bot)
        logging.getLogger("discord.client").addFilter(first_connect)
        try:
            async with bot:
                await bot.start(token)
        except discord.PrivilegedIntentsRequired:
            raise StartupError(INTENT_HELP) from None
        except discord.LoginFailure:
            raise StartupError(TOKEN_HELP) from None
        except (aiohttp.ClientError, OSError, TimeoutError, discord.GatewayNotFound) as exc:
            raise StartupError(unreachable(exc)) from None
        except discord.DiscordServerError as exc:
            raise StartupError(unreachable(exc)) from None
        except AttributeError as exc:
            if bot.ws is not None:
                raise
            # discord.py's reconnect after a first connection that never reached the gateway
            gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
            raise StartupError(unreachable(exc.__context__, gateway)) from None
        finally:
            logging.getLogger("discord.client").removeFilter(first_connect)
            await bot.shutdown_writes()
            log.info("All accepted writes are committed; closing the database")
