"""Catch-up storage (migration 0006): the gaps of channel history still to read, and the recent stored
messages that catch-up reconciles with Discord. Called from ``SQLiteStorage``; each write is one transaction
on the writer connection's thread."""

from __future__ import annotations

import sqlite3
from typing import Any

from bot.storage.models import Gap, StoredMessage


def begin_catch_up(conn: sqlite3.Connection, guild_id: int) -> dict[int, int]:
    """The guild's cursors, each recorded as an open gap (after the cursor, up to the newest) in the same
    transaction, so no live message can move a cursor past history that was never read. A still open gap of
    an earlier session is bounded by the cursor (everything after the cursor is in the new gap)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        rows = conn.execute(
            "SELECT channel_id, last_message_id FROM channel_cursors WHERE guild_id = ?", (guild_id,)
        ).fetchall()
        cursors = {int(ch): int(mid) for ch, mid in rows}
        conn.executemany(
            "UPDATE catchup_gaps SET before_id = CAST(? AS BIGINT) + 1"  # a snowflake: not int4
            " WHERE guild_id = ? AND channel_id = ? AND before_id IS NULL AND after_id < ?",
            [(mid, guild_id, ch, mid) for ch, mid in cursors.items()],
        )
        conn.executemany(
            "INSERT INTO catchup_gaps (guild_id, channel_id, after_id, before_id) VALUES (?, ?, ?, NULL)"
            " ON CONFLICT (guild_id, channel_id, after_id) DO UPDATE SET before_id = NULL",
            [(guild_id, ch, mid) for ch, mid in cursors.items()],
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return cursors


def record_gap(conn: sqlite3.Connection, guild_id: int, gap: Gap) -> None:
    """Keep ``gap`` until it is closed (a gap already recorded from the same id keeps the wider end)."""
    conn.execute(
        "INSERT INTO catchup_gaps (guild_id, channel_id, after_id, before_id) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (guild_id, channel_id, after_id) DO UPDATE SET before_id ="
        " CASE WHEN excluded.before_id IS NULL OR catchup_gaps.before_id IS NULL THEN NULL"
        " ELSE max(catchup_gaps.before_id, excluded.before_id) END",
        (guild_id, gap.channel_id, gap.after_id, gap.before_id),
    )


def narrow_gap(conn: sqlite3.Connection, guild_id: int, gap: Gap, read_up_to: int) -> None:
    """Everything up to ``read_up_to`` (a message id) of ``gap`` is committed: keep only the rest."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        _delete(conn, guild_id, gap)
        if gap.before_id is None or read_up_to + 1 < gap.before_id:
            record_gap(conn, guild_id, Gap(gap.channel_id, max(read_up_to, gap.after_id), gap.before_id))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def close_gap(conn: sqlite3.Connection, guild_id: int, gap: Gap) -> None:
    _delete(conn, guild_id, gap)


def _delete(conn: sqlite3.Connection, guild_id: int, gap: Gap) -> None:
    conn.execute(
        "DELETE FROM catchup_gaps WHERE guild_id = ? AND channel_id = ? AND after_id = ?",
        (guild_id, gap.channel_id, gap.after_id),
    )


GAPS_SQL = (
    "SELECT channel_id, after_id, before_id FROM catchup_gaps WHERE guild_id = ?"  # oldest first
    " ORDER BY after_id, channel_id"
)


def gaps_from(rows: list[Any]) -> list[Gap]:
    return [Gap(int(ch), int(after), None if before is None else int(before)) for ch, after, before in rows]


# The newest ``per_channel`` stored messages of each channel from ``since_id`` on (message ids are
# snowflakes, so the time window is a range of the primary key).
RECENT_SQL = (
    "SELECT channel_id, message_id, reactions FROM ("
    " SELECT channel_id, message_id, reactions,"
    " row_number() OVER (PARTITION BY channel_id ORDER BY message_id DESC) AS n"
    " FROM messages WHERE message_id >= ? AND guild_id = ?"
    ") WHERE n <= ? ORDER BY channel_id, message_id"
)


def recent_from(rows: list[Any]) -> list[StoredMessage]:
    return [StoredMessage(int(ch), int(mid), int(reactions)) for ch, mid, reactions in rows]
