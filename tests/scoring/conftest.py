from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.scoring import Scorer

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def scorer() -> Scorer:
    return Scorer()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The labelled data folder (SENTIMETER_DATA_DIR or ../shared/data); skips the test when absent."""
    path = Path(os.environ.get("SENTIMETER_DATA_DIR", REPO.parent / "shared" / "data"))
    if not path.is_dir():
        pytest.skip(f"labelled data not found at {path}")
    return path
