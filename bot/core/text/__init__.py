"""Text utilities shared by the scoring and statistics code."""

from bot.core.text.clean import clean_for_scoring

__all__ = ["clean_for_scoring"]
