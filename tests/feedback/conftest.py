"""Shared fixtures: the real scorer and the shipped feedback detector, loaded once per module."""

from __future__ import annotations

import pytest

from bot.core.feedback import FeedbackDetector
from bot.core.scoring import Scorer


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer()


@pytest.fixture(scope="module")
def detector() -> FeedbackDetector:
    return FeedbackDetector()
