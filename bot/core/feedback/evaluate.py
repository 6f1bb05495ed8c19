"""``sentimeter eval`` on the community format: how well do the review queue and the spam check do on a
moderator's own labelled messages?

The file is tab-separated UTF-8 with the header ``lang sentiment feedback spam topic niche text`` (the format
of community-dev; ``\\n`` in a text is a newline, nothing is quoted). Every text goes through the same
pipeline as a live message, at the default sensitivity, without exemptions.

Reported: negative feedback (precision, recall, F1, and the flood: the share of ordinary messages, neither
feedback nor spam, sent to the review queue), spam (precision, recall, F1, and the share of non-spam called
spam), the sentiment label (positive/neutral/negative from the compound) right, and the topic confusion of the
feedback that was found."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.core.ingest.pipeline import Pipeline
from bot.core.scoring.thresholds import sentiment_label
from bot.storage.models import FlagKind, GuildConfig

COLUMNS = ("lang", "sentiment", "feedback", "spam", "topic", "niche", "text")
_SENTIMENT = {"pos": "positive", "neu": "neutral", "neg": "negative"}


@dataclass(frozen=True, slots=True)
class CommunityRow:
    text: str
    sentiment: str  # positive | neutral | negative
    feedback: bool
    spam: bool
    topic: str  # "" unless feedback


def is_community_file(path: Path) -> bool:
    with path.open(encoding="utf-8", errors="replace") as f:
        first = f.readline().rstrip("\r\n").split("\t")
    return tuple(cell.strip().lower() for cell in first) == COLUMNS


def read_community(path: Path) -> list[CommunityRow]:
    """The rows of a community-format file; ValueError naming the line for anything malformed."""
    rows = []
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None or tuple(c.strip().lower() for c in header) != COLUMNS:
            raise ValueError(f"the header must be: {' '.join(COLUMNS)}")
        for line_no, row in enumerate(reader, start=2):
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) != len(COLUMNS):
                raise ValueError(
                    f"line {line_no}: expected {len(COLUMNS)} tab-separated columns, got {len(row)}"
                )
            _lang, sentiment, feedback, spam, topic, _niche, text = row
            if sentiment not in _SENTIMENT or feedback not in ("0", "1") or spam not in ("0", "1"):
                raise ValueError(f"line {line_no}: sentiment must be pos/neu/neg, feedback and spam 0 or 1")
            rows.append(
                CommunityRow(
                    text.replace("\\n", "\n"), _SENTIMENT[sentiment], feedback == "1", spam == "1", topic
                )
            )
    if not rows:
        raise ValueError("no labelled messages")
    return rows


@dataclass(frozen=True, slots=True)
class Rates:
    precision: float
    recall: float
    f1: float
    found: int
    labelled: int


def rates(predicted: Sequence[bool], actual: Sequence[bool]) -> Rates:
    """Precision, recall and F1 of ``predicted`` against the labels ``actual``."""
    tp = sum(p and a for p, a in zip(predicted, actual, strict=True))
    flagged = sum(predicted)
    labelled = sum(actual)
    precision = tp / flagged if flagged else 0.0
    recall = tp / labelled if labelled else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Rates(precision, recall, f1, tp, labelled)


@dataclass(frozen=True, slots=True)
class CommunityReport:
    feedback: Rates
    flood: float  # ordinary messages sent to the review queue
    spam: Rates
    non_spam_called_spam: float
    sentiment_right: float
    topic_right: float  # of the feedback found
    topic_confusion: dict[tuple[str, str], int]  # (labelled, predicted) -> count, for the feedback found
    feedback_flags: tuple[bool, ...] = ()  # per row: sent to the review queue as negative feedback


def evaluate(rows: Sequence[CommunityRow], pipeline: Pipeline) -> CommunityReport:
    config = GuildConfig(guild_id=0, threshold=0.0)
    feedback_flags: list[bool] = []
    spam_flags: list[bool] = []
    labels_right = 0
    confusion: Counter[tuple[str, str]] = Counter()
    for row in rows:
        result = pipeline.assess(row.text, config, None, exempt=False)
        is_feedback = result.flag is not None and result.flag.kind is FlagKind.NEGATIVE
        feedback_flags.append(is_feedback)
        spam_flags.append(result.spam.is_spam)
        compound = result.score.compound if result.score is not None else 0.0
        labels_right += sentiment_label(compound) == row.sentiment
        if is_feedback and row.feedback and result.flag is not None:
            confusion[(row.topic, result.flag.topic or "")] += 1
    ordinary = [i for i, r in enumerate(rows) if not r.feedback and not r.spam]
    non_spam = [i for i, r in enumerate(rows) if not r.spam]
    found = sum(confusion.values())
    return CommunityReport(
        feedback=rates(feedback_flags, [r.feedback for r in rows]),
        flood=sum(feedback_flags[i] for i in ordinary) / len(ordinary) if ordinary else 0.0,
        spam=rates(spam_flags, [r.spam for r in rows]),
        non_spam_called_spam=sum(spam_flags[i] for i in non_spam) / len(non_spam) if non_spam else 0.0,
        sentiment_right=labels_right / len(rows),
        topic_right=sum(n for (a, b), n in confusion.items() if a == b) / found if found else 0.0,
        topic_confusion=dict(confusion),
        feedback_flags=tuple(feedback_flags),
    )


def write_report(report: CommunityReport, total: int, out: TextIO) -> None:
    fb, sp = report.feedback, report.spam
    out.write(f"{total} labelled messages; default sensitivity\n")
    out.write(
        f"negative feedback: precision {fb.precision:.3f}  recall {fb.recall:.3f}  F1 {fb.f1:.3f}"
        f"  ({fb.found} of {fb.labelled} found)\n"
    )
    out.write(f"flood (ordinary messages sent to the review queue): {100 * report.flood:.1f}%\n")
    out.write(
        f"spam: precision {sp.precision:.3f}  recall {sp.recall:.3f}  F1 {sp.f1:.3f}"
        f"  non-spam called spam {100 * report.non_spam_called_spam:.2f}%\n"
    )
    out.write(f"sentiment label right: {100 * report.sentiment_right:.1f}%\n")
    out.write(f"topic right on the feedback found: {100 * report.topic_right:.1f}%\n")
    if report.topic_confusion:
        out.write("topic confusion (labelled -> predicted: count):\n")
        for (labelled, predicted), n in sorted(
            report.topic_confusion.items(), key=lambda kv: (-kv[1], kv[0])
        ):
            out.write(f"  {labelled or '-':<11} -> {predicted or '-':<11} {n}\n")


def run_community_eval(path: Path, out: TextIO, pipeline: Pipeline | None = None, *, misses: int = 0) -> int:
    from bot.core.scoring.evaluate import write_misses, write_small_sample_warning

    rows = read_community(path)
    if pipeline is None:
        from bot.core.scoring import Scorer
        from bot.core.spam import SpamDetector

        pipeline = Pipeline(Scorer(), SpamDetector())
    report = evaluate(rows, pipeline)
    write_small_sample_warning(out, len(rows), sum(r.feedback for r in rows), "labelled feedback")
    write_report(report, len(rows), out)
    if misses > 0:
        pairs = list(zip(rows, report.feedback_flags, strict=True))
        write_misses(
            out,
            [row.text for row, sent in pairs if row.feedback and not sent],
            [row.text for row, sent in pairs if sent and not row.feedback],
            misses,
            "feedback",
        )
    return 0
