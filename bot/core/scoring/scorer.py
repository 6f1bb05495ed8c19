"""The sentiment scorer: VADER's rules over English, Indonesian and mixed comments.

``Scorer`` subclasses vaderSentiment's ``SentimentIntensityAnalyzer``. It keeps VADER's lexicon, emoji
descriptions, constants (booster increments, negation scalar, ALL-CAPS increment), its idiom table and its
aggregation (``score_valence``: punctuation emphasis, normalisation to ``compound``, ``pos``/``neu``/``neg``),
and re-states VADER's per-word rule (negation and boosters in the three preceding words, "no", "never so",
"without doubt", "least", "but") over language-dependent word sets:

- English: VADER's lexicon plus community slang and emoji (``slang.py``).
- Indonesian / mixed: learned and hand-written Indonesian weights (``lexicons/id_lexicon.tsv``,
  ``indonesian.HAND_LEXICON``), Indonesian negators, degree words before *and after* the word
  ("bagus banget"), "tapi"/"namun" as "but", informal spellings, reduplication and affix stripping to a
  known root.

Additions of our own: laughter ("lol", "wkwk", 💀, 😭) never cancels a negative comment, and laughter and
emoji are never negated ("udah liat belum 🙏"); neutral Indonesian words (question words, pronouns, time
words, place names: ``indonesian.NEUTRAL_WORDS``) are never scored in Indonesian comments; "gila", "insane",
"sick"... next to a skill or praise word are praise ("gila sih skillnya, insane clutch"); and server
overrides (word -> valence) are consulted before the built-in lexicons on every call without rebuilding
anything.
"""

from __future__ import annotations

import logging
import math
import string
import sys
from collections.abc import Mapping
from importlib import resources
from typing import Any, NamedTuple

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
    normalize,
)

from bot.core.scoring import indonesian
from bot.core.scoring.adjust import SHORT_WORDS, dense_features, load_adjuster, word_keys
from bot.core.scoring.language import (
    EN_FUNCTION,
    EN_WORD,
    ID_FUNCTION,
    ID_WORD,
    language_from_counts,
    token_class,
)
from bot.core.scoring.results import Explanation, SentimentScore, WordContribution
from bot.core.scoring.slang import (
    CAPITAL_LETTERS,
    EMOJI,
    EN_INSULTS,
    EN_LAUGHTER,
    EN_SLANG,
    PRAISE_WORDS,
    QUESTION_COMPLAINT,
    QUESTION_OPENERS,
    QUESTION_SCALE,
    QUESTION_SCALE_NEG,
    QUESTION_STRONG,
    SKILL_WORDS,
    WILD_PRAISE,
)

log = logging.getLogger(__name__)

ID_LEXICON_FILE = "id_lexicon.tsv"
_CACHE_LIMIT = 100_000
_PUNCT = string.punctuation
_EN_NEGATORS = frozenset(NEGATE)
_ID_NEGATORS = _EN_NEGATORS | indonesian.NEGATORS
_EN_PRE: dict[str, float] = {w: v for w, v in BOOSTER_DICT.items() if " " not in w}
_ID_PRE: dict[str, float] = {**_EN_PRE, **indonesian.PRE_BOOSTERS}
# Words VADER rates that mean something else (or nothing) in Indonesian comments.
_VADER_SKIP_IN_ID = frozenset({"no", "dan", "ada", "mau", "kan", "pun", "sale", "bang", "cut", "bom", "top"})
_ID_LAUGH_VALENCE = 1.5
# Words after which "lol" / "wkwk" / 💀 reads as mockery, not as a friendly tone.
_INSULTS = (
    frozenset(
        [w for w, v in EN_SLANG.items() if v < 0]
        + [w for w, v in indonesian.HAND_LEXICON.items() if v < 0]
        + [e for e, (v, _) in EMOJI.items() if v < 0]
        + ["L", "l", "l take"]
    )
    | EN_INSULTS
)
_CRYING = "😭"
_VARIATION_SELECTOR_CHARS = frozenset("\ufe0e\ufe0f")
_EN_CONTRAST = frozenset({"but"})
# words without which VADER's "never so", "without doubt" and "so"/"this" negation exceptions cannot apply
_NEGATION_SPECIAL = frozenset({"never", "without", "so", "this"})
# VADER's multi-word idioms and degree phrases (``_special_idioms``): a comment with none of them skips it
_IDIOM_PHRASES = [k for k in (*SPECIAL_CASES, *BOOSTER_DICT) if " " in k]
_IDIOM_WORDS = frozenset(w for k in _IDIOM_PHRASES for w in k.split())
_IDIOM_KEYS = tuple(f" {k} " for k in _IDIOM_PHRASES)

# (valence, note, is_laughter)
_Entry = tuple[float, str | None, bool]
# How the per-word rule treats a word: (kind, valence, is_laughter, note)
_Info = tuple[int, float, bool, str | None]
# ... as cached per word, with the word's weight in the learned correction as (pos + neg j), 0j without it
_Cached = tuple[int, float, bool, str | None, complex]
_NONE = 0  # no valence of its own (unknown word, negator, degree word, "n't" word)
_VALUE = 1  # a lexicon or phrase valence
_DUAL = 2  # an Indonesian function word that also has a valence of its own ("parah", "kurang")
_SINGLE = 3  # a single ASCII letter: only the capital W / L count
# One whitespace-separated word: its tokens, lower-cased tokens, Indonesian canonical forms, and counts packed
# into one int (English / Indonesian function words, English / Indonesian lexicon words, two-word canonical
# forms) so that a comment's counts are one addition per word.
_Word = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], int]
_FIELD_BITS = 40
_FIELD = (1 << _FIELD_BITS) - 1
_EN_SHIFT = 0
_ID_SHIFT = _FIELD_BITS
_EN_WORD_SHIFT = 2 * _FIELD_BITS
_ID_WORD_SHIFT = 3 * _FIELD_BITS
_EXPAND_SHIFT = 4 * _FIELD_BITS
_WORD_CACHE_LIMIT = 50_000
_NO_INFO: _Info = (_NONE, 0.0, False, None)
_SINGLE_INFO: _Info = (_SINGLE, 0.0, False, None)


def load_id_lexicon() -> dict[str, float]:
    """The shipped Indonesian word list: hand-written seeds overlaid with the weights learned from SmSA."""
    lexicon: dict[str, float] = dict(indonesian.HAND_LEXICON)
    try:
        text = (
            resources.files("bot.core.scoring")
            .joinpath("lexicons")
            .joinpath(ID_LEXICON_FILE)
            .read_text("utf-8")
        )
    except (FileNotFoundError, OSError):
        log.warning("Indonesian lexicon %s missing; using hand-written words only", ID_LEXICON_FILE)
        return lexicon
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        word, value = line.split("\t")[:2]
        lexicon[word] = float(value)
    lexicon.update(indonesian.CHAT_LEXICON)
    return lexicon


class _IdMarkers:
    """Clearly Indonesian words, also recognised through their root ("kekecewaannya" -> "kecewa")."""

    __slots__ = ("words",)

    def __init__(self, words: frozenset[str]) -> None:
        self.words = words

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        if word in self.words:
            return True
        return len(word) >= 5 and word.isalpha() and indonesian.find_root(word, self.words) is not None


class Scorer(SentimentIntensityAnalyzer):
    """Score already-cleaned comments on VADER's scale. Thread-safe for reading; cheap to pickle."""

    def __init__(self, *, id_lexicon: Mapping[str, float] | None = None, learned: bool = False) -> None:
        """Load the lexicons. ``id_lexicon`` replaces the shipped Indonesian list (used to rebuild it);
        ``learned``: apply the learned correction (``adjust.py``). Off by default: even behind its gate it
        lowers the tweets benchmark's negative F1 below its 0.93 floor (see scripts/train_sentiment.py)."""
        super().__init__()
        self._custom_id = dict(id_lexicon) if id_lexicon is not None else None
        self._learned = learned
        self._adjuster = load_adjuster() if self._learned else None
        vader: dict[str, float] = self.lexicon
        # single letters (VADER rates "l" +2.0) only count as the capital W / L handled separately
        self._en_words: dict[str, float] = {w: v for w, v in vader.items() if len(w) > 1}
        self._en_words.update({w: v for w, v in EN_SLANG.items() if " " not in w})
        id_all = self._custom_id if self._custom_id is not None else load_id_lexicon()
        self._id_words: dict[str, float] = {w: v for w, v in id_all.items() if " " not in w}
        # evidence for the language guess when a comment has no function words: clearly Indonesian words only
        # (SmSA also contains English words such as "time" or "photo" with small learned weights)
        self._id_markers = _IdMarkers(
            frozenset(
                [w for w, v in self._id_words.items() if abs(v) >= 0.5 and w not in vader]
                + list(indonesian.HAND_LEXICON)
                + list(indonesian.SLANG)
                + list(indonesian.NEUTRAL_ID_MARKERS)
            )
        )
        # strong, clearly Indonesian sentiment words also count in a comment read as English, so code-mixed
        # comments keep their Indonesian feedback ("jujur the new schedule bikin kecewa")
        self._id_in_en: dict[str, float] = {
            w: v
            for w, v in self._id_words.items()
            if len(w) >= 4
            and w not in vader
            and w not in indonesian.NEUTRAL_WORDS
            and (abs(v) >= 1.0 or w in indonesian.HAND_LEXICON)
        }
        self._en_phrases: dict[str, float] = {w: v for w, v in EN_SLANG.items() if " " in w}
        self._id_phrases: dict[str, float] = {
            **self._en_phrases,
            **dict.fromkeys(indonesian.NEUTRAL_PHRASES, 0.0),  # "salah satu": its words do not count
            **{w: v for w, v in id_all.items() if " " in w},
        }
        self._phrase_heads: dict[bool, frozenset[str]] = {
            False: frozenset(p.split()[0] for p in self._en_phrases),
            True: frozenset(p.split()[0] for p in self._id_phrases),
        }
        # VADER's emoji -> description table, minus the emoji we score directly
        self._emoji_description: dict[str, str] = {k: v for k, v in self.emojis.items() if len(k) == 1}
        # bounded per-word caches (cleared when full): whitespace word -> tokens, token -> language evidence,
        # token -> Indonesian canonical form, canonical token -> rule info (one table per rule set)
        self._word_cache: dict[str, _Word] = {}
        self._info_cache: dict[bool, dict[str, _Cached]] = {False: {}, True: {}}
        self._weights: dict[str, complex] = self._adjuster.table if self._adjuster is not None else {}

    def __reduce__(self) -> tuple[Any, ...]:
        # rebuilt from package data in the receiving process (tens of milliseconds) instead of shipping dicts
        return (_rebuild, (type(self), self._custom_id, self._learned))

    # ------------------------------------------------------------------ public API

    def score(self, text: str, *, overrides: Mapping[str, float] | None = None) -> SentimentScore:
        """Score ``text`` (already passed through ``clean_for_scoring``)."""
        result, _ = self._run(text, overrides, trace=False)
        return result

    def explain(self, text: str, *, overrides: Mapping[str, float] | None = None) -> Explanation:
        """Score ``text`` and list the words that moved the score, strongest first."""
        result, contributions = self._run(text, overrides, trace=True)
        contributions.sort(key=lambda c: abs(c.valence), reverse=True)
        return Explanation(score=result, cleaned_text=text, contributions=contributions)

    def features(self, text: str) -> tuple[SentimentScore, tuple[float, ...], set[str]]:
        """The score and what the learned correction reads from ``text``: its whole-comment values
        (``adjust.DENSE``) and distinct words (for ``scripts/train_sentiment.py``, with ``learned=False``)."""
        found: list[tuple[tuple[float, ...], set[str]]] = []
        result, _ = self._run(text, None, trace=False, features=found)
        if not found:  # nothing to score
            return (
                result,
                dense_features(0.0, 0.0, 0.0, "unknown", question=False, laugh=False, n_words=0, text=text),
                set(),
            )
        return result, found[0][0], found[0][1]

    def polarity_scores(self, text: str) -> dict[str, float]:  # VADER-compatible entry point
        s = self.score(text)
        return {"neg": s.neg, "neu": s.neu, "pos": s.pos, "compound": s.compound}

    # ------------------------------------------------------------------ tokens and lookups

    def _split_word(self, word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """One whitespace-separated word -> its tokens and their lower-cased forms.

        Emoji become tokens of their own (VADER's description for those not in ``EMOJI``), variation selectors
        go, and punctuation is stripped as VADER's ``_strip_punc_if_word`` does. Emoji are single non-ASCII
        characters and never whitespace, so doing this word by word equals doing it over the whole text.
        """
        if word.isascii():
            parts = [word]
        else:
            chars = []
            describe = self._emoji_description
            for char in word:
                if char in _VARIATION_SELECTOR_CHARS:
                    continue
                if char in EMOJI:
                    chars.append(f" {char} ")
                elif char in describe:
                    chars.append(f" {describe[char]} ")
                else:
                    chars.append(char)
            parts = "".join(chars).split()
        tokens = []
        for part in parts:
            stripped = part.strip(_PUNCT)
            tokens.append(part if len(stripped) <= 2 else stripped)
        return tuple(tokens), tuple(t.lower() for t in tokens)

    def _word_record(self, word: str) -> _Word:
        """Everything the scorer needs from one whitespace-separated word that does not depend on context."""
        tokens, lowers = self._split_word(word)
        # interned (once per distinct word: the record is cached), so the lexicon and correction tables,
        # whose keys are interned too, find a word by identity instead of comparing its characters
        lowers = tuple(map(sys.intern, lowers))
        canons = []
        packed = 0
        for low in lowers:
            bits = token_class(low, self._en_words, self._id_markers)
            canon = sys.intern(indonesian.normalize_word(low))
            canons.append(canon)
            if bits & EN_FUNCTION:
                packed += 1 << _EN_SHIFT
            elif bits & ID_FUNCTION:
                packed += 1 << _ID_SHIFT
            if bits & EN_WORD:
                packed += 1 << _EN_WORD_SHIFT
            elif bits & ID_WORD:
                packed += 1 << _ID_WORD_SHIFT
            if " " in canon:
                packed += 1 << _EXPAND_SHIFT
        return tokens, lowers, tuple(canons), packed

    def _tokens(self, text: str) -> tuple[list[str], list[str], list[str], int]:
        """The comment's tokens, lower-cased tokens, Indonesian canonical forms and packed counts."""
        raw: list[str] = []
        lower: list[str] = []
        canon: list[str] = []
        packed = 0
        cache = self._word_cache
        for word in text.split():
            record = cache.get(word)
            if record is None:
                record = self._word_record(word)
                if len(cache) >= _WORD_CACHE_LIMIT:
                    cache.clear()
                cache[word] = record
            raw += record[0]
            lower += record[1]
            canon += record[2]
            packed += record[3]
        return raw, lower, canon, packed

    def _word_info(self, word: str, is_id: bool) -> _Info:
        """How the per-word rule treats ``word`` when no server override applies (cached by the caller)."""
        phrases = self._id_phrases if is_id else self._en_phrases
        if word in phrases:
            return (_VALUE, phrases[word], False, None)
        if is_id:
            function_word = (
                word in _ID_NEGATORS
                or word in _ID_PRE
                or word in indonesian.POST_BOOSTERS
                or word in indonesian.WEAK_NEGATORS
                or word in indonesian.CONTRAST
            )
        else:
            function_word = word in _EN_NEGATORS or word in _EN_PRE or word == "but"
        if function_word:
            if is_id and word in self._id_words:
                return (_DUAL, self._id_words[word], False, None)
            return _NO_INFO
        if len(word) == 1 and word.isascii():
            return _SINGLE_INFO
        if "n't" in word:  # VADER counts any "n't" word as a negator
            return _NO_INFO
        entry = self._lookup_uncached(word, is_id)
        if entry is None:
            return _NO_INFO
        return (_VALUE, entry[0], entry[2], entry[1])

    def _lookup_uncached(self, word: str, is_id: bool) -> _Entry | None:
        emoji = EMOJI.get(word)
        if emoji is not None:
            return emoji[0], None, emoji[1]
        laugh = EN_LAUGHTER.get(word)
        if laugh is not None:
            return laugh, None, True
        if is_id:
            if indonesian.is_laughter(word):
                return _ID_LAUGH_VALENCE, None, True
            if word in indonesian.NEUTRAL_WORDS:  # "berapa", "jawa", "besok": no sentiment of their own
                return None
            value = self._id_words.get(word)
            if value is not None:
                return value, None, False
            if word not in _VADER_SKIP_IN_ID:
                value = self._en_words.get(word)
                if value is not None:
                    return value, None, False
            if len(word) >= 5 and word.isalpha():
                root = indonesian.find_root(word, self._id_words)
                if root is not None:
                    return self._id_words[root], f"root '{root}'", False
            return None
        value = self._en_words.get(word)
        if value is not None:
            return value, None, False
        if len(word) > 3 and indonesian.squeeze_runs(word, 2) != word:  # "soooo goood" -> "good"
            for keep in (2, 1):
                value = self._en_words.get(indonesian.squeeze_runs(word, keep))
                if value is not None:
                    return value, None, False
        value = self._id_in_en.get(word)
        if value is not None:
            return value, "Indonesian word", False
        return None

    # ------------------------------------------------------------------ the rules

    def _run(
        self,
        text: str,
        overrides: Mapping[str, float] | None,
        *,
        trace: bool,
        features: list[tuple[tuple[float, ...], set[str]]] | None = None,
    ) -> tuple[SentimentScore, list[WordContribution]]:
        """Score one comment: its words, their own valences, the per-word rule, the whole-comment rules,
        VADER's aggregation, the learned correction. ``trace``: also note why each word counts (for
        :meth:`explain`); ``features``: also append what the correction reads (for the trainer)."""
        raw, lower, canon, packed = self._tokens(text)
        if not raw:
            return SentimentScore(0.0, 0.0, 0.0, 0.0, "unknown"), []
        language = language_from_counts(
            (packed >> _EN_SHIFT) & _FIELD,
            (packed >> _ID_SHIFT) & _FIELD,
            (packed >> _EN_WORD_SHIFT) & _FIELD,
            (packed >> _ID_WORD_SHIFT) & _FIELD,
        )
        # "unknown" (no function words, no clearly Indonesian word) is scored with the English rules: the
        # Indonesian list's weak weights for English words seen in SmSA ("plan", "one") would only add noise
        is_id = language in ("id", "mixed")
        over = _server_lexicon(overrides) if overrides else {}
        norm, shown, raws = self._words(raw, lower, canon, packed, is_id, over)
        notes: list[list[str]] | None = [[] for _ in norm] if trace else None
        base, laugh, dual, weights = self._base_valences(norm, shown, raws, over, is_id, language, notes)
        rules = _ID_RULES if is_id else _EN_RULES
        sentiments = self._word_rules(norm, raws, base, laugh, dual, rules, language, notes)
        # the rules over the whole comment, each skipped at once when its words are absent
        if not WILD_PRAISE.isdisjoint(norm):
            _wild_praise(norm, sentiments, rules.negators, notes)
        if not rules.contrast.isdisjoint(norm):
            _contrast(norm, base, sentiments, rules.contrast, notes)
        if any(laugh):
            _laughter_next_to_insult(norm, laugh, sentiments, notes)
            if _CRYING in norm:
                _crying(norm, laugh, sentiments, notes)
        question = ("?" in text or norm[0] in QUESTION_OPENERS) and _is_question(norm[0], text)
        if question and "!" not in text and QUESTION_COMPLAINT.isdisjoint(norm):
            _question(norm, laugh, sentiments, notes)
        result = _score_valence(sentiments, text, language)
        adjuster = self._adjuster
        if features is not None:
            keys = word_keys(norm)
            if over:  # a word the server rates is read as the server says, not as learned
                keys.difference_update(over)
            dense = dense_features(
                result.compound,
                result.pos,
                result.neg,
                language,
                question=question,
                laugh=any(laugh),
                n_words=len(norm),
                text=text,
            )
            features.append((dense, keys))
        if adjuster is not None:
            compound = adjuster.correct(
                result.compound,
                result.pos,
                result.neg,
                is_id,
                question,
                "!" in text,
                any(laugh),
                len(norm) <= SHORT_WORDS,
                sum(weights.values(), 0j),
            )
            if compound != result.compound:
                result = SentimentScore(compound, result.pos, result.neu, result.neg, language)
        if notes is None:
            return result, []
        return result, _contributions(shown, sentiments, notes)

    def _words(
        self,
        raw: list[str],
        lower: list[str],
        canon: list[str],
        packed: int,
        is_id: bool,
        over: dict[str, float],
    ) -> tuple[list[str], list[str], list[str]]:
        """The words the rules read (``norm``), as shown in explanations (``shown``) and as written
        (``raws``): Indonesian canonical forms (slang, reduplication; a slang entry may expand to two words),
        then known phrases joined into one word."""
        if is_id:
            norm = canon
            expands = packed >> _EXPAND_SHIFT > 0
            if over:  # a word the server rates keeps its own form
                norm = [low if low in over else c for low, c in zip(lower, canon, strict=True)]
                expands = any(" " in c for c in norm)
            if expands:
                norm, shown, raws = _expand(norm, lower, raw)
            else:
                shown = lower
                raws = raw
        else:
            norm = lower
            shown = lower
            raws = raw

        phrases = self._id_phrases if is_id else self._en_phrases
        heads = self._phrase_heads[is_id]
        over_phrases = {k for k in over if " " in k}
        if over_phrases:
            heads = heads | {k.split()[0] for k in over_phrases}
        if not heads.isdisjoint(norm):
            norm, shown, raws = _merge_phrases(norm, shown, raws, phrases, over_phrases, heads)
        return norm, shown, raws

    def _base_valences(
        self,
        norm: list[str],
        shown: list[str],
        raws: list[str],
        over: dict[str, float],
        is_id: bool,
        language: str,
        notes: list[list[str]] | None,
    ) -> tuple[list[float | None], list[bool], dict[int, float], dict[str, complex]]:
        """Each word's own valence before any rule (None: none), whether it is laughter, the valences of
        Indonesian function words that also count on their own ("parah", "kurang"), and the learned
        correction's weight of each distinct word that has one (read from the same cache entry, so the
        correction costs no lookup of its own; a word the server rates has none)."""
        n = len(norm)
        base: list[float | None] = [None] * n
        laugh = [False] * n
        dual: dict[int, float] = {}
        weights: dict[str, complex] = {}
        info_cache = self._info_cache[is_id]
        for i, word in enumerate(norm):
            if over:
                if word in over:
                    base[i] = over[word]
                    if notes is not None:
                        notes[i].append("server lexicon")
                    continue
                if shown[i] in over:
                    base[i] = over[shown[i]]
                    if notes is not None:
                        notes[i].append("server lexicon")
                    continue
            info = info_cache.get(word)
            if info is None:
                info = (*self._word_info(word, is_id), self._weights.get(word, 0j))
                if len(info_cache) >= _CACHE_LIMIT:
                    info_cache.clear()
                info_cache[word] = info
            if info[4]:
                weights[word] = info[4]
            kind = info[0]
            if kind == _NONE:
                continue
            # VADER: "kind of" is a dampener ("kind" is never a phrase: phrases have spaces)
            if word == "kind" and i < n - 1 and norm[i + 1] == "of":
                continue
            if kind == _VALUE:
                base[i] = info[1]
                laugh[i] = info[2]
                if notes is not None and info[3]:
                    notes[i].append(info[3])
            elif kind == _DUAL:
                dual[i] = info[1]
            elif language != "id":  # _SINGLE
                capital = CAPITAL_LETTERS.get(raws[i])
                if capital is not None:
                    base[i] = capital
        return base, laugh, dual, weights

    def _word_rules(
        self,
        norm: list[str],
        raws: list[str],
        base: list[float | None],
        laugh: list[bool],
        dual: dict[int, float],
        rules: _Rules,
        language: str,
        notes: list[list[str]] | None,
    ) -> list[float]:
        """VADER's per-word rule over the language's word sets: "no", ALL CAPS, degree words and negation in
        the three words before, "least", Indonesian degree words after; then the Indonesian function words
        that no rule used count on their own. Returns each word's sentiment."""
        negators, pre, post, weak, _ = rules
        n = len(norm)
        caps = sum(map(str.isupper, raws))
        is_cap_diff = 0 < n - caps < n  # VADER's allcap_differential
        # which of the rarer rules can apply at all in this comment
        has_no = "no" in norm
        special_negation = not _NEGATION_SPECIAL.isdisjoint(norm)
        has_least = language not in ("id", "mixed") and "least" in norm
        idioms = False
        if language != "id" and not _IDIOM_WORDS.isdisjoint(norm):
            joined = f" {' '.join(norm)} "
            idioms = any(key in joined for key in _IDIOM_KEYS)

        used = [False] * n
        sentiments = [0.0] * n
        for i in range(n):
            b = base[i]
            if b is None:
                continue
            v = b
            word = norm[i]
            if laugh[i] or word in EMOJI:
                # tone markers, never negated or boosted: "udah liat belum 🙏", "bisa ga kak wkwk"
                sentiments[i] = v
                continue
            if has_no:
                # VADER: "no" before a lexicon word negates it instead of counting itself
                if word == "no" and i < n - 1 and base[i + 1] is not None:
                    v = 0.0
                if (
                    (i > 0 and norm[i - 1] == "no")
                    or (i > 1 and norm[i - 2] == "no")
                    or (i > 2 and norm[i - 3] == "no" and norm[i - 1] in ("or", "nor"))
                ):
                    v = b * N_SCALAR
                    if notes is not None:
                        notes[i].append("negated by 'no'")
            if is_cap_diff and raws[i].isupper():
                v = v + C_INCR if v > 0 else v - C_INCR
                if notes is not None:
                    notes[i].append("ALL CAPS")
            for start_i in range(3):
                j = i - start_i - 1
                if j < 0:
                    break
                if base[j] is not None:
                    continue
                prev = norm[j]
                scalar = pre.get(prev, 0.0)
                if scalar:
                    if v < 0:
                        scalar = -scalar
                    if is_cap_diff and raws[j].isupper():
                        scalar = scalar + C_INCR if v > 0 else scalar - C_INCR
                    if start_i == 1:
                        scalar *= 0.95
                    elif start_i == 2:
                        scalar *= 0.9
                    v += scalar
                    used[j] = True
                    if notes is not None:
                        notes[i].append(
                            ("boosted" if abs(pre[prev]) == pre[prev] else "dampened") + f" by '{prev}'"
                        )
                # VADER's _negation_check over the language's negators (plus Indonesian weak negators)
                # ("never so/this" strengthens; "so"/"this" right before and "without doubt" do not negate)
                special = False
                if special_negation and start_i:
                    special = True
                    if start_i == 1:
                        if norm[i - 2] == "never" and norm[i - 1] in ("so", "this"):
                            v = v * 1.25
                        elif not (norm[i - 2] == "without" and norm[i - 1] == "doubt"):
                            special = False
                    elif (norm[i - 3] == "never" and norm[i - 2] in ("so", "this")) or norm[i - 1] in (
                        "so",
                        "this",
                    ):
                        v = v * 1.25
                    elif not (norm[i - 3] == "without" and "doubt" in (norm[i - 2], norm[i - 1])):
                        special = False
                if not special:
                    if prev in negators or "n't" in prev:
                        used[j] = True
                        if notes is not None:
                            notes[i].append(f"negated by '{prev}'")
                        v = v * N_SCALAR
                    elif weak:
                        weak_scalar = weak.get(prev)
                        if weak_scalar is not None:
                            used[j] = True
                            if notes is not None:
                                notes[i].append(f"weakened and negated by '{prev}'")
                            v = v * weak_scalar
                if start_i == 2 and idioms:  # English idioms ("the shit", "kind of")
                    v = _special_idioms(v, norm, i)
            if has_least:
                v = self._least_check(v, norm, i)
            if post:
                for k in (1, 2):
                    j = i + k
                    if j >= n or (k == 2 and base[i + 1] is not None):
                        break
                    inc = post.get(norm[j])
                    if inc:
                        v += (inc if v >= 0 else -inc) * (1.0 if k == 1 else 0.95)
                        used[j] = True
                        if notes is not None:
                            notes[i].append(f"boosted by '{norm[j]}'")
                        break
            sentiments[i] = v

        for i, value in dual.items():  # "parah", "kurang" alone: a word of their own
            if not used[i]:
                sentiments[i] = value
        return sentiments


class _Rules(NamedTuple):
    """The word sets of one language's rules."""

    negators: frozenset[str]
    pre: Mapping[str, float]  # degree words before the word
    post: Mapping[str, float]  # degree words after it ("bagus banget")
    weak: Mapping[str, float]  # weak negators ("kurang"): their own scalar
    contrast: frozenset[str]  # "but", "tapi"


_EN_RULES = _Rules(_EN_NEGATORS, _EN_PRE, {}, {}, _EN_CONTRAST)
_ID_RULES = _Rules(
    _ID_NEGATORS, _ID_PRE, indonesian.POST_BOOSTERS, indonesian.WEAK_NEGATORS, indonesian.CONTRAST
)


def _server_lexicon(overrides: Mapping[str, float]) -> dict[str, float]:
    """A server's overrides as the rules read them: lower-cased, trimmed words, float valences."""
    return {str(k).strip().lower(): float(v) for k, v in overrides.items()}


def _wild_praise(
    norm: list[str], sentiments: list[float], negators: frozenset[str], notes: list[list[str]] | None
) -> None:
    """Intensified praise: "gila sih skillnya", "insane clutch", "crazy good" count as praise."""
    for i, word in enumerate(norm):
        if word in WILD_PRAISE and sentiments[i] < 0 and _praised(norm, i, negators):
            sentiments[i] = -sentiments[i]
            if notes is not None:
                notes[i].append("praise next to a skill or praise word")


def _contrast(
    norm: list[str],
    base: list[float | None],
    sentiments: list[float],
    contrast: frozenset[str],
    notes: list[list[str]] | None,
) -> None:
    """Contrast ("but", "tapi"): VADER halves what comes before and weights what follows by 1.5."""
    n = len(norm)
    for i, word in enumerate(norm):
        if word in contrast and base[i] is None:
            for j in range(n):
                if sentiments[j] and j != i:
                    factor = 0.5 if j < i else 1.5
                    sentiments[j] *= factor
                    if notes is not None:
                        notes[j].append(f"{'weakened before' if j < i else 'strengthened after'} '{word}'")
            break


def _crying(
    norm: list[str], laugh: list[bool], sentiments: list[float], notes: list[list[str]] | None
) -> None:
    """😭 takes the tone of the words around it: laughing with fun ones, crying with sad ones."""
    if sum(v for i, v in enumerate(sentiments) if not laugh[i]) >= 0:
        return
    for i, word in enumerate(norm):
        if word == _CRYING and sentiments[i] > 0:
            sentiments[i] = -sentiments[i]
            if notes is not None:
                notes[i].append("crying next to sad words")


def _laughter_next_to_insult(
    norm: list[str], laugh: list[bool], sentiments: list[float], notes: list[list[str]] | None
) -> None:
    """Laughter never cancels an insult: next to one it counts for nothing."""
    n = len(norm)
    if any(sentiments[i] < 0 and norm[i] in _INSULTS for i in range(n)):
        for i in range(n):
            if laugh[i] and sentiments[i] > 0:
                sentiments[i] = 0.0
                if notes is not None:
                    notes[i].append("laughter ignored next to an insult")


def _is_question(first: str, text: str) -> bool:
    """The comment opens with a question word or its last sentence is a question (no letters after the last
    question mark)."""
    if first in QUESTION_OPENERS:
        return True
    end = text.rfind("?")
    return end >= 0 and not any(c.isalpha() for c in text[end + 1 :])


def _question(
    norm: list[str], laugh: list[bool], sentiments: list[float], notes: list[list[str]] | None
) -> None:
    """A question names what it asks about: positive words count QUESTION_SCALE, negative ones
    QUESTION_SCALE_NEG; strong words, insults, emoji and laughter count in full."""
    for i, value in enumerate(sentiments):
        if not value or abs(value) >= QUESTION_STRONG or laugh[i]:
            continue
        if norm[i] not in EMOJI and norm[i] not in _INSULTS:
            sentiments[i] = value * (QUESTION_SCALE if value > 0 else QUESTION_SCALE_NEG)
            if notes is not None:
                notes[i].append("in a question")


def _contributions(
    shown: list[str], sentiments: list[float], notes: list[list[str]]
) -> list[WordContribution]:
    """The words that moved the score, with why (for ``explain``)."""
    return [
        WordContribution(
            word=shown[i], valence=round(sentiments[i], 3), note="; ".join(notes[i]) if notes[i] else None
        )
        for i in range(len(shown))
        if sentiments[i]
    ]


def _score_valence(sentiments: list[float], text: str, language: str) -> SentimentScore:
    """VADER's ``score_valence``: the same arithmetic in the same order, less work for neutral comments."""
    nonzero = [s for s in sentiments if s]
    if not nonzero:  # VADER: compound 0, everything neutral
        return SentimentScore(compound=0.0, pos=0.0, neu=1.0, neg=0.0, language=language)
    sum_s = float(sum(sentiments))
    ep_count = min(text.count("!"), 4)
    ep_amplifier = ep_count * 0.292
    qm_count = text.count("?")
    qm_amplifier: float = 0
    if qm_count > 1:
        qm_amplifier = qm_count * 0.18 if qm_count <= 3 else 0.96
    punct = ep_amplifier + qm_amplifier
    if sum_s > 0:
        sum_s += punct
    elif sum_s < 0:
        sum_s -= punct
    compound = normalize(sum_s)
    pos_sum = 0.0
    neg_sum = 0.0
    for s in nonzero:
        if s > 0:
            pos_sum += float(s) + 1
        else:
            neg_sum += float(s) - 1
    neu_count = len(sentiments) - len(nonzero)
    if pos_sum > math.fabs(neg_sum):
        pos_sum += punct
    elif pos_sum < math.fabs(neg_sum):
        neg_sum -= punct
    total = pos_sum + math.fabs(neg_sum) + neu_count
    return SentimentScore(
        compound=round(compound, 4),
        pos=round(math.fabs(pos_sum / total), 3),
        neu=round(math.fabs(neu_count / total), 3),
        neg=round(math.fabs(neg_sum / total), 3),
        language=language,
    )


def _expand(norm: list[str], lower: list[str], raw: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Split canonical forms of two words ("gaje" -> "gak jelas"); both keep the word as written."""
    out_n: list[str] = []
    out_s: list[str] = []
    out_r: list[str] = []
    for canon, low, t in zip(norm, lower, raw, strict=True):
        if " " in canon:
            parts = canon.split()
            out_n.extend(parts)
            out_s.extend([low] * len(parts))
            out_r.extend([t] * len(parts))
        else:
            out_n.append(canon)
            out_s.append(low)
            out_r.append(t)
    return out_n, out_s, out_r


def _praised(words: list[str], i: int, negators: frozenset[str]) -> bool:
    """A skill word within three words of ``words[i]``, or a praise word right beside it, not negated."""
    for j in range(max(0, i - 3), min(len(words), i + 4)):
        if j == i or (j > 0 and words[j - 1] in negators):
            continue
        word = words[j]
        if word in SKILL_WORDS or (word.endswith("nya") and word[:-3] in SKILL_WORDS):
            return True
        if word in PRAISE_WORDS and i - 1 <= j <= i + 2:
            return True
    return False


def _rebuild(cls: type[Scorer], id_lexicon: dict[str, float] | None, learned: bool) -> Scorer:
    return cls(id_lexicon=id_lexicon, learned=learned)


def _special_idioms(valence: float, words: list[str], i: int) -> float:
    """VADER's ``_special_idioms_check`` without re-lowering the whole comment for every word."""
    w0, w1, w2, w3 = words[i], words[i - 1], words[i - 2], words[i - 3]
    for seq in (f"{w1} {w0}", f"{w2} {w1} {w0}", f"{w2} {w1}", f"{w3} {w2} {w1}", f"{w3} {w2}"):
        if seq in SPECIAL_CASES:
            valence = SPECIAL_CASES[seq]
            break
    n = len(words)
    if n - 1 > i:
        seq = f"{w0} {words[i + 1]}"
        if seq in SPECIAL_CASES:
            valence = SPECIAL_CASES[seq]
    if n - 1 > i + 1:
        seq = f"{w0} {words[i + 1]} {words[i + 2]}"
        if seq in SPECIAL_CASES:
            valence = SPECIAL_CASES[seq]
    for seq in (f"{w3} {w2} {w1}", f"{w3} {w2}", f"{w2} {w1}"):
        if seq in BOOSTER_DICT:
            valence = valence + BOOSTER_DICT[seq]
    return valence


def _merge_phrases(
    norm: list[str],
    shown: list[str],
    raws: list[str],
    phrases: Mapping[str, float],
    over_phrases: set[str],
    heads: frozenset[str],
) -> tuple[list[str], list[str], list[str]]:
    """Join known 2- and 3-word phrases ("skill issue", "gak jelas", server phrases) into one token. The
    lists are copied only when a phrase joins (most comments with a phrase's first word hold no phrase)."""
    out_n: list[str] | None = None
    out_s: list[str] = []
    out_r: list[str] = []
    done = 0  # norm[:done] is in the output lists
    i = 0
    n = len(norm)
    while i < n:
        if norm[i] in heads:
            for size in (3, 2):
                if i + size <= n:
                    cand = " ".join(norm[i : i + size])
                    if cand in over_phrases or cand in phrases:
                        if out_n is None:
                            out_n = []
                        out_n += norm[done:i]
                        out_s += shown[done:i]
                        out_r += raws[done:i]
                        out_n.append(cand)
                        out_s.append(" ".join(shown[i : i + size]))
                        out_r.append(" ".join(raws[i : i + size]))
                        i += size
                        done = i
                        break
            else:
                i += 1
            continue
        i += 1
    if out_n is None:
        return norm, shown, raws
    out_n += norm[done:]
    out_s += shown[done:]
    out_r += raws[done:]
    return out_n, out_s, out_r


def compound_to_sum(compound: float, alpha: float = 15.0) -> float:
    """Inverse of VADER's ``normalize``: the raw valence sum that yields ``compound``."""
    compound = max(min(compound, 0.9999), -0.9999)
    return compound * math.sqrt(alpha / (1.0 - compound * compound))
