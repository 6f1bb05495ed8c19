"""Migration 0003: a server's compound threshold becomes the nearest review-queue sensitivity, and flags gain
a topic column (old flags keep theirs empty)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.storage.models import FlagKind
from bot.storage.sqlite import SQLiteStorage, migration_scripts


def version_2_database(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    for version, _name, sql in migration_scripts()[:2]:
        conn.executescript(f"BEGIN;\n{sql}\n;PRAGMA user_version = {version};\nCOMMIT;")
    conn.executemany(
        "INSERT INTO guild_config (guild_id, threshold) VALUES (?, ?)",
        [(1, -0.5), (2, -0.05), (3, 0.1), (4, None), (5, -0.3), (6, 0.0)],
    )
    conn.execute(
        "INSERT INTO flags (guild_id, channel_id, message_id, author_id, kind, status, text, compound,"
        " reason, created_at) VALUES (1, 10, 100, 7, 'negative', 'open', 'boring stream', -0.4, NULL, 1000)"
    )
    conn.close()


@pytest.mark.parametrize(
    ("guild_id", "sensitivity"),
    [(1, "low"), (2, "normal"), (3, "high"), (4, "normal"), (5, "low"), (6, "high"), (99, "normal")],
)
async def test_thresholds_become_sensitivities(tmp_path: Path, guild_id: int, sensitivity: str) -> None:
    path = tmp_path / "v2.db"
    version_2_database(path)
    async with SQLiteStorage.open(path) as storage:
        assert (await storage.get_config(guild_id)).sensitivity == sensitivity


async def test_old_flags_keep_an_empty_topic_and_new_ones_store_theirs(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    version_2_database(path)
    async with SQLiteStorage.open(path) as storage:
        old = await storage.open_flag_for_message(1, 100)
        assert old is not None and old.topic is None and old.text == "boring stream"
        assert (await storage.set_sensitivity(1, "high")).sensitivity == "high"
        with pytest.raises(ValueError, match="sensitivity"):
            await storage.set_sensitivity(1, "extreme")
        manual = await storage.create_flag(
            guild_id=1,
            channel_id=10,
            message_id=101,
            author_id=7,
            kind=FlagKind.MANUAL,
            text="x",
            compound=None,
            reason=None,
            created_at=1001,
        )
        assert manual.topic is None
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(migration_scripts())
    assert "topic" in {row[1] for row in conn.execute("PRAGMA table_info(flags)")}
    conn.close()
