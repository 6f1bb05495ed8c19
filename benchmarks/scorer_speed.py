"""CPU time of ``Scorer.score`` per comment, rules alone and with the learned correction (µs/comment).

    python benchmarks/scorer_speed.py [--data DIR] [--rounds 5]

Mixed corpus: community-dev (Discord-style, en/id/mix), SmSA valid (Indonesian) and the first 1,500 VADER
Amazon snippets (English), cleaned once beforehand. Each round scores the whole corpus with both scorers in
turn (warm caches, as in a running bot); the best round of each is printed, measured with
``time.process_time``. Exits 0 with a message when the data folder is absent.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if not __package__:
    sys.path.insert(0, str(REPO))

from bot.core.scoring import Scorer  # noqa: E402
from bot.core.text.clean import clean_for_scoring  # noqa: E402


def corpus(data: Path) -> list[str]:
    texts: list[str] = []
    with (data / "community-dev" / "dev.tsv").open(encoding="utf-8", newline="") as f:
        texts += [
            r[6].replace("\\n", "\n") for r in list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))[1:]
        ]
    with (data / "id-smsa" / "valid.tsv").open(encoding="utf-8", newline="") as f:
        texts += [r[0] for r in csv.reader(f, delimiter="\t") if r]
    amazon = data / "en-vader-groundtruth" / "amazonReviewSnippets_GroundTruth.txt"
    with amazon.open(encoding="utf-8", errors="replace") as f:
        texts += [line.rstrip("\n").split("\t", 2)[-1] for line in f][:1500]
    return [clean_for_scoring(t) for t in texts]


def per_comment_us(scorer: Scorer, texts: list[str]) -> float:
    start = time.process_time()
    for text in texts:
        scorer.score(text)
    return 1e6 * (time.process_time() - start) / len(texts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    if not (args.data / "community-dev" / "dev.tsv").exists():
        print(f"benchmark data not found under {args.data}; skipping", file=sys.stderr)
        return 0
    texts = corpus(args.data)
    rules, learned = Scorer(), Scorer(learned=True)
    best_rules = best_learned = float("inf")
    for _ in range(args.rounds):
        best_rules = min(best_rules, per_comment_us(rules, texts))
        best_learned = min(best_learned, per_comment_us(learned, texts))
    report = {
        "comments": len(texts),
        "rules_us_per_comment": round(best_rules, 1),
        "learned_us_per_comment": round(best_learned, 1),
        "ratio": round(best_learned / best_rules, 3),
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
