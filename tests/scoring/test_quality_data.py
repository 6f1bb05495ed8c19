"""Flagging quality on the held-out test files (skipped when ../shared/data is absent)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bot.core.scoring import DEFAULT_FLAG_THRESHOLD, Scorer
from bot.core.scoring.evaluate import flag_metrics
from bot.core.text.clean import clean_for_scoring

pytestmark = pytest.mark.data


def f1(scorer: Scorer, rows: list[tuple[str, bool]]) -> float:
    compounds = [scorer.score(clean_for_scoring(text)).compound for text, _ in rows]
    return flag_metrics(compounds, [neg for _, neg in rows], DEFAULT_FLAG_THRESHOLD).f1


def test_smsa_test_f1(scorer: Scorer, shared_data: Path) -> None:
    path = shared_data / "id-smsa" / "test.tsv"
    if not path.exists():
        pytest.skip("SmSA test file missing")
    with path.open(encoding="utf-8", newline="") as f:
        rows = [(r[0], r[1] == "negative") for r in csv.reader(f, delimiter="\t") if len(r) >= 2]
    assert len(rows) == 500
    assert f1(scorer, rows) >= 0.80


def test_vader_tweets_f1(scorer: Scorer, shared_data: Path) -> None:
    path = shared_data / "en-vader-groundtruth" / "tweets_GroundTruth.txt"
    if not path.exists():
        pytest.skip("VADER tweets file missing")
    rows = []
    with path.open(encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3:
                rows.append(("\t".join(parts[2:]), float(parts[1]) < 0))
    assert len(rows) == 4200
    assert f1(scorer, rows) >= 0.93
