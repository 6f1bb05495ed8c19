"""The review-post outbox (migration 0005): which flags still owe a review post, and when to try again.

Rows are added by a trigger in the same transaction as the flag, and removed by triggers when the post is
confirmed (``set_review_message``), the flag is resolved or deleted. The functions here run on the writer
thread (``sqlite3.Connection``) or give the reader's SQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from bot.storage.models import PendingPost

PENDING_COLUMNS = "guild_id, flag_id, attempts, next_at, attempted_at, attempt_channel_id"
DUE_SQL = f"SELECT {PENDING_COLUMNS} FROM review_outbox WHERE next_at <= ? ORDER BY next_at, flag_id LIMIT ?"
GET_SQL = f"SELECT {PENDING_COLUMNS} FROM review_outbox WHERE guild_id = ? AND flag_id = ?"
NEXT_SQL = "SELECT min(next_at) FROM review_outbox"

# Only a flag that is still open and unposted may (still) owe a post.
_BEGIN_SQL = (
    "INSERT INTO review_outbox (guild_id, flag_id, next_at, attempted_at, attempt_channel_id)"
    " SELECT guild_id, id, ?, ?, ? FROM flags"
    " WHERE guild_id = ? AND id = ? AND status = 'open' AND review_message_id IS NULL"
    " ON CONFLICT (guild_id, flag_id) DO UPDATE SET next_at = excluded.next_at,"
    " attempted_at = coalesce(review_outbox.attempted_at, excluded.attempted_at),"
    " attempt_channel_id = excluded.attempt_channel_id"
)
_POSTPONE_SQL = (
    "UPDATE review_outbox SET attempts = attempts + 1, next_at = ?, attempted_at = ?, attempt_channel_id = ?"
    " WHERE guild_id = ? AND flag_id = ?"
)
_DROP_SQL = "DELETE FROM review_outbox WHERE guild_id = ? AND flag_id = ?"


def pending_from_row(row: Sequence[Any]) -> PendingPost:
    guild_id, flag_id, attempts, next_at, attempted_at, channel_id = row
    return PendingPost(
        guild_id=int(guild_id),
        flag_id=int(flag_id),
        attempts=int(attempts),
        next_at=float(next_at),
        attempted_at=None if attempted_at is None else int(attempted_at),
        attempt_channel_id=None if channel_id is None else int(channel_id),
    )


def begin(
    conn: sqlite3.Connection, guild_id: int, flag_id: int, channel_id: int, at: int, lease: float
) -> bool:
    """Record a send about to start (kept from the first unsure one on), not retried for ``lease`` seconds;
    False when the flag no longer owes a post (resolved, deleted or posted meanwhile): then send nothing."""
    return conn.execute(_BEGIN_SQL, (at + lease, at, channel_id, guild_id, flag_id)).rowcount > 0


def postpone(
    conn: sqlite3.Connection,
    guild_id: int,
    flag_id: int,
    next_at: float,
    attempted_at: int | None,
    channel_id: int | None,
) -> None:
    conn.execute(_POSTPONE_SQL, (next_at, attempted_at, channel_id, guild_id, flag_id))


def drop(conn: sqlite3.Connection, guild_id: int, flag_id: int) -> None:
    conn.execute(_DROP_SQL, (guild_id, flag_id))
