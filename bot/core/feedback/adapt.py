"""Learning from moderators: a per-server correction on top of the shipped models.

Every **Acknowledge**, **Not negative**, **Delete** and hand-made flag is an example of what this server's
moderators want to see; every **Not spam** and spam **Delete** one of what it calls spam. From them:

- feedback: a small logistic correction of the shipped logit, ``z' = z + clip(w·x, ±cap)``, over the
  detector's cue features, the topic, the shipped logit itself and hashed words (no text is kept), fitted with
  a strong L2 penalty towards zero (the shipped model is the prior). ``cap`` grows slowly with the number of
  decisions, so a few clicks cannot switch flagging off or on for everything;
- spam: a confidence floor for the text verdicts that are not high-confidence, raised only past verdicts
  moderators marked Not spam that no confirmed spam sits under.

Only messages whose shipped logit is within ``cap`` of the server's threshold can change decision, so the
decision half recomputes features for those alone (:func:`may_change`). Fitting is pure Python, linear in
the examples kept (``MAX_EXAMPLES``); callers run it off the event loop."""

from __future__ import annotations

import math
import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from bot.core.feedback.detector import FeedbackDetector
from bot.core.feedback.features import cue_features, match, plain_words
from bot.storage.models import ExampleKind, FlagKind, FlagStatus, LearnedAdjustment, LearningExample

HASH_BUCKETS = 4096  # words are kept only as one of these buckets
MAX_EXAMPLES = 400  # per server, the most recent decisions
CAP_MAX = 2.0  # logit: the correction can never move a message further than this
CAP_SCALE = 0.3
SWEEPS = 30
# L2 penalty by feature family: the server-wide shift and the slope on the shipped logit are the most
# dangerous (they move every message), words the least reliable
PENALTY = {"bias": 4.0, "z": 8.0, "c": 8.0, "t": 1.0, "h": 1.0}
NEGATIVE_WEIGHT_MAX = 10.0  # a Not negative among many Acknowledges counts up to this many times
SPAM_FLOOR_MAX = 0.9  # confidences above this stay spam whatever moderators clicked
SPAM_MIN_CORRECTIONS = 2

# what a moderator's decision says about the flagged message
FEEDBACK_LABELS: dict[FlagStatus, bool] = {
    FlagStatus.ACKNOWLEDGED: True,
    FlagStatus.DELETED: True,
    FlagStatus.NOT_NEGATIVE: False,
}
SPAM_LABELS: dict[FlagStatus, bool] = {
    FlagStatus.DELETED: True,
    FlagStatus.DELETED_TIMED_OUT: True,
    FlagStatus.NOT_SPAM: False,
}


def label_for(kind: FlagKind, status: FlagStatus) -> tuple[ExampleKind, bool] | None:
    """The example a review decision makes: (kind, label), or None when it teaches nothing."""
    if kind is FlagKind.SPAM:
        spam = SPAM_LABELS.get(status)
        return None if spam is None else (ExampleKind.SPAM, spam)
    feedback = FEEDBACK_LABELS.get(status)
    return None if feedback is None else (ExampleKind.FEEDBACK, feedback)


def logit(p: float) -> float:
    p = min(max(p, 1e-4), 1.0 - 1e-4)
    return math.log(p / (1.0 - p))


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def word_bucket(word: str) -> str:
    return f"h:{zlib.crc32(word.encode('utf-8')) % HASH_BUCKETS}"


def features(cleaned: str, compound: float, neg: float, shipped_logit: float, topic: str) -> dict[str, float]:
    """The adapter's inputs for one message (~50 µs): the detector's cue features, the topic, the shipped
    logit and the words as hash buckets. Holds no text."""
    found = match(cleaned)
    x = {"bias": 1.0, "z": round(max(-6.0, min(6.0, shipped_logit)) / 3.0, 4), "t:" + topic: 1.0}
    for name, value in cue_features(found, compound, neg).items():
        if value and name != "bias":
            x["c:" + name] = round(value, 4)
    for word in set(plain_words(found)):
        x[word_bucket(word)] = 1.0
    return x


def cap_for(decisions: int) -> float:
    """How far the correction may move a logit after ``decisions`` examples: 0.3 after two, 0.8 after
    twelve, 1.3 after forty, ``CAP_MAX`` from about two hundred."""
    return round(min(CAP_MAX, CAP_SCALE * math.log2(1.0 + max(decisions, 0) / 2.0)), 4)


def _penalty(name: str) -> float:
    return PENALTY.get(name.split(":", 1)[0], PENALTY["c"])


def fit_weights(
    rows: Sequence[tuple[Mapping[str, float], float, bool]], negative_weight: float = 1.0
) -> dict[str, float]:
    """L2-penalised logistic regression of the labels on the features, with the shipped logit as a fixed
    offset (rows: features, offset, label; a negative example counts ``negative_weight`` times), by
    coordinate-wise Newton steps. Linear in the examples."""
    columns: defaultdict[str, list[tuple[int, float]]] = defaultdict(list)
    for i, (x, _offset, _y) in enumerate(rows):
        for name, value in x.items():
            columns[name].append((i, value))
    z = [offset for _x, offset, _y in rows]
    y = [1.0 if label else 0.0 for _x, _o, label in rows]
    c = [1.0 if label else negative_weight for _x, _o, label in rows]
    p = [_sigmoid(v) for v in z]
    w = dict.fromkeys(columns, 0.0)
    order = sorted(columns)
    for _ in range(SWEEPS):
        largest = 0.0
        for name in order:
            lam = _penalty(name)
            g = lam * w[name]
            h = lam
            for i, v in columns[name]:
                g += c[i] * (p[i] - y[i]) * v
                h += c[i] * p[i] * (1.0 - p[i]) * v * v
            step = max(-1.0, min(1.0, -g / h))
            if step == 0.0:
                continue
            w[name] += step
            largest = max(largest, abs(step))
            for i, v in columns[name]:
                z[i] += step * v
                p[i] = _sigmoid(z[i])
        if largest < 1e-4:
            break
    return {k: round(v, 4) for k, v in w.items() if abs(v) >= 1e-4}


def spam_floor(examples: Iterable[tuple[float, bool]]) -> float:
    """The highest confidence at or under which moderators' Not spam outnumber confirmed spam three to one
    (at least ``SPAM_MIN_CORRECTIONS`` of them), capped at ``SPAM_FLOOR_MAX``; 0.0 when none qualifies."""
    ranked = sorted((min(c, 1.0), spam) for c, spam in examples)
    floor = 0.0
    not_spam = confirmed = 0
    for confidence, spam in ranked:
        if spam:
            confirmed += 1
        else:
            not_spam += 1
        if (
            not spam
            and confidence <= SPAM_FLOOR_MAX
            and not_spam >= SPAM_MIN_CORRECTIONS
            and confirmed * 3 <= not_spam
        ):
            floor = confidence
    return floor


def fit(examples: Sequence[LearningExample]) -> LearnedAdjustment | None:
    """The server's adjustment from its moderators' decisions (the newest ``MAX_EXAMPLES`` count); None when
    there are none."""
    kept = sorted(examples, key=lambda e: (e.created_at, e.flag_id))[-MAX_EXAMPLES:]
    if not kept:
        return None
    rows = [(e.features, e.shipped_logit, e.label) for e in kept if e.kind is ExampleKind.FEEDBACK]
    positives = sum(1 for row in rows if row[2])
    negative_weight = max(1.0, min(NEGATIVE_WEIGHT_MAX, positives / max(1, len(rows) - positives)))
    weights = fit_weights(rows, negative_weight) if rows else {}
    floor = spam_floor(
        (float(e.features.get("confidence", 1.0)), e.label) for e in kept if e.kind is ExampleKind.SPAM
    )
    return LearnedAdjustment(
        weights=tuple(sorted(weights.items())),
        cap=cap_for(len(rows)),
        decisions=len(kept),
        spam_floor=round(floor, 4),
    )


def correction(learned: LearnedAdjustment, x: Mapping[str, float]) -> float:
    """The bounded change to the shipped logit for a message with features ``x``."""
    lookup = learned.lookup
    delta = sum(lookup.get(name, 0.0) * value for name, value in x.items())
    return max(-learned.cap, min(learned.cap, delta))


def may_change(learned: LearnedAdjustment | None, probability: float, threshold: float) -> bool:
    """Whether the correction could move this message across the threshold (else skip the features)."""
    if learned is None or not learned.weights or learned.cap <= 0.0:
        return False
    return abs(logit(probability) - logit(threshold)) <= learned.cap


def adjusted_probability(
    learned: LearnedAdjustment, probability: float, topic: str, cleaned: str, compound: float, neg: float
) -> float:
    z = logit(probability)
    return _sigmoid(z + correction(learned, features(cleaned, compound, neg, z, topic)))


def spam_overruled(learned: LearnedAdjustment | None, confidence: float, high_confidence: bool) -> bool:
    """A text spam verdict this server's moderators have taught to let through."""
    return (
        learned is not None
        and not high_confidence
        and learned.spam_floor > 0.0
        and confidence <= learned.spam_floor
    )


def feedback_example(
    flag_id: int,
    label: bool,
    cleaned: str,
    compound: float,
    neg: float,
    detector: FeedbackDetector,
    at: int,
) -> LearningExample:
    """A moderator's decision on a (possibly hand-made) feedback flag, from its cleaned text and scores."""
    verdict = detector.assess(cleaned, compound, neg)
    z = logit(verdict.probability)
    x = features(cleaned, compound, neg, z, verdict.topic)
    return LearningExample(flag_id, ExampleKind.FEEDBACK, label, x, z, at)


def spam_example(flag_id: int, label: bool, confidence: float, at: int) -> LearningExample:
    return LearningExample(flag_id, ExampleKind.SPAM, label, {"confidence": round(confidence, 4)}, 0.0, at)
