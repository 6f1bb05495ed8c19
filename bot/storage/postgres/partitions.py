"""Monthly partitions of the largest PostgreSQL tables (migrations/0001_initial.sql).

``ensure_partitions(conn, now)`` makes the partitions from last month to a few months ahead; idempotent, run
at every open and by the daily retention sweep. A row outside them lands in the table's DEFAULT partition
(never refused); when a month's partition is made later, its rows move out of DEFAULT in the same
transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000
MONTHS_BEHIND = 1
MONTHS_AHEAD = 3
# table -> (partition key, what the key holds): "hour" unix seconds, "snowflake" a Discord id
PARTITIONED = {
    "messages": ("message_id", "snowflake"),
    "channel_hour": ("hour", "hour"),
    "guild_hour": ("hour", "hour"),
    "thread_hour": ("hour", "hour"),
    "presence": ("hour", "hour"),
}
LOCK_KEY = 0x53454E5450415254  # "SENTPART": one process makes partitions at a time


def snowflake_at(unix_seconds: int) -> int:
    """The smallest Discord id of that second (ids are time-ordered)."""
    return max(0, (unix_seconds * 1000 - DISCORD_EPOCH_MS) << 22)


def month_start(year: int, month: int) -> int:
    return int(dt.datetime(year, month, 1, tzinfo=dt.UTC).timestamp())


def months(now: float, behind: int = MONTHS_BEHIND, ahead: int = MONTHS_AHEAD) -> list[tuple[str, int, int]]:
    """(YYYYMM, start, end) in unix seconds for the months around ``now``."""
    t = dt.datetime.fromtimestamp(int(now), tz=dt.UTC)
    index = t.year * 12 + t.month - 1
    out = []
    for i in range(index - behind, index + ahead + 1):
        y, m = divmod(i, 12)
        y2, m2 = divmod(i + 1, 12)
        out.append((f"{y:04d}{m + 1:02d}", month_start(y, m + 1), month_start(y2, m2 + 1)))
    return out


def bounds(kind: str, start: int, end: int) -> tuple[int, int]:
    return (snowflake_at(start), snowflake_at(end)) if kind == "snowflake" else (start, end)


def ensure_partitions(conn: Any, now: float) -> int:
    """Make the missing monthly partitions around ``now``; returns how many were made. ``conn``: the
    PostgreSQL writer (``driver.PgConnection``), outside a transaction."""
    made = 0
    existing = {
        r[0]
        for r in conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid"
            " WHERE c.relnamespace = current_schema()::regnamespace"
        )
    }
    for table, (key, kind) in PARTITIONED.items():
        for name, start, end in months(now):
            part = f"{table}_p{name}"
            if part in existing:
                continue
            lo, hi = bounds(kind, start, end)
            conn.execute("BEGIN")
            try:
                conn.execute(f"SELECT pg_advisory_xact_lock({LOCK_KEY})")
                if conn.execute("SELECT to_regclass(?)", (part,)).fetchone()[0] is None:
                    _make(conn, table, key, part, lo, hi)
                    made += 1
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
    if made:
        conn.forget_statements()
    return made


def _make(conn: Any, table: str, key: str, part: str, lo: int, hi: int) -> None:
    default = f"{table}_default"
    where = f"{key} >= {int(lo)} AND {key} < {int(hi)}"
    moving = conn.execute(f"SELECT EXISTS (SELECT 1 FROM {default} WHERE {where})").fetchone()[0]
    if not moving:
        conn.execute(f"CREATE TABLE {part} PARTITION OF {table} FOR VALUES FROM ({int(lo)}) TO ({int(hi)})")
        return
    # rows of that month are in DEFAULT: detach it (so that its rows leave without the table's delete
    # triggers), make the month, move the rows, attach DEFAULT again (it must hold none of the range)
    conn.execute(f"ALTER TABLE {table} DETACH PARTITION {default}")
    conn.execute(f"CREATE TABLE {part} PARTITION OF {table} FOR VALUES FROM ({int(lo)}) TO ({int(hi)})")
    conn.execute(f"INSERT INTO {part} SELECT * FROM {default} WHERE {where}")
    conn.execute(f"DELETE FROM {default} WHERE {where}")
    conn.execute(f"ALTER TABLE {table} ATTACH PARTITION {default} DEFAULT")


# Tables the write path looks rows up in, row by row (unpartitioned ones whole, partitioned ones this month's
# partition: analysing a parent would sample every month).
_LOOKED_UP = ("channel_day", "guild_day", "thread_day", "channel_cursors", "trend_terms", "trend_days")


def analyse_current(conn: Any, now: float) -> None:
    """``ANALYZE`` the tables the write path looks rows up in. A new table has no statistics until
    autovacuum's first pass (a minute or more): planned blind, the presence lookups pick the wrong index and a
    batch of a few hundred messages takes ~150 ms instead of ~10 ms. Called as the tables first grow."""
    (name, _, _), *_ = months(now, behind=0, ahead=0)
    wanted = [f"{table}_p{name}" for table in PARTITIONED] + list(_LOOKED_UP)
    tables = [  # this month's partitions exist unless the clock moved past the months made at open
        r[0]
        for r in conn.execute(
            "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace"
            f" AND relname IN ({', '.join('?' * len(wanted))}) ORDER BY relname",
            wanted,
        ).fetchall()
    ]
    if tables:
        conn.execute(f"ANALYZE {', '.join(tables)}")
