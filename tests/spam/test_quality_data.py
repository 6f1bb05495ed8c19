"""Quality targets on the shared TEST files, measured exactly as the bot calls the detector."""

from __future__ import annotations

import pytest

from benchmarks.spam_quality import load_dev_sets, load_sets, quality
from bot.core.spam import SpamDetector
from bot.core.spam.community import CATEGORIES
from tests.conftest import shared_data_dir

pytestmark = pytest.mark.data


@pytest.fixture(scope="module")
def results() -> dict[str, dict[str, float]]:
    data = shared_data_dir()
    sets = load_sets(data) if data.is_dir() else {}
    if len(sets) < 4:
        pytest.skip(f"test files missing under {data}")
    detector = SpamDetector()

    def is_spam(text: str) -> bool:
        return detector.check_text(text).is_spam

    return {name: quality(is_spam, rows) for name, rows in sets.items()}


def test_indonesian_gambling_spam(results: dict[str, dict[str, float]]) -> None:
    judol = results["id-judol-youtube"]
    assert judol["f1"] >= 0.97
    assert judol["false_positive_rate"] <= 0.005


def test_community_spam_on_community_dev() -> None:
    """community-dev (a dev file; nothing in the detector is fitted on it): spam F1 >= 0.95 with at most 0.5%
    of non-spam called spam, every verdict with a category."""
    path = shared_data_dir() / "community-dev" / "dev.tsv"
    if not path.exists():
        pytest.skip(f"{path} missing")
    rows = load_dev_sets(shared_data_dir())["community-dev"]
    detector = SpamDetector()
    verdicts = [detector.check_text(text) for text, _, _ in rows]
    result = quality(
        dict(zip([t for t, _, _ in rows], [v.is_spam for v in verdicts], strict=True)).__getitem__,
        [(t, y) for t, y, _ in rows],
    )
    assert result["f1"] >= 0.95
    assert result["false_positive_rate"] <= 0.005
    assert all(v.category in CATEGORIES for v in verdicts if v.is_spam)


# Regression floor, not the goal: English YouTube spam F1 measures 0.880 on the final model; the 0.90 goal
# is unmet (see test_english_youtube_spam).
EN_YOUTUBE_F1_REGRESSION_FLOOR = 0.87


def test_english_youtube_spam(results: dict[str, dict[str, float]]) -> None:
    """Precision holds its target; F1 is held at a regression floor just under the measured figure.

    The project's goal for this set, F1 >= 0.90, is NOT met: F1 is 0.880 (recall 0.785), and what it misses
    is mostly bare links to unknown sites and "like and subscribe" fan talk (see the README). The goal is an
    open item; this test guards the measured figure against regressions instead of hiding the gap behind an
    xfail.
    """
    en = results["en-youtube-spam"]
    assert en["precision"] >= 0.90  # what a moderator sees must be right
    assert en["f1"] >= EN_YOUTUBE_F1_REGRESSION_FLOOR, (
        f"English YouTube spam F1 regressed: {en['f1']:.3f} (recall {en['recall']:.3f})"
    )


@pytest.mark.parametrize("name", ["id-smsa", "en-vader-tweets"])
def test_ordinary_text_is_not_spam(results: dict[str, dict[str, float]], name: str) -> None:
    assert results[name]["false_positive_rate"] <= 0.005
