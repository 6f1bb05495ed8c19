"""The learned sentiment correction: its compound keeps the label of the most probable class, the gate keeps
the rules' compound unless the model is confident of another label, the shipped weights load, and the scorer
applies them only when asked (``learned=True``)."""

from __future__ import annotations

import pytest

from bot.core.scoring import Scorer, sentiment_label
from bot.core.scoring.adjust import DENSE, Adjuster, adjusted_compound, gated_compound, load_adjuster

GATE = (0.7, 0.6, 0.8)  # needed to leave negative, neutral, positive


@pytest.mark.parametrize(
    ("z_pos", "z_neg", "label"),
    [(2.0, -1.0, "positive"), (0.1, 0.0, "positive"), (-1.0, 2.0, "negative"), (-1.0, -1.0, "neutral"),
     (0.5, 0.45, "positive"), (-0.2, -0.1, "neutral")],
)  # fmt: skip
def test_adjusted_compound_has_the_most_probable_label(z_pos: float, z_neg: float, label: str) -> None:
    assert sentiment_label(adjusted_compound(z_pos, z_neg)) == label


@pytest.mark.parametrize(
    ("compound", "z_pos", "z_neg", "expected"),
    [
        (-0.3, -3.0, 1.0, -0.3),  # the model agrees (negative): the rules' value stays
        (-0.3, -3.0, -0.5, -0.3),  # neutral, p ~0.60 < 0.7 needed to leave negative
        (-0.3, -3.0, -3.0, None),  # neutral, p ~0.91: moved
        (0.0, -2.0, 0.2, 0.0),  # negative, p ~0.52 < 0.6 needed to leave neutral
        (0.0, -2.0, 1.0, None),  # negative, p ~0.71: moved
        (0.4, 1.0, 0.5, 0.4),  # the model agrees (positive)
        (0.4, -1.0, 1.2, 0.4),  # negative, p ~0.72 < 0.8 needed to leave positive
        (0.4, -1.0, 2.5, None),  # negative, p ~0.91: moved
    ],
)
def test_gate_keeps_the_rules_unless_the_model_is_confident(
    compound: float, z_pos: float, z_neg: float, expected: float | None
) -> None:
    got = gated_compound(compound, z_pos, z_neg, GATE)
    if expected is None:
        assert got == adjusted_compound(z_pos, z_neg)
        assert sentiment_label(got) != sentiment_label(compound)
    else:
        assert got == expected


def test_adjuster_sums_word_class_and_dense_weights() -> None:
    model = {
        "bias": [0.0, 0.0],
        "dense": {name: [1.0, 0.0] if name == "compound" else [0.0, 0.0] for name in DENSE},
        "classes": {"insult": [0.0, 2.0]},
        "words": {"stupid": [0.0, 1.0], "nice": [0.5, 0.0]},
        "gate": list(GATE),
    }
    adjuster = Adjuster(model)
    dense = (0.5,) + (0.0,) * (len(DENSE) - 1)
    assert adjuster.logits(dense, {"stupid", "nice", "unknown"}) == (1.0, 3.0)  # "stupid" is an insult too
    assert adjuster.gate == GATE


def test_shipped_model_loads_and_is_opt_in() -> None:
    adjuster = load_adjuster()
    assert adjuster is not None
    plain, learned = Scorer(), Scorer(learned=True)
    moved = 0
    texts = (
        "what time is the stream tomorrow?",
        "this goes hard fr",
        "the audio is so bad today",
        "gg we killed the raid boss",
        "I'm dead 💀 this clip",
        "suaranya kecil gak kedengeran",
    )
    for text in texts:
        rules_score, dense, keys = Scorer(learned=False).features(text)
        assert plain.score(text) == rules_score
        z_pos, z_neg = adjuster.logits(dense, keys)
        expected = gated_compound(rules_score.compound, z_pos, z_neg, adjuster.gate)
        got = learned.score(text).compound
        assert got == pytest.approx(expected, abs=1e-4)  # the word weights may be summed in another order
        moved += sentiment_label(got) != sentiment_label(rules_score.compound)
    assert moved  # the correction changes a label here
