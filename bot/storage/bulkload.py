"""Bulk load: a fresh SQLite database from a stream of write batches, fast (public API of the SQLite
storage; the benchmarks build their large statistics databases with it).

``bulk_load(path, batches, now=...)`` produces exactly the tables that applying the same batches, in order,
through ``SQLiteStorage.apply`` (with its clock at ``now``) to an empty database would produce -- messages,
every roll-up (channel/guild/thread hour and day, language columns), channel_parents, presence with
prev_hour/gap_class, channel_cursors, flags, first-day reactions -- about 20x faster. It lives next to the
write path (bot/storage/_batch.py) and shares its message record, flag rules and sentiment cut-offs, so the
two cannot drift apart silently; tests/test_bulkload.py compares them row for row.

How: the final roll-ups are a function of the messages that are still stored at the end (a deletion removes a
message's whole current vector, an edit or a reaction changes it in place, and a bucket or presence row exists
exactly while it counts a message). So

1. the operations are simulated in Python over a sliding window of the most recent ``window`` created
   messages (reactions, edits, deletions, reply counters, flags, thread parents, cursors); a message that
   leaves the window is final and is inserted with ``executemany``;
2. every roll-up is then computed from the messages table with set-based SQL (GROUP BY, ``lag`` for
   prev_hour), inserted in primary-key order, and the presence indexes are built afterwards.

An operation that refers to a message which has left the window raises ``ValueError`` (the benchmark
generators only touch recent messages); operations on messages that were never created (ids below the
first created one, or above the window) are ignored, as ``apply`` ignores them. The file is written without
a journal and without syncing (it did not exist before: a crash leaves a file to delete, nothing to
recover); it is in WAL mode once done, like any database ``SQLiteStorage`` opens."""

from __future__ import annotations

import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from bot.core.periods import DAY, HOUR
from bot.core.scoring.thresholds import NEGATIVE_CUTOFF, POSITIVE_CUTOFF
from bot.storage import _batch
from bot.storage._presence import VECTOR_COLUMNS, gap_class
from bot.storage.models import (
    FlagRequest,
    FlagStatus,
    MessageCreated,
    MessageDeleted,
    MessageEdited,
    MessagesBulkDeleted,
    ReactionChanged,
    WriteOp,
)
from bot.storage.sqlite import migrate

DEFAULT_WINDOW = 100_000
_INSERT_EVERY = 50_000

# the write path's own sets, so the loader cannot drift from it
_REVIEWED = _batch.REVIEWED
_AUTOMATIC = _batch.AUTOMATIC

_MESSAGE_SQL = (
    "INSERT INTO messages (message_id, guild_id, channel_id, author_id, created_at, reply_to_id,"
    " parent_channel_id, scored, compound, pos, neu, neg, language, is_spam, reactions, replies)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
)
_FLAG_SQL = (
    "INSERT INTO flags (id, guild_id, channel_id, message_id, author_id, kind, status, text, compound,"
    " reason, created_at, resolved_at, topic) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"
)


class _Msg(_batch._Msg):
    """The write path's own message record (its ``row()`` is the messages table's column order, its fields
    what ``apply`` keeps), plus the simulator's bookkeeping."""

    __slots__ = ("early", "early_unknown", "flags", "live")
    flags: list[_Flag] | None
    live: bool
    early: int  # first-day reactions (migration 0011): a row while > 0
    early_unknown: bool  # a count read from history after the first day (a NULL row)

    def __init__(self) -> None:  # fields are set one by one by the simulator
        pass


class _Flag:
    __slots__ = (
        "author_id",
        "channel_id",
        "compound",
        "created_at",
        "guild_id",
        "id",
        "kind",
        "message_id",
        "reason",
        "resolved_at",
        "status",
        "text",
        "topic",
    )

    def __init__(self, fid: int, m: _Msg, req: FlagRequest, compound: float | None, at: int) -> None:
        self.id = fid
        self.guild_id = m.guild_id
        self.channel_id = m.channel_id
        self.message_id = m.message_id
        self.author_id = m.author_id
        self.kind = req.kind
        self.status = FlagStatus.OPEN
        self.text: str | None = req.text
        self.compound = compound
        self.reason = req.reason
        self.topic = req.topic
        self.created_at = at
        self.resolved_at: int | None = None

    def row(self) -> tuple[Any, ...]:
        return (
            self.id,
            self.guild_id,
            self.channel_id,
            self.message_id,
            self.author_id,
            self.kind.value,
            self.status.value,
            self.text,
            self.compound,
            self.reason,
            self.created_at,
            self.resolved_at,
            self.topic,
        )


class _Simulator:
    """The write path's per-message semantics (bot/storage/_batch.py) over a window of recent messages."""

    def __init__(self, conn: sqlite3.Connection, now: int, window: int) -> None:
        self.conn = conn
        self.now = now
        self.window = window
        self.by_id: dict[int, _Msg] = {}  # newest incarnation of each message id in the window
        self.order: deque[_Msg] = deque()
        self.max_evicted: int | None = None
        self.min_created: int | None = None  # ids below it were never created (ignored, as apply does)
        self.next_flag = 1
        self.cursors: dict[tuple[int, int], int] = {}
        self.parents: dict[tuple[int, int], int] = {}  # (guild, thread) -> parent
        self.parent_ids: set[tuple[int, int]] = set()  # (guild, parent)
        self.pending_rows: list[tuple[Any, ...]] = []
        self.pending_flags: list[tuple[Any, ...]] = []
        self.pending_early: list[tuple[Any, ...]] = []
        self.created = 0
        self.fresh: set[int] = set()  # ids created in this batch that were not stored before it
        self.deleted_old: set[int] = set()  # ids stored before this batch and deleted in it

    # -- lookups -----------------------------------------------------------------------------------------
    def _find(self, message_id: int) -> _Msg | None:
        m = self.by_id.get(message_id)
        if (
            m is None
            and self.max_evicted is not None
            and self.min_created is not None
            and self.min_created <= message_id <= self.max_evicted
        ):
            raise ValueError(
                f"bulk load: an operation refers to message {message_id}, which has left the window of the"
                f" last {self.window:,} created messages (raise window=)"
            )
        return m

    def _get(self, guild_id: int, message_id: int) -> _Msg | None:
        m = self._find(message_id)
        return m if m is not None and m.live and m.guild_id == guild_id else None

    # -- a batch -----------------------------------------------------------------------------------------
    def batch(self, ops: Sequence[WriteOp]) -> None:
        seen: dict[tuple[int, int], int] = {}  # thread parents first seen in this batch, in order
        self.fresh = set()
        self.deleted_old = set()
        for op in ops:
            if isinstance(op, MessageCreated):
                self._create(op, seen)
            elif isinstance(op, ReactionChanged):
                self._react(op)
            elif isinstance(op, MessageEdited):
                self._edit(op)
            elif isinstance(op, MessageDeleted):
                self._delete(op.guild_id, op.message_id)
            elif isinstance(op, MessagesBulkDeleted):
                for mid in op.message_ids:
                    self._delete(op.guild_id, mid)
            else:  # pragma: no cover - a new operation type
                raise TypeError(f"bulk load: unknown operation {op!r}")
        self._learn_parents(seen)
        while len(self.order) > self.window:
            self._evict(self.order.popleft())
        if len(self.pending_rows) >= _INSERT_EVERY:
            self.flush()

    def _create(self, op: MessageCreated, seen: dict[tuple[int, int], int]) -> None:
        r = op.record
        mid = r.message_id
        old = self._find(mid)
        if old is not None and old.live:
            return  # already stored: exactly once
        m = _Msg()
        m.message_id = mid
        g = m.guild_id = r.guild_id
        ch = m.channel_id = r.channel_id
        m.author_id = r.author_id
        at = m.created_at = int(r.created_at)
        m.reply_to_id = r.reply_to_id
        p = m.parent_channel_id = r.parent_channel_id
        m.scored = bool(r.scored)
        c = m.compound = float(r.compound)
        m.pos, m.neu, m.neg = float(r.pos), float(r.neu), float(r.neg)
        m.language = r.language
        m.is_spam = bool(r.is_spam)
        m.reactions = 0
        m.replies = 0
        m.early = 0
        m.early_unknown = False
        m.live = True
        if mid not in self.deleted_old:
            self.fresh.add(mid)
        m.flags = old.flags if old is not None else None
        self.by_id[mid] = m
        self.order.append(m)
        if self.min_created is None or mid < self.min_created:
            self.min_created = mid
        self.created += 1
        if p is not None and p > 0 and p != ch and (g, ch) not in seen:
            seen[(g, ch)] = p
        if r.reply_to_id is not None:
            parent = self._get(g, r.reply_to_id)
            if parent is not None:
                parent.replies += 1
        key = (g, ch)
        if mid > self.cursors.get(key, 0):
            self.cursors[key] = mid
        if op.flag is not None:
            self._new_flag(m, op.flag, c if m.scored else None, at)

    def _react(self, op: ReactionChanged) -> None:
        m = self._get(op.guild_id, op.message_id)
        if m is None:
            return
        new = max(0, op.delta) if op.clear else max(0, m.reactions + op.delta)
        d = new - m.reactions
        if not d:
            return
        m.reactions = new
        # first-day reactions, as _batch._Batch._react and _top.write_early_reactions
        if self.now - m.created_at < DAY:
            if not m.early_unknown:
                m.early += d
        elif (op.clear or m.message_id in self.fresh) and m.early <= 0:
            m.early_unknown = True

    def _edit(self, op: MessageEdited) -> None:
        m = self._get(op.guild_id, op.message_id)
        if m is not None:
            m.scored = op.scored
            m.compound = float(op.compound)
            m.pos, m.neu, m.neg = float(op.pos), float(op.neu), float(op.neg)
            m.language = op.language
            m.is_spam = op.is_spam
        any_incarnation = self.by_id.get(op.message_id)
        flags: list[_Flag] = (
            any_incarnation.flags
            if any_incarnation is not None
            and any_incarnation.flags is not None
            and any_incarnation.guild_id == op.guild_id
            else []
        )
        open_flag = next((f for f in flags if f.status is FlagStatus.OPEN), None)
        compound = op.compound if op.scored else None
        if open_flag is not None:
            if open_flag.kind not in _AUTOMATIC:
                return
            _batch.refresh_on_edit(open_flag, op.flag, compound, self.now)
        elif op.flag is not None and m is not None:
            kind = op.flag.kind
            if not any(f.kind is kind and f.status in _REVIEWED for f in flags):
                self._new_flag(m, op.flag, compound, self.now)

    def _delete(self, guild_id: int, message_id: int) -> None:
        m = self._get(guild_id, message_id)
        if m is not None:
            m.live = False
            if message_id not in self.fresh:
                self.deleted_old.add(message_id)
            if m.reply_to_id is not None:
                parent = self._get(guild_id, m.reply_to_id)
                if parent is not None and parent.replies > 0:
                    parent.replies -= 1
        any_incarnation = self.by_id.get(message_id)
        if any_incarnation is None or any_incarnation.flags is None or any_incarnation.guild_id != guild_id:
            return
        for f in any_incarnation.flags:
            f.text = None
            if f.status is FlagStatus.OPEN:
                f.status = FlagStatus.MESSAGE_DELETED
                f.resolved_at = self.now

    def _new_flag(self, m: _Msg, req: FlagRequest, compound: float | None, at: int) -> None:
        if m.flags is None:
            m.flags = []
        m.flags.append(_Flag(self.next_flag, m, req, compound, at))
        self.next_flag += 1

    def _learn_parents(self, seen: dict[tuple[int, int], int]) -> None:
        # as _Batch._parents: first parent seen in the batch; one level only (a parent is never a child)
        for (g, ch), p in seen.items():
            if (g, ch) in self.parents or (g, ch) in self.parent_ids or (g, p) in self.parents:
                continue
            self.parents[(g, ch)] = p
            self.parent_ids.add((g, p))

    # -- output ------------------------------------------------------------------------------------------
    def _evict(self, m: _Msg) -> None:
        mid = m.message_id
        if self.max_evicted is None or mid > self.max_evicted:
            self.max_evicted = mid
        if self.by_id.get(mid) is not m:
            return  # an older incarnation (deleted, then created again)
        del self.by_id[mid]
        if m.live:
            self.pending_rows.append(m.row())
            if m.early > 0 or m.early_unknown:
                self.pending_early.append((mid, m.guild_id, None if m.early_unknown else m.early))
        if m.flags:
            self.pending_flags.extend(f.row() for f in m.flags)

    def finish(self) -> None:
        while self.order:
            self._evict(self.order.popleft())
        self.flush()
        conn = self.conn
        conn.executemany(
            "INSERT INTO channel_cursors (guild_id, channel_id, last_message_id) VALUES (?, ?, ?)",
            [(g, ch, mid) for (g, ch), mid in self.cursors.items()],
        )
        conn.executemany(
            "INSERT INTO channel_parents (guild_id, channel_id, parent_id) VALUES (?, ?, ?)",
            [(g, ch, p) for (g, ch), p in self.parents.items()],
        )

    def flush(self) -> None:
        if self.pending_rows:
            self.pending_rows.sort()  # rowid order: appends
            self.conn.executemany(_MESSAGE_SQL, self.pending_rows)
            self.pending_rows = []
        if self.pending_flags:
            self.conn.executemany(_FLAG_SQL, self.pending_flags)
            self.pending_flags = []
        if self.pending_early:
            self.pending_early.sort()
            self.conn.executemany(
                "INSERT INTO early_reactions (message_id, guild_id, reactions) VALUES (?, ?, ?)",
                self.pending_early,
            )
            self.pending_early = []


# -- set-based roll-ups ------------------------------------------------------------------------------------

_COUNTED = "is_spam = 0 AND scored <> 0"
_HOUR_OF = f"created_at - ((created_at % {HOUR}) + {HOUR}) % {HOUR}"
_M_HOUR_OF = _HOUR_OF.replace("created_at", "m.created_at")
# VECTOR_COLUMNS order, as _Msg.vector() in bot/storage/_batch.py (the same cut-offs)
_POSITIVE = f"compound >= {POSITIVE_CUTOFF!r}"
_NEGATIVE = f"compound <= {NEGATIVE_CUTOFF!r}"
_VECTOR_EXPRS = (
    "count(*)",
    "count(reply_to_id)",
    "sum(reactions)",
    f"sum(CASE WHEN {_COUNTED} AND {_POSITIVE} THEN 1 ELSE 0 END)",
    f"sum(CASE WHEN {_COUNTED} AND NOT {_POSITIVE} AND NOT {_NEGATIVE} THEN 1 ELSE 0 END)",
    f"sum(CASE WHEN {_COUNTED} AND {_NEGATIVE} THEN 1 ELSE 0 END)",
    "sum(CASE WHEN is_spam <> 0 THEN 1 ELSE 0 END)",
    f"sum(CASE WHEN {_COUNTED} THEN bulk_e4(compound) ELSE 0 END)",
)
_VECTOR = ", ".join(_VECTOR_EXPRS)
_LANGUAGES = (
    f" sum(CASE WHEN {_COUNTED} AND language = 'en' THEN 1 ELSE 0 END),"
    f" sum(CASE WHEN {_COUNTED} AND language = 'id' THEN 1 ELSE 0 END),"
    f" sum(CASE WHEN {_COUNTED} AND language = 'mixed' THEN 1 ELSE 0 END),"
    f" sum(CASE WHEN {_COUNTED} AND (language IS NULL OR language NOT IN ('en', 'id', 'mixed'))"
    " THEN 1 ELSE 0 END)"
)
_VEC = ", ".join(VECTOR_COLUMNS)
_BUCKET = ", ".join(_batch.BUCKET_COLUMNS)
_SUM_BUCKET = ", ".join(f"sum({c})" for c in _batch.BUCKET_COLUMNS)
_PRESENCE_COLUMNS = f"guild_id, author_id, scope_id, hour, {_VEC}, prev_hour, gap_class"


def _rollups(conn: sqlite3.Connection, log: Callable[[str], None]) -> None:
    steps = [
        (
            "channel_hour",
            f"INSERT INTO channel_hour (guild_id, channel_id, hour, {_BUCKET})"
            f" SELECT guild_id, channel_id, {_HOUR_OF} AS h, {_VECTOR}, {_LANGUAGES}"
            " FROM messages GROUP BY guild_id, channel_id, h ORDER BY 1, 2, 3",
        ),
        (
            "channel_day",
            f"INSERT INTO channel_day (guild_id, channel_id, day, {_BUCKET})"
            f" SELECT guild_id, channel_id, hour - ((hour % {DAY}) + {DAY}) % {DAY} AS d, {_SUM_BUCKET}"
            " FROM channel_hour GROUP BY guild_id, channel_id, d ORDER BY 1, 2, 3",
        ),
        (
            "guild_hour",
            f"INSERT INTO guild_hour (guild_id, hour, {_BUCKET})"
            f" SELECT guild_id, hour, {_SUM_BUCKET} FROM channel_hour GROUP BY guild_id, hour ORDER BY 1, 2",
        ),
        (
            "guild_day",
            f"INSERT INTO guild_day (guild_id, day, {_BUCKET})"
            f" SELECT guild_id, day, {_SUM_BUCKET} FROM channel_day GROUP BY guild_id, day ORDER BY 1, 2",
        ),
        (
            "thread_hour",
            f"INSERT INTO thread_hour (guild_id, parent_id, hour, {_BUCKET})"
            f" SELECT cp.guild_id, cp.parent_id, b.hour, {_SUM_BUCKET} FROM channel_hour b"
            " JOIN channel_parents cp ON cp.guild_id = b.guild_id AND cp.channel_id = b.channel_id"
            " GROUP BY cp.guild_id, cp.parent_id, b.hour ORDER BY 1, 2, 3",
        ),
        (
            "thread_day",
            f"INSERT INTO thread_day (guild_id, parent_id, day, {_BUCKET})"
            f" SELECT cp.guild_id, cp.parent_id, b.day, {_SUM_BUCKET} FROM channel_day b"
            " JOIN channel_parents cp ON cp.guild_id = b.guild_id AND cp.channel_id = b.channel_id"
            " GROUP BY cp.guild_id, cp.parent_id, b.day ORDER BY 1, 2, 3",
        ),
        (
            "presence (server)",
            f"INSERT INTO presence ({_PRESENCE_COLUMNS})"
            f" SELECT guild_id, author_id, 0, h, {_VEC}, prev, bulk_gap(h, prev) FROM ("
            "  SELECT *, lag(h) OVER (PARTITION BY guild_id, author_id ORDER BY h) AS prev FROM ("
            f"   SELECT guild_id, author_id, {_HOUR_OF} AS h,"
            f"   {_vector_as()} FROM messages GROUP BY guild_id, author_id, h))"
            " ORDER BY guild_id, h, author_id",
        ),
        (
            "presence (channels)",
            f"INSERT INTO presence ({_PRESENCE_COLUMNS})"
            " SELECT guild_id, author_id, scope, h, n, 0, 0, 0, 0, 0, 0, 0, prev, bulk_gap(h, prev) FROM ("
            "  SELECT *, lag(h) OVER (PARTITION BY guild_id, author_id, scope ORDER BY h) AS prev FROM ("
            "   SELECT guild_id, author_id, scope, h, count(*) AS n FROM ("
            f"    SELECT guild_id, author_id, channel_id AS scope, {_HOUR_OF} AS h FROM messages"
            "     UNION ALL"
            f"    SELECT m.guild_id, m.author_id, cp.parent_id, {_M_HOUR_OF}"
            "     FROM messages m"
            "     JOIN channel_parents cp ON cp.guild_id = m.guild_id AND cp.channel_id = m.channel_id)"
            "   GROUP BY guild_id, author_id, scope, h))"
            " ORDER BY guild_id, scope, h, author_id",
        ),
    ]
    for name, sql in steps:
        started = time.perf_counter()
        count = conn.execute(sql).rowcount
        log(f"bulk load: {name}: {count:,} rows ({time.perf_counter() - started:.1f}s)")


def _vector_as() -> str:
    return ", ".join(f"{e} AS {n}" for e, n in zip(_VECTOR_EXPRS, VECTOR_COLUMNS, strict=True))


def _e4(compound: float) -> int:
    return round(compound * 10000)  # as _batch: Python's round (half to even), not SQLite's


def bulk_load(
    path: Path,
    batches: Iterable[Sequence[WriteOp]],
    *,
    now: int,
    window: int = DEFAULT_WINDOW,
    log: Callable[[str], None] = lambda _text: None,
    cache_mb: int = 1024,
) -> int:
    """Create ``path`` (must not exist) holding what applying ``batches`` in order through
    ``SQLiteStorage.apply`` at clock ``now`` would store. Returns the number of messages created.

    ``window``: how many of the most recently created messages later operations may still refer to;
    ``log``: progress lines; ``cache_mb``: SQLite's page cache (and sort budget) for the load."""
    if path.exists():
        raise FileExistsError(path)
    started = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        migrate(conn)
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute(f"PRAGMA cache_size = -{cache_mb * 1024}")  # also the sorter's in-memory budget
        conn.execute("PRAGMA threads = 2")  # helper threads for the big sorts (GROUP BY, CREATE INDEX)
        conn.create_function("bulk_e4", 1, _e4, deterministic=True)
        conn.create_function("bulk_gap", 2, gap_class, deterministic=True)
        # the presence indexes are built once at the end (a sort) instead of row by row
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'presence'"
            " AND sql IS NOT NULL"
        ).fetchall()
        conn.execute("BEGIN")
        for name, _sql in indexes:
            conn.execute(f"DROP INDEX {name}")
        sim = _Simulator(conn, now, window)
        last_report = time.perf_counter()
        for ops in batches:
            sim.batch(ops)
            if time.perf_counter() - last_report > 15:
                last_report = time.perf_counter()
                log(f"bulk load: {sim.created:,} messages ({last_report - started:.0f}s)")
        sim.finish()
        log(f"bulk load: {sim.created:,} messages simulated ({time.perf_counter() - started:.0f}s)")
        _rollups(conn, log)
        for name, sql in indexes:
            t = time.perf_counter()
            conn.execute(sql)
            log(f"bulk load: index {name} ({time.perf_counter() - t:.1f}s)")
        conn.execute("COMMIT")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA optimize")
    finally:
        conn.close()
    log(f"bulk load: done in {time.perf_counter() - started:.0f}s")
    return sim.created
