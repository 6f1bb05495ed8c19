"""Review decisions as examples for the server's adjustment (bot/core/feedback/adapt.py): the flag's stored
text is scored again at click time, kept only as numbers, and the adjustment refitted."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.app.offload import off_loop
from bot.core.feedback import adapt
from bot.core.text.clean import clean_for_scoring
from bot.storage.models import ExampleKind, Flag, FlagStatus, LearningExample

if TYPE_CHECKING:
    from bot.app.client import Sentimeter

log = logging.getLogger(__name__)


async def learn_from_decision(bot: Sentimeter, flag: Flag, status: FlagStatus, at: int) -> None:
    """Teach the server's adjustment what a moderator decided (``status``; OPEN for a hand-made flag, which
    says "moderators want to see this"). Never raises: learning must not break a click."""
    try:
        example = await _example(bot, flag, status, at)
        if example is not None:
            await bot.configs.learn(flag.guild_id, example)
    except Exception:
        log.exception("guild %s: could not learn from the decision on flag %s", flag.guild_id, flag.id)


async def _example(bot: Sentimeter, flag: Flag, status: FlagStatus, at: int) -> LearningExample | None:
    if not flag.text:
        return None
    taught = (ExampleKind.FEEDBACK, True) if status is FlagStatus.OPEN else adapt.label_for(flag.kind, status)
    if taught is None:
        return None
    kind, label = taught
    if kind is ExampleKind.SPAM:
        verdict = await off_loop(bot.spam.check_text, flag.text)  # the text thread, not the event loop
        if not verdict.is_spam or verdict.high_confidence:  # behaviour-only, or never overruled anyway
            return None
        return adapt.spam_example(flag.id, label, verdict.confidence, at)
    cleaned = clean_for_scoring(flag.text)
    if not cleaned.strip():
        return None
    lexicon = await bot.configs.lexicon(flag.guild_id)
    score = await off_loop(bot.scorer.score, cleaned, overrides=lexicon or None)
    detector = bot.pipeline.analysis.feedback
    return await off_loop(
        adapt.feedback_example, flag.id, label, cleaned, score.compound, score.neg, detector, at
    )
