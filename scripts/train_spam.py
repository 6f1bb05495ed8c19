"""Train the small spam model shipped in bot/core/spam/data/spam_model.json (pure Python, no numpy/sklearn).

Trains a logistic regression over the features of :mod:`bot.core.spam.features` from the DEV files only:

- id-judol-youtube/dev.tsv — Indonesian YouTube comments labelled for online-gambling promotion
  (gbennnn/judol-comment-classification, MIT)
- en-youtube-spam/dev.tsv — UCI YouTube Spam Collection, Psy/KatyPerry/LMFAO videos
  (Alberto, Lochter & Almeida, ICMLA 2015, CC BY 4.0)

To teach the model what ordinary text looks like (so it does not learn "Indonesian review prose" or "English
function words" as spam), it also reads non-spam text from the train/dev side of two other corpora as extra
negatives (``--no-extra-negatives`` turns this off):

- id-smsa/train.tsv — IndoNLU SmSA (Apache-2.0; Purwarianti & Crisdayanti 2019, Wilie et al. 2020)
- en-vader-groundtruth Amazon, movie and NYT snippets (VADER's dev corpora, MIT; Hutto & Gilbert, ICWSM 2014)

None of these is informal chat, so the trainer also reads scripts/data/chat_negatives.txt: ordinary Discord
and Twitter-style messages written for this project (English, Indonesian and mixed; links, "check this out",
questions about the creator's pages, slot machines in games, creator giveaways). Four fifths of it are
negatives in validation, the fifth chosen by a hash of the text is a held-out false-positive check.

The test files are never read here; id-smsa/valid.tsv is only used for the held-out false-positive check.
The #markers (the hand-written evidence of bot.core.spam.rules) get a lighter L2 penalty than words
(``--marker-l2``) so they keep their weight on videos whose vocabulary the model has not seen.

``--validate`` first reports held-out figures with the detector's full decision (its rules and the three
thresholds: with evidence, with only a weak hint, on wording alone): judol dev split 80/20 by a hash of the
text, English dev leave-one-video-out, a fifth of the snippets and of the chat held out. It picks the
thresholds on them, within false-positive budgets that include the held-out ordinary English comments and the
held-out chat; the shipped model is then trained on all of it. Features are counts of normalised words, word
pairs, #markers and the character 3-5-grams of each word ("~scri", "nnel_"; a heavier L2, ``--gram-l2``,
since a word has many overlapping ones: they carry spam's word shapes to videos whose words the model has not
seen); the weights of "#url" (a link to a site outside bot.core.spam.rules.COMMON_SITES) and
"#url_only" (nothing but such a link) are capped so that a link alone does not make a Discord message spam.

    python scripts/train_spam.py [--data DIR] [--out bot/core/spam/data/spam_model.json] [--validate]
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import logging
import math
import random
import sys
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.core.spam.detector import SpamDetector  # noqa: E402
from bot.core.spam.features import analyse  # noqa: E402

log = logging.getLogger(__name__)

DEFAULT_DATA = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "bot" / "core" / "spam" / "data" / "spam_model.json"
CHAT_FILE = REPO / "scripts" / "data" / "chat_negatives.txt"
# Link presence alone must not make a message spam in a Discord server (people share links all the time),
# even though nearly every link in the YouTube comment data is spam: cap what the model may learn from it.
# The same for a message that is nothing but such a link (members share news and tools that way).
CAPS = {"#url": 4.0, "#url_common": 0.5, "#url_only": 2.0}
CREDITS = [
    "scripts/data/chat_negatives.txt (negatives): informal chat written for Sentimeter (CC0)",
    "id-judol-youtube dev: gbennnn/judol-comment-classification (MIT)",
    "en-youtube-spam dev: UCI YouTube Spam Collection, Alberto, Lochter & Almeida, ICMLA 2015 (CC BY 4.0)",
]
EXTRA_CREDITS = [
    "scripts/data/chat_negatives.txt (negatives): informal chat written for Sentimeter (CC0)",
    "id-smsa train (negatives): IndoNLP/indonlu SmSA (Apache-2.0); Purwarianti & Crisdayanti 2019; "
    "Wilie et al. 2020",
    "en-vader-groundtruth Amazon/movie/NYT snippets (negatives): cjhutto/vaderSentiment (MIT); "
    "Hutto & Gilbert 2014",
]
SNIPPETS = ("amazonReviewSnippets", "movieReviewSnippets", "nytEditorialSnippets")


@dataclass(slots=True)
class Example:
    features: list[str]
    label: int
    weight: float
    group: str  # "id" or the English video name
    text: str


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def load(data: Path, en_weight: float) -> list[Example]:
    out: list[Example] = []
    for row in read_tsv(data / "id-judol-youtube" / "dev.tsv"):
        text = row["text"]
        out.append(Example(analyse(text).feature_names(), int(row["spam"]), 1.0, "id", text))
    for row in read_tsv(data / "en-youtube-spam" / "dev.tsv"):
        text = row["text"]
        out.append(Example(analyse(text).feature_names(), int(row["spam"]), en_weight, row["video"], text))
    return out


def held_out(text: str) -> bool:
    return zlib.crc32(text.encode()) % 5 == 0


def load_negatives(data: Path, weight: float) -> list[Example]:
    """Ordinary non-spam text; snippets are tagged so validation can hold a fifth of them out."""
    out: list[Example] = []
    with (data / "id-smsa" / "train.tsv").open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if row:
                out.append(Example(analyse(row[0]).feature_names(), 0, weight, "neg-id", row[0]))
    for name in SNIPPETS:
        path = data / "en-vader-groundtruth" / f"{name}_GroundTruth.txt"
        with path.open(encoding="utf-8", errors="replace") as fh:
            for line in fh:
                parts = line.rstrip("\n").split("\t", 2)
                if len(parts) == 3:
                    out.append(Example(analyse(parts[2]).feature_names(), 0, weight, "neg-en", parts[2]))
    return out


def load_chat(path: Path, weight: float) -> list[Example]:
    """The project's own informal chat (one message per line, "#" comments), all non-spam."""
    out: list[Example] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.strip()
        if text and not text.startswith("#"):
            out.append(Example(analyse(text).feature_names(), 0, weight, "neg-chat", text))
    return out


def load_smsa_valid(data: Path) -> list[str]:
    with (data / "id-smsa" / "valid.tsv").open(encoding="utf-8", newline="") as fh:
        return [row[0] for row in csv.reader(fh, delimiter="\t") if row]


@dataclass(frozen=True, slots=True)
class Params:
    epochs: int
    l2: float
    lr: float
    min_count: int
    marker_l2: float = 1.0  # L2 for #markers, relative to words (hand-written evidence may keep more weight)
    gram_l2: float = 1.0  # L2 for ~character n-grams, relative to words (a word has many, they overlap)


def train(examples: Sequence[Example], params: Params, seed: int = 13) -> tuple[float, dict[str, float]]:
    """AdaGrad logistic regression on feature counts; returns (bias, weights)."""
    epochs, l2, lr, min_count = params.epochs, params.l2, params.lr, params.min_count
    counts: Counter[str] = Counter()
    for ex in examples:
        counts.update(ex.features)
    vocab = {f for f, c in counts.items() if c >= min_count or f.startswith("#")}
    rows = [([f for f in ex.features if f in vocab], ex.label, ex.weight) for ex in examples]
    w: dict[str, float] = dict.fromkeys(vocab, 0.0)
    g2: dict[str, float] = dict.fromkeys(vocab, 1e-8)
    rel = {"#": params.marker_l2, "~": params.gram_l2}
    l2f = {f: l2 * rel.get(f[0], 1.0) for f in vocab}
    bias, gb = 0.0, 1e-8
    rng = random.Random(seed)
    order = list(range(len(rows)))
    for _ in range(epochs):
        rng.shuffle(order)
        for i in order:
            feats, y, weight = rows[i]
            z = bias + sum(w[f] for f in feats)
            p = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
            g = (p - y) * weight
            gb += g * g
            bias -= lr * g / math.sqrt(gb)
            for f in feats:
                gf = g + l2f[f] * w[f]
                g2[f] += gf * gf
                nw = w[f] - lr * gf / math.sqrt(g2[f])
                cap = CAPS.get(f)
                w[f] = min(nw, cap) if cap is not None else nw
    return bias, w


def model_json(bias: float, w: dict[str, float], prune: float, thresholds: Thresholds) -> dict[str, object]:
    return {
        "bias": round(bias, 4),
        "threshold": thresholds.threshold,
        "plain_threshold": thresholds.plain,
        "hint_threshold": thresholds.hint,
        "high_threshold": thresholds.high,
        "weights": {f: round(v, 3) for f, v in sorted(w.items()) if abs(v) >= prune},
    }


@dataclass(frozen=True, slots=True)
class Thresholds:
    threshold: float  # model probability for spam when there is evidence beyond wording
    plain: float  # the same when only the wording is suspicious
    hint: float  # the same with only a weak hint (a bare link to an unknown site, "check out my")
    high: float = 0.97


# Held-out ordinary English YouTube comments flagged (leave-one-video-out): the closest dev stand-in for
# everyday English chat, which the formal review snippets are not.
MAX_FPR_EN = 0.004
# Held-out fifth of the project's informal chat flagged. That chat was written to be hard (quoted
# catchphrases, "check out my new keyboard", links with ids), so its budget is looser than for everyday text.
MAX_FPR_CHAT = 0.02
HELD_GROUPS = ("neg-en", "neg-chat")  # negatives whose hashed fifth is held out in validation
TIE = 0.005  # held-out F1 sums closer than this count as equal
# Candidate (threshold, hint threshold, plain threshold) triples tried by --validate.
GRID = [
    (t, h, p)
    for t in (0.35, 0.5)
    for h in (0.4, 0.5, 0.65, 0.8)
    for p in (0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99)
    if p >= h >= t
]


def _counts(detector: SpamDetector, texts: Sequence[str], labels: Sequence[int]) -> tuple[int, int, int, int]:
    tp = fp = fn = tn = 0
    for text, y in zip(texts, labels, strict=True):
        flagged = detector.check_text(text).is_spam
        tp += flagged and y
        fp += flagged and not y
        fn += not flagged and y
        tn += not flagged and not y
    return tp, fp, fn, tn


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def validate(
    examples: list[Example],
    negatives: list[Example],
    smsa_valid: list[str],
    params: Params,
    prune: float,
    dump: Path | None = None,
) -> Thresholds:
    """Held-out evaluation on dev with the detector's full decision (rules, evidence, three thresholds):
    judol dev split 80/20 by a hash of the text, English dev leave-one-video-out, a fifth of the English
    snippets and of the chat held out. Returns the thresholds maximising judol F1 + English F1 within the
    false-positive budgets."""
    in_id = [ex for ex in examples if ex.group == "id"]
    in_en = [ex for ex in examples if ex.group != "id"]
    neg_train = [ex for ex in negatives if not (ex.group in HELD_GROUPS and held_out(ex.text))]
    neg_held = [ex.text for ex in negatives if ex.group == "neg-en" and held_out(ex.text)]
    chat_held = [ex.text for ex in negatives if ex.group == "neg-chat" and held_out(ex.text)]
    fold = [ex for ex in in_id if held_out(ex.text)]
    rest = [ex for ex in in_id if not held_out(ex.text)]
    id_model = train(rest + in_en + neg_train, params)
    videos = sorted({ex.group for ex in in_en})
    en_models = {v: train(in_id + [ex for ex in in_en if ex.group != v] + neg_train, params) for v in videos}
    scores: list[tuple[float, Thresholds]] = []
    for t, hint, plain in GRID:
        th = Thresholds(t, plain, hint)
        det = SpamDetector.from_dict(model_json(*id_model, prune, th))
        tp, fp, fn, tn = _counts(det, [ex.text for ex in fold], [ex.label for ex in fold])
        f_id, fpr_id = _f1(tp, fp, fn), fp / max(1, fp + tn)
        fpr_smsa = _counts(det, smsa_valid, [0] * len(smsa_valid))[1] / max(1, len(smsa_valid))
        fpr_snip = _counts(det, neg_held, [0] * len(neg_held))[1] / max(1, len(neg_held))
        chat_fp = [text for text in chat_held if det.check_text(text).is_spam]
        fpr_chat = len(chat_fp) / max(1, len(chat_held))
        errors: list[str] = [f"chat-fp\t{text}" for text in chat_fp]
        en = [0, 0, 0, 0]
        per_video = []
        for v in videos:
            det = SpamDetector.from_dict(model_json(*en_models[v], prune, th))
            held = [ex for ex in in_en if ex.group == v]
            c = _counts(det, [ex.text for ex in held], [ex.label for ex in held])
            for ex in held:
                if det.check_text(ex.text).is_spam != bool(ex.label):
                    errors.append(f"{'en-fn' if ex.label else 'en-fp'}\t{v}\t{ex.text}")
            en = [a + b for a, b in zip(en, c, strict=True)]
            per_video.append(f"{v} {_f1(c[0], c[1], c[2]):.3f}")
        f_en = _f1(en[0], en[1], en[2])
        prec_en = en[0] / max(1, en[0] + en[1])
        fpr_en = en[1] / max(1, en[1] + en[3])
        print(
            f"t={t:.2f} hint={hint:.2f} plain={plain:.2f} | id F1={f_id:.3f} FPR={fpr_id:.4f} | "
            f"en F1={f_en:.3f} P={prec_en:.3f} "
            f"FPR={fpr_en:.4f} "
            f"({', '.join(per_video)}) | smsa-valid FPR={fpr_smsa:.4f} snippets-fold FPR={fpr_snip:.4f} "
            f"chat-fold FPR={fpr_chat:.4f} ({len(chat_fp)}/{len(chat_held)})"
        )
        if dump is not None:
            with dump.open("a", encoding="utf-8") as fh:
                fh.write(f"## t={t} hint={hint} plain={plain}\n" + "\n".join(errors) + "\n")
        ok = (
            fpr_id <= 0.006
            and fpr_smsa <= 0.003
            and fpr_snip <= 0.003
            and fpr_en <= MAX_FPR_EN
            and fpr_chat <= MAX_FPR_CHAT
        )
        scores.append((f_id + f_en if ok else -1.0, th))
    # Differences of a few thousandths are one or two held-out comments: among the settings that close to the
    # best, take the strictest (fewest false positives on the ordinary chat no dev file stands in for well).
    top = max(score for score, _ in scores)
    best = max(
        (th for score, th in scores if score >= top - TIE), key=lambda th: (th.plain, th.hint, th.threshold)
    )
    print(f"chosen thresholds {best.threshold:.2f} / hint {best.hint:.2f} / plain {best.plain:.2f}")
    return best


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument(
        "--validate", action="store_true", help="report held-out dev figures and pick the threshold"
    )
    ap.add_argument("--threshold", type=float, default=0.35)
    ap.add_argument("--high-threshold", type=float, default=0.97)
    ap.add_argument(
        "--plain-threshold", type=float, default=0.97, help="threshold when only the wording is suspicious"
    )
    ap.add_argument("--hint-threshold", type=float, default=0.8, help="threshold with only a weak hint")
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--l2", type=float, default=3e-3)
    ap.add_argument("--lr", type=float, default=0.3)
    ap.add_argument("--min-count", type=int, default=5)
    ap.add_argument("--en-weight", type=float, default=3.0)
    ap.add_argument("--url-cap", type=float, default=CAPS["#url"], help="largest weight a link may get")
    ap.add_argument("--no-extra-negatives", action="store_true")
    ap.add_argument("--chat", type=Path, default=CHAT_FILE, help="the project's informal chat negatives")
    ap.add_argument("--chat-weight", type=float, default=3.0)
    ap.add_argument("--dump", type=Path, help="with --validate: append held-out errors to this file")
    ap.add_argument("--neg-weight", type=float, default=1.0)
    ap.add_argument("--marker-l2", type=float, default=0.3, help="L2 on #markers relative to words")
    ap.add_argument("--gram-l2", type=float, default=5.0, help="L2 on ~character n-grams relative to words")
    ap.add_argument("--prune", type=float, default=0.1, help="drop weights smaller than this")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if not (args.data / "id-judol-youtube" / "dev.tsv").exists():
        print(f"data not found under {args.data}", file=sys.stderr)
        return 2
    CAPS["#url"] = args.url_cap
    examples = load(args.data, args.en_weight)
    negatives = [] if args.no_extra_negatives else load_negatives(args.data, args.neg_weight)
    negatives += load_chat(args.chat, args.chat_weight)
    params = Params(
        epochs=args.epochs,
        l2=args.l2,
        lr=args.lr,
        min_count=args.min_count,
        marker_l2=args.marker_l2,
        gram_l2=args.gram_l2,
    )
    if args.validate:
        thresholds = validate(examples, negatives, load_smsa_valid(args.data), params, args.prune, args.dump)
    else:
        thresholds = Thresholds(args.threshold, args.plain_threshold, args.hint_threshold)
    thresholds = dataclasses.replace(thresholds, high=args.high_threshold)
    bias, w = train(examples + negatives, params)
    body = model_json(bias, w, args.prune, thresholds)
    model = {
        "version": 2,
        "kind": "logistic regression over bot.spam.features (words, word pairs, #markers, ~char n-grams)",
        "trained_on": CREDITS + ([] if args.no_extra_negatives else EXTRA_CREDITS),
        "params": dataclasses.asdict(params)
        | {
            "url_cap": args.url_cap,
            "en_weight": args.en_weight,
            "neg_weight": args.neg_weight,
            "chat_weight": args.chat_weight,
            "prune": args.prune,
        },
    } | body
    kept = body["weights"]
    assert isinstance(kept, dict)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(
        f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB, {len(kept)} weights, "
        f"thresholds {thresholds.threshold}/{thresholds.hint}/{thresholds.plain})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
