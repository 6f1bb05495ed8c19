"""``sentimeter eval <file.tsv>``: how well does flagging work on a moderator's own labelled comments?

Accepted files (tab-separated, UTF-8, an optional header line):

- ``text<TAB>label`` with label ``positive`` / ``neutral`` / ``negative``, or ``1`` (negative) / ``0`` (not);
- VADER's ground-truth format ``id<TAB>mean rating<TAB>text`` (negative = mean rating below 0).

Each text goes through ``clean_for_scoring`` and ``Scorer.score`` exactly as the bot does.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.core.scoring.scorer import Scorer
from bot.core.scoring.thresholds import DEFAULT_FLAG_THRESHOLD
from bot.core.text.clean import clean_for_scoring

log = logging.getLogger(__name__)

TABLE_THRESHOLDS: tuple[float, ...] = (-0.7, -0.5, -0.4, -0.3, -0.2, -0.1, -0.05, 0.0, 0.05)
_LABELS = {"negative": True, "neg": True, "1": True, "positive": False, "pos": False, "neutral": False,
           "neu": False, "0": False}  # fmt: skip
_HEADER_WORDS = {"text", "label", "id", "rating", "sentiment", "comment", "content", "message"}


@dataclass(frozen=True, slots=True)
class LabelledText:
    text: str
    negative: bool


@dataclass(frozen=True, slots=True)
class FlagMetrics:
    threshold: float
    precision: float
    recall: float
    f1: float
    flagged: int
    true_positives: int
    negatives: int
    total: int


def _parse_row(row: list[str], line_no: int) -> LabelledText | None:
    if not row or all(not cell.strip() for cell in row):
        return None
    if len(row) == 2:
        text, label = row[0], row[1].strip().lower()
        if label not in _LABELS:
            raise ValueError(
                f"line {line_no}: unknown label {row[1].strip()!r} "
                "(expected positive/neutral/negative or 1/0)"
            )
        return LabelledText(text, _LABELS[label])
    if len(row) >= 3:
        try:
            rating = float(row[1])
        except ValueError:
            raise ValueError(
                f"line {line_no}: second column {row[1].strip()!r} is not a numeric rating"
            ) from None
        return LabelledText("\t".join(row[2:]), rating < 0)
    raise ValueError(
        f"line {line_no}: expected 'text<TAB>label' or 'id<TAB>rating<TAB>text', found one column"
    )


def _split_line(line: str) -> list[list[str]]:
    """Ways to split one line on tabs: spreadsheet-style quoting first (when present), then plain tabs."""
    plain = line.split("\t")
    if '"' not in line:
        return [plain]
    try:
        quoted = next(csv.reader([line], delimiter="\t"))
    except (csv.Error, StopIteration):
        return [plain]
    return [quoted, plain] if quoted != plain else [plain]


def _is_header(row: list[str]) -> bool:
    cells = {cell.strip().lower() for cell in row}
    return bool(cells & _HEADER_WORDS) and not (len(row) == 2 and row[1].strip().lower() in _LABELS)


def read_labelled(path: Path) -> list[LabelledText]:
    """Read a labelled file; raise ``ValueError("line N: ...")`` on the first malformed line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_no = raw[: exc.start].count(b"\n") + 1
        raise ValueError(f"line {line_no}: not valid UTF-8") from None
    items: list[LabelledText] = []
    for line_no, line in enumerate(content.splitlines(), start=1):
        candidates = _split_line(line)
        if line_no == 1 and _is_header(candidates[-1]):
            continue
        item: LabelledText | None = None
        for k, row in enumerate(candidates):
            try:
                item = _parse_row(row, line_no)
                break
            except ValueError:
                if k == len(candidates) - 1:
                    raise
        if item is not None:
            items.append(item)
    if not items:
        raise ValueError(f"line 1: {path.name} has no labelled rows")
    return items


def flag_metrics(compounds: Sequence[float], negatives: Sequence[bool], threshold: float) -> FlagMetrics:
    """Precision / recall / F1 of "flag when compound <= threshold" against the negative labels."""
    tp = flagged = 0
    for compound, negative in zip(compounds, negatives, strict=True):
        if compound <= threshold:
            flagged += 1
            tp += negative
    positives = sum(negatives)
    precision = tp / flagged if flagged else 0.0
    recall = tp / positives if positives else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return FlagMetrics(threshold, precision, recall, f1, flagged, tp, positives, len(compounds))


def best_threshold(
    compounds: Sequence[float], negatives: Sequence[bool], candidates: Iterable[float] | None = None
) -> FlagMetrics:
    """The candidate threshold with the best F1 (ties: the one closest to the default)."""
    if candidates is None:
        candidates = [round(-0.95 + 0.05 * k, 2) for k in range(39)]
    results = [flag_metrics(compounds, negatives, t) for t in candidates]
    return max(results, key=lambda m: (round(m.f1, 4), -abs(m.threshold - DEFAULT_FLAG_THRESHOLD)))


def score_texts(texts: Iterable[str], scorer: Scorer | None = None) -> list[float]:
    """Compound scores exactly as the bot computes them (clean, then score)."""
    scorer = scorer or Scorer()
    return [scorer.score(clean_for_scoring(text)).compound for text in texts]


def run_eval(path: Path, out: TextIO) -> int:
    """Print flagging quality on a labelled file and suggest a threshold. Returns the process exit code (0).

    Raises ``ValueError`` with a one-line message naming the line number when the file is malformed.
    """
    items = read_labelled(path)
    compounds = score_texts(item.text for item in items)
    negatives = [item.negative for item in items]
    n_neg = sum(negatives)
    out.write(f"{path.name}: {len(items)} comments, {n_neg} labelled negative\n")
    current = flag_metrics(compounds, negatives, DEFAULT_FLAG_THRESHOLD)
    out.write(
        f"At the default threshold ({DEFAULT_FLAG_THRESHOLD:+.2f}): precision {current.precision:.3f}, "
        f"recall {current.recall:.3f}, F1 {current.f1:.3f} ({current.flagged} flagged)\n\n"
    )
    out.write(f"{'threshold':>9}  {'flagged':>7}  {'precision':>9}  {'recall':>6}  {'F1':>5}\n")
    thresholds = sorted({*TABLE_THRESHOLDS, DEFAULT_FLAG_THRESHOLD})
    for t in thresholds:
        m = flag_metrics(compounds, negatives, t)
        marker = "  <- default" if t == DEFAULT_FLAG_THRESHOLD else ""
        out.write(
            f"{t:>+9.2f}  {m.flagged:>7}  {m.precision:>9.3f}  {m.recall:>6.3f}  {m.f1:>5.3f}{marker}\n"
        )
    best = best_threshold(compounds, negatives)
    out.write(
        f"\nBest F1 on this file: {best.f1:.3f} at threshold {best.threshold:+.2f} "
        f"(precision {best.precision:.3f}, recall {best.recall:.3f}).\n"
    )
    if n_neg == 0:
        out.write("No negative labels in the file: precision and recall are not meaningful.\n")
    elif best.threshold != DEFAULT_FLAG_THRESHOLD and best.f1 - current.f1 >= 0.01:
        out.write(f"Suggestion: set this server's flag threshold to {best.threshold:+.2f}.\n")
    else:
        out.write("Suggestion: keep the default threshold.\n")
    return 0
