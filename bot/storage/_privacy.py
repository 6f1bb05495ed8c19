"""Members' data rights and retention in SQLite (migration 0007): forget a member, export what is stored about
them, opt-outs, the retention sweep and purging a server. The writes run on the writer connection's thread,
each in one transaction; ``member_data`` reads on the reader.

Forgetting a member goes through the write path itself (``_batch._Batch`` with a bulk delete of their
messages), so every roll-up, presence row and reply counter drops exactly as if they had deleted each
message; then every remaining row of theirs, in any table that has ``guild_id`` and ``author_id`` columns, is
deleted (a table added later is covered without changing this file), and their id is taken off the flags they
resolved as a moderator. Purging a server deletes the rows of every table that has a ``guild_id`` column."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Collection, Sequence
from typing import Any

import aiosqlite

from bot.core.periods import DAY
from bot.storage import _trends
from bot.storage._batch import MESSAGE_COLUMNS, _Batch
from bot.storage._presence import VECTOR_COLUMNS, LastHourCache
from bot.storage.models import ForgetResult, MessagesBulkDeleted, SweepResult

_FORGET_CHUNK = 20_000  # message ids per simulated batch (all of them inside the one transaction)
_SWEEP_CHUNK = 10_000  # message rows deleted per retention transaction (the live writes get a turn between)
# what a member may keep about themselves after forget-me: the record that they opted out
KEPT_ON_FORGET = frozenset({"privacy_opt_outs"})


def _tables_with(conn: sqlite3.Connection, *columns: str) -> list[str]:
    """Every table (not view, not SQLite's own) that has all of ``columns``."""
    if getattr(conn, "dialect", "sqlite") == "postgresql":  # tables, not partitions (their parents count)
        rows = conn.execute(
            "SELECT c.relname FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace"
            " AND c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> 'schema_version'"
            " AND NOT EXISTS (SELECT 1 FROM unnest(?::text[]) AS want(col) WHERE NOT EXISTS (SELECT 1"
            " FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = want.col AND NOT a.attisdropped))"
            " ORDER BY c.relname",
            (list(columns),),
        ).fetchall()
        return [str(r[0]) for r in rows]
    out = []
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ):
        names = {row[1] for row in conn.execute(f'PRAGMA table_info("{name}")')}
        if all(c in names for c in columns):
            out.append(name)
    return out


def _begin(conn: sqlite3.Connection) -> None:
    conn.execute("BEGIN IMMEDIATE")


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        conn.execute("ROLLBACK")


def forget_member(
    conn: sqlite3.Connection, guild_id: int, user_id: int, now: int, cache: LastHourCache
) -> ForgetResult:
    """Delete everything stored about ``user_id`` in ``guild_id``, in one transaction."""
    _begin(conn)
    try:
        cache.check(conn)
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT message_id FROM messages WHERE guild_id = ? AND author_id = ? ORDER BY message_id",
                (guild_id, user_id),
            )
        ]
        for i in range(0, len(ids), _FORGET_CHUNK):
            chunk = tuple(ids[i : i + _FORGET_CHUNK])
            op = MessagesBulkDeleted(guild_id=guild_id, channel_id=0, message_ids=chunk)
            batch = _Batch(conn, now, cache)
            batch.load([op])
            batch.run([op])
            batch.write()
        posts = tuple(
            (int(ch), int(msg))
            for ch, msg in conn.execute(
                "SELECT review_channel_id, review_message_id FROM flags WHERE guild_id = ? AND author_id = ?"
                " AND review_channel_id IS NOT NULL AND review_message_id IS NOT NULL",
                (guild_id, user_id),
            )
        )
        flags = conn.execute(
            "SELECT count(*) FROM flags WHERE guild_id = ? AND author_id = ?", (guild_id, user_id)
        ).fetchone()[0]
        rows = len(ids)
        # whatever is left: flags (their learning examples go with them, by trigger), stray presence rows,
        # and any table added later that keeps an author
        for table in _tables_with(conn, "guild_id", "author_id"):
            rows += conn.execute(
                f'DELETE FROM "{table}" WHERE guild_id = ? AND author_id = ?', (guild_id, user_id)
            ).rowcount
        for table in _tables_with(conn, "guild_id", "user_id"):
            if table not in KEPT_ON_FORGET:
                rows += conn.execute(
                    f'DELETE FROM "{table}" WHERE guild_id = ? AND user_id = ?', (guild_id, user_id)
                ).rowcount
        # a moderator's decisions stay (the flag is someone else's), without who made them
        conn.execute(
            "UPDATE flags SET resolved_by = NULL WHERE guild_id = ? AND resolved_by = ?", (guild_id, user_id)
        )
        conn.execute("COMMIT")
    except BaseException:
        _rollback(conn)
        cache.reset()
        raise
    cache.reset()  # rows went behind the cache's back
    return ForgetResult(messages=len(ids), flags=int(flags), rows=rows, review_posts=posts)


def purge_guild(conn: sqlite3.Connection, guild_id: int, cache: LastHourCache) -> int:
    """Delete every row of ``guild_id`` in every table; returns how many."""
    _begin(conn)
    try:
        rows = 0
        for table in _tables_with(conn, "guild_id"):
            rows += conn.execute(f'DELETE FROM "{table}" WHERE guild_id = ?', (guild_id,)).rowcount
        conn.execute("COMMIT")
    except BaseException:
        _rollback(conn)
        raise
    finally:
        cache.reset()
    return rows


def sweep_retention(conn: sqlite3.Connection, now: int, default_days: int) -> SweepResult:
    """Delete message rows and erase flag text older than each server's retention (roll-ups stay). In
    transactions of ``_SWEEP_CHUNK`` rows so the live writes are not held up behind one long one."""
    keep = (
        "coalesce((SELECT retention_days FROM privacy_settings p WHERE p.guild_id = {t}.guild_id),"
        f" {int(default_days)})"
    )
    messages = 0
    while True:
        _begin(conn)
        try:
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS expiring (message_id INTEGER PRIMARY KEY)")
            conn.execute("DELETE FROM temp.expiring")
            conn.execute(
                "INSERT INTO temp.expiring SELECT message_id FROM messages"
                f" WHERE created_at < CAST(? AS BIGINT) - {keep.format(t='messages')} * {DAY}"
                f" LIMIT {_SWEEP_CHUNK}",
                (now,),
            )
            # the newest expired id per channel: reading that history again must not count it twice
            conn.execute(
                "INSERT INTO message_expiry (guild_id, channel_id, up_to_id)"
                " SELECT m.guild_id, m.channel_id, max(m.message_id) FROM messages m"
                " JOIN temp.expiring e ON e.message_id = m.message_id GROUP BY m.guild_id, m.channel_id"
                " ON CONFLICT (guild_id, channel_id) DO UPDATE"
                " SET up_to_id = max(message_expiry.up_to_id, excluded.up_to_id)"
            )
            n = conn.execute(
                "DELETE FROM messages WHERE message_id IN (SELECT message_id FROM temp.expiring)"
            ).rowcount
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)
            raise
        messages += n
        if n < _SWEEP_CHUNK:
            break
    _begin(conn)
    try:
        # the flags' learning examples lose their words with the text (trigger learning_forget_words)
        texts = conn.execute(
            "UPDATE flags SET text = NULL WHERE text IS NOT NULL"
            f" AND created_at < CAST(? AS BIGINT) - {keep.format(t='flags')} * {DAY}",
            (now,),
        ).rowcount
        conn.execute("COMMIT")
    except BaseException:
        _rollback(conn)
        raise
    _trends.sweep_terms(conn, now, default_days)  # /trends: close finished days, expire old ones
    return SweepResult(messages=messages, flag_texts=texts)


def set_retention(conn: sqlite3.Connection, guild_id: int, days: int) -> None:
    conn.execute(
        "INSERT INTO privacy_settings (guild_id, retention_days) VALUES (?, ?)"
        " ON CONFLICT (guild_id) DO UPDATE SET retention_days = excluded.retention_days",
        (guild_id, int(days)),
    )


def set_opt_out(conn: sqlite3.Connection, guild_id: int, user_id: int, opted_out: bool, now: int) -> bool:
    """Returns whether anything changed."""
    if opted_out:
        sql = (
            "INSERT INTO privacy_opt_outs (guild_id, user_id, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING"
        )
        return conn.execute(sql, (guild_id, user_id, now)).rowcount > 0
    sql = "DELETE FROM privacy_opt_outs WHERE guild_id = ? AND user_id = ?"
    return conn.execute(sql, (guild_id, user_id)).rowcount > 0


def mark_removed(conn: sqlite3.Connection, guild_id: int, now: int) -> None:
    """The bot left the server: its grace period starts now (unless it had already started)."""
    conn.execute(
        "INSERT INTO guild_removals (guild_id, removed_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
        (guild_id, now),
    )


def cancel_removal(conn: sqlite3.Connection, guild_id: int) -> bool:
    return conn.execute("DELETE FROM guild_removals WHERE guild_id = ?", (guild_id,)).rowcount > 0


def purge_removed(
    conn: sqlite3.Connection,
    removed_before: int,
    present: Collection[int],
    cache: LastHourCache,
    owned: Callable[[int], bool] | None = None,
) -> list[int]:
    """Purge every server removed before ``removed_before``, except those in ``present`` (the bot is in
    them again: their removal is cancelled); returns the ids purged. ``owned``: only the servers it accepts
    (sharded, a process knows whether the bot is back only in its own servers)."""
    marked = [int(r[0]) for r in conn.execute("SELECT guild_id FROM guild_removals ORDER BY guild_id")]
    if owned is not None:
        marked = [g for g in marked if owned(g)]
    back = [(g,) for g in marked if g in present]
    if back:
        conn.executemany("DELETE FROM guild_removals WHERE guild_id = ?", back)
    due = [
        int(r[0])
        for r in conn.execute(
            "SELECT guild_id FROM guild_removals WHERE removed_at < ? ORDER BY guild_id", (removed_before,)
        )
        if owned is None or owned(int(r[0]))
    ]
    for guild_id in due:
        purge_guild(conn, guild_id, cache)
    return due


# -- reads (on the reader connection) ----------------------------------------------------------------------

_MESSAGE_EXPORT = [c for c in MESSAGE_COLUMNS.split(", ") if c not in ("guild_id", "author_id")]
_FLAG_EXPORT = (
    "id",
    "channel_id",
    "message_id",
    "kind",
    "status",
    "text",
    "compound",
    "reason",
    "topic",
    "created_at",
    "resolved_at",
)
_PRESENCE_EXPORT = ("scope_id", "hour", *VECTOR_COLUMNS)


def _objects(columns: Sequence[str], rows: Any) -> list[dict[str, Any]]:
    return [dict(zip(columns, row, strict=True)) for row in rows]


async def member_data(db: aiosqlite.Connection, guild_id: int, user_id: int) -> dict[str, Any]:
    """Everything stored about ``user_id`` in ``guild_id`` as plain JSON-able data (call inside one read
    transaction, so the parts agree)."""
    params = (guild_id, user_id)
    messages = await db.execute_fetchall(
        f"SELECT {', '.join(_MESSAGE_EXPORT)} FROM messages WHERE guild_id = ? AND author_id = ?"
        " ORDER BY message_id",
        params,
    )
    presence = await db.execute_fetchall(
        f"SELECT {', '.join(_PRESENCE_EXPORT)} FROM presence WHERE guild_id = ? AND author_id = ?"
        " ORDER BY scope_id, hour",
        params,
    )
    flags = await db.execute_fetchall(
        f"SELECT {', '.join(_FLAG_EXPORT)} FROM flags WHERE guild_id = ? AND author_id = ? ORDER BY id",
        params,
    )
    examples = await db.execute_fetchall(
        "SELECT e.flag_id, e.kind, e.label, e.features, e.created_at FROM learning_examples e"
        " JOIN flags f ON f.guild_id = e.guild_id AND f.id = e.flag_id"
        " WHERE e.guild_id = ? AND f.author_id = ? ORDER BY e.flag_id",
        params,
    )
    resolved = await db.execute_fetchall(
        "SELECT id, status, resolved_at FROM flags WHERE guild_id = ? AND resolved_by = ? ORDER BY id", params
    )
    opted = await db.execute_fetchall(
        "SELECT created_at FROM privacy_opt_outs WHERE guild_id = ? AND user_id = ?", params
    )
    return {
        "guild_id": str(guild_id),
        "user_id": str(user_id),
        "opted_out_since": next((int(r[0]) for r in opted), None),
        "messages": _objects(_MESSAGE_EXPORT, messages),
        "activity_per_hour": _objects(_PRESENCE_EXPORT, presence),
        "flags": _objects(_FLAG_EXPORT, flags),
        "learning_examples": [
            {"flag_id": f, "kind": k, "label": label, "features": json.loads(feats), "created_at": at}
            for f, k, label, feats, at in examples
        ],
        "flags_you_resolved": _objects(("id", "status", "resolved_at"), resolved),
        # campaigns (migration 0013): which of your messages mentioned which campaign
        "campaign_mentions": _objects(
            ("message_id", "campaign", "hour"),
            await db.execute_fetchall(
                "SELECT m.message_id, c.name, m.hour FROM campaign_mentions m JOIN campaigns c"
                " ON c.id = m.campaign_id WHERE m.guild_id = ? AND m.author_id = ? ORDER BY m.message_id",
                params,
            ),
        ),
    }
