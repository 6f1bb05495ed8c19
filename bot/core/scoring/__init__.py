"""Sentiment scoring: VADER's rules over English, Indonesian and mixed Discord comments."""

from bot.core.scoring.results import Explanation, SentimentScore, WordContribution
from bot.core.scoring.scorer import Scorer
from bot.core.scoring.thresholds import DEFAULT_FLAG_THRESHOLD, is_flagged, sentiment_label

__all__ = [
    "DEFAULT_FLAG_THRESHOLD",
    "Explanation",
    "Scorer",
    "SentimentScore",
    "WordContribution",
    "is_flagged",
    "sentiment_label",
]
