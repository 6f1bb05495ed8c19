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

The file is never loaded whole: it is read as a stream of ijson's basic events (no prefixes, which cost
memory quadratic in the nesting depth), and of each message only the fields the pipeline uses are built
(``_MESSAGE_SHAPE``); embeds, avatars and everything else are skipped without being built. Message text is
cut to Discord's own maximum (``MAX_CONTENT_CHARS``), nesting deeper than ``MAX_DEPTH`` is refused, ids must
fit SQLite's signed 64 bits, counts must be plausible and times must carry their zone. Any malformed,
truncated, hostile or foreign file raises `ExportError` with a one-line message that names the file and the
position (byte offset and message number)."""

from __future__ import annotations

import heapq
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import ijson

from bot.core.errors import SentimeterError
from bot.core.ingest.models import IncomingMessage

log = logging.getLogger(__name__)

# Message types a person writes; everything else ("GuildMemberJoin", "ChannelPinnedMessage", "ThreadCreated",
# "Call", ...) is a system message and skipped, as the live bot does.
COUNTED_TYPES = frozenset({"Default", "Reply"})
THREAD_TYPES = frozenset({"GuildPublicThread", "GuildPrivateThread", "GuildNewsThread"})

_BUF_SIZE = 64 * 1024
DISCORD_EPOCH_MS = 1_420_070_400_000
_YAJL_CARET = re.compile(r"\(right here\) -*\^")

# Discord's own maximum message length (with Nitro). The live path has the same cap (a shared
# MAX_CONTENT_CHARS is being added there; this one is kept local until then, with the same value).
MAX_CONTENT_CHARS = 4_000
MAX_NAME_CHARS = 200  # names, types, ids and times as text: far above anything Discord writes
MAX_DEPTH = 64  # DiscordChatExporter nests about 8 levels; anything deeper is refused, never built
MAX_ID = (1 << 63) - 1  # SQLite's INTEGER is a signed 64-bit number
MAX_COUNT = 1_000_000_000  # reactions on one message; more is not a real export
_ID_TEXT = re.compile(r"[0-9]{1,19}")

# What is built: a field's shape is _SCALAR (kept as read, strings cut), _COUNT (a list whose items are
# counted, not built), a dict (an object: these keys only) or a one-item list (a list of that shape).
# Anything else -- embeds, avatars, mentions, unknown keys -- is skipped without being built.
_SCALAR = "scalar"
_COUNT = "count"
_MESSAGE_SHAPE: dict[str, Any] = {
    "id": _SCALAR,
    "type": _SCALAR,
    "timestamp": _SCALAR,
    "timestampEdited": _SCALAR,
    "content": _SCALAR,
    "author": {
        "id": _SCALAR,
        "name": _SCALAR,
        "nickname": _SCALAR,
        "isBot": _SCALAR,
        "roles": [{"id": _SCALAR}],
    },
    "attachments": _COUNT,
    "stickers": _COUNT,
    "reactions": [{"count": _SCALAR}],
    "reference": {"messageId": _SCALAR},
}
_GUILD_SHAPE: dict[str, Any] = {"id": _SCALAR, "name": _SCALAR}
_CHANNEL_SHAPE: dict[str, Any] = {
    "id": _SCALAR,
    "type": _SCALAR,
    "categoryId": _SCALAR,
    "category": _SCALAR,
    "name": _SCALAR,
}

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


class _CountingReader:
    """Wraps a binary file: counts the bytes handed to the parser, keeps the last chunks (error positions)."""

    def __init__(self, raw: IO[bytes], on_bytes: ByteCallback | None) -> None:
        self._raw = raw
        self.on_bytes = on_bytes
        self.position = 0
        self.prev_chunk = b""
        self.chunk = b""
        self.chunk_start = 0

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        if data:
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


class _Skipped:
    """Stands for a value that was skipped unbuilt (a list or object where the shape wants something else)."""

    def __repr__(self) -> str:
        return "an object or list"


_SKIPPED = _Skipped()
_STARTS = frozenset({"start_map", "start_array"})
_ENDS = frozenset({"end_map", "end_array"})
_TEXT = "text"  # a _SCALAR cut at MAX_CONTENT_CHARS instead of MAX_NAME_CHARS
_MESSAGE_SHAPE["content"] = _TEXT
MAX_LIST_ITEMS = 1_000  # roles or reactions built for one message; Discord allows 250 and 20
_Next = Callable[[], tuple[str, Any]]


class _TooDeep(Exception):
    pass


def _skip(nxt: _Next, depth: int) -> None:
    """Skip the rest of the list or object just started at ``depth`` without building anything."""
    level = 0
    while True:
        event = nxt()[0]
        if event in _STARTS:
            level += 1
            if depth + level > MAX_DEPTH:
                raise _TooDeep
        elif event in _ENDS:
            if not level:
                return
            level -= 1


def _build(nxt: _Next, event: str, value: Any, shape: Any, depth: int) -> Any:
    """The value that starts with (``event``, ``value``) one level below ``depth``, built as far as ``shape``
    says (see ``_MESSAGE_SHAPE``); the parts it does not name are skipped unbuilt."""
    if event in _STARTS:
        depth += 1
        if depth > MAX_DEPTH:
            raise _TooDeep
        if event == "start_map" and type(shape) is dict:
            obj: dict[str, Any] = {}
            while True:
                event, key = nxt()
                if event == "end_map":
                    return obj
                event, value = nxt()
                sub = shape.get(key)
                if sub is not None:
                    obj[key] = _build(nxt, event, value, sub, depth)
                elif event in _STARTS:
                    _skip(nxt, depth + 1)
        if event == "start_array" and type(shape) is list:
            items: list[Any] = []
            while True:
                event, value = nxt()
                if event == "end_array":
                    return items
                if len(items) >= MAX_LIST_ITEMS:
                    raise ValueError(f"more than {MAX_LIST_ITEMS:,} items in one list")
                items.append(_build(nxt, event, value, shape[0], depth))
        if event == "start_array" and shape is _COUNT:
            count = 0
            while True:
                event = nxt()[0]
                if event == "end_array":
                    return count
                count += 1
                if event in _STARTS:
                    if depth + 1 > MAX_DEPTH:
                        raise _TooDeep
                    _skip(nxt, depth + 1)
        _skip(nxt, depth)
        return _SKIPPED
    if event == "string":
        limit = MAX_CONTENT_CHARS if shape is _TEXT else MAX_NAME_CHARS
        if len(value) > limit:
            return value[:limit]
    return value


def _int(value: Any, what: str) -> int:
    """An id: a non-negative integer (or its digits) that fits SQLite's signed 64 bits."""
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
        self.header = self._read_header()

    # -- header ---------------------------------------------------------------------------------------------
    def _read_header(self) -> ExportHeader:
        with self._open(None) as (reader, _raw):
            try:
                guild, channel = self._top(self._events(reader))
            except ijson.JSONError as exc:
                raise self._json_error(exc, reader, 0) from None
            except _TooDeep:
                raise self._too_deep(reader, 0) from None
            except ValueError as exc:  # a number yajl could read but Python cannot hold
                raise ExportError(
                    f"{self.path}: bad export header (near byte {reader.position}): {exc}"
                ) from None
        if not isinstance(guild, dict) or not isinstance(channel, dict):
            raise ExportError(
                f"{self.path}: not a DiscordChatExporter JSON export "
                "(no 'guild' and 'channel' before 'messages')"
            )
        try:
            channel_type = str(channel.get("type") or "GuildTextChat")
            parent = (
                _opt_int(channel.get("categoryId"), "parent channel id")
                if channel_type in THREAD_TYPES
                else None
            )
            return ExportHeader(
                path=self.path,
                guild_id=_int(guild.get("id"), "guild id"),
                guild_name=str(guild.get("name") or ""),
                channel_id=_int(channel.get("id"), "channel id"),
                channel_name=str(channel.get("name") or ""),
                channel_type=channel_type,
                category=channel.get("category") if isinstance(channel.get("category"), str) else None,
                parent_channel_id=parent,
            )
        except ValueError as exc:
            raise ExportError(f"{self.path}: bad export header: {exc}") from None

    @staticmethod
    def _events(reader: _CountingReader) -> _Next:
        return ijson.basic_parse(reader, use_float=True, buf_size=_BUF_SIZE).__next__

    def _top(self, nxt: _Next) -> tuple[Any, Any]:
        """Read the top level up to the start of the 'messages' list; the 'guild' and 'channel' objects."""
        guild: Any = None
        channel: Any = None
        try:
            first = nxt()[0]
        except StopIteration:
            raise ExportError(f"{self.path}: empty file") from None
        if first != "start_map":
            raise ExportError(
                f"{self.path}: not a DiscordChatExporter JSON export (top level is not an object)"
            )
        try:
            while True:
                event, key = nxt()
                if event == "end_map":
                    break
                event, value = nxt()
                if key == "messages":
                    if event != "start_array":
                        raise ExportError(
                            f"{self.path}: not a DiscordChatExporter JSON export ('messages' is not a list)"
                        )
                    return guild, channel
                if key == "guild":
                    guild = _build(nxt, event, value, _GUILD_SHAPE, 1)
                elif key == "channel":
                    channel = _build(nxt, event, value, _CHANNEL_SHAPE, 1)
                elif event in _STARTS:
                    _skip(nxt, 2)
        except StopIteration:
            pass  # yajl reports a truncated file itself; a complete one without messages ends here
        raise ExportError(f"{self.path}: not a DiscordChatExporter JSON export (no 'messages' list)")

    # -- messages -------------------------------------------------------------------------------------------
    def __iter__(self) -> Iterator[ExportedMessage]:
        header = self.header
        guild_id, channel_id, parent = header.guild_id, header.channel_id, header.parent_channel_id
        self.seen = 0
        shape = _MESSAGE_SHAPE
        with self._open(self.on_bytes) as (reader, _raw):
            nxt = self._events(reader)
            reading = 0
            try:
                self._top(nxt)
                while True:
                    reading = self.seen + 1  # the message number an error is reported at
                    event, value = nxt()
                    if event == "end_array":
                        break
                    self.seen = reading
                    try:
                        item = _build(nxt, event, value, shape, 2)
                        msg = self._message(item, guild_id, channel_id, parent)
                    except (ValueError, TypeError, AttributeError) as exc:
                        raise ExportError(
                            f"{self.path}: bad message {self.seen} (near byte {reader.position}): {exc}"
                        ) from None
                    if msg is not None:
                        yield msg
                # the rest of the top level: read (so a truncated or broken end is still reported), not built
                while True:
                    event = nxt()[0]
                    if event in _STARTS:
                        _skip(nxt, 2)
            except StopIteration:
                return
            except ijson.JSONError as exc:
                raise self._json_error(exc, reader, reading) from None
            except _TooDeep:
                raise self._too_deep(reader, reading) from None

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
        for reaction in item.get("reactions") or ():
            if isinstance(reaction, dict) and reaction.get("count") is not None:
                reactions += _count(reaction["count"], "reaction count")
        if reactions > MAX_COUNT:
            raise ValueError(f"{reactions:,} reactions is out of range (0 to {MAX_COUNT:,})")
        roles = author.get("roles") or ()
        role_ids = frozenset(
            r for r in (_opt_int(role.get("id"), "role id") for role in roles if isinstance(role, dict)) if r
        )
        edited = item.get("timestampEdited")
        content = item.get("content")
        attachments = item.get("attachments") or 0
        stickers = item.get("stickers") or 0
        return ExportedMessage(
            guild_id=guild_id,
            channel_id=channel_id,
            message_id=_int(item.get("id"), "'id'"),
            author_id=_int(author.get("id"), "author id"),
            author_name=str(author.get("nickname") or author.get("name") or ""),
            content=content if isinstance(content, str) else "",
            created_at=_timestamp(item.get("timestamp"), "'timestamp'"),
            edited_at=_timestamp(edited, "'timestampEdited'") if edited else None,
            reply_to_id=reply_to,
            parent_channel_id=parent,
            attachments=(attachments if isinstance(attachments, int) else 0)
            + (stickers if isinstance(stickers, int) else 0),
            reactions=reactions,
            author_role_ids=role_ids,
        )

    def _too_deep(self, reader: _CountingReader, message_no: int) -> ExportError:
        where = f"message {message_no}" if message_no else "header"
        return ExportError(
            f"{self.path}: nested more than {MAX_DEPTH} levels deep near byte {reader.position} ({where}); "
            "not a DiscordChatExporter export"
        )

    # -- helpers --------------------------------------------------------------------------------------------
    def _open(self, on_bytes: ByteCallback | None) -> _Opened:
        return _Opened(self.path, on_bytes)

    def _json_error(self, exc: Exception, reader: _CountingReader, message_no: int) -> ExportError:
        text = str(exc)
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
    """Expand folders into the ``*.json`` files inside them (sorted); files are kept as given."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.json") if p.is_file())
            if not found:
                raise ExportError(f"{path}: no .json export files in this folder")
            files.extend(found)
        else:
            files.append(path)
    return files


def merged_messages(readers: Iterable[ExportReader]) -> Iterator[ExportedMessage]:
    """The messages of several exports (one per channel) in time order, still streaming."""
    readers = list(readers)
    if len(readers) == 1:
        yield from readers[0]
        return
    yield from heapq.merge(*readers, key=lambda m: (m.created_at, m.message_id))
