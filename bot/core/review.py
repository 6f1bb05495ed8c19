"""The review queue's rules, free of Discord: which button actions a flag of each kind offers and what status
each one sets, and turning false-positive texts into word candidates for ``/lexicon add``. Rendering a
review post lives in ``bot/app/markdown.py`` and ``cogs/flags/_posts.py``."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.storage.models import FlagKind, FlagStatus

if TYPE_CHECKING:
    from bot.core.scoring import Explanation

log = logging.getLogger(__name__)

# -- buttons -----------------------------------------------------------------------------------------------


class ReviewAction:
    """Button actions on review posts. The values are part of persisted custom ids: never rename."""

    ACK = "ack"
    NOT_NEGATIVE = "fp"
    DELETE = "del"
    SPAM_DELETE = "spamdel"
    SPAM_TIMEOUT = "spamto"
    NOT_SPAM = "notspam"
    UNDO = "undo"


ACTIONS_FOR_KIND: dict[FlagKind, tuple[str, ...]] = {
    FlagKind.NEGATIVE: (ReviewAction.ACK, ReviewAction.NOT_NEGATIVE, ReviewAction.DELETE),
    FlagKind.MANUAL: (ReviewAction.ACK, ReviewAction.NOT_NEGATIVE, ReviewAction.DELETE),
    FlagKind.SPAM: (ReviewAction.SPAM_DELETE, ReviewAction.SPAM_TIMEOUT, ReviewAction.NOT_SPAM),
}

STATUS_FOR_ACTION: dict[str, FlagStatus] = {
    ReviewAction.ACK: FlagStatus.ACKNOWLEDGED,
    ReviewAction.NOT_NEGATIVE: FlagStatus.NOT_NEGATIVE,
    ReviewAction.DELETE: FlagStatus.DELETED,
    ReviewAction.SPAM_DELETE: FlagStatus.DELETED,
    ReviewAction.SPAM_TIMEOUT: FlagStatus.DELETED_TIMED_OUT,
    ReviewAction.NOT_SPAM: FlagStatus.NOT_SPAM,
}

DELETING_ACTIONS = frozenset({ReviewAction.DELETE, ReviewAction.SPAM_DELETE, ReviewAction.SPAM_TIMEOUT})


def action_allowed(action: str, kind: FlagKind, status: FlagStatus) -> bool:
    """Whether a button with ``action`` makes sense on a flag of this kind (custom ids can be forged)."""
    if action == ReviewAction.UNDO:
        return kind is FlagKind.SPAM and status is FlagStatus.AUTO_DELETED
    return action in ACTIONS_FOR_KIND.get(kind, ())


# -- false-positive words ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WordCandidate:
    word: str
    flags: int  # in how many false-positive texts the word pulled the score down
    avg_valence: float  # its average (negative) effect there, VADER scale


def false_positive_candidates(
    texts: Iterable[str], explain: Callable[[str], Explanation], *, limit: int = 10
) -> list[WordCandidate]:
    """Words that most often pushed comments moderators marked *Not negative* below zero.

    ``explain`` takes the raw text (the caller cleans it and applies the server's lexicon), so a word already
    fixed with ``/lexicon add`` stops showing up. Each word counts once per text. Most frequent first, then
    the strongest effect, then alphabetical."""
    counts: Counter[str] = Counter()
    valence_sum: dict[str, float] = {}
    for text in texts:
        if not text:
            continue
        try:
            explanation = explain(text)
        except Exception:  # a scorer bug must not break /flags summary
            log.exception("could not explain a false-positive text")
            continue
        seen: dict[str, float] = {}
        for contribution in explanation.contributions:
            if contribution.valence < 0:
                word = contribution.word.lower()
                seen[word] = min(seen.get(word, 0.0), contribution.valence)
        for word, valence in seen.items():
            counts[word] += 1
            valence_sum[word] = valence_sum.get(word, 0.0) + valence
    ranked = sorted(counts, key=lambda w: (-counts[w], valence_sum[w] / counts[w], w))
    return [WordCandidate(w, counts[w], valence_sum[w] / counts[w]) for w in ranked[: max(limit, 0)]]


# -- the review-post outbox ----------------------------------------------------------------------------------

RETRY_BASE = 0.5  # seconds before the first retry of a failed review post
RETRY_CAP = 300.0  # never longer than this between two tries
POST_MAX_AGE = 7 * 86_400  # a post still failing after a week is given up (logged)


def retry_delay(attempts: int, rng: Callable[[], float]) -> float:
    """Seconds to wait after ``attempts`` failed tries (1, 2, …): exponential from ``RETRY_BASE``, bounded by
    ``RETRY_CAP``, with jitter (between half and all of it, ``rng()`` in [0, 1)) so that many pending posts,
    or many bots after one outage, do not retry in step."""
    exponent = min(max(attempts, 1) - 1, 30)
    delay = min(RETRY_CAP, RETRY_BASE * 2.0**exponent)
    return delay * (0.5 + 0.5 * rng())
