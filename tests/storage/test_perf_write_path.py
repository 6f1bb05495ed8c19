"""The write path's shortcuts keep its guarantees: messages above the newest stored id are not looked up (but
older ones are still stored exactly once), NULLs are written by statement shape, and channel presence rows
are updated by count only."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

from bot.storage.models import FlagKind, FlagRequest, MessageCreated, MessageEdited
from bot.storage.sqlite import SQLiteStorage
from tests.storage.conftest import NOW, T0, created, rec

H = 3600


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


async def test_older_messages_below_the_newest_stored_id_are_stored_exactly_once(tmp_path: Path) -> None:
    async with SQLiteStorage.open(tmp_path / "s.db", clock=lambda: NOW) as storage:
        await storage.apply([created(100), created(200)])
        # catch-up: an older message arrives after newer ones, then everything is delivered again
        await storage.apply([created(150, at=T0 + H), created(300, reply_to=150)])
        await storage.apply([created(100), created(150, at=T0 + H), created(200), created(300, reply_to=150)])
        totals = await storage.totals(1, None, None, NOW)
        assert (totals.messages, totals.replies) == (4, 1)
    assert rows(tmp_path / "s.db", "SELECT message_id, replies FROM messages ORDER BY 1") == [
        (100, 0),
        (150, 1),
        (200, 0),
        (300, 0),
    ]


async def test_nullable_columns_are_stored_as_given_whatever_the_mix_in_a_batch(tmp_path: Path) -> None:
    ops = [
        MessageCreated(rec(1)),
        MessageCreated(replace(rec(2, reply_to=1), parent_channel_id=9)),
        MessageCreated(rec(3, scored=False)),  # language None
        MessageCreated(
            rec(4, compound=-0.7), flag=FlagRequest(FlagKind.NEGATIVE, "meh", reason="“meh”", topic="content")
        ),
        MessageCreated(rec(5, scored=False), flag=FlagRequest(FlagKind.SPAM, "buy", reason=None)),
        MessageCreated(rec(6, spam=True), flag=FlagRequest(FlagKind.SPAM, "win", reason="gambling")),
    ]
    async with SQLiteStorage.open(tmp_path / "s.db", clock=lambda: NOW) as storage:
        changes = await storage.apply(ops)
        assert [(c.flag.message_id, c.flag.compound, c.flag.reason, c.flag.topic) for c in changes] == [
            (4, -0.7, "“meh”", "content"),
            (5, None, None, None),
            (6, 0.0, "gambling", None),
        ]
        assert await storage.get_flag(1, changes[1].flag.id) == changes[1].flag
    path = tmp_path / "s.db"
    assert rows(path, "SELECT message_id, reply_to_id, parent_channel_id, language FROM messages") == [
        (1, None, None, "en"),
        (2, 1, 9, "en"),
        (3, None, None, None),
        (4, None, None, "en"),
        (5, None, None, None),
        (6, None, None, "en"),
    ]
    flags = "SELECT message_id, text, compound, reason, topic, resolved_at FROM flags ORDER BY id"
    assert rows(path, flags) == [
        (4, "meh", -0.7, "“meh”", "content", None),
        (5, "buy", None, None, None, None),
        (6, "win", 0.0, "gambling", None, None),
    ]


async def test_presence_rows_keep_their_vectors_when_existing_rows_are_updated(tmp_path: Path) -> None:
    async with SQLiteStorage.open(tmp_path / "s.db", clock=lambda: NOW) as storage:
        await storage.apply([created(1, compound=0.5), created(2, channel_id=11, at=T0 + 60)])
        await storage.apply(
            [
                created(3, compound=-0.5, at=T0 + 120, reply_to=1),
                created(4, channel_id=11, at=T0 + 180, spam=True),
                MessageEdited(1, 10, 1, True, -0.9, 0.0, 0.1, 0.9, "en", False),
            ]
        )
    got = rows(
        tmp_path / "s.db",
        "SELECT scope_id, messages, replies, positive, neutral, negative, spam, compound_e4, prev_hour"
        " FROM presence ORDER BY scope_id",
    )
    assert got == [
        (0, 4, 1, 0, 1, 2, 1, -14000, None),
        (10, 2, 0, 0, 0, 0, 0, 0, None),
        (11, 2, 0, 0, 0, 0, 0, 0, None),
    ]
