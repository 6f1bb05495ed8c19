"""The command line as a user runs it: one line of error and a non-zero exit on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT


def run_cli(*args: str, stdin: str = "", env: dict[str, str] | None = None, cwd: Path | None = None):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SENTIMETER_"))}
    base["PYTHONPATH"] = str(REPO_ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        cwd=cwd or REPO_ROOT,
        timeout=120,
    )


def test_score_outputs_one_json_object_per_line() -> None:
    texts = [
        "I love this stream!",
        "this is trash, worst video ever",
        "",
        "kecewa banget, isinya iklan doang",
    ]
    stdin = "".join(json.dumps(t) + "\n" for t in texts if t) + "\n"
    result = run_cli("score", stdin=stdin)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 3
    for row in rows:
        assert set(row) >= {"compound", "pos", "neu", "neg", "flag", "spam"}
        assert -1.0 <= row["compound"] <= 1.0
    assert rows[0]["flag"] is False and rows[0]["compound"] > 0
    assert rows[1]["flag"] is True
    assert rows[2]["flag"] is True


def test_score_flags_gambling_spam_as_spam_not_praise() -> None:
    result = run_cli("score", stdin=json.dumps("𝐒𝐋𝐎𝐓 𝐆𝐀𝐂𝐎𝐑 hari ini di PULAU777, pasti maxwin!!") + "\n")
    assert result.returncode == 0, result.stderr
    row = json.loads(result.stdout)
    assert row["spam"] is True
    assert row["flag"] is False
    assert row["spam_reason"]


def test_score_rejects_a_line_that_is_not_a_json_string() -> None:
    result = run_cli("score", stdin='"fine"\nnot json\n')
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "line 2" in result.stderr


def test_run_without_token_says_where_to_put_it(tmp_path: Path) -> None:
    result = run_cli("run", env={"SENTIMETER_DATABASE": str(tmp_path / "x.db")}, cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "DISCORD_TOKEN" in lines[0] and ".env" in lines[0]


def test_run_with_unwritable_database_path_fails_in_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = run_cli(
        "run",
        env={"DISCORD_TOKEN": "not-a-real-token", "SENTIMETER_DATABASE": str(blocker / "db.sqlite")},
        cwd=tmp_path,
    )
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("sentimeter: ") and "database" in last.lower()
    assert "not-a-real-token" not in result.stderr


def test_invalid_setting_is_one_line(tmp_path: Path) -> None:
    result = run_cli("run", env={"DISCORD_TOKEN": "x", "SENTIMETER_DEV_GUILD_ID": "abc"}, cwd=tmp_path)
    assert result.returncode == 1
    assert "SENTIMETER_DEV_GUILD_ID" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args", [["analyze", "does-not-exist.json"], ["eval", "does-not-exist.tsv"]])
def test_missing_input_file_is_one_line(args: list[str], tmp_path: Path) -> None:
    result = run_cli(*args, env={"SENTIMETER_DATABASE": str(tmp_path / "a.db")}, cwd=tmp_path)
    assert result.returncode != 0
    assert result.stderr.strip().startswith("sentimeter: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_score_names_the_spam_category() -> None:
    texts = [
        "𝐒𝐋𝐎𝐓 𝐆𝐀𝐂𝐎𝐑 hari ini di PULAU777, pasti maxwin!!",
        "hey i accidentally reported your account, contact this admin to fix it <@402918376450192384>",
        "jual akun ml sultan, harga nego, minat pc",
        "thanks for the stream!",
    ]
    result = run_cli("score", stdin="".join(json.dumps(t) + "\n" for t in texts))
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["spam_category"] for row in rows] == ["gambling", "scam", "promotion", ""]
    assert [row["spam"] for row in rows] == [True, True, True, False]
    assert rows[1]["spam_reason"] and rows[3]["spam_reason"] is None


def test_eval_on_the_community_format_reports_spam_by_category(tmp_path: Path) -> None:
    lines = [
        "lang\tsentiment\tfeedback\tspam\ttopic\tniche\ttext",
        "id\tpos\t0\t1\t\tgeneral\tslot gacor malam ini, depo 5rb bisa wd 1jt, link di bio",
        "en\tneu\t0\t1\t\tgeneral\tjoin my server!! daily giveaways and 3k members discord.gg/bigvibes",
        "en\tneu\t0\t1\t\tgeneral\tgg",
        "en\tpos\t0\t0\t\tgeneral\tthanks for the stream!",
    ]
    path = tmp_path / "mine.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("eval", str(path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "spam by category: precision 1.000  recall 0.667" in out
    assert "2 of 3 found; non-spam called spam 0 of 1" in out
    table = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.startswith("  ")}
    assert table["gambling"] == ["1", "0", "0"]
    assert table["promotion"] == ["1", "0", "0"]
    assert table["unclear"] == ["0", "1", "0"]


# -- forget / purge (members' data rights, server removal) ---------------------------------------------------


def _seeded_database(path: Path) -> None:
    """Server 1: users 7 and 8, a flag on one of 7's messages; server 2: user 7 again."""
    import asyncio

    from bot.storage.models import FlagKind, FlagRequest, MessageCreated, MessageRecord
    from bot.storage.sqlite import SQLiteStorage

    def rec(message_id: int, guild_id: int, author_id: int) -> MessageRecord:
        return MessageRecord(guild_id, 10, message_id, author_id, 1_700_000_000, language="en")

    async def seed() -> None:
        async with SQLiteStorage.open(path) as storage:
            changes = await storage.apply(
                [
                    MessageCreated(rec(1, 1, 7), FlagRequest(kind=FlagKind.NEGATIVE, text="secret text")),
                    MessageCreated(rec(2, 1, 8)),
                    MessageCreated(rec(3, 2, 7)),
                ]
            )
            await storage.set_review_message(1, changes[0].flag.id, 90, 9_001)

    asyncio.run(seed())


def _count(path: Path, sql: str) -> int:
    import sqlite3

    with sqlite3.connect(path) as conn:
        return int(conn.execute(sql).fetchone()[0])


def test_forget_deletes_one_member_of_one_server(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    _seeded_database(db)

    result = run_cli("forget", "--database", str(db), "--guild", "1", "--user", "7")

    assert result.returncode == 0, result.stderr
    assert "1 message records, 1 flags" in result.stdout
    assert "https://discord.com/channels/1/90/9001" in result.stdout  # the review post to delete by hand
    assert _count(db, "SELECT count(*) FROM messages WHERE guild_id = 1 AND author_id = 7") == 0
    assert _count(db, "SELECT count(*) FROM flags WHERE text = 'secret text'") == 0
    assert _count(db, "SELECT coalesce(sum(messages), 0) FROM guild_hour WHERE guild_id = 1") == 1
    assert _count(db, "SELECT count(*) FROM messages WHERE guild_id = 2 AND author_id = 7") == 1


def test_purge_deletes_one_server(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    _seeded_database(db)

    result = run_cli("purge", "--database", str(db), "--guild", "1")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Deleted everything stored about server 1 (")
    for table in ("messages", "flags", "guild_hour", "presence", "channel_cursors"):
        assert _count(db, f"SELECT count(*) FROM {table} WHERE guild_id = 1") == 0, table
    assert _count(db, "SELECT count(*) FROM messages WHERE guild_id = 2") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["forget", "--guild", "abc", "--user", "7"], "--guild must be a Discord id"),
        (["forget", "--guild", "1", "--user", str(2**63)], "--user must be a Discord id between"),
        (["purge", "--guild", "-4"], "--guild must be a Discord id between"),
        (["purge", "--guild", "1", "--database", "{missing}"], "no such database"),
    ],
)
def test_forget_and_purge_refuse_bad_input_in_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    db = tmp_path / "s.db"
    _seeded_database(db)
    missing = tmp_path / "nope.db"
    argv = [a.replace("{missing}", str(missing)) for a in args]
    if "--database" not in argv:
        argv += ["--database", str(db)]

    result = run_cli(*argv)

    assert result.returncode != 0
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert not missing.exists()  # no empty database was created
    assert _count(db, "SELECT count(*) FROM messages") == 3  # nothing deleted
