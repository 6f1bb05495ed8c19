"""Sharded, a process does only the background work of the servers on its own shards (bot/core/shards.py):
the review outbox, the digest scheduler, the back-fill resume and the privacy sweep, each through the real cog
code and the real SQLite store, with a bot that runs shard 0 of 2 (or shard 1)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from unittest.mock import create_autospec

import pytest

from bot.app.client import ShardedSentimeter, make_bot
from bot.core.spam import SpamDetector
from bot.settings import Settings
from bot.storage.models import BackfillRange, BackfillRun, FlagKind, FlagRequest, MessageCreated
from bot.storage.sqlite import SQLiteStorage
from cogs.backfill import Backfill
from cogs.digest._scheduler import DigestScheduler
from cogs.flags._cog import Flags
from cogs.flags._outbox import FAR_FUTURE, ROUND_SIZE, ReviewOutbox
from cogs.privacy import Privacy
from tests.cogs.conftest import fake_guild, record, shared_scorer

MINE, OTHERS = 4 << 22, 5 << 22  # shard 0 and shard 1 of 2
REVIEW_CHANNEL = 90


def sharded_bot(storage: SQLiteStorage, tmp_path: Path, shard_ids: str = "0", **env: Any) -> Any:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        SENTIMETER_DATABASE=tmp_path / "sentimeter.db",
        SENTIMETER_SHARD_COUNT=2,
        SENTIMETER_SHARD_IDS=shard_ids,
        **env,
    )
    return make_bot(settings=settings, storage=storage, scorer=shared_scorer(), spam=SpamDetector())


def test_a_shard_count_makes_the_auto_sharded_bot_with_those_shards(
    storage: SQLiteStorage, tmp_path: Path
) -> None:
    bot = sharded_bot(storage, tmp_path, "1")
    assert isinstance(bot, ShardedSentimeter)
    assert (bot.shard_count, bot.shard_ids) == (2, [1])
    assert bot.ownership.owns(OTHERS) and not bot.ownership.owns(MINE)
    plain = make_bot(
        settings=Settings(_env_file=None, SENTIMETER_DATABASE=tmp_path / "s.db"),  # type: ignore[call-arg]
        storage=storage,
        scorer=shared_scorer(),
        spam=SpamDetector(),
    )
    assert not isinstance(plain, ShardedSentimeter) and plain.shard_count is None


def flagged(message_id: int, guild_id: int, at: int) -> MessageCreated:
    rec = record(created_at=at, compound=-0.8, guild_id=guild_id, message_id=message_id)
    return MessageCreated(rec, FlagRequest(kind=FlagKind.NEGATIVE, text="awful video"))


async def test_the_outbox_leaves_other_processes_posts_alone_and_is_not_starved_by_them(
    storage: SQLiteStorage, tmp_path: Path
) -> None:
    now = int(time.time())
    await storage.set_review_channel(MINE, REVIEW_CHANNEL)
    await storage.set_review_channel(OTHERS, REVIEW_CHANNEL)
    # the other process is down: more of its posts are owed, and older, than one round reads
    theirs = [flagged(i, OTHERS, now - 600 + i) for i in range(1, ROUND_SIZE + 11)]
    changes = await storage.apply([*theirs, flagged(10_000, MINE, now)])
    mine = changes[-1].flag
    bot = sharded_bot(storage, tmp_path, "0")
    outbox = ReviewOutbox(bot, create_autospec(Flags, instance=True, spec_set=True), rng=lambda: 0.0)

    await outbox._round(FAR_FUTURE)

    # ours was tried (the server is not available in this test: it waits, attempts 1); theirs untouched
    own = await storage.pending_review_post(MINE, mine.id)
    assert own is not None and own.attempts == 1
    for change in changes[:-1]:
        pending = await storage.pending_review_post(OTHERS, change.flag.id)
        assert pending is not None and pending.attempts == 0 and pending.attempted_at is None
    # with only theirs due, the round says so and waits rather than spinning on them
    pause, progress = await outbox._round(float(now) - 1)  # ours is postponed past now
    assert not progress and pause >= 10


async def test_digests_of_other_processes_servers_are_left_to_them(
    storage: SQLiteStorage, tmp_path: Path
) -> None:
    slot = 1_800_000_000
    await storage.set_digest_schedule(MINE, 55, 0, 9, slot)
    await storage.set_digest_schedule(OTHERS, 56, 0, 9, slot)
    bot = sharded_bot(storage, tmp_path, "1")
    scheduler = DigestScheduler(bot, clock=lambda: slot + 1.0, rng=lambda: 0.0)

    assert await scheduler.run_due() == 0  # the server is not available here: ours waits

    ours, theirs = await storage.get_digest_schedule(OTHERS), await storage.get_digest_schedule(MINE)
    assert ours is not None and ours.attempts == 1 and ours.next_at > slot
    assert theirs is not None and theirs.attempts == 0 and theirs.next_at == slot
    assert await scheduler._until_next() >= 30  # only theirs is due: no polling every half second


def a_run(guild_id: int) -> BackfillRun:
    return BackfillRun(
        guild_id=guild_id,
        started_at=1_700_000_000,
        days=30,
        only_channel_id=None,
        channels_total=1,
        progress_channel_id=10,
        progress_message_id=99,
        locale="en",
        ranges=(BackfillRange(10, 100, 100, 1_000),),
    )


async def test_only_our_back_fills_are_resumed(
    storage: SQLiteStorage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await storage.start_backfill(a_run(MINE))
    await storage.start_backfill(a_run(OTHERS))
    bot = sharded_bot(storage, tmp_path, "0")
    guilds = {MINE: fake_guild(MINE), OTHERS: fake_guild(OTHERS)}  # both known here (a stale cache)
    monkeypatch.setattr(bot, "get_guild", guilds.get)
    cog = Backfill(bot)
    launched: list[int] = []
    monkeypatch.setattr(cog, "launch", lambda guild, run: launched.append(run.guild_id))

    await cog.resume()

    assert launched == [MINE]
    assert await storage.backfill_run(OTHERS) is not None  # still stored, for its own process


async def test_each_process_purges_its_own_removed_servers_and_shard_0_sweeps_retention(
    storage: SQLiteStorage, tmp_path: Path
) -> None:
    now = int(time.time())
    old = now - 400 * 86_400  # past the default retention
    mine = [record(created_at=now - 60, guild_id=MINE), record(created_at=old, guild_id=MINE)]
    await storage.apply([MessageCreated(r) for r in mine])
    await storage.apply([MessageCreated(record(created_at=now - 60, guild_id=OTHERS))])
    await storage.mark_guild_removed(MINE)
    await storage.mark_guild_removed(OTHERS)
    env = {"SENTIMETER_PURGE_GRACE_DAYS": 0}
    storage._clock = lambda: now + 10  # past the (zero) grace period

    # shard 1's process: only its own removed server is purged (it alone sees whether the bot is back there),
    # and it leaves the retention sweep to shard 0's process
    await Privacy(sharded_bot(storage, tmp_path, "1", **env)).run_sweep()
    assert (await storage.totals(OTHERS, None, None, now)).messages == 0
    assert (await storage.totals(MINE, None, None, now + 10)).messages == 2

    # shard 0's process sweeps retention (the year-old message) and purges its own removed server
    await Privacy(sharded_bot(storage, tmp_path, "0", **env)).run_sweep()
    assert (await storage.totals(MINE, None, None, now + 10)).messages == 0
    assert await storage.purge_removed_guilds(0, (), lambda g: True) == []  # nothing left marked
