"""Choose id-judol-youtube dev comments for a second round of hand labelling (negative feedback).

    python scripts/sample_for_labelling.py [--data DIR] [--n 2000] [--seed 20261206] [--out FILE]

Eligible: rows of ``id-judol-youtube/dev.tsv`` with ``spam`` = 0 whose line is not already labelled in
``scripts/data/feedback_labels/id-judol-youtube-dev.tsv``. ``line`` is the 1-based data row index (header
not counted), as in the label files. The sample is ``random.Random(seed).sample`` over the sorted
eligible lines, written in ascending line order as ``line<TAB>text_crc32<TAB>text`` (newlines shown as
``\\n``) to a work file for reading in batches. The test file is never read.
"""

from __future__ import annotations

import argparse
import csv
import random
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "scripts" / "data" / "feedback_labels" / "id-judol-youtube-dev.tsv"


def crc(text: str) -> str:
    return f"{zlib.crc32(text.encode()):08x}"


def read_dev(data: Path) -> list[dict[str, str]]:
    with open(data / "id-judol-youtube" / "dev.tsv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def labelled_lines(path: Path) -> set[int]:
    with open(path, encoding="utf-8", newline="") as f:
        return {int(r["line"]) for r in csv.DictReader(f, delimiter="\t")}


def choose(rows: list[dict[str, str]], done: set[int], n: int, seed: int) -> list[int]:
    eligible = sorted(i for i, r in enumerate(rows, start=1) if r["spam"] == "0" and i not in done)
    return sorted(random.Random(seed).sample(eligible, n))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=20261206)
    ap.add_argument("--out", type=Path, default=Path("/tmp/label2/sample.tsv"))
    args = ap.parse_args()

    rows = read_dev(args.data)
    lines = choose(rows, labelled_lines(LABELS), args.n, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        for line in lines:
            text = rows[line - 1]["text"]
            shown = text.replace("\r", " ").replace("\n", "\\n")
            f.write(f"{line}\t{crc(text)}\t{shown}\n")
    print(f"{len(lines)} lines written to {args.out}")


if __name__ == "__main__":
    main()
