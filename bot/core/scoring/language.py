"""Cheap per-comment language guess ("en" | "id" | "mixed" | "unknown") from function-word hits.

Good enough to choose the scoring rules, not a general language identifier: it counts English and Indonesian
function words (plus Indonesian informal markers); when there are none it falls back to which lexicon knows
the comment's words.
"""

from __future__ import annotations

from collections.abc import Container, Sequence

from bot.core.scoring.indonesian import STOPWORDS as ID_STOPWORDS
from bot.core.scoring.indonesian import is_laughter

EN_STOPWORDS: frozenset[str] = frozenset(
    [
        "the",
        "a",
        "an",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "you",
        "your",
        "you're",
        "youre",
        "i",
        "i'm",
        "im",
        "me",
        "my",
        "mine",
        "it",
        "it's",
        "its",
        "this",
        "that",
        "these",
        "those",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "so",
        "not",
        "no",
        "yes",
        "do",
        "does",
        "did",
        "don't",
        "dont",
        "doesn't",
        "didn't",
        "can",
        "can't",
        "cant",
        "will",
        "would",
        "won't",
        "should",
        "could",
        "have",
        "has",
        "had",
        "what",
        "why",
        "how",
        "when",
        "where",
        "who",
        "which",
        "there",
        "their",
        "they",
        "them",
        "he",
        "she",
        "his",
        "her",
        "we",
        "our",
        "us",
        "just",
        "like",
        "very",
        "really",
        "too",
        "more",
        "most",
        "all",
        "any",
        "some",
        "about",
        "from",
        "out",
        "up",
        "at",
        "as",
        "if",
        "than",
        "then",
        "also",
        "only",
        "even",
        "am",
        "isnt",
        "isn't",
        "wasn't",
        "aren't",
        "got",
        "get",
        "gonna",
        "wanna",
        "lol",
        "lmao",
        "omg",
        "bro",
        "dude",
        "guys",
    ]
)

# Tokens that occur in both lists carry no evidence.
_SHARED = EN_STOPWORDS & ID_STOPWORDS
_EN_ONLY = EN_STOPWORDS - _SHARED
_ID_ONLY = ID_STOPWORDS - _SHARED
# Informal Indonesian markers that are not stop-words but are unmistakable.
_ID_MARKERS = frozenset(
    {"bgt", "gk", "tdk", "yg", "wkwk", "nggak", "enggak", "gw", "lu", "dong", "deh", "sih"}
)


# token_class bits: function-word evidence (one of the first two) and lexicon evidence for the fallback
EN_FUNCTION = 1
ID_FUNCTION = 2
EN_WORD = 4
ID_WORD = 8


def token_class(token: str, en_lexicon: Container[str] = (), id_lexicon: Container[str] = ()) -> int:
    """What one lower-cased token says about the language, as ``EN_*`` / ``ID_*`` bits (cacheable)."""
    bits = 0
    if token in _EN_ONLY:
        bits = EN_FUNCTION
    elif token in _ID_ONLY or token in _ID_MARKERS or (is_laughter(token) and token.startswith("wk")):
        bits = ID_FUNCTION
    if token in en_lexicon:
        bits |= EN_WORD
    elif token in id_lexicon:
        bits |= ID_WORD
    return bits


def language_from_counts(en: int, id_: int, en_words: int, id_words: int) -> str:
    """The guess from function-word counts, falling back to lexicon counts (see ``detect_language``)."""
    if en + id_ == 0:
        if en_words == 0 and id_words == 0:
            return "unknown"
        en, id_ = en_words, id_words
    share = id_ / (en + id_)
    if share >= 0.8:
        return "id"
    if share <= 0.2:
        return "en"
    return "mixed"


def detect_language(
    tokens: Sequence[str], *, en_lexicon: Container[str] = (), id_lexicon: Container[str] = ()
) -> str:
    """Guess the language of a comment from its lower-cased tokens.

    Returns "en" or "id" when at least 80% of the function-word evidence points one way, "mixed" when both
    languages contribute, and "unknown" when nothing is recognised.
    """
    en = 0
    id_ = 0
    for token in tokens:
        if token in _EN_ONLY:
            en += 1
        elif token in _ID_ONLY or token in _ID_MARKERS or (is_laughter(token) and token.startswith("wk")):
            id_ += 1
    if en + id_:
        return language_from_counts(en, id_, 0, 0)
    en_words = sum(1 for token in tokens if token in en_lexicon)
    id_words = sum(1 for token in tokens if token in id_lexicon and token not in en_lexicon)
    return language_from_counts(0, 0, en_words, id_words)
