"""benchmarks/bench.py's back-fill part: the real bot back-fills history from the stand-in and the figure is
printed in the JSON line."""

from __future__ import annotations

import json

import pytest

from benchmarks import bench

pytestmark = pytest.mark.e2e


def test_the_backfill_figure_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "--skip",
        "vader,ingest,campaigns,stats,analyze,bot,charts,bot_charts",
        "--backfill-messages",
        "300",
    ]
    assert bench.main(argv) == 0
    results = json.loads(capsys.readouterr().out)
    assert results["backfill_messages"] == 300
    assert results["backfill_msgs_per_s"] > 0  # and every message stored, or main raises
