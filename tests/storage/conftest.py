"""Fixtures for the storage tests: a real SQLite file in tmp_path."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage.models import MessageCreated, MessageRecord
from bot.storage.sqlite import SQLiteStorage

T0 = 1_700_000_000 - 1_700_000_000 % 86_400  # a UTC midnight
NOW = T0 + 10 * 86_400


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def storage(tmp_path: Path, clock: Clock) -> AsyncIterator[SQLiteStorage]:
    async with SQLiteStorage.open(tmp_path / "db" / "sentimeter.db", clock=clock) as st:
        yield st


def rec(
    message_id: int,
    *,
    guild_id: int = 1,
    channel_id: int = 10,
    author_id: int = 100,
    at: int = T0,
    compound: float = 0.0,
    reply_to: int | None = None,
    scored: bool = True,
    spam: bool = False,
) -> MessageRecord:
    return MessageRecord(
        guild_id=guild_id,
        channel_id=channel_id,
        message_id=message_id,
        author_id=author_id,
        created_at=at,
        reply_to_id=reply_to,
        scored=scored,
        compound=compound,
        pos=max(compound, 0.0),
        neu=1 - abs(compound),
        neg=max(-compound, 0.0),
        language="en" if scored else None,
        is_spam=spam,
    )


def created(message_id: int, **kw: object) -> MessageCreated:
    return MessageCreated(rec(message_id, **kw))  # type: ignore[arg-type]
