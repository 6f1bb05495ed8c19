"""What is rising: terms used much more in a period than in the previous period of the same length.

A period here is whole UTC days ending with today (term counts are per UTC day): "24h" is today against
yesterday, "7d" the last 7 days against the 7 before. A term's change is the smoothed log-ratio of its rate
per counted comment, ``log((c_now + α) / N_now) - log((c_prev + α) / N_prev)``, so a term nobody used before
does not get an infinite score and a busier period does not lift every term. Terms used fewer than
``MIN_COUNT`` times in the period are left out, the rest ranked by change (then count, then term)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from bot.core.periods import DAY, Period, day_start
from bot.storage.models import TermCount

ALPHA = 1.0  # added to both counts
MIN_COUNT = 3  # uses in the period for a term to be ranked
TOP = 15
MIN_MESSAGES = 20  # comments counted in each of the two periods for a ranking to mean anything


@dataclass(frozen=True, slots=True)
class RisingTerm:
    term: str
    count: int  # comments that used it in the period
    previous: int  # ... in the previous period
    change: float  # the smoothed log-ratio (> 0: rising)
    sentiment: float  # the mean compound score of the period's comments that used it

    @property
    def ratio(self) -> float:
        """The change as a factor (how many times more often, per comment)."""
        return math.exp(self.change)


@dataclass(frozen=True, slots=True)
class TrendReport:
    period: Period
    messages: int  # comments counted in the period
    previous_messages: int
    rising: list[RisingTerm]

    @property
    def enough_data(self) -> bool:
        return self.messages >= MIN_MESSAGES and self.previous_messages >= MIN_MESSAGES


def log_ratio(
    count: int, messages: int, previous: int, previous_messages: int, alpha: float = ALPHA
) -> float:
    return math.log((count + alpha) / messages) - math.log((previous + alpha) / previous_messages)


def rank(
    terms: Iterable[TermCount],
    messages: int,
    previous_messages: int,
    *,
    alpha: float = ALPHA,
    min_count: int = MIN_COUNT,
    top: int = TOP,
) -> list[RisingTerm]:
    """The ``top`` rising terms (change > 0) among those used at least ``min_count`` times. A word used
    exactly as often as a rising phrase it is part of, in both periods, only ever appeared in that phrase:
    the phrase is listed, not the word too."""
    if messages <= 0 or previous_messages <= 0:
        return []
    found: dict[str, RisingTerm] = {}
    for t in terms:
        if t.count < min_count:
            continue
        change = log_ratio(t.count, messages, t.previous, previous_messages, alpha)
        if change > 0:
            found[t.term] = RisingTerm(t.term, t.count, t.previous, change, t.compound_sum / t.count)
    covered = {
        word
        for phrase in found.values()
        if " " in phrase.term
        for word in phrase.term.split(" ")
        if word in found and (found[word].count, found[word].previous) == (phrase.count, phrase.previous)
    }
    out = [r for term, r in found.items() if term not in covered]
    out.sort(key=lambda r: (-r.change, -r.count, r.term))
    return out[:top]


def period_days(period: Period, now: int) -> tuple[int, int, int]:
    """(start of the previous period, start of this one, end of this one): UTC day starts, end exclusive."""
    seconds = period.seconds
    if seconds is None:
        raise ValueError("trends compare a period with the one before: 'all' has none")
    days = max(1, seconds // DAY)
    end = day_start(int(now)) + DAY
    mid = end - days * DAY
    return mid - days * DAY, mid, end


class TermCounts(Protocol):
    """The one read ranking needs (a part of bot.storage.base.TrendStore)."""

    async def term_counts(
        self, guild_id: int, start_day: int, mid_day: int, end_day: int, min_count: int
    ) -> tuple[int, int, list[TermCount]]: ...


async def rising_terms(store: TermCounts, guild_id: int, period: Period, now: int) -> TrendReport:
    """The server's rising terms over ``period`` at ``now``."""
    start, mid, end = period_days(period, now)
    previous_messages, messages, terms = await store.term_counts(guild_id, start, mid, end, MIN_COUNT)
    return TrendReport(period, messages, previous_messages, rank(terms, messages, previous_messages))
