"""Pins every spam verdict and fingerprint over a generated corpus of ordinary and hostile messages: a
speed-up of the spam check must not change what it decides (scripts/check_spam_identity.py compares the
real data sets against a saved run). When a change to the rules or the model is meant to change verdicts,
update the digest below in the same commit and say why."""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.spam import SpamDetector
from bot.core.spam.behaviour import fingerprint, fingerprint_normalized
from bot.core.spam.detector import _gram_sum, _gram_sum_gated
from bot.core.spam.normalize import normalize
from tests.spam.identity_corpus import identity_corpus

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from check_spam_identity import digest, record

_DETECTOR = SpamDetector()
DIGEST = "0f06bbed3315761cc5c62f4cdb8e18170173476133308f97e91f42430b0cacab"


def test_generated_corpus_verdicts_are_pinned() -> None:
    detector = SpamDetector()
    records = [record(detector, text) for text in identity_corpus()]
    assert sum(bool(r[0]) for r in records) > 1000  # the corpus reaches spam verdicts of every kind
    assert {r[4] for r in records} == {"", "gambling", "scam", "promotion", "bait"}
    assert digest(records) == DIGEST


def test_cached_and_fresh_detectors_agree() -> None:
    """A verdict from the cache equals a fresh detector's, text by text (the cache keys on the exact text)."""
    shared = SpamDetector(cache_size=64)  # small: it clears and refills during the run
    texts = identity_corpus(600, seed=5)
    for text in texts + texts[::-1]:
        fresh = SpamDetector(model=shared.model)  # sharing the model's per-word n-gram sums, a pure cache
        assert record(shared, text) == record(fresh, text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="_abcdeilmnorstuy0123456789", min_size=0, max_size=24))
def test_gated_gram_sum_is_the_plain_sum_to_the_bit(token: str) -> None:
    model = _DETECTOR.model
    assert _gram_sum_gated(model.grams, model.prefixes3, model.prefixes4, token) == _gram_sum(
        model.grams, token
    )


def test_gated_gram_sum_over_the_corpus_words() -> None:
    model = _DETECTOR.model
    words = {w for text in identity_corpus(1500, seed=3) for w in normalize(text).tokens}
    assert len(words) > 300
    for word in words:
        assert _gram_sum_gated(model.grams, model.prefixes3, model.prefixes4, word) == _gram_sum(
            model.grams, word
        )
    assert any(_gram_sum(model.grams, w) != 0.0 for w in words)  # the model's n-grams are reached


def test_fingerprint_cache_returns_what_it_would_compute() -> None:
    texts = identity_corpus(400, seed=8)
    first = [fingerprint(t) for t in texts]
    again = [fingerprint(t) for t in texts]  # from the cache
    assert first == again == [fingerprint_normalized(normalize(t)) for t in texts]
    assert any(fp is not None for fp in first)
    text = "one two three four five"
    assert fingerprint(text) is not None
    assert fingerprint(text, min_words=6) is None  # other sizes bypass the cache
