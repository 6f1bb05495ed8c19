"""Catch-up storage (migration 0006): gaps stay recorded until closed, a new session's cursors become gaps
before any live message can move them, and the recent window catch-up reconciles."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.core.ingest.catchup import snowflake_at
from bot.storage.models import Gap, ReactionChanged, StoredMessage
from bot.storage.sqlite import SQLiteStorage, migration_scripts

from .conftest import NOW, created


async def test_a_session_start_records_a_gap_after_every_cursor(storage: SQLiteStorage) -> None:
    await storage.apply([created(100, channel_id=10), created(200, channel_id=20), created(300, guild_id=2)])
    assert await storage.begin_catch_up(1) == {10: 100, 20: 200}
    assert await storage.catch_up_gaps(1) == [Gap(10, 100), Gap(20, 200)]
    assert await storage.catch_up_gaps(2) == []  # scoped by guild

    # live messages move the cursor; the gap stays until it is closed
    await storage.apply([created(150, channel_id=10), created(160, channel_id=10)])
    assert (await storage.channel_cursors(1))[10] == 160
    assert Gap(10, 100) in await storage.catch_up_gaps(1)

    # the next session bounds the old open gap by the cursor and opens one after it
    await storage.begin_catch_up(1)
    assert await storage.catch_up_gaps(1) == [Gap(10, 100, 161), Gap(10, 160), Gap(20, 200)]


async def test_real_snowflakes_and_times_fit_on_every_back_end(storage: SQLiteStorage) -> None:
    """Discord's ids are 64-bit: a statement that does arithmetic on one must not type it as int4 (PostgreSQL
    infers a parameter's type from the constant beside it)."""
    guild, channel = 1_506_945_232_040_755_211, 1_506_945_232_040_755_299
    first, later = snowflake_at(NOW - 3600), snowflake_at(NOW - 60)
    await storage.apply([created(first, guild_id=guild, channel_id=channel, at=NOW - 3600)])
    assert await storage.begin_catch_up(guild) == {channel: first}
    await storage.apply([created(later, guild_id=guild, channel_id=channel, at=NOW - 60)])
    await storage.begin_catch_up(guild)  # bounds the earlier gap at the cursor + 1
    assert await storage.catch_up_gaps(guild) == [Gap(channel, first, later + 1), Gap(channel, later)]
    await storage.set_retention(guild, 1)
    await storage.sweep_retention(30)  # "older than now - days": the same kind of arithmetic
    assert await storage.channel_cursors(guild) == {channel: later}


async def test_a_gap_narrows_to_what_is_still_missing_and_closes(storage: SQLiteStorage) -> None:
    await storage.record_gap(1, Gap(10, 100, 500))
    await storage.record_gap(1, Gap(10, 100, 400))  # the same gap recorded again keeps the wider end
    assert await storage.catch_up_gaps(1) == [Gap(10, 100, 500)]
    await storage.narrow_gap(1, Gap(10, 100, 500), 250)
    assert await storage.catch_up_gaps(1) == [Gap(10, 250, 500)]
    await storage.narrow_gap(1, Gap(10, 250, 500), 499)  # nothing can be left between 499 and 500
    assert await storage.catch_up_gaps(1) == []

    await storage.record_gap(1, Gap(20, 7))
    await storage.narrow_gap(1, Gap(20, 7), 7)  # nothing read: the open gap stays as it was
    assert await storage.catch_up_gaps(1) == [Gap(20, 7)]
    await storage.close_gap(2, Gap(20, 7))  # another guild's close does nothing
    assert await storage.catch_up_gaps(1) == [Gap(20, 7)]
    await storage.close_gap(1, Gap(20, 7))
    assert await storage.catch_up_gaps(1) == []


async def test_recent_messages_are_the_newest_per_channel_inside_the_window(storage: SQLiteStorage) -> None:
    since = snowflake_at(NOW - 3600)
    old = since - 1
    ids = [since + i for i in range(1, 6)]
    await storage.apply(
        [
            created(old, channel_id=10),
            *(created(mid, channel_id=10) for mid in ids),
            created(since + 10, channel_id=20),
            created(since + 11, channel_id=20, guild_id=2),
            ReactionChanged(1, 10, ids[-1], 3),
        ]
    )
    got = await storage.recent_messages(1, since, 3)
    assert got == [
        StoredMessage(10, ids[2], 0),
        StoredMessage(10, ids[3], 0),
        StoredMessage(10, ids[4], 3),
        StoredMessage(20, since + 10, 0),
    ]


async def test_migration_0006_adds_gaps_to_an_existing_database(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    scripts = [s for s in migration_scripts() if s[0] < 6]
    for version, _name, sql in scripts:
        conn.executescript(f"BEGIN;\n{sql}\n;PRAGMA user_version = {version};\nCOMMIT;")
    conn.execute("INSERT INTO channel_cursors (guild_id, channel_id, last_message_id) VALUES (1, 10, 99)")
    conn.close()
    async with SQLiteStorage.open(path) as storage:
        assert await storage.begin_catch_up(1) == {10: 99}
        assert await storage.catch_up_gaps(1) == [Gap(10, 99)]
