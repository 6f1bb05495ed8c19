"""The read queries of the CSV exports (bot/core/export.py builds the text). Each is read in pages by keyset
(``PAGE`` rows per statement), so a large export neither holds the reader between pages nor sits in memory;
every statement is scoped by guild."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.core.export import DailyRow, FlagRow

PAGE = 2000

DAILY_SQL = """
SELECT d.day, d.channel_id, p.parent_id, d.messages, d.replies, d.reactions, d.positive, d.neutral,
       d.negative, d.spam, d.compound_e4, d.lang_en, d.lang_id, d.lang_mixed, d.lang_other
FROM channel_day d
LEFT JOIN channel_parents p ON p.guild_id = d.guild_id AND p.channel_id = d.channel_id
WHERE d.guild_id = ? AND d.day >= ? AND d.day < ? AND (d.day, d.channel_id) > (?, ?) AND d.messages > 0
ORDER BY d.day, d.channel_id
LIMIT ?"""

FLAGS_SQL = """
SELECT id, created_at, channel_id, message_id, kind, status, topic, compound, reason, text, resolved_by,
       resolved_at
FROM flags
WHERE guild_id = ? AND created_at >= ? AND created_at < ? AND id > ?
ORDER BY id
LIMIT ?"""

# the top posts: bot/storage/_top.py's query (/top posts by engagement)

# every server the database holds figures or flags of (the CLI's --guild check)
GUILDS_SQL = "SELECT guild_id FROM guild_day UNION SELECT guild_id FROM flags ORDER BY 1"


def daily_from(row: Sequence[Any]) -> DailyRow:
    return DailyRow(
        day=int(row[0]),
        channel_id=int(row[1]),
        parent_id=None if row[2] is None else int(row[2]),
        messages=int(row[3]),
        replies=int(row[4]),
        reactions=int(row[5]),
        positive=int(row[6]),
        neutral=int(row[7]),
        negative=int(row[8]),
        spam=int(row[9]),
        compound_sum=int(row[10]) / 10000,
        lang_en=int(row[11]),
        lang_id=int(row[12]),
        lang_mixed=int(row[13]),
        lang_other=int(row[14]),
    )


def flag_from(row: Sequence[Any]) -> FlagRow:
    return FlagRow(
        id=int(row[0]),
        created_at=int(row[1]),
        channel_id=int(row[2]),
        message_id=int(row[3]),
        kind=str(row[4]),
        status=str(row[5]),
        topic=row[6],
        compound=None if row[7] is None else float(row[7]),
        reason=row[8],
        text=row[9],
        resolved_by=None if row[10] is None else int(row[10]),
        resolved_at=None if row[11] is None else int(row[11]),
    )
