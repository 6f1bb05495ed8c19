"""Migration 0005, the review-post outbox: a new open flag owes its post from the same transaction on, in a
server with a review channel only; the debt goes when the post is recorded, the flag resolved or deleted; a
send is recorded before it starts and refused once the flag no longer owes a post; an existing database
gets its last week's lost posts back."""

from __future__ import annotations

import itertools
import sqlite3
import time
from pathlib import Path

from bot.core.review import RETRY_BASE, RETRY_CAP, retry_delay
from bot.storage.models import FlagKind, FlagRequest, FlagStatus, MessageCreated, MessageDeleted
from bot.storage.sqlite import SQLiteStorage, migration_scripts
from tests.storage.conftest import T0, rec


def flagged(message_id: int, *, guild_id: int = 1, at: int | None = None) -> MessageCreated:
    """A flagged comment, by default posted just now."""
    return MessageCreated(
        rec(message_id, guild_id=guild_id, compound=-0.8, at=int(time.time()) if at is None else at),
        FlagRequest(kind=FlagKind.NEGATIVE, text="awful video"),
    )


async def test_a_new_flag_owes_a_post_only_where_there_is_a_review_channel(storage: SQLiteStorage) -> None:
    await storage.set_review_channel(1, 555)
    changes = await storage.apply([flagged(1), flagged(2, guild_id=2), flagged(3, at=T0)])
    owed = await storage.due_review_posts(T0, 10)
    assert [(p.guild_id, p.flag_id) for p in owed] == [(1, changes[0].flag.id)]
    assert owed[0].attempts == 0 and owed[0].attempted_at is None
    assert await storage.pending_review_post(2, changes[1].flag.id) is None
    # a comment from years ago (an old export loaded with `sentimeter analyze`) is not posted
    assert await storage.pending_review_post(1, changes[2].flag.id) is None


async def test_the_debt_goes_when_posted_resolved_or_deleted(storage: SQLiteStorage) -> None:
    await storage.set_review_channel(1, 555)
    a, b, c = (ch.flag for ch in await storage.apply([flagged(1), flagged(2), flagged(3)]))
    await storage.set_review_message(1, a.id, 555, 9001)
    await storage.resolve_flag(1, b.id, FlagStatus.ACKNOWLEDGED, 7, T0)
    await storage.apply([MessageDeleted(1, 10, 3)])  # the comment deleted: its flag closes
    assert await storage.due_review_posts(float(2**62), 10) == []
    assert await storage.next_review_post_at() is None
    # and a flag that no longer owes a post refuses a send (nothing must be sent)
    for flag in (a, b, c):
        assert not await storage.begin_review_post(1, flag.id, 555, T0)
    assert await storage.due_review_posts(float(2**62), 10) == []


async def test_a_send_is_recorded_before_it_starts_and_postponed_after_a_failure(
    storage: SQLiteStorage,
) -> None:
    await storage.set_review_channel(1, 555)
    (change,) = await storage.apply([flagged(1)])
    flag_id = change.flag.id
    assert await storage.begin_review_post(1, flag_id, 555, T0 + 5)
    pending = await storage.pending_review_post(1, flag_id)
    assert pending is not None and (pending.attempted_at, pending.attempt_channel_id) == (T0 + 5, 555)
    assert pending.next_at == T0 + 5 + 120  # not picked up for a retry while the send may be under way
    assert await storage.due_review_posts(T0 + 60, 10) == []
    # a second unsure send keeps the first one's time: a post may exist from then on
    assert await storage.begin_review_post(1, flag_id, 556, T0 + 9)
    pending = await storage.pending_review_post(1, flag_id)
    assert pending is not None and (pending.attempted_at, pending.attempt_channel_id) == (T0 + 5, 556)
    await storage.postpone_review_post(1, flag_id, T0 + 30.5, attempted_at=None, channel_id=None)
    pending = await storage.pending_review_post(1, flag_id)
    assert pending is not None
    assert (pending.attempts, pending.next_at, pending.attempted_at) == (1, T0 + 30.5, None)
    assert await storage.due_review_posts(T0 + 30, 10) == []
    assert [p.flag_id for p in await storage.due_review_posts(T0 + 31, 10)] == [flag_id]
    assert await storage.next_review_post_at() == T0 + 30.5
    await storage.drop_review_post(1, flag_id)
    assert await storage.pending_review_post(1, flag_id) is None


async def test_a_flag_made_by_hand_without_a_pending_row_gets_one_when_a_send_starts(
    storage: SQLiteStorage,
) -> None:
    flag = await storage.create_flag(
        guild_id=1,
        channel_id=10,
        message_id=77,
        author_id=5,
        kind=FlagKind.MANUAL,
        text="meh",
        compound=None,
        reason=None,
        created_at=T0,
    )
    assert await storage.pending_review_post(1, flag.id) is None  # no review channel when it was made
    assert await storage.begin_review_post(1, flag.id, 555, T0)
    assert (await storage.pending_review_post(1, flag.id)) is not None


def version_4_database(path: Path, now: int) -> tuple[int, int, int]:
    """Three open, unposted flags in a server with a review channel: recent, old, and recent but posted."""
    conn = sqlite3.connect(path, isolation_level=None)
    for version, _name, sql in migration_scripts()[:4]:
        conn.executescript(f"BEGIN;\n{sql}\n;PRAGMA user_version = {version};\nCOMMIT;")
    conn.execute("INSERT INTO guild_config (guild_id, review_channel_id) VALUES (1, 555)")
    ids = []
    for message_id, created_at, review in (
        (100, now - 3600, None),
        (101, now - 30 * 86_400, None),
        (102, now, 9),
    ):
        cur = conn.execute(
            "INSERT INTO flags (guild_id, channel_id, message_id, author_id, kind, status, text, created_at,"
            " review_message_id) VALUES (1, 10, ?, 7, 'negative', 'open', 'bad', ?, ?)",
            (message_id, created_at, review),
        )
        ids.append(int(cur.lastrowid or 0))
    conn.close()
    return ids[0], ids[1], ids[2]


async def test_an_existing_database_gets_the_last_weeks_lost_posts_back(tmp_path: Path) -> None:
    path = tmp_path / "v4.db"
    recent, old, _posted = version_4_database(path, int(time.time()))
    async with SQLiteStorage.open(path) as storage:
        owed = await storage.due_review_posts(float(2**62), 10)
        assert [p.flag_id for p in owed] == [recent]
        assert await storage.pending_review_post(1, old) is None


def test_retry_delay_grows_exponentially_is_capped_and_jittered() -> None:
    low = [retry_delay(n, lambda: 0.0) for n in range(1, 40)]
    high = [retry_delay(n, lambda: 0.999999) for n in range(1, 40)]
    assert low[0] == RETRY_BASE / 2 and abs(high[0] - RETRY_BASE) < 1e-5
    assert all(b >= a for a, b in itertools.pairwise(high))
    assert high[3] > 7 * high[0]
    assert max(high) <= RETRY_CAP and high[-1] > RETRY_CAP * 0.99
    assert all(lo < hi for lo, hi in zip(low, high, strict=True))  # jitter: not every pending post in step
