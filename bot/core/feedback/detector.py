"""Is this comment negative feedback a moderator should see, and about what?

A logistic regression (``data/feedback_model.json``, rebuilt by ``scripts/train_feedback.py``) over the cue
families of ``cues`` and VADER's scores, plus word weights kept small by a heavy penalty. The topic comes from
the topic word lists (an insult makes it ``toxicity``), the evidence from the phrases that matched.

The detector runs in every scoring worker, so :meth:`FeedbackDetector.assess` does not build the named
features: one :func:`~bot.core.feedback.features.scan` of the words sums the word and pair weights and
collects the cue families and topics as bit masks; the weight of each combination of cues is worked out once
(from :func:`~bot.core.feedback.features.binary_features`, the trainer's own function) and remembered."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bot.core.feedback.features import (
    FAMILIES,
    LIST_TOPICS,
    MAX_WORDS,
    PRAISING_BIT,
    QUESTION_BIT,
    TOPIC_SHIFT,
    Hit,
    Matches,
    binary_features,
    compile_lexicon,
    cue_features,
    length_feature,
    matches_of,
    plain_words,
    quiet_words,
    scan,
    vocabulary,
    word_pairs,
)
from bot.core.feedback.model import load_model

# Topics by how specific their words are: a complaint naming the mic is about audio even when it also says
# "stream". "content" and "other" are the fall-backs.
TOPIC_PRIORITY: tuple[str, ...] = (
    "giveaway", "ads", "merch", "schedule", "audio", "video", "moderation", "tech", "community", "other",
    "content",
)  # fmt: skip
EVIDENCE_LIMIT = 3
_CACHE_LIMIT = 1 << 16  # cue combinations remembered (a few hundred occur in practice)


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
    counts = {topic: len(hits) for topic, hits in found.topic_hits.items()}
    return _topic("insult" in found.hits, _person_target(found), counts)


# Polite forms of address: "bang, audionya jelek" criticises the audio, it does not insult the one addressed.
HONORIFICS = frozenset({
    "bang", "bg", "bng", "abang", "kak", "ka", "kakak", "min", "mimin", "bro", "om", "mas", "mba", "mbak",
    "teh", "teteh", "kang", "akang", "aa", "mang", "neng", "cak", "dik", "dek", "bu", "ibu", "pak", "bapak",
    "ustadz", "ustad",
})  # fmt: skip


def _person_target(found: Matches) -> bool:
    """Whether it speaks to or of a person ("lu", "you", "the editor"), not only of a thing of the creator's
    ("audionya", "your mic") or to them politely ("bang"): a target that is neither a topic word nor a polite
    form of address."""
    named = {phrase for phrases in found.topic_hits.values() for phrase in phrases}
    return any(p not in named and p not in HONORIFICS for p in found.hits.get("target", ()))


def _topic(insult: bool, target: bool, counts: Mapping[str, int]) -> str:
    if insult and (target or not counts):
        return "toxicity"
    best = None
    for topic in TOPIC_PRIORITY:
        n = counts.get(topic, 0)
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


_INSULT = 1 << FAMILIES.index("insult")
_TARGET = 1 << FAMILIES.index("target")
_NEGATIVE_BIT = PRAISING_BIT << 1  # VADER's compound <= -0.05
_NEGATED_BIT = PRAISING_BIT << 2  # praise after a negator
_POSITIVE_BIT = PRAISING_BIT << 3  # VADER's compound >= 0.05
_TOPIC_MASK = (1 << len(LIST_TOPICS)) - 1
# The cue weights depend on the topics only through "a topic is named" and "one other than content is"
# (binary_features): two bits in the cache key instead of one per topic keep the combinations few.
_TOPIC_ANY_BIT = PRAISING_BIT << 4
_TOPIC_SPECIFIC_BIT = PRAISING_BIT << 5
_CONTENT = 1 << LIST_TOPICS.index("content")
_FAMILY_BITS = (1 << TOPIC_SHIFT) - 1  # the families and "?"
_VERDICT_LIMIT = 1 << 15  # verdicts below the floor remembered, by (probability, topic)


class FeedbackDetector:
    """``assess(cleaned_text, compound, neg)``: probability, topic and evidence. Pure and thread-safe; the
    weights are read once."""

    def __init__(self, model: Mapping[str, Any] | None = None) -> None:
        if model is None:
            model = load_model()
        weights = {str(k): float(v) for k, v in model["weights"].items()}
        self.bias = float(model.get("bias", 0.0))
        self.weights = {k: v for k, v in weights.items() if not k.startswith(("w=", "b="))}
        self.lexicon = compile_lexicon(
            {k[2:]: v for k, v in weights.items() if k.startswith("w=")},
            {k[2:]: v for k, v in weights.items() if k.startswith("b=")},
        )
        self._vocab = vocabulary(self.lexicon)
        w = self.weights
        self._cneg, self._cpos, self._vneg = w.get("cneg", 0.0), w.get("cpos", 0.0), w.get("vneg", 0.0)
        # bias and length together, by the number of words
        self._base = [self.bias + w.get("len", 0.0) * length_feature(n) for n in range(MAX_WORDS + 1)]
        self._cues: dict[int, float] = {}  # cue combination (bits) -> its summed weight
        self._below: dict[tuple[float, str], FeedbackVerdict] = {}
        self.floor = min(float(v) for v in model["thresholds"].values())  # the highest sensitivity's

    def _cue_weight(self, key: int) -> float:
        """The summed weight of the 0/1 features of one combination of cues, from the trainer's function."""
        x = binary_features(
            [f for i, f in enumerate(FAMILIES) if key >> i & 1],
            ["audio"] if key & _TOPIC_SPECIFIC_BIT else ["content"] if key & _TOPIC_ANY_BIT else [],
            negated=bool(key & _NEGATED_BIT),
            question=bool(key & QUESTION_BIT),
            negative=bool(key & _NEGATIVE_BIT),
            positive=bool(key & _POSITIVE_BIT),
        )
        z = sum(self.weights.get(k, 0.0) * v for k, v in x.items())
        if len(self._cues) < _CACHE_LIMIT:
            self._cues[key] = z
        return z

    def probability(self, found: Matches, compound: float, neg: float) -> float:
        """The model on the trainer's named features (:func:`features`): the same number :meth:`assess`
        works out in one scan."""
        z = sum(self.weights.get(k, 0.0) * v for k, v in cue_features(found, compound, neg).items())
        z += self.bias - self.weights.get("bias", 0.0)
        nodes = self.lexicon
        for word in set(plain_words(found)):
            node = nodes.get(word)
            z += node[3] if node is not None else 0.0
        for pair in set(word_pairs(found.words)):
            a, b = pair.split(" ")
            node = nodes.get(a)
            kid = node[4].get(b) if node is not None and node[4] is not None else None
            z += kid[3] if kid is not None else 0.0
        return _sigmoid(z)

    def assess(
        self, cleaned: str, compound: float, neg: float, quiet: frozenset[str] = frozenset()
    ) -> FeedbackVerdict:
        """``quiet``: words the server rated positive or neutral in its own lexicon; they count as no cue
        and no weighted word (a server that calls "meh" positive is not flagged for "meh")."""
        if not cleaned or cleaned.isspace():
            return NO_FEEDBACK
        silent = _quiet(quiet) if quiet else quiet
        mask, hits, negated, z, seq = scan(cleaned, self.lexicon, self._vocab, silent)
        key = mask & _FAMILY_BITS
        named = mask >> TOPIC_SHIFT & _TOPIC_MASK
        if named:
            key |= _TOPIC_ANY_BIT | _TOPIC_SPECIFIC_BIT if named & ~_CONTENT else _TOPIC_ANY_BIT
        if compound <= -0.05:
            key |= _NEGATIVE_BIT
        elif compound >= 0.05:
            key |= _POSITIVE_BIT
        if negated:
            key |= _NEGATED_BIT
        cue = self._cues.get(key)
        if cue is None:
            cue = self._cue_weight(key)
        z += self._base[len(seq)] + cue + self._vneg * neg
        z += self._cneg * -compound if compound < 0.0 else self._cpos * compound
        p = round(_sigmoid(z), 4)
        topic = self._topic(mask, hits, seq)
        if p >= self.floor:
            return FeedbackVerdict(p, topic, evidence_of(matches_of(hits, seq), topic))
        # below every sensitivity: nobody will read the evidence
        verdict = self._below.get((p, topic))
        if verdict is None:
            verdict = FeedbackVerdict(p, topic, ())
            if len(self._below) < _VERDICT_LIMIT:
                self._below[(p, topic)] = verdict
        return verdict

    @staticmethod
    def _topic(mask: int, hits: list[Hit] | None, seq: list[tuple[str, Any]]) -> str:
        """:func:`choose_topic` from the scan's bits (the matches only when two topics compete)."""
        insult = mask & _INSULT
        named = mask >> TOPIC_SHIFT & _TOPIC_MASK
        if not named:
            return "toxicity" if insult else "content"
        if insult and mask & _TARGET and _person_target(matches_of(hits, seq)):
            return "toxicity"  # (rare: an insult, a topic and a target together)
        if not named & (named - 1):  # one topic
            return LIST_TOPICS[named.bit_length() - 1]
        counts: dict[str, int] = {}
        for _, _, _, topics in hits or ():
            for t in topics:
                counts[LIST_TOPICS[t]] = counts.get(LIST_TOPICS[t], 0) + 1
        return _topic(False, False, counts)


@lru_cache(maxsize=256)
def _quiet(quiet: frozenset[str]) -> frozenset[str]:
    return quiet_words(quiet)


def _sigmoid(z: float) -> float:
    if z > 30.0:
        z = 30.0
    elif z < -30.0:
        z = -30.0
    return 1.0 / (1.0 + math.exp(-z))
