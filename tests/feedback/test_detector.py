"""The negative-feedback detector: feedback is not negative sentiment, in both directions, in English and
Indonesian; topics and evidence a moderator can read; text handling linear in the length; the shipped model
and its sensitivities."""

from __future__ import annotations

import pytest

from bot.core.feedback import TOPICS, FeedbackDetector
from bot.core.feedback.detector import choose_topic
from bot.core.feedback.features import MAX_WORDS, match, words
from bot.core.feedback.sensitivity import DEFAULT_SENSITIVITY, SENSITIVITIES, threshold_for
from bot.core.scoring import Scorer
from bot.core.text.clean import clean_for_scoring


def assess(detector: FeedbackDetector, scorer: Scorer, text: str) -> tuple[bool, str, tuple[str, ...]]:
    cleaned = clean_for_scoring(text)
    score = scorer.score(cleaned)
    verdict = detector.assess(cleaned, score.compound, score.neg)
    return verdict.probability >= threshold_for(DEFAULT_SENSITIVITY), verdict.topic, verdict.evidence


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("going live at 7 and it's 9:40, every single time", "schedule"),  # no negative word
        ("suaranya kecil gak kedengeran", "audio"),
        ("the audio was a bit meh today", "audio"),
        ("the stream keeps lagging every single time, fix it", "tech"),
        ("This is the worst video ever, I hate it. Terrible and boring.", "content"),
        ("streamer sampah, goblok banget", "toxicity"),
    ],
)
def test_feedback_is_found_with_its_topic(
    detector: FeedbackDetector, scorer: Scorer, text: str, topic: str
) -> None:
    flagged, got_topic, evidence = assess(detector, scorer, text)
    assert flagged, text
    assert got_topic == topic
    assert evidence, "a moderator sees why"


@pytest.mark.parametrize(
    "text",
    [
        "I died to the boss 6 times 😭",  # negative, not feedback
        "can't wait!!",  # hype
        "join our discord",  # VADER rates "discord" -1.7
        "this goes hard",
        "gak sabar nunggu part 2",
        "missed the stream, will watch the VOD",
        "how do i get the subscriber role?",  # a question, even about a problem
        "loved this recipe, thank you!! 😍",
    ],
)
def test_negative_words_and_hype_are_not_feedback(
    detector: FeedbackDetector, scorer: Scorer, text: str
) -> None:
    flagged, _topic, _evidence = assess(detector, scorer, text)
    assert not flagged, text


def test_topics_and_sensitivities_are_the_documented_ones(detector: FeedbackDetector) -> None:
    assert set(TOPICS) == {
        "audio", "video", "content", "schedule", "ads", "merch", "giveaway", "moderation", "community",
        "toxicity", "tech", "other",
    }  # fmt: skip
    low, normal, high = (threshold_for(s) for s in SENSITIVITIES)
    assert 0.0 < high < normal < low < 1.0  # a higher sensitivity takes more to the queue
    assert threshold_for("unknown") == normal
    assert detector.assess("   ", 0.0, 0.0).probability == 0.0


def test_words_normalise_chat_spelling() -> None:
    assert words("telattt mulu lagi2 itu-itu aja 😭😭😭 kok gitu??") == [
        "telat", "mulu", "lagi", "lagi", "itu", "itu", "aja", "😭", "kok", "gitu", "?", "?",
    ]  # fmt: skip
    found = match("ga lucu bang, mic nya kresek kresek")
    assert found.negated_praise == ["ga lucu"]
    assert "audio" in found.topic_hits and "target" in found.hits


def test_text_is_bounded_and_handled_in_one_pass(detector: FeedbackDetector) -> None:
    """A huge message is cut to a bounded number of words, and every word is looked up a bounded number of
    times: the work cannot grow faster than the text (no backtracking, no quadratic phrase search)."""
    hostile = "a1a " + "b" * 3996 + " every single" * 5000
    assert len(words(hostile)) <= MAX_WORDS
    assert len(words("ok " * 100_000)) == MAX_WORDS
    found = match(" ".join(["every"] * 10_000))
    assert len(found.words) == MAX_WORDS
    assert 0.0 <= detector.assess(hostile, -0.5, 0.5).probability <= 1.0


def test_a_servers_own_positive_words_are_not_complaints(detector: FeedbackDetector, scorer: Scorer) -> None:
    """``quiet``: words a server rated positive or neutral in /lexicon count as no cue and no weight."""
    text = "the audio was a bit meh today"
    cleaned = clean_for_scoring(text)
    score = scorer.score(cleaned)
    loud = detector.assess(cleaned, score.compound, score.neg)
    calm = detector.assess(cleaned, score.compound, score.neg, frozenset({"meh"}))
    assert loud.probability >= threshold_for(DEFAULT_SENSITIVITY) and "meh" in loud.evidence
    assert calm.probability < threshold_for(DEFAULT_SENSITIVITY)
    assert "meh" not in calm.evidence
    # other words keep their meaning; an unrelated quiet word changes nothing
    assert detector.assess(cleaned, score.compound, score.neg, frozenset({"hype"})) == loud
    other = clean_for_scoring("suaranya kecil gak kedengeran")
    s2 = scorer.score(other)
    assert detector.assess(other, s2.compound, s2.neg, frozenset({"meh"})).probability >= threshold_for(
        DEFAULT_SENSITIVITY
    )


def test_words_read_laughter_styled_letters_and_nya() -> None:
    assert words("Wkkwwkkwwk awokawok hahahah hehe huhu woke 𝘙𝘶𝘮𝘢𝘩") == [
        "wkwk", "wkwk", "haha", "haha", "huhu", "woke", "rumah",
    ]  # fmt: skip
    found = match("kameranya goyang, editannya jelek wkwk")
    assert "target" in found.hits and "laugh" in found.hits
    assert found.topic_hits["video"] and found.topic_hits["content"]


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("audionya jelek banget today, so annoying", "audio"),  # a thing of the creator's, not a person
        ("kameranya burik", "video"),
        ("your audio is trash", "audio"),
        ("bang audionya jelek banget", "audio"),  # addressed politely
        ("lu jelek", "toxicity"),
        ("bang lu jelek", "toxicity"),
        ("your audio is trash you idiot", "toxicity"),
    ],
)
def test_an_insult_is_toxicity_only_when_it_is_aimed_at_a_person(
    detector: FeedbackDetector, text: str, topic: str
) -> None:
    assert detector.assess(text, -0.5, 0.3).topic == topic
    assert choose_topic(match(text)) == topic  # the trainer's reading agrees
