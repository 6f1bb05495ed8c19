"""Check that clean_for_scoring + Scorer give exactly the same results as a saved reference run.

    python scripts/check_scorer_identity.py --dump REF.json     # record the current outputs
    python scripts/check_scorer_identity.py --compare REF.json  # compare (exit 1 on any difference)

Texts: SmSA train/valid/test, VADER's ground-truth files, the benchmark corpus (benchmarks/corpus.py),
the example community export, scripts/data/chat_negatives.txt, and a seeded synthetic set that mixes words
from all of them with negators, degree words, "but"/"tapi", ALL-CAPS, punctuation, reduplication and emoji
(to exercise the rare rule paths). For every text it records the cleaned text, compound/pos/neu/neg and
language, and for a sample also ``explain`` contributions and scores with server overrides. Floats are
compared within 1e-12.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks import corpus  # noqa: E402
from bot.core.scoring import Scorer  # noqa: E402
from bot.core.text.clean import clean_for_scoring  # noqa: E402

TOLERANCE = 1e-12
OVERRIDES = {"stream": 1.5, "gak jelas": 0.5, "kecewa": 1.0, "good": -2.0, "skill issue": 2.0}
_RULE_TEXT = (
    "not no never without doubt so this kind of least but tapi namun sayangnya tidak gak ga bukan belum "
    "jangan tanpa kurang banget bgt sekali parah amat sangat agak sedikit lumayan cukup very really "
    "extremely kinda sort of barely isn't don't can't ain't nor or the shit bomb yeah right W L lol wkwk "
    "wkwkwk hahaha 💀 😭 🙏 😂 ❤️ 👍 😡 gila insane sick clutch skill skillnya aim good bagus jelek bagus2 "
    "kata-katanya jelek-jelek kekecewaan mengecewakan bangeeet soooo goood GOOD BAD AMAZING Bagus!!! "
    "great!!! ok?? skill issue gak jelas salah satu berapa lama laggy af l take w take"
)


def _read_smsa(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as f:
        return [r[0] for r in csv.reader(f, delimiter="\t") if len(r) >= 2]


def _read_vader(path: Path) -> list[str]:
    rows = []
    with path.open(encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3:
                rows.append("\t".join(parts[2:]))
    return rows


def texts(data: Path) -> Iterator[tuple[str, str]]:
    for name in ("train", "valid", "test"):
        for text in _read_smsa(data / "id-smsa" / f"{name}.tsv"):
            yield f"smsa/{name}", text
    for path in sorted((data / "en-vader-groundtruth").glob("*.txt")):
        for text in _read_vader(path):
            yield f"vader/{path.stem}", text
    for text in corpus.corpus(20_000):
        yield "bench", text
    for path in sorted((REPO / "examples" / "dapur-nara").glob("*.json")):
        for message in json.loads(path.read_text(encoding="utf-8")).get("messages", []):
            yield "examples", message.get("content") or ""
    for line in (REPO / "scripts" / "data" / "chat_negatives.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            yield "chat_negatives", line


def synthetic(pool: list[str], n: int = 20_000, seed: int = 99) -> list[str]:
    rng = random.Random(seed)
    words = pool + _RULE_TEXT.split() * 20
    out = []
    for _ in range(n):
        tokens = []
        for _ in range(rng.randint(1, 16)):
            w = rng.choice(words)
            roll = rng.random()
            if roll < 0.05:
                w = w.upper()
            elif roll < 0.08:
                w = w.capitalize()
            elif roll < 0.12:
                w += rng.choice(["!", "!!", "?", ".", ",", "...", "!?"])
            tokens.append(w)
        out.append(" ".join(tokens) + rng.choice(["", "", "!", "!!!", "?", "??", " :)"]))
    return out


def run(data: Path) -> list[list[object]]:
    scorer = Scorer()
    rows: list[list[object]] = []
    pool: list[str] = []
    sample = random.Random(7)
    all_texts = list(texts(data))
    for text in [t for _, t in all_texts][:: max(1, len(all_texts) // 3000)]:
        pool.extend(text.split()[:6])
    all_texts += [("synthetic", t) for t in synthetic(pool)]
    for source, text in all_texts:
        cleaned = clean_for_scoring(text)
        s = scorer.score(cleaned)
        row: list[object] = [source, text, cleaned, s.compound, s.pos, s.neu, s.neg, s.language]
        if sample.random() < 0.1:
            e = scorer.explain(cleaned)
            o = scorer.score(cleaned, overrides=OVERRIDES)
            row.append([[c.word, c.valence, c.note] for c in e.contributions])
            row.append([o.compound, o.pos, o.neu, o.neg, o.language])
        rows.append(row)
    return rows


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= TOLERANCE
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--dump", type=Path, help="write the current outputs here")
    group.add_argument("--compare", type=Path, help="compare the current outputs with this file")
    args = parser.parse_args(argv)
    if not (args.data / "id-smsa").is_dir():
        print(f"data not found under {args.data}", file=sys.stderr)
        return 2
    rows = run(args.data)
    if args.dump is not None:
        args.dump.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
        print(f"wrote {len(rows)} rows to {args.dump}")
        return 0
    reference = json.loads(args.compare.read_text(encoding="utf-8"))
    if len(reference) != len(rows):
        print(f"row count differs: {len(reference)} saved, {len(rows)} now")
        return 1
    bad = 0
    for old, new in zip(reference, rows, strict=True):
        if not _same(old, new):
            bad += 1
            if bad <= 10:
                print(f"DIFF [{old[0]}] {old[1]!r}\n  was {old[2:]}\n  now {new[2:]}")
    counts: dict[str, int] = {}
    for row in rows:
        counts[str(row[0])] = counts.get(str(row[0]), 0) + 1
    print(f"{len(rows) - bad}/{len(rows)} identical {counts}")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
