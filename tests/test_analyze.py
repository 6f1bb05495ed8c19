"""`sentimeter analyze` end to end: a real export, the real pipeline, a real SQLite file."""

from __future__ import annotations

import asyncio
import importlib.util
import io
import json
import os
import sqlite3
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from bot.core.periods import Period
from bot.core.stats import StatsService
from bot.offline.analyze import analyze, ingest_exports
from bot.offline.exporter import ExportError
from bot.storage.models import FlagKind, FlagStatus
from bot.storage.sqlite import SQLiteStorage
from tests.conftest import REPO_ROOT
from tests.test_exporter import CHANNEL, GUILD, author, export, message, write

END = 2_000_000_000  # far future: "everything so far"
REACTION = {"emoji": {"id": "", "name": "👍", "code": "thumbsup", "isAnimated": False, "imageUrl": "x"}}


def example_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_example_export", REPO_ROOT / "scripts" / "make_example_export.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_example_export"] = module
    spec.loader.exec_module(module)
    return module


def small_export(tmp_path: Path) -> Path:
    def at(minute: int) -> str:
        return f"2024-05-01T12:{minute:02d}:00+00:00"

    messages: list[dict[str, Any]] = [
        message(
            1,
            "I love this stream, best community ever!",
            timestamp=at(0),
            reactions=[{**REACTION, "count": 4}],
        ),
        message(2, "what time is the next stream?", user=6, timestamp=at(1)),
        message(
            3,
            "this is terrible, the audio is awful and I hate the new schedule",
            user=7,
            timestamp=at(2),
            type="Reply",
            reference={"messageId": "1", "channelId": "222", "guildId": "111"},
            reactions=[{**REACTION, "count": 2}, {**REACTION, "count": 1}],
        ),
        message(4, "", user=6, timestamp=at(3), attachments=[{"id": "9", "url": "https://x/a.png"}]),
        message(
            5, "𝐒𝐋𝐎𝐓 𝐆𝐀𝐂𝐎𝐑 PULAU777 hari ini maxwin!! deposit 10rb langsung cair", user=8, timestamp=at(4)
        ),
        {**message(6, "Welcome to the server!", timestamp=at(5)), "author": author(99, bot=True)},
        message(7, "", user=9, timestamp=at(6), type="GuildMemberJoin"),
        message(
            8,
            "agreed, thanks!",
            user=5,
            timestamp=at(7),
            type="Reply",
            reference={"messageId": "2", "channelId": "222", "guildId": "111"},
        ),
    ]
    return write(tmp_path, export(messages))


async def test_small_export_counts_exactly(tmp_path: Path) -> None:
    path = small_export(tmp_path)
    db = tmp_path / "db" / "analyze.db"
    out = io.StringIO()
    assert await analyze([path], db, workers=1, progress=False, out=out) == 0
    report = out.getvalue()

    async with SQLiteStorage.open(db) as storage:
        totals = await storage.totals(111, 222, None, END)
        assert totals.messages == 6  # the bot message and the join are not counted
        assert totals.replies == 2
        assert totals.reactions == 7
        assert totals.spam == 1
        assert totals.scored == 4  # minus the attachment-only message and the spam
        assert await storage.active_authors(111, 222, None, END) == 4  # users 5, 6, 7 and 8
        flags = await storage.list_flags(111, FlagStatus.OPEN, 0, 50)
        kinds = {f.message_id: f.kind for f in flags}
        assert kinds == {3: FlagKind.NEGATIVE, 5: FlagKind.SPAM}
        channel = await StatsService(storage).channel(111, 222, Period.ALL, END)
        assert channel.busiest_hour == 12

    assert "Read 8 messages from" in report
    assert "6 counted; skipped 1 from bots and 1 system messages" in report
    assert "#general" in report
    assert "the audio is awful" in report  # the flagged comment, with its author
    assert "user7" in report
    assert "PULAU777" in report
    assert "1 negative comment(s) and 1 spam message(s)" in report


async def test_running_twice_counts_once(tmp_path: Path) -> None:
    path = small_export(tmp_path)
    db = tmp_path / "analyze.db"
    outputs = []
    for _ in range(2):
        out = io.StringIO()
        await analyze([path], db, workers=1, progress=False, out=out)
        outputs.append(out.getvalue())
    async with SQLiteStorage.open(db) as storage:
        totals = await storage.totals(111, 222, None, END)
        flags = await storage.count_flags(111, None)
    assert (totals.messages, totals.replies, totals.reactions, totals.spam, flags) == (6, 2, 7, 1, 2)
    assert "already in the database" not in outputs[0]
    assert "6 of them were already in the database" in outputs[1]


async def _snapshot(db: Path, guild_id: int, channels: list[int]) -> dict[str, Any]:
    async with SQLiteStorage.open(db) as storage:
        snap: dict[str, Any] = {"server": await storage.totals(guild_id, None, None, END)}
        for channel in channels:
            snap[f"channel {channel}"] = (
                await storage.totals(guild_id, channel, None, END),
                await storage.active_authors(guild_id, channel, None, END),
                await storage.busiest_hour(guild_id, channel, None, END),
            )
        snap["flags"] = sorted(
            (f.message_id, f.kind, f.compound) for f in await storage.list_flags(guild_id, None, 0, 100_000)
        )
    return snap


async def test_one_and_two_workers_write_the_same(tmp_path: Path) -> None:
    module = example_module()
    folder = tmp_path / "server"
    module.write_all(folder, seed=7, total=2_600)  # more than one 2,000-message chunk
    channels = [c.id for c in module.CHANNELS]

    outputs = {}
    for workers in (1, 2):
        out = io.StringIO()
        await analyze([folder], tmp_path / f"w{workers}.db", workers=workers, progress=False, out=out)
        outputs[workers] = out.getvalue()
    one = await _snapshot(tmp_path / "w1.db", module.GUILD_ID, channels)
    two = await _snapshot(tmp_path / "w2.db", module.GUILD_ID, channels)
    assert one == two
    assert one["server"].messages > 2_000
    assert one["server"].spam > 0
    assert any(kind is FlagKind.NEGATIVE for _, kind, _ in one["flags"])

    def without_timing(report: str) -> str:
        return report.split("\n", 1)[1]  # the first line has the duration and the worker count

    assert without_timing(outputs[1]) == without_timing(outputs[2])
    assert "#ngobrol" in outputs[1] and "What people complain about" in outputs[1]


@pytest.mark.parametrize("workers", [1, 2])
async def test_each_server_is_scored_with_its_own_lexicon(tmp_path: Path, workers: int) -> None:
    """Two servers in one run, the first without a lexicon of its own: the second one's words apply to its
    messages only, in-process and in the scoring workers alike."""
    folder = tmp_path / "exports"
    folder.mkdir()
    text = "your editing is sweaty"
    plain = export([message(1, text)])
    custom = export([message(2, text)], guild={**GUILD, "id": "112"}, channel={**CHANNEL, "id": "333"})
    write(folder, plain, "a_plain.json")
    write(folder, custom, "b_custom.json")
    db = tmp_path / "lexicons.db"
    async with SQLiteStorage.open(db) as storage:
        await storage.set_lexicon_word(112, "sweaty", -2.5)
        for guild_id in (111, 112):  # both want to see mild feedback: only the lexicon differs
            await storage.set_sensitivity(guild_id, "high")
    await analyze([folder], db, workers=workers, progress=False, out=io.StringIO())
    async with SQLiteStorage.open(db) as storage:
        assert await storage.list_flags(111, None, 0, 10) == []
        flagged = await storage.list_flags(112, None, 0, 10)
    assert [(f.message_id, f.kind) for f in flagged] == [(2, FlagKind.NEGATIVE)]


async def test_the_shipped_example_analyzes(tmp_path: Path) -> None:
    folder = REPO_ROOT / "examples" / "dapur-nara"
    declared = sum(json.loads(p.read_text(encoding="utf-8"))["messageCount"] for p in folder.glob("*.json"))
    out = io.StringIO()
    await analyze([folder], tmp_path / "example.db", workers=1, progress=False, out=out)
    report = out.getvalue()
    assert f"Read {declared:,} messages from 4 export files in {folder}" in report
    assert "Dapur Nara" in report
    assert "PULAU777" in report  # the gambling spam is caught and listed
    assert "What people complain about" in report
    complaints = report.split("What people complain about", 1)[1].split("Spam", 1)[0]
    assert "tech" in complaints  # "streamnya ngelag parah, kecewa": lag is a technical complaint


async def test_a_broken_file_alone_fails_before_writing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"guild": GUILD, "channel": CHANNEL})[:-1], encoding="utf-8")
    db = tmp_path / "x.db"
    with pytest.raises(ExportError, match="truncated JSON"):
        await analyze([bad], db, workers=1, progress=False, out=io.StringIO())
    async with SQLiteStorage.open(db) as storage:
        assert (await storage.totals(111, 222, None, END)).messages == 0


async def test_workers_and_small_chunks(tmp_path: Path) -> None:
    """`ingest_exports` on any Storage object, many small chunks in flight: same rows with and without
    workers."""
    module = example_module()
    folder = tmp_path / "server"
    module.write_all(folder, seed=11, total=600)
    channels = [c.id for c in module.CHANNELS]
    for workers in (1, 2):
        async with SQLiteStorage.open(tmp_path / f"c{workers}.db") as storage:
            result = await ingest_exports([folder], storage, workers=workers, chunk_size=64, in_flight=3)
        assert result.seen.counted == result.read - result.skipped_bots - result.skipped_system
    one = await _snapshot(tmp_path / "c1.db", module.GUILD_ID, channels)
    two = await _snapshot(tmp_path / "c2.db", module.GUILD_ID, channels)
    assert one == two
    assert one["server"].messages == result.seen.counted


class _DiskFull(SQLiteStorage):
    """A storage whose third write fails, as a full disk would make it."""

    writes = 0

    async def apply(self, ops: Any) -> Any:
        type(self).writes += 1
        if type(self).writes >= 3:
            raise sqlite3.OperationalError("database or disk is full")
        return await super().apply(ops)


@pytest.mark.parametrize("workers", [1, 2])
async def test_a_failing_write_stops_the_run_instead_of_hanging(tmp_path: Path, workers: int) -> None:
    """The reader is blocked on a full queue when a write fails: the error must come out, not a hang."""
    module = example_module()
    folder = tmp_path / "server"
    module.write_all(folder, seed=5, total=600)
    _DiskFull.writes = 0
    async with _DiskFull.open(tmp_path / "full.db") as storage:
        run = ingest_exports([folder], storage, workers=workers, chunk_size=16, in_flight=2)
        with pytest.raises(sqlite3.OperationalError, match="disk is full"):
            await asyncio.wait_for(run, timeout=120)


@pytest.mark.parametrize("write_batch", [100, 10_000])
async def test_the_writer_commits_batches_of_chunks_and_the_rest_at_the_end(
    tmp_path: Path, write_batch: int
) -> None:
    """The writer process holds several chunks per transaction: committed every ``write_batch`` messages,
    the rest when it closes; the rows are those of the in-process run."""
    module = example_module()
    folder = tmp_path / "server"
    module.write_all(folder, seed=11, total=1_500)
    channels = [c.id for c in module.CHANNELS]
    async with SQLiteStorage.open(tmp_path / "one.db") as storage:
        await ingest_exports([folder], storage, workers=1, chunk_size=64)
    db = tmp_path / "writer.db"
    async with SQLiteStorage.open(db) as storage:
        await ingest_exports([folder], storage, workers=2, chunk_size=64, db_path=db, write_batch=write_batch)
    one = await _snapshot(tmp_path / "one.db", module.GUILD_ID, channels)
    held = await _snapshot(db, module.GUILD_ID, channels)
    assert held == one
    assert held["server"].messages > 1_000
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT count(*) FROM messages").fetchone()[0]
    assert stored == held["server"].messages


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
async def test_the_scorer_and_the_writer_start_with_the_run_not_at_their_first_chunk(tmp_path: Path) -> None:
    """Both processes load (imports, models, the database) while the first chunks are read: they are
    running before any work is sent to them."""
    from bot.offline.analyze import _Layout

    def spawned_children() -> int:
        me = str(os.getpid())
        count = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_bytes()
                cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if stat[stat.rindex(b")") + 2 :].split()[1].decode() == me and b"spawn_main" in cmdline:
                count += 1
        return count

    db = tmp_path / "layout.db"
    async with SQLiteStorage.open(db):
        pass
    layout = _Layout.start(2, db, {})
    try:
        assert spawned_children() == 2  # one scorer, one writer
    finally:
        await layout.stop()
