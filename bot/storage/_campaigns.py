"""Campaigns (migration 0013): the campaigns table, the mentions written with each batch, and the report's
reads. The mention counts per hour follow message deletes and edits through the migration's triggers; this
module adds a batch's new mentions (and ends an edited message's old ones) in the batch's own transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from bot.core.campaigns.matcher import MAX_CAMPAIGNS
from bot.storage._presence import _keys_table
from bot.storage.models import ActivityHour, Campaign, CampaignHour, CampaignMentions, WriteOp

_COLUMNS = "id, guild_id, name, keywords, starts_at, ends_at, created_at"
LIST_SQL = f"SELECT {_COLUMNS} FROM campaigns WHERE guild_id = ? ORDER BY name"
GET_SQL = f"SELECT {_COLUMNS} FROM campaigns WHERE guild_id = ? AND name = ?"
_ID_SQL = "SELECT id FROM campaigns WHERE guild_id = ? AND name = ?"
HOURS_SQL = (
    "SELECT hour, mentions, positive, neutral, negative, spam, compound_sum FROM campaign_hour"
    " WHERE guild_id = ? AND campaign_id = ? AND hour >= ? AND hour < ? AND mentions > 0 ORDER BY hour"
)
# (hour, author) once each: unique members per day in any time zone, counted by the caller
MEMBERS_SQL = (
    "SELECT DISTINCT hour, author_id FROM campaign_mentions"
    " WHERE campaign_id = ? AND guild_id = ? AND hour >= ? AND hour < ?"
)
UNIQUE_SQL = (
    "SELECT count(DISTINCT author_id) FROM campaign_mentions"
    " WHERE campaign_id = ? AND guild_id = ? AND hour >= ? AND hour < ?"
)
ACTIVITY_SQL = (
    "SELECT hour, messages, positive, neutral, negative, compound_e4 FROM guild_hour"
    " WHERE guild_id = ? AND hour >= ? AND hour < ? ORDER BY hour"
)

# a message's label and compound × 10,000 as the triggers of migration 0013 work them out
_LABEL = (
    "CASE WHEN m.is_spam <> 0 THEN 4 WHEN m.scored = 0 THEN 0 WHEN m.compound >= 0.05 THEN 1"
    " WHEN m.compound <= -0.05 THEN 3 ELSE 2 END"
)
_COMPOUND = (
    "CASE WHEN m.is_spam <> 0 OR m.scored = 0 THEN 0 ELSE CAST(round(m.compound * 10000) AS INTEGER) END"
)


class CampaignLimitError(ValueError):
    """The server already has MAX_CAMPAIGNS campaigns."""


class CampaignExistsError(ValueError):
    """The server has a campaign of that name."""


def campaign_from_row(row: Sequence[Any]) -> Campaign:
    return Campaign(
        id=int(row[0]),
        guild_id=int(row[1]),
        name=row[2],
        keywords=tuple(k for k in row[3].split("\n") if k),
        starts_at=int(row[4]),
        ends_at=None if row[5] is None else int(row[5]),
        created_at=int(row[6]),
    )


def hour_from_row(row: Sequence[Any]) -> CampaignHour:
    h, n, pos, neu, neg, spam = (int(x) for x in row[:6])
    return CampaignHour(h, n, pos, neu, neg, spam, int(row[6]) / 10000)


def activity_from_row(row: Sequence[Any]) -> ActivityHour:
    h, n, pos, neu, neg = (int(x) for x in row[:5])
    return ActivityHour(h, n, pos, neu, neg, int(row[5]) / 10000)


def _begin(conn: sqlite3.Connection) -> None:
    conn.execute("BEGIN IMMEDIATE")


def add(
    conn: sqlite3.Connection,
    guild_id: int,
    name: str,
    keywords: Sequence[str],
    starts_at: int,
    ends_at: int | None,
    now: int,
) -> Campaign:
    _begin(conn)
    try:
        count = conn.execute("SELECT count(*) FROM campaigns WHERE guild_id = ?", (guild_id,)).fetchone()[0]
        if conn.execute(
            "SELECT 1 FROM campaigns WHERE guild_id = ? AND name = ?", (guild_id, name)
        ).fetchone():
            raise CampaignExistsError(name)
        if count >= MAX_CAMPAIGNS:
            raise CampaignLimitError(name)
        cur = conn.execute(
            "INSERT INTO campaigns (guild_id, name, keywords, starts_at, ends_at, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (guild_id, name, "\n".join(keywords), starts_at, ends_at, now),
        )
        row = conn.execute(f"SELECT {_COLUMNS} FROM campaigns WHERE id = ?", (cur.lastrowid,)).fetchone()
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return campaign_from_row(row)


def remove(conn: sqlite3.Connection, guild_id: int, name: str) -> bool:
    """Delete the campaign, its counts and its mentions; False when there is none of that name."""
    _begin(conn)
    try:
        row = conn.execute(
            "SELECT id FROM campaigns WHERE guild_id = ? AND name = ?", (guild_id, name)
        ).fetchone()
        if row is not None:
            for table in ("campaign_mentions", "campaign_hour"):
                conn.execute(
                    f"DELETE FROM {table} WHERE guild_id = ? AND campaign_id = ?", (guild_id, row[0])
                )
            conn.execute("DELETE FROM campaigns WHERE id = ?", (row[0],))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return row is not None


def end(conn: sqlite3.Connection, guild_id: int, name: str, ends_at: int) -> Campaign | None:
    """Set the campaign's end (kept no earlier than its start); None when there is none of that name."""
    _begin(conn)
    try:
        conn.execute(
            "UPDATE campaigns SET ends_at = max(starts_at + 3600, ?) WHERE guild_id = ? AND name = ?",
            (ends_at, guild_id, name),
        )
        row = conn.execute(GET_SQL, (guild_id, name)).fetchone()
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return None if row is None else campaign_from_row(row)


def record(conn: sqlite3.Connection, ops: Sequence[WriteOp]) -> None:
    """The batch's CampaignMentions, in order, after its messages are written (same transaction): a mention
    is counted once, only for a stored message of the same server and a campaign of that server. The new
    mentions are inserted together (one statement per chunk, not one per mention: on PostgreSQL each
    statement is a round trip) up to the next op that replaces a message's mentions (an edit)."""
    pending: list[tuple[int, int, int]] = []  # (campaign_id, message_id, guild_id)
    for op in ops:
        if not isinstance(op, CampaignMentions):
            continue
        if op.replace:
            _insert_mentions(conn, pending)
            pending = []
            marks = ",".join("?" * len(op.campaign_ids))
            keep = f" AND campaign_id NOT IN ({marks})" if op.campaign_ids else ""
            ended = conn.execute(
                "SELECT campaign_id, hour, label, compound FROM campaign_mentions"
                f" WHERE message_id = ? AND guild_id = ?{keep}",
                (op.message_id, op.guild_id, *op.campaign_ids),
            ).fetchall()
            for campaign_id, hour, label, compound in ended:
                conn.execute(
                    "UPDATE campaign_hour SET mentions = mentions - 1, positive = positive - ?,"
                    " neutral = neutral - ?, negative = negative - ?, spam = spam - ?,"
                    " compound_sum = compound_sum - ? WHERE campaign_id = ? AND hour = ?",
                    (*(int(label == k) for k in (1, 2, 3, 4)), compound, campaign_id, hour),
                )
                conn.execute(
                    "DELETE FROM campaign_mentions WHERE message_id = ? AND campaign_id = ?",
                    (op.message_id, campaign_id),
                )
        pending.extend((campaign_id, op.message_id, op.guild_id) for campaign_id in op.campaign_ids)
    _insert_mentions(conn, pending)


_MENTION_CHUNK = 2000  # keys per statement (three parameters each: well under SQLite's limit)


def _insert_mentions(conn: sqlite3.Connection, keys: list[tuple[int, int, int]]) -> None:
    """Insert the mentions whose message is stored and whose campaign is the message's server's (a mention
    already counted is ignored), then add the inserted ones to ``campaign_hour``."""
    added: dict[tuple[int, int, int], list[int]] = {}  # (guild, campaign, hour) -> counts, compound × 10,000
    for i in range(0, len(keys), _MENTION_CHUNK):
        table, params = _keys_table(conn, keys[i : i + _MENTION_CHUNK], 3)
        rows = conn.execute(
            f"WITH k(cid, mid, gid) AS ({table})"
            " INSERT INTO campaign_mentions"
            " (message_id, campaign_id, guild_id, author_id, hour, label, compound)"
            " SELECT m.message_id, c.id, m.guild_id, m.author_id, m.created_at - m.created_at % 3600,"
            f" {_LABEL}, {_COMPOUND} FROM k JOIN messages m ON m.message_id = k.mid AND m.guild_id = k.gid"
            " JOIN campaigns c ON c.id = k.cid AND c.guild_id = m.guild_id WHERE true"
            " ON CONFLICT DO NOTHING RETURNING guild_id, campaign_id, hour, label, compound",
            params,
        ).fetchall()
        for guild_id, campaign_id, hour, label, compound in rows:
            acc = added.setdefault((int(guild_id), int(campaign_id), int(hour)), [0, 0, 0, 0, 0, 0])
            acc[0] += 1
            if 1 <= label <= 4:
                acc[int(label)] += 1
            acc[5] += int(compound or 0)
    if added:
        conn.executemany(
            "INSERT INTO campaign_hour (guild_id, campaign_id, hour, mentions, positive, neutral,"
            " negative, spam, compound_sum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (campaign_id, hour) DO UPDATE"
            " SET mentions = campaign_hour.mentions + excluded.mentions,"
            " positive = campaign_hour.positive + excluded.positive,"
            " neutral = campaign_hour.neutral + excluded.neutral,"
            " negative = campaign_hour.negative + excluded.negative,"
            " spam = campaign_hour.spam + excluded.spam,"
            " compound_sum = campaign_hour.compound_sum + excluded.compound_sum",
            [(*key, *acc) for key, acc in added.items()],
        )
