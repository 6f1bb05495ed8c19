"""Per-day term counts for `/trends` in SQLite (migration 0012). Written by the write batch (``write_terms``,
inside its transaction), pruned and expired by the daily sweep (``sweep_terms``), read on the reader.

Counts are added when a comment is first stored (exactly once, like the roll-ups) and never taken back: the
text of a deleted or edited comment is not kept, so its terms cannot be recomputed. Term counts are therefore
approximate under deletes and edits; they have no author, and go with the server's retention."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import aiosqlite

from bot.core.periods import DAY
from bot.storage.models import TermCount

DAY_CAP = 20_000  # distinct terms a server-day holds while written; past it, the less-used half is dropped
DAY_KEEP = 5_000  # at day close: at most this many terms, each used at least MIN_KEEP times
MIN_KEEP = 2

# (guild, day) -> messages counted; (guild, day) -> term -> [messages, compound x 10000]
DayCounts = dict[tuple[int, int], int]
TermDeltas = dict[tuple[int, int], dict[str, list[int]]]


def _disabled(conn: sqlite3.Connection, guilds: Sequence[int]) -> set[int]:
    marks = ",".join("?" * len(guilds))
    sql = f"SELECT guild_id FROM trend_settings WHERE enabled = 0 AND guild_id IN ({marks})"
    return {int(r[0]) for r in conn.execute(sql, list(guilds))}


def write_terms(conn: sqlite3.Connection, days: DayCounts, terms: TermDeltas) -> None:
    """Add a batch's counts (servers that turned counting off are skipped: the setting is read in the same
    transaction, so nothing lands after ``/config trends off`` committed)."""
    if not days:
        return
    off = _disabled(conn, sorted({g for g, _ in days}))
    day_rows = [(g, d, n, len(terms.get((g, d), ()))) for (g, d), n in days.items() if g not in off]
    if not day_rows:
        return
    conn.executemany(
        "INSERT INTO trend_days (guild_id, day, messages, terms_bound) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (guild_id, day) DO UPDATE SET messages = trend_days.messages + excluded.messages,"
        " terms_bound = trend_days.terms_bound + excluded.terms_bound",
        day_rows,
    )
    conn.executemany(
        "INSERT INTO trend_terms (guild_id, day, term, messages, compound_sum) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (guild_id, day, term) DO UPDATE SET"
        " messages = trend_terms.messages + excluded.messages,"
        " compound_sum = trend_terms.compound_sum + excluded.compound_sum",
        [
            (g, d, term, v[0], v[1])
            for (g, d), counts in terms.items()
            if g not in off
            for term, v in counts.items()
        ],
    )
    touched = [(g, d) for g, d, _, bound in day_rows if bound]
    for g, d in touched:
        (bound,) = conn.execute(
            "SELECT terms_bound FROM trend_days WHERE guild_id = ? AND day = ?", (g, d)
        ).fetchone()
        if bound > DAY_CAP:
            _cap_day(conn, g, d, DAY_CAP)


def _cap_day(conn: sqlite3.Connection, guild_id: int, day: int, cap: int) -> None:
    """The day has more than ``cap`` terms: keep the ``cap // 2`` most used (so the next prune is at least
    ``cap // 2`` new terms away) and set the bound to the exact count."""
    (n,) = conn.execute(
        "SELECT count(*) FROM trend_terms WHERE guild_id = ? AND day = ?", (guild_id, day)
    ).fetchone()
    if n > cap:
        _keep_top(conn, guild_id, day, cap // 2, 0)
        (n,) = conn.execute(
            "SELECT count(*) FROM trend_terms WHERE guild_id = ? AND day = ?", (guild_id, day)
        ).fetchone()
    conn.execute("UPDATE trend_days SET terms_bound = ? WHERE guild_id = ? AND day = ?", (n, guild_id, day))


def _keep_top(conn: sqlite3.Connection, guild_id: int, day: int, keep: int, min_count: int) -> None:
    conn.execute(
        "DELETE FROM trend_terms WHERE guild_id = ?1 AND day = ?2 AND (messages < ?4 OR term NOT IN"
        " (SELECT term FROM trend_terms WHERE guild_id = ?1 AND day = ?2"
        "  ORDER BY messages DESC, term LIMIT ?3))",
        (guild_id, day, keep, min_count),
    )


def close_days(conn: sqlite3.Connection, now: int) -> int:
    """Day close: every day before today (UTC) not yet closed keeps only its terms used at least MIN_KEEP
    times, at most DAY_KEEP of them. Returns how many days were closed."""
    today = now - now % DAY
    days = conn.execute(
        "SELECT guild_id, day FROM trend_days WHERE closed = 0 AND day < ? ORDER BY guild_id, day", (today,)
    ).fetchall()
    for g, d in days:
        conn.execute("BEGIN IMMEDIATE")
        try:
            _keep_top(conn, g, d, DAY_KEEP, MIN_KEEP)
            (n,) = conn.execute(
                "SELECT count(*) FROM trend_terms WHERE guild_id = ? AND day = ?", (g, d)
            ).fetchone()
            conn.execute(
                "UPDATE trend_days SET closed = 1, terms_bound = ? WHERE guild_id = ? AND day = ?", (n, g, d)
            )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return len(days)


def sweep_terms(conn: sqlite3.Connection, now: int, default_days: int) -> int:
    """The daily part of the retention sweep: close finished days, then delete the days older than each
    server's retention. Returns the term rows deleted by retention."""
    close_days(conn, now)
    keep = (
        "coalesce((SELECT retention_days FROM privacy_settings p WHERE p.guild_id = {t}.guild_id),"
        f" {int(default_days)})"
    )
    conn.execute("BEGIN IMMEDIATE")
    try:
        n = conn.execute(
            f"DELETE FROM trend_terms WHERE day < CAST(? AS BIGINT) - {keep.format(t='trend_terms')} * {DAY}",
            (now,),
        ).rowcount
        conn.execute(
            f"DELETE FROM trend_days WHERE day < CAST(? AS BIGINT) - {keep.format(t='trend_days')} * {DAY}",
            (now,),
        )
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return int(n)


def set_enabled(conn: sqlite3.Connection, guild_id: int, enabled: bool) -> int:
    """Turn counting on or off; off deletes the server's stored terms. Returns the term rows deleted."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        deleted = 0
        if enabled:
            conn.execute("DELETE FROM trend_settings WHERE guild_id = ?", (guild_id,))
        else:
            conn.execute(
                "INSERT INTO trend_settings (guild_id, enabled) VALUES (?, 0)"
                " ON CONFLICT (guild_id) DO UPDATE SET enabled = 0",
                (guild_id,),
            )
            deleted = conn.execute("DELETE FROM trend_terms WHERE guild_id = ?", (guild_id,)).rowcount
            conn.execute("DELETE FROM trend_days WHERE guild_id = ?", (guild_id,))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return int(deleted)


# -- reads (on the reader connection) ----------------------------------------------------------------------


async def enabled(db: aiosqlite.Connection, guild_id: int) -> bool:
    rows = list(
        await db.execute_fetchall("SELECT enabled FROM trend_settings WHERE guild_id = ?", (guild_id,))
    )
    return not rows or bool(rows[0][0])


async def term_counts(
    db: aiosqlite.Connection, guild_id: int, start_day: int, mid_day: int, end_day: int, min_count: int
) -> tuple[int, int, list[TermCount]]:
    """Messages counted in [start_day, mid_day) (previous) and [mid_day, end_day) (current), and each term
    used at least ``min_count`` times in the current range with its counts in both (call inside one read
    transaction, so the parts agree)."""
    totals = await db.execute_fetchall(
        "SELECT coalesce(sum(CASE WHEN day < ?2 THEN messages END), 0),"
        " coalesce(sum(CASE WHEN day >= ?2 THEN messages END), 0)"
        " FROM trend_days WHERE guild_id = ?1 AND day >= ?3 AND day < ?4",
        (guild_id, mid_day, start_day, end_day),
    )
    prev_n, now_n = next(iter(totals))
    rows = await db.execute_fetchall(
        "SELECT term, coalesce(sum(CASE WHEN day >= ?2 THEN messages END), 0) AS now_c,"
        " coalesce(sum(CASE WHEN day < ?2 THEN messages END), 0),"
        " coalesce(sum(CASE WHEN day >= ?2 THEN compound_sum END), 0)"
        " FROM trend_terms WHERE guild_id = ?1 AND day >= ?3 AND day < ?4"
        " GROUP BY term HAVING coalesce(sum(CASE WHEN day >= ?2 THEN messages END), 0) >= ?5",
        (guild_id, mid_day, start_day, end_day, min_count),
    )
    terms = [
        TermCount(term=str(t), count=int(c), previous=int(p), compound_sum=int(s) / 10000)
        for t, c, p, s in rows
    ]
    return int(prev_n), int(now_n), terms
