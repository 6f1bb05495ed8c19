"""The learned sentiment correction: its compound keeps the label of the most probable class, the shipped
weights load, and the scorer applies them only when asked."""

from __future__ import annotations

import pytest

from bot.core.scoring import Scorer, sentiment_label
from bot.core.scoring.adjust import DENSE, Adjuster, adjusted_compound, load_adjuster


@pytest.mark.parametrize(
    ("z_pos", "z_neg", "label"),
    [(2.0, -1.0, "positive"), (0.1, 0.0, "positive"), (-1.0, 2.0, "negative"), (-1.0, -1.0, "neutral"),
     (0.5, 0.45, "positive"), (-0.2, -0.1, "neutral")],
)  # fmt: skip
def test_adjusted_compound_has_the_most_probable_label(z_pos: float, z_neg: float, label: str) -> None:
    assert sentiment_label(adjusted_compound(z_pos, z_neg)) == label


def test_adjuster_sums_word_class_and_dense_weights() -> None:
    model = {
        "bias": [0.0, 0.0],
        "dense": {name: [1.0, 0.0] if name == "compound" else [0.0, 0.0] for name in DENSE},
        "classes": {"insult": [0.0, 2.0]},
        "words": {"stupid": [0.0, 1.0], "nice": [0.5, 0.0]},
    }
    adjuster = Adjuster(model)
    dense = (0.5,) + (0.0,) * (len(DENSE) - 1)
    assert adjuster.logits(dense, {"stupid", "nice", "unknown"}) == (1.0, 3.0)  # "stupid" is an insult too


def test_shipped_model_loads_and_is_opt_in() -> None:
    assert load_adjuster() is not None
    text = "what time is the stream tomorrow?"
    plain, learned = Scorer(), Scorer(learned=True)
    rules_score, dense, keys = Scorer(learned=False).features(text)
    assert plain.score(text) == rules_score
    adjuster = load_adjuster()
    assert adjuster is not None
    assert learned.score(text).compound == adjusted_compound(*adjuster.logits(dense, keys))
