"""The one-line-and-non-zero promise, through the real command line (`python -m bot …` in a subprocess):
every problem is one line on stderr, never a traceback or a silent success."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import resource
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from bot.core.feedback.sensitivity import SENSITIVITIES
from bot.core.scoring.evaluate import read_labelled
from bot.offline.exporter import ExportReader, export_files
from bot.storage.sqlite import SQLiteStorage
from tests.conftest import REPO_ROOT
from tests.test_cli import run_cli
from tests.test_exporter import CHANNEL, author, export, message, write

EXAMPLE = REPO_ROOT / "examples" / "dapur-nara"
NOISE = ("Traceback", "Event loop is closed", "Exception ignored", "Error in sys.excepthook")


def one_error_line(result: subprocess.CompletedProcess[Any]) -> str:
    """The single line a failed command printed (logging aside), after checking there is nothing else."""
    stderr = result.stderr if isinstance(result.stderr, str) else result.stderr.decode()
    for noise in NOISE:
        assert noise not in stderr, stderr
    ours = [line for line in stderr.splitlines() if line.startswith("sentimeter: ")]
    assert len(ours) == 1, stderr
    assert stderr.strip().splitlines()[-1] == ours[0]
    return ours[0]


def analyze(tmp_path: Path, *exports: Path, **kw: Any) -> subprocess.CompletedProcess[str]:
    db = tmp_path / "a.db"
    return run_cli("analyze", *map(str, exports), "--database", str(db), "--no-progress", cwd=tmp_path, **kw)


# -- run -----------------------------------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nothing listens on it once the socket is closed


def test_run_when_discord_cannot_be_reached_is_one_line(tmp_path: Path) -> None:
    port = closed_port()
    env = {
        "DISCORD_TOKEN": "abc.def.ghi",
        "SENTIMETER_DATABASE": str(tmp_path / "bot.db"),
        "SENTIMETER_API_BASE_URL": f"http://127.0.0.1:{port}",
        "SENTIMETER_GATEWAY_URL": f"ws://127.0.0.1:{port}",
        "SENTIMETER_LOG_LEVEL": "WARNING",
    }
    result = run_cli("run", env=env, cwd=tmp_path)
    assert result.returncode == 1
    line = one_error_line(result)
    assert line.startswith(f"sentimeter: cannot reach Discord at http://127.0.0.1:{port}/api/v10")
    assert "abc.def.ghi" not in result.stderr


def test_run_with_impossible_shards_is_one_line(tmp_path: Path) -> None:
    env = {
        "DISCORD_TOKEN": "abc.def.ghi",
        "SENTIMETER_DATABASE": str(tmp_path / "bot.db"),
        "SENTIMETER_SHARD_COUNT": "2",
        "SENTIMETER_SHARD_IDS": "0,5",
    }
    result = run_cli("run", env=env, cwd=tmp_path)
    assert result.returncode == 1
    line = one_error_line(result)
    assert line == (
        "sentimeter: Invalid settings: SENTIMETER_SHARD_IDS 5 is outside 0..1 (SENTIMETER_SHARD_COUNT)"
    )
    assert not (tmp_path / "bot.db").exists()  # refused before anything was opened


# -- storage -------------------------------------------------------------------------------------------


def test_disk_full_is_one_line(tmp_path: Path) -> None:
    def small_files() -> None:  # in the child: any file larger than this cannot be written (as a full disk)
        resource.setrlimit(resource.RLIMIT_FSIZE, (300_000, 300_000))

    base = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SENTIMETER_"))}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "analyze",
            str(EXAMPLE),
            "--database",
            str(tmp_path / "a.db"),
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        env={**base, "PYTHONPATH": str(REPO_ROOT)},
        cwd=tmp_path,
        preexec_fn=small_files,
        timeout=300,
    )
    assert result.returncode == 1
    line = one_error_line(result)
    assert "a.db" in line and "disk" in line


def test_a_file_that_is_not_a_database_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "a.db").write_bytes(b"these are not the bytes of a database " * 200)
    result = analyze(tmp_path, write(tmp_path, export([message(1, "hi")])))
    assert result.returncode == 1
    assert "not a database" in one_error_line(result)


def test_a_damaged_database_is_one_line(tmp_path: Path) -> None:
    export_path = EXAMPLE / "general.json"
    assert analyze(tmp_path, export_path).returncode == 0
    db = tmp_path / "a.db"
    data = bytearray(db.read_bytes())
    for page in range(2, len(data) // 4096):  # every page but the first: tables and indexes
        data[page * 4096 + 8 : page * 4096 + 600] = b"\xa5" * 592
    db.write_bytes(bytes(data))
    (tmp_path / "a.db-wal").unlink(missing_ok=True)
    result = analyze(tmp_path, export_path)
    assert result.returncode == 1
    line = one_error_line(result)
    assert "a.db" in line and re.search(r"malformed|damaged|not a database", line), line


# -- hostile exports -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"id": str(1 << 63)}, r"bad message 1 .*'id' 9223372036854775808 is out of range"),
        (
            {"author": {**author(5), "id": "18446744073709551616"}},
            r"bad message 1 .*author id is not an id",
        ),
        ({"reactions": [{"count": 10**15}]}, r"bad message 1 .*reaction count .* is out of range"),
        ({"timestamp": "2024-03-01T19:30:00"}, r"bad message 1 .*has no time zone"),
    ],
)
def test_hostile_export_values_are_one_line(tmp_path: Path, change: dict[str, Any], expected: str) -> None:
    path = write(tmp_path, export([message(1, "hostile", **change)]))
    result = analyze(tmp_path, path)
    assert result.returncode == 1
    line = one_error_line(result)
    assert str(path) in line and re.search(expected, line), line


def test_absurd_nesting_in_an_export_is_one_line(tmp_path: Path) -> None:
    head = json.dumps(export([]))
    inner = json.dumps(message(1, "hi"))[:-1] + ', "embeds": ' + "[" * 100_000 + "]" * 100_000 + "}"
    path = tmp_path / "deep.json"
    path.write_text(head.replace('"messages": []', f'"messages": [{inner}]'), encoding="utf-8")
    result = analyze(tmp_path, path)
    assert result.returncode == 1
    assert re.search(
        r"deep\.json: nested more than \d+ levels deep near byte \d+ \(message 1\)", one_error_line(result)
    )


def test_analyze_prints_no_terminal_escape_sequences_from_messages(tmp_path: Path) -> None:
    hostile = (
        "\x1b[2J\x1b]0;owned\x07 this is terrible, the audio is awful and I hate the new schedule\r\u202e"
    )
    channel = {**CHANNEL, "name": "gen\x1b[31meral"}
    named = {**author(7), "nickname": "mal\x1b[5mlory\x9b"}
    path = write(
        tmp_path,
        export([message(1, hostile, author=named), message(2, "love it", user=8)], channel=channel),
    )
    result = analyze(tmp_path, path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", out), repr(out)
    assert "\\x1b[2J\\x1b]0;owned\\x07 this is terrible" in out  # shown, escaped
    assert "mal\\x1b[5mlory\\x9b" in out and "#gen\\x1b[31meral" in out


# -- score ---------------------------------------------------------------------------------------------


def run_bytes(*args: str, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SENTIMETER_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        env={**base, "PYTHONPATH": str(REPO_ROOT)},
        cwd=REPO_ROOT,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("stdin", "expected"),
    [
        (b'"fine"\n"caf\xe9 latin-1"\n', "sentimeter: line 2: not UTF-8 (byte 5 is 0xe9)"),
        (
            b'"fine"\n"\\ud83d half an emoji"\n',
            "sentimeter: line 2: not valid Unicode (a lone surrogate \\ud83d)",
        ),
    ],
)
def test_score_refuses_text_that_is_not_unicode(stdin: bytes, expected: str) -> None:
    result = run_bytes("score", stdin=stdin)
    assert result.returncode == 1
    assert one_error_line(result).startswith(expected)
    assert len(result.stdout.splitlines()) == 1  # the good line was scored, the bad one not


def test_output_to_a_reader_that_went_away_ends_quietly_with_141() -> None:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SENTIMETER_"))}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "score"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**base, "PYTHONPATH": str(REPO_ROOT)},
        cwd=REPO_ROOT,
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    lines = b"".join(json.dumps(f"comment number {k}, love it").encode() + b"\n" for k in range(20_000))

    def feed() -> None:  # from a thread: the child blocks on its full stdout until it is read
        with contextlib.suppress(BrokenPipeError):
            proc.stdin.write(lines)
            proc.stdin.close()

    feeder = threading.Thread(target=feed)
    feeder.start()
    assert proc.stdout.readline().startswith(b"{")  # as `| head -1`: one line read, then the pipe closed
    proc.stdout.close()
    stderr = proc.stderr.read()
    assert proc.wait(timeout=120) == 141
    feeder.join()
    assert stderr == b""


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert re.fullmatch(r"sentimeter \S+.*\n", result.stdout)


# -- eval ----------------------------------------------------------------------------------------------


def labelled_file(tmp_path: Path) -> Path:
    """Comments from the bundled example, labelled so that the High sensitivity is clearly the best: every
    comment the queue takes at High counts as negative (the bot's own verdicts, computed here)."""
    from bot.core.ingest.pipeline import Pipeline
    from bot.core.scoring import Scorer
    from bot.core.scoring.evaluate import LabelledText, judge
    from bot.core.spam import SpamDetector

    texts = sorted(
        {
            m.content.replace("\t", " ").replace("\n", " ")
            for p in export_files([EXAMPLE])
            for m in ExportReader(p)
        }
    )
    texts = [t for t in texts if t.strip() and '"' not in t]
    judged = judge([LabelledText(t, False) for t in texts], Pipeline(Scorer(), SpamDetector()))
    high_only = [j.text for j in judged if j.flagged["high"] and not j.flagged["normal"]][:60]
    normal = [j.text for j in judged if j.flagged["normal"]][:40]
    calm = [j.text for j in judged if not j.flagged["high"]][:200]
    assert len(high_only) >= 30 and len(normal) >= 20 and len(calm) == 200
    path = tmp_path / "labels.tsv"
    rows = [f"{t}\tnegative" for t in high_only + normal] + [f"{t}\tneutral" for t in calm]
    path.write_text("text\tlabel\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_eval_suggests_only_a_sensitivity_the_bot_accepts_and_lists_misses(tmp_path: Path) -> None:
    path = labelled_file(tmp_path)
    result = run_cli("eval", str(path), "--misses", "3")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Warning" not in out
    suggestion = re.search(r"Suggestion: /config sensitivity level:(\w+)", out)
    assert suggestion is not None, out
    level = suggestion.group(1)
    assert level == "high" and level in SENSITIVITIES

    async def the_bot_takes_it() -> str:  # the setting the suggestion names is one the bot's storage accepts
        async with SQLiteStorage.open(tmp_path / "bot.db") as storage:
            await storage.get_config(1)
            return (await storage.set_sensitivity(1, level)).sensitivity

    assert asyncio.run(the_bot_takes_it()) == "high"
    missed = out.split("Missed (negative, not sent for review): ", 1)[1]
    listed = missed.split("\n\n")[0].splitlines()[1:]
    assert len(listed) == 3  # --misses 3: the first three comments labelled negative that normal missed
    labelled = {item.text for item in read_labelled(path) if item.negative}
    assert all(line.strip() in labelled for line in listed)
    assert "Sent for review, not negative: 0" in out


def test_eval_warns_on_a_small_sample_and_suggests_nothing(tmp_path: Path) -> None:
    path = tmp_path / "few.tsv"
    path.write_text("worst stream ever, the audio is awful\tnegative\nlove it\tpositive\n", encoding="utf-8")
    result = run_cli("eval", str(path))
    assert result.returncode == 0, result.stderr
    assert "Warning: only 2 comments, 1 labelled negative" in result.stdout
    assert "Suggestion: none yet" in result.stdout
    assert "/config sensitivity level:" not in result.stdout


def test_eval_community_file_lists_misses(tmp_path: Path) -> None:
    header = "lang\tsentiment\tfeedback\tspam\ttopic\tniche\ttext\n"
    rows = [
        "en\tneg\t1\t0\taudio\tgaming\tthe audio in this stream is awful, fix your mic",
        "en\tneu\t1\t0\tschedule\tgaming\twhen is the next stream",  # labelled feedback, too mild to be sent
        "en\tpos\t0\t0\t\tgaming\tlove this stream",
    ]
    path = tmp_path / "community.tsv"
    path.write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    result = run_cli("eval", str(path), "--misses", "5")
    assert result.returncode == 0, result.stderr
    assert "Warning: only 3 comments, 2 labelled feedback" in result.stdout
    assert "Missed (feedback, not sent for review): 1:\n  when is the next stream\n" in result.stdout


def test_eval_negative_misses_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "few.tsv"
    path.write_text("bad\tnegative\n", encoding="utf-8")
    result = run_cli("eval", str(path), "--misses", "-1")
    assert result.returncode == 1
    assert "--misses" in one_error_line(result)
