"""Value objects returned by the scorer (see docs/architecture.md)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SentimentScore:
    compound: float  # -1..1, VADER scale
    pos: float
    neu: float
    neg: float
    language: str  # "en" | "id" | "mixed" | "unknown"


@dataclass(frozen=True, slots=True)
class WordContribution:
    word: str  # as it appeared (lower-cased)
    valence: float  # its effect after negation/intensifiers, VADER scale
    note: str | None  # e.g. "negated by 'tidak'", "boosted by 'banget'", "server lexicon"


@dataclass(frozen=True, slots=True)
class Explanation:
    score: SentimentScore
    cleaned_text: str
    contributions: list[WordContribution]  # words that moved the score, strongest first
