"""The detector's one-pass scan is the trainer's named features, computed another way: same words, same cues,
same topics, same weights, same probability, on real and hostile texts."""

from __future__ import annotations

import csv
import math
import random
from pathlib import Path

import pytest

from bot.core.feedback import FeedbackDetector
from bot.core.feedback.detector import choose_topic, evidence_of
from bot.core.feedback.features import (
    FAMILIES,
    LIST_TOPICS,
    MAX_WORDS,
    QUESTION_BIT,
    TOPIC_SHIFT,
    features,
    match,
    match_words,
    matches_of,
    quiet_words,
    scan,
    silence,
    words,
)
from bot.core.feedback.model import load_model

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
TEXTS = [
    "going live at 7 and it's 9:40, every single time",
    "suaranya kecil gak kedengeran",
    "ga lucu bang, mic nya kresek kresek",
    "not the best stream tbh",
    "GARIIING BGT sumpahhh!!! 🙄🙄🙄",
    "lagi2 itu-itu aja… kok gitu?? ’cringe’",
    "Konten lama diupload lagi²",
    "I died to the boss 6 times 😭",
    "'",
    "İstanbul ÉCOLE naïve café\u200d\ufe0f\u3000x",
    "what?!?! why do you always do this",
    "Wkkwwkkwwk mana ada kepiting gitu 😂 awokawok hehehe",
    "𝘒𝘢𝘺𝘢 𝘷𝘪𝘥𝘦𝘰 𝘭𝘢𝘮𝘢, kameranya goyang, editannya jelek",
]


def _texts() -> list[str]:
    texts = list(TEXTS)
    path = DATA / "community-dev" / "dev.tsv"
    if path.is_file():
        with path.open(encoding="utf-8", newline="") as f:
            texts += [r["text"] for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]
    rnd = random.Random(12)
    alphabet = [*"aAgGkKoOlL  '’-?!.,…“”²2😭🙄🔥İÉé_\u200d\ufe0f\u3000\xa0", "not ", "ga ", "lucu "]
    alphabet += ["lagi2 ", "bang ", "mic nya ", "every single time ", "kresek ", "best ", "sooo ", "''"]
    alphabet += ["wkwk", "ha", "awok", "suaranya ", "𝘷𝘪𝘥𝘦𝘰 ", "ｍｅｈ", "ﬁ", "meh "]
    for i in range(3000):
        texts.append("".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 30 if i < 2900 else 1200))))
    return [t for t in texts if t.strip()]


def test_the_scan_finds_what_the_named_features_hold(detector: FeedbackDetector) -> None:
    weights = load_model()["weights"]
    for text in _texts():
        found = match(text)
        x = features(found, -0.3, 0.2)
        mask, hits, negated, z_words, seq = scan(text, detector.lexicon, detector._vocab)
        assert [w for w, _ in seq] == found.words and len(seq) <= MAX_WORDS, text
        assert {f for i, f in enumerate(FAMILIES) if mask >> i & 1} == set(found.hits), text
        assert bool(mask & QUESTION_BIT) == ("?" in found.words)
        assert matches_of(hits, seq) == found, text  # the evidence and topic come from these
        named = {t for i, t in enumerate(LIST_TOPICS) if mask >> (TOPIC_SHIFT + i) & 1}
        assert named == set(found.topic_hits), text
        assert negated == bool(found.negated_praise), text
        expected = sum(weights.get(k, 0.0) for k in x if k.startswith(("w=", "b=")))
        assert z_words == pytest.approx(expected, abs=1e-9), text


@pytest.mark.parametrize(("compound", "neg"), [(-0.6, 0.4), (0.0, 0.0), (0.8, 0.0)])
def test_assess_gives_the_trainers_probability_and_topic(
    detector: FeedbackDetector, compound: float, neg: float
) -> None:
    model = load_model()
    weights, bias = model["weights"], model["bias"]
    for text in _texts():
        found = match(text)
        x = features(found, compound, neg)
        z = bias + sum(weights.get(k, 0.0) * v for k, v in x.items() if k != "bias")
        p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
        verdict = detector.assess(text, compound, neg)
        assert verdict.probability == pytest.approx(p, abs=5.1e-5), text  # assess rounds to 4 places
        assert verdict.topic == choose_topic(found), text
        if verdict.probability >= detector.floor:
            assert verdict.evidence == evidence_of(found, verdict.topic), text
        assert detector.probability(found, compound, neg) == pytest.approx(p, abs=1e-9)


def test_words_are_the_same_however_the_text_is_cut() -> None:
    """The scan splits at ASCII first and normalises each piece with words(); that must be words() of the
    whole text (the vocabulary of a fresh detector and of a warm one agree too)."""
    fresh, warm = FeedbackDetector(), FeedbackDetector()
    texts = _texts()
    for text in texts:
        scan(text, warm.lexicon, warm._vocab)
    for text in texts:
        assert scan(text, fresh.lexicon, fresh._vocab) == scan(text, warm.lexicon, warm._vocab), text
    assert words("SOOO gooood‼ it’s ‘fine’") == ["so", "god", "!", "!", "it's", "fine"]  # ‼ is NFKC "!!"


def test_quiet_words_are_blanked_the_same_way_in_both_paths(detector: FeedbackDetector) -> None:
    """A server's own positive/neutral words: the scan with ``quiet`` is the trainer's features of the words
    with those words blanked."""
    model = load_model()
    weights, bias = model["weights"], model["bias"]
    quiet = frozenset({"Meh", "lucu", "kresek", "bang", "every", "not funny"})
    assert quiet_words(quiet) == {"meh", "lucu", "kresek", "bang", "every"}
    for text in _texts()[:1500]:
        found = match_words(silence(words(text), quiet_words(quiet)))
        x = features(found, -0.2, 0.1)
        z = bias + sum(weights.get(k, 0.0) * v for k, v in x.items() if k != "bias")
        p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
        verdict = detector.assess(text, -0.2, 0.1, quiet)
        assert verdict.probability == pytest.approx(p, abs=5.1e-5), text
        assert verdict.topic == choose_topic(found), text
        if verdict.probability >= detector.floor:
            assert verdict.evidence == evidence_of(found, verdict.topic), text
