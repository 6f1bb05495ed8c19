"""scripts/build_id_lexicon.py learns signed VADER-scale weights and honours negation."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_id_lexicon.py"


@pytest.fixture(scope="module")
def build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_id_lexicon", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_id_lexicon"] = module
    spec.loader.exec_module(module)
    return module


def test_learns_polarity_from_labelled_comments(build: ModuleType) -> None:
    negative = ["filmnya zonk parah", "zonk banget", "zonk dan lambat", "acaranya zonk"] * 5
    positive = ["filmnya ciamik", "ciamik sekali", "acaranya ciamik", "tidak zonk kok"] * 5
    docs = [build.canonical_tokens(t) for t in negative + positive]
    labels = [True] * len(negative) + [False] * len(positive)
    weights = build.train(docs, labels, build.Params(l2=1.0, min_df=2, epochs=150))
    assert weights["zonk"] < -0.5
    assert weights["ciamik"] > 0.5
    assert "tidak" not in weights and "banget" not in weights  # modifiers are rules, not words


def test_negated_context_counts_against_the_word(build: ModuleType) -> None:
    feats = build.document_features(["tidak", "zonk"], {"zonk": "zonk"})
    assert feats["zonk"] == pytest.approx(-0.74)
    feats = build.document_features(["bagus", "tapi", "zonk"], {"zonk": "zonk", "bagus": "bagus"})
    assert feats == {"bagus": pytest.approx(0.5), "zonk": pytest.approx(1.5)}


def test_shipped_lexicon_loads(build: ModuleType) -> None:
    from bot.core.scoring.scorer import load_id_lexicon

    lexicon = load_id_lexicon()
    assert len(lexicon) > 1000
    assert all(-4.0 <= v <= 4.0 for v in lexicon.values())
    assert lexicon["kecewa"] < -2 and lexicon["mantap"] > 1


def test_missing_data_is_not_an_error(
    build: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert build.main(["--data", str(tmp_path), "--out", str(tmp_path / "x.tsv")]) == 0
    assert not (tmp_path / "x.tsv").exists()
    assert "not found" in capsys.readouterr().err


def test_neutral_words_digits_and_english_function_words_are_not_learned(build: ModuleType) -> None:
    for token in ("berapa", "jawa", "besok", "eh", "20k", "the", "my"):
        assert not build.is_feature_word(token)
    assert build.is_feature_word("zonk")
    assert build.canonical_tokens("salah satu menu") == ["_", "_", "menu"]  # "one of", not "wrong"


def test_sign_check_reverts_words_their_comments_do_not_back(build: ModuleType) -> None:
    shares = {"pesta": (-0.2, 0.05), "zonk": (0.3, 0.05), "langka": (0.02, 0.2)}
    raw = {"pesta": -0.8, "zonk": -1.5, "langka": -0.9}  # "pesta" mostly in positive comments
    params = build.Params(sign_check=True, sign_z=1.0)
    pruned = build.prune(raw, params, shares)
    assert "pesta" not in pruned and "langka" not in pruned  # back to seed 0 -> pruned
    assert pruned["zonk"] == -1.5
    assert build.prune(raw, build.Params(sign_check=False), shares) == raw
