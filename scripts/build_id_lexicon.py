"""Rebuild bot/core/scoring/lexicons/id_lexicon.tsv: Indonesian word weights learned from IndoNLU SmSA
train.tsv.

    python scripts/build_id_lexicon.py [--data DIR] [--out FILE] [--tune]

How the weights are learned
- Each comment is tokenised and normalised exactly like the scorer does (informal spellings, reduplication);
  rare words are mapped to a known root with the same affix stripping the scorer uses.
- Every content word becomes a feature whose value mimics VADER's rules: 1 per occurrence, times VADER's
  negation scalar (-0.74) when an Indonesian or English negator is among the three preceding words (-0.6
  for "kurang"), times 0.5 / 1.5 before / after a contrastive conjunction ("tapi", "namun", "but").
- A logistic regression (negative vs. not negative) is fitted over those features with an L2 penalty that
  pulls each weight towards its seed value: the hand-written weight (``indonesian.HAND_LEXICON``, also for
  affixed forms of a hand-written root: "kekecewaan" starts from "kecewa"), else VADER's English weight
  for English words in Indonesian comments, else 0. One logit is one point on
  VADER's -4..+4 scale, so a learned weight is directly a VADER valence; VADER's own machinery then
  combines the weights with negators, degree words and punctuation at scoring time.
- Words seen in fewer than ``--min-df`` comments are dropped, weights below ``--min-weight`` are pruned,
  and the rest are clipped to [-4, 4].

Tune with ``--tune`` (SmSA valid.tsv only; test.tsv is never read here). Source: IndoNLU SmSA (Apache-2.0),
Purwarianti & Crisdayanti 2019; Wilie et al. 2020.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import math
import random
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from vaderSentiment.vaderSentiment import BOOSTER_DICT, N_SCALAR, NEGATE, SentimentIntensityAnalyzer  # noqa: E402

from bot.core.scoring import indonesian  # noqa: E402
from bot.core.scoring.evaluate import best_threshold, flag_metrics  # noqa: E402
from bot.core.scoring.language import EN_STOPWORDS  # noqa: E402
from bot.core.scoring.scorer import Scorer  # noqa: E402
from bot.core.scoring.thresholds import DEFAULT_FLAG_THRESHOLD  # noqa: E402
from bot.core.text.clean import clean_for_scoring  # noqa: E402

DEFAULT_OUT = REPO / "bot" / "scoring" / "lexicons" / "id_lexicon.tsv"
NEGATORS = frozenset(NEGATE) | indonesian.NEGATORS
MODIFIERS = (
    NEGATORS
    | set(BOOSTER_DICT)
    | set(indonesian.PRE_BOOSTERS)
    | set(indonesian.POST_BOOSTERS)
    | set(indonesian.WEAK_NEGATORS)
    | indonesian.CONTRAST
)
_VADER_WORDS = frozenset(SentimentIntensityAnalyzer().lexicon)
# English function words in Indonesian comments ("the", "my", "to") carry no sentiment; those VADER rates
# ("like", "yes", "lol") are kept and learned like any other word
_EN_FUNCTION_WORDS = EN_STOPWORDS - _VADER_WORDS


@dataclass(frozen=True)
class Params:
    l2: float = 1.0
    min_df: int = 2
    epochs: int = 150
    neg_weight: float = 1.3
    min_weight: float = 0.05
    scale: float = 1.0
    support: float = 0.0
    sign_check: bool = True
    sign_z: float = 1.0


def read_smsa(path: Path) -> list[tuple[str, bool]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [
            (row[0], row[1].strip() == "negative") for row in csv.reader(f, delimiter="\t") if len(row) >= 2
        ]


def canonical_tokens(text: str) -> list[str]:
    out: list[str] = []
    for word in clean_for_scoring(text).lower().split():
        stripped = word.strip(".,!?;:\"'()[]{}")
        if not stripped:
            continue
        out.extend(indonesian.normalize_word(stripped).split())
    # neutral phrases ("salah satu") are one token for the scorer; here they are no feature at all
    for i in range(len(out) - 1):
        if f"{out[i]} {out[i + 1]}" in indonesian.NEUTRAL_PHRASES:
            out[i] = out[i + 1] = "_"
    return out


def is_feature_word(token: str) -> bool:
    return (
        token not in MODIFIERS
        and token not in indonesian.STOPWORDS
        and token not in indonesian.NEUTRAL_WORDS
        and token not in _EN_FUNCTION_WORDS
        and not indonesian.is_laughter(token)
        and any(c.isalpha() for c in token)
        and not any(c.isdigit() for c in token)  # prices, counts, "2x": topical, not sentiment
        and len(token) > 1
    )


def document_features(tokens: Sequence[str], key_of: dict[str, str | None]) -> dict[str, float]:
    contrast_at = next((i for i, t in enumerate(tokens) if t in indonesian.CONTRAST), None)
    feats: dict[str, float] = {}
    for i, token in enumerate(tokens):
        key = key_of.get(token)
        if key is None:
            continue
        m = 1.0
        for k in (1, 2, 3):
            j = i - k
            if j < 0:
                break
            prev = tokens[j]
            if prev in NEGATORS:
                m *= N_SCALAR
            elif prev in indonesian.WEAK_NEGATORS:
                m *= indonesian.WEAK_NEGATORS[prev]
        if contrast_at is not None and i != contrast_at:
            m *= 0.5 if i < contrast_at else 1.5
        feats[key] = feats.get(key, 0.0) + m
    return feats


def build_keys(docs: Iterable[list[str]], min_df: int) -> dict[str, str | None]:
    df: Counter[str] = Counter()
    for tokens in docs:
        df.update({t for t in tokens if is_feature_word(t)})
    known = {t for t, c in df.items() if c >= min_df} | set(indonesian.HAND_LEXICON)
    key_of: dict[str, str | None] = {}
    for token in df:
        if token in known:
            key_of[token] = token
        else:
            key_of[token] = indonesian.find_root(token, known) if len(token) >= 5 else None
    return key_of


def seed_weight(word: str, vader: dict[str, float]) -> float:
    """The value a weight is pulled towards: hand-written (also through the word's root), else VADER's."""
    hand = indonesian.HAND_LEXICON
    if word in hand:
        return hand[word]
    if len(word) >= 5 and word.isalpha():
        root = indonesian.find_root(word, hand)
        if root is not None:
            return hand[root]
    return vader.get(word, 0.0)


def train(docs: list[list[str]], labels: list[bool], params: Params) -> dict[str, float]:
    """Learn the weights and prune the negligible ones (see ``prune``)."""
    return prune(fit(docs, labels, params), params, negative_shares(docs, labels, params.min_df))


def negative_shares(docs: list[list[str]], labels: list[bool], min_df: int) -> dict[str, tuple[float, float]]:
    """For every feature: how much more often than average its comments are negative, and the standard
    error of that difference."""
    key_of = build_keys(docs, min_df)
    seen: Counter[str] = Counter()
    negative: Counter[str] = Counter()
    for tokens, neg in zip(docs, labels, strict=True):
        keys = {k for k in (key_of.get(t) for t in tokens) if k is not None}
        seen.update(keys)
        if neg:
            negative.update(keys)
    base = sum(labels) / max(len(labels), 1)
    spread = base * (1.0 - base)
    return {k: (negative[k] / c - base, math.sqrt(spread / c)) for k, c in seen.items()}


def fit(docs: list[list[str]], labels: list[bool], params: Params) -> dict[str, float]:
    """Every feature's learned weight (times ``params.scale``, clipped to [-4, 4]), before pruning."""
    key_of = build_keys(docs, params.min_df)
    vocab: dict[str, int] = {}
    rows: list[tuple[list[int], list[float]]] = []
    support: list[int] = []  # comments each feature occurs in
    for tokens in docs:
        feats = document_features(tokens, key_of)
        idx = []
        for key in feats:
            col = vocab.setdefault(key, len(vocab))
            if col == len(support):
                support.append(0)
            support[col] += 1
            idx.append(col)
        rows.append((idx, list(feats.values())))
    names = list(vocab)
    # the pull towards the seed is stronger for rarely seen words: l2 * (1 + support / comments seen in), so a
    # word seen in a handful of comments needs a consistent label to move far from its seed
    penalty = [params.l2 * (1.0 + params.support / c) for c in support]
    vader = SentimentIntensityAnalyzer().lexicon
    prior = [seed_weight(k, vader) for k in names]
    u = list(prior)
    b = 0.0
    y = [1.0 if neg else 0.0 for neg in labels]
    cw = [params.neg_weight if neg else 1.0 for neg in labels]
    # full-batch Adam on: sum cw * logloss(sigmoid(b - u.x)) + sum_k penalty_k/2 * (u_k - prior_k)^2
    m_u = [0.0] * len(u)
    v_u = [0.0] * len(u)
    m_b = v_b = 0.0
    lr, beta1, beta2, eps = 0.05, 0.9, 0.999, 1e-8
    n = len(rows)
    for epoch in range(1, params.epochs + 1):
        grad = [penalty[k] * (u[k] - prior[k]) / n for k in range(len(u))]
        grad_b = 0.0
        for (idx, vals), target, weight in zip(rows, y, cw, strict=True):
            z = b
            for k, x in zip(idx, vals, strict=True):
                z -= u[k] * x
            p = 1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0
            g = weight * (p - target) / n
            grad_b += g
            for k, x in zip(idx, vals, strict=True):
                grad[k] -= g * x
        for k in range(len(u)):
            m_u[k] = beta1 * m_u[k] + (1 - beta1) * grad[k]
            v_u[k] = beta2 * v_u[k] + (1 - beta2) * grad[k] * grad[k]
            u[k] -= lr * (m_u[k] / (1 - beta1**epoch)) / (math.sqrt(v_u[k] / (1 - beta2**epoch)) + eps)
        m_b = beta1 * m_b + (1 - beta1) * grad_b
        v_b = beta2 * v_b + (1 - beta2) * grad_b * grad_b
        b -= lr * (m_b / (1 - beta1**epoch)) / (math.sqrt(v_b / (1 - beta2**epoch)) + eps)
    print(f"  trained {len(u)} features, intercept {b:+.3f}", file=sys.stderr)
    return {name: max(-4.0, min(4.0, value * params.scale)) for name, value in zip(names, u, strict=True)}


def prune(
    raw: dict[str, float], params: Params, shares: dict[str, tuple[float, float]] | None = None
) -> dict[str, float]:
    """Drop weights below ``params.min_weight``: small learned weights are mostly topic, not sentiment.

    English words keep their learned weight even when it is ~0 ("sore" is "afternoon" in Indonesian),
    otherwise the scorer would fall back to VADER's English value; so do hand-written words. A pruned word
    that the scorer's affix stripping would map to another listed word ("keluar" -> "luar") is kept as 0.0.

    With ``params.sign_check`` (and ``shares`` from ``negative_shares``), a learned word whose comments do
    not back its sign (they are not more negative, or more positive, than average by ``params.sign_z``
    standard errors) goes back to its seed (usually 0): "martabak" or "ramen" occur mostly in positive
    reviews, but the regression makes them negative to offset the praise words beside them ("explaining
    away"), and a word seen in three comments proves nothing; in chat they would flag "resep martabak ada di
    deskripsi?". Hand-written words are left alone.
    """
    if params.sign_check and shares is not None:
        vader = SentimentIntensityAnalyzer().lexicon
        raw = {
            name: seed_weight(name, vader) if _contradicted(name, w, shares, params.sign_z) else w
            for name, w in raw.items()
        }
    weights: dict[str, float] = {}
    dropped: list[str] = []
    for name, w in raw.items():
        if abs(w) >= params.min_weight or name in indonesian.HAND_LEXICON or name in _VADER_WORDS:
            weights[name] = round(w, 3)
        else:
            dropped.append(name)
    known = merged(weights)
    for name in dropped:
        if len(name) >= 5 and name.isalpha() and indonesian.find_root(name, known) is not None:
            weights[name] = 0.0
    return weights


def _contradicted(name: str, weight: float, shares: dict[str, tuple[float, float]], z: float) -> bool:
    """The word's comments do not back its sign: opposite, or within ``z`` standard errors of average."""
    if name in indonesian.HAND_LEXICON or name not in shares:
        return False
    share, stderr = shares[name]
    return weight * share > 0 or abs(share) < z * stderr


def merged(learned: dict[str, float]) -> dict[str, float]:
    return {**indonesian.HAND_LEXICON, **learned}


def evaluate(lexicon: dict[str, float], data: list[tuple[str, bool]]) -> tuple[float, float, float]:
    scorer = Scorer(id_lexicon=lexicon)
    compounds = [scorer.score(clean_for_scoring(text)).compound for text, _ in data]
    labels = [neg for _, neg in data]
    at_default = flag_metrics(compounds, labels, DEFAULT_FLAG_THRESHOLD)
    best = best_threshold(compounds, labels)
    return at_default.f1, best.f1, best.threshold


def write_lexicon(path: Path, learned: dict[str, float], params: Params, n_docs: int) -> None:
    lines = [
        "# Indonesian word weights on VADER's -4..+4 scale, learned by scripts/build_id_lexicon.py",
        f"# from IndoNLU SmSA train.tsv ({n_docs} comments; Apache-2.0; Purwarianti & Crisdayanti 2019,",
        "# Wilie et al. 2020). Do not edit by hand: change the script or HAND_LEXICON and rebuild.",
        f"# params: l2={params.l2} min_df={params.min_df} epochs={params.epochs}"
        f" neg_weight={params.neg_weight} min_weight={params.min_weight} scale={params.scale}"
        f" support={params.support} sign_check={params.sign_check} sign_z={params.sign_z}",
    ]
    for word in sorted(learned):
        lines.append(f"{word}\t{learned[word]:.3f}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--tune", action="store_true", help="grid-search on valid.tsv, write nothing")
    parser.add_argument("--l2", type=float, default=Params.l2)
    parser.add_argument("--min-df", type=int, default=Params.min_df)
    parser.add_argument("--epochs", type=int, default=Params.epochs)
    parser.add_argument("--neg-weight", type=float, default=Params.neg_weight)
    parser.add_argument("--scale", type=float, default=Params.scale)
    parser.add_argument("--min-weight", type=float, default=Params.min_weight)
    parser.add_argument("--support", type=float, default=Params.support)
    parser.add_argument("--sign-z", type=float, default=Params.sign_z)
    parser.add_argument("--no-sign-check", action="store_true")
    args = parser.parse_args(argv)
    smsa = args.data / "id-smsa"
    if not (smsa / "train.tsv").exists():
        print(f"SmSA data not found under {smsa}; nothing to do", file=sys.stderr)
        return 0
    train_rows = read_smsa(smsa / "train.tsv")
    valid_rows = read_smsa(smsa / "valid.tsv")
    docs = [canonical_tokens(text) for text, _ in train_rows]
    labels = [neg for _, neg in train_rows]
    base = Params(
        args.l2,
        args.min_df,
        args.epochs,
        args.neg_weight,
        args.min_weight,
        args.scale,
        args.support,
        not args.no_sign_check,
        args.sign_z,
    )
    valid_neutral = read_smsa_neutral(smsa / "valid.tsv")
    random.seed(0)
    if args.tune:
        for l2, support, min_df in itertools.product((1.0, 3.0), (0.0, 30.0), (2, 3)):
            start = time.perf_counter()
            params = replace(base, l2=l2, support=support, min_df=min_df)
            raw = fit(docs, labels, params)
            shares = negative_shares(docs, labels, min_df)
            for min_weight, sign_z in itertools.product((0.05, 0.2), (-1.0, 0.0, 0.5, 1.0)):
                params = replace(
                    params, min_weight=min_weight, sign_check=sign_z >= 0, sign_z=max(sign_z, 0.0)
                )
                learned = prune(raw, params, shares)
                print(
                    f"{params}: {report(merged(learned), valid_rows, valid_neutral)} "
                    f"({len(learned)} words, {time.perf_counter() - start:.0f}s)"
                )
        return 0
    learned = train(docs, labels, base)
    write_lexicon(args.out, learned, base, len(docs))
    print(f"wrote {len(learned)} words to {args.out}; {report(merged(learned), valid_rows, valid_neutral)}")
    return 0


def read_smsa_neutral(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter="\t")
        return [row[0] for row in rows if len(row) >= 2 and row[1].strip() == "neutral"]


def report(lexicon: dict[str, float], valid: list[tuple[str, bool]], neutral: list[str]) -> str:
    """Valid F1 of the flag, and the share of valid comments labelled neutral that get flagged."""
    f1_default, f1_best, t_best = evaluate(lexicon, valid)
    scorer = Scorer(id_lexicon=lexicon)
    flagged = sum(scorer.score(clean_for_scoring(t)).compound <= DEFAULT_FLAG_THRESHOLD for t in neutral)
    return (
        f"valid F1 {f1_default:.4f} at {DEFAULT_FLAG_THRESHOLD:+.2f}, best {f1_best:.4f} at {t_best:+.2f}, "
        f"neutral flagged {flagged / max(len(neutral), 1):.3f}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
