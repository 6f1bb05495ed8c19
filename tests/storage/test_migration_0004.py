"""Migration 0004: learning from moderators starts empty on an existing database, whose flags and settings
are kept; a server has no adjustment until its moderators decide something."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.storage.models import ExampleKind, FlagStatus, LearnedAdjustment, LearningExample
from bot.storage.sqlite import SQLiteStorage, migration_scripts


def version_3_database(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    for version, _name, sql in migration_scripts()[:3]:
        conn.executescript(f"BEGIN;\n{sql}\n;PRAGMA user_version = {version};\nCOMMIT;")
    conn.execute("INSERT INTO guild_config (guild_id, threshold, sensitivity) VALUES (1, -0.5, 'low')")
    conn.execute(
        "INSERT INTO flags (guild_id, channel_id, message_id, author_id, kind, status, text, compound,"
        " reason, created_at, topic) VALUES (1, 10, 100, 7, 'negative', 'open', 'mic is bad', -0.4, NULL,"
        " 1000, 'audio')"
    )
    conn.close()


async def test_existing_servers_start_with_nothing_learned(tmp_path: Path) -> None:
    path = tmp_path / "v3.db"
    version_3_database(path)
    async with SQLiteStorage.open(path) as storage:
        config = await storage.get_config(1)
        assert (config.sensitivity, config.learned) == ("low", None)
        flag = await storage.open_flag_for_message(1, 100)
        assert flag is not None and flag.topic == "audio" and flag.text == "mic is bad"
        assert await storage.learning_examples(1, 10) == []

        example = LearningExample(flag.id, ExampleKind.FEEDBACK, True, {"bias": 1.0, "h:12": 1.0}, 0.4, 1001)
        await storage.record_example(1, example)
        assert await storage.learning_examples(1, 10) == [example]
        learned = LearnedAdjustment(weights=(("bias", 0.1), ("h:12", 0.2)), cap=0.3, decisions=1)
        config = await storage.set_learned(1, learned)
        assert config.learned == learned and config.sensitivity == "low"
        assert config.learned.lookup == {"bias": 0.1, "h:12": 0.2}
        assert (await storage.set_learned(1, None)).learned is None
        resolved = await storage.resolve_flag(1, flag.id, FlagStatus.ACKNOWLEDGED, 5, 1002)
        assert resolved is not None
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] >= 4
    finally:
        conn.close()
