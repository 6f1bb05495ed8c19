"""The read queries of the HTML report (bot/offline/report.py builds the page). Everything is an aggregate
or a capped list computed by SQLite: no query brings every message into memory, and the row iterators are
read from the cursor as they go. Every statement is scoped by guild. A read-only connection of its own, so
the report can never change the database."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.storage.sqlite import CACHE_KIB

# the guild_hour columns read for the overview, the trend and the heatmap (HourRow's fields, in order)
_HOUR_SQL = """
SELECT hour, messages, replies, reactions, positive, neutral, negative, spam, compound_e4,
       lang_en, lang_id, lang_mixed, lang_other
FROM guild_hour WHERE guild_id = ? AND messages > 0 ORDER BY hour"""

_CHANNELS_SQL = """
SELECT d.channel_id, p.parent_id, sum(d.messages), sum(d.replies), sum(d.reactions), sum(d.positive),
       sum(d.neutral), sum(d.negative), sum(d.spam), sum(d.compound_e4)
FROM channel_day d
LEFT JOIN channel_parents p ON p.guild_id = d.guild_id AND p.channel_id = d.channel_id
WHERE d.guild_id = ?
GROUP BY d.channel_id
ORDER BY sum(d.messages) DESC, d.channel_id
LIMIT ?"""

# an author's first active hour in a scope is the one presence row with gap_class -1
# (bot/storage/_presence.py): distinct authors are an index range count, never a scan of the presence table
_MEMBERS_SQL = "SELECT count(*) FROM presence WHERE guild_id = ? AND scope_id = ? AND gap_class = -1"

# messages keep no text; spam is not a top post
_TOP_SQL = """
SELECT message_id, channel_id, author_id, created_at, reactions, replies,
       CASE WHEN scored <> 0 THEN compound END
FROM messages
WHERE guild_id = ? AND is_spam = 0 AND reactions + replies > 0
ORDER BY reactions + replies DESC, reactions DESC, message_id
LIMIT ?"""

_FLAGS_SQL = """
SELECT id, created_at, channel_id, message_id, author_id, status, topic, compound, reason, text
FROM flags WHERE guild_id = ? AND kind = ?
ORDER BY created_at DESC, id DESC
LIMIT ?"""


@dataclass(frozen=True, slots=True)
class HourRow:
    """One server-wide hour bucket (unix seconds of its UTC start)."""

    hour: int
    messages: int
    replies: int
    reactions: int
    positive: int
    neutral: int
    negative: int
    spam: int
    compound_e4: int
    lang_en: int
    lang_id: int
    lang_mixed: int
    lang_other: int


@dataclass(frozen=True, slots=True)
class ChannelRow:
    channel_id: int
    parent_id: int | None  # a thread's parent channel
    messages: int
    replies: int
    reactions: int
    positive: int
    neutral: int
    negative: int
    spam: int
    compound_e4: int
    members: int = 0  # distinct authors (a parent channel's include its threads')


@dataclass(frozen=True, slots=True)
class TopPost:
    message_id: int
    channel_id: int
    author_id: int
    created_at: int
    reactions: int
    replies: int
    compound: float | None


@dataclass(frozen=True, slots=True)
class FlagEntry:
    id: int
    created_at: int
    channel_id: int
    message_id: int
    author_id: int
    status: str
    topic: str | None
    compound: float | None
    reason: str | None
    text: str | None  # None: erased (retention, deleted message)


class ReportReader:
    """A read-only connection to a Sentimeter database. Use as a context manager."""

    def __init__(self, database: Path) -> None:
        uri = database.resolve().as_uri() + "?mode=ro"
        self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self._conn.execute("PRAGMA mmap_size = 0")
        self._conn.execute("PRAGMA query_only = 1")

    def __enter__(self) -> ReportReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    def guilds(self) -> list[int]:
        """Every server the database holds figures or flags of."""
        sql = "SELECT guild_id FROM guild_day UNION SELECT guild_id FROM flags ORDER BY 1"
        return [int(r[0]) for r in self._conn.execute(sql)]

    def hours(self, guild_id: int) -> Iterator[HourRow]:
        """The server's hour buckets in time order, read from the cursor as they are consumed."""
        for row in self._conn.execute(_HOUR_SQL, (guild_id,)):
            yield HourRow(*(int(v) for v in row))

    def channel_count(self, guild_id: int) -> int:
        sql = "SELECT count(DISTINCT channel_id) FROM channel_day WHERE guild_id = ? AND messages > 0"
        return int(self._conn.execute(sql, (guild_id,)).fetchone()[0])

    def channels(self, guild_id: int, limit: int) -> list[ChannelRow]:
        """The ``limit`` busiest channels (and threads, each on its own), with their distinct authors."""
        rows = []
        for r in self._conn.execute(_CHANNELS_SQL, (guild_id, limit)).fetchall():
            channel_id = int(r[0])
            f = [int(v or 0) for v in r[2:]]
            rows.append(
                ChannelRow(
                    channel_id=channel_id,
                    parent_id=None if r[1] is None else int(r[1]),
                    messages=f[0],
                    replies=f[1],
                    reactions=f[2],
                    positive=f[3],
                    neutral=f[4],
                    negative=f[5],
                    spam=f[6],
                    compound_e4=f[7],
                    members=self.members(guild_id, channel_id),
                )
            )
        return rows

    def members(self, guild_id: int, scope_id: int = 0) -> int:
        """Distinct authors ever active in the server (``scope_id`` 0) or in one channel."""
        return int(self._conn.execute(_MEMBERS_SQL, (guild_id, scope_id)).fetchone()[0])

    def top_posts(self, guild_id: int, limit: int) -> list[TopPost]:
        """The non-spam messages with the most reactions and replies."""
        rows = self._conn.execute(_TOP_SQL, (guild_id, limit)).fetchall()
        return [
            TopPost(
                message_id=int(r[0]),
                channel_id=int(r[1]),
                author_id=int(r[2]),
                created_at=int(r[3]),
                reactions=int(r[4]),
                replies=int(r[5]),
                compound=None if r[6] is None else float(r[6]),
            )
            for r in rows
        ]

    def flag_counts(self, guild_id: int, kind: str) -> list[tuple[str | None, int]]:
        """(topic, flags) of one kind, most first."""
        sql = (
            "SELECT topic, count(*) FROM flags WHERE guild_id = ? AND kind = ?"
            " GROUP BY topic ORDER BY 2 DESC, 1"
        )
        return [(r[0], int(r[1])) for r in self._conn.execute(sql, (guild_id, kind))]

    def spam_reasons(self, guild_id: int, limit: int) -> list[tuple[str | None, int]]:
        """(reason, spam flags), most first."""
        sql = (
            "SELECT reason, count(*) FROM flags WHERE guild_id = ? AND kind = 'spam'"
            " GROUP BY reason ORDER BY 2 DESC, 1 LIMIT ?"
        )
        return [(r[0], int(r[1])) for r in self._conn.execute(sql, (guild_id, limit))]

    def flags(self, guild_id: int, kind: str, limit: int) -> list[FlagEntry]:
        """The newest ``limit`` flags of one kind."""
        rows = self._conn.execute(_FLAGS_SQL, (guild_id, kind, limit)).fetchall()
        return [_flag(r) for r in rows]

    def flag_text_span(self, guild_id: int, kinds: Sequence[str]) -> tuple[int, int, int] | None:
        """(first time, last time, count) of the flags of these kinds that still have their text."""
        marks = ",".join("?" * len(kinds))
        row = self._conn.execute(
            f"SELECT min(created_at), max(created_at), count(*) FROM flags"
            f" WHERE guild_id = ? AND kind IN ({marks}) AND text IS NOT NULL",
            (guild_id, *kinds),
        ).fetchone()
        return None if not row or not row[2] else (int(row[0]), int(row[1]), int(row[2]))

    def flag_texts(self, guild_id: int, kinds: Sequence[str], step: int = 1) -> Iterator[tuple[int, str]]:
        """(time, text) of the flags of these kinds that still have their text, from the cursor; with a
        ``step`` above 1, only the flags whose id is a multiple of it (an even sample)."""
        marks = ",".join("?" * len(kinds))
        sql = (
            f"SELECT created_at, text FROM flags WHERE guild_id = ? AND kind IN ({marks})"
            " AND text IS NOT NULL AND id % ? = 0"
        )
        for created_at, text in self._conn.execute(sql, (guild_id, *kinds, max(1, step))):
            yield int(created_at), str(text)


def _flag(r: Sequence[Any]) -> FlagEntry:
    return FlagEntry(
        id=int(r[0]),
        created_at=int(r[1]),
        channel_id=int(r[2]),
        message_id=int(r[3]),
        author_id=int(r[4]),
        status=str(r[5]),
        topic=None if r[6] is None else str(r[6]),
        compound=None if r[7] is None else float(r[7]),
        reason=None if r[8] is None else str(r[8]),
        text=None if r[9] is None else str(r[9]),
    )
