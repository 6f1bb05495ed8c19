"""benchmarks/bench.py --backend postgres at a tiny size: the ingest and stats figures measured on a real
PostgreSQL (tests/conftest.py's server), the statistics database copied there with `sentimeter migrate`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from benchmarks import bench

if TYPE_CHECKING:
    from testing.postgres import PostgresServer


def test_the_postgres_figures_are_printed(
    postgres_server: PostgresServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(bench, "CACHE", tmp_path / "cache")  # not the shared benchmark cache
    monkeypatch.setenv("SENTIMETER_SCORING_WORKERS", "1")
    argv = ["--backend", "postgres", "--postgres-url", postgres_server.url, "--messages", "3000"]
    argv += ["--corpus", "300", "--skip", "vader,campaigns,charts"]
    assert bench.main(argv) == 0
    results = json.loads(capsys.readouterr().out)
    assert results["backend"] == "postgres"
    assert results["ingest_msgs_per_s"] > 0  # and every message stored in PostgreSQL, or main raises
    assert results["stats_db_messages"] == 3000
    assert 0 < results["stats_p50_ms"] <= results["stats_p95_ms"]
    assert set(results["stats_by_period_ms"]) == {"24h", "7d", "30d", "90d", "all"}
    assert results["migrate_rows_per_s"] > 0
    assert results["db_bytes_per_million_messages"] > 0
    assert results["db_bytes_per_million_messages_sqlite"] > 0
    # the parts that run the bot process or analyze are SQLite tools: not measured here
    assert not {"analyze_msgs_per_s", "peak_rss_mb", "backfill_msgs_per_s"} & set(results)

    # a second run reuses the copied statistics database (no migrate figure then)
    assert bench.main([*argv[:-1], "vader,campaigns,charts,ingest"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert "migrate_rows_per_s" not in again and again["stats_db_messages"] == 3000
