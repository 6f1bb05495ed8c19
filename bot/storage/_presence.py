"""Author presence rows: who was active in which hour, per server (scope 0) and per channel (scope = channel).

Exact distinct-author counts over any hour-aligned range without scanning the range:

    active(s, e) = number of rows with s <= hour < e whose prev_hour < s (or is NULL)

because every author active in [s, e) has exactly one such row (their first active hour in the range). A row
with prev_hour < s <= hour spans the point s with a gap of length L = hour - prev_hour, and a gap of class
k = floor(log2(L / 1h)) that spans s starts in [s - (2^(k+1) - 1) h, s). So per class the index
``(guild_id, scope_id, gap_class, prev_hour, hour)`` is read only over that window; gaps of one author do not
overlap, so each author has at most two rows of a class in it. First rows (prev_hour NULL) are found by a
seek on ``gap_class = -1 AND prev_hour IS NULL AND hour in [s, e)``.

Keeping prev_hour right: a batch adds rows (an author's first message in an hour) and removes rows (the last
one deleted). Before writing, one query fetches, for every key whose message count changes, its current count
and its nearest existing neighbours (previous and next hour of the same author and scope). From those the new
prev_hour of each added row and of each existing row right after a change follows without more reads.
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_left
from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from bot.core.periods import HOUR

MAX_GAP_CLASS = 20  # 2^21 hours ~ 239 years
VECTOR_COLUMNS = (
    "messages",
    "replies",
    "reactions",
    "positive",
    "neutral",
    "negative",
    "spam",
    "compound_e4",
)

# (guild_id, author_id, scope_id, hour)
Key = tuple[int, int, int, int]
Group = tuple[int, int, int]  # (guild_id, author_id, scope_id)
Info = tuple[int | None, int | None, int | None]  # (current message count or None, previous hour, next hour)
Change = tuple[int, bool, int | None, int | None]  # (hour, added (else removed), previous hour, next hour)

_NO_ROW: tuple[None, None, None] = (None, None, None)
_PRESENCE_COLUMNS = ("guild_id", "author_id", "scope_id", "hour", *VECTOR_COLUMNS, "prev_hour", "gap_class")
_FETCH_CHUNK = 2000  # keys per neighbour query (4 parameters each)


Row = tuple[Any, ...]


def insert_rows(
    conn: sqlite3.Connection,
    head: str,
    columns: Sequence[str],
    nullable: Sequence[int],
    shapes: dict[tuple[bool, ...], list[Row]],
    tail: str = "",
) -> None:
    """``{head} (columns) VALUES (...){tail}`` for full-width rows grouped by which ``nullable`` positions
    hold None (``shapes``: mask -> rows): one statement per shape, NULL written into its SQL and the Nones
    left out of its parameters. The sqlite3 module looks an adapter up for every None it binds (thousands of
    instructions each, more than the row's insert itself costs per value); a literal NULL costs nothing."""
    if not tail and head.startswith("INSERT INTO ") and getattr(conn, "dialect", "sqlite") == "postgresql":
        # PostgreSQL: COPY, measured about 8x faster than a pipelined INSERT for a batch's new messages
        rows_all = [r for rows in shapes.values() for r in rows]
        conn.copy_rows(head.removeprefix("INSERT INTO ").strip(), columns, rows_all)  # type: ignore[attr-defined]
        return
    names = ", ".join(columns)
    for mask, rows in shapes.items():
        if not rows:
            continue
        nulls = {i for i, is_null in zip(nullable, mask, strict=True) if is_null}
        values = ",".join("NULL" if i in nulls else "?" for i in range(len(columns)))
        params: Sequence[Row] = rows
        if nulls:
            keep = [i for i in range(len(columns)) if i not in nulls]
            pick = itemgetter(*keep)
            params = list(map(pick, rows)) if len(keep) > 1 else [(r[keep[0]],) for r in rows]
        conn.executemany(f"{head} ({names}) VALUES ({values}){tail}", params)


def gap_class(hour: int, prev_hour: int | None) -> int:
    if prev_hour is None:
        return -1
    return ((hour - prev_hour) // HOUR).bit_length() - 1


def _keys_table(
    conn: sqlite3.Connection, keys: Sequence[tuple[int, ...]], width: int
) -> tuple[str, list[Any]]:
    """A table of ``keys`` for a CTE: SQLite's ``VALUES (?,?),...``; PostgreSQL's ``unnest`` of one array per
    column (one statement whatever the count, and typed: PostgreSQL reads a bare ``VALUES (?)`` as text)."""
    if getattr(conn, "dialect", "sqlite") == "postgresql":
        arrays = ", ".join(["?::bigint[]"] * width)
        return f"SELECT * FROM unnest({arrays})", [list(column) for column in zip(*keys, strict=True)]
    row = "(" + ",".join("?" * width) + ")"
    return "VALUES " + ",".join([row] * len(keys)), [x for key in keys for x in key]


_KEY_COLUMNS = ("guild_id", "author_id", "scope_id", "hour")


def add_to_rows(conn: sqlite3.Connection, columns: Sequence[str], rows: Sequence[tuple[int, ...]]) -> int:
    """``UPDATE presence SET c = c + ?`` for each of ``columns``, each row giving the amounts then the key;
    returns how many rows were updated. SQLite: executemany. PostgreSQL: one statement over arrays
    (``unnest``): its status gives the count a pipelined executemany cannot, in one round trip, not one per
    row."""
    if getattr(conn, "dialect", "sqlite") != "postgresql":
        sets = ", ".join(f"{c} = {c} + ?" for c in columns)
        where = " AND ".join(f"{k} = ?" for k in _KEY_COLUMNS)
        return int(conn.executemany(f"UPDATE presence SET {sets} WHERE {where}", rows).rowcount)
    names = [f"d{i}" for i in range(len(columns))] + list(_KEY_COLUMNS)
    arrays = ", ".join(["?::bigint[]"] * len(names))
    sets = ", ".join(f"{c} = presence.{c} + v.d{i}" for i, c in enumerate(columns))
    where = " AND ".join(f"presence.{k} = v.{k}" for k in _KEY_COLUMNS)
    sql = f"UPDATE presence SET {sets} FROM unnest({arrays}) AS v({', '.join(names)}) WHERE {where}"
    return int(conn.execute(sql, [list(column) for column in zip(*rows, strict=True)]).rowcount)


def _fetch_neighbours(conn: sqlite3.Connection, keys: list[Key]) -> dict[Key, Info]:
    """key -> (current message count or None, previous existing hour, next existing hour)."""
    out: dict[Key, Info] = {}
    for i in range(0, len(keys), _FETCH_CHUNK):
        chunk = keys[i : i + _FETCH_CHUNK]
        values, params = _keys_table(conn, chunk, 4)
        sql = f"""
            WITH k(g, a, s, h) AS ({values})
            SELECT k.g, k.a, k.s, k.h,
                (SELECT p.messages FROM presence p
                  WHERE p.guild_id = k.g AND p.author_id = k.a AND p.scope_id = k.s AND p.hour = k.h),
                (SELECT p.hour FROM presence p
                  WHERE p.guild_id = k.g AND p.author_id = k.a AND p.scope_id = k.s AND p.hour < k.h
                  ORDER BY p.hour DESC LIMIT 1),
                (SELECT p.hour FROM presence p
                  WHERE p.guild_id = k.g AND p.author_id = k.a AND p.scope_id = k.s AND p.hour > k.h
                  ORDER BY p.hour LIMIT 1)
            FROM k"""
        for g, a, s, h, count, prev, nxt in conn.execute(sql, params):
            out[(g, a, s, h)] = (count, prev, nxt)
    return out


def _fetch_newest(conn: sqlite3.Connection, groups: set[Group]) -> dict[Group, int | None]:
    """group -> its newest hour with a presence row (None: no row at all)."""
    out: dict[Group, int | None] = {}
    ordered = list(groups)
    for i in range(0, len(ordered), _FETCH_CHUNK):
        chunk = ordered[i : i + _FETCH_CHUNK]
        values, params = _keys_table(conn, chunk, 3)
        sql = f"""
            WITH k(g, a, s) AS ({values})
            SELECT k.g, k.a, k.s,
                (SELECT max(p.hour) FROM presence p
                  WHERE p.guild_id = k.g AND p.scope_id = k.s AND p.author_id = k.a)
            FROM k"""
        for g, a, s, hour in conn.execute(sql, params):
            out[(g, a, s)] = hour
    return out


class LastHourCache:
    """(guild, author, scope) -> the newest hour that has a presence row, as committed.

    Lets most keys skip the neighbour query: an hour after the newest is a new row whose previous hour is the
    newest and which has no successor; the newest hour itself is an existing row. Valid only while this
    connection is the only writer: ``check`` clears it when ``PRAGMA data_version`` shows another
    connection's commit (e.g. ``sentimeter analyze`` writing while the bot runs).

    ``complete``: every group that has a row is in ``last`` (the cache started on an empty presence table and
    has followed every commit since), so a group missing from it has no row at all and needs no read. Lost
    (until the next start) as soon as a group is forgotten or the cache is cleared."""

    MAX_ENTRIES = 1_000_000

    def __init__(self) -> None:
        self.last: dict[Group, int] = {}
        self.complete = False
        self._data_version: int | None = None

    def check(self, conn: sqlite3.Connection) -> None:
        """Call inside the batch's transaction, before using the cache."""
        if getattr(conn, "dialect", "sqlite") == "postgresql":
            # PostgreSQL: several bot processes write presence and no counter tells this one about their
            # commits (data_version is SQLite's), so the cache is off: every key takes the neighbour query.
            self.last.clear()
            self.complete = False
            return
        version = int(conn.execute("PRAGMA data_version").fetchone()[0])
        if version != self._data_version:
            self.last.clear()
            self._data_version = version
            self.complete = conn.execute("SELECT NOT EXISTS (SELECT 1 FROM presence)").fetchone()[0] == 1

    def reset(self) -> None:
        """Forget everything (a batch was rolled back)."""
        self.last.clear()
        self.complete = False

    def commit(self, updates: dict[Group, int | None]) -> None:
        """Called after COMMIT with the batch's outcome (None: unknown, forget the group)."""
        last = self.last
        if len(last) + len(updates) > self.MAX_ENTRIES:
            last.clear()
            self.complete = False
        for group, hour in updates.items():
            if hour is None:
                last.pop(group, None)
                self.complete = False
            else:
                last[group] = hour


def write_presence(
    conn: sqlite3.Connection, deltas: dict[Key, list[int]], cache: LastHourCache
) -> dict[Group, int | None]:
    """Apply per-key vector deltas (VECTOR_COLUMNS order) to the presence table, keeping prev_hour exact.

    Returns the cache updates to make once the transaction has committed. In four steps: find where each
    key whose message count changes stands (``_locate``), sort the keys into inserted, removed and updated
    rows (``_classify``), work out the prev_hour of every new row and of every existing row right after a
    change (``_link``), and write it all (``_write``)."""
    info = _locate(conn, deltas, cache)
    inserts, removes, updates, counts, changes = _classify(deltas, info)
    new_prev, prev_fixes, cache_updates = _link(changes, cache.last)
    _write(conn, deltas, inserts, removes, updates, counts, new_prev, prev_fixes)
    return cache_updates


def _locate(conn: sqlite3.Connection, deltas: dict[Key, list[int]], cache: LastHourCache) -> dict[Key, Info]:
    """For every key whose message count changes: its current count (None: no row) and its existing
    neighbours, as far as the next steps need them. From the cache when it can tell, else from the database:
    one seek for the newest hour of each group, then the neighbour query for what is left."""
    last = cache.last
    complete = cache.complete
    info: dict[Key, Info] = {}
    to_fetch: list[Key] = []
    for key, vec in deltas.items():
        n = vec[0]
        if n == 0:
            continue
        newest = last.get(key[:3])
        if n > 0:
            if newest is None:
                if complete:  # the group has no row at all
                    info[key] = _NO_ROW
                    continue
            elif key[3] > newest:
                info[key] = (None, newest, None)
                continue
            if key[3] == newest:
                info[key] = (1, None, None)  # existing row that keeps messages: neighbours not needed
                continue
        to_fetch.append(key)
    if to_fetch:
        # Most of these are hours after the group's newest row (new activity): one seek for the newest hour
        # of each group answers them as the cache would; only the others need their neighbours read.
        newest_hours = _fetch_newest(conn, {(k[0], k[1], k[2]) for k in to_fetch if deltas[k][0] > 0})
        rest: list[Key] = []
        for key in to_fetch:
            group = (key[0], key[1], key[2])
            if deltas[key][0] > 0 and group in newest_hours:
                hour = newest_hours[group]
                if hour is None or key[3] > hour:
                    info[key] = (None, hour, None)
                    continue
                if key[3] == hour:
                    info[key] = (1, None, None)
                    continue
            rest.append(key)
        if rest:
            info.update(_fetch_neighbours(conn, rest))
    return info


def _classify(
    deltas: dict[Key, list[int]], info: dict[Key, Info]
) -> tuple[list[Key], list[Key], list[tuple[int, ...]], list[tuple[int, ...]], dict[Group, list[Change]]]:
    """(rows to insert, rows to remove, (delta vector, key) updates of server rows that stay, (message count,
    key) updates of channel rows that stay (they count messages only), and per group the changed hours (added
    or removed) with their existing neighbours)."""
    inserts: list[Key] = []
    removes: list[Key] = []
    updates: list[tuple[int, ...]] = []
    counts: list[tuple[int, ...]] = []
    changes: dict[Group, list[Change]] = {}
    for key, vec in deltas.items():
        n = vec[0]
        if n:
            count, prev, nxt = info[key]
            if count is None:
                if n < 0:  # pragma: no cover - would mean the roll-ups were already inconsistent
                    raise RuntimeError(f"presence row {key} missing while removing messages")
                inserts.append(key)
                added = True
            elif count + n <= 0:
                removes.append(key)
                added = False
            else:
                if key[2]:
                    counts.append((n, *key))
                else:
                    updates.append((*vec, *key))
                continue
            group = key[:3]
            items = changes.get(group)
            if items is None:
                changes[group] = [(key[3], added, prev, nxt)]
            else:
                items.append((key[3], added, prev, nxt))
        elif any(vec):
            updates.append((*vec, *key))
    return inserts, removes, updates, counts, changes


def _link(
    changes: dict[Group, list[Change]], last: dict[Group, int]
) -> tuple[dict[Key, int | None], dict[Key, int | None], dict[Group, int | None]]:
    """(prev_hour of each inserted row, new prev_hour of existing rows right after a change, and the cache
    updates: each group's newest hour after the batch, when known without another read, else None)."""
    new_prev: dict[Key, int | None] = {}
    prev_fixes: dict[Key, int | None] = {}
    cache_updates: dict[Group, int | None] = {}
    for group, items in changes.items():
        g, a, sc = group
        if len(items) == 1 and items[0][1]:
            # the common case: one new hour in this group
            h, _, prev, nxt = items[0]
            new_prev[(g, a, sc, h)] = prev
            if nxt is not None:
                prev_fixes[(g, a, sc, nxt)] = h
            cache_updates[group] = h if nxt is None else last.get(group)
            continue
        adds = sorted(h for h, is_add, _, _ in items if is_add)
        rems = {h for h, is_add, _, _ in items if not is_add}
        preds = {h: p for h, _, p, _ in items}
        for x in adds:
            new_prev[(g, a, sc, x)] = _resolve_prev(x, preds[x], adds, rems, preds)
        for c, is_add, p, succ in items:
            if succ is None or succ in rems:  # nothing after c, or that row goes too
                continue
            old = p if is_add else c
            fixed = _resolve_prev(succ, old, adds, rems, preds)
            if fixed != old:
                prev_fixes[(g, a, sc, succ)] = fixed
        if rems:
            cache_updates[group] = None
        elif any(x is None for _, _, _, x in items):
            cache_updates[group] = adds[-1]
        else:
            cache_updates[group] = last.get(group)
    return new_prev, prev_fixes, cache_updates


def _resolve_prev(
    x: int, existing_pred: int | None, adds: list[int], rems: set[int], preds: dict[int, int | None]
) -> int | None:
    """The hour before ``x`` once the batch is applied: the nearest existing predecessor that stays (skipping
    removed rows) or the nearest added hour before ``x``, whichever is later."""
    y = existing_pred
    while y is not None and y in rems:
        y = preds[y]
    i = bisect_left(adds, x)
    from_adds = adds[i - 1] if i else None
    if y is None:
        return from_adds
    if from_adds is None:
        return y
    return max(y, from_adds)


def _write(
    conn: sqlite3.Connection,
    deltas: dict[Key, list[int]],
    inserts: list[Key],
    removes: list[Key],
    updates: list[tuple[int, ...]],
    counts: list[tuple[int, ...]],
    new_prev: dict[Key, int | None],
    prev_fixes: dict[Key, int | None],
) -> None:
    if removes:
        conn.executemany(
            "DELETE FROM presence WHERE guild_id = ? AND author_id = ? AND scope_id = ? AND hour = ?", removes
        )
    if inserts:
        # two shapes: a first row (prev_hour NULL) or one with a previous hour
        first: list[Row] = []
        later: list[Row] = []
        for key in inserts:
            p = new_prev[key]
            if p is None:
                first.append((*key, *deltas[key], None, -1))
            else:
                # gap_class, inline
                later.append((*key, *deltas[key], p, ((key[3] - p) // HOUR).bit_length() - 1))
        insert_rows(conn, "INSERT INTO presence", _PRESENCE_COLUMNS, (12,), {(True,): first, (False,): later})
    missing = 0
    if updates:
        missing += len(updates) - add_to_rows(conn, VECTOR_COLUMNS, updates)
    if counts:
        missing += len(counts) - add_to_rows(conn, ("messages",), counts)
    if missing:  # pragma: no cover - a stale cache or a broken invariant: fail loudly
        raise RuntimeError("presence rows missing; the batch was rolled back")
    if prev_fixes:
        conn.executemany(
            "UPDATE presence SET prev_hour = ?, gap_class = ?"
            " WHERE guild_id = ? AND author_id = ? AND scope_id = ? AND hour = ?",
            [(p, gap_class(key[3], p), *key) for key, p in prev_fixes.items()],
        )


def _active_sql() -> str:
    parts = [
        "SELECT count(*) FROM presence WHERE guild_id = :g AND scope_id = :s AND gap_class = -1"
        " AND prev_hour IS NULL AND hour >= :start AND hour < :end"
    ]
    for k in range(MAX_GAP_CLASS + 1):
        window = ((1 << (k + 1)) - 1) * HOUR
        parts.append(
            f"SELECT count(*) FROM presence WHERE guild_id = :g AND scope_id = :s AND gap_class = {k}"
            f" AND prev_hour >= :start - {window} AND prev_hour < :start AND hour >= :start AND hour < :end"
        )
    return "SELECT " + " + ".join(f"({p})" for p in parts)


_ACTIVE_SQL = _active_sql()
_ACTIVE_ALL_SQL = (
    "SELECT count(*) FROM presence WHERE guild_id = :g AND scope_id = :s AND gap_class = -1"
    " AND prev_hour IS NULL AND hour < :end"
)


def active_query(
    guild_id: int, scope_id: int, start: int | None, end: int
) -> tuple[str, dict[str, int]] | None:
    """(SQL, parameters) of the count of distinct authors with a message in the hour-aligned range
    [start, end) (start None: from the start): one row, one column. None: the range is empty (count 0).
    The reader runs it (aiosqlite)."""
    if start is not None and start >= end:
        return None
    if start is None:
        return _ACTIVE_ALL_SQL, {"g": guild_id, "s": scope_id, "end": end}
    return _ACTIVE_SQL, {"g": guild_id, "s": scope_id, "start": start, "end": end}
