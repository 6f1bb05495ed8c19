"""CPU cost of the negative-feedback detector per comment; prints one JSON object.

    python benchmarks/feedback_speed.py [--data DIR] [--id-lines N] [--repeat R]

The corpus is community-dev plus the first ``--id-lines`` (5,000) comments of id-judol-youtube/dev.tsv, or
the seeded benchmark corpus when the data is absent. Every text is cleaned and scored once beforehand; the
timed part is what the scoring workers pay for the detector: ``FeedbackDetector.assess(cleaned, compound,
neg)`` (matching, the model, the topic and the evidence), measured with ``time.process_time`` over the whole
corpus ``--repeat`` times. ``us_per_comment`` is the best pass (the least disturbed by other work on the
machine), ``us_per_comment_median`` the median.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if not __package__:  # run as a script (python benchmarks/x.py): put the repository root on sys.path
    sys.path.insert(0, str(REPO))

from bot.core.feedback import FeedbackDetector  # noqa: E402
from bot.core.scoring import Scorer  # noqa: E402
from bot.core.text.clean import clean_for_scoring  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "data"


def corpus(data: Path, id_lines: int) -> tuple[str, list[str]]:
    community = data / "community-dev" / "dev.tsv"
    judol = data / "id-judol-youtube" / "dev.tsv"
    if not (community.is_file() and judol.is_file()):
        from benchmarks.corpus import corpus as seeded

        return "benchmarks.corpus (data absent)", seeded(5000)
    with community.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        texts = [r["text"].replace("\\n", "\n") for r in rows]
    with judol.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t")
        texts += [r["text"] for _, r in zip(range(id_lines), reader, strict=False)]
    return f"community-dev + {id_lines} id-judol-youtube dev comments", texts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--id-lines", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args(argv)
    name, texts = corpus(args.data, args.id_lines)
    scorer = Scorer()
    items = []
    for text in texts:
        cleaned = clean_for_scoring(text)
        score = scorer.score(cleaned)
        items.append((cleaned, score.compound, score.neg))
    detector = FeedbackDetector()
    assess = detector.assess
    for cleaned, compound, neg in items:  # warm up
        assess(cleaned, compound, neg)
    passes = []
    for _ in range(args.repeat):
        start = time.process_time()
        for cleaned, compound, neg in items:
            assess(cleaned, compound, neg)
        passes.append((time.process_time() - start) / len(items) * 1e6)
    print(
        json.dumps(
            {
                "corpus": name,
                "comments": len(items),
                "us_per_comment": round(min(passes), 2),
                "us_per_comment_median": round(statistics.median(passes), 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
