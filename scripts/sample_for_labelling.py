"""Choose id-judol-youtube dev comments for a round of hand labelling (negative feedback).

    python scripts/sample_for_labelling.py [--data DIR] [--n 2000] [--seed 20261206] [--before FILE ...]
                                           [--part K/M] [--out FILE]

Eligible: rows of ``id-judol-youtube/dev.tsv`` with ``spam`` = 0 whose line is not labelled in any of the
``--before`` label files (default: ``id-judol-youtube-dev.tsv``, the first round). ``line`` is the 1-based
data row index (header not counted), as in the label files. The sample is ``random.Random(seed).sample``
over the sorted eligible lines, in ascending line order; ``--part K/M`` keeps the K-th of M equal consecutive
slices of it (so several people can label one sample). Written as ``line<TAB>text_crc32<TAB>text`` (newlines
shown as ``\\n``) to a work file for reading in batches. The test file is never read.

Rounds so far: round 2 (``id-judol-youtube-dev-2.tsv``) is the defaults; round 3 is ``--n 4000 --seed
20261207 --before id-judol-youtube-dev.tsv id-judol-youtube-dev-2.tsv`` with ``--part 1/2`` labelled into
``id-judol-youtube-dev-3.tsv`` and ``--part 2/2`` into ``id-judol-youtube-dev-4.tsv``.
"""

from __future__ import annotations

import argparse
import csv
import random
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "scripts" / "data" / "feedback_labels"


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
    ap.add_argument("--before", nargs="+", default=["id-judol-youtube-dev.tsv"])
    ap.add_argument("--part", default="1/1", help="K/M: the K-th of M consecutive slices of the sample")
    ap.add_argument("--out", type=Path, default=Path("/tmp/label2/sample.tsv"))
    args = ap.parse_args()

    rows = read_dev(args.data)
    done: set[int] = set()
    for name in args.before:
        done |= labelled_lines(LABELS / name)
    lines = choose(rows, done, args.n, args.seed)
    k, m = (int(x) for x in args.part.split("/"))
    lines = lines[(k - 1) * len(lines) // m : k * len(lines) // m]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        for line in lines:
            text = rows[line - 1]["text"]
            shown = text.replace("\r", " ").replace("\n", "\\n")
            f.write(f"{line}\t{crc(text)}\t{shown}\n")
    print(f"{len(lines)} lines written to {args.out}")


if __name__ == "__main__":
    main()
