"""Back-fill storage (migration 0009): a server's run and the range of each channel still to read, narrowed
only after what was read is committed; and the per-server limit of days. Called from ``SQLiteStorage``; each
write is one transaction on the writer connection's thread."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from bot.storage.models import BackfillRange, BackfillRun


def start(conn: sqlite3.Connection, run: BackfillRun) -> bool:
    """Record ``run`` and its ranges, and move each channel's catch-up cursor up to the range's end; False
    (nothing written) when the server already has a run."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        if conn.execute("SELECT 1 FROM backfill_runs WHERE guild_id = ?", (run.guild_id,)).fetchone():
            conn.execute("ROLLBACK")
            return False
        conn.execute(
            "INSERT INTO backfill_runs (guild_id, started_at, days, only_channel_id, channels_total,"
            " messages_read, progress_channel_id, progress_message_id, locale)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                run.guild_id,
                run.started_at,
                run.days,
                run.only_channel_id,
                run.channels_total,
                run.messages_read,
                run.progress_channel_id,
                run.progress_message_id,
                run.locale,
            ),
        )
        conn.executemany(
            "INSERT INTO backfill_ranges (guild_id, channel_id, start_id, after_id, before_id)"
            " VALUES (?, ?, ?, ?, ?)",
            [(run.guild_id, r.channel_id, r.start_id, r.after_id, r.before_id) for r in run.ranges],
        )
        # the history before the run's end is the back-fill's to read; catch-up reads after it, so a restart
        # in the middle does not read a channel's remaining range a second time as a catch-up gap
        conn.executemany(
            "INSERT INTO channel_cursors (guild_id, channel_id, last_message_id) VALUES (?, ?, ?)"
            " ON CONFLICT (guild_id, channel_id) DO UPDATE SET last_message_id ="
            " max(channel_cursors.last_message_id, excluded.last_message_id)",
            [(run.guild_id, r.channel_id, r.before_id - 1) for r in run.ranges],
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return True


def advance(
    conn: sqlite3.Connection, guild_id: int, channel_id: int, read_up_to: int, messages: int, done: bool
) -> None:
    """Everything of the channel's range up to ``read_up_to`` is committed (all of it when ``done``), and
    ``messages`` more were read."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            "UPDATE backfill_runs SET messages_read = messages_read + ? WHERE guild_id = ?",
            (messages, guild_id),
        )
        if done:
            conn.execute(
                "DELETE FROM backfill_ranges WHERE guild_id = ? AND channel_id = ?", (guild_id, channel_id)
            )
        else:
            conn.execute(
                "UPDATE backfill_ranges SET after_id = max(after_id, ?)"
                " WHERE guild_id = ? AND channel_id = ?",
                (read_up_to, guild_id, channel_id),
            )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def set_progress_message(conn: sqlite3.Connection, guild_id: int, channel_id: int, message_id: int) -> None:
    conn.execute(
        "UPDATE backfill_runs SET progress_channel_id = ?, progress_message_id = ? WHERE guild_id = ?",
        (channel_id, message_id, guild_id),
    )


def end(conn: sqlite3.Connection, guild_id: int) -> bool:
    """Forget the server's run (finished or cancelled); False when there was none."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("DELETE FROM backfill_ranges WHERE guild_id = ?", (guild_id,))
        gone = conn.execute("DELETE FROM backfill_runs WHERE guild_id = ?", (guild_id,)).rowcount
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return gone > 0


def set_max_days(conn: sqlite3.Connection, guild_id: int, days: int) -> None:
    conn.execute(
        "INSERT INTO backfill_settings (guild_id, max_days) VALUES (?, ?)"
        " ON CONFLICT (guild_id) DO UPDATE SET max_days = excluded.max_days",
        (guild_id, days),
    )


RUN_SQL = (
    "SELECT guild_id, started_at, days, only_channel_id, channels_total, messages_read, progress_channel_id,"
    " progress_message_id, locale FROM backfill_runs WHERE guild_id = ?"
)
RANGES_SQL = (
    "SELECT channel_id, start_id, after_id, before_id FROM backfill_ranges WHERE guild_id = ?"
    " ORDER BY channel_id"
)
GUILDS_SQL = "SELECT guild_id FROM backfill_runs ORDER BY started_at, guild_id"
MAX_DAYS_SQL = "SELECT max_days FROM backfill_settings WHERE guild_id = ?"


def run_from(row: Sequence[Any], ranges: Sequence[Any]) -> BackfillRun:
    guild_id, started_at, days, only, total, read, pch, pmsg, locale = row
    return BackfillRun(
        guild_id=int(guild_id),
        started_at=int(started_at),
        days=int(days),
        only_channel_id=None if only is None else int(only),
        channels_total=int(total),
        messages_read=int(read),
        progress_channel_id=None if pch is None else int(pch),
        progress_message_id=None if pmsg is None else int(pmsg),
        locale=str(locale),
        ranges=tuple(BackfillRange(int(c), int(s), int(a), int(b)) for c, s, a, b in ranges),
    )
