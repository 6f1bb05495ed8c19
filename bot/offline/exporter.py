"""Streaming reader for DiscordChatExporter JSON exports (https://github.com/Tyrrrz/DiscordChatExporter).

One export file holds one channel (or thread)::

    {"guild": {"id", "name", "iconUrl"},
     "channel": {"id", "type", "categoryId", "category", "name", "topic"},
     "dateRange": {...}, "exportedAt": "...",
     "messages": [{"id", "type", "timestamp", "timestampEdited", "content",
                   "author": {"id", "name", "nickname", "isBot", "roles"},
                   "attachments": [], "stickers": [], "reactions": [{"emoji": {...}, "count"}],
                   "reference": {"messageId", ...}, ...}],
     "messageCount": N}

The file is never loaded whole: the header is read with a short event scan, then the messages are streamed
one at a time with ijson (its C builder: one message at a time). Hostile files are bounded: the bytes are
checked for nesting before the parser sees them (``_DepthGuard``; deeper than ``MAX_DEPTH`` is refused, as
ijson's prefixes would cost memory quadratic in the depth), message text is cut to Discord's own maximum
(``MAX_CONTENT_CHARS``), ids must fit SQLite's signed 64 bits, counts must be plausible and times must carry
their zone. Any malformed, truncated, hostile or foreign file raises `ExportError` with a one-line message
that names the file and the position (byte offset and message number)."""

from __future__ import annotations

import heapq
import logging
import re
from array import array
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import accumulate
from pathlib import Path
from typing import IO, Any

import ijson

from bot.core.errors import SentimeterError
from bot.core.ingest.models import IncomingMessage
from bot.core.text.bounds import bound_content

log = logging.getLogger(__name__)

# Message types a person writes; everything else ("GuildMemberJoin", "ChannelPinnedMessage", "ThreadCreated",
# "Call", ...) is a system message and skipped, as the live bot does.
COUNTED_TYPES = frozenset({"Default", "Reply"})
THREAD_TYPES = frozenset({"GuildPublicThread", "GuildPrivateThread", "GuildNewsThread"})

_BUF_SIZE = 64 * 1024
DISCORD_EPOCH_MS = 1_420_070_400_000
_YAJL_CARET = re.compile(r"\(right here\) -*\^")

MAX_NAME_CHARS = 200  # names, types, ids and times as text: far above anything Discord writes
MAX_DEPTH = 64  # DiscordChatExporter nests about 6 levels; deeper is refused before it is parsed
MAX_ID = (1 << 63) - 1  # SQLite's INTEGER is a signed 64-bit number
MAX_COUNT = 1_000_000_000  # reactions on one message; more is not a real export
_ID_TEXT = re.compile(r"[0-9]{1,19}")
MAX_LIST_ITEMS = 1_000  # roles or reactions on one message (Discord allows 250 and 20)

ByteCallback = Callable[[int], None]
# IncomingMessage's fields in order: guild, channel, message, author, content, created_at, reply_to,
# parent channel, has_attachments, author role ids, account created at
IncomingRow = tuple[
    int, int, int, int, str, float, int | None, int | None, bool, frozenset[int], float | None
]


class ExportError(SentimeterError):
    """A file that is not a readable DiscordChatExporter JSON export. The message is one line."""


@dataclass(frozen=True, slots=True)
class ExportHeader:
    path: Path
    guild_id: int
    guild_name: str
    channel_id: int
    channel_name: str
    channel_type: str
    category: str | None
    parent_channel_id: int | None  # a thread's parent channel (DiscordChatExporter writes it as categoryId)
    exported_at: float | None = None  # unix seconds ('exportedAt'), when the file has it
    utc_offset: int | None = None  # seconds east of UTC: the exporting machine's, its times are in it


@dataclass(frozen=True, slots=True)
class ExportedMessage:
    """One counted message (people only; bots and system messages are skipped by the reader)."""

    guild_id: int
    channel_id: int
    message_id: int
    author_id: int
    author_name: str
    content: str
    created_at: float  # unix seconds
    edited_at: float | None
    reply_to_id: int | None
    parent_channel_id: int | None
    attachments: int  # attachments + stickers
    reactions: int  # sum of the reaction counts
    author_role_ids: frozenset[int]

    @property
    def has_attachments(self) -> bool:
        return self.attachments > 0

    def to_incoming(self) -> IncomingMessage:
        return IncomingMessage(*self.incoming_row())

    def incoming_row(self) -> IncomingRow:
        """The fields of ``to_incoming()`` as a plain tuple, in IncomingMessage's field order (cheap to send
        between processes): ``IncomingMessage(*row)`` rebuilds it."""
        return (
            self.guild_id,
            self.channel_id,
            self.message_id,
            self.author_id,
            self.content,
            self.created_at,
            self.reply_to_id,
            self.parent_channel_id,
            self.attachments > 0,
            self.author_role_ids,
            account_created_at(self.author_id),
        )


def account_created_at(user_id: int) -> float | None:
    """When a Discord account was made, from its snowflake id (as discord.py's ``User.created_at``)."""
    if user_id < 1 << 22:
        return None
    return ((user_id >> 22) + DISCORD_EPOCH_MS) / 1000


# DiscordChatExporter's other formats: read the start of the file, and say how to get JSON instead
_JSON_HINT = "export the channel again as JSON (DiscordChatExporter: --format Json, or JSON in the app)"
_OTHER_SUFFIXES = {".html": "HTML", ".htm": "HTML", ".csv": "CSV", ".txt": "plain-text"}
_CSV_HEADER = b"authorid,author,date,content"


def _other_format(path: Path, start: bytes) -> str | None:
    """ "HTML", "CSV" or "plain-text" when the file is one of DiscordChatExporter's other formats."""
    head = start.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"{"):
        return None
    if head.startswith((b"<!doctype html", b"<html", b"<")):
        return "HTML"
    if head.startswith((_CSV_HEADER, b'"authorid","author","date","content"')):
        return "CSV"
    if head.startswith(b"=====") and b"guild:" in head:
        return "plain-text"
    return _OTHER_SUFFIXES.get(path.suffix.lower())


def _refuse_other_formats(path: Path) -> None:
    try:
        with path.open("rb") as f:
            start = f.read(512)
    except OSError as exc:
        raise ExportError(f"{path}: cannot read: {exc.strerror or exc}") from None
    kind = _other_format(path, start)
    if kind is not None:
        raise ExportError(f"{path}: a DiscordChatExporter {kind} export; sentimeter reads JSON: {_JSON_HINT}")


def _export_time(value: Any) -> tuple[float | None, int | None]:
    """'exportedAt' as unix seconds and its offset from UTC in seconds; (None, None) when absent or unreadable
    (it is only used to choose which copy of a message to keep and how to show times)."""
    if not isinstance(value, str) or len(value) > MAX_NAME_CHARS:
        return None, None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None, None
    offset = when.utcoffset()
    if offset is None:
        return None, None
    return when.timestamp(), int(offset.total_seconds())


class _TooDeep(Exception):
    pass


_NOT_SYNTAX = bytes(sorted(set(range(256)) - set(b'"[]{}')))
_BRACKET_SIGN = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # as signed bytes: +1 opens, -1 closes


class _DepthGuard:
    """Follows the nesting depth of the raw JSON bytes (outside strings) at C speed, chunk by chunk, and finds
    where it first passes MAX_DEPTH, before the parser sees those bytes. Malformed JSON is the parser's to
    report; this only has to be right for well-formed input."""

    def __init__(self) -> None:
        self.depth = 0
        self.in_string = False
        self.carry = b""  # trailing backslashes: an escape may continue in the next chunk

    def feed(self, data: bytes) -> int | None:
        """The offset in ``data`` of the bracket that goes too deep, or None."""
        depth, in_string, carry = self.depth, self.in_string, self.carry
        raw = carry + data if carry else data
        text = raw
        self.carry = b""
        if b"\\" in raw:
            text = raw.rstrip(b"\\")
            self.carry = raw[len(text) :]
            raw = text
            # escaped backslashes, then escaped quotes: every quote left starts or ends a string
            text = text.replace(b"\\\\", b"").replace(b'\\"', b"")
        text = text.translate(None, _NOT_SYNTAX)  # quotes and brackets: a few bytes per message
        if in_string:
            end = text.find(b'"')
            if end < 0:
                return None
            text = text[end + 1 :]
        # empty strings hold no brackets (and two boundaries with nothing between them change nothing)
        text = text.replace(b'""', b"")
        self.in_string = False
        if b'"' in text:  # strings with brackets in them, or one that goes on in the next chunk
            parts = text.split(b'"')
            self.in_string = len(parts) % 2 == 0
            text = b"".join(parts[0::2])
        if not text:
            return None
        steps = array("b", text.translate(_BRACKET_SIGN))
        if max(accumulate(steps, initial=depth)) > MAX_DEPTH:
            return max(0, _too_deep_at(raw, depth, in_string) - len(carry))
        self.depth = depth + sum(steps)
        return None


def _too_deep_at(data: bytes, depth: int, in_string: bool) -> int:
    """The offset of the bracket that takes ``data`` past MAX_DEPTH (the slow path, once per file)."""
    escaped = False
    for offset, byte in enumerate(data):
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > MAX_DEPTH:
                return offset
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return len(data)


class _CountingReader:
    """Wraps a binary file: counts the bytes handed to the parser, keeps the last chunks (error positions)."""

    def __init__(self, raw: IO[bytes], on_bytes: ByteCallback | None) -> None:
        self._raw = raw
        self.on_bytes = on_bytes
        self.guard = _DepthGuard()
        self.too_deep = False
        self.position = 0
        self.prev_chunk = b""
        self.chunk = b""
        self.chunk_start = 0

    def read(self, size: int = -1) -> bytes:
        if self.too_deep:
            raise _TooDeep
        data = self._raw.read(size)
        if data:
            cut = self.guard.feed(data)
            if cut is not None:
                # the parser gets the bytes before the bracket that is too deep; the next read fails
                self.too_deep = True
                data = data[:cut]
                if not data:
                    raise _TooDeep
            self.prev_chunk = self.chunk
            self.chunk = data
            self.chunk_start = self.position
            self.position += len(data)
            if self.on_bytes is not None:
                self.on_bytes(len(data))
        return data

    def error_offset(self, yajl_message: str) -> int | None:
        """Best effort: locate yajl's context snippet ("... (right here) ------^") in the last chunks."""
        lines = yajl_message.split("\n")
        if len(lines) < 3:
            return None
        caret = _YAJL_CARET.search(lines[2])
        if caret is None:
            return None
        column = caret.end() - 1
        text = lines[1]
        before = text[:column].lstrip(" ")
        after = text[column:].rstrip(" ")
        window = (self.prev_chunk + self.chunk).replace(b"\n", b" ").replace(b"\r", b" ")
        window_start = self.chunk_start - len(self.prev_chunk)
        needle = (before + after).encode("utf-8", "replace")
        if not needle.strip():
            return None
        found = window.rfind(needle)
        if found < 0:
            return None
        # yajl's caret sits just after the offending token: report that token's last byte (0-based)
        return max(0, window_start + found + len(before.encode("utf-8", "replace")) - 1)


def _int(value: Any, what: str) -> int:
    """An id: a non-negative integer (or its digits) that fits SQLite's signed 64 bits."""
    if type(value) is str and len(value) <= 19 and value.isdigit() and value.isascii():  # the usual case
        number = int(value)
        if number <= MAX_ID:
            return number
    if isinstance(value, bool):
        raise ValueError(f"{what} is not an id")
    if isinstance(value, str) and _ID_TEXT.fullmatch(value):
        value = int(value)
    if isinstance(value, int):
        if 0 <= value <= MAX_ID:
            return value
        raise ValueError(f"{what} {value} is out of range (ids are below 2^63)")
    raise ValueError(f"{what} is not an id: {value!r}")


def _opt_int(value: Any, what: str) -> int | None:
    """An optional id: None when absent or not a number; out of range is an error, as for ``_int``."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    if isinstance(value, str) and not value.isdigit():
        return None
    return _int(value, what)


def _count(value: Any, what: str) -> int:
    """A count: a whole number from 0 to MAX_COUNT (a float such as 3.0 is accepted)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{what} is not a count: {value!r}")
    if not 0 <= value <= MAX_COUNT:
        raise ValueError(f"{what} {value:,} is out of range (0 to {MAX_COUNT:,})")
    return value


def _timestamp(value: Any, what: str) -> float:
    if not isinstance(value, str):
        raise ValueError(f"{what} is missing")
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{what} is not an ISO 8601 time: {value!r}") from None
    if when.tzinfo is None:
        # a local time of an unknown place: guessing a zone would shift every statistic by hours
        raise ValueError(f"{what} {value!r} has no time zone (DiscordChatExporter writes one, e.g. +00:00)")
    return when.timestamp()


def _listed(obj: dict[str, Any], key: str) -> list[Any]:
    """A list field that is used item by item (roles, reactions): at most MAX_LIST_ITEMS of them."""
    value = obj.get(key) or []
    if not isinstance(value, list):
        return []
    if len(value) > MAX_LIST_ITEMS:
        raise ValueError(f"more than {MAX_LIST_ITEMS:,} '{key}'")
    return value


class ExportReader:
    """Reads one export file. ``header`` is available right after construction; iterate for the messages.

    ``on_bytes`` is called with the number of bytes read each time the parser pulls a chunk (progress bars).
    After iterating, ``seen``, ``skipped_bots`` and ``skipped_system`` say what was in the file."""

    def __init__(self, path: Path | str, *, on_bytes: ByteCallback | None = None) -> None:
        self.path = Path(path)
        self.on_bytes = on_bytes
        self.seen = 0
        self.skipped_bots = 0
        self.skipped_system = 0
        try:
            self.size = self.path.stat().st_size
        except OSError as exc:
            raise ExportError(f"{self.path}: cannot read: {exc.strerror or exc}") from None
        if self.size == 0:
            raise ExportError(f"{self.path}: empty file")
        _refuse_other_formats(self.path)
        self.header = self._read_header()

    # -- header ---------------------------------------------------------------------------------------------
    def _read_header(self) -> ExportHeader:
        guild: dict[str, Any] | None = None
        channel: dict[str, Any] | None = None
        with self._open(None) as (reader, _raw):
            try:
                events = ijson.parse(reader, buf_size=_BUF_SIZE)
                first = next(events, None)
                if first is None:
                    raise ExportError(f"{self.path}: empty file")
                if first[1] != "start_map":
                    raise ExportError(
                        f"{self.path}: not a DiscordChatExporter JSON export (top level is not an object)"
                    )
                builder: ijson.ObjectBuilder | None = None
                building = ""
                exported_at: Any = None
                for prefix, event, value in events:
                    if builder is not None:
                        if prefix == building and event == "end_map":
                            if building == "guild":
                                guild = builder.value
                            else:
                                channel = builder.value
                            builder = None
                            continue
                        builder.event(event, value)
                        continue
                    if prefix in ("guild", "channel") and event == "start_map":
                        builder = ijson.ObjectBuilder()
                        builder.event(event, value)
                        building = prefix
                    elif prefix == "exportedAt" and event == "string":
                        exported_at = value
                    elif prefix == "messages" and event == "start_array":
                        break
                    elif prefix == "messages":
                        raise ExportError(
                            f"{self.path}: not a DiscordChatExporter JSON export ('messages' is not a list)"
                        )
                else:
                    raise ExportError(
                        f"{self.path}: not a DiscordChatExporter JSON export (no 'messages' list)"
                    )
            except ijson.JSONError as exc:
                raise self._json_error(exc, reader, 0) from None
            except _TooDeep:
                raise self._too_deep(reader, 0) from None
        if guild is None or channel is None:
            raise ExportError(
                f"{self.path}: not a DiscordChatExporter JSON export "
                "(no 'guild' and 'channel' before 'messages')"
            )
        when, offset = _export_time(exported_at)
        try:
            channel_type = str(channel.get("type") or "GuildTextChat")
            category_id = channel.get("categoryId")
            parent = _opt_int(category_id, "parent channel id") if channel_type in THREAD_TYPES else None
            return ExportHeader(
                path=self.path,
                guild_id=_int(guild.get("id"), "guild id"),
                guild_name=str(guild.get("name") or "")[:MAX_NAME_CHARS],
                channel_id=_int(channel.get("id"), "channel id"),
                channel_name=str(channel.get("name") or "")[:MAX_NAME_CHARS],
                channel_type=channel_type[:MAX_NAME_CHARS],
                category=channel.get("category") if isinstance(channel.get("category"), str) else None,
                parent_channel_id=parent,
                exported_at=when,
                utc_offset=offset,
            )
        except ValueError as exc:
            raise ExportError(f"{self.path}: bad export header: {exc}") from None

    # -- messages -------------------------------------------------------------------------------------------
    def __iter__(self) -> Iterator[ExportedMessage]:
        header = self.header
        guild_id, channel_id, parent = header.guild_id, header.channel_id, header.parent_channel_id
        self.seen = 0
        with self._open(self.on_bytes) as (reader, _raw):
            try:
                for item in ijson.items(reader, "messages.item", use_float=True, buf_size=_BUF_SIZE):
                    self.seen += 1
                    try:
                        msg = self._message(item, guild_id, channel_id, parent)
                    except (ValueError, TypeError, AttributeError) as exc:
                        raise ExportError(
                            f"{self.path}: bad message {self.seen} (near byte {reader.position}): {exc}"
                        ) from None
                    item = None  # not kept while the next message is built
                    if msg is not None:
                        yield msg
            except ijson.JSONError as exc:
                raise self._json_error(exc, reader, self.seen + 1) from None
            except _TooDeep:
                raise self._too_deep(reader, self.seen + 1) from None

    def _message(
        self, item: Any, guild_id: int, channel_id: int, parent: int | None
    ) -> ExportedMessage | None:
        if not isinstance(item, dict):
            raise ValueError("not an object")
        author = item.get("author")
        if not isinstance(author, dict):
            raise ValueError("no 'author'")
        kind = item.get("type", "Default")
        if kind not in COUNTED_TYPES:
            self.skipped_system += 1
            return None
        if author.get("isBot"):
            self.skipped_bots += 1
            return None
        reply_to: int | None = None
        reference = item.get("reference")
        if kind == "Reply" and isinstance(reference, dict):
            reply_to = _opt_int(reference.get("messageId"), "replied-to message id")
        reactions = 0
        for reaction in _listed(item, "reactions"):
            if isinstance(reaction, dict) and reaction.get("count") is not None:
                reactions += _count(reaction["count"], "reaction count")
        if reactions > MAX_COUNT:
            raise ValueError(f"{reactions:,} reactions is out of range (0 to {MAX_COUNT:,})")
        role_ids = frozenset(
            r
            for r in (
                _opt_int(role.get("id"), "role id")
                for role in _listed(author, "roles")
                if isinstance(role, dict)
            )
            if r
        )
        edited = item.get("timestampEdited")
        content = item.get("content")
        return ExportedMessage(
            guild_id=guild_id,
            channel_id=channel_id,
            message_id=_int(item.get("id"), "'id'"),
            author_id=_int(author.get("id"), "author id"),
            author_name=str(author.get("nickname") or author.get("name") or "")[:MAX_NAME_CHARS],
            content=bound_content(content) if isinstance(content, str) else "",
            created_at=_timestamp(item.get("timestamp"), "'timestamp'"),
            edited_at=_timestamp(edited, "'timestampEdited'") if edited else None,
            reply_to_id=reply_to,
            parent_channel_id=parent,
            attachments=len(item.get("attachments") or ()) + len(item.get("stickers") or ()),
            reactions=reactions,
            author_role_ids=role_ids,
        )

    # -- helpers --------------------------------------------------------------------------------------------
    def _too_deep(self, reader: _CountingReader, message_no: int) -> ExportError:
        where = f"message {message_no}" if message_no else "header"
        return ExportError(
            f"{self.path}: nested more than {MAX_DEPTH} levels deep near byte {reader.position} ({where}); "
            "not a DiscordChatExporter export"
        )

    def _open(self, on_bytes: ByteCallback | None) -> _Opened:
        return _Opened(self.path, on_bytes)

    def _json_error(self, exc: Exception, reader: _CountingReader, message_no: int) -> ExportError:
        raw = exc.args[0] if exc.args else ""
        # yajl reports bytes that are not UTF-8 with a bytes message (the bad bytes in its context snippet)
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(exc)
        where = f"message {message_no}" if message_no else "header"
        if reader.position >= self.size and ("premature EOF" in text or "ncomplete" in text):
            return ExportError(f"{self.path}: truncated JSON at byte {self.size} ({where})")
        first_line = text.split("\n", 1)[0].strip().rstrip(".") or "invalid JSON"
        offset = reader.error_offset(text)
        at = f"at byte {offset}" if offset is not None else f"near byte {reader.position}"
        return ExportError(f"{self.path}: malformed JSON {at} ({where}): {first_line}")


class _Opened:
    def __init__(self, path: Path, on_bytes: ByteCallback | None) -> None:
        self._path = path
        self.on_bytes = on_bytes
        self._raw: IO[bytes] | None = None

    def __enter__(self) -> tuple[_CountingReader, IO[bytes]]:
        try:
            self._raw = self._path.open("rb")
        except OSError as exc:
            raise ExportError(f"{self._path}: cannot read: {exc.strerror or exc}") from None
        return _CountingReader(self._raw, self.on_bytes), self._raw

    def __exit__(self, *exc: object) -> None:
        if self._raw is not None:
            self._raw.close()


def export_files(paths: Iterable[Path | str]) -> list[Path]:
    """Expand folders into the ``*.json`` files inside them (sorted); files are kept as given. A file named
    twice (a folder and a file in it) is listed once."""
    files: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.json") if p.is_file())
            if not found:
                others = sorted(
                    {p.suffix.lower() for p in path.rglob("*") if p.suffix.lower() in _OTHER_SUFFIXES}
                )
                if others:
                    kinds = " and ".join(_OTHER_SUFFIXES[s] for s in others)
                    raise ExportError(f"{path}: no .json export files, only {kinds} ones: {_JSON_HINT}")
                raise ExportError(f"{path}: no .json export files in this folder")
        else:
            found = [path]
        for file in found:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                files.append(file)
    return files


def merged_messages(readers: Iterable[ExportReader]) -> Iterator[ExportedMessage]:
    """The messages of several exports (one per channel) in time order, still streaming."""
    readers = list(readers)
    if len(readers) == 1:
        yield from readers[0]
        return
    yield from heapq.merge(*readers, key=lambda m: (m.created_at, m.message_id))


def guarded(reader: ExportReader, failures: list[ExportError]) -> Iterator[ExportedMessage]:
    """``reader``'s messages; an export that turns out broken part-way ends early and its error is added to
    ``failures`` (what was read before it stays counted), so the other files of a run are still read."""
    try:
        yield from reader
    except ExportError as exc:
        failures.append(exc)


class UniqueMessages:
    """The messages of several exports in time order, each message once; ``duplicates`` counts the copies
    left out.

    Two exports of the same channel (overlapping date ranges, or a copy) hold the same messages: the copy
    from the newest export is kept (its reactions are the most recent count). Message ids are remembered only
    for channels exported more than once, so a run of distinct channels keeps no ids at all (500,000 ids of
    one channel exported twice are about 30 MB)."""

    def __init__(self, readers: Iterable[ExportReader], failures: list[ExportError]) -> None:
        # newest export first: heapq.merge yields equal keys in input order, so its copy comes first
        self._readers = sorted(readers, key=lambda r: -(r.header.exported_at or float("-inf")))
        self._failures = failures
        self.duplicates = 0

    def __iter__(self) -> Iterator[ExportedMessage]:
        channels: dict[tuple[int, int], int] = {}
        for r in self._readers:
            key = (r.header.guild_id, r.header.channel_id)
            channels[key] = channels.get(key, 0) + 1
        shared = {channel for (_, channel), n in channels.items() if n > 1}
        streams = [guarded(r, self._failures) for r in self._readers]
        merged: Iterator[ExportedMessage] = (
            streams[0]
            if len(streams) == 1
            else heapq.merge(*streams, key=lambda m: (m.created_at, m.message_id))
        )
        if not shared:
            yield from merged
            return
        ids: set[int] = set()
        for msg in merged:
            if msg.channel_id in shared:
                if msg.message_id in ids:
                    self.duplicates += 1
                    continue
                ids.add(msg.message_id)
            yield msg
