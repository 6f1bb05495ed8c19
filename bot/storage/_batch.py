"""The write path: a batch of WriteOps applied in one transaction (runs on the writer connection's thread).

The batch is simulated in order in Python over the rows it touches (loaded with one query), and the
resulting changes are written with a handful of executemany calls:

- roll-up deltas are summed per bucket, so each (channel, hour) / (channel, day) / (server, hour) /
  (server, day) / (parent's threads, hour) / (parent's threads, day) bucket is upserted once per batch;
- the bucket vector is VECTOR_COLUMNS followed by the language counts (BUCKET_COLUMNS): a scored, non-spam
  message counts once in lang_en / lang_id / lang_mixed / lang_other, as it counts once in the sentiment
  mix;
- threads: a message that carries ``parent_channel_id`` records its channel's parent in channel_parents (the
  first one seen; one level only). Every change to a mapped channel's buckets is added to its parent's
  thread_hour/thread_day rows, and every change to its presence rows to the parent's presence scope, so the
  parent's scope counts "the parent including its threads". When a mapping is learned, the channel's
  already stored rows are copied over in the same batch, so the parent's figures never depend on the order in
  which messages arrived;
- presence rows (author activity) are handled by ``_presence.write_presence``;
- only messages the batch created are inserted (a stored id is skipped: exactly once), and only rows that
  changed are updated or deleted.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bot.core.periods import DAY, HOUR
from bot.core.scoring.thresholds import NEGATIVE_CUTOFF, POSITIVE_CUTOFF
from bot.storage import _campaigns, _trends
from bot.storage._presence import VECTOR_COLUMNS, Key, LastHourCache, Row, insert_rows, write_presence
from bot.storage._top import write_early_reactions
from bot.storage.models import (
    Flag,
    FlagChange,
    FlagKind,
    FlagRequest,
    FlagStatus,
    MessageCreated,
    MessageDeleted,
    MessageEdited,
    MessagesBulkDeleted,
    ReactionChanged,
    WriteOp,
)

_ID_CHUNK = 5000

# channel/guild/thread bucket vector: the presence vector, then the language counts
LANGUAGE_COLUMNS = ("lang_en", "lang_id", "lang_mixed", "lang_other")
BUCKET_COLUMNS = (*VECTOR_COLUMNS, *LANGUAGE_COLUMNS)
N_VEC = len(VECTOR_COLUMNS)  # 8
N_BUCKET = len(BUCKET_COLUMNS)  # 12
_LANG_SLOT = {"en": N_VEC, "id": N_VEC + 1, "mixed": N_VEC + 2}  # anything else: N_VEC + 3 ("other")
_OTHER_SLOT = N_VEC + 3

# A moderator looked at it: an edit does not raise the same kind of flag on that message again.
REVIEWED = frozenset(
    {
        FlagStatus.ACKNOWLEDGED,
        FlagStatus.NOT_NEGATIVE,
        FlagStatus.NOT_SPAM,
        FlagStatus.DELETED,
        FlagStatus.DELETED_TIMED_OUT,
        FlagStatus.AUTO_DELETED,
    }
)
AUTOMATIC = frozenset({FlagKind.NEGATIVE, FlagKind.SPAM})

MESSAGE_COLUMNS = (
    "message_id, guild_id, channel_id, author_id, created_at, reply_to_id, parent_channel_id, scored,"
    " compound, pos, neu, neg, language, is_spam, reactions, replies"
)
_MESSAGE_NAMES = tuple(MESSAGE_COLUMNS.split(", "))
_MESSAGE_NULLABLE = (5, 6, 12)  # reply_to_id, parent_channel_id, language (insert_rows' shapes)
_NEW_FLAG_NAMES = (
    *("id", "guild_id", "channel_id", "message_id", "author_id", "kind", "status", "text", "compound"),
    *("reason", "created_at", "resolved_at", "topic"),
)
_NEW_FLAG_NULLABLE = (7, 8, 9, 11, 12)  # text, compound, reason, resolved_at, topic
FLAG_COLUMNS = (
    "id, guild_id, channel_id, message_id, author_id, kind, status, text, compound, reason, created_at,"
    " resolved_at, resolved_by, review_channel_id, review_message_id, topic"
)


class _Msg:
    __slots__ = (
        "author_id",
        "channel_id",
        "compound",
        "created_at",
        "guild_id",
        "is_spam",
        "language",
        "message_id",
        "neg",
        "neu",
        "parent_channel_id",
        "pos",
        "reactions",
        "replies",
        "reply_to_id",
        "scored",
    )

    def __init__(self, row: Sequence[Any]) -> None:
        (
            self.message_id,
            self.guild_id,
            self.channel_id,
            self.author_id,
            self.created_at,
            self.reply_to_id,
            self.parent_channel_id,
            scored,
            self.compound,
            self.pos,
            self.neu,
            self.neg,
            self.language,
            is_spam,
            self.reactions,
            self.replies,
        ) = row
        self.scored = bool(scored)
        self.is_spam = bool(is_spam)

    def row(self) -> tuple[Any, ...]:
        return (
            self.message_id,
            self.guild_id,
            self.channel_id,
            self.author_id,
            self.created_at,
            self.reply_to_id,
            self.parent_channel_id,
            int(self.scored),
            self.compound,
            self.pos,
            self.neu,
            self.neg,
            self.language,
            int(self.is_spam),
            self.reactions,
            self.replies,
        )

    def vector(self) -> list[int]:
        """This message's contribution to the bucket roll-ups (BUCKET_COLUMNS order; presence takes the
        first N_VEC)."""
        v = [1, 0 if self.reply_to_id is None else 1, self.reactions, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        if self.is_spam:
            v[6] = 1
        elif self.scored:
            c = self.compound
            v[3 if c >= POSITIVE_CUTOFF else 5 if c <= NEGATIVE_CUTOFF else 4] = 1
            v[7] = round(c * 10000)
            v[_LANG_SLOT.get(self.language, _OTHER_SLOT)] = 1
        return v


def _add(acc: dict[Any, list[int]], key: Any, vec: list[int], sign: int) -> None:
    cur = acc.get(key)
    if cur is None:
        acc[key] = vec[:] if sign > 0 else [-x for x in vec]
    else:
        for i, x in enumerate(vec):
            if x:
                cur[i] += sign * x


def _chunks(items: Sequence[Any], size: int = _ID_CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def flag_from_row(row: Sequence[Any]) -> Flag:
    return Flag(
        id=row[0],
        guild_id=row[1],
        channel_id=row[2],
        message_id=row[3],
        author_id=row[4],
        kind=FlagKind(row[5]),
        status=FlagStatus(row[6]),
        text=row[7],
        compound=row[8],
        reason=row[9],
        created_at=row[10],
        resolved_at=row[11],
        resolved_by=row[12],
        review_channel_id=row[13],
        review_message_id=row[14],
        topic=row[15],
    )


class EditableFlag(Protocol):
    kind: FlagKind
    text: str | None
    compound: float | None
    reason: str | None
    topic: str | None
    status: FlagStatus
    resolved_at: int | None


def refresh_on_edit(
    flag: EditableFlag, request: FlagRequest | None, compound: float | None, now: int
) -> bool:
    """What an edit does to an open automatic flag: resolved when the edited text is no longer flagged,
    updated when its kind, text, score or reason changed. True when the flag changed."""
    if request is None:
        flag.status = FlagStatus.AUTO_RESOLVED
        flag.resolved_at = now
        return True
    if (flag.kind, flag.text, flag.compound, flag.reason, flag.topic) == (
        request.kind,
        request.text,
        compound,
        request.reason,
        request.topic,
    ):
        return False
    flag.kind = request.kind
    flag.text = request.text
    flag.compound = compound
    flag.reason = request.reason
    flag.topic = request.topic
    return True


@dataclass(slots=True)
class _FlagState:
    id: int | None
    guild_id: int
    channel_id: int
    message_id: int
    author_id: int
    kind: FlagKind
    status: FlagStatus
    text: str | None
    compound: float | None
    reason: str | None
    created_at: int
    resolved_at: int | None = None
    resolved_by: int | None = None
    review_channel_id: int | None = None
    review_message_id: int | None = None
    topic: str | None = None
    dirty: bool = False

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> _FlagState:
        f = flag_from_row(row)
        return cls(
            f.id,
            f.guild_id,
            f.channel_id,
            f.message_id,
            f.author_id,
            f.kind,
            f.status,
            f.text,
            f.compound,
            f.reason,
            f.created_at,
            f.resolved_at,
            f.resolved_by,
            f.review_channel_id,
            f.review_message_id,
            f.topic,
        )

    def freeze(self) -> Flag:
        assert self.id is not None
        return Flag(
            id=self.id,
            guild_id=self.guild_id,
            channel_id=self.channel_id,
            message_id=self.message_id,
            author_id=self.author_id,
            kind=self.kind,
            status=self.status,
            text=self.text,
            compound=self.compound,
            reason=self.reason,
            created_at=self.created_at,
            resolved_at=self.resolved_at,
            resolved_by=self.resolved_by,
            review_channel_id=self.review_channel_id,
            review_message_id=self.review_message_id,
            topic=self.topic,
        )


def _load_messages(conn: sqlite3.Connection, ids: Iterable[int]) -> dict[int, _Msg]:
    out: dict[int, _Msg] = {}
    id_list = list(ids)
    for chunk in _chunks(id_list):
        sql = f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE message_id IN ({','.join('?' * len(chunk))})"
        for row in conn.execute(sql, chunk):
            out[row[0]] = _Msg(row)
    return out


def _load_flags(
    conn: sqlite3.Connection, keys: set[tuple[int, int]]
) -> dict[tuple[int, int], list[_FlagState]]:
    by_guild: dict[int, list[int]] = {}
    for g, mid in keys:
        by_guild.setdefault(g, []).append(mid)
    out: dict[tuple[int, int], list[_FlagState]] = {}
    for g, mids in by_guild.items():
        for chunk in _chunks(mids):
            sql = (
                f"SELECT {FLAG_COLUMNS} FROM flags WHERE guild_id = ? AND message_id IN"
                f" ({','.join('?' * len(chunk))}) ORDER BY id"
            )
            for row in conn.execute(sql, [g, *chunk]):
                out.setdefault((g, row[3]), []).append(_FlagState.from_row(row))
    return out


_VEC = ", ".join(BUCKET_COLUMNS)
# {t}: the table's name (PostgreSQL rejects a bare column here as ambiguous with excluded's)
_VEC_SET = ", ".join(f"{c} = {{t}}.{c} + excluded.{c}" for c in BUCKET_COLUMNS)


def _upsert_bucket(
    conn: sqlite3.Connection, table: str, key_cols: tuple[str, ...], deltas: dict[Any, list[int]]
) -> None:
    rows = [(*k, *v) for k, v in deltas.items() if any(v)]
    if not rows:
        return
    keys = ", ".join(key_cols)
    marks = ",".join("?" * (len(key_cols) + N_BUCKET))
    conn.executemany(
        f"INSERT INTO {table} ({keys}, {_VEC}) VALUES ({marks})"
        f" ON CONFLICT ({keys}) DO UPDATE SET {_VEC_SET.format(t=table)}",
        rows,
    )
    emptied = [k for k, v in deltas.items() if v[0] < 0]
    if emptied:
        where = " AND ".join(f"{c} = ?" for c in key_cols)
        conn.executemany(f"DELETE FROM {table} WHERE {where} AND messages <= 0", emptied)


class _Batch:
    def __init__(self, conn: sqlite3.Connection, now: int, cache: LastHourCache) -> None:
        self.conn = conn
        self.now = now
        self.cache = cache
        self.cache_updates: dict[tuple[int, int, int], int | None] = {}
        self.state: dict[int, _Msg | None] = {}
        self.orig: dict[int, _Msg] = {}
        self.dirty: set[int] = set()
        self.channel_hour: dict[tuple[int, int, int], list[int]] = {}
        self.author_hour: dict[Key, list[int]] = {}
        self.channel_author_hour: dict[Key, int] = {}
        self.cursors: dict[tuple[int, int], int] = {}
        self.parents_seen: dict[tuple[int, int], int] = {}  # (guild, channel) -> parent, first seen
        self.flags: dict[tuple[int, int], list[_FlagState]] = {}
        self.new_flags: list[_FlagState] = []
        self.reported: list[_FlagState] = []
        self.expired: set[int] = set()  # created messages the retention sweep already had (_expired)
        # /trends: per (guild, UTC day) comments counted and term -> [comments, compound x 10000]
        self.term_days: _trends.DayCounts = {}
        self.term_counts: _trends.TermDeltas = {}
        self.early: dict[tuple[int, int], int] = {}  # (guild, message) -> first-day reaction change
        self.early_unknown: set[tuple[int, int]] = set()  # counts read from history after the first day

    # -- loading ---------------------------------------------------------------------------------------------
    def load(self, ops: Sequence[WriteOp]) -> None:
        ids: set[int] = set()
        flag_keys: set[tuple[int, int]] = set()
        deleting: set[int] = set()
        for op in ops:
            if isinstance(op, MessageCreated):
                ids.add(op.record.message_id)
                if op.record.reply_to_id is not None:
                    ids.add(op.record.reply_to_id)
            elif isinstance(op, MessagesBulkDeleted):
                ids.update(op.message_ids)
                deleting.update(op.message_ids)
                flag_keys.update((op.guild_id, mid) for mid in op.message_ids)
            else:
                ids.add(op.message_id)
                if isinstance(op, MessageDeleted):
                    deleting.add(op.message_id)
                if isinstance(op, MessageEdited | MessageDeleted):
                    flag_keys.add((op.guild_id, op.message_id))
        # an id above the newest stored one is not stored (live messages are new snowflakes): one seek
        # instead of looking up every created message
        top = self.conn.execute("SELECT max(message_id) FROM messages").fetchone()[0]
        self.orig = _load_messages(self.conn, [] if top is None else [i for i in ids if i <= top])
        self.expired = self._expired(ops)
        # parents of stored messages that this batch deletes (their reply counter goes down)
        parents = {
            m.reply_to_id for mid, m in self.orig.items() if mid in deleting and m.reply_to_id is not None
        }
        parents -= ids
        if parents:
            self.orig.update(_load_messages(self.conn, parents))
        self.state = dict(self.orig)
        if flag_keys:
            self.flags = _load_flags(self.conn, flag_keys)

    def _expired(self, ops: Sequence[WriteOp]) -> set[int]:
        """Created messages at or below their channel's expiry mark (migration 0008): counted before and
        deleted by the retention sweep, or older than its window. Live messages are above every mark: one
        seek decides that for the whole batch."""
        mark = self.conn.execute("SELECT max(up_to_id) FROM message_expiry").fetchone()[0]
        if mark is None:
            return set()
        old = [op.record for op in ops if isinstance(op, MessageCreated) and op.record.message_id <= mark]
        if not old:
            return set()
        marks: dict[tuple[int, int], int] = {}
        for key in {(r.guild_id, r.channel_id) for r in old}:
            row = self.conn.execute(
                "SELECT up_to_id FROM message_expiry WHERE guild_id = ? AND channel_id = ?", key
            ).fetchone()
            if row is not None:
                marks[key] = row[0]
        return {r.message_id for r in old if r.message_id <= marks.get((r.guild_id, r.channel_id), -1)}

    # -- simulation ------------------------------------------------------------------------------------------
    def run(self, ops: Sequence[WriteOp]) -> None:
        for op in ops:
            if isinstance(op, MessageCreated):
                self._create(op)
            elif isinstance(op, ReactionChanged):
                self._react(op)
            elif isinstance(op, MessageEdited):
                self._edit(op)
            elif isinstance(op, MessageDeleted):
                self._delete(op.guild_id, op.message_id)
            elif isinstance(op, MessagesBulkDeleted):
                for mid in op.message_ids:
                    self._delete(op.guild_id, mid)

    def _get(self, guild_id: int, message_id: int) -> _Msg | None:
        m = self.state.get(message_id)
        return m if m is not None and m.guild_id == guild_id else None

    def _touch(self, m: _Msg) -> None:
        if self.orig.get(m.message_id) is m:
            self.dirty.add(m.message_id)

    def _contribute(self, m: _Msg, vec: list[int], sign: int, count_channel: bool) -> None:
        hour = m.created_at - m.created_at % HOUR
        _add(self.channel_hour, (m.guild_id, m.channel_id, hour), vec, sign)
        _add(self.author_hour, (m.guild_id, m.author_id, 0, hour), vec[:N_VEC], sign)
        if count_channel:
            key = (m.guild_id, m.author_id, m.channel_id, hour)
            self.channel_author_hour[key] = self.channel_author_hour.get(key, 0) + sign

    def _create(self, op: MessageCreated) -> None:
        # the hot path: written out instead of going through vector()/_contribute()
        r = op.record
        mid = r.message_id
        if self.state.get(mid) is not None or mid in self.expired:
            return  # already stored, or counted before the retention sweep deleted it: exactly once
        m = _Msg.__new__(_Msg)
        m.message_id = mid
        g = m.guild_id = r.guild_id
        ch = m.channel_id = r.channel_id
        au = m.author_id = r.author_id
        at = m.created_at = int(r.created_at)
        reply_to = m.reply_to_id = r.reply_to_id
        m.parent_channel_id = r.parent_channel_id
        scored = m.scored = bool(r.scored)
        c = m.compound = float(r.compound)
        m.pos, m.neu, m.neg = float(r.pos), float(r.neu), float(r.neg)
        m.language = r.language
        spam = m.is_spam = bool(r.is_spam)
        m.reactions = 0
        m.replies = 0
        self.state[mid] = m
        parent_ch = r.parent_channel_id
        if parent_ch is not None and parent_ch > 0 and parent_ch != ch and (g, ch) not in self.parents_seen:
            self.parents_seen[(g, ch)] = parent_ch

        hour = at - at % HOUR
        bkey = (g, ch, hour)
        v = self.channel_hour.get(bkey)
        if v is None:
            v = self.channel_hour[bkey] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        akey = (g, au, 0, hour)
        a = self.author_hour.get(akey)
        if a is None:
            a = self.author_hour[akey] = [0, 0, 0, 0, 0, 0, 0, 0]
        v[0] += 1
        a[0] += 1
        if reply_to is not None:
            v[1] += 1
            a[1] += 1
        if spam:
            v[6] += 1
            a[6] += 1
        elif scored:
            i = 3 if c >= POSITIVE_CUTOFF else 5 if c <= NEGATIVE_CUTOFF else 4
            e4 = round(c * 10000)
            v[i] += 1
            a[i] += 1
            v[7] += e4
            a[7] += e4
            v[_LANG_SLOT.get(m.language, _OTHER_SLOT)] += 1
        ckey = (g, au, ch, hour)
        cah = self.channel_author_hour
        cah[ckey] = cah.get(ckey, 0) + 1

        if reply_to is not None:
            parent = self._get(g, reply_to)
            if parent is not None:
                parent.replies += 1
                self._touch(parent)
        cur = (g, ch)
        if mid > self.cursors.get(cur, 0):
            self.cursors[cur] = mid
        if op.flag is not None:
            self._new_flag(m, op.flag, c if scored else None, at)
        if op.terms is not None and scored and not spam:
            self._count_terms(g, at - at % DAY, op.terms, round(c * 10000))

    def _count_terms(self, g: int, day: int, terms: tuple[str, ...], e4: int) -> None:
        key = (g, day)
        self.term_days[key] = self.term_days.get(key, 0) + 1
        if not terms:
            return
        counts = self.term_counts.get(key)
        if counts is None:
            counts = self.term_counts[key] = {}
        for term in terms:
            v = counts.get(term)
            if v is None:
                counts[term] = [1, e4]
            else:
                v[0] += 1
                v[1] += e4

    def _react(self, op: ReactionChanged) -> None:
        m = self._get(op.guild_id, op.message_id)
        if m is None:
            return
        new = max(0, op.delta) if op.clear else max(0, m.reactions + op.delta)
        d = new - m.reactions
        if not d:
            return
        m.reactions = new
        self._touch(m)
        key = (m.guild_id, m.message_id)
        if self.now - m.created_at < DAY:  # its first 24 hours (/top announcements, migration 0011)
            self.early[key] = self.early.get(key, 0) + d
        elif op.clear or m.message_id not in self.orig:  # a count read from history after its first day
            self.early_unknown.add(key)
        self._contribute(m, [0, 0, d, 0, 0, 0, 0, 0, 0, 0, 0, 0], 1, False)

    def _edit(self, op: MessageEdited) -> None:
        m = self._get(op.guild_id, op.message_id)
        if m is not None:
            before = m.vector()
            m.scored = op.scored
            m.compound = float(op.compound)
            m.pos, m.neu, m.neg = float(op.pos), float(op.neu), float(op.neg)
            m.language = op.language
            m.is_spam = op.is_spam
            self._touch(m)
            after = m.vector()
            self._contribute(m, [a - b for a, b in zip(after, before, strict=True)], 1, False)
        flags = self.flags.get((op.guild_id, op.message_id), [])
        open_flag = next((f for f in flags if f.status is FlagStatus.OPEN), None)
        compound = op.compound if op.scored else None
        if open_flag is not None:
            if open_flag.kind not in AUTOMATIC:
                return  # a moderator's own flag stays as it is
            if refresh_on_edit(open_flag, op.flag, compound, self.now):
                self._report(open_flag)
        elif op.flag is not None and m is not None:
            kind = op.flag.kind
            if not any(f.kind is kind and f.status in REVIEWED for f in flags):
                self._new_flag(m, op.flag, compound, self.now)

    def _delete(self, guild_id: int, message_id: int) -> None:
        m = self._get(guild_id, message_id)
        if m is not None:
            self._contribute(m, m.vector(), -1, True)
            if m.reply_to_id is not None:
                parent = self._get(guild_id, m.reply_to_id)
                if parent is not None and parent.replies > 0:
                    parent.replies -= 1
                    self._touch(parent)
            self.state[message_id] = None
            self.early.pop((guild_id, message_id), None)  # its stored row goes with it (trigger)
            self.early_unknown.discard((guild_id, message_id))
        for f in self.flags.get((guild_id, message_id), []):
            if f.text is not None:
                f.text = None
                f.dirty = True
            if f.status is FlagStatus.OPEN:
                f.status = FlagStatus.MESSAGE_DELETED
                f.resolved_at = self.now
                self._report(f)

    def _new_flag(self, m: _Msg, req: FlagRequest, compound: float | None, at: int) -> None:
        f = _FlagState(
            id=None,
            guild_id=m.guild_id,
            channel_id=m.channel_id,
            message_id=m.message_id,
            author_id=m.author_id,
            kind=req.kind,
            status=FlagStatus.OPEN,
            text=req.text,
            compound=compound,
            reason=req.reason,
            created_at=at,
            topic=req.topic,
        )
        self.flags.setdefault((m.guild_id, m.message_id), []).append(f)
        self.new_flags.append(f)

    def _report(self, f: _FlagState) -> None:
        f.dirty = True
        if f.id is not None and not any(x is f for x in self.reported):
            self.reported.append(f)

    # -- writing ---------------------------------------------------------------------------------------------
    def write(self) -> list[FlagChange]:
        conn = self.conn
        deletes: list[tuple[int]] = []
        inserts: dict[tuple[bool, ...], list[Row]] = {}  # by which of _MESSAGE_NULLABLE are None
        updates: list[tuple[Any, ...]] = []
        orig = self.orig
        for mid, m in self.state.items():
            old = orig.get(mid)
            if m is None:
                if old is not None:
                    deletes.append((mid,))
            elif old is None or m is not old:
                if old is not None:  # deleted and created again in this batch
                    deletes.append((mid,))
                shape = (m.reply_to_id is None, m.parent_channel_id is None, m.language is None)
                rows = inserts.get(shape)
                if rows is None:
                    inserts[shape] = [m.row()]
                else:
                    rows.append(m.row())
            elif mid in self.dirty:
                updates.append(
                    (
                        int(m.scored),
                        m.compound,
                        m.pos,
                        m.neu,
                        m.neg,
                        m.language,
                        int(m.is_spam),
                        m.reactions,
                        m.replies,
                        mid,
                    )
                )
        if deletes:
            conn.executemany("DELETE FROM messages WHERE message_id = ?", deletes)
        if inserts:
            insert_rows(conn, "INSERT INTO messages", _MESSAGE_NAMES, _MESSAGE_NULLABLE, inserts)
        if updates:
            conn.executemany(
                "UPDATE messages SET scored = ?, compound = ?, pos = ?, neu = ?, neg = ?, language = ?,"
                " is_spam = ?, reactions = ?, replies = ? WHERE message_id = ?",
                updates,
            )
        if self.early or self.early_unknown:
            write_early_reactions(conn, self.early, self.early_unknown)

        # threads: what changes in a mapped channel also changes in its parent's thread rows / presence scope
        # (read before the bucket writes below: a newly learned mapping copies the committed rows)
        parents, learned = self._parents()
        thread_hour: dict[tuple[int, int, int], list[int]] = {}
        scoped: dict[Key, int] = dict(self.channel_author_hour)
        for g, ch, p in learned:
            for hour, *vec in conn.execute(
                f"SELECT hour, {_VEC} FROM channel_hour WHERE guild_id = ? AND channel_id = ?", (g, ch)
            ):
                _add(thread_hour, (g, p, hour), vec, 1)
            for au, hour, n in conn.execute(
                "SELECT author_id, hour, messages FROM presence WHERE guild_id = ? AND scope_id = ?", (g, ch)
            ):
                pkey = (g, au, p, hour)
                scoped[pkey] = scoped.get(pkey, 0) + n
        if parents:
            for (g, ch, hour), vec in self.channel_hour.items():
                par = parents.get((g, ch))
                if par is not None:
                    _add(thread_hour, (g, par, hour), vec, 1)
            for (g, au, ch, hour), n in self.channel_author_hour.items():
                par = parents.get((g, ch))
                if par is not None and n:
                    pkey = (g, au, par, hour)
                    scoped[pkey] = scoped.get(pkey, 0) + n

        # buckets: (channel, hour) sums drive the server's; (parent's threads, hour) sums drive their days
        channel_day: dict[tuple[int, int, int], list[int]] = {}
        guild_hour: dict[tuple[int, int], list[int]] = {}
        guild_day: dict[tuple[int, int], list[int]] = {}
        for (g, ch, hour), vec in self.channel_hour.items():
            day = hour - hour % DAY
            _add(channel_day, (g, ch, day), vec, 1)
            _add(guild_hour, (g, hour), vec, 1)
            _add(guild_day, (g, day), vec, 1)
        thread_day: dict[tuple[int, int, int], list[int]] = {}
        for (g, p, hour), vec in thread_hour.items():
            _add(thread_day, (g, p, hour - hour % DAY), vec, 1)
        _upsert_bucket(conn, "channel_hour", ("guild_id", "channel_id", "hour"), self.channel_hour)
        _upsert_bucket(conn, "channel_day", ("guild_id", "channel_id", "day"), channel_day)
        _upsert_bucket(conn, "guild_hour", ("guild_id", "hour"), guild_hour)
        _upsert_bucket(conn, "guild_day", ("guild_id", "day"), guild_day)
        _upsert_bucket(conn, "thread_hour", ("guild_id", "parent_id", "hour"), thread_hour)
        _upsert_bucket(conn, "thread_day", ("guild_id", "parent_id", "day"), thread_day)

        presence = self.author_hour
        for key, n in scoped.items():
            if n:
                presence[key] = [n, 0, 0, 0, 0, 0, 0, 0]
        self.cache_updates = write_presence(conn, presence, self.cache)

        if self.cursors:
            conn.executemany(
                "INSERT INTO channel_cursors (guild_id, channel_id, last_message_id) VALUES (?, ?, ?)"
                " ON CONFLICT (guild_id, channel_id) DO UPDATE SET last_message_id ="
                " CASE WHEN excluded.last_message_id > channel_cursors.last_message_id"
                " THEN excluded.last_message_id ELSE channel_cursors.last_message_id END",
                [(g, ch, mid) for (g, ch), mid in self.cursors.items()],
            )
        _trends.write_terms(conn, self.term_days, self.term_counts)
        return self._write_flags()

    def _parents(self) -> tuple[dict[tuple[int, int], int], list[tuple[int, int, int]]]:
        """(guild, channel) -> parent for the channels this batch touches, and the mappings learned now
        (already inserted into channel_parents) as (guild, channel, parent)."""
        conn = self.conn
        by_guild: dict[int, set[int]] = {}
        for g, ch, _ in self.channel_hour:
            by_guild.setdefault(g, set()).add(ch)
        for g, _, ch, _ in self.channel_author_hour:
            by_guild.setdefault(g, set()).add(ch)
        for g, ch in self.parents_seen:
            by_guild.setdefault(g, set()).add(ch)
        known: dict[tuple[int, int], int] = {}
        for g, channels in by_guild.items():
            for chunk in _chunks(sorted(channels)):
                sql = (
                    "SELECT channel_id, parent_id FROM channel_parents WHERE guild_id = ?"
                    f" AND channel_id IN ({','.join('?' * len(chunk))})"
                )
                for ch, p in conn.execute(sql, [g, *chunk]):
                    known[(g, ch)] = p
        learned: list[tuple[int, int, int]] = []
        for (g, ch), p in self.parents_seen.items():
            if (g, ch) in known:
                continue
            # one level only: a parent is never a child, a child never a parent
            is_parent = any(lg == g and lp == ch for lg, _, lp in learned) or (
                conn.execute(
                    "SELECT 1 FROM channel_parents WHERE guild_id = ? AND parent_id = ? LIMIT 1", (g, ch)
                ).fetchone()
                is not None
            )
            is_child = any(lg == g and lc == p for lg, lc, _ in learned) or (
                conn.execute(
                    "SELECT 1 FROM channel_parents WHERE guild_id = ? AND channel_id = ?", (g, p)
                ).fetchone()
                is not None
            )
            if is_parent or is_child:
                continue
            known[(g, ch)] = p
            learned.append((g, ch, p))
        if learned:
            conn.executemany(
                "INSERT INTO channel_parents (guild_id, channel_id, parent_id) VALUES (?, ?, ?)", learned
            )
        return known, learned

    def _write_flags(self) -> list[FlagChange]:
        conn = self.conn
        changed = [f for fl in self.flags.values() for f in fl if f.id is not None and f.dirty]
        if changed:
            conn.executemany(
                "UPDATE flags SET kind = ?, status = ?, text = ?, compound = ?, reason = ?, topic = ?,"
                " resolved_at = ? WHERE id = ?",
                [
                    (f.kind.value, f.status.value, f.text, f.compound, f.reason, f.topic, f.resolved_at, f.id)
                    for f in changed
                ],
            )
        out = [FlagChange(flag=f.freeze(), created=False) for f in self.reported]
        if not self.new_flags:
            return out
        # ids handed out here, as AUTOINCREMENT would (after the largest ever used), so the new flags go in
        # with one executemany instead of one INSERT each (a busy server flags a good share of comments)
        if getattr(conn, "dialect", "sqlite") == "postgresql":
            # from the identity's sequence: other processes hand out ids too
            ids = conn.execute(
                "SELECT nextval(pg_get_serial_sequence('flags', 'id')) FROM generate_series(1, ?)",
                (len(self.new_flags),),
            ).fetchall()
            for f, (new_id,) in zip(self.new_flags, ids, strict=True):
                f.id = int(new_id)
        else:
            row = conn.execute(
                "SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'flags'), 0),"
                " coalesce((SELECT max(id) FROM flags), 0))"
            ).fetchone()
            next_id = int(row[0]) + 1
            for f in self.new_flags:
                f.id = next_id
                next_id += 1
        shapes: dict[tuple[bool, ...], list[Row]] = {}
        for f in self.new_flags:
            row = (
                f.id,
                f.guild_id,
                f.channel_id,
                f.message_id,
                f.author_id,
                f.kind.value,
                f.status.value,
                f.text,
                f.compound,
                f.reason,
                f.created_at,
                f.resolved_at,
                f.topic,
            )
            shape = (row[7] is None, row[8] is None, row[9] is None, row[11] is None, row[12] is None)
            shapes.setdefault(shape, []).append(row)
        insert_rows(conn, "INSERT INTO flags", _NEW_FLAG_NAMES, _NEW_FLAG_NULLABLE, shapes)
        # a flag opened and closed within one batch has nothing to post
        out.extend(
            FlagChange(flag=f.freeze(), created=True) for f in self.new_flags if f.status is FlagStatus.OPEN
        )
        return out


def apply_batch(
    conn: sqlite3.Connection, ops: Sequence[WriteOp], now: int, cache: LastHourCache | None = None
) -> list[FlagChange]:
    """Apply ``ops`` in one transaction on ``conn`` (autocommit mode); returns what happened to flags.

    ``cache`` (one per writer connection) saves reads across batches; without one every batch reads the
    neighbours it needs."""
    if not ops:
        return []
    if cache is None:
        cache = LastHourCache()
    conn.execute("BEGIN IMMEDIATE")
    try:
        cache.check(conn)
        batch = _Batch(conn, now, cache)
        batch.load(ops)
        batch.run(ops)
        changes = batch.write()
        # campaigns (migration 0013): the batch's mentions, once its messages are written
        _campaigns.record(conn, ops)
    except BaseException:
        conn.execute("ROLLBACK")
        cache.reset()
        raise
    conn.execute("COMMIT")
    cache.commit(batch.cache_updates)
    return changes
