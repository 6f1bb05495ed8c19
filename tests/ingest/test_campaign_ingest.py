"""Campaign matching on the ingest path (IngestService → scoring stage → workers → storage), real SQLite: a
campaign added through the cache is matched from the next message on, in worker processes as in this one,
and edits and deletes keep the counts exact."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.campaigns.cache import CampaignCache
from bot.core.config_cache import ConfigCache
from bot.core.ingest.models import IncomingEdit, IncomingMessage
from bot.core.ingest.queue import WriteQueue
from bot.core.ingest.service import IngestService
from bot.storage.sqlite import SQLiteStorage
from tests.ingest.test_stage import pipeline

GUILD = 7
OTHER = 8
NOW = 1_760_000_000


def msg(i: int, content: str, *, guild: int = GUILD, author: int = 100) -> IncomingMessage:
    return IncomingMessage(
        guild_id=guild,
        channel_id=70,
        message_id=1_000 + i,
        author_id=author,
        content=content,
        created_at=NOW - 3600 + i,
    )


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[SQLiteStorage]:
    async with SQLiteStorage.open(tmp_path / "campaign.db") as opened:
        yield opened


@pytest.mark.parametrize("workers", [0, 1])
async def test_mentions_are_counted_during_ingest(storage: SQLiteStorage, workers: int) -> None:
    campaigns = CampaignCache(storage)
    queue = WriteQueue(storage, maxsize=1000, batch_size=50)
    service = IngestService(
        pipeline(), queue, ConfigCache(storage), workers=workers, batch_size=4, campaigns=campaigns
    )
    queue.start()
    service.start()
    await service.stage.wait_pool_ready()
    await service.message(msg(0, "brand is great"))  # before the campaign: not counted
    await service.wait_idle()
    acme = await campaigns.add(GUILD, "Brand", ["brand", "https://brand.example/promo"], NOW - 7200, None)
    await campaigns.add(OTHER, "Brand", ["brand"], NOW - 7200, None)
    texts = [
        "I love B R A N D so much",  # spaced
        "b.r.a.n.d is the best, thank you",  # dotted
        "𝐁𝐑𝐀𝐍𝐃 is awful and terrible",  # styled, negative
        "brandon is here",  # not inside another word
        "see https://www.brand.example/promo/today",  # a link (no words to score)
        "nothing to see",
    ]
    for i, text in enumerate(texts, start=1):
        await service.message(msg(i, text, author=100 + i % 3))
    await service.message(msg(50, "brand", guild=OTHER))  # the other server's own campaign
    await service.wait_idle()
    await queue.flush()
    hours = await storage.campaign_hours(GUILD, acme.id, 0, 2**40)
    assert sum(h.mentions for h in hours) == 4
    assert sum(h.positive for h in hours) == 2 and sum(h.negative for h in hours) == 1
    # an edit that drops the mention ends it; an edit that adds one starts it; a delete takes it away
    await service.edit(IncomingEdit(GUILD, 70, 1_001, 101, "never mind, nothing here", NOW))
    await service.edit(IncomingEdit(GUILD, 70, 1_006, 100, "ok fine, brand it is. lovely", NOW))
    await service.delete(GUILD, 70, 1_003)
    await service.wait_idle()
    await queue.flush()
    hours = await storage.campaign_hours(GUILD, acme.id, 0, 2**40)
    assert sum(h.mentions for h in hours) == 3  # 2, 5 and 6
    assert sum(h.negative for h in hours) == 0
    _, unique = await storage.campaign_members(GUILD, acme.id, 0, 2**40)
    assert unique == 2  # messages 2 and 5 by 102 (100 + i % 3), message 6 by 100
    await service.close()
    await queue.close()
    if workers:
        assert service.stage.batches_in_workers > 0
