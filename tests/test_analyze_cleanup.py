"""`sentimeter analyze` leaves nothing behind: killed (SIGKILL) or stopped (SIGTERM, Ctrl-C), its scoring
workers and its writer exit too, and the database opens cleanly afterwards."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.test_exporter import CHANNEL, GUILD

MESSAGES = 60_000  # far more than is analysed before the signal arrives (one chunk is 2,000)
DEADLINE = 60.0  # seconds; polls end as soon as their condition holds


def big_export(path: Path) -> Path:
    words = ["love this stream", "the audio is awful", "kapan live lagi?", "mantap bang", "worst update ever"]
    with path.open("w", encoding="utf-8") as f:
        f.write(json.dumps({"guild": GUILD, "channel": CHANNEL})[:-1] + ', "messages": [')
        for k in range(MESSAGES):
            body = {
                "id": str(10_000 + k),
                "type": "Default",
                "timestamp": f"2024-05-01T{k // 3600 % 24:02d}:{k // 60 % 60:02d}:{k % 60:02d}+00:00",
                "content": f"{words[k % len(words)]} #{k}",
                "author": {"id": str(100 + k % 50), "name": f"user{k % 50}", "isBot": False},
            }
            f.write(("," if k else "") + json.dumps(body))
        f.write("]}")
    return path


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting until {what}")
        time.sleep(0.05)  # a poll interval, not a timing assumption: the deadline is what bounds it


def group_members(pgid: int) -> set[int]:
    """Live (not zombie) processes in the process group ``pgid``."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_bytes()
        except OSError:
            continue
        fields = stat[stat.rindex(b")") + 2 :].split()
        if int(fields[2]) == pgid and fields[0] != b"Z":
            found.add(int(entry))
    return found


def stored_messages(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM messages").fetchone()[0])
    except sqlite3.Error:  # not created yet, or the schema not yet migrated
        return 0


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM", "SIGTERM to the group", "Ctrl-C"])
def test_analyze_stopped_or_killed_leaves_no_process_and_a_clean_database(tmp_path: Path, how: str) -> None:
    export = big_export(tmp_path / "big.json")
    db = tmp_path / "a.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SENTIMETER_"))}
    env["PYTHONPATH"] = str(REPO_ROOT)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot",
            "analyze",
            str(export),
            "--database",
            str(db),
            "--workers",
            "3",
            "--no-progress",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        cwd=tmp_path,
        start_new_session=True,  # its own process group: every process it starts can be found
    )
    pgid = proc.pid
    try:
        # the writer has committed a chunk that a scorer analysed: both kinds of worker are up
        wait_for(lambda: stored_messages(db) > 0 or proc.poll() is not None, "the first chunk is stored")
        assert proc.poll() is None, "analyze ended before it could be stopped: make the export bigger"
        helpers = group_members(pgid) - {proc.pid}
        assert len(helpers) >= 3, helpers  # two scorers and the writer (and multiprocessing's tracker)
        if how == "SIGKILL":
            os.kill(proc.pid, signal.SIGKILL)
        elif how == "SIGTERM":
            os.kill(proc.pid, signal.SIGTERM)
        elif how == "SIGTERM to the group":
            os.killpg(pgid, signal.SIGTERM)  # what a service manager sends when it stops the service
        else:
            os.killpg(pgid, signal.SIGINT)  # what a terminal sends on Ctrl-C: the whole group
        _, stderr = proc.communicate(timeout=DEADLINE)
        wait_for(lambda: not group_members(pgid), "every process analyze started has exited")
    finally:
        if proc.poll() is None or group_members(pgid):
            os.killpg(pgid, signal.SIGKILL)
            proc.wait()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = conn.execute("SELECT count(*) FROM messages").fetchone()[0]
    assert 0 < stored < MESSAGES
    if how == "SIGKILL":
        assert proc.returncode == -signal.SIGKILL
        return
    name = "SIGINT" if how == "Ctrl-C" else "SIGTERM"
    assert proc.returncode == 128 + signal.Signals[name]
    lines = stderr.decode().strip().splitlines()
    assert len(lines) == 1, lines  # no tracebacks from the workers
    assert lines[0].startswith(f"sentimeter: stopped by {name}") and "run the same command again" in lines[0]
