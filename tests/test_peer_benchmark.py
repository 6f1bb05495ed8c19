"""benchmarks/peer_report.py at a tiny size, as a subprocess: the JSON it prints, the peer skipped or run.

The peer is chat-analytics under Node; here `npx` is either disabled, absent from PATH, or a small shell
script standing in for it, so the tests need no Node and no network."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import REPO_ROOT

SCRIPT = REPO_ROOT / "benchmarks" / "peer_report.py"
SIDE_KEYS = {"wall_seconds", "cpu_seconds", "peak_rss_mb", "output_mb", "wall_seconds_each"}
TOP_KEYS = {
    "export",
    "messages",
    "export_mb",
    "ours",
    "peer",
    "peer_skipped",
    "wall_ratio",
    "cpu_ratio",
    "rss_ratio",
    "loadavg_1m_before",
    "loadavg_1m_after",
    "cpu_count",
    "rounds",
}


def run(tmp_path: Path, *args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    # TMPDIR keeps the generated export out of the shared benchmark cache
    env = {**os.environ, "TMPDIR": str(tmp_path), "PATH": path if path is not None else os.environ["PATH"]}
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def figures(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == TOP_KEYS
    ours = data["ours"]
    assert set(ours) >= SIDE_KEYS
    assert ours["wall_seconds"] > 0 and ours["cpu_seconds"] > 0 and ours["peak_rss_mb"] > 0
    assert ours["cpu_seconds"] < 120  # rusage of the child tree, not of this test process
    assert ours["database_mb"] > 0
    return data


def test_ours_alone_with_no_peer(tmp_path: Path) -> None:
    data = figures(run(tmp_path, "--messages", "1000", "--no-peer"))
    assert data["messages"] == 1000
    assert Path(data["export"]).is_relative_to(tmp_path) and data["export_mb"] > 0
    assert data["peer"] is None and "--no-peer" in data["peer_skipped"]
    assert data["wall_ratio"] is None


def test_without_npx_the_peer_is_skipped_with_the_reason(tmp_path: Path) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    data = figures(run(tmp_path, "--messages", "1000", path=str(empty)))
    assert data["peer"] is None and "npx is not on PATH" in data["peer_skipped"]


FAKE_NPX = """#!/bin/sh
# stands in for `npx --yes chat-analytics@1.1.2 ...`: fails to fetch when FAIL is set, else writes -o
[ -n "$FAIL" ] && { echo "npm ERR! network request failed" >&2; exit 1; }
case "$*" in *--version*) echo 1.1.2; exit 0;; esac
out=""
while [ $# -gt 0 ]; do [ "$1" = "-o" ] && { shift; out="$1"; }; shift; done
i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done
echo "<html></html>" > "$out"
"""


def fake_npx(tmp_path: Path, *, fail: bool) -> str:
    folder = tmp_path / "fake-bin"
    folder.mkdir()
    npx = folder / "npx"
    npx.write_text(FAKE_NPX.replace("$FAIL", "1" if fail else ""))
    npx.chmod(0o755)
    return str(folder)


def test_the_peer_is_measured_and_the_ratio_is_ours_over_theirs(tmp_path: Path) -> None:
    npx = fake_npx(tmp_path, fail=False)
    data = figures(run(tmp_path, "--messages", "1000", "--rounds", "2", path=npx))
    peer, ours = data["peer"], data["ours"]
    assert data["peer_skipped"] is None and data["rounds"] == 2
    assert set(peer) == SIDE_KEYS and peer["wall_seconds"] > 0 and peer["output_mb"] is not None
    for side in (ours, peer):  # the median of the two rounds
        assert len(side["wall_seconds_each"]) == 2
        assert side["wall_seconds"] == round(sum(side["wall_seconds_each"]) / 2, 2)
    assert data["wall_ratio"] == round(ours["wall_seconds"] / peer["wall_seconds"], 3)


def test_when_npx_cannot_fetch_the_package_ours_are_still_printed(tmp_path: Path) -> None:
    data = figures(run(tmp_path, "--messages", "1000", path=fake_npx(tmp_path, fail=True)))
    assert data["peer"] is None and data["wall_ratio"] is None
    assert "could not fetch chat-analytics@1.1.2" in data["peer_skipped"]
    assert "network request failed" in data["peer_skipped"]


def test_bad_arguments_are_one_line_and_non_zero(tmp_path: Path) -> None:
    for args, expected in (
        (["--messages", "0"], "--messages must be at least 1"),
        (["--rounds", "0"], "--rounds must be at least 1"),
        (["--export", str(tmp_path / "missing.json")], "no such export file"),
    ):
        result = run(tmp_path, *args)
        assert result.returncode == 1
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("peer_report: error: ") and expected in lines[0]
