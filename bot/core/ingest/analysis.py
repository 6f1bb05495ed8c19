"""The analysis half of the pipeline: clean → score → text spam check → negative-feedback check → behaviour
fingerprint.

A pure function of the text, the server's lexicon and whether the author/channel is exempt, so it can run
in a worker process (bot/core/ingest/scoring.py runs it there for the bot and for `sentimeter analyze`).
What depends on the order of the messages -- the behaviour tracker, the flag decision, the write -- is the
decision half (bot/core/ingest/decision.py)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.core.feedback import FeedbackDetector
from bot.core.scoring import Scorer, SentimentScore
from bot.core.spam import SpamDetector, SpamVerdict
from bot.core.spam import behaviour as _behaviour
from bot.core.text.bounds import bound_content
from bot.core.text.clean import clean_for_scoring
from bot.core.trends import extract_terms

NOT_SPAM = SpamVerdict(is_spam=False, confidence=0.0, reason=None, high_confidence=False)

# A score as plain values (compound, pos, neu, neg, language): cheap to send between processes.
RawScore = tuple[float, float, float, float, str]


# Negative feedback as plain values: probability, topic, evidence (None: blank, exempt or spam).
FeedbackValues = tuple[float, str, tuple[str, ...]]

# A comment's terms for /trends (bot/core/trends), none for sure spam: one string, the terms separated by
# TERM_SEP (one string pickles several times faster than a tuple of them on the way back from a worker).
Terms = str
TERM_SEP = "\n"


def joined_terms(content: str, cleaned: str) -> Terms:
    return TERM_SEP.join(extract_terms(content, cleaned))


def split_terms(terms: Terms) -> tuple[str, ...]:
    return tuple(terms.split(TERM_SEP)) if terms else ()


QUIET_CACHE = 256  # lexicons whose quiet words are remembered (a job sends each server's lexicon once)


def not_negative_words(lexicon: Mapping[str, float]) -> frozenset[str]:
    """The words a server rated positive or neutral in its own lexicon: the feedback check does not count them
    (a server that calls "meh" positive is not flagged for "meh")."""
    return frozenset(word for word, value in lexicon.items() if value >= 0)


def raw_score(score: SentimentScore | None) -> RawScore | None:
    if score is None:
        return None
    return (score.compound, score.pos, score.neu, score.neg, score.language)


class Analyser:
    """The costly, text-only half: needs the lexicons (Scorer), the spam rules (SpamDetector) and the
    feedback model (FeedbackDetector, loaded from the shipped weights when not given)."""

    def __init__(self, scorer: Scorer, spam: SpamDetector, feedback: FeedbackDetector | None = None) -> None:
        self.scorer = scorer
        self.spam = spam
        self.feedback = feedback if feedback is not None else FeedbackDetector()
        # id(lexicon) -> (the lexicon, kept so its id stays its own; its not-negative words)
        self._quiet: dict[int, tuple[Mapping[str, float], frozenset[str]]] = {}

    def _quiet_words(self, lexicon: Mapping[str, float]) -> frozenset[str]:
        """:func:`not_negative_words`, worked out once per lexicon object rather than once per message. A
        lexicon is never changed in place: ConfigCache drops and reloads it, workers get a copy per job."""
        hit = self._quiet.get(id(lexicon))
        if hit is not None and hit[0] is lexicon:
            return hit[1]
        if len(self._quiet) >= QUIET_CACHE:
            self._quiet.clear()
        quiet = not_negative_words(lexicon)
        self._quiet[id(lexicon)] = (lexicon, quiet)
        return quiet

    def _feedback(
        self, cleaned: str, score: SentimentScore | None, lexicon: Mapping[str, float] | None
    ) -> FeedbackValues | None:
        if score is None:
            return None
        quiet = self._quiet_words(lexicon) if lexicon else frozenset()
        verdict = self.feedback.assess(cleaned, score.compound, score.neg, quiet)
        return (verdict.probability, verdict.topic, verdict.evidence)

    def analyse(
        self, content: str, lexicon: Mapping[str, float] | None, *, exempt: bool
    ) -> tuple[SentimentScore | None, SpamVerdict, FeedbackValues | None]:
        """Score the cleaned text and (unless exempt) check the raw text for spam and, unless it is
        surely spam, the cleaned text for negative feedback."""
        score, verdict, _fingerprint, feedback = self.analyse_with_fingerprint(
            content, lexicon, exempt=exempt
        )
        return score, verdict, feedback

    def analyse_with_fingerprint(
        self, content: str, lexicon: Mapping[str, float] | None, *, exempt: bool
    ) -> tuple[SentimentScore | None, SpamVerdict, int | None, FeedbackValues | None]:
        """:meth:`analyse` plus the text's behaviour fingerprint (None when exempt or blank), reusing the spam
        check's normalisation of the text."""
        score, verdict, fingerprint, feedback, _terms = self.analyse_all(content, lexicon, exempt=exempt)
        return score, verdict, fingerprint, feedback

    def analyse_all(
        self, content: str, lexicon: Mapping[str, float] | None, *, exempt: bool
    ) -> tuple[SentimentScore | None, SpamVerdict, int | None, FeedbackValues | None, Terms]:
        """:meth:`analyse_with_fingerprint` plus the comment's terms for /trends (none for sure spam): what a
        scoring worker sends back."""
        # no caller can hand the scorer or the spam check more than Discord's maximum
        content = bound_content(content)
        cleaned = clean_for_scoring(content) if content else ""
        score = self.scorer.score(cleaned, overrides=lexicon or None) if cleaned.strip() else None
        if exempt or not content.strip():
            return score, NOT_SPAM, None, None, joined_terms(content, cleaned) if score is not None else ""
        verdict, norm = self.spam.check_text_with_normalized(content)
        # a text spam verdict the server's moderators may overrule (not high confidence) still gets the
        # feedback check, so a message they let through can be flagged as feedback
        skip = verdict.is_spam and verdict.high_confidence
        feedback = None if skip else self._feedback(cleaned, score, lexicon)
        terms = joined_terms(content, cleaned) if score is not None and not skip else ""
        if norm is None:
            return score, verdict, _behaviour.fingerprint(content), feedback, terms
        return score, verdict, _behaviour.fingerprint_normalized(norm), feedback, terms
