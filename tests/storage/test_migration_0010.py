"""Migration 0010: an existing server keeps its settings and reads as UTC until it picks a zone."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.storage.sqlite import SQLiteStorage, migration_scripts


def version_9_database(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    for version, name, sql in migration_scripts():
        if name.startswith("0010"):
            break
        conn.executescript(f"BEGIN;\n{sql}\n;PRAGMA user_version = {version};\nCOMMIT;")
    conn.execute("INSERT INTO guild_config (guild_id, sensitivity, language) VALUES (1, 'high', 'id')")
    conn.close()


async def test_existing_settings_are_kept_and_the_zone_is_utc(tmp_path: Path) -> None:
    path = tmp_path / "v9.db"
    version_9_database(path)
    async with SQLiteStorage.open(path) as storage:
        config = await storage.get_config(1)
        assert (config.sensitivity, config.language, config.timezone) == ("high", "id", "UTC")
        config = await storage.set_timezone(1, "Asia/Jayapura")
        assert (config.sensitivity, config.timezone) == ("high", "Asia/Jayapura")
        with pytest.raises(ValueError):
            await storage.set_timezone(1, "Nowhere/Special")
    async with SQLiteStorage.open(path) as storage:
        assert (await storage.get_config(1)).timezone == "Asia/Jayapura"
        assert (await storage.get_config(2)).timezone == "UTC"
