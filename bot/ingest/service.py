"""The one door for events into storage: looks up the server's configuration, runs the pipeline, queues
the write. Used by the listener cog (live events and catch-up) and by `sentimeter analyze`."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from bot.config_cache import ConfigCache
from bot.ingest.models import IncomingEdit, IncomingMessage
from bot.ingest.pipeline import Pipeline
from bot.ingest.queue import WriteQueue
from bot.storage.models import MessageDeleted, MessagesBulkDeleted, ReactionChanged, WriteOp


class IngestService:
    def __init__(self, pipeline: Pipeline, queue: WriteQueue, configs: ConfigCache) -> None:
        self.pipeline = pipeline
        self.queue = queue
        self.configs = configs
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        # Events reach the queue in the order they came in: a message whose configuration is being read
        # (the first one of a server after a start) must not be overtaken by a reaction, edit or delete of it,
        # which storage would ignore as being about an unknown message. asyncio.Lock wakes waiters in order.
        self._order = asyncio.Lock()

    async def message(self, msg: IncomingMessage) -> None:
        async with self._tracked(), self._order:
            config = await self.configs.get(msg.guild_id)
            lexicon = await self.configs.lexicon(msg.guild_id)
            await self.queue.put(self.pipeline.on_message(msg, config, lexicon))

    async def edit(self, edit: IncomingEdit) -> None:
        async with self._tracked(), self._order:
            config = await self.configs.get(edit.guild_id)
            lexicon = await self.configs.lexicon(edit.guild_id)
            await self.queue.put(self.pipeline.on_edit(edit, config, lexicon))

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

    async def wait_idle(self) -> None:
        """Wait until no event is half-way between a listener and the queue (used at shutdown)."""
        await self._idle.wait()

    async def _put(self, op: WriteOp) -> None:
        async with self._tracked(), self._order:
            await self.queue.put(op)

    def _tracked(self) -> _InFlight:
        return _InFlight(self)


class _InFlight:
    __slots__ = ("_service",)

    def __init__(self, service: IngestService) -> None:
        self._service = service

    async def __aenter__(self) -> None:
        self._service._in_flight += 1
        self._service._idle.clear()

    async def __aexit__(self, *exc: object) -> None:
        self._service._in_flight -= 1
        if self._service._in_flight == 0:
            self._service._idle.set()
