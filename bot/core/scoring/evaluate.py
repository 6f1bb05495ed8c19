"""``sentimeter eval <file.tsv>``: how well does flagging work on a moderator's own labelled comments?

Accepted files (tab-separated, UTF-8, an optional header line):

- ``text<TAB>label`` with label ``positive`` / ``neutral`` / ``negative``, or ``1`` (negative) / ``0`` (not);
- VADER's ground-truth format ``id<TAB>mean rating<TAB>text`` (negative = mean rating below 0).

Each text goes through the bot's own pipeline and flag decision (``judge``) at every sensitivity a server can
choose, so the suggestion is always a setting `/config sensitivity` accepts. ``flag_metrics`` and
``best_threshold`` (a compound cut-off) remain for the scripts that tune the rules.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.core.feedback.evaluate import rates
from bot.core.ingest.pipeline import Pipeline
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


# Below these, one comment more or less moves precision or recall by several points: say so, suggest nothing.
MIN_NEGATIVE = 30
MIN_TOTAL = 100


@dataclass(frozen=True, slots=True)
class Judged:
    """One labelled comment and whether the review queue took it at each sensitivity."""

    text: str
    negative: bool
    flagged: dict[str, bool]


def judge(items: Sequence[LabelledText], pipeline: Pipeline | None = None) -> list[Judged]:
    """Each comment through the bot's own pipeline (clean, score, spam check, feedback model), decided at
    every sensitivity a server can choose: what the review queue would take."""
    from bot.core.feedback.sensitivity import SENSITIVITIES
    from bot.core.ingest.decision import decide_flag
    from bot.storage.models import FlagKind

    if pipeline is None:
        from bot.core.spam import SpamDetector

        pipeline = Pipeline(Scorer(), SpamDetector())
    judged = []
    for item in items:
        _score, verdict, feedback = pipeline.analysis.analyse(item.text, None, exempt=False)
        flagged = {}
        for level in SENSITIVITIES:
            flag = decide_flag(item.text, feedback, verdict, level)
            flagged[level] = flag is not None and flag.kind is FlagKind.NEGATIVE
        judged.append(Judged(item.text, item.negative, flagged))
    return judged


def write_small_sample_warning(out: TextIO, total: int, positives: int, what: str) -> bool:
    """One line when the file is too small to trust the figures; True when it was written."""
    if positives >= MIN_NEGATIVE and total >= MIN_TOTAL:
        return False
    step = 100 / positives if positives else 100
    out.write(
        f"Warning: only {total} comments, {positives} {what}: one comment more or less moves recall by "
        f"{step:.0f} points. Label at least {MIN_TOTAL} comments with {MIN_NEGATIVE} {what} before changing "
        "a setting.\n"
    )
    return True


def write_misses(out: TextIO, missed: Sequence[str], wrong: Sequence[str], limit: int, what: str) -> None:
    """Up to ``limit`` texts of each kind of mistake, one line each, safe for a terminal."""
    from bot.core.text.terminal import one_line

    for title, texts in (
        (f"Missed ({what}, not sent for review)", missed),
        (f"Sent for review, not {what}", wrong),
    ):
        out.write(
            f"\n{title}: {len(texts)}" + (f", the first {limit}:" if len(texts) > limit else ":") + "\n"
        )
        for text in texts[:limit]:
            out.write(f"  {one_line(text, 110)}\n")


def run_eval(path: Path, out: TextIO, *, misses: int = 0, pipeline: Pipeline | None = None) -> int:
    """Print how the review queue does on a labelled file at each sensitivity a server can choose
    (`/config sensitivity`), and suggest one of them. Returns the process exit code (0).

    Raises ``ValueError`` with a one-line message naming the line number when the file is malformed.
    """
    from bot.core.feedback.sensitivity import DEFAULT_SENSITIVITY, SENSITIVITIES

    items = read_labelled(path)
    judged = judge(items, pipeline)
    negatives = [j.negative for j in judged]
    n_neg = sum(negatives)
    out.write(f"{path.name}: {len(items)} comments, {n_neg} labelled negative\n")
    small = write_small_sample_warning(out, len(items), n_neg, "labelled negative")
    out.write(f"\n{'sensitivity':<11}  {'flagged':>7}  {'precision':>9}  {'recall':>6}  {'F1':>5}\n")
    metrics = {}
    for level in SENSITIVITIES:
        m = rates([j.flagged[level] for j in judged], negatives)
        metrics[level] = m
        marker = "  <- default" if level == DEFAULT_SENSITIVITY else ""
        flagged = sum(j.flagged[level] for j in judged)
        out.write(f"{level:<11}  {flagged:>7}  {m.precision:>9.3f}  {m.recall:>6.3f}  {m.f1:>5.3f}{marker}\n")
    current = metrics[DEFAULT_SENSITIVITY]
    best = max(SENSITIVITIES, key=lambda level: (round(metrics[level].f1, 4), level == DEFAULT_SENSITIVITY))
    out.write("\n")
    if n_neg == 0:
        out.write("No negative labels in the file: precision and recall are not meaningful.\n")
    elif small:
        out.write("Suggestion: none yet (too few labelled comments); the default sensitivity stays.\n")
    elif best != DEFAULT_SENSITIVITY and metrics[best].f1 - current.f1 >= 0.01:
        out.write(
            f"Suggestion: /config sensitivity level:{best} (F1 {metrics[best].f1:.3f} against "
            f"{current.f1:.3f} at {DEFAULT_SENSITIVITY}).\n"
        )
    else:
        out.write(f"Suggestion: keep the default sensitivity ({DEFAULT_SENSITIVITY}).\n")
    if misses > 0:
        at_default = [j for j in judged if j.flagged[DEFAULT_SENSITIVITY] != j.negative]
        write_misses(
            out,
            [j.text for j in at_default if j.negative],
            [j.text for j in at_default if not j.negative],
            misses,
            "negative",
        )
    return 0
