"""Check that the spam check gives exactly the same results as a saved reference run.

    python scripts/check_spam_identity.py --dump REF.json     # record the current outputs
    python scripts/check_spam_identity.py --compare REF.json  # compare (exit 1 on any difference)

For every text it records what a scoring worker sends back (``SpamDetector.check_text_with_normalized``
then the behaviour fingerprint, as bot.core.ingest.analysis does): is_spam, confidence, reason,
high_confidence, category and fingerprint, plus ``category_hint``. Texts: community-dev, id-judol-youtube
dev (all), en-youtube-spam dev, the benchmark corpus and the generated corpus of tests/spam/identity_corpus.py
(whose digest tests/spam/test_identity.py pins).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks import corpus  # noqa: E402
from bot.core.spam import SpamDetector  # noqa: E402
from bot.core.spam import behaviour as _behaviour  # noqa: E402
from tests.spam.identity_corpus import identity_corpus  # noqa: E402

Record = list[object]


def record(detector: SpamDetector, text: str) -> Record:
    """The fields compared for one text (a fresh call, then the same text again from the cache)."""
    verdict, norm = detector.check_text_with_normalized(text)
    fp = _behaviour.fingerprint(text) if norm is None else _behaviour.fingerprint_normalized(norm)
    again = detector.check_text(text)
    return [
        verdict.is_spam,
        repr(verdict.confidence),
        verdict.reason,
        verdict.high_confidence,
        verdict.category,
        fp,
        again == verdict and again.category == verdict.category,
        detector.category_hint(text),
    ]


def digest(records: list[Record]) -> str:
    """sha256 over the records (what the regression test pins)."""
    h = hashlib.sha256()
    for rec in records:
        h.update(json.dumps(rec, ensure_ascii=False).encode())
        h.update(b"\n")
    return h.hexdigest()


def _tsv_texts(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [row["text"] or "" for row in rows]


def texts(data: Path) -> Iterator[tuple[str, list[str]]]:
    yield "community-dev", _tsv_texts(data / "community-dev" / "dev.tsv")
    yield "id-judol-youtube/dev", _tsv_texts(data / "id-judol-youtube" / "dev.tsv")
    yield "en-youtube-spam/dev", _tsv_texts(data / "en-youtube-spam" / "dev.tsv")
    yield "bench", list(corpus.corpus(20_000))
    yield "generated", identity_corpus()


def run(data: Path) -> dict[str, list[Record]]:
    out: dict[str, list[Record]] = {}
    for source, items in texts(data):
        detector = SpamDetector()
        out[source] = [record(detector, t) for t in items]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--dump", type=Path)
    mode.add_argument("--compare", type=Path)
    args = parser.parse_args(argv)
    results = run(args.data)
    if args.dump:
        args.dump.write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
        for source, recs in results.items():
            print(f"{source}: {len(recs)} texts, digest {digest(recs)[:16]}")
        return 0
    reference = json.loads(args.compare.read_text(encoding="utf-8"))
    items = dict(texts(args.data))
    bad = 0
    for source, recs in results.items():
        ref = reference.get(source)
        if ref is None or len(ref) != len(recs):
            print(f"{source}: reference has {len(ref or [])} texts, now {len(recs)}")
            bad += 1
            continue
        diffs = [i for i, (a, b) in enumerate(zip(ref, recs, strict=True)) if a != b]
        print(f"{source}: {len(recs)} texts, {len(diffs)} differ, digest {digest(recs)[:16]}")
        for i in diffs[:5]:
            print(f"  {items[source][i][:100]!r}\n    was {ref[i]}\n    now {recs[i]}")
        bad += len(diffs)
    print("IDENTICAL" if not bad else f"{bad} DIFFERENCES")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
