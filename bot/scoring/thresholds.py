"""The flagging threshold and the label cut-offs."""

from __future__ import annotations

DEFAULT_FLAG_THRESHOLD: float = -0.05

POSITIVE_CUTOFF = 0.05
NEGATIVE_CUTOFF = -0.05


def sentiment_label(compound: float) -> str:
    """VADER's conventional labels: "positive" (>= 0.05), "negative" (<= -0.05), otherwise "neutral"."""
    if compound >= POSITIVE_CUTOFF:
        return "positive"
    if compound <= NEGATIVE_CUTOFF:
        return "negative"
    return "neutral"


def is_flagged(compound: float, threshold: float = DEFAULT_FLAG_THRESHOLD) -> bool:
    """A comment is flagged for review when its compound score is at or below the threshold."""
    return compound <= threshold
