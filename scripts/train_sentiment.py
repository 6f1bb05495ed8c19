"""Train the learned sentiment correction, bot/core/scoring/data/sentiment_adjust.json (pure Python).

    python scripts/train_sentiment.py [--data DIR] [--validate [--niches]] [--out PATH]

A 3-class logistic regression (neutral is the reference) over what ``Scorer.features`` reads from a comment
scored by the rules alone: the rules' compound, pos and neg, question shape, "!", laughter, length, language,
the cue-word classes of ``bot/core/scoring/adjust.py`` (hype, complaint, insult, praise, gameplay, request,
irony... from the hand-written lists) and word weights. Word weights have a strong L2 penalty and only words
found in at least ``MIN_OUTSIDE_DF`` comments of the outside sources get one, so a word one writer uses
cannot carry the model. Each source has its own intercepts; the shipped model uses the chat source's.

Sources, each weighted to a fixed total so that community-dev's rows do not dominate:
- IndoNLU SmSA ``train.tsv`` (Apache-2.0, IndoNLP/indonlu; Purwarianti & Crisdayanti 2019, Wilie et al.
  2020): 11,000 Indonesian comments and reviews, positive / neutral / negative. ``valid.tsv`` is reported;
  ``test.tsv`` is never read here.
- VADER's dev snippets (MIT, cjhutto/vaderSentiment; Hutto & Gilbert, ICWSM 2014): Amazon, movie and NYT
  snippets, mean rating; |rating| < 0.5 is neutral. The tweets (the test file) are never read here.
- community-dev (CC0, written for this project): 900 Discord-style messages with pos / neu / neg.

The gate ("do no harm", ``adjust.gated_compound``): the scorer keeps the rules' compound unless the model
gives another label at least the probability the gate asks to leave the rules' label (one value per label).
``--validate`` chooses it on out-of-fold predictions (5 folds over community-dev, the outside rows and SmSA
valid alike): among the gates that keep the negative F1 of the guards, VADER's snippets read by the tweets'
convention (negative when the mean rating < 0) and SmSA valid, within ``GUARD_TOLERANCE`` of the rules', the
one with the best community-dev accuracy. It prints community-dev label right by 5-fold CV (model and gate
chosen without the held-out fold), the guards' F1, with ``--niches`` leave-niche-out (fit without a niche,
score it), and the shipped model's in-sample figure on community-dev, labelled as such. Without
``--validate`` the gate is ``SHIPPED_GATE``. Word weights under ``MIN_WEIGHT`` are not shipped.

Last run: 80.8% by 5-fold CV (rules 73.8%), 81.9% leave-niche-out, gate (0.5, 0.0, 0.0); the guards hold
(snippets 0.556 against the rules' 0.540, SmSA valid 0.846 against 0.839) and SmSA test rises to 0.901, yet
the tweets' negative F1 falls to 0.883. The snippets (reviews, where the rules find 42% of the negatives) do
not predict the tweets (where they find 90%); a likely cause, not checked on the test file, is the chat-style
features ("!", laughter, length) learned from community-dev, which reviews rarely show. ``Scorer`` keeps the
correction off by default.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from operator import mul
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.core.scoring.adjust import (  # noqa: E402
    CLASS_PREFIX,
    CUE_CLASSES,
    DENSE,
    MODEL_FILE,
    Adjuster,
    adjusted_compound,
    class_table,
)
from bot.core.scoring.scorer import Scorer  # noqa: E402
from bot.core.scoring.thresholds import sentiment_label  # noqa: E402
from bot.core.text.clean import clean_for_scoring  # noqa: E402

OUT = REPO / "bot" / "core" / "scoring" / "data" / MODEL_FILE
VADER_DEV = ("amazonReviewSnippets_GroundTruth.txt", "movieReviewSnippets_GroundTruth.txt",
             "nytEditorialSnippets_GroundTruth.txt")  # fmt: skip
SOURCES = ("chat", "smsa", "vader")  # the shipped model uses the first source's intercepts
LABELS = ("neg", "neu", "pos")
_SMSA_LABELS = {"negative": 0, "neutral": 1, "positive": 2}
_NAMES = {"negative": 0, "neutral": 1, "positive": 2}
VADER_NEUTRAL = 0.5  # VADER snippets rated from this are positive
MIN_WEIGHT = 0.01  # smaller word weights are not shipped (a fifth of a per cent of probability at most)
SHIPPED_GATE = (0.5, 0.0, 0.0)  # without --validate: the gate --validate chose last


@dataclass(frozen=True)
class Config:
    """Weights of the sources (total per source) and the L2 penalties (per parameter)."""

    chat_total: float = 3000.0
    smsa_total: float = 3000.0
    vader_total: float = 3000.0
    l2_dense: float = 1.0
    l2_class: float = 10.0
    l2_word: float = 30.0
    min_outside_df: int = 3
    # VADER snippets rated below this are negative. The tweets' convention (0) was tried: 81.0% by CV with the
    # gate, but the gate then only just keeps the snippets' negative F1 (0.540, rules 0.540; -0.5: 0.556)
    vader_negative_below: float = -VADER_NEUTRAL


@dataclass
class Doc:
    dense: tuple[float, ...]
    keys: frozenset[str]
    source: int
    label: int
    negative: bool  # the guards' convention: SmSA and chat "negative", VADER mean rating < 0 (as the tweets)
    group: str = ""  # the niche of a community-dev row
    index: int = -1  # the row of community-dev (of the outside rows for the other sources)


def read_community(path: Path) -> list[tuple[str, int, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    return [(r[6].replace("\\n", "\n"), LABELS.index(r[1]), r[5]) for r in rows]


def read_smsa(path: Path) -> list[tuple[str, int]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [(r[0], _SMSA_LABELS[r[1].strip()]) for r in csv.reader(f, delimiter="\t") if len(r) >= 2]


def read_vader(path: Path) -> list[tuple[str, float]]:
    """(text, mean rating)."""
    rows = []
    with path.open(encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3:
                rows.append(("\t".join(parts[2:]), float(parts[1])))
    return rows


def vader_label(rating: float, negative_below: float) -> int:
    """Negative below ``negative_below``, positive from VADER_NEUTRAL, else neutral."""
    return 0 if rating < negative_below else (2 if rating >= VADER_NEUTRAL else 1)


def featurise(
    scorer: Scorer, text: str, source: int, label: int, negative: bool, group: str = "", index: int = -1
) -> Doc:
    _, dense, keys = scorer.features(clean_for_scoring(text))
    return Doc(dense, frozenset(keys), source, label, negative, group, index)


def load(data: Path, config: Config) -> tuple[list[Doc], list[Doc], list[Doc]]:
    """community-dev, the outside training rows (SmSA train, VADER snippets), SmSA valid."""
    scorer = Scorer(learned=False)
    community = [
        featurise(scorer, text, 0, label, label == 0, niche, i)
        for i, (text, label, niche) in enumerate(read_community(data / "community-dev" / "dev.tsv"))
    ]
    outside = [featurise(scorer, t, 1, y, y == 0) for t, y in read_smsa(data / "id-smsa" / "train.tsv")]
    for name in VADER_DEV:
        outside += [
            featurise(scorer, t, 2, vader_label(r, config.vader_negative_below), r < 0)
            for t, r in read_vader(data / "en-vader-groundtruth" / name)
        ]
    for i, d in enumerate(outside):
        d.index = i
    valid = [featurise(scorer, t, 1, y, y == 0) for t, y in read_smsa(data / "id-smsa" / "valid.tsv")]
    return community, outside, valid


# ---------------------------------------------------------------------------------------------- the model


class Model:
    """Parameters: per source (pos, neg) intercepts, then per feature (dense, class, word) a (pos, neg) pair,
    in two lists P and N. Features: 0..len(DENSE)-1 dense, then classes, then words."""

    def __init__(self, words: Sequence[str]) -> None:
        self.classes = [CLASS_PREFIX + c for c in CUE_CLASSES]
        self.words = list(words)
        names = [*self.classes, *self.words]
        self.sparse_index = {name: i for i, name in enumerate(names)}
        self.n_dense = len(DENSE)
        self.size = len(SOURCES) + self.n_dense + len(names)
        self.P = [0.0] * self.size
        self.N = [0.0] * self.size
        self.word_classes = class_table()

    def sparse_ids(self, keys: frozenset[str]) -> list[int]:
        """The parameter rows a comment's words and their cue classes switch on."""
        base = len(SOURCES) + self.n_dense
        ids = []
        index = self.sparse_index
        for key in keys:
            hit = index.get(key)
            if hit is not None and not key.startswith(CLASS_PREFIX):
                ids.append(base + hit)
            for name in self.word_classes.get(key, ()):
                ids.append(base + index[name])
        return ids

    def penalties(self, config: Config) -> list[float]:
        k = len(SOURCES)
        return (
            [0.0] * k
            + [config.l2_dense] * self.n_dense
            + [config.l2_class] * len(self.classes)
            + [config.l2_word] * len(self.words)
        )

    def export(self) -> dict[str, object]:
        k = len(SOURCES)
        p, n = self.P, self.N
        base = k + self.n_dense
        first = base + len(self.classes)
        return {
            "about": "scripts/train_sentiment.py; logits of positive and negative against neutral",
            "bias": [round(p[0], 5), round(n[0], 5)],
            "dense": {name: [round(p[k + i], 5), round(n[k + i], 5)] for i, name in enumerate(DENSE)},
            "classes": {
                c[len(CLASS_PREFIX) :]: [round(p[base + i], 5), round(n[base + i], 5)]
                for i, c in enumerate(self.classes)
            },
            "words": {
                w: [round(p[first + i], 3), round(n[first + i], 3)]
                for i, w in enumerate(self.words)
                if max(abs(p[first + i]), abs(n[first + i])) >= MIN_WEIGHT
            },
        }


def vocabulary(docs: Sequence[Doc], config: Config) -> list[str]:
    """Words with a weight of their own: found in at least ``min_outside_df`` outside comments."""
    df: Counter[str] = Counter()
    for d in docs:
        if d.source != 0:
            df.update(d.keys)
    return sorted(w for w, c in df.items() if c >= config.min_outside_df and not w.startswith(CLASS_PREFIX))


def fit(docs: Sequence[Doc], config: Config, *, iterations: int = 80) -> Model:
    """Weighted, L2-penalised softmax regression by L-BFGS."""
    model = Model(vocabulary(docs, config))
    k = len(SOURCES)
    nd = model.n_dense
    counts = Counter(d.source for d in docs)
    totals = (config.chat_total, config.smsa_total, config.vader_total)
    weight = [totals[d.source] / counts[d.source] for d in docs]
    ids = [model.sparse_ids(d.keys) for d in docs]
    src = [d.source for d in docs]
    y = [d.label for d in docs]
    dense_cols = [[d.dense[j] for d in docs] for j in range(nd)]
    inverse: list[list[int]] = [[] for _ in range(model.size)]
    for i, row in enumerate(ids):
        for j in row:
            inverse[j].append(i)
    lam = model.penalties(config)
    size = model.size
    n_docs = len(docs)

    def evaluate(theta: list[float]) -> tuple[float, list[float]]:
        P = theta[:size]
        N = theta[size:]
        zp = [P[s] for s in src]
        zn = [N[s] for s in src]
        for j in range(nd):
            col = dense_cols[j]
            wp, wn = P[k + j], N[k + j]
            if wp:
                zp = [a + wp * x for a, x in zip(zp, col, strict=True)]
            if wn:
                zn = [a + wn * x for a, x in zip(zn, col, strict=True)]
        loss = 0.0
        rp = [0.0] * n_docs
        rn = [0.0] * n_docs
        getp = P.__getitem__
        getn = N.__getitem__
        for i in range(n_docs):
            row = ids[i]
            a = zp[i] + sum(map(getp, row))
            b = zn[i] + sum(map(getn, row))
            top = a if a > b else b
            if top < 0.0:
                top = 0.0
            ea = math.exp(a - top)
            eb = math.exp(b - top)
            ec = math.exp(-top)
            total = ea + eb + ec
            w = weight[i]
            label = y[i]
            chosen = (eb, ec, ea)[label]
            loss -= w * math.log(chosen / total)
            rp[i] = w * (ea / total - (label == 2))
            rn[i] = w * (eb / total - (label == 0))
        gp = [0.0] * size
        gn = [0.0] * size
        for i in range(n_docs):
            gp[src[i]] += rp[i]
            gn[src[i]] += rn[i]
        for j in range(nd):
            gp[k + j] = sum(map(mul, rp, dense_cols[j]))
            gn[k + j] = sum(map(mul, rn, dense_cols[j]))
        for j in range(k + nd, size):
            rows = inverse[j]
            if rows:
                gp[j] = sum(map(rp.__getitem__, rows))
                gn[j] = sum(map(rn.__getitem__, rows))
        for j in range(size):
            lj = lam[j]
            if lj:
                pj, nj = P[j], N[j]
                loss += 0.5 * lj * (pj * pj + nj * nj)
                gp[j] += lj * pj
                gn[j] += lj * nj
        return loss, gp + gn

    theta = lbfgs(evaluate, [0.0] * (2 * size), iterations=iterations)
    model.P = theta[:size]
    model.N = theta[size:]
    return model


def lbfgs(f: object, x0: list[float], *, iterations: int, memory: int = 8, tol: float = 1e-5) -> list[float]:
    """Minimise ``f(x) -> (value, gradient)`` by L-BFGS with a backtracking (Armijo) line search."""
    evaluate = f  # typed loosely: a closure over the data
    x = x0
    fx, g = evaluate(x)  # type: ignore[operator]
    s_list: list[list[float]] = []
    y_list: list[list[float]] = []
    rho: list[float] = []
    g0 = math.sqrt(sum(v * v for v in g)) or 1.0
    for _ in range(iterations):
        q = list(g)
        alphas = []
        for s, yv, r in zip(reversed(s_list), reversed(y_list), reversed(rho), strict=True):
            a = r * sum(map(mul, s, q))
            alphas.append(a)
            q = [qi - a * yi for qi, yi in zip(q, yv, strict=True)]
        if s_list:
            gamma = sum(map(mul, s_list[-1], y_list[-1])) / sum(map(mul, y_list[-1], y_list[-1]))
        else:
            gamma = 1.0 / g0
        q = [gamma * v for v in q]
        for s, yv, r, a in zip(s_list, y_list, rho, reversed(alphas), strict=True):
            b = r * sum(map(mul, yv, q))
            q = [qi + (a - b) * si for qi, si in zip(q, s, strict=True)]
        direction = [-v for v in q]
        slope = sum(map(mul, g, direction))
        if slope >= 0:  # not a descent direction: restart from the gradient
            s_list.clear()
            y_list.clear()
            rho.clear()
            direction = [-v / g0 for v in g]
            slope = sum(map(mul, g, direction))
        step = 1.0
        while True:
            x_new = [xi + step * di for xi, di in zip(x, direction, strict=True)]
            f_new, g_new = evaluate(x_new)  # type: ignore[operator]
            if f_new <= fx + 1e-4 * step * slope or step < 1e-8:
                break
            step *= 0.5
        s = [a - b for a, b in zip(x_new, x, strict=True)]
        yv = [a - b for a, b in zip(g_new, g, strict=True)]
        sy = sum(map(mul, s, yv))
        if sy > 1e-12:
            s_list.append(s)
            y_list.append(yv)
            rho.append(1.0 / sy)
            if len(s_list) > memory:
                s_list.pop(0)
                y_list.pop(0)
                rho.pop(0)
        improvement = fx - f_new
        x, fx, g = x_new, f_new, g_new
        if math.sqrt(sum(v * v for v in g)) < tol * g0 or 0 <= improvement < 1e-7 * abs(fx):
            break
    return x


def logits(model: Model, doc: Doc) -> tuple[float, float]:
    """The positive and negative logits the shipped ``Adjuster`` would give (chat intercepts)."""
    k = len(SOURCES)
    P, N = model.P, model.N
    zp, zn = P[0], N[0]
    for j, x in enumerate(doc.dense):
        zp += P[k + j] * x
        zn += N[k + j] * x
    for j in model.sparse_ids(doc.keys):
        zp += P[j]
        zn += N[j]
    return zp, zn


# ------------------------------------------------------------------------------------------------ the gate

GATE_GRID = (0.0, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.01)  # 0: always, 1.01: never
GUARD_TOLERANCE = 0.002  # F1 the gate may lose against the rules on a guard set
_LABEL_NAMES = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class Move:
    """What the model would do to one comment: the rules' label, the model's label and its probability."""

    rules: int
    model: int
    p: float


def move(doc: Doc, z: tuple[float, float]) -> Move:
    label = _LABEL_NAMES.index(sentiment_label(adjusted_compound(*z)))
    top = max(z[0], z[1], 0.0)
    e = (math.exp(z[1] - top), math.exp(-top), math.exp(z[0] - top))
    return Move(_LABEL_NAMES.index(sentiment_label(doc.dense[0])), label, e[label] / sum(e))


def gated_label(m: Move, gate: Sequence[float]) -> int:
    return m.model if m.model != m.rules and m.p >= gate[m.rules] else m.rules


def accuracy(docs: Sequence[Doc], moves: Sequence[Move], gate: Sequence[float]) -> float:
    return sum(gated_label(m, gate) == d.label for d, m in zip(docs, moves, strict=True)) / len(docs)


def negative_f1(docs: Sequence[Doc], moves: Sequence[Move], gate: Sequence[float]) -> float:
    """F1 of "negative" against the guards' convention (``Doc.negative``)."""
    tp = fp = fn = 0
    for d, m in zip(docs, moves, strict=True):
        got = gated_label(m, gate) == 0
        tp += got and d.negative
        fp += got and not d.negative
        fn += d.negative and not got
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


RULES_ONLY = (1.01, 1.01, 1.01)


def guards(
    sets: Sequence[tuple[Sequence[Doc], Sequence[Move]]],
) -> list[tuple[float, float, float]]:
    """The gates that keep every guard set's negative F1 within ``GUARD_TOLERANCE`` of the rules'."""
    prepared = []
    for docs, moves in sets:
        # only the rows whose label the model would change depend on the gate
        movers = [(d.negative, m) for d, m in zip(docs, moves, strict=True) if m.model != m.rules]
        tp = sum(d.negative and m.rules == 0 for d, m in zip(docs, moves, strict=True))
        fp = sum(not d.negative and m.rules == 0 for d, m in zip(docs, moves, strict=True))
        fn = sum(d.negative and m.rules != 0 for d, m in zip(docs, moves, strict=True))
        floor = 2 * tp / (2 * tp + fp + fn) - GUARD_TOLERANCE
        prepared.append((movers, tp, fp, fn, floor))
    ok = []
    for g in ((a, b, c) for a in GATE_GRID for b in GATE_GRID for c in GATE_GRID):
        for movers, tp, fp, fn, floor in prepared:
            for negative, m in movers:
                if m.p >= g[m.rules]:
                    was, now = m.rules == 0, m.model == 0
                    if was != now:
                        step = 1 if now else -1
                        if negative:
                            tp += step
                            fn -= step
                        else:
                            fp += step
            if 2 * tp / (2 * tp + fp + fn) < floor:
                break
        else:
            ok.append(g)
    return ok


def best_gate(
    docs: Sequence[Doc], moves: Sequence[Move], allowed: Sequence[tuple[float, float, float]]
) -> tuple[float, float, float]:
    """The allowed gate with the best label accuracy on ``docs`` (the strictest among ties)."""
    return max(allowed, key=lambda g: (accuracy(docs, moves, g), g))


def out_of_fold(
    community: list[Doc], outside: list[Doc], valid: list[Doc], config: Config, folds: int
) -> tuple[list[Move], list[Move], list[Move]]:
    """Each row's move by a model fitted without its fold (community-dev, the outside rows and SmSA valid
    share the fold numbers ``index % folds``)."""
    z: dict[int, tuple[float, float]] = {}
    for k in range(folds):
        model = fit(
            [d for d in community if d.index % folds != k] + [d for d in outside if d.index % folds != k],
            config,
        )
        for d in (*community, *outside, *valid):
            if d.index % folds == k:
                z[id(d)] = logits(model, d)
        print(f"  fold {k} fitted", flush=True)
    return (
        [move(d, z[id(d)]) for d in community],
        [move(d, z[id(d)]) for d in outside],
        [move(d, z[id(d)]) for d in valid],
    )


def validate(
    community: list[Doc], outside: list[Doc], valid: list[Doc], config: Config, folds: int
) -> tuple[float, float, float]:
    """Print the cross-validated figures; return the gate chosen on all out-of-fold rows."""
    return report(community, outside, valid, out_of_fold(community, outside, valid, config, folds), folds)


def report(
    community: list[Doc],
    outside: list[Doc],
    valid: list[Doc],
    moves: tuple[list[Move], list[Move], list[Move]],
    folds: int,
) -> tuple[float, float, float]:
    """The figures of the out-of-fold moves; the gate chosen on all of them."""
    cd_moves, out_moves, valid_moves = moves
    docs: Sequence[Doc]
    chosen: Sequence[Move]
    snippets = [(d, m) for d, m in zip(outside, out_moves, strict=True) if d.source == 2]
    smsa = [(d, m) for d, m in zip(outside, out_moves, strict=True) if d.source == 1]
    guard_sets = [
        ([d for d, _ in snippets], [m for _, m in snippets]),
        (valid, valid_moves),
    ]
    allowed = guards(guard_sets)
    print(f"{len(allowed)} gates keep the guards (VADER snippets by the tweets' convention, SmSA valid)")
    held = 0
    for k in range(folds):
        train = [i for i, d in enumerate(community) if d.index % folds != k]
        test = [i for i, d in enumerate(community) if d.index % folds == k]
        gate = best_gate([community[i] for i in train], [cd_moves[i] for i in train], allowed)
        held += sum(gated_label(cd_moves[i], gate) == community[i].label for i in test)
        print(f"  fold {k}: gate {gate}")
    gate = best_gate(community, cd_moves, allowed)
    n = len(community)
    print(
        f"community-dev label right, {folds}-fold CV (model and gate): {100 * held / n:.1f}%"
        f" (rules alone {100 * accuracy(community, cd_moves, RULES_ONLY):.1f}%,"
        f" ungated model {100 * accuracy(community, cd_moves, (0.0, 0.0, 0.0)):.1f}%)"
    )
    for lang in ("en", "id"):
        rows = [i for i, d in enumerate(community) if (d.dense[8] == 0.0) == (lang == "en")]
        docs, chosen = [community[i] for i in rows], [cd_moves[i] for i in rows]
        print(
            f"  read as {lang}: {100 * accuracy(docs, chosen, gate):.1f}% with gate {gate}"
            f" (rules {100 * accuracy(docs, chosen, RULES_ONLY):.1f}%)"
        )
    for name, (docs, chosen) in (("VADER snippets", guard_sets[0]), ("SmSA valid", guard_sets[1]),
                                ("SmSA train", ([d for d, _ in smsa], [m for _, m in smsa]))):  # fmt: skip
        print(
            f"{name} negative F1, out of fold: gated {negative_f1(docs, chosen, gate):.3f},"
            f" rules {negative_f1(docs, chosen, RULES_ONLY):.3f},"
            f" ungated {negative_f1(docs, chosen, (0.0, 0.0, 0.0)):.3f}"
        )
    return gate


def leave_niche_out(community: list[Doc], outside: list[Doc], config: Config, gate: Sequence[float]) -> None:
    """Fit without one niche of community-dev, score that niche (the gate as chosen)."""
    n = len(community)
    niches = sorted({d.group for d in community})
    held = 0
    parts = []
    for niche in niches:
        test = [d for d in community if d.group == niche]
        model = fit(outside + [d for d in community if d.group != niche], config)
        r = sum(gated_label(move(d, logits(model, d)), gate) == d.label for d in test)
        held += r
        parts.append(f"{niche} {100 * r / len(test):.0f}%")
    print(
        f"community-dev label right, leave-niche-out (gate {gate}): {100 * held / n:.1f}%"
        f" ({', '.join(parts)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--validate", action="store_true", help="print cross-validated figures")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--niches", action="store_true", help="with --validate: also leave each niche out")
    args = parser.parse_args()
    config = Config()
    start = time.process_time()
    community, outside, valid = load(args.data, config)
    for i, d in enumerate(valid):
        d.index = i
    print(
        f"featurised {len(community) + len(outside) + len(valid)} comments"
        f" in {time.process_time() - start:.0f}s"
    )
    gate = validate(community, outside, valid, config, args.folds) if args.validate else SHIPPED_GATE
    if args.validate and args.niches:
        leave_niche_out(community, outside, config, gate)
    model = fit(outside + community, config)
    exported = model.export()
    exported["gate"] = list(gate)
    words = exported["words"]
    assert isinstance(words, dict)
    shipped = Adjuster(exported)  # what the scorer will read: small word weights dropped, rounded
    for name, docs in (("community-dev (IN-SAMPLE)", community), ("SmSA valid", valid)):
        moves = [move(d, shipped.logits(d.dense, d.keys)) for d in docs]
        print(
            f"{name}: label right {100 * accuracy(docs, moves, gate):.1f}%"
            f" (rules {100 * accuracy(docs, moves, RULES_ONLY):.1f}%), negative F1"
            f" {negative_f1(docs, moves, gate):.3f} (rules {negative_f1(docs, moves, RULES_ONLY):.3f})"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(dump(exported), "utf-8")
    print(f"wrote {args.out} ({len(words)} words, {args.out.stat().st_size // 1024} KiB)")
    return 0


def dump(exported: dict[str, object]) -> str:
    """JSON with one line per top-level key and per word (small diffs when the weights are rebuilt)."""
    lines = []
    for key in sorted(exported):
        value = exported[key]
        if key == "words" and isinstance(value, dict):
            entries = ",\n".join(
                f"{json.dumps(w, ensure_ascii=False)}: {json.dumps(v)}" for w, v in sorted(value.items())
            )
            lines.append(f'"words": {{\n{entries}\n}}')
        else:
            lines.append(f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False, sort_keys=True)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


if __name__ == "__main__":
    raise SystemExit(main())
