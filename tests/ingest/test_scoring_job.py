"""score_job (what a scoring worker runs) gives per item what the analysis half's separate steps give."""

from __future__ import annotations

import pytest

from bot.core.ingest import scoring
from bot.core.ingest.analysis import Analyser, raw_score
from bot.core.scoring import Scorer
from bot.core.spam import SpamDetector
from bot.core.spam.behaviour import fingerprint

TEXTS = [
    "this stream is trash, worst one ever, so disappointed",
    "𝐒𝐋𝐎𝐓 𝐆𝐀𝐂𝐎𝐑 hari ini di PULAU777 pasti maxwin, depo 10k langsung wd!!",
    "Free nitro for everyone who joins, claim it here https://discorcl.gift/abc @everyone",
    "tom &amp; jerry was a great show honestly",
    "gg",
    "",
    "   ",
    "😂😂😂",
    "<@123456789012345678> stream kemarin seru banget, makasih kak",
    "Hey guys check out my new channel and please subscribe!!!",
    "p3t1r xuxu4d daftar sekarang bosku",
    "the audio was a bit quiet sometimes but the overlay looks amazing",
]


@pytest.fixture(scope="module")
def analyser() -> Analyser:
    return Analyser(Scorer(), SpamDetector())


@pytest.mark.parametrize("exempt", [False, True])
@pytest.mark.parametrize("lexicon", [None, {"stream": 2.5, "trash": 1.0}])
def test_items_match_the_separate_steps(
    analyser: Analyser, exempt: bool, lexicon: dict[str, float] | None
) -> None:
    scoring._cache.clear()
    job = scoring.build_job([(text, lexicon, exempt) for text in TEXTS * 2])  # twice: the cache answers
    result = scoring.score_job(analyser, job)
    assert result.errors == []
    fresh = Analyser(Scorer(), SpamDetector())
    for text, (score, spam, fp, feedback, terms) in zip(TEXTS * 2, result.items, strict=True):
        expected_score, verdict, expected_feedback = fresh.analyse(text, lexicon, exempt=exempt)
        assert score == raw_score(expected_score)
        assert scoring.spam_verdict(spam) == (verdict if verdict.is_spam else None)
        assert fp == (None if exempt or not text.strip() else fingerprint(text))
        assert feedback == expected_feedback
        assert feedback is None or not (exempt or verdict.high_confidence)
        assert terms == fresh.analyse_all(text, lexicon, exempt=exempt)[4]


def test_spam_and_fingerprint_are_filled_in(analyser: Analyser) -> None:
    scoring._cache.clear()
    job = scoring.build_job([(TEXTS[1], None, False), (TEXTS[2], None, False), (TEXTS[4], None, False)])
    items = scoring.score_job(analyser, job).items
    assert items[0][1] is not None and items[1][1] is not None  # both spam, with a reason
    assert isinstance(items[0][1][1], str) and items[0][2] is not None and items[1][2] is not None
    assert items[2][1] is None and items[2][2] is None  # "gg": too short for a fingerprint


def test_quiet_words_follow_the_lexicon_object(analyser: Analyser) -> None:
    mild = "the audio was a bit meh today"
    fine = {"meh": 2.0}
    quiet = analyser.analyse(mild, fine, exempt=False)[2]
    assert quiet is not None and quiet == analyser.analyse(mild, fine, exempt=False)[2]  # remembered
    assert "meh" not in quiet[2]
    harsh = analyser.analyse(mild, {"meh": -2.0}, exempt=False)[2]  # another lexicon: worked out again
    assert harsh is not None and "meh" in " ".join(harsh[2]) and harsh[0] > quiet[0]
