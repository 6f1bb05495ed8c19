"""The ranking of /trends against a brute-force computation, with phrases, and the periods it compares."""

from __future__ import annotations

import math
import random

import pytest

from bot.core.periods import DAY, Period
from bot.core.trends.rank import ALPHA, MIN_COUNT, TOP, period_days, rank
from bot.storage.models import TermCount

NOW = 1_700_000_000


def brute(terms: list[TermCount], n: int, n_prev: int) -> list[tuple[str, int, int, float, float]]:
    scored = {}
    for t in terms:
        change = math.log((t.count + ALPHA) / n) - math.log((t.previous + ALPHA) / n_prev)
        if t.count >= MIN_COUNT and change > 0:
            scored[t.term] = (t.term, t.count, t.previous, change, t.compound_sum / t.count)
    keep = []
    for term, row in scored.items():
        in_same_phrase = any(
            term in other.split(" ") and (scored[other][1], scored[other][2]) == (row[1], row[2])
            for other in scored
            if " " in other and other != term
        )
        if " " in term or not in_same_phrase:
            keep.append(row)
    return sorted(keep, key=lambda r: (-r[3], -r[1], r[0]))[:TOP]


@pytest.mark.parametrize("seed", range(20))
def test_rank_matches_a_brute_force_computation(seed: int) -> None:
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(12)]
    terms: dict[str, TermCount] = {}
    for w in words:
        terms[w] = TermCount(w, rng.randint(0, 30), rng.randint(0, 30), rng.uniform(-5, 5))
    for _ in range(15):
        a, b = rng.sample(words, 2)
        phrase = f"{a} {b}"
        if rng.random() < 0.5:  # sometimes the word was only ever used in this phrase
            terms[phrase] = TermCount(phrase, terms[a].count, terms[a].previous, terms[a].compound_sum)
        else:
            terms[phrase] = TermCount(phrase, rng.randint(0, 30), rng.randint(0, 30), rng.uniform(-5, 5))
    n, n_prev = rng.randint(40, 400), rng.randint(40, 400)
    ranked = rank(list(terms.values()), n, n_prev)
    got = [(r.term, r.count, r.previous, r.change, r.sentiment) for r in ranked]
    expected = brute(list(terms.values()), n, n_prev)
    assert [g[:3] for g in got] == [e[:3] for e in expected]
    assert [x for g in got for x in g[3:]] == pytest.approx([x for e in expected for x in e[3:]])


def test_a_new_term_needs_the_minimum_count_and_falling_terms_are_left_out() -> None:
    terms = [
        TermCount("new", MIN_COUNT, 0, 0.0),
        TermCount("too rare", MIN_COUNT - 1, 0, 0.0),
        TermCount("falling", 5, 50, 0.0),
    ]
    assert [r.term for r in rank(terms, 100, 100)] == ["new"]
    assert rank(terms, 0, 100) == [] and rank(terms, 100, 0) == []


def test_periods_are_whole_utc_days_ending_today() -> None:
    today = NOW - NOW % DAY
    assert period_days(Period.DAY, NOW) == (today - DAY, today, today + DAY)
    assert period_days(Period.WEEK, NOW) == (today - 13 * DAY, today - 6 * DAY, today + DAY)
    with pytest.raises(ValueError):
        period_days(Period.ALL, NOW)
