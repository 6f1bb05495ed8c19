"""`sentimeter migrate`: a SQLite installation built through the real storage, copied into a real PostgreSQL
(tests/conftest.py's throwaway server), verified, re-run, and refused when it must be."""

from __future__ import annotations

import asyncio
import io
import sqlite3
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.offline.migrate import migrate_database
from bot.storage.models import (
    FlagKind,
    FlagRequest,
    FlagStatus,
    MessageCreated,
    MessageRecord,
    ReactionChanged,
)
from bot.storage.postgres.storage import PostgresStorage
from bot.storage.sqlite import SQLiteStorage
from tests.test_cli import run_cli
from tests.test_cli_errors import one_error_line

T0 = 1_700_000_000 - 1_700_000_000 % 86_400  # a UTC midnight in November 2023
NOW = T0 + 45 * 86_400
G1, G2 = 1_100_000_000_000_000_001, 1_100_000_000_000_000_002
DISCORD_EPOCH_MS = 1_420_070_400_000
MESSAGES = 300


def snowflake(at: int, seq: int) -> int:
    return ((at * 1000 - DISCORD_EPOCH_MS) << 22) | seq


def message(i: int, *, at: int | None = None) -> MessageCreated:
    at = T0 + i * 3 * 3600 if at is None else at  # 300 messages over five weeks: two months' partitions
    guild = G1 if i % 3 else G2
    compound = ((i * 37) % 200 - 100) / 100
    record = MessageRecord(
        guild_id=guild,
        channel_id=10 + i % 4,
        message_id=snowflake(at, i),
        author_id=100 + i % 7,
        created_at=at,
        reply_to_id=snowflake(at - 3 * 3600, i - 1) if i % 5 == 0 and i else None,
        compound=compound,
        pos=max(compound, 0.0),
        neu=1 - abs(compound),
        neg=max(-compound, 0.0),
        language="en" if i % 2 else "id",
        is_spam=i % 29 == 0,
    )
    flag = None
    if compound < -0.6:
        flag = FlagRequest(
            FlagKind.NEGATIVE, f"komentar {i}: kecewa “banget” 😞", reason="“kecewa”", topic="tech"
        )
    return MessageCreated(record, flag, terms=("stream", "kecewa banget") if i % 2 else ("mantap",))


async def build_source(path: Path) -> None:
    """Messages (roll-ups, presence, trends, cursors), flags (one resolved, some deleted by forget-me, so
    SQLite's flag sequence is past the largest id left), settings, a lexicon word and an opt-out."""
    async with SQLiteStorage.open(path, clock=lambda: NOW) as st:
        await st.apply([message(i) for i in range(MESSAGES)])
        first = message(1).record
        await st.apply([ReactionChanged(first.guild_id, first.channel_id, first.message_id, 3, clear=True)])
        await st.set_threshold(G1, -0.4)
        await st.add_exempt_channel(G1, 13)
        await st.add_exempt_role(G1, 77)
        await st.set_lexicon_word(G1, "mantap", 2.5)
        await st.set_timezone(G1, "Asia/Jakarta")
        await st.set_opt_out(G1, 555, True)
        open_flags = await st.list_flags(G1, FlagStatus.OPEN, 0, 5)
        await st.resolve_flag(G1, open_flags[0].id, FlagStatus.ACKNOWLEDGED, 999, NOW - 60)
        newest = max(
            [*await st.list_flags(G1, None, 0, 1), *await st.list_flags(G2, None, 0, 1)], key=lambda f: f.id
        )
        await st.forget_member(newest.guild_id, newest.author_id)  # the newest flags' ids are gone with them
    conn = sqlite3.connect(path)
    try:
        seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'flags'").fetchone()[0]
        largest = conn.execute("SELECT max(id) FROM flags").fetchone()[0]
    finally:
        conn.close()
    assert seq > largest, "the source must have handed out flag ids that are no longer there"


@pytest.fixture(scope="module")
def source_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("migrate") / "template.db"
    asyncio.run(build_source(path))
    return path


@pytest.fixture
def source(source_template: Path, tmp_path: Path) -> Path:
    """A copy of the built installation that a test may change."""
    path = tmp_path / "sentimeter.db"
    with sqlite3.connect(source_template) as src, sqlite3.connect(path) as dst:
        src.backup(dst)
    return path


def sqlite_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        names = [
            n
            for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not n.startswith("sqlite_")
        ]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        conn.close()


async def pg_counts(url: str, tables: list[str]) -> dict[str, int]:
    conn = await asyncpg.connect(url)
    try:
        return {t: int(await conn.fetchval(f'SELECT count(*) FROM "{t}"')) for t in tables}
    finally:
        await conn.close()


async def figures(st: Any) -> dict[Any, Any]:
    """What /stats, /flags, /config and /privacy show, read through the storage methods."""
    out: dict[Any, Any] = {}
    for g in (G1, G2):
        for start in (None, T0 + 20 * 86_400):
            out[g, start, "totals"] = await st.totals(g, None, start, NOW)
            out[g, start, "channel"] = await st.totals(g, 11, start, NOW)
            out[g, start, "active"] = await st.active_authors(g, None, start, NOW)
            out[g, start, "busiest"] = await st.busiest_hour(g, None, start, NOW)
            out[g, start, "top"] = await st.top_channels(g, start, NOW, 5)
            out[g, start, "member"] = await st.member_totals(g, 101, start, NOW)
            out[g, start, "flags"] = await st.flag_summary(g, start, NOW)
        out[g, "count_flags"] = await st.count_flags(g, None)
        out[g, "list_flags"] = await st.list_flags(g, None, 0, 100)
        out[g, "config"] = await st.get_config(g)
        out[g, "lexicon"] = await st.get_lexicon(g)
        out[g, "opted_out"] = await st.opted_out(g)
        out[g, "cursors"] = await st.channel_cursors(g)
        out[g, "first"] = await st.first_message_at(g)
    return out


def test_migrate_copies_everything_and_the_figures_are_the_same(source: Path, postgres_url: str) -> None:
    result = run_cli("migrate", "--from", str(source), "--to", postgres_url, "--no-progress")
    assert result.returncode == 0, result.stderr
    counts = sqlite_counts(source)
    assert result.stdout.strip() == (
        f"verified: {len(counts)} tables, {sum(counts.values()):,} rows, roll-up totals equal per server"
    )
    assert asyncio.run(pg_counts(postgres_url, list(counts))) == counts
    assert counts["messages"] > MESSAGES * 3 // 4 and counts["flags"] > 0 and counts["presence"] > 0

    async def compare() -> None:
        async with SQLiteStorage.open(source, clock=lambda: NOW) as lite:
            expected = await figures(lite)
        async with PostgresStorage.open(postgres_url, clock=lambda: NOW) as pg:
            assert await figures(pg) == expected
            # a new flag continues after every id SQLite handed out (an old review button names no new flag)
            conn = sqlite3.connect(source)
            seq = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'flags'").fetchone()[0]
            conn.close()
            rec = message(7, at=NOW - 100).record
            flag = await pg.create_flag(
                guild_id=rec.guild_id,
                channel_id=rec.channel_id,
                message_id=rec.message_id,
                author_id=rec.author_id,
                kind=FlagKind.MANUAL,
                text="by hand",
                compound=None,
                reason=None,
                created_at=NOW - 50,
            )
            assert flag.id > seq

    asyncio.run(compare())


def test_migrate_makes_the_months_partitions(source: Path, postgres_url: str) -> None:
    out = io.StringIO()
    assert asyncio.run(migrate_database(str(source), postgres_url, progress=False, out=out)) == 0

    async def where() -> tuple[int, int]:
        conn = await asyncpg.connect(postgres_url)
        try:
            in_default = await conn.fetchval("SELECT count(*) FROM messages_default")
            months = await conn.fetchval(
                "SELECT count(*) FROM pg_class WHERE relname ~ '^messages_p2023[0-9]{2}$'"
            )
            return int(in_default), int(months)
        finally:
            await conn.close()

    in_default, months = asyncio.run(where())
    assert in_default == 0, "old months' rows belong in their own partitions, not in DEFAULT"
    assert months == 2  # November and December 2023


def test_rerun_adds_nothing_and_catches_up_with_the_source(source: Path, postgres_url: str) -> None:
    out = io.StringIO()
    # small chunks: the copy goes through many COPY calls
    assert asyncio.run(migrate_database(str(source), postgres_url, progress=False, out=out, chunk=7)) == 0
    first = asyncio.run(pg_counts(postgres_url, list(sqlite_counts(source))))
    assert asyncio.run(migrate_database(str(source), postgres_url, progress=False, out=out)) == 0
    assert asyncio.run(pg_counts(postgres_url, list(first))) == first

    async def more() -> None:  # the bot kept running on SQLite meanwhile
        async with SQLiteStorage.open(source, clock=lambda: NOW) as st:
            await st.apply([message(i, at=NOW - 3600 + i) for i in range(MESSAGES, MESSAGES + 20)])
            await st.set_threshold(G2, -0.7)

    asyncio.run(more())
    assert asyncio.run(migrate_database(str(source), postgres_url, progress=False, out=out)) == 0
    counts = sqlite_counts(source)
    assert asyncio.run(pg_counts(postgres_url, list(counts))) == counts
    assert counts["messages"] == first["messages"] + 20

    async def threshold() -> float:
        async with PostgresStorage.open(postgres_url, clock=lambda: NOW) as pg:
            return (await pg.get_config(G2)).threshold

    assert asyncio.run(threshold()) == -0.7
    assert out.getvalue().count("verified:") == 3


def test_a_mismatch_is_reported_and_a_changed_target_is_not_replaced(source: Path, postgres_url: str) -> None:
    assert asyncio.run(migrate_database(str(source), postgres_url, progress=False, out=io.StringIO())) == 0

    async def lose_a_day() -> None:  # as if rows went missing, or the bot wrote to the target since
        conn = await asyncpg.connect(postgres_url)
        try:
            await conn.execute("DELETE FROM guild_day WHERE day = (SELECT min(day) FROM guild_day)")
        finally:
            await conn.close()

    asyncio.run(lose_a_day())
    check = run_cli("migrate", "--from", str(source), "--to", postgres_url, "--verify-only")
    assert check.returncode == 1
    verdict = check.stdout.strip()
    assert verdict.startswith("MISMATCH: guild_day: ") and "totals of server" in verdict
    again = run_cli("migrate", "--from", str(source), "--to", postgres_url, "--no-progress")
    assert again.returncode == 1
    assert "guild_day" in one_error_line(again) and "since the last migrate" in again.stderr


def test_a_copy_that_does_not_verify_commits_nothing(source: Path, postgres_url: str) -> None:
    """A verification failure inside the copy (here: a trigger drops one server's daily rows on their way
    in) rolls the whole copy back."""

    async def run() -> tuple[int, str, int]:
        async with PostgresStorage.open(postgres_url):
            pass
        conn = await asyncpg.connect(postgres_url)
        try:
            await conn.execute(
                "CREATE FUNCTION drop_one() RETURNS trigger LANGUAGE plpgsql AS"
                f" $$ BEGIN IF NEW.guild_id = {G2} THEN RETURN NULL; END IF;"
                " RETURN NEW; END $$;"
                "CREATE TRIGGER drop_one BEFORE INSERT ON guild_day FOR EACH ROW EXECUTE FUNCTION drop_one()"
            )
            out = io.StringIO()
            code = await migrate_database(str(source), postgres_url, progress=False, out=out)
            return code, out.getvalue(), int(await conn.fetchval("SELECT count(*) FROM messages"))
        finally:
            await conn.close()

    code, verdict, messages = asyncio.run(run())
    assert code == 1
    assert verdict.startswith("MISMATCH: guild_day: ") and verdict.strip().endswith("nothing was committed")
    assert messages == 0


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("sqlite-target", "--to must be a postgresql:// URL"),
        ("same", "--from and --to are the same database"),
        ("newer-target", "newer than this Sentimeter"),
        ("missing-table", "the target has no table 'trend_terms'"),
        ("missing-source", "no such database"),
        ("old-source", "schema version 13 is older"),
    ],
)
def test_refusals_are_one_line(
    source: Path, postgres_url: str, tmp_path: Path, case: str, expected: str
) -> None:
    src, dst = str(source), postgres_url

    async def target_sql(sql: str) -> None:
        async with PostgresStorage.open(postgres_url):
            pass
        conn = await asyncpg.connect(postgres_url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    if case == "sqlite-target":
        dst = str(tmp_path / "other.db")
    elif case == "same":
        src = postgres_url
    elif case == "newer-target":
        asyncio.run(target_sql("UPDATE schema_version SET version = version + 1"))
    elif case == "missing-table":
        asyncio.run(target_sql("DROP TABLE trend_terms"))
    elif case == "missing-source":
        src = str(tmp_path / "nothing.db")
    elif case == "old-source":
        with sqlite3.connect(source) as conn:
            conn.execute("PRAGMA user_version = 13")
    before = sqlite_counts(source) if Path(src).is_file() else None
    result = run_cli("migrate", "--from", src, "--to", dst, "--no-progress")
    assert result.returncode == 1
    assert expected in one_error_line(result)
    if before is not None:
        assert sqlite_counts(source) == before, "the source is only read"
    assert not (tmp_path / "other.db").exists()


def test_the_source_is_read_while_the_bot_writes_to_it(source: Path, postgres_url: str) -> None:
    """One read snapshot: writes committed during the copy are not half in it (the bot may keep running)."""

    async def run() -> tuple[int, str]:
        async with SQLiteStorage.open(source, clock=lambda: NOW) as st:
            out = io.StringIO()
            copy = asyncio.create_task(
                migrate_database(str(source), postgres_url, progress=False, out=out, chunk=5)
            )
            for i in range(MESSAGES, MESSAGES + 40):  # writes while the copy reads
                await st.apply([message(i, at=NOW - 3600 + i)])
                await asyncio.sleep(0)
            return await copy, out.getvalue()

    code, verdict = asyncio.run(run())
    assert code == 0, verdict
    assert verdict.startswith("verified: ")


def test_a_postgres_source_moves_to_another_database(source: Path, postgres_server: Any) -> None:
    """PostgreSQL to PostgreSQL (moving servers): the same copy and checks, read in one snapshot."""
    first, second = postgres_server.new_database(), postgres_server.new_database()
    assert asyncio.run(migrate_database(str(source), first, progress=False, out=io.StringIO())) == 0
    out = io.StringIO()
    assert asyncio.run(migrate_database(first, second, progress=False, out=out, chunk=50)) == 0
    counts = sqlite_counts(source)
    assert out.getvalue().startswith(f"verified: {len(counts)} tables, {sum(counts.values()):,} rows")
    assert asyncio.run(pg_counts(second, list(counts))) == counts

    async def both() -> tuple[Any, Any]:
        async with (
            PostgresStorage.open(first, clock=lambda: NOW) as a,
            PostgresStorage.open(second, clock=lambda: NOW) as b,
        ):
            return await a.list_flags(G1, None, 0, 100), await b.list_flags(G1, None, 0, 100)

    flags_first, flags_second = asyncio.run(both())
    assert flags_first == flags_second and flags_first


def test_text_with_a_nul_is_copied_not_refused(tmp_path: Path, postgres_url: str) -> None:
    """SQLite keeps a NUL that a member sent; PostgreSQL's text cannot: it arrives as U+FFFD."""
    path = tmp_path / "nul.db"
    op = message(1)
    said = MessageCreated(op.record, FlagRequest(FlagKind.SPAM, "slot\x00gacor", reason="x"), terms=None)

    async def build() -> None:
        async with SQLiteStorage.open(path, clock=lambda: NOW) as st:
            await st.apply([said])

    asyncio.run(build())
    result = run_cli("migrate", "--from", str(path), "--to", postgres_url, "--no-progress")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("verified: ")

    async def read() -> list[str]:
        async with PostgresStorage.open(postgres_url, clock=lambda: NOW) as pg:
            return [f.text or "" for f in await pg.list_flags(said.record.guild_id, None, 0, 10)]

    assert asyncio.run(read()) == ["slot\ufffdgacor"]
