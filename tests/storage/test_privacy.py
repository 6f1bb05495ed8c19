"""Members' data rights and retention on a real SQLite file: forget-me leaves no row with the member's id in
any table (found generically through sqlite_master, so a table added later is covered) and leaves roll-ups
equal to a recount of the messages that remain; the retention sweep; purging a server; the data export."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.core.periods import DAY, HOUR
from bot.storage._batch import MESSAGE_COLUMNS, N_VEC, _Msg
from bot.storage.models import (
    ExampleKind,
    FlagKind,
    FlagRequest,
    FlagStatus,
    LearningExample,
    MessageCreated,
    ReactionChanged,
)
from bot.storage.sqlite import SQLiteStorage
from tests.storage.conftest import NOW, T0, Clock, created, raw_db, rec
from tests.storage.pg import SyncPg

G, OTHER_G = 1, 2
ME = 777_777_001  # the member who asks to be forgotten (an id no other column can hold by chance)
ALICE, BOB = 200, 300
GENERAL, RANDOM, THREAD = 10, 11, 20  # THREAD is a thread of GENERAL
REVIEW_CHANNEL, REVIEW_POST = 90, 9_001


async def _seed(storage: SQLiteStorage) -> dict[str, int]:
    """Two servers; in G, ME and two others talk in two channels and a thread, reply to each other, react,
    get flagged; ME also resolved someone else's flag as a moderator and opted out."""
    ops: list[Any] = []
    mid = 1_000
    for i in range(30):
        author = (ME, ALICE, BOB)[i % 3]
        channel = (GENERAL, RANDOM, THREAD)[(i // 3) % 3]
        at = T0 + (i % 7) * DAY + (i % 5) * HOUR + 60
        reply = mid - 1 if i % 4 == 1 else None
        r = rec(mid, guild_id=G, channel_id=channel, author_id=author, at=at, compound=(i % 5 - 2) / 2.5)
        r = replace(r, reply_to_id=reply, parent_channel_id=GENERAL if channel == THREAD else None)
        flag = None
        if i % 4 == 0:
            flag = FlagRequest(kind=FlagKind.NEGATIVE, text=f"secret words {i}", reason="r", topic="other")
        ops.append(MessageCreated(r, flag))
        mid += 1
    ops += [
        ReactionChanged(guild_id=G, channel_id=GENERAL, message_id=m, delta=2) for m in range(1_000, 1_030, 2)
    ]
    # the same member in another server: not touched
    ops.append(MessageCreated(rec(5_000, guild_id=OTHER_G, author_id=ME, at=T0)))
    ops.append(
        MessageCreated(
            rec(5_001, guild_id=OTHER_G, author_id=ME, at=T0),
            FlagRequest(kind=FlagKind.SPAM, text="other server text", reason="link"),
        )
    )
    changes = await storage.apply(ops)
    flags = {c.flag.message_id: c.flag for c in changes if c.created}
    mine = next(f for f in flags.values() if f.author_id == ME and f.guild_id == G)
    theirs = next(f for f in flags.values() if f.author_id != ME and f.guild_id == G)
    await storage.set_review_message(G, mine.id, REVIEW_CHANNEL, REVIEW_POST)
    await storage.record_example(
        G,
        LearningExample(
            flag_id=mine.id,
            kind=ExampleKind.FEEDBACK,
            label=True,
            features={"neg": 0.5, "h:12": 1.0},
            shipped_logit=0.1,
            created_at=T0,
        ),
    )
    await storage.resolve_flag(G, theirs.id, FlagStatus.ACKNOWLEDGED, ME, T0 + DAY)
    await storage.set_opt_out(G, ME, True)
    return {"mine": mine.id, "theirs": theirs.id}


def _rows_holding(conn: sqlite3.Connection, guild_id: int, value: int) -> list[tuple[str, str]]:
    """(table, column) of every row of ``guild_id`` that holds ``value`` in any column, all tables."""
    found = []
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
        if "guild_id" not in columns:
            continue
        for column in columns:
            sql = f'SELECT count(*) FROM "{table}" WHERE guild_id = ? AND "{column}" = ?'
            params: tuple[object, ...] = (guild_id, value)
            if isinstance(conn, SyncPg):  # PostgreSQL compares like types only: the column as text
                sql = f'SELECT count(*) FROM "{table}" WHERE guild_id = ? AND CAST("{column}" AS TEXT) = ?'
                params = (guild_id, str(value))
            if conn.execute(sql, params).fetchone()[0]:
                found.append((table, column))
    return found


def _recount(conn: sqlite3.Connection, guild_id: int) -> dict[str, dict[tuple[int, ...], list[int]]]:
    """Every roll-up, recomputed from the message rows (threads: under GENERAL, as the write path keeps
    them)."""
    out: dict[str, dict[tuple[int, ...], list[int]]] = {
        k: {} for k in ("channel_hour", "channel_day", "guild_hour", "guild_day", "thread_hour", "presence")
    }

    def add(table: str, key: tuple[int, ...], vec: list[int]) -> None:
        cur = out[table].setdefault(key, [0] * len(vec))
        for i, x in enumerate(vec):
            cur[i] += x

    for row in conn.execute(f"SELECT {MESSAGE_COLUMNS} FROM messages WHERE guild_id = ?", (guild_id,)):
        m = _Msg(row)
        v = m.vector()
        hour = m.created_at - m.created_at % HOUR
        day = hour - hour % DAY
        add("channel_hour", (m.channel_id, hour), v)
        add("channel_day", (m.channel_id, day), v)
        add("guild_hour", (hour,), v)
        add("guild_day", (day,), v)
        if m.channel_id == THREAD:
            add("thread_hour", (GENERAL, hour), v)
        add("presence", (m.author_id, 0, hour), v[:N_VEC])
    return out


def _stored(conn: sqlite3.Connection, guild_id: int) -> dict[str, dict[tuple[int, ...], list[int]]]:
    cols = "messages, replies, reactions, positive, neutral, negative, spam, compound_e4"
    lang = ", lang_en, lang_id, lang_mixed, lang_other"
    q = {
        "channel_hour": f"SELECT channel_id, hour, {cols}{lang} FROM channel_hour",
        "channel_day": f"SELECT channel_id, day, {cols}{lang} FROM channel_day",
        "guild_hour": f"SELECT hour, {cols}{lang} FROM guild_hour",
        "guild_day": f"SELECT day, {cols}{lang} FROM guild_day",
        "thread_hour": f"SELECT parent_id, hour, {cols}{lang} FROM thread_hour",
        "presence": f"SELECT author_id, scope_id, hour, {cols} FROM presence",
    }
    width = {"guild_hour": 1, "guild_day": 1, "presence": 3}
    out: dict[str, dict[tuple[int, ...], list[int]]] = {}
    for table, sql in q.items():
        n = width.get(table, 2)
        where = " WHERE guild_id = ?" + (" AND scope_id = 0" if table == "presence" else "")
        rows = conn.execute(sql + where, (guild_id,)).fetchall()
        out[table] = {tuple(r[:n]): list(r[n:]) for r in rows}
    return out


async def test_forget_me_leaves_no_row_with_the_members_id_in_any_table(
    storage: SQLiteStorage, tmp_path: Path
) -> None:
    await _seed(storage)
    conn = raw_db(storage, tmp_path)
    assert len(_rows_holding(conn, G, ME)) >= 4  # messages, presence, flags, opt-out, resolved_by...

    result = await storage.forget_member(G, ME)

    assert result.messages == 10
    assert result.flags >= 1
    assert result.review_posts == ((REVIEW_CHANNEL, REVIEW_POST),)
    # the opt-out is the one thing kept: forgetting someone must not start counting them again
    assert _rows_holding(conn, G, ME) == [("privacy_opt_outs", "user_id")]
    assert await storage.opted_out(G) == frozenset({ME})
    # the same member in another server is another server's business
    assert ("messages", "author_id") in _rows_holding(conn, OTHER_G, ME)
    # no text of theirs anywhere, no learning example of their flags
    assert conn.execute("SELECT count(*) FROM flags WHERE text LIKE 'secret words 0%'").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM learning_examples WHERE guild_id = ?", (G,)).fetchone()[0] == 0
    # the flag they resolved as a moderator stays, without who resolved it
    row = conn.execute(
        "SELECT status, resolved_by FROM flags WHERE guild_id = ? AND resolved_by IS NULL"
        " AND status = 'acknowledged'",
        (G,),
    ).fetchone()
    assert row == ("acknowledged", None)


async def test_forget_me_leaves_every_roll_up_equal_to_a_recount(
    storage: SQLiteStorage, tmp_path: Path
) -> None:
    await _seed(storage)
    conn = raw_db(storage, tmp_path)
    before = await storage.totals(G, None, None, NOW)
    assert _stored(conn, G) == _recount(conn, G)  # the fixture itself is consistent

    await storage.forget_member(G, ME)

    assert _stored(conn, G) == _recount(conn, G)
    after = await storage.totals(G, None, None, NOW)
    assert after.messages == before.messages - 10
    assert await storage.active_authors(G, None, None, NOW) == 2
    assert await storage.active_authors(G, GENERAL, None, NOW) == 2  # GENERAL counts its thread's authors
    assert (await storage.member_totals(G, ME, None, NOW)).messages == 0
    # replies to ME's messages no longer count on them (they are gone); ME's replies left the counters
    replies = conn.execute(
        "SELECT coalesce(sum(replies), 0) FROM messages WHERE guild_id = ?", (G,)
    ).fetchone()
    assert (
        replies[0]
        == conn.execute(
            "SELECT count(*) FROM messages c JOIN messages p ON p.message_id = c.reply_to_id"
            " WHERE c.guild_id = ?",
            (G,),
        ).fetchone()[0]
    )


async def test_forget_me_of_someone_unknown_changes_nothing(storage: SQLiteStorage, tmp_path: Path) -> None:
    await _seed(storage)
    conn = raw_db(storage, tmp_path)
    before = _stored(conn, G)
    result = await storage.forget_member(G, 123_456)
    assert (result.messages, result.flags, result.rows) == (0, 0, 0)
    assert _stored(conn, G) == before


async def test_forget_me_then_new_messages_are_counted_right(storage: SQLiteStorage, tmp_path: Path) -> None:
    """The presence cache is not left stale: messages after a forget keep presence exact."""
    await _seed(storage)
    await storage.forget_member(G, ME)
    await storage.apply([MessageCreated(rec(9_000, guild_id=G, author_id=ME, at=T0 + 3 * DAY))])
    conn = raw_db(storage, tmp_path)
    assert _stored(conn, G) == _recount(conn, G)
    assert await storage.active_authors(G, None, None, NOW) == 3


async def test_member_data_is_theirs_only_and_json(storage: SQLiteStorage) -> None:
    ids = await _seed(storage)
    data = await storage.member_data(G, ME)
    json.dumps(data)  # plain data
    assert data["user_id"] == str(ME)
    assert len(data["messages"]) == 10
    assert {f["id"] for f in data["flags"]} >= {ids["mine"]}
    assert any(f["text"] and f["text"].startswith("secret words") for f in data["flags"])
    assert data["learning_examples"][0]["features"] == {"neg": 0.5, "h:12": 1.0}
    assert [f["id"] for f in data["flags_you_resolved"]] == [ids["theirs"]]
    assert data["opted_out_since"] == NOW
    assert {a["scope_id"] for a in data["activity_per_hour"]} >= {0}
    other = await storage.member_data(G, ALICE)
    assert other["flags_you_resolved"] == [] and other["opted_out_since"] is None


async def test_opt_out_and_in(storage: SQLiteStorage) -> None:
    assert await storage.set_opt_out(G, ME, True) is True
    assert await storage.set_opt_out(G, ME, True) is False
    assert await storage.opted_out(G) == frozenset({ME})
    assert await storage.opted_out(OTHER_G) == frozenset()
    assert await storage.set_opt_out(G, ME, False) is True
    assert await storage.opted_out(G) == frozenset()


async def test_retention_sweep_deletes_old_rows_and_text_and_keeps_roll_ups(
    storage: SQLiteStorage, tmp_path: Path
) -> None:
    ids = await _seed(storage)
    conn = raw_db(storage, tmp_path)
    rollups = _stored(conn, G)
    other_rollups = _stored(conn, OTHER_G)
    await storage.set_retention(G, 5)  # NOW is T0 + 10 days: messages of T0 .. T0 + 5 days go
    assert await storage.get_retention(G) == 5
    assert await storage.get_retention(OTHER_G) is None

    result = await storage.sweep_retention(default_days=90)

    cutoff = NOW - 5 * DAY
    assert result.messages > 0
    assert (
        conn.execute(
            "SELECT count(*) FROM messages WHERE guild_id = ? AND created_at < ?", (G, cutoff)
        ).fetchone()[0]
        == 0
    )
    assert (
        conn.execute(
            "SELECT count(*) FROM messages WHERE guild_id = ? AND created_at >= ?", (G, cutoff)
        ).fetchone()[0]
        > 0
    )
    assert (
        conn.execute(
            "SELECT count(*) FROM flags WHERE guild_id = ? AND created_at < ? AND text IS NOT NULL",
            (G, cutoff),
        ).fetchone()[0]
        == 0
    )
    assert result.flag_texts >= 1
    # the example of an erased flag keeps its numbers, not its words
    features = conn.execute(
        "SELECT features FROM learning_examples WHERE flag_id = ?", (ids["mine"],)
    ).fetchone()
    assert json.loads(features[0]) == {"neg": 0.5}
    # roll-ups stay; the other server (default 90 days) keeps everything
    assert _stored(conn, G) == rollups
    assert _stored(conn, OTHER_G) == other_rollups
    assert conn.execute("SELECT count(*) FROM messages WHERE guild_id = ?", (OTHER_G,)).fetchone()[0] == 2
    assert (
        conn.execute("SELECT text FROM flags WHERE guild_id = ?", (OTHER_G,)).fetchone()[0]
        == "other server text"
    )
    # a second sweep has nothing left to do
    assert await storage.sweep_retention(default_days=90) == type(result)(messages=0, flag_texts=0)


async def test_history_read_again_after_the_sweep_is_not_counted_twice(
    storage: SQLiteStorage, tmp_path: Path
) -> None:
    """A back-fill, a long catch-up or a re-imported export brings back messages the sweep deleted: their
    contributions are still in the roll-ups, so they are not stored again; a newer message still is."""
    conn = raw_db(storage, tmp_path)
    old = [MessageCreated(rec(100 + i, guild_id=G, channel_id=GENERAL, at=T0 + i * HOUR)) for i in range(6)]
    other_channel = MessageCreated(rec(50, guild_id=G, channel_id=RANDOM, at=T0))  # never swept: no mark
    await storage.apply(old)
    await storage.set_retention(G, 5)
    assert (await storage.sweep_retention(default_days=90)).messages == 6
    rollups = _stored(conn, G)

    await storage.apply([*old, other_channel])

    assert conn.execute("SELECT count(*) FROM messages WHERE channel_id = ?", (GENERAL,)).fetchone()[0] == 0
    after = _stored(conn, G)
    for table in ("channel_hour", "channel_day"):
        general = {k: v for k, v in after[table].items() if k[0] == GENERAL}
        assert general == rollups[table], table  # counted once, before the sweep
        assert any(k[0] == RANDOM for k in after[table]), table  # an unswept channel's old message counts
    assert conn.execute(
        "SELECT up_to_id FROM message_expiry WHERE guild_id = ? AND channel_id = ?", (G, GENERAL)
    ).fetchone() == (105,)
    # a live message (a newer id) in the swept channel is counted as always
    await storage.apply([MessageCreated(rec(10_000, guild_id=G, channel_id=GENERAL, at=NOW))])
    assert conn.execute("SELECT count(*) FROM messages WHERE channel_id = ?", (GENERAL,)).fetchone()[0] == 1


async def test_retention_must_be_a_day_or_more(storage: SQLiteStorage) -> None:
    with pytest.raises(ValueError):
        await storage.set_retention(G, 0)


async def test_purge_deletes_every_row_of_the_server(storage: SQLiteStorage, tmp_path: Path) -> None:
    await _seed(storage)
    await storage.set_retention(G, 30)
    await storage.mark_guild_removed(G)
    conn = raw_db(storage, tmp_path)
    other = _stored(conn, OTHER_G)

    rows = await storage.purge_guild(G)

    assert rows > 50
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
        if "guild_id" in columns:
            assert (
                conn.execute(f'SELECT count(*) FROM "{table}" WHERE guild_id = ?', (G,)).fetchone()[0] == 0
            ), table
    assert _stored(conn, OTHER_G) == other
    # the server can start again from nothing
    await storage.apply([MessageCreated(rec(9_000, guild_id=G, author_id=ALICE, at=T0))])
    assert (await storage.totals(G, None, None, NOW)).messages == 1
    assert await storage.active_authors(G, None, None, NOW) == 1


async def test_removed_servers_are_purged_after_the_grace_period_unless_re_added(
    storage: SQLiteStorage, clock: Clock
) -> None:
    await _seed(storage)
    await storage.mark_guild_removed(G)
    await storage.mark_guild_removed(OTHER_G)
    clock.now = NOW + 10 * DAY
    await storage.mark_guild_removed(G)  # removed again: the grace period still started at the first time
    assert await storage.cancel_guild_removal(OTHER_G) is True  # re-added
    assert await storage.cancel_guild_removal(OTHER_G) is False

    clock.now = NOW + 29 * DAY
    assert await storage.purge_removed_guilds(grace_days=30) == []
    assert (await storage.totals(G, None, None, clock.now)).messages == 30

    clock.now = NOW + 31 * DAY
    assert await storage.purge_removed_guilds(grace_days=30) == [G]
    assert (await storage.totals(G, None, None, clock.now)).messages == 0
    assert (await storage.totals(OTHER_G, None, None, clock.now)).messages == 2
    assert await storage.purge_removed_guilds(grace_days=30) == []


async def test_a_server_the_bot_is_in_again_is_not_purged(storage: SQLiteStorage, clock: Clock) -> None:
    """Removed, then added back while the bot was offline (no join event): the sweep sees it among the bot's
    servers and cancels the removal."""
    await _seed(storage)
    await storage.mark_guild_removed(G)
    clock.now = NOW + 31 * DAY
    assert await storage.purge_removed_guilds(grace_days=30, present=[G, 99]) == []
    assert (await storage.totals(G, None, None, clock.now)).messages == 30
    assert await storage.cancel_guild_removal(G) is False  # already cancelled


async def test_purge_can_be_limited_to_the_servers_a_process_owns(
    storage: SQLiteStorage, clock: Clock
) -> None:
    await storage.apply([created(1, guild_id=2), created(2, guild_id=3)])
    await storage.mark_guild_removed(2)
    await storage.mark_guild_removed(3)
    clock.now += 31 * 86_400
    assert await storage.purge_removed_guilds(30, (), lambda g: g == 3) == [3]
    assert (await storage.totals(2, None, None, int(clock.now))).messages == 1  # not ours: left for its owner
    assert await storage.purge_removed_guilds(30, ()) == [2]
