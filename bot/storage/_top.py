"""The reads of `/top posts` and `/top announcements` (bot/core/top.py ranks and compares), the top-posts
query the CSV export shares, and the write path's first-day reaction counts (migration 0011).

A channel's posts include its threads' (forum posts are threads), as in /stats: the channel and every thread
``channel_parents`` maps to it. Every statement is scoped by guild; no message text exists to read."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from bot.core.export import TopRow
from bot.core.periods import DAY
from bot.core.top import AnnouncementRow, RankBy

# what a post is ranked on, then the tie-breaks of bot.core.top.rank_key
_METRIC = {
    RankBy.REACTIONS: ("reactions", "reactions DESC, replies DESC, message_id"),
    RankBy.REPLIES: ("replies", "replies DESC, reactions DESC, message_id"),
    RankBy.ENGAGEMENT: ("reactions + replies", "reactions + replies DESC, reactions DESC, message_id"),
}

_CHANNELS = (
    "channel_id IN (SELECT :c UNION ALL SELECT channel_id FROM channel_parents"
    " WHERE guild_id = :g AND parent_id = :c)"
)


def top_sql(by: RankBy, *, channel: bool) -> str:
    """Posts in [lo, hi) that drew any of ``by``, best first, a page (:limit, :offset) at a time; spam is
    never a top post. Parameters :g, :lo, :hi, :limit, :offset, and :c with ``channel``."""
    metric, order = _METRIC[by]
    where = f" AND {_CHANNELS}" if channel else ""
    return (
        "SELECT message_id, channel_id, created_at, reactions, replies,"
        " CASE WHEN scored <> 0 THEN compound END FROM messages"
        " WHERE guild_id = :g AND created_at >= :lo AND created_at < :hi AND is_spam = 0"
        f" AND {metric} > 0{where}"
        f" ORDER BY {order} LIMIT :limit OFFSET :offset"
    )


def top_from(row: Sequence[Any]) -> TopRow:
    return TopRow(
        message_id=int(row[0]),
        channel_id=int(row[1]),
        created_at=int(row[2]),
        reactions=int(row[3]),
        replies=int(row[4]),
        compound=None if row[5] is None else float(row[5]),
    )


# The staff's own posts (not their replies to comments) in the channel, newest first; replies within 24 hours
# of each counted in one pass over the server's messages; reactions from early_reactions (NULL: read from
# history after the first day), None for a post older than the counting (early_reactions_since).
ANNOUNCEMENTS_SQL = f"""
WITH posts AS (
    SELECT message_id, channel_id, created_at FROM messages
    WHERE guild_id = :g AND {_CHANNELS} AND created_at >= :lo AND created_at < :hi AND is_spam = 0
      AND reply_to_id IS NULL AND author_id IN (SELECT value FROM json_each(:staff))
    ORDER BY created_at DESC, message_id DESC
    LIMIT :limit
),
early_replies AS (
    SELECT r.reply_to_id AS id, count(*) AS n
    FROM messages r JOIN posts p ON p.message_id = r.reply_to_id
    WHERE r.guild_id = :g AND r.created_at < p.created_at + {DAY}
    GROUP BY r.reply_to_id
)
SELECT p.message_id, p.channel_id, p.created_at,
       CASE WHEN e.message_id IS NOT NULL THEN e.reactions
            WHEN p.created_at >= coalesce((SELECT max(since) FROM early_reactions_since), :lo_min) - {DAY}
            THEN 0 END,
       coalesce(q.n, 0)
FROM posts p
LEFT JOIN early_reactions e ON e.message_id = p.message_id
LEFT JOIN early_replies q ON q.id = p.message_id
ORDER BY p.created_at DESC, p.message_id DESC"""


# who posted in the channel (not replies, not spam), most posts first: the cog checks which of them are staff
AUTHORS_SQL = f"""
SELECT author_id FROM messages
WHERE guild_id = :g AND {_CHANNELS} AND created_at >= :lo AND created_at < :hi AND is_spam = 0
  AND reply_to_id IS NULL
GROUP BY author_id
ORDER BY count(*) DESC, author_id
LIMIT :limit"""


def announcement_from(row: Sequence[Any]) -> AnnouncementRow:
    return AnnouncementRow(
        message_id=int(row[0]),
        channel_id=int(row[1]),
        created_at=int(row[2]),
        reactions=None if row[3] is None else int(row[3]),
        replies=int(row[4]),
    )


# -- the write path (bot/storage/_batch.py) ------------------------------------------------------------------


def write_early_reactions(
    conn: sqlite3.Connection, deltas: dict[tuple[int, int], int], unknown: set[tuple[int, int]]
) -> None:
    """Add each (guild, message) -> change of a post's first-day reaction count (the batch records changes
    only while the post is under 24 hours old, and only for messages still stored after it); mark the
    ``unknown`` ones (a count read from history after the first day) as not known, unless already counted."""
    rows = [(mid, g, d) for (g, mid), d in deltas.items() if d]
    if rows:
        conn.executemany(
            "INSERT INTO early_reactions (message_id, guild_id, reactions) VALUES (?, ?, ?)"
            " ON CONFLICT (message_id) DO UPDATE SET"
            " reactions = early_reactions.reactions + excluded.reactions",
            rows,
        )
        dropped = [(mid,) for mid, _g, d in rows if d < 0]
        if dropped:
            conn.executemany("DELETE FROM early_reactions WHERE message_id = ? AND reactions <= 0", dropped)
    if unknown:
        conn.executemany(
            "INSERT INTO early_reactions (message_id, guild_id, reactions) VALUES (?, ?, NULL)"
            " ON CONFLICT (message_id) DO NOTHING",
            [(mid, g) for g, mid in unknown],
        )
