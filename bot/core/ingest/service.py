"""The one door for events into storage: looks up the server's configuration, hands the event to the scoring
stage (bot/core/ingest/stage.py), which scores in worker processes and queues the writes in arrival order.
Used by the listener cog (live events and catch-up).

Each call returns once the event is accepted; it waits (never drops) while the stage is full. Events reach
the stage in the order the calls were made: a message whose configuration is being read (the first one of a
server after a start or a settings change) must not be overtaken by a reaction, edit or delete of it, which
storage would ignore as being about an unknown message. So a call takes the quick path (configuration
cached, room in the stage: appended at once, no await) only while no earlier call is waiting; otherwise it
queues behind the waiting ones on a lock (asyncio.Lock wakes waiters in order)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from bot.core.campaigns.cache import CampaignCache
from bot.core.config_cache import ConfigCache
from bot.core.ingest.decision import is_exempt
from bot.core.ingest.models import IncomingEdit, IncomingMessage
from bot.core.ingest.pipeline import Pipeline
from bot.core.ingest.queue import QueueClosedError, WriteQueue
from bot.core.ingest.scoring import init_worker, score_in_worker
from bot.core.ingest.stage import Entry, ScoringStage, WorkerFn
from bot.core.privacy import OptOutCache
from bot.storage.models import GuildConfig, MessageDeleted, MessagesBulkDeleted, ReactionChanged, WriteOp

DEFAULT_BATCH = 256


class IngestService:
    def __init__(
        self,
        pipeline: Pipeline,
        queue: WriteQueue,
        configs: ConfigCache,
        *,
        workers: int = 0,
        batch_size: int = DEFAULT_BATCH,
        capacity: int | None = None,
        worker_fn: WorkerFn = score_in_worker,
        initializer: Callable[[int], None] = init_worker,
        optouts: OptOutCache | None = None,
        campaigns: CampaignCache | None = None,
    ) -> None:
        self.pipeline = pipeline
        self.campaigns = campaigns  # per-server campaigns matched in the scoring workers (issue 15)
        self.optouts = optouts  # members who opted out: their messages and edits are dropped here
        self.queue = queue
        self.configs = configs
        self.stage = ScoringStage(
            pipeline.analysis,
            pipeline.decision,
            queue.put_many,
            workers=workers,
            batch_max=batch_size,
            capacity=capacity or queue.maxsize,
            worker_fn=worker_fn,
            initializer=initializer,
        )
        self._waiting = 0  # calls on the slow path; while any, every call takes it (order)
        self._callers_idle = asyncio.Event()
        self._callers_idle.set()
        self._order = asyncio.Lock()
        self._closed = False

    def start(self) -> None:
        """Start the scoring workers (without this, everything is scored in this process)."""
        self.stage.start()

    # -- events --------------------------------------------------------------------------------------------
    async def message(self, msg: IncomingMessage) -> None:
        if not self._waiting and not self._closed and self.stage.has_room():
            cached = self.configs.peek(msg.guild_id)
            opted_out = self._opted_out_cached(msg)
            if cached is not None and opted_out is not None and self._campaigns_cached(msg.guild_id):
                if not opted_out:
                    self.stage.push_nowait(self._entry(msg, *cached))
                return
        await self._slow(msg)

    async def edit(self, edit: IncomingEdit) -> None:
        if not self._waiting and not self._closed and self.stage.has_room():
            cached = self.configs.peek(edit.guild_id)
            opted_out = self._opted_out_cached(edit)
            if cached is not None and opted_out is not None and self._campaigns_cached(edit.guild_id):
                if not opted_out:
                    self.stage.push_nowait(self._entry(edit, *cached))
                return
        await self._slow(edit)

    async def delete(self, guild_id: int, channel_id: int, message_id: int) -> None:
        await self._put(MessageDeleted(guild_id=guild_id, channel_id=channel_id, message_id=message_id))

    async def bulk_delete(self, guild_id: int, channel_id: int, message_ids: Sequence[int]) -> None:
        await self._put(
            MessagesBulkDeleted(guild_id=guild_id, channel_id=channel_id, message_ids=tuple(message_ids))
        )

    async def reaction(self, guild_id: int, channel_id: int, message_id: int, delta: int) -> None:
        await self._put(
            ReactionChanged(guild_id=guild_id, channel_id=channel_id, message_id=message_id, delta=delta)
        )

    async def reactions_cleared(
        self, guild_id: int, channel_id: int, message_id: int, remaining: int = 0
    ) -> None:
        """Reactions were removed from a message at once: all of them, or one emoji's (``remaining``: how many
        the message still has, read back from Discord)."""
        await self._put(
            ReactionChanged(
                guild_id=guild_id,
                channel_id=channel_id,
                message_id=message_id,
                delta=max(0, remaining),
                clear=True,
            )
        )

    # -- shutdown ------------------------------------------------------------------------------------------
    async def wait_idle(self) -> None:
        """Until every event accepted so far has reached the write queue (nothing is half-way between a
        listener and the queue); ``queue.flush()`` afterwards waits for it to be committed."""
        while True:
            await self._callers_idle.wait()
            await self.stage.drain()
            if self._callers_idle.is_set():
                return

    async def close(self) -> None:
        """Refuse new events, pass everything accepted on to the write queue, stop the workers."""
        self._closed = True
        await self.wait_idle()
        await self.stage.close()

    # -- internals -----------------------------------------------------------------------------------------
    def _entry(
        self, event: IncomingMessage | IncomingEdit, config: GuildConfig, lexicon: dict[str, float]
    ) -> Entry:
        exempt = is_exempt(
            config, event.channel_id, event.parent_channel_id, event.author_role_ids, event.author_is_staff
        )
        campaigns = None if self.campaigns is None else self.campaigns.peek(event.guild_id)
        return Entry(event, config, lexicon, exempt, campaigns)

    def _campaigns_cached(self, guild_id: int) -> bool:
        return self.campaigns is None or self.campaigns.cached(guild_id)

    def _opted_out_cached(self, event: IncomingMessage | IncomingEdit) -> bool | None:
        """Whether the author opted out, from the cache; None when the server's list must be read first."""
        if self.optouts is None:
            return False
        users = self.optouts.peek(event.guild_id)
        return None if users is None else event.author_id in users

    async def _put(self, op: WriteOp) -> None:
        if not self._waiting and not self._closed and self.stage.has_room():
            self.stage.push_nowait(Entry(op))
            return
        await self._slow(op)

    async def _slow(self, event: IncomingMessage | IncomingEdit | WriteOp) -> None:
        if self._closed:
            raise QueueClosedError("the ingest service is closed")
        self._waiting += 1
        self._callers_idle.clear()
        try:
            async with self._order:
                if isinstance(event, IncomingMessage | IncomingEdit):
                    if self.optouts is not None and event.author_id in await self.optouts.get(event.guild_id):
                        return  # opted out: not stored, scored or flagged
                    config = await self.configs.get(event.guild_id)
                    lexicon = await self.configs.lexicon(event.guild_id)
                    if self.campaigns is not None:
                        await self.campaigns.get(event.guild_id)  # cached for _entry
                    entry = self._entry(event, config, lexicon)
                else:
                    entry = Entry(event)
                await self.stage.push(entry)
        finally:
            self._waiting -= 1
            if not self._waiting:
                self._callers_idle.set()
