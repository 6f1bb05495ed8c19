"""The weekly digest's schedule (migration 0014): one row per server, the slot owed next and its send.

A slot is claimed (``claim``) in one statement that also records which slot it is, and only when it was not
posted yet; the post is confirmed (``finish``) with the next slot. A send whose outcome is unknown leaves
``attempted_at``, so the next try looks for the post first (cogs/digest/_scheduler.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from bot.storage.models import DigestSchedule

COLUMNS = (
    "guild_id, channel_id, weekday, hour, slot, next_at, posted_slot, message_id, attempted_at,"
    " attempt_channel_id, attempts, warned"
)
GET_SQL = f"SELECT {COLUMNS} FROM digest_schedules WHERE guild_id = ?"
DUE_SQL = f"SELECT {COLUMNS} FROM digest_schedules WHERE next_at <= ? ORDER BY next_at, guild_id LIMIT ?"
NEXT_SQL = "SELECT min(next_at) FROM digest_schedules"

# A new or changed schedule starts afresh; the last post is remembered, so a slot is never posted twice.
_SET_SQL = (
    "INSERT INTO digest_schedules (guild_id, channel_id, weekday, hour, slot, next_at)"
    " VALUES (?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id, weekday = excluded.weekday,"
    " hour = excluded.hour, slot = excluded.slot, next_at = excluded.next_at, attempted_at = NULL,"
    " attempt_channel_id = NULL, attempts = 0, warned = 0"
)
_DELETE_SQL = "DELETE FROM digest_schedules WHERE guild_id = ?"
# The claim moves the row to the slot being sent (the newest one due) and records the send, only if the row
# still owes ``expected`` and that slot was not posted.
_CLAIM_SQL = (
    "UPDATE digest_schedules SET slot = :slot, next_at = :lease_end,"
    " attempted_at = coalesce(attempted_at, :at), attempt_channel_id = :channel"
    " WHERE guild_id = :guild AND slot = :expected AND posted_slot < :slot"
)
_FINISH_SQL = (
    "UPDATE digest_schedules SET posted_slot = slot, message_id = :message, slot = :next, next_at = :next_at,"
    " attempted_at = NULL, attempt_channel_id = NULL, attempts = 0, warned = 0"
    " WHERE guild_id = :guild AND slot = :slot"
)
_POSTPONE_SQL = (
    "UPDATE digest_schedules SET attempts = attempts + 1, next_at = :next_at, attempted_at = :attempted_at,"
    " attempt_channel_id = :channel, warned = :warned WHERE guild_id = :guild AND slot = :slot"
)
_SKIP_SQL = (
    "UPDATE digest_schedules SET slot = :next, next_at = :next_at, attempted_at = NULL,"
    " attempt_channel_id = NULL, attempts = 0, warned = 0 WHERE guild_id = :guild AND slot = :slot"
)


def schedule_from_row(row: Sequence[Any]) -> DigestSchedule:
    (
        guild,
        channel,
        weekday,
        hour,
        slot,
        next_at,
        posted,
        message,
        attempted,
        attempt_ch,
        attempts,
        warned,
    ) = row
    return DigestSchedule(
        guild_id=int(guild),
        channel_id=int(channel),
        weekday=int(weekday),
        hour=int(hour),
        slot=int(slot),
        next_at=float(next_at),
        posted_slot=int(posted),
        message_id=None if message is None else int(message),
        attempted_at=None if attempted is None else int(attempted),
        attempt_channel_id=None if attempt_ch is None else int(attempt_ch),
        attempts=int(attempts),
        warned=bool(warned),
    )


def set_schedule(
    conn: sqlite3.Connection, guild_id: int, channel_id: int, weekday: int, hour: int, slot: int
) -> DigestSchedule:
    conn.execute(_SET_SQL, (guild_id, channel_id, weekday, hour, slot, float(slot)))
    return schedule_from_row(conn.execute(GET_SQL, (guild_id,)).fetchone())


def delete(conn: sqlite3.Connection, guild_id: int) -> bool:
    return conn.execute(_DELETE_SQL, (guild_id,)).rowcount > 0


def claim(
    conn: sqlite3.Connection,
    guild_id: int,
    expected: int,
    slot: int,
    channel_id: int,
    at: int,
    lease: float,
) -> bool:
    params = {"guild": guild_id, "expected": expected, "slot": slot, "channel": channel_id, "at": at}
    return conn.execute(_CLAIM_SQL, {**params, "lease_end": at + lease}).rowcount > 0


def finish(
    conn: sqlite3.Connection, guild_id: int, slot: int, message_id: int | None, next_slot: int
) -> bool:
    params = {"guild": guild_id, "slot": slot, "message": message_id, "next": next_slot, "next_at": next_slot}
    return conn.execute(_FINISH_SQL, params).rowcount > 0


def postpone(
    conn: sqlite3.Connection,
    guild_id: int,
    slot: int,
    next_at: float,
    attempted_at: int | None,
    channel_id: int | None,
    warned: bool,
) -> None:
    params = {"guild": guild_id, "slot": slot, "next_at": next_at, "attempted_at": attempted_at}
    conn.execute(_POSTPONE_SQL, {**params, "channel": channel_id, "warned": int(warned)})


def skip(conn: sqlite3.Connection, guild_id: int, slot: int, next_slot: int) -> bool:
    """Owe ``next_slot`` instead of ``slot`` without posting (nothing of ``slot`` is in flight)."""
    return (
        conn.execute(
            _SKIP_SQL, {"guild": guild_id, "slot": slot, "next": next_slot, "next_at": next_slot}
        ).rowcount
        > 0
    )
