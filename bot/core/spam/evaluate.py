"""The spam part of ``sentimeter eval`` on the community format: precision, recall and F1, the share of
non-spam called spam, and per category how much spam was found and missed.

The community format labels spam 1/0 without its kind, so a missed message is counted under the category its
text points to (:meth:`SpamDetector.category_hint`), and a found one under the verdict's category."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TextIO

from bot.core.spam.community import CATEGORIES
from bot.core.spam.detector import SpamDetector, SpamVerdict

NO_CATEGORY = "unclear"  # a missed message whose text points to no category


@dataclass(slots=True)
class SpamReport:
    spam: int = 0  # labelled spam
    flagged: int = 0
    found: int = 0  # labelled spam that was flagged
    non_spam: int = 0
    non_spam_flagged: int = 0
    found_by_category: Counter[str] = field(default_factory=Counter)
    missed_by_category: Counter[str] = field(default_factory=Counter)
    false_by_category: Counter[str] = field(default_factory=Counter)  # non-spam called spam, by category

    @property
    def precision(self) -> float:
        return self.found / self.flagged if self.flagged else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.spam if self.spam else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def non_spam_called_spam(self) -> float:
        return self.non_spam_flagged / self.non_spam if self.non_spam else 0.0

    def add(self, text: str, labelled_spam: bool, verdict: SpamVerdict, detector: SpamDetector) -> None:
        """Count one labelled message and the verdict it got."""
        self.flagged += verdict.is_spam
        if labelled_spam:
            self.spam += 1
            if verdict.is_spam:
                self.found += 1
                self.found_by_category[verdict.category] += 1
            else:
                self.missed_by_category[detector.category_hint(text) or NO_CATEGORY] += 1
        else:
            self.non_spam += 1
            if verdict.is_spam:
                self.non_spam_flagged += 1
                self.false_by_category[verdict.category] += 1


def spam_report(rows: Iterable[tuple[str, bool]], detector: SpamDetector) -> SpamReport:
    """The report for ``(text, labelled spam)`` rows, judged by ``detector.check_text``."""
    report = SpamReport()
    for text, labelled in rows:
        report.add(text, labelled, detector.check_text(text), detector)
    return report


def write_spam_report(report: SpamReport, out: TextIO) -> None:
    out.write(
        f"spam by category: precision {report.precision:.3f}  recall {report.recall:.3f}  F1 {report.f1:.3f}"
        f"  ({report.found} of {report.spam} found; non-spam called spam {report.non_spam_flagged} of"
        f" {report.non_spam}, {100 * report.non_spam_called_spam:.2f}%)\n"
    )
    out.write(f"  {'category':<10} {'found':>5} {'missed':>6} {'wrongly':>7}\n")
    for category in (*CATEGORIES, NO_CATEGORY):
        found = report.found_by_category[category]
        missed = report.missed_by_category[category]
        wrong = report.false_by_category[category]
        if found or missed or wrong or category != NO_CATEGORY:
            out.write(f"  {category:<10} {found:>5} {missed:>6} {wrong:>7}\n")
