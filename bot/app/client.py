"""The bot: a small `commands.Bot` subclass that receives its collaborators in the constructor (`make_bot`
chooses the sharded variant when SENTIMETER_SHARD_COUNT is set)."""

from __future__ import annotations

import asyncio
import gc
import logging
from typing import Any

import discord
from discord.backoff import ExponentialBackoff
from discord.ext import commands

from bot.app.charts import close_charts, warm_charts
from bot.app.extensions import walk_extensions
from bot.app.gateway_guard import guard_parsers
from bot.app.invite import invite_url
from bot.app.tree import SentimeterTree
from bot.core.campaigns.cache import CampaignCache
from bot.core.config_cache import ConfigCache
from bot.core.ingest.pipeline import Pipeline
from bot.core.ingest.queue import WriteQueue
from bot.core.ingest.service import IngestService
from bot.core.privacy import OptOutCache
from bot.core.scoring import Scorer
from bot.core.spam import BehaviourTracker, SpamDetector
from bot.core.stats import StatsService
from bot.settings import Settings
from bot.storage.base import Storage
from bot.storage.models import FlagChange

log = logging.getLogger(__name__)


def make_intents() -> discord.Intents:
    intents = discord.Intents.default()  # guilds, guild messages, reactions; no members/presences needed
    intents.message_content = True  # privileged: must be switched on in the Developer Portal
    return intents


class Sentimeter(commands.Bot):
    def __init__(
        self,
        *,
        settings: Settings,
        storage: Storage,
        scorer: Scorer,
        spam: SpamDetector,
        sync_global: bool = False,
    ) -> None:
        shards: dict[str, Any] = {}
        if isinstance(self, discord.AutoShardedClient):
            ids = settings.shard_ids
            shards = {"shard_count": settings.shard_count, "shard_ids": None if ids is None else sorted(ids)}
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=make_intents(),
            tree_cls=SentimeterTree,
            # Nothing the bot sends may ever ping anyone; individual sends repeat this for clarity.
            allowed_mentions=discord.AllowedMentions.none(),
            **shards,
        )
        self.settings = settings
        self.ownership = settings.ownership  # whose background work a server's is (bot/core/shards.py)
        self.storage = storage
        self.scorer = scorer
        self.spam = spam
        self.stats = StatsService(storage)
        self.configs = ConfigCache(storage)
        self.pipeline = Pipeline(scorer, spam, BehaviourTracker())
        self.queue = WriteQueue(
            storage,
            maxsize=settings.queue_size,
            batch_size=settings.batch_size,
            on_changes=self._on_flag_changes,
        )
        self.optouts = OptOutCache(storage)  # members who opted out (/privacy opt-out)
        self.campaigns = CampaignCache(storage)  # matched during ingest (/campaign, issue 15)
        self.ingest = IngestService(
            self.pipeline,
            self.queue,
            self.configs,
            workers=settings.effective_scoring_workers,
            optouts=self.optouts,
            campaigns=self.campaigns,
        )
        self._sync_global = sync_global
        self._gc_frozen = False
        self._chart_warmup: asyncio.Task[None] | None = None
        guard_parsers(self._connection.parsers)  # one unreadable gateway event is skipped, not fatal

    async def setup_hook(self) -> None:
        self.queue.start()
        self.ingest.start()
        from bot.app.i18n.translator import SentimeterTranslator

        await self.tree.set_translator(SentimeterTranslator())
        for extension in walk_extensions():
            await self.load_extension(extension)
            log.debug("Loaded extension %s", extension)
        if self.settings.dev_guild_id is not None:
            guild = discord.Object(id=self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            try:
                synced = await self.tree.sync(guild=guild)
            except discord.HTTPException as exc:
                log.error(
                    "Could not sync commands to the development guild %s (HTTP %s: %s); running with the "
                    "commands Discord already has",
                    guild.id,
                    exc.status,
                    exc.text or "no details",
                )
            else:
                log.info("Synced %d commands to the development guild %s", len(synced), guild.id)
        if self._sync_global:
            try:
                synced = await self.tree.sync()
            except discord.HTTPException as exc:
                log.error(
                    "Could not sync commands globally (HTTP %s: %s); running with the commands Discord "
                    "already has",
                    exc.status,
                    exc.text or "no details",
                )
            else:
                log.info("Synced %d commands globally (they can take up to an hour to appear)", len(synced))
        if self.application_id is not None:
            log.info("Invite the bot with: %s", invite_url(self.application_id))

    async def connect(self, *, reconnect: bool = True) -> None:
        """discord.py's connection loop, which reconnects after network errors itself; anything else that
        escapes it (a bug or an unreadable frame outside the guarded parsers) is logged in one line and the
        bot connects again with backoff. Failures that a retry cannot fix (a rejected token, a missing
        intent, a fatal close code) and a gateway never reached since start-up still end ``start``
        (bot/app/runner.py makes them one line)."""
        if isinstance(self, discord.AutoShardedClient):
            # each shard reconnects itself; a second launch here would open every shard twice
            await super().connect(reconnect=reconnect)
            return
        backoff = ExponentialBackoff()
        while not self.is_closed():
            try:
                await super().connect(reconnect=reconnect)
                return
            except (discord.ClientException, discord.ConnectionClosed, discord.GatewayNotFound):
                raise  # LoginFailure, PrivilegedIntentsRequired, fatal close codes: nothing to retry
            except Exception as exc:
                if self.is_closed() or not reconnect or self.ws is None:
                    raise  # never connected at all: Discord is out of reach, start-up says so in one line
                delay = backoff.delay()
                log.error(
                    "The gateway connection failed (%s: %s); reconnecting in %.1f s",
                    type(exc).__name__,
                    exc,
                    delay,
                )
                log.debug("Gateway failure", exc_info=True)
                if self.ws is not None and self.ws.open:
                    await self.ws.close(code=1000)
                await asyncio.sleep(delay)

    async def on_ready(self) -> None:
        user = self.user
        log.info("Ready as %s (id %s) in %d servers", user, user.id if user else "?", len(self.guilds))
        if self.settings.chart_warmup and self._chart_warmup is None:
            self._chart_warmup = asyncio.create_task(warm_charts(), name="chart-warmup")
        if not self._gc_frozen:
            # What exists once the caches are filled (modules, lexicons, guilds, channels, members) lives as
            # long as the bot: keep it out of the garbage collector's full passes, which otherwise walk all of
            # it again and again while messages stream in (on a big server, a large share of the CPU time).
            self._gc_frozen = True
            gc.collect()
            gc.freeze()
            log.debug(
                "%d long-lived objects moved out of the garbage collector's scans", gc.get_freeze_count()
            )

    async def close(self) -> None:
        """discord.py's close, after cancelling its pending READY: that task waits for guild data and would
        otherwise dispatch ``ready`` after close has taken the event loop away (a traceback at shutdown)."""
        ready = getattr(self._connection, "_ready_task", None)
        if ready is not None and not ready.done():
            ready.cancel()
        await super().close()
        await close_charts()

    async def on_message(self, message: discord.Message, /) -> None:
        """Slash commands only: comments are read by the listener cog, never parsed as prefix commands."""

    def _on_flag_changes(self, changes: list[FlagChange]) -> None:
        for change in changes:
            self.dispatch("flag_change", change)

    async def shutdown_writes(self) -> None:
        """Commit every write already accepted (scored in the workers, then written). Called after the gateway
        is closed, before the database."""
        await self.ingest.close()
        await self.queue.close()


class ShardedSentimeter(Sentimeter, commands.AutoShardedBot):
    """The same bot over discord.py's AutoShardedClient: the shards of SENTIMETER_SHARD_COUNT /
    SENTIMETER_SHARD_IDS, each its own gateway connection, in this one process."""


def make_bot(
    *, settings: Settings, storage: Storage, scorer: Scorer, spam: SpamDetector, sync_global: bool = False
) -> Sentimeter:
    """The bot for these settings: sharded when a shard count is set, otherwise one connection as before."""
    cls = ShardedSentimeter if settings.shard_count is not None else Sentimeter
    return cls(settings=settings, storage=storage, scorer=scorer, spam=spam, sync_global=sync_global)
