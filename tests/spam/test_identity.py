"""Pins every spam verdict and fingerprint over a generated corpus of ordinary and hostile messages: a
speed-up of the spam check must not change what it decides (scripts/check_spam_identity.py compares the
real data sets against a saved run). When a change to the rules or the model is meant to change verdicts,
update the digest below in the same commit and say why."""

from __future__ import annotations

import sys
from pathlib import Path

from bot.core.spam import SpamDetector
from tests.spam.identity_corpus import identity_corpus

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from check_spam_identity import digest, record

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
