"""The real bot (``python -m bot run``) with the weekly digest's clock read from a file, so end-to-end tests
move the digest's time forward instead of waiting a week (tests/e2e/test_scenarios_digest.py). Run from the
repository root as ``python -m tests.e2e.digest_clock_bot`` with SENTIMETER_TEST_CLOCK_FILE set; a missing or
unreadable file means the real time."""

from __future__ import annotations

import os
import time
from pathlib import Path

from bot.cli import main
from cogs.digest import _scheduler

CLOCK_FILE = Path(os.environ["SENTIMETER_TEST_CLOCK_FILE"])


def file_clock() -> float:
    try:
        return float(CLOCK_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return time.time()


if __name__ == "__main__":  # the chart and scoring workers import this module again: only the bot runs it
    _scheduler.CLOCK = file_clock
    _scheduler.IDLE = 0.2  # look at the (moved) clock often: the task has no other way to learn of a jump
    raise SystemExit(main(["run"]))
