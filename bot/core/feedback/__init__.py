"""Negative feedback a moderator should see, kept apart from sentiment: a probability, a topic (audio, video,
content, schedule, ads, merch, giveaway, moderation, community, toxicity, tech, other) and the evidence."""

from bot.core.feedback.detector import NO_FEEDBACK, FeedbackDetector, FeedbackVerdict
from bot.core.feedback.features import TOPICS

__all__ = ["NO_FEEDBACK", "TOPICS", "FeedbackDetector", "FeedbackVerdict"]
