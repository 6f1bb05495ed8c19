"""Train the learned sentiment correction, bot/core/scoring/data/sentiment_adjust.json (pure Python).

    python scripts/train_sentiment.py [--data DIR] [--validate] [--out PATH]

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

``--validate`` prints the figures: community-dev label right by 5-fold CV (fit on the outside data and four
folds, score the fifth), leave-niche-out (fit without a niche, score it), SmSA valid, and the shipped model's
in-sample figure on community-dev, labelled as such.
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
VADER_NEUTRAL = 0.5  # |mean rating| below this is neutral


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


@dataclass
class Doc:
    dense: tuple[float, ...]
    keys: frozenset[str]
    source: int
    label: int
    group: str = ""  # the niche of a community-dev row
    index: int = -1  # the row of community-dev


def read_community(path: Path) -> list[tuple[str, int, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
    return [(r[6].replace("\\n", "\n"), LABELS.index(r[1]), r[5]) for r in rows]


def read_smsa(path: Path) -> list[tuple[str, int]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [(r[0], _SMSA_LABELS[r[1].strip()]) for r in csv.reader(f, delimiter="\t") if len(r) >= 2]


def read_vader(path: Path) -> list[tuple[str, int]]:
    rows = []
    with path.open(encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3:
                rating = float(parts[1])
                label = 1 if abs(rating) < VADER_NEUTRAL else (2 if rating > 0 else 0)
                rows.append(("\t".join(parts[2:]), label))
    return rows


def featurise(scorer: Scorer, text: str, source: int, label: int, group: str = "", index: int = -1) -> Doc:
    _, dense, keys = scorer.features(clean_for_scoring(text))
    return Doc(dense, frozenset(keys), source, label, group, index)


def load(data: Path) -> tuple[list[Doc], list[Doc], list[Doc]]:
    """community-dev, the outside training rows (SmSA train, VADER snippets), SmSA valid."""
    scorer = Scorer(learned=False)
    community = [
        featurise(scorer, text, 0, label, niche, i)
        for i, (text, label, niche) in enumerate(read_community(data / "community-dev" / "dev.tsv"))
    ]
    outside = [featurise(scorer, t, 1, y) for t, y in read_smsa(data / "id-smsa" / "train.tsv")]
    for name in VADER_DEV:
        outside += [featurise(scorer, t, 2, y) for t, y in read_vader(data / "en-vader-groundtruth" / name)]
    valid = [featurise(scorer, t, 1, y) for t, y in read_smsa(data / "id-smsa" / "valid.tsv")]
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
        return {
            "about": "scripts/train_sentiment.py; logits of positive and negative against neutral",
            "bias": [round(p[0], 5), round(n[0], 5)],
            "dense": {name: [round(p[k + i], 5), round(n[k + i], 5)] for i, name in enumerate(DENSE)},
            "classes": {
                c[len(CLASS_PREFIX) :]: [round(p[base + i], 5), round(n[base + i], 5)]
                for i, c in enumerate(self.classes)
            },
            "words": {
                w: [round(p[base + len(self.classes) + i], 4), round(n[base + len(self.classes) + i], 4)]
                for i, w in enumerate(self.words)
                if abs(p[base + len(self.classes) + i]) >= 5e-4
                or abs(n[base + len(self.classes) + i]) >= 5e-4
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


def predict(model: Model, doc: Doc) -> float:
    """The adjusted compound the shipped ``Adjuster`` would give (chat intercepts)."""
    k = len(SOURCES)
    P, N = model.P, model.N
    zp, zn = P[0], N[0]
    for j, x in enumerate(doc.dense):
        zp += P[k + j] * x
        zn += N[k + j] * x
    for j in model.sparse_ids(doc.keys):
        zp += P[j]
        zn += N[j]
    return adjusted_compound(zp, zn)


def right(model: Model, docs: Sequence[Doc]) -> int:
    names = ("negative", "neutral", "positive")
    return sum(sentiment_label(predict(model, d)) == names[d.label] for d in docs)


def rules_right(docs: Sequence[Doc]) -> int:
    names = ("negative", "neutral", "positive")
    return sum(sentiment_label(d.dense[0]) == names[d.label] for d in docs)


def validate(community: list[Doc], outside: list[Doc], valid: list[Doc], config: Config, folds: int) -> None:
    n = len(community)
    held = 0
    confusion: Counter[tuple[str, str]] = Counter()
    for k in range(folds):
        train = [d for d in community if d.index % folds != k]
        test = [d for d in community if d.index % folds == k]
        model = fit(outside + train, config)
        for d in test:
            got = sentiment_label(predict(model, d))[:3]
            held += got == LABELS[d.label]
            if got != LABELS[d.label]:
                confusion[(LABELS[d.label], got)] += 1
        print(
            f"  fold {k}: {right(model, test)}/{len(test)} right (rules alone {rules_right(test)})",
            flush=True,
        )
    print(
        f"community-dev label right, {folds}-fold CV: {100 * held / n:.1f}%"
        f" (rules alone {100 * rules_right(community) / n:.1f}%)"
    )
    print(
        "  errors (label -> predicted): "
        + ", ".join(f"{a}->{b} {c}" for (a, b), c in confusion.most_common())
    )
    niches = sorted({d.group for d in community})
    held = 0
    parts = []
    for niche in niches:
        train = [d for d in community if d.group != niche]
        test = [d for d in community if d.group == niche]
        model = fit(outside + train, config)
        r = right(model, test)
        held += r
        parts.append(f"{niche} {100 * r / len(test):.0f}%")
    print(f"community-dev label right, leave-niche-out: {100 * held / n:.1f}% ({', '.join(parts)})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--validate", action="store_true", help="print cross-validated figures")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    config = Config()
    start = time.process_time()
    community, outside, valid = load(args.data)
    print(
        f"featurised {len(community) + len(outside) + len(valid)} comments"
        f" in {time.process_time() - start:.0f}s"
    )
    if args.validate:
        validate(community, outside, valid, config, args.folds)
    model = fit(outside + community, config)
    print(
        f"SmSA valid label right: {100 * right(model, valid) / len(valid):.1f}%"
        f" (rules alone {100 * rules_right(valid) / len(valid):.1f}%)"
    )
    print(
        "community-dev label right, shipped model, IN-SAMPLE:"
        f" {100 * right(model, community) / len(community):.1f}%"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(model.export(), ensure_ascii=False, indent=0, sort_keys=True) + "\n", "utf-8"
    )
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
