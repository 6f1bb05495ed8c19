"""`sentimeter export` as a user runs it: CSV on stdout (parsed back and checked against the database), the
server chosen or refused, one line of error and a non-zero exit on bad input, quiet on a closed pipe."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.export import HEADERS, ExportKind
from bot.core.periods import DAY, HOUR
from bot.storage.models import FlagKind, FlagRequest, MessageCreated, MessageRecord
from bot.storage.sqlite import SQLiteStorage
from tests.conftest import REPO_ROOT
from tests.test_cli import run_cli

D0 = 1_767_225_600  # 2026-01-01 00:00 UTC
G, OTHER = 1, 2
CHANNELS = 40
DAYS = 50


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Server 1: 40 channels x 50 days (2,000 daily rows, more than a pipe holds), two flags; server 2: one
    message and a flag. Written through the real write path."""
    path = tmp_path_factory.mktemp("export") / "s.db"

    def rec(mid: int, guild: int, channel: int, at: int, compound: float = 0.3) -> MessageRecord:
        return MessageRecord(guild, channel, mid, 7, at, compound=compound, pos=0.3, neu=0.7, language="en")

    async def seed() -> None:
        async with SQLiteStorage.open(path) as storage:
            ops: list[MessageCreated] = []
            for day in range(DAYS):
                for channel in range(CHANNELS):
                    mid = 10_000 + day * CHANNELS + channel
                    ops.append(MessageCreated(rec(mid, G, 100 + channel, D0 + day * DAY + channel * 60)))
            ops.append(
                MessageCreated(
                    rec(1, G, 100, D0 + 2 * DAY + HOUR, -0.8),
                    FlagRequest(kind=FlagKind.NEGATIVE, text='=HYPERLINK("x") worst stream', topic="audio"),
                )
            )
            ops.append(
                MessageCreated(
                    rec(2, G, 101, D0 + 9 * DAY, -0.6),
                    FlagRequest(kind=FlagKind.NEGATIVE, text="lag, lag, lag\nagain", reason="“lag”"),
                )
            )
            ops.append(
                MessageCreated(
                    rec(3, OTHER, 900, D0 + 2 * DAY),
                    FlagRequest(kind=FlagKind.SPAM, text="other server spam", reason="link"),
                )
            )
            await storage.apply(ops)

    asyncio.run(seed())
    return path


def _rows(stdout: str, kind: ExportKind) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(stdout, newline=""))
    assert tuple(reader.fieldnames or ()) == HEADERS[kind]
    return list(reader)


def test_daily_for_a_range_matches_the_database(database: Path) -> None:
    args = ["export", "--database", str(database), "--what", "daily", "--guild", str(G)]
    result = run_cli(*args, "--since", "2026-01-03", "--until", "2026-01-05")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    rows = _rows(result.stdout, ExportKind.DAILY)
    assert {r["date"] for r in rows} == {"2026-01-03", "2026-01-04", "2026-01-05"}  # --until is included
    with sqlite3.connect(database) as db:
        want = db.execute(
            "SELECT day, channel_id, messages FROM channel_day WHERE guild_id = ? AND day >= ? AND day < ?"
            " ORDER BY day, channel_id",
            (G, D0 + 2 * DAY, D0 + 5 * DAY),
        ).fetchall()
    got = [(D0 + (int(r["date"][-2:]) - 1) * DAY, int(r["channel_id"]), int(r["messages"])) for r in rows]
    assert got == want and len(got) == 3 * CHANNELS
    assert all(r["channel_name"] == "" for r in rows)  # names live in Discord
    assert not result.stdout.startswith("\ufeff")  # (run_cli reads text: CRLF is checked in bytes below)


def test_one_server_needs_no_guild_and_flags_are_neutralised(tmp_path: Path, database: Path) -> None:
    single = tmp_path / "one.db"
    with sqlite3.connect(database) as src, sqlite3.connect(single) as dst:
        src.backup(dst)
        dst.execute("DELETE FROM flags WHERE guild_id = ?", (OTHER,))
        dst.execute("DELETE FROM guild_day WHERE guild_id = ?", (OTHER,))
    result = run_cli("export", "--database", str(single), "--what", "flags", "--since", "2026-01-01", "--bom")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("\ufeff")
    rows = _rows(result.stdout.removeprefix("\ufeff"), ExportKind.FLAGS)
    assert [r["text"] for r in rows] == ['\'=HYPERLINK("x") worst stream', "lag, lag, lag\nagain"]
    assert [r["topic"] for r in rows] == ["audio", ""]
    assert rows[1]["reason_or_evidence"] == "“lag”"
    assert rows[0]["message_link"] == f"https://discord.com/channels/{G}/100/1"


def test_top_posts(database: Path) -> None:
    # no reactions or replies in this database: the header only, still a valid CSV
    result = run_cli(
        "export", "--database", str(database), "--what", "top", "--since", "2026-01-01", "--guild", "1"
    )
    assert result.returncode == 0, result.stderr
    assert _rows(result.stdout, ExportKind.TOP) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--what", "daily", "--since", "2026-13-01", "--guild", "1"],
            "--since must be a date as YYYY-MM-DD",
        ),
        (["--what", "daily", "--since", "1/2/2026", "--guild", "1"], "--since must be a date as YYYY-MM-DD"),
        (["--what", "daily", "--since", "2026-02-01", "--until", "2026-01-01"], "is before --since"),
        (["--what", "weekly", "--since", "2026-01-01"], "--what must be daily, flags or top"),
        (
            ["--what", "daily", "--since", "2026-01-01"],
            "holds several servers (1, 2): choose one with --guild",
        ),
        (["--what", "daily", "--since", "2026-01-01", "--guild", "5"], "holds no data of server 5"),
        (["--what", "daily", "--since", "2026-01-01", "--guild", "x"], "--guild must be a Discord id"),
    ],
)
def test_bad_input_is_one_line(database: Path, args: list[str], message: str) -> None:
    result = run_cli("export", "--database", str(database), *args)
    assert result.returncode == 1
    assert result.stdout == ""
    assert message in result.stderr and result.stderr.count("\n") == 1, result.stderr


def test_missing_database_is_one_line_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "nope.db"
    result = run_cli("export", "--database", str(missing), "--what", "flags", "--since", "2026-01-01")
    assert result.returncode == 1 and "no such database" in result.stderr
    assert result.stderr.count("\n") == 1 and not missing.exists()


def test_a_closed_pipe_ends_quietly(database: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SENTIMETER_"))}
    env["PYTHONPATH"] = str(REPO_ROOT)
    args = ["export", "--database", str(database), "--what", "daily", "--since", "2026-01-01", "--guild", "1"]
    with subprocess.Popen(
        [sys.executable, "-m", "bot", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        first = proc.stdout.readline()  # like `| head -1`
        assert first.startswith(b"date,channel_id") and first.endswith(b"\r\n")
        proc.stdout.close()
        stderr = proc.stderr.read()
        code = proc.wait(timeout=120)
    assert code == 141
    assert stderr == b""


def test_a_file_that_is_no_database_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database at all, just text " * 20)
    result = run_cli("export", "--database", str(bad), "--what", "daily", "--since", "2026-01-01")
    assert result.returncode == 1 and result.stdout == ""
    assert "not a database" in result.stderr and result.stderr.count("\n") == 1, result.stderr
