"""Back-fill storage (migration 0009, bot/storage/_backfill.py) against a real SQLite file: one run per
server, ranges narrowed and closed, the run survives reopening, the per-server limit, and a server's purge
takes its run with it. An older database gains the tables empty."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.storage.models import BackfillRange, BackfillRun, MessageCreated, MessageRecord
from bot.storage.sqlite import SQLiteStorage, migration_scripts

GUILD, OTHER = 1, 2


def created(channel_id: int, message_id: int) -> MessageCreated:
    return MessageCreated(
        MessageRecord(
            guild_id=GUILD,
            channel_id=channel_id,
            message_id=message_id,
            author_id=7,
            created_at=1_700_000_000,
        )
    )


def a_run(guild_id: int = GUILD) -> BackfillRun:
    return BackfillRun(
        guild_id=guild_id,
        started_at=1_700_000_000,
        days=30,
        only_channel_id=None,
        channels_total=2,
        progress_channel_id=10,
        progress_message_id=99,
        locale="id",
        ranges=(BackfillRange(10, 100, 100, 1_000), BackfillRange(11, 100, 100, 1_000)),
    )


async def test_a_run_is_narrowed_closed_and_survives_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    async with SQLiteStorage.open(path) as storage:
        assert await storage.start_backfill(a_run())
        assert not await storage.start_backfill(a_run())  # one at a time per server
        assert await storage.start_backfill(a_run(OTHER))
        await storage.advance_backfill(GUILD, 10, 400, 120, done=False)
        await storage.advance_backfill(GUILD, 10, 300, 0, done=False)  # never moves back
        await storage.advance_backfill(GUILD, 11, 900, 30, done=True)
    async with SQLiteStorage.open(path) as storage:
        run = await storage.backfill_run(GUILD)
        assert run is not None
        assert run.ranges == (BackfillRange(10, 100, 400, 1_000),)
        assert (run.messages_read, run.channels_done, run.locale) == (150, 1, "id")
        assert (run.progress_channel_id, run.progress_message_id) == (10, 99)
        assert await storage.backfill_guilds() == [GUILD, OTHER]
        assert await storage.end_backfill(GUILD)
        assert not await storage.end_backfill(GUILD)
        assert await storage.backfill_run(GUILD) is None
        assert await storage.backfill_guilds() == [OTHER]


async def test_catch_up_reads_only_after_the_range_a_backfill_reads(tmp_path: Path) -> None:
    async with SQLiteStorage.open(tmp_path / "s.db") as storage:
        await storage.apply([created(10, 5_000), created(11, 50)])  # #10 is live past the range's end
        assert await storage.start_backfill(a_run())
        # #11 held only an old message: catch-up would have read its history again from there
        assert await storage.channel_cursors(GUILD) == {10: 5_000, 11: 999}
        assert await storage.begin_catch_up(GUILD) == {10: 5_000, 11: 999}


async def test_the_limit_of_days_and_the_purge(tmp_path: Path) -> None:
    async with SQLiteStorage.open(tmp_path / "s.db") as storage:
        assert await storage.get_backfill_days(GUILD) is None
        await storage.set_backfill_days(GUILD, 90)
        await storage.set_backfill_days(GUILD, 30)
        assert await storage.get_backfill_days(GUILD) == 30
        await storage.start_backfill(a_run())
        await storage.set_backfill_progress_message(GUILD, 12, 77)
        run = await storage.backfill_run(GUILD)
        assert run is not None and (run.progress_channel_id, run.progress_message_id) == (12, 77)
        await storage.purge_guild(GUILD)
        assert await storage.backfill_run(GUILD) is None
        assert await storage.get_backfill_days(GUILD) is None


async def test_an_older_database_gains_the_tables_empty(tmp_path: Path) -> None:
    path = tmp_path / "v8.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for version, name, sql in migration_scripts():
        if name.startswith("0009"):
            break
        conn.executescript(f"BEGIN;\n{sql}\n;PRAGMA user_version = {version};\nCOMMIT;")
    conn.execute("INSERT INTO guild_config (guild_id, sensitivity) VALUES (1, 'high')")
    conn.close()
    async with SQLiteStorage.open(path) as storage:
        assert await storage.backfill_guilds() == []
        assert (await storage.get_config(GUILD)).sensitivity == "high"
        assert await storage.start_backfill(a_run())
