"""The shipped feedback model (``data/feedback_model.json``: weights, bias and the sensitivity thresholds),
read once per process by whoever needs it first: the detector in the scoring workers, the sensitivity table
where flags are decided. Rebuilt by ``scripts/train_feedback.py``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

MODEL_RESOURCE = "feedback_model.json"


@cache
def load_model() -> Mapping[str, Any]:
    """The parsed model; shared, so treat it as read-only."""
    text = resources.files("bot.core.feedback.data").joinpath(MODEL_RESOURCE).read_text(encoding="utf-8")
    model: dict[str, Any] = json.loads(text)
    return model
