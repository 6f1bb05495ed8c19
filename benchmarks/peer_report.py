"""`sentimeter analyze` side by side with chat-analytics on the same export, one JSON object on stdout:

    python benchmarks/peer_report.py [--messages N] [--export FILE] [--no-peer] [--rounds R]

The export is the benchmark's generated DiscordChatExporter file (benchmarks/bench.py ``big_export``: one busy
channel, 5,000 authors; default 500,000 messages, cached in $TMPDIR/sentimeter-bench), or --export FILE.

- ours: ``python -m bot analyze FILE --database tmp.db --no-progress`` (plus ``--report tmp.html`` when
  ``analyze --help`` lists it), default workers
- peer: ``npx --yes chat-analytics@1.1.2 -p discord -i FILE -o out.html`` (mlomb/chat-analytics, from the npm
  registry), when ``npx`` is on PATH; a first ``--version`` call fetches the package, so the download is not
  timed (npx's own start-up is, as a user would see it)

Each side: wall_seconds (the whole command), cpu_seconds (user + system of the process and everything it
waited for: ``getrusage(RUSAGE_CHILDREN)`` before and after), peak_rss_mb (RSS summed over the process tree,
polled from /proc by bench.py's TreeWatch) and the output's size. wall_ratio = ours / theirs (target ≤ 0.8),
cpu_ratio and rss_ratio likewise. With --rounds R each side runs R times, alternating which goes first, and
the medians are compared (wall_seconds_each keeps every run). Without Node, or when npx cannot fetch the
package, the peer is skipped with its reason in ``peer_skipped`` and the exit status is still 0. Progress goes
to stderr; a bad argument or a failed `analyze` is one line and exit status 1.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if not __package__:  # run as a script (python benchmarks/x.py): put the repository root on sys.path
    sys.path.insert(0, str(ROOT))

from benchmarks.bench import TreeWatch, big_export, progress  # noqa: E402

PEER = "chat-analytics@1.1.2"
PEER_FETCH_TIMEOUT = 600.0  # seconds for npx to fetch and start the package once


class BenchError(Exception):
    """A failure reported as one line and a non-zero exit."""


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:300] if lines else "no output"


def measure(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Runs cmd to completion: wall and CPU seconds, peak RSS of its process tree, exit status, stderr."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    try:
        proc = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace"
        )
    except OSError as exc:
        raise BenchError(f"cannot start {cmd[0]}: {exc.strerror or exc}") from exc
    with TreeWatch(proc.pid) as watch:
        out, err = proc.communicate()
        wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "returncode": proc.returncode,
        "stdout": out,
        "stderr": err,
        "wall_seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "peak_rss_mb": watch.mb("rss"),
    }


def _figures(run: dict[str, Any], output: Path | None) -> dict[str, Any]:
    figures = {k: run[k] for k in ("wall_seconds", "cpu_seconds", "peak_rss_mb")}
    figures["output_mb"] = round(output.stat().st_size / 2**20, 2) if output and output.exists() else None
    return figures


def analyze_has_report() -> bool:
    """Whether this tree's `analyze` can write an HTML report (the option is being added)."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", "analyze", "--help"], cwd=ROOT, capture_output=True, text=True
    )
    return done.returncode == 0 and "--report" in done.stdout


def run_ours(export: Path, workdir: Path, with_report: bool) -> dict[str, Any]:
    db = workdir / "ours.db"
    report = workdir / "ours.html"
    for old in workdir.glob("ours.*"):  # a fresh database each round
        old.unlink()
    cmd = [sys.executable, "-m", "bot", "analyze", str(export), "--database", str(db), "--no-progress"]
    if with_report:
        cmd += ["--report", str(report)]
    progress(f"sentimeter analyze{' --report' if with_report else ''} ...")
    env = {**os.environ, "SENTIMETER_LOG_LEVEL": "WARNING"}
    run = measure(cmd, ROOT, env)
    if run["returncode"] != 0:
        raise BenchError(f"sentimeter analyze failed (exit {run['returncode']}): {_last_line(run['stderr'])}")
    figures = _figures(run, report if with_report else None)
    figures["report"] = with_report
    figures["database_mb"] = round(db.stat().st_size / 2**20, 2) if db.exists() else None
    progress(f"sentimeter: {figures['wall_seconds']} s wall, {figures['peak_rss_mb']} MB peak")
    return figures


def _npx_env() -> dict[str, str]:
    return {**os.environ, "npm_config_update_notifier": "false", "npm_config_fund": "false"}


def peer_unavailable() -> str | None:
    """Why the peer cannot run here (None when it can); fetches the package on first use."""
    if shutil.which("npx") is None:
        return "npx is not on PATH (Node.js is not installed)"
    progress(f"fetching {PEER} with npx (not timed) ...")
    try:
        done = subprocess.run(
            ["npx", "--yes", PEER, "--version"],
            capture_output=True,
            text=True,
            errors="replace",
            env=_npx_env(),
            timeout=PEER_FETCH_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return f"npx could not fetch {PEER} within {PEER_FETCH_TIMEOUT:.0f} s"
    except OSError as exc:
        return f"npx could not start: {exc.strerror or exc}"
    if done.returncode != 0:
        why = _last_line(done.stderr or done.stdout)
        return f"npx could not fetch {PEER} (exit {done.returncode}): {why}"
    return None


def run_peer(export: Path, workdir: Path) -> tuple[dict[str, Any] | None, str | None]:
    """The peer's figures, or None and the reason it failed."""
    out = workdir / "peer.html"
    out.unlink(missing_ok=True)
    progress(f"{PEER} ...")
    cmd = ["npx", "--yes", PEER, "-p", "discord", "-i", str(export), "-o", str(out)]
    run = measure(cmd, workdir, _npx_env())
    if run["returncode"] != 0 or not out.exists():
        why = _last_line(run["stderr"] or run["stdout"])
        return None, f"{PEER} failed on the export (exit {run['returncode']}): {why}"
    figures = _figures(run, out)
    progress(f"{PEER}: {figures['wall_seconds']} s wall, {figures['peak_rss_mb']} MB peak")
    return figures, None


def median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Each numeric figure's median over the rounds (the rest from the first), and every round's wall time."""
    merged = dict(runs[0])
    for key, value in runs[0].items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            merged[key] = round(statistics.median(run[key] for run in runs), 2)
    merged["wall_seconds_each"] = [run["wall_seconds"] for run in runs]
    return merged


def _ratio(ours: float, theirs: float) -> float | None:
    return round(ours / theirs, 3) if theirs > 0 else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="sentimeter analyze vs chat-analytics on the same export (JSON on stdout)."
    )
    parser.add_argument("--messages", type=int, default=500_000, help="messages in the generated export")
    parser.add_argument("--export", type=Path, help="use this DiscordChatExporter JSON file instead")
    parser.add_argument("--no-peer", action="store_true", help="measure sentimeter alone")
    parser.add_argument(
        "--rounds", type=int, default=1, help="runs of each side, alternating which goes first (medians)"
    )
    args = parser.parse_args(argv)
    try:
        if args.rounds < 1:
            raise BenchError(f"--rounds must be at least 1 (got {args.rounds})")
        if args.export is not None and not args.export.is_file():
            raise BenchError(f"no such export file: {args.export}")
        if args.export is None and args.messages < 1:
            raise BenchError(f"--messages must be at least 1 (got {args.messages})")
        if args.export is not None:
            export = args.export.resolve()
        else:
            progress(f"export of {args.messages:,} messages (cached in the benchmark folder)")
            export = big_export(args.messages)
        results: dict[str, Any] = {
            "export": str(export),
            "messages": None if args.export is not None else args.messages,
            "export_mb": round(export.stat().st_size / 2**20, 1),
            "loadavg_1m_before": round(os.getloadavg()[0], 2),
            "cpu_count": os.cpu_count(),
        }
        with tempfile.TemporaryDirectory(prefix="sentimeter-peer-") as tmp:
            workdir = Path(tmp)
            with_report = analyze_has_report()
            skipped = "disabled with --no-peer" if args.no_peer else peer_unavailable()
            ours_runs: list[dict[str, Any]] = []
            peer_runs: list[dict[str, Any]] = []
            for round_ in range(args.rounds):
                sides = ["ours", "peer"] if round_ % 2 == 0 else ["peer", "ours"]
                for side in sides:
                    if side == "ours":
                        ours_runs.append(run_ours(export, workdir, with_report))
                    elif skipped is None:
                        figures, skipped = run_peer(export, workdir)
                        peer_runs.append(figures or {})
            results["ours"] = median_of(ours_runs)
            peer = median_of(peer_runs) if skipped is None else None
    except BenchError as exc:
        print(f"peer_report: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # the export or the temporary folder (disk full, permissions)
        where = f": {exc.filename}" if exc.filename else ""
        print(f"peer_report: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("peer_report: interrupted", file=sys.stderr)
        return 130
    ours = results["ours"]
    results["peer"] = peer
    results["rounds"] = args.rounds
    results["peer_skipped"] = skipped
    if skipped is not None:
        progress(f"peer skipped: {skipped}")
    ratios = (("wall_ratio", "wall_seconds"), ("cpu_ratio", "cpu_seconds"), ("rss_ratio", "peak_rss_mb"))
    for key, field in ratios:
        results[key] = _ratio(ours[field], peer[field]) if peer is not None else None
    results["loadavg_1m_after"] = round(os.getloadavg()[0], 2)  # others on the machine skew the wall times
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
