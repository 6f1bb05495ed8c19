"""Migration 0007: an existing database gains the privacy tables empty (nobody opted out, the default
retention, no server waiting to be purged) and keeps its data, which forget-me then handles like any other."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.storage.sqlite import SQLiteStorage, migration_scripts


def version_6_database(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    for version, name, sql in migration_scripts():
        if name.startswith("0007"):
            break
        conn.executescript(f"BEGIN;\n{sql}\n;PRAGMA user_version = {version};\nCOMMIT;")
    conn.execute("INSERT INTO guild_config (guild_id, sensitivity) VALUES (1, 'high')")
    conn.execute(
        "INSERT INTO flags (guild_id, channel_id, message_id, author_id, kind, status, text, created_at)"
        " VALUES (1, 10, 100, 7, 'negative', 'open', 'mic is bad', 3600)"
    )
    conn.close()


async def test_existing_data_is_kept_and_nothing_is_opted_out(tmp_path: Path) -> None:
    path = tmp_path / "v6.db"
    version_6_database(path)
    async with SQLiteStorage.open(path, clock=lambda: 7200) as storage:
        assert await storage.opted_out(1) == frozenset()
        assert await storage.get_retention(1) is None
        assert await storage.purge_removed_guilds(grace_days=0) == []
        assert (await storage.get_config(1)).sensitivity == "high"
        assert [f["text"] for f in (await storage.member_data(1, 7))["flags"]] == ["mic is bad"]
        result = await storage.forget_member(1, 7)
        assert (result.messages, result.flags) == (0, 1)
        assert (await storage.member_data(1, 7))["flags"] == []
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] >= 7
    finally:
        conn.close()
