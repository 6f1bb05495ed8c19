"""CSV exports (`/export`, `sentimeter export`): the rows, their columns, RFC 4180 text, and splitting a large
export into parts that each fit an upload limit. Pure: storage yields the rows, the cog and the CLI send or
print the text.

- RFC 4180: comma-separated, CRLF line ends, a header row, fields quoted when they hold a comma, a quote or a
  line break (quotes doubled). UTF-8.
- CSV injection: a free-text cell (channel names, flag text, evidence, topic) that starts with ``=``, ``+``,
  ``-``, ``@``, a tab or a carriage return gets a ``'`` in front, so a spreadsheet shows it as text instead of
  running it as a formula. Numbers are ours and never prefixed (a negative score stays a number).
- Times are UTC, ``YYYY-MM-DD HH:MM:SS`` (spreadsheets read that as a date and time); days ``YYYY-MM-DD``."""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import AsyncGenerator, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.core.periods import day_start

if TYPE_CHECKING:
    from bot.storage.base import ExportStore

TOP_LIMIT = 100  # rows of the top-posts export
BOM = "\ufeff"  # Discord attachments start with it (see README "Exports"); the CLI's output does not
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

ChannelNames = Callable[[int], str | None]  # channel id -> its name where known


class ExportKind(StrEnum):
    DAILY = "daily"
    FLAGS = "flags"
    TOP = "top"


def neutralise(text: str | None) -> str:
    """A free-text cell a spreadsheet will not run as a formula (``None`` is an empty cell)."""
    if not text:
        return ""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def utc_time(ts: int | None) -> str:
    return "" if ts is None else datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S")


def utc_day(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")


def jump_link(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _id(value: int | None) -> str:
    return "" if value is None else str(value)


# -- rows (what storage yields) ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DailyRow:
    """One channel (or thread) on one UTC day: its own messages (a thread's are not in its parent's row)."""

    day: int  # unix seconds at 00:00 UTC
    channel_id: int
    parent_id: int | None  # the thread's parent channel, where known
    messages: int
    replies: int
    reactions: int
    positive: int
    neutral: int
    negative: int
    spam: int
    compound_sum: float
    lang_en: int
    lang_id: int
    lang_mixed: int
    lang_other: int

    @property
    def mean_compound(self) -> float | None:
        scored = self.positive + self.neutral + self.negative
        return self.compound_sum / scored if scored else None


@dataclass(frozen=True, slots=True)
class FlagRow:
    id: int
    created_at: int
    channel_id: int
    message_id: int
    kind: str
    status: str
    topic: str | None
    compound: float | None
    reason: str | None  # the spam reason or the feedback's evidence
    text: str | None  # None once erased (message deleted, retention, forget-me)
    resolved_by: int | None
    resolved_at: int | None


@dataclass(frozen=True, slots=True)
class TopRow:
    message_id: int
    channel_id: int
    created_at: int
    reactions: int
    replies: int
    compound: float | None  # None when the message was not scored (no words)


HEADERS: dict[ExportKind, tuple[str, ...]] = {
    ExportKind.DAILY: (
        "date",
        "channel_id",
        "channel_name",
        "parent_channel_id",
        "messages",
        "replies",
        "reactions",
        "positive",
        "neutral",
        "negative",
        "spam",
        "mean_compound",
        "lang_en",
        "lang_id",
        "lang_mixed",
        "lang_other",
    ),
    ExportKind.FLAGS: (
        "flag_id",
        "created_utc",
        "channel_id",
        "channel_name",
        "kind",
        "status",
        "topic",
        "compound",
        "reason_or_evidence",
        "text",
        "resolved_by",
        "resolved_utc",
        "message_link",
    ),
    ExportKind.TOP: (
        "rank",
        "created_utc",
        "channel_id",
        "channel_name",
        "reactions",
        "replies",
        "compound",
        "message_link",
    ),
}


def daily_cells(row: DailyRow, names: ChannelNames) -> list[str]:
    return [
        utc_day(row.day),
        str(row.channel_id),
        neutralise(names(row.channel_id)),
        _id(row.parent_id),
        *(str(n) for n in (row.messages, row.replies, row.reactions)),
        *(str(n) for n in (row.positive, row.neutral, row.negative, row.spam)),
        _number(row.mean_compound),
        *(str(n) for n in (row.lang_en, row.lang_id, row.lang_mixed, row.lang_other)),
    ]


def flag_cells(row: FlagRow, guild_id: int, names: ChannelNames) -> list[str]:
    return [
        str(row.id),
        utc_time(row.created_at),
        str(row.channel_id),
        neutralise(names(row.channel_id)),
        row.kind,
        row.status,
        neutralise(row.topic),
        _number(row.compound),
        neutralise(row.reason),
        neutralise(row.text),
        _id(row.resolved_by),
        utc_time(row.resolved_at),
        jump_link(guild_id, row.channel_id, row.message_id),
    ]


def top_cells(rank: int, row: TopRow, guild_id: int, names: ChannelNames) -> list[str]:
    return [
        str(rank),
        utc_time(row.created_at),
        str(row.channel_id),
        neutralise(names(row.channel_id)),
        str(row.reactions),
        str(row.replies),
        _number(row.compound),
        jump_link(guild_id, row.channel_id, row.message_id),
    ]


async def records(
    store: ExportStore,
    kind: ExportKind,
    guild_id: int,
    start: int | None,
    end: int,
    names: ChannelNames,
    *,
    keep: Callable[[int], bool] | None = None,
) -> AsyncGenerator[list[str], None]:
    """The export's rows as cells, streamed from storage. ``daily`` covers the whole UTC days that overlap
    [start, end); ``flags`` and ``top`` what was created in it. ``keep(channel_id)`` False leaves a row out
    (a channel the person asking cannot see)."""
    if kind is ExportKind.DAILY:
        async for day in store.export_daily(guild_id, None if start is None else day_start(start), end):
            if keep is None or keep(day.channel_id):
                yield daily_cells(day, names)
    elif kind is ExportKind.FLAGS:
        async for flag in store.export_flags(guild_id, start, end):
            if keep is None or keep(flag.channel_id):
                yield flag_cells(flag, guild_id, names)
    else:
        posts = await store.export_top(guild_id, start, end, TOP_LIMIT)
        kept = [post for post in posts if keep is None or keep(post.channel_id)]
        for rank, post in enumerate(kept, start=1):
            yield top_cells(rank, post, guild_id, names)


async def export_lines(
    store: ExportStore,
    kind: ExportKind,
    guild_id: int,
    start: int | None,
    end: int,
    names: ChannelNames,
    *,
    keep: Callable[[int], bool] | None = None,
) -> AsyncGenerator[str, None]:
    """The header line, then one RFC 4180 line per row (CRLF ends), streamed."""
    out = CsvLines()
    yield out.line(HEADERS[kind])
    async with contextlib.aclosing(records(store, kind, guild_id, start, end, names, keep=keep)) as rows:
        async for cells in rows:
            yield out.line(cells)


class CsvLines:
    """Rows to RFC 4180 lines, one at a time (``line(cells)``): streaming, nothing kept."""

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)

    def line(self, cells: Iterable[str]) -> str:
        self._writer.writerow(cells)
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return text


class PartSplitter:
    """Groups encoded CSV lines into parts of at most ``limit`` bytes, each starting with the header (and the
    BOM when asked), so every part opens on its own. ``add`` returns a finished part when the next line would
    not fit; ``finish`` the last one. A single row longer than a whole part gets a part of its own."""

    def __init__(self, header: str, limit: int, *, bom: bool) -> None:
        self._head = ((BOM if bom else "") + header).encode("utf-8")
        self._limit = limit
        self._chunks: list[bytes] = []
        self._size = len(self._head)

    def add(self, line: str) -> bytes | None:
        data = line.encode("utf-8")
        done = None
        if self._chunks and self._size + len(data) > self._limit:
            done = self._take()
        self._chunks.append(data)
        self._size += len(data)
        return done

    def finish(self) -> bytes:
        return self._take()

    def _take(self) -> bytes:
        part = b"".join((self._head, *self._chunks))
        self._chunks = []
        self._size = len(self._head)
        return part
