"""Is this comment negative feedback a moderator should see, and about what?

A logistic regression (``data/feedback_model.json``, rebuilt by ``scripts/train_feedback.py``) over the cue
families of ``cues`` and VADER's scores, plus word weights kept small by a heavy penalty. The topic comes from
the topic word lists (an insult makes it ``toxicity``), the evidence from the phrases that matched."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.core.feedback.features import Matches, cue_features, match, plain_words
from bot.core.feedback.model import load_model

# Topics by how specific their words are: a complaint naming the mic is about audio even when it also says
# "stream". "content" and "other" are the fall-backs.
TOPIC_PRIORITY: tuple[str, ...] = (
    "giveaway", "ads", "merch", "schedule", "audio", "video", "moderation", "tech", "community", "other",
    "content",
)  # fmt: skip
EVIDENCE_LIMIT = 3


@dataclass(frozen=True, slots=True)
class FeedbackVerdict:
    probability: float  # 0..1: how likely this is negative feedback a moderator wants to see
    topic: str  # one of features.TOPICS
    evidence: tuple[str, ...]  # the phrases that made it look like feedback, most telling first


NO_FEEDBACK = FeedbackVerdict(0.0, "other", ())


def choose_topic(found: Matches) -> str:
    """``toxicity`` when it insults someone (an insult aimed at a person, or one with nothing else named);
    otherwise the most specific topic its words name, the topic with most matches winning a tie of
    specificity; ``content`` when it names none. "audionya jelek banget" is about audio, "lu jelek" is
    toxicity."""
    if "insult" in found.hits and ("target" in found.hits or not found.topic_hits):
        return "toxicity"
    best = None
    for topic in TOPIC_PRIORITY:
        n = len(found.topic_hits.get(topic, ()))
        if n and (best is None or n > best[1]):
            best = (topic, n)
        if best is not None and topic in ("other", "content"):
            break
    return best[0] if best is not None else "content"


def evidence_of(found: Matches, topic: str) -> tuple[str, ...]:
    """Short quotes a moderator can read: the complaint or insult words first, then what it is about."""
    quotes: list[str] = []
    for phrase in (
        *found.hits.get("insult", ()),
        *found.negated_praise,
        *found.hits.get("complaint", ()),
        *found.hits.get("persist", ()),
        *found.hits.get("sarcasm", ()),
        *found.topic_hits.get(topic, ()),
    ):
        if phrase not in quotes and not any(phrase in q for q in quotes):
            quotes.append(phrase)
        if len(quotes) >= EVIDENCE_LIMIT:
            break
    return tuple(quotes)


class FeedbackDetector:
    """``assess(cleaned_text, compound, neg)``: probability, topic and evidence. Pure and thread-safe; the
    weights are read once."""

    def __init__(self, model: Mapping[str, Any] | None = None) -> None:
        if model is None:
            model = load_model()
        weights = {str(k): float(v) for k, v in model["weights"].items()}
        self.bias = float(model.get("bias", 0.0))
        # words and word pairs by the word itself: summed without building feature names
        self.word_weights = {k[2:]: v for k, v in weights.items() if k.startswith("w=")}
        self.pair_weights = {k[2:]: v for k, v in weights.items() if k.startswith("b=")}
        self.pair_first = frozenset(pair.split(" ", 1)[0] for pair in self.pair_weights)
        self.weights = {k: v for k, v in weights.items() if not k.startswith(("w=", "b="))}
        self.floor = min(float(v) for v in model["thresholds"].values())  # the highest sensitivity's

    def probability(self, found: Matches, compound: float, neg: float) -> float:
        w = self.weights
        z = self.bias
        for name, value in cue_features(found, compound, neg).items():
            z += w.get(name, 0.0) * value
        words = plain_words(found)
        word_weights = self.word_weights
        for word in set(words):
            z += word_weights.get(word, 0.0)
        pair_weights = self.pair_weights
        first = self.pair_first  # only words that start a weighted pair are joined with the next one
        for pair in {a + " " + b for a, b in itertools.pairwise(words) if a in first}:
            z += pair_weights.get(pair, 0.0)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def assess(self, cleaned: str, compound: float, neg: float) -> FeedbackVerdict:
        if not cleaned.strip():
            return NO_FEEDBACK
        found = match(cleaned)
        p = round(self.probability(found, compound, neg), 4)
        topic = choose_topic(found)
        if p < self.floor:  # below every sensitivity: nobody will read the evidence
            return FeedbackVerdict(p, topic, ())
        return FeedbackVerdict(p, topic, evidence_of(found, topic))
