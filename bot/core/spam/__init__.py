"""Spam and scam detection: single messages (:class:`SpamDetector`) and posting behaviour
(:class:`BehaviourTracker`). Domain logic only, testable without Discord."""

from bot.core.spam.behaviour import BehaviourTracker
from bot.core.spam.detector import SpamDetector, SpamVerdict
from bot.core.spam.normalize import normalize_for_matching

__all__ = ["BehaviourTracker", "SpamDetector", "SpamVerdict", "normalize_for_matching"]
