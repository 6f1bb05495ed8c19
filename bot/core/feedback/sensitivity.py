"""How readily a server's review queue takes negative feedback: a server picks a sensitivity, the model's
probability must reach that sensitivity's threshold. The thresholds are chosen by
``scripts/train_feedback.py`` on cross-validated predictions (``low``: at most 1% of ordinary community-dev
messages flagged, ``normal``: 3% on community-dev and on each source of real comments, ``high``: 6%) and
shipped with the weights."""

from __future__ import annotations

from functools import cache

from bot.core.feedback.model import load_model

SENSITIVITIES: tuple[str, ...] = ("low", "normal", "high")
DEFAULT_SENSITIVITY = "normal"


@cache
def thresholds() -> dict[str, float]:
    """Sensitivity → probability threshold, from the shipped model (read once per process)."""
    table = load_model()["thresholds"]
    return {name: float(table[name]) for name in SENSITIVITIES}


def threshold_for(sensitivity: str) -> float:
    """The probability a comment needs to go to the review queue; an unknown name reads as the default."""
    table = thresholds()
    return table.get(sensitivity, table[DEFAULT_SENSITIVITY])
