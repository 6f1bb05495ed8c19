"""Learning from moderators (bot/core/feedback/adapt.py): the per-server correction is bounded, moves the
decision on messages like the ones moderators corrected, stays in its own server, survives a restart, can be
reset, and keeps no words once a message is deleted. Real detector, real scorer, real SQLite."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.config_cache import ConfigCache
from bot.core.feedback import FeedbackDetector, adapt
from bot.core.feedback.sensitivity import threshold_for
from bot.core.ingest.decision import decide_flag, let_through
from bot.core.scoring import Scorer
from bot.core.spam import SpamVerdict
from bot.core.text.clean import clean_for_scoring
from bot.storage.models import (
    ExampleKind,
    Flag,
    FlagKind,
    FlagRequest,
    FlagStatus,
    LearnedAdjustment,
    LearningExample,
    MessageCreated,
    MessageDeleted,
    MessageRecord,
)
from bot.storage.sqlite import SQLiteStorage

GUILD = 1
OTHER = 2
STRONG_COMPLAINTS = [
    "the audio is terrible every single stream, fix your mic already",
    "you promised weekly uploads and it's been two months, stop lying to us",
    "sponsor nya kelamaan, 5 menit iklan doang",
]
# ordinary talk of one server that the shipped model may read as feedback (a speedrun community)
GRIND = "reset hell is real, nothing past level {} in {} hours"
# feedback the shipped model misses in that server
OVERLAY = "the overlay covers the timer again in run {}"


def scored(scorer: Scorer, text: str) -> tuple[str, float, float]:
    cleaned = clean_for_scoring(text)
    score = scorer.score(cleaned)
    return cleaned, score.compound, score.neg


def example(
    scorer: Scorer, detector: FeedbackDetector, flag_id: int, text: str, label: bool
) -> LearningExample:
    cleaned, compound, neg = scored(scorer, text)
    return adapt.feedback_example(flag_id, label, cleaned, compound, neg, detector, at=1_000 + flag_id)


def probabilities(
    scorer: Scorer, detector: FeedbackDetector, learned: LearnedAdjustment, text: str
) -> tuple[float, float]:
    """(shipped, adjusted) probability of ``text``."""
    cleaned, compound, neg = scored(scorer, text)
    verdict = detector.assess(cleaned, compound, neg)
    after = adapt.adjusted_probability(learned, verdict.probability, verdict.topic, cleaned, compound, neg)
    return verdict.probability, after


def flagged(
    scorer: Scorer, detector: FeedbackDetector, text: str, sensitivity: str, learned: LearnedAdjustment | None
) -> bool:
    cleaned, compound, neg = scored(scorer, text)
    verdict = detector.assess(cleaned, compound, neg)
    feedback = (verdict.probability, verdict.topic, verdict.evidence)
    score = (compound, 0.0, 0.0, neg, "en")
    request = decide_flag(text, feedback, None, sensitivity, learned=learned, score=score)
    return request is not None and request.kind is FlagKind.NEGATIVE


# -- the adapter -------------------------------------------------------------------------------------------


def test_a_thousand_not_negative_clicks_cannot_hide_a_strong_complaint(
    scorer: Scorer, detector: FeedbackDetector
) -> None:
    examples = [example(scorer, detector, i, GRIND.format(i % 9 + 2, i % 5 + 3), False) for i in range(1000)]
    learned = adapt.fit(examples)
    assert learned is not None
    assert learned.cap <= adapt.CAP_MAX
    for text in STRONG_COMPLAINTS:
        shipped, after = probabilities(scorer, detector, learned, text)
        assert shipped >= threshold_for("low")  # a strong complaint by the shipped model
        assert after >= threshold_for("normal"), (text, shipped, after)
        assert adapt.logit(shipped) - adapt.logit(after) <= adapt.CAP_MAX + 1e-6
    # the clicked kind itself is pushed all the way down the cap
    shipped, after = probabilities(scorer, detector, learned, GRIND.format(4, 6))
    assert adapt.logit(shipped) - adapt.logit(after) == pytest.approx(learned.cap, abs=1e-3)


def test_a_few_clicks_move_little() -> None:
    assert adapt.cap_for(0) == 0.0
    assert adapt.cap_for(3) < 0.5
    assert adapt.cap_for(10) < adapt.cap_for(40) < adapt.cap_for(400) <= adapt.CAP_MAX


def decided(text: str, p: float, sensitivity: str, learned: LearnedAdjustment | None) -> bool:
    """The decision half's answer for ``text`` if the shipped model gave it probability ``p``."""
    score = (0.0, 0.0, 1.0, 0.0, "en")
    request = decide_flag(text, (p, "content", ()), None, sensitivity, learned=learned, score=score)
    return request is not None and request.kind is FlagKind.NEGATIVE


def test_not_negative_unflags_similar_messages(scorer: Scorer, detector: FeedbackDetector) -> None:
    examples = [example(scorer, detector, i, GRIND.format(i + 2, i + 3), False) for i in range(12)]
    learned = adapt.fit(examples)
    assert learned is not None
    probe = GRIND.format(3, 7)
    before, after = probabilities(scorer, detector, learned, probe)
    assert adapt.logit(before) - adapt.logit(after) >= 0.5 * learned.cap
    # a similar message the shipped model puts just over the threshold is no longer flagged
    just_over = threshold_for("normal") + 0.02
    assert decided(probe, just_over, "normal", None) and not decided(probe, just_over, "normal", learned)
    # an unrelated strong complaint stays flagged
    assert flagged(scorer, detector, STRONG_COMPLAINTS[0], "normal", learned)


def test_hand_made_flags_flag_similar_messages(scorer: Scorer, detector: FeedbackDetector) -> None:
    examples = [example(scorer, detector, i, OVERLAY.format(i), True) for i in range(30)]
    learned = adapt.fit(examples)
    assert learned is not None
    probe = OVERLAY.format(99)
    before, after = probabilities(scorer, detector, learned, probe)
    assert adapt.logit(after) - adapt.logit(before) >= 0.5 * learned.cap
    just_under = threshold_for("normal") - 0.02
    assert not decided(probe, just_under, "normal", None) and decided(probe, just_under, "normal", learned)


def test_features_hold_no_words(scorer: Scorer, detector: FeedbackDetector) -> None:
    ex = example(scorer, detector, 1, "the overlay covers the timer again", True)
    assert all(k in ("bias", "z") or k.startswith(("c:", "t:", "h:")) for k in ex.features)
    assert not any(word in key for key in ex.features for word in ("overlay", "timer", "covers"))


def test_labels_of_review_decisions() -> None:
    assert adapt.label_for(FlagKind.NEGATIVE, FlagStatus.NOT_NEGATIVE) == (ExampleKind.FEEDBACK, False)
    assert adapt.label_for(FlagKind.MANUAL, FlagStatus.ACKNOWLEDGED) == (ExampleKind.FEEDBACK, True)
    assert adapt.label_for(FlagKind.SPAM, FlagStatus.NOT_SPAM) == (ExampleKind.SPAM, False)
    assert adapt.label_for(FlagKind.SPAM, FlagStatus.DELETED_TIMED_OUT) == (ExampleKind.SPAM, True)
    assert adapt.label_for(FlagKind.NEGATIVE, FlagStatus.MESSAGE_DELETED) is None


def test_spam_floor_needs_several_not_spam_and_never_passes_high_confidence() -> None:
    def learned(*examples: tuple[float, bool]) -> LearnedAdjustment:
        fitted = adapt.fit([adapt.spam_example(i, s, c, i) for i, (c, s) in enumerate(examples)])
        assert fitted is not None
        return fitted

    one = learned((0.7, False))
    assert one.spam_floor == 0.0
    two = learned((0.7, False), (0.75, False))
    assert two.spam_floor == 0.75
    low = SpamVerdict(True, 0.72, "promotion", False)
    assert let_through(low, two) is None
    assert let_through(SpamVerdict(True, 0.72, "gift link", True), two) is not None  # high confidence
    assert let_through(SpamVerdict(True, 0.8, "promotion", False), two) is not None  # above the floor
    # confirmed spam under the Not spam clicks keeps the floor down
    mixed = learned((0.7, True), (0.72, False), (0.75, False))
    assert mixed.spam_floor == 0.0
    capped = learned(*((0.99, False) for _ in range(50)))
    assert capped.spam_floor == 0.0  # above SPAM_FLOOR_MAX nothing is let through


# -- storage and the cache -----------------------------------------------------------------------------------


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[SQLiteStorage]:
    async with SQLiteStorage.open(tmp_path / "sentimeter.db") as opened:
        yield opened


async def test_learning_is_stored_per_guild_and_survives_a_restart(
    tmp_path: Path, scorer: Scorer, detector: FeedbackDetector
) -> None:
    path = tmp_path / "restart.db"
    async with SQLiteStorage.open(path) as storage:
        cache = ConfigCache(storage)
        for i in range(5):
            config = await cache.learn(GUILD, example(scorer, detector, i, GRIND.format(i, i + 1), False))
        assert config.learned is not None and config.learned.decisions == 5
        assert (await cache.get(GUILD)).learned == config.learned
        assert (await cache.get(OTHER)).learned is None
        assert await storage.learning_examples(OTHER, 100) == []
        weights = config.learned.weights
    async with SQLiteStorage.open(path) as storage:
        reopened = await storage.get_config(GUILD)
        assert reopened.learned is not None
        assert reopened.learned.weights == weights and reopened.learned.decisions == 5
        kept = await storage.learning_examples(GUILD, 100)
        assert [e.flag_id for e in kept] == [0, 1, 2, 3, 4]
        assert all(not e.label and e.kind is ExampleKind.FEEDBACK for e in kept)
        assert (await storage.get_config(OTHER)).learned is None


async def test_a_later_decision_on_the_same_flag_replaces_the_earlier(
    storage: SQLiteStorage, scorer: Scorer, detector: FeedbackDetector
) -> None:
    cache = ConfigCache(storage)
    await cache.learn(GUILD, example(scorer, detector, 7, OVERLAY.format(1), True))
    config = await cache.learn(GUILD, example(scorer, detector, 7, OVERLAY.format(1), False))
    kept = await storage.learning_examples(GUILD, 10)
    assert [(e.flag_id, e.label) for e in kept] == [(7, False)]
    assert config.learned is not None and config.learned.decisions == 1


async def test_reset_forgets_everything_of_that_guild_only(
    storage: SQLiteStorage, scorer: Scorer, detector: FeedbackDetector
) -> None:
    cache = ConfigCache(storage)
    for guild in (GUILD, OTHER):
        for i in range(3):
            await cache.learn(guild, example(scorer, detector, i, GRIND.format(i, i), False))
    config = await cache.reset_learning(GUILD)
    assert config.learned is None
    assert (await cache.get(GUILD)).learned is None
    assert await storage.learning_examples(GUILD, 10) == []
    assert (await storage.get_config(GUILD)).learned is None
    other = await storage.get_config(OTHER)
    assert other.learned is not None and other.learned.decisions == 3
    assert len(await storage.learning_examples(OTHER, 10)) == 3


async def flagged_message(storage: SQLiteStorage, message_id: int, text: str) -> Flag:
    """A stored message in channel 10 with an open feedback flag holding ``text``."""
    record = MessageRecord(
        guild_id=GUILD, channel_id=10, message_id=message_id, author_id=9, created_at=1_000
    )
    changes = await storage.apply([MessageCreated(record, FlagRequest(FlagKind.NEGATIVE, text))])
    flag = changes[0].flag
    assert flag is not None
    return flag


async def test_deleting_the_message_drops_the_words_of_its_example(
    storage: SQLiteStorage, scorer: Scorer, detector: FeedbackDetector
) -> None:
    text = OVERLAY.format(3)
    flag = await flagged_message(storage, 555, text)
    await storage.record_example(GUILD, example(scorer, detector, flag.id, text, True))
    assert any(k.startswith("h:") for k in (await storage.learning_examples(GUILD, 10))[0].features)
    await storage.apply([MessageDeleted(GUILD, 10, 555)])
    (kept,) = await storage.learning_examples(GUILD, 10)
    assert kept.label and kept.features  # the decision stays, as cue features and topic
    assert not any(k.startswith("h:") for k in kept.features)


async def test_deleting_a_guilds_settings_deletes_its_learning(
    storage: SQLiteStorage, scorer: Scorer, detector: FeedbackDetector
) -> None:
    cache = ConfigCache(storage)
    await cache.learn(GUILD, example(scorer, detector, 1, OVERLAY.format(1), True))
    await cache.learn(OTHER, example(scorer, detector, 1, OVERLAY.format(1), True))

    def forget(conn: object) -> None:
        conn.execute("DELETE FROM guild_config WHERE guild_id = ?", (GUILD,))  # type: ignore[attr-defined]

    await storage._write(forget)
    assert await storage.learning_examples(GUILD, 10) == []
    assert (await storage.get_config(GUILD)).learned is None
    assert len(await storage.learning_examples(OTHER, 10)) == 1


async def test_a_decision_recorded_after_the_message_was_deleted_keeps_no_words(
    storage: SQLiteStorage, scorer: Scorer, detector: FeedbackDetector
) -> None:
    text = OVERLAY.format(4)
    flag = await flagged_message(storage, 556, text)
    await storage.apply([MessageDeleted(GUILD, 10, 556)])  # a Delete click: Discord's event comes first
    await storage.record_example(GUILD, example(scorer, detector, flag.id, text, True))
    (kept,) = await storage.learning_examples(GUILD, 10)
    assert kept.features and not any(k.startswith("h:") for k in kept.features)
