"""SQLiteStorage against real database files."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from bot.core.errors import StartupError
from bot.storage._thread import ReaderConnection
from bot.storage.models import (
    ChannelCount,
    FlagKind,
    FlagRequest,
    FlagStatus,
    MessageCreated,
    MessageDeleted,
    MessageEdited,
    MessagesBulkDeleted,
    ReactionChanged,
    Totals,
)
from bot.storage.sqlite import SQLiteStorage, _connect_pragmas, default_threshold, migration_scripts
from tests.storage.conftest import INTEGRITY_ERRORS, NOW, T0, Clock, created, rec

H = 3600
D = 86400


def edited(
    message_id: int,
    compound: float,
    *,
    guild_id: int = 1,
    spam: bool = False,
    scored: bool = True,
    flag: FlagRequest | None = None,
) -> MessageEdited:
    return MessageEdited(
        guild_id=guild_id,
        channel_id=10,
        message_id=message_id,
        scored=scored,
        compound=compound,
        pos=max(compound, 0),
        neu=1 - abs(compound),
        neg=max(-compound, 0),
        language="en",
        is_spam=spam,
        flag=flag,
    )


# -- opening and migrations ---------------------------------------------------------------------------------
async def test_fresh_database_is_migrated_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "s.db"
    async with SQLiteStorage.open(path):
        pass
    assert path.exists()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(migration_scripts()) >= 1
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {
        "messages",
        "channel_hour",
        "channel_day",
        "guild_hour",
        "guild_day",
        "presence",
        "flags",
    } <= tables
    # privacy: no column of the messages table can hold message text
    columns = {r[1] for r in conn.execute("PRAGMA table_info(messages)")}
    assert not columns & {"text", "content"}
    conn.close()


async def test_reopening_keeps_data_and_version(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    async with SQLiteStorage.open(path) as st:
        await st.apply([created(1, compound=0.5)])
        await st.set_lexicon_word(1, "Mantap", 2.0)
    async with SQLiteStorage.open(path) as st:
        assert (await st.totals(1, None, None, NOW)).messages == 1
        assert await st.get_lexicon(1) == {"mantap": 2.0}
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(migration_scripts())
    conn.close()


async def test_unwritable_path_is_a_startup_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(StartupError, match=r"Cannot write the database at .*not-a-folder"):
        async with SQLiteStorage.open(blocker / "s.db"):
            pass
    folder = tmp_path / "is-a-folder"
    folder.mkdir()
    with pytest.raises(StartupError, match="Cannot write the database at"):
        async with SQLiteStorage.open(folder):
            pass


@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
def test_refused_connect_leaves_no_thread_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A connect that SQLite refuses (the path is a folder) is a clean StartupError: the connection's thread
    has ended before the error propagates, so nothing reports to the event loop after it is closed (this was
    an intermittent "Event loop is closed" thread exception)."""
    folder = tmp_path / "is-a-folder"
    folder.mkdir()
    failures: list[Any] = []
    monkeypatch.setattr(threading, "excepthook", failures.append)
    before = set(threading.enumerate())

    async def start() -> None:
        async with SQLiteStorage.open(folder):
            pass

    for _ in range(20):  # each run ends its own event loop right after the error
        with pytest.raises(StartupError, match="Cannot write the database at"):
            asyncio.run(start())
        assert set(threading.enumerate()) - before == set()
    assert failures == []


async def test_close_ends_both_threads(tmp_path: Path) -> None:
    before = set(threading.enumerate())
    storage = await SQLiteStorage.connect(tmp_path / "s.db")
    assert len(set(threading.enumerate()) - before) == 2  # the writer's and the reader's
    await storage.close()
    await storage.close()  # idempotent
    assert set(threading.enumerate()) - before == set()


@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")
def test_refused_reader_connect_leaves_no_thread_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader (aiosqlite) refused on its own, and its setup failing: aiosqlite's thread has ended before
    the error propagates, however soon the event loop closes after it."""
    folder = tmp_path / "is-a-folder"
    folder.mkdir()
    failures: list[Any] = []
    monkeypatch.setattr(threading, "excepthook", failures.append)
    before = set(threading.enumerate())

    def refuse(_conn: sqlite3.Connection) -> None:
        raise sqlite3.OperationalError("refused by setup")

    async def start(path: Path, setup: Any) -> None:
        await ReaderConnection.open(path, setup=setup)

    for _ in range(20):
        with pytest.raises(sqlite3.OperationalError, match="unable to open"):
            asyncio.run(start(folder, lambda _c: None))
        with pytest.raises(sqlite3.OperationalError, match="refused by setup"):
            asyncio.run(start(tmp_path / "s.db", refuse))
        assert set(threading.enumerate()) - before == set()
    assert failures == []


async def test_reader_is_aiosqlite_and_read_only(tmp_path: Path) -> None:
    before = set(threading.enumerate())
    reader = await ReaderConnection.open(tmp_path / "s.db", setup=lambda c: _connect_pragmas(c, reader=True))
    assert isinstance(reader.conn, aiosqlite.Connection)
    assert await reader.conn.execute_fetchall("PRAGMA query_only") == [(1,)]
    assert await reader.conn.execute_fetchall("PRAGMA busy_timeout") == [(10000,)]
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        await reader.conn.execute("CREATE TABLE t (x)")
    await reader.close()
    await reader.close()  # idempotent
    assert reader.closed
    assert set(threading.enumerate()) - before == set()


async def test_reads_after_close_are_refused(tmp_path: Path) -> None:
    storage = await SQLiteStorage.connect(tmp_path / "s.db")
    await storage.close()
    with pytest.raises(sqlite3.ProgrammingError, match="closed database"):
        await storage.get_config(1)
    with pytest.raises(sqlite3.ProgrammingError, match="closed database"):
        await storage.totals(1, None, None, NOW)


async def test_concurrent_reads_and_writes(storage: SQLiteStorage) -> None:
    """Reads awaited together while writes commit: the reads made of several statements (each one read
    transaction on the reader) neither collide nor see another read's older snapshot."""
    await storage.apply([created(i, at=T0 + i * H) for i in range(1, 50)])

    async def write_then_read(i: int) -> None:
        await storage.set_threshold(1, i / 100)
        assert (await storage.get_config(1)).threshold >= i / 100  # this write, or a later one
        flag = await storage.create_flag(
            guild_id=1,
            channel_id=10,
            message_id=1000 + i,
            author_id=3,
            kind=FlagKind.MANUAL,
            text=None,
            compound=None,
            reason=None,
            created_at=NOW,
        )
        assert await storage.get_flag(1, flag.id) == flag

    reads = [storage.totals(1, None, T0 + 5 * H, NOW) for _ in range(20)]
    reads += [storage.flag_summary(1, None, NOW + 1) for _ in range(20)]
    results = await asyncio.gather(*reads, *[write_then_read(i) for i in range(20)])
    assert {r.messages for r in results[:20]} == {45}
    # each summary is one consistent state: its breakdowns count the same flags
    for summary in results[20:40]:
        assert sum(summary.by_status.values()) == sum(summary.by_kind.values())
        assert sum(summary.by_status.values()) == sum(c.messages for c in summary.by_channel)


async def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with pytest.raises(StartupError, match="newer"):
        async with SQLiteStorage.open(path):
            pass


# -- roll-ups -----------------------------------------------------------------------------------------------
async def test_sentiment_classes_spam_and_unscored(storage: SQLiteStorage) -> None:
    await storage.apply(
        [
            created(1, compound=0.05),  # positive (boundary)
            created(2, compound=0.0499),  # neutral
            created(3, compound=-0.0499),  # neutral
            created(4, compound=-0.05),  # negative (boundary)
            created(5, compound=-0.9, spam=True),  # spam: counted, not in the sentiment mix
            created(6, scored=False),  # attachment only: counted only
            created(7, compound=0.5, reply_to=1),
        ]
    )
    t = await storage.totals(1, None, None, NOW)
    assert t == Totals(
        messages=7,
        replies=1,
        reactions=0,
        positive=2,
        neutral=2,
        negative=1,
        spam=1,
        compound_sum=0.5,  # sums are kept in 1/10000 units: exact
        lang_en=5,  # the language split covers the sentiment mix's messages: scored, not spam
    )
    assert await storage.totals(1, 10, None, NOW) == t
    assert await storage.totals(1, 11, None, NOW) == Totals()


async def test_reactions_edits_and_deletes_keep_rollups_exact(storage: SQLiteStorage) -> None:
    await storage.apply([created(1, compound=0.6, author_id=5), created(2, compound=-0.6, reply_to=1)])
    await storage.apply(
        [ReactionChanged(1, 10, 1, +1), ReactionChanged(1, 10, 1, +1), ReactionChanged(1, 10, 2, -1)]
    )
    t = await storage.totals(1, None, None, NOW)
    assert (t.reactions, t.positive, t.negative, t.replies) == (2, 1, 1, 1)
    assert (await storage.member_totals(1, 5, None, NOW)).reactions == 2

    await storage.apply([edited(1, -0.7)])  # positive -> negative
    t = await storage.totals(1, None, None, NOW)
    assert (t.positive, t.negative) == (0, 2)
    assert t.compound_sum == pytest.approx(-1.3)
    await storage.apply([edited(2, 0.0, spam=True)])  # negative -> spam
    t = await storage.totals(1, None, None, NOW)
    assert (t.negative, t.spam, t.neutral) == (1, 1, 0)

    await storage.apply([MessageDeleted(1, 10, 1)])  # its reactions go with it
    t = await storage.totals(1, None, None, NOW)
    assert t == Totals(messages=1, replies=1, spam=1)
    assert await storage.member_totals(1, 5, None, NOW) == Totals()
    assert await storage.active_authors(1, None, None, NOW) == 1

    await storage.apply([MessageDeleted(1, 10, 2), MessageDeleted(1, 10, 999), ReactionChanged(1, 10, 2, 1)])
    assert await storage.totals(1, None, None, NOW) == Totals()
    assert await storage.active_authors(1, None, None, NOW) == 0
    assert await storage.first_message_at(1) is None
    assert await storage.busiest_hour(1, None, None, NOW) is None


async def test_reactions_never_go_below_zero(storage: SQLiteStorage) -> None:
    await storage.apply([created(1), ReactionChanged(1, 10, 1, -1), ReactionChanged(1, 10, 1, -1)])
    await storage.apply(
        [ReactionChanged(1, 10, 1, +1), ReactionChanged(1, 10, 1, -1), ReactionChanged(1, 10, 1, -1)]
    )
    assert (await storage.totals(1, None, None, NOW)).reactions == 0
    await storage.apply([ReactionChanged(1, 10, 1, +1)])
    assert (await storage.totals(1, None, None, NOW)).reactions == 1


async def test_clearing_reactions_removes_them_from_every_rollup(storage: SQLiteStorage) -> None:
    await storage.apply([created(1), created(2, author_id=101)])
    await storage.apply([ReactionChanged(1, 10, 1, +1) for _ in range(4)] + [ReactionChanged(1, 10, 2, +1)])
    assert (await storage.totals(1, None, None, NOW)).reactions == 5
    await storage.apply([ReactionChanged(1, 10, 1, 0, clear=True), ReactionChanged(1, 10, 99, 0, clear=True)])
    assert (await storage.totals(1, None, None, NOW)).reactions == 1
    assert (await storage.totals(1, 10, None, NOW)).reactions == 1
    await storage.apply([ReactionChanged(1, 10, 1, +1)])
    assert (await storage.totals(1, None, None, NOW)).reactions == 2


async def test_one_emojis_reactions_removed_sets_the_count_read_back(storage: SQLiteStorage) -> None:
    await storage.apply([created(1), created(2, author_id=101)])
    await storage.apply([ReactionChanged(1, 10, 1, +1) for _ in range(5)] + [ReactionChanged(1, 10, 2, +1)])
    # 5 reactions, 3 of them 🔥; a moderator removes the 🔥 ones: the message has 2 left
    await storage.apply([ReactionChanged(1, 10, 1, 2, clear=True)])
    assert (await storage.totals(1, None, None, NOW)).reactions == 3
    assert (await storage.totals(1, 10, None, NOW)).reactions == 3
    await storage.apply([ReactionChanged(1, 10, 1, -1)])
    assert (await storage.totals(1, None, None, NOW)).reactions == 2


async def test_bulk_delete(storage: SQLiteStorage) -> None:
    await storage.apply([created(i, author_id=100 + i, at=T0 + i * H) for i in range(1, 6)])
    await storage.apply([MessagesBulkDeleted(1, 10, (1, 2, 3, 42))])
    assert (await storage.totals(1, None, None, NOW)).messages == 2
    assert await storage.active_authors(1, None, None, NOW) == 2
    assert await storage.active_authors(1, 10, None, NOW) == 2


async def test_exactly_once(storage: SQLiteStorage) -> None:
    flag = FlagRequest(FlagKind.NEGATIVE, "awful")
    op = MessageCreated(rec(1, compound=-0.8, reply_to=None), flag=flag)
    changes = await storage.apply([op, op])
    assert len(changes) == 1
    assert await storage.apply([op]) == []
    await storage.apply([created(2, reply_to=1), created(2, reply_to=1)])
    t = await storage.totals(1, None, None, NOW)
    assert (t.messages, t.negative, t.replies) == (2, 1, 1)
    assert await storage.count_flags(1, None) == 1


async def test_create_delete_and_create_again_in_one_batch(storage: SQLiteStorage) -> None:
    await storage.apply([created(1, compound=0.5)])
    await storage.apply([MessageDeleted(1, 10, 1), created(1, compound=-0.5, author_id=7)])
    t = await storage.totals(1, None, None, NOW)
    assert (t.messages, t.positive, t.negative) == (1, 0, 1)
    assert (await storage.member_totals(1, 7, None, NOW)).messages == 1
    assert (await storage.member_totals(1, 100, None, NOW)).messages == 0


async def test_failed_batch_rolls_back_everything(storage: SQLiteStorage) -> None:
    await storage.apply([created(1)])
    bad = MessageCreated(rec(3, channel_id=None))  # type: ignore[arg-type]
    with pytest.raises(INTEGRITY_ERRORS):
        await storage.apply([created(2, author_id=7), ReactionChanged(1, 10, 1, 1), bad])
    assert await storage.totals(1, None, None, NOW) == Totals(messages=1, neutral=1, lang_en=1)
    assert await storage.active_authors(1, None, None, NOW) == 1
    # the writer is still usable and consistent afterwards
    await storage.apply([created(2, author_id=7, at=T0 + H)])
    assert await storage.active_authors(1, None, None, NOW) == 2


async def test_guild_scoping(storage: SQLiteStorage) -> None:
    await storage.apply(
        [created(1, guild_id=1, compound=0.5), created(2, guild_id=2, channel_id=20, author_id=200)]
    )
    # an op naming the wrong guild never touches another server's message
    await storage.apply([ReactionChanged(2, 10, 1, 1), MessageDeleted(2, 10, 1), edited(1, -0.9, guild_id=2)])
    assert await storage.totals(1, None, None, NOW) == Totals(
        messages=1, positive=1, compound_sum=0.5, lang_en=1
    )
    assert (await storage.totals(2, None, None, NOW)).messages == 1
    assert await storage.active_authors(1, None, None, NOW) == 1
    assert await storage.top_channels(1, None, NOW, 5) == [ChannelCount(10, 1)]
    assert await storage.top_channels(2, None, NOW, 5) == [ChannelCount(20, 1)]
    assert await storage.member_totals(1, 200, None, NOW) == Totals()
    assert await storage.channel_cursors(1) == {10: 1}
    assert await storage.channel_cursors(2) == {20: 2}
    changes = await storage.apply(
        [MessageCreated(rec(3, compound=-0.9), flag=FlagRequest(FlagKind.NEGATIVE, "x"))]
    )
    assert await storage.get_flag(2, changes[0].flag.id) is None
    assert await storage.list_flags(2, None, 0, 10) == []
    await storage.set_threshold(1, -0.5)
    assert (await storage.get_config(2)).threshold == default_threshold()


# -- statistics queries -------------------------------------------------------------------------------------
async def test_ranges_are_whole_hours(storage: SQLiteStorage) -> None:
    await storage.apply(
        [created(1, at=T0 + 10), created(2, at=T0 + H - 1, author_id=2), created(3, at=T0 + H)]
    )
    assert (await storage.totals(1, None, T0, T0 + H)).messages == 2
    assert (await storage.totals(1, None, T0, T0 + 1)).messages == 2  # the end rounds up to the hour
    assert (await storage.totals(1, None, T0 + 1, T0 + 2 * H)).messages == 1  # so does the start
    assert (await storage.totals(1, None, T0 + H, T0 + H)).messages == 0
    assert await storage.active_authors(1, None, T0, T0 + H) == 2
    assert await storage.active_authors(1, None, T0 + H, T0 + 2 * H) == 1


async def test_long_ranges_combine_days_and_hours(storage: SQLiteStorage) -> None:
    ops = [
        created(i, at=T0 + i * 5 * H, author_id=i % 7, channel_id=10 + i % 3, compound=(i % 5 - 2) / 4)
        for i in range(200)
    ]
    await storage.apply(ops)
    for start in (None, T0, T0 + 5 * H, T0 + 3 * D + 7 * H):
        for end in (T0 + 13 * H, T0 + 20 * D, T0 + 41 * D + 3 * H):
            if start is not None and start >= end:
                continue
            inside = [
                o.record
                for o in ops
                if (start is None or o.record.created_at >= start) and o.record.created_at < end
            ]
            t = await storage.totals(1, None, start, end)
            assert t.messages == len(inside)
            assert t.positive == sum(1 for r in inside if r.compound >= 0.05)
            assert (await storage.totals(1, 11, start, end)).messages == sum(
                1 for r in inside if r.channel_id == 11
            )
            assert await storage.active_authors(1, None, start, end) == len({r.author_id for r in inside})


async def test_busiest_hour_top_channels_members(storage: SQLiteStorage) -> None:
    await storage.apply(
        [
            created(1, at=T0 + 9 * H, channel_id=10, author_id=1),
            created(2, at=T0 + D + 9 * H + 5, channel_id=11, author_id=1),
            created(3, at=T0 + 14 * H, channel_id=11, author_id=2),
            created(4, at=T0 + 2 * D + 14 * H, channel_id=11, author_id=1, compound=0.9),
            created(5, at=T0 + 3 * D + 14 * H, channel_id=12, author_id=3),
            created(6, at=T0 + 3 * D + 23 * H, channel_id=12, author_id=3),
        ]
    )
    assert await storage.busiest_hour(1, None, None, NOW) == 14
    assert await storage.busiest_hour(1, 10, None, NOW) == 9
    assert await storage.busiest_hour(1, None, T0, T0 + 10 * H) == 9
    assert await storage.top_channels(1, None, NOW, 2) == [ChannelCount(11, 3), ChannelCount(12, 2)]
    assert await storage.top_channels(1, T0 + 3 * D, NOW, 5) == [ChannelCount(12, 2)]
    assert await storage.member_active_days(1, 1, None, NOW) == 3
    assert await storage.member_active_days(1, 1, T0 + D, NOW) == 2
    assert await storage.member_top_channels(1, 1, None, NOW, 5) == [ChannelCount(11, 2), ChannelCount(10, 1)]
    m = await storage.member_totals(1, 1, None, NOW)
    assert (m.messages, m.positive, m.neutral) == (3, 1, 2)
    assert await storage.active_authors(1, 11, None, NOW) == 2
    assert await storage.active_authors(1, 11, T0 + D, NOW) == 1
    assert await storage.first_message_at(1) == T0 + 9 * H
    assert await storage.channel_cursors(1) == {10: 1, 11: 4, 12: 6}


async def test_out_of_order_arrivals_and_deletes_keep_active_counts(storage: SQLiteStorage) -> None:
    # author 1 active in hours 0, 50, 100; messages arrive out of order, then the middle one goes
    await storage.apply([created(3, at=T0 + 100 * H, author_id=1)])
    await storage.apply([created(1, at=T0, author_id=1)])
    await storage.apply([created(2, at=T0 + 50 * H, author_id=1)])
    assert await storage.active_authors(1, None, T0 + 40 * H, T0 + 60 * H) == 1
    assert await storage.active_authors(1, None, T0 + 60 * H, T0 + 99 * H) == 0
    await storage.apply([MessageDeleted(1, 10, 2)])
    assert await storage.active_authors(1, None, T0 + 40 * H, T0 + 60 * H) == 0
    assert await storage.active_authors(1, None, T0 + 40 * H, T0 + 101 * H) == 1
    assert await storage.active_authors(1, None, T0 + H, T0 + 101 * H) == 1
    await storage.apply([MessageDeleted(1, 10, 3)])
    assert await storage.active_authors(1, None, T0 + H, T0 + 101 * H) == 0
    assert await storage.active_authors(1, None, T0, T0 + 101 * H) == 1


# -- flags --------------------------------------------------------------------------------------------------
async def test_flag_lifecycle(storage: SQLiteStorage, clock: Clock) -> None:
    neg = FlagRequest(FlagKind.NEGATIVE, "this is awful")
    [change] = await storage.apply([MessageCreated(rec(1, compound=-0.8, author_id=5), flag=neg)])
    assert change.created and change.flag.is_open
    f = change.flag
    assert (f.text, f.kind, f.author_id, f.channel_id, f.compound) == (
        "this is awful",
        FlagKind.NEGATIVE,
        5,
        10,
        -0.8,
    )
    assert await storage.open_flag_for_message(1, 1) == f

    # still negative after an edit: the text follows the edit
    [change] = await storage.apply([edited(1, -0.6, flag=FlagRequest(FlagKind.NEGATIVE, "this is bad"))])
    assert not change.created and change.flag.text == "this is bad" and change.flag.is_open

    # an edit that is no longer negative resolves it
    clock.now = NOW + 5
    [change] = await storage.apply([edited(1, 0.4)])
    assert change.flag.status is FlagStatus.AUTO_RESOLVED and change.flag.resolved_at == NOW + 5
    assert await storage.open_flag_for_message(1, 1) is None

    # negative again: a new flag
    [change] = await storage.apply([edited(1, -0.9, flag=neg)])
    assert change.created and change.flag.id != f.id

    # deleted in Discord: the open one is closed and every flag of it loses its text
    [change] = await storage.apply([MessageDeleted(1, 10, 1)])
    assert change.flag.status is FlagStatus.MESSAGE_DELETED and change.flag.text is None
    assert all(x.text is None for x in await storage.list_flags(1, None, 0, 10))
    assert await storage.count_flags(1, None) == 2


async def test_reviewed_flag_is_not_raised_again_by_an_edit(storage: SQLiteStorage) -> None:
    neg = FlagRequest(FlagKind.NEGATIVE, "meh")
    [change] = await storage.apply([MessageCreated(rec(1, compound=-0.5), flag=neg)])
    await storage.resolve_flag(1, change.flag.id, FlagStatus.NOT_NEGATIVE, 77, NOW)
    assert await storage.apply([edited(1, -0.55, flag=neg)]) == []
    # a manual flag is left alone by edits
    manual = await storage.create_flag(
        guild_id=1,
        channel_id=10,
        message_id=1,
        author_id=100,
        kind=FlagKind.MANUAL,
        text="meh",
        compound=-0.5,
        reason=None,
        created_at=NOW,
    )
    assert await storage.apply([edited(1, 0.9)]) == []
    assert (await storage.get_flag(1, manual.id)).is_open  # type: ignore[union-attr]


async def test_flag_created_and_deleted_in_one_batch_is_not_posted(storage: SQLiteStorage) -> None:
    op = MessageCreated(rec(1, compound=-0.8), flag=FlagRequest(FlagKind.NEGATIVE, "x"))
    assert await storage.apply([op, MessageDeleted(1, 10, 1)]) == []
    [f] = await storage.list_flags(1, None, 0, 10)
    assert f.status is FlagStatus.MESSAGE_DELETED and f.text is None


async def test_resolve_flag_race_and_review_message(storage: SQLiteStorage) -> None:
    [change] = await storage.apply(
        [
            MessageCreated(
                rec(1, compound=-0.1, spam=True), flag=FlagRequest(FlagKind.SPAM, "slot gacor", "gambling")
            )
        ]
    )
    fid = change.flag.id
    assert change.flag.compound is None or change.flag.compound == -0.1
    await storage.set_review_message(1, fid, 555, 666)
    first = await storage.resolve_flag(1, fid, FlagStatus.DELETED_TIMED_OUT, 42, NOW + 1)
    assert first is not None and first.status is FlagStatus.DELETED_TIMED_OUT
    assert (first.resolved_by, first.resolved_at, first.review_channel_id, first.review_message_id) == (
        42,
        NOW + 1,
        555,
        666,
    )
    assert await storage.resolve_flag(1, fid, FlagStatus.NOT_SPAM, 43, NOW + 2) is None
    assert await storage.resolve_flag(2, fid, FlagStatus.NOT_SPAM, 43, NOW + 2) is None  # other guild
    with pytest.raises(ValueError):
        await storage.resolve_flag(1, fid, FlagStatus.OPEN, 1, NOW)


async def test_create_flag_returns_the_open_one(storage: SQLiteStorage) -> None:
    kw = dict(
        guild_id=1,
        channel_id=10,
        message_id=9,
        author_id=3,
        kind=FlagKind.MANUAL,
        text="hm",
        compound=None,
        reason="mod",
        created_at=NOW,
    )
    a = await storage.create_flag(**kw)  # type: ignore[arg-type]
    b = await storage.create_flag(**kw)  # type: ignore[arg-type]
    assert a == b and a.is_open and a.kind is FlagKind.MANUAL
    # deleting the message closes a hand-made flag too, even when the message itself was never stored
    [change] = await storage.apply([MessageDeleted(1, 10, 9)])
    assert change.flag.id == a.id and change.flag.status is FlagStatus.MESSAGE_DELETED


async def test_list_count_summary_and_false_positives(storage: SQLiteStorage) -> None:
    ops = [
        MessageCreated(
            rec(i, compound=-0.5, channel_id=10 + i % 2, at=T0 + i * H),
            flag=FlagRequest(FlagKind.NEGATIVE, f"text {i}"),
        )
        for i in range(1, 7)
    ]
    changes = await storage.apply(ops)
    ids = [c.flag.id for c in changes]
    await storage.resolve_flag(1, ids[0], FlagStatus.NOT_NEGATIVE, 1, NOW)
    await storage.resolve_flag(1, ids[1], FlagStatus.NOT_NEGATIVE, 1, NOW)
    await storage.resolve_flag(1, ids[2], FlagStatus.ACKNOWLEDGED, 1, NOW)
    listed = await storage.list_flags(1, None, 0, 4)
    assert [f.id for f in listed] == ids[::-1][:4]
    assert [f.id for f in await storage.list_flags(1, None, 4, 4)] == ids[1::-1]
    assert [f.id for f in await storage.list_flags(1, FlagStatus.OPEN, 0, 10)] == ids[:2:-1]
    assert await storage.count_flags(1, FlagStatus.OPEN) == 3
    assert await storage.count_flags(1, None) == 6
    summary = await storage.flag_summary(1, None, NOW)
    assert summary.by_status == {FlagStatus.OPEN: 3, FlagStatus.NOT_NEGATIVE: 2, FlagStatus.ACKNOWLEDGED: 1}
    assert summary.by_kind == {FlagKind.NEGATIVE: 6}
    assert summary.by_channel == [ChannelCount(10, 3), ChannelCount(11, 3)]
    assert summary.false_positive_rate == pytest.approx(2 / 3)
    assert (await storage.flag_summary(1, T0 + 4 * H, NOW)).by_status == {FlagStatus.OPEN: 3}
    assert await storage.false_positive_texts(1, None, NOW, 10) == ["text 2", "text 1"]
    assert await storage.false_positive_texts(1, T0 + 2 * H, NOW, 10) == ["text 2"]


# -- configuration and lexicon ------------------------------------------------------------------------------
async def test_config_defaults_and_changes(storage: SQLiteStorage) -> None:
    cfg = await storage.get_config(1)
    assert cfg.threshold == default_threshold()
    assert (cfg.review_channel_id, cfg.language, cfg.spam_action, cfg.spam_timeout_minutes) == (
        None,
        None,
        "review",
        60,
    )
    assert (await storage.set_threshold(1, -0.4)).threshold == -0.4
    assert (await storage.set_review_channel(1, 77)).review_channel_id == 77
    assert (await storage.set_review_channel(1, None)).review_channel_id is None
    assert (await storage.set_language(1, "id")).language == "id"
    cfg = await storage.set_spam_action(1, "delete", 30)
    assert (cfg.spam_action, cfg.spam_timeout_minutes) == ("delete", 30)
    cfg = await storage.set_spam_action(1, "review", None)
    assert (cfg.spam_action, cfg.spam_timeout_minutes) == ("review", 30)
    await storage.add_exempt_channel(1, 5)
    await storage.add_exempt_channel(1, 5)
    await storage.add_exempt_channel(1, 6)
    assert (await storage.remove_exempt_channel(1, 5)).exempt_channels == frozenset({6})
    await storage.add_exempt_role(1, 8)
    assert (await storage.get_config(1)).exempt_roles == frozenset({8})
    assert (await storage.remove_exempt_role(1, 8)).exempt_roles == frozenset()
    cfg = await storage.get_config(1)
    assert (cfg.threshold, cfg.language, cfg.exempt_channels) == (-0.4, "id", frozenset({6}))
    with pytest.raises(ValueError):
        await storage.set_spam_action(1, "ban", None)
    with pytest.raises(ValueError):
        await storage.set_threshold(1, -2)


async def test_lexicon(storage: SQLiteStorage) -> None:
    assert await storage.get_lexicon(1) == {}
    await storage.set_lexicon_word(1, " Gokil ", 2.5)
    await storage.set_lexicon_word(1, "zonk", -2.0)
    await storage.set_lexicon_word(1, "zonk", -3.0)
    await storage.set_lexicon_word(2, "other", 1.0)
    assert await storage.get_lexicon(1) == {"gokil": 2.5, "zonk": -3.0}
    assert await storage.remove_lexicon_word(1, "ZONK") is True
    assert await storage.remove_lexicon_word(1, "zonk") is False
    assert await storage.get_lexicon(1) == {"gokil": 2.5}


async def test_consecutive_hours_across_batches(storage: SQLiteStorage) -> None:
    # the writer remembers each author's newest hour between batches; exercise new/newest/older hours
    for i, hour in enumerate([5, 5, 6, 7, 7, 3, 8, 6, 9]):
        await storage.apply([created(i + 1, at=T0 + hour * H + i, author_id=1, channel_id=10 + i % 2)])
    member = await storage.member_totals(1, 1, None, NOW)
    assert member.messages == 9
    for s, e, n in [(3, 4, 1), (4, 5, 0), (5, 6, 1), (9, 10, 1), (10, 11, 0), (4, 10, 1)]:
        assert await storage.active_authors(1, None, T0 + s * H, T0 + e * H) == n
    assert await storage.member_top_channels(1, 1, None, NOW, 5) == [ChannelCount(10, 5), ChannelCount(11, 4)]
    await storage.apply([MessageDeleted(1, 10, 9)])  # the newest hour (9) goes away
    await storage.apply([created(20, at=T0 + 9 * H, author_id=1)])
    await storage.apply([created(21, at=T0 + 10 * H, author_id=1)])
    assert await storage.active_authors(1, None, T0 + 9 * H, T0 + 11 * H) == 1
    assert (await storage.member_totals(1, 1, T0 + 9 * H, NOW)).messages == 2


async def test_another_writer_on_the_same_file(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    async with SQLiteStorage.open(path) as a, SQLiteStorage.open(path) as b:
        await a.apply([created(1, at=T0 + 5 * H, author_id=1)])
        await b.apply([created(2, at=T0 + 6 * H, author_id=1)])  # e.g. `sentimeter analyze` next to the bot
        await a.apply([created(3, at=T0 + 6 * H + 1, author_id=1), created(4, at=T0 + 7 * H, author_id=1)])
        assert (await a.member_totals(1, 1, None, NOW)).messages == 4
        assert await a.active_authors(1, None, T0 + 7 * H, T0 + 8 * H) == 1
        assert await a.active_authors(1, None, T0 + 6 * H, T0 + 7 * H) == 1
        assert await b.active_authors(1, None, T0, NOW) == 1


async def test_text_with_a_nul_is_stored_on_every_back_end(storage: SQLiteStorage) -> None:
    """Discord lets a member send U+0000; PostgreSQL's text cannot hold it. The write must not be refused
    (it would be dropped after its retries): the flag keeps its text, the NUL shown as U+FFFD there."""
    said = "slot gacor\x00 daftar sekarang"
    (change,) = await storage.apply(
        [MessageCreated(rec(7, compound=-0.7), flag=FlagRequest(FlagKind.SPAM, said, reason="why\x00"))]
    )
    assert change.flag is not None
    stored = await storage.get_flag(1, change.flag.id)
    assert stored is not None and stored.text in (said, said.replace("\x00", "\ufffd"))
    assert (await storage.totals(1, None, None, NOW)).messages == 1
