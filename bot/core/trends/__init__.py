"""What is rising: terms of comments (extract.py) and their ranking against the previous period (rank.py)."""

from bot.core.trends.extract import MAX_TERMS, extract_terms, stop_words

__all__ = ["MAX_TERMS", "extract_terms", "stop_words"]
