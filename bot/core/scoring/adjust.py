"""The learned sentiment correction: a small 3-class logistic regression on top of the rule-based score.

The rules (VADER, slang, Indonesian) give a compound; this model reads it with the comment's shape (question,
"!", laughter, length, language), cue-word classes from the hand-written lists and regularised word weights,
and returns p(negative), p(neutral), p(positive). A gate does no harm where the model is unsure: the rules'
compound stays unless the model gives another label at least the probability the gate asks to leave the
rules' label; then the compound is p(pos) - p(neg), kept inside the band of that label, so
``sentiment_label`` gives it and the statistics read the same value (``gated_compound``). Weights and gate:
``data/sentiment_adjust.json``, rebuilt by ``scripts/train_sentiment.py``.

Inference costs no lookup of its own: the scorer keeps each word's weight (``Adjuster.table``, pos + neg j)
in its per-word cache entry and passes their sum to ``Adjuster.correct`` with a few whole-comment values.
The trainer builds its features with ``dense_features`` and ``word_keys``; ``Adjuster.logits`` reads those.
"""

from __future__ import annotations

import json
import logging
import math
import sys
from collections.abc import Iterable, Mapping
from importlib import resources
from operator import mul
from typing import Any

from bot.core.scoring import indonesian
from bot.core.scoring.slang import (
    EMOJI,
    EN_INSULTS,
    EN_LAUGHTER,
    EN_SLANG,
    PRAISE_WORDS,
    QUESTION_COMPLAINT,
    SKILL_WORDS,
    WILD_PRAISE,
)

log = logging.getLogger(__name__)

MODEL_FILE = "sentiment_adjust.json"
# Values of the comment as a whole; the trainer and ``Adjuster`` read them in this order.
DENSE = (
    "compound",
    "pos",
    "neg",
    "abs_compound",
    "question",
    "question_x_compound",
    "exclaim",
    "laugh",
    "indonesian",
    "indonesian_x_compound",
    "short",
    "no_sentiment_word",
)
# Cue-word classes (hand-written lists, English and Indonesian): each distinct word of a class counts once.
GAMEPLAY: frozenset[str] = frozenset(
    ["boss", "raid", "died", "die", "dying", "killed", "kill", "kills", "wiped", "wipe", "respawn", "spawn",
     "lobby", "rank", "ranked", "push", "match", "round", "lost", "lose", "losing", "win", "won", "clutch",
     "headshot", "camper", "creeper", "mob", "farm", "lap", "race", "pit", "crash", "dnf", "run", "pb",
     "reset", "mati", "kalah", "menang", "rungkad", "mabar", "hero", "skin", "gacha", "pull", "rate",
     "ditembak", "dibantai", "savage", "maniac", "epic", "legend", "mythic", "level", "quest"]
)  # fmt: skip
REQUEST: frozenset[str] = frozenset(
    ["pls", "plz", "please", "tolong", "dong", "minta", "boleh", "bisa", "can", "could", "would", "maybe",
     "mungkin", "coba", "saran", "suggestion", "request", "anyone", "anybody", "ada", "yang", "yg", "gimana",
     "how", "where", "when", "what", "which", "kapan", "dimana", "mana", "berapa", "apa", "kak", "bang",
     "min"]
)  # fmt: skip
IRONY: frozenset[str] = frozenset(["🙃", "🙂", "🙄", "sure", "totally", "wow", "great", "thanks", "makasih"])
CUE_CLASSES: dict[str, frozenset[str]] = {
    "hype": frozenset(
        [w for w, v in EN_SLANG.items() if v > 0]
        + [w for w, v in indonesian.CHAT_LEXICON.items() if v > 0]
        + [e for e, (v, laugh) in EMOJI.items() if v > 0 and not laugh]
    ),
    "complaint": frozenset(
        [w for w, v in EN_SLANG.items() if v < 0 and w not in EN_INSULTS]
        + [w for w, v in indonesian.CHAT_LEXICON.items() if v < 0]
        + [e for e, (v, _) in EMOJI.items() if v < 0]
    ),
    "insult": EN_INSULTS,
    "praise": PRAISE_WORDS | SKILL_WORDS,
    "wild": WILD_PRAISE,
    "laughter": frozenset([*EN_LAUGHTER, *(e for e, (_, laugh) in EMOJI.items() if laugh)]),
    "gameplay": GAMEPLAY,
    "request": REQUEST,
    "rhetorical": QUESTION_COMPLAINT,
    "irony": IRONY,
}
CLASS_PREFIX = "@"  # class features are stored as "@hype" beside the words
_ID_LANGUAGES = frozenset({"id", "mixed"})
SHORT_WORDS = 2  # a comment this short counts as "short"
NEG_CUTOFF = -0.05
POS_CUTOFF = 0.05
_NEU_LIMIT = 0.049  # a neutral comment's compound stays strictly inside the neutral band


def dense_features(
    compound: float,
    pos: float,
    neg: float,
    language: str,
    *,
    question: bool,
    laugh: bool,
    n_words: int,
    text: str,
) -> tuple[float, ...]:
    """The whole-comment values, in ``DENSE`` order."""
    q = 1.0 if question else 0.0
    idl = 1.0 if language in _ID_LANGUAGES else 0.0
    return (
        compound,
        pos,
        neg,
        abs(compound),
        q,
        q * compound,
        1.0 if "!" in text else 0.0,
        1.0 if laugh else 0.0,
        idl,
        idl * compound,
        1.0 if n_words <= SHORT_WORDS else 0.0,
        1.0 if compound == 0.0 else 0.0,
    )


def word_keys(norm: Iterable[str]) -> set[str]:
    """The distinct words a comment's correction reads (the scorer's normalised words, phrases joined)."""
    return set(norm)


def class_table() -> dict[str, list[str]]:
    """Word -> the cue classes it belongs to (as ``@class`` feature names)."""
    table: dict[str, list[str]] = {}
    for name, words in CUE_CLASSES.items():
        for word in words:
            table.setdefault(word, []).append(CLASS_PREFIX + name)
    return table


def adjusted_compound(z_pos: float, z_neg: float) -> float:
    """p(pos) - p(neg) from the two logits (neutral is 0), kept inside the band of the most probable label."""
    top = max(z_pos, z_neg, 0.0)
    e_pos = math.exp(z_pos - top)
    e_neg = math.exp(z_neg - top)
    e_neu = math.exp(-top)
    total = e_pos + e_neg + e_neu
    value = (e_pos - e_neg) / total
    if e_pos >= e_neg and e_pos > e_neu:
        return round(max(value, POS_CUTOFF), 4)
    if e_neg > e_pos and e_neg > e_neu:
        return round(min(value, NEG_CUTOFF), 4)
    return round(max(-_NEU_LIMIT, min(_NEU_LIMIT, value)), 4)


def gated_compound(compound: float, z_pos: float, z_neg: float, gate: tuple[float, float, float]) -> float:
    """Do no harm: the rules' ``compound`` unless the model's most probable label differs from the rules'
    label with at least the probability ``gate`` asks to leave that label (``gate`` is indexed negative,
    neutral, positive by the rules' label); then ``adjusted_compound``."""
    # the model's label from the logits alone (neutral's is 0), as in ``adjusted_compound``
    if compound >= POS_CUTOFF:
        if z_pos >= z_neg and z_pos > 0.0:
            return compound
        needed = gate[2]
    elif compound <= NEG_CUTOFF:
        if z_neg > z_pos and z_neg > 0.0:
            return compound
        needed = gate[0]
    else:
        if z_pos <= 0.0 and z_neg <= 0.0:
            return compound
        needed = gate[1]
    if needed > 0.0:
        top = max(z_pos, z_neg, 0.0)
        total = math.exp(z_pos - top) + math.exp(z_neg - top) + math.exp(-top)
        if needed * total > 1.0:  # the most probable label's share, exp(top - top) / total
            return compound
    return adjusted_compound(z_pos, z_neg)


class Adjuster:
    """The shipped correction: intercepts, dense weights and one table word -> (pos, neg) weight, in which
    each word's learned weight and the weights of its cue classes are already summed; ``gate`` is the
    probability the model needs to move a comment out of the rules' label (``gated_compound``)."""

    __slots__ = ("bias", "dense_neg", "dense_pos", "gate", "table")

    def __init__(self, model: Mapping[str, Any]) -> None:
        self.bias: tuple[float, float] = (float(model["bias"][0]), float(model["bias"][1]))
        dense = model["dense"]
        self.dense_pos = tuple(float(dense[name][0]) for name in DENSE)
        self.dense_neg = tuple(float(dense[name][1]) for name in DENSE)
        gate = model["gate"]
        self.gate: tuple[float, float, float] = (float(gate[0]), float(gate[1]), float(gate[2]))
        words: Mapping[str, list[float]] = model["words"]
        classes: Mapping[str, list[float]] = model["classes"]
        # (pos, neg) as one complex number: one small object per word, both logits summed in one addition
        # (each part exactly as two float additions would)
        table: dict[str, complex] = {sys.intern(w): complex(v[0], v[1]) for w, v in words.items()}
        for word, names in class_table().items():
            weight = table.get(word, 0j)
            for name in names:
                pair = classes.get(name[len(CLASS_PREFIX) :])
                if pair is not None:
                    weight += complex(pair[0], pair[1])
            if weight:
                table[sys.intern(word)] = weight
        self.table = table

    def correct(
        self,
        compound: float,
        pos: float,
        neg: float,
        indonesian: bool,
        question: bool,
        exclaim: bool,
        laugh: bool,
        short: bool,
        words: complex,
    ) -> float:
        """``gated_compound`` of one comment: ``logits`` of its ``dense_features`` without building them
        (the same terms added in the same order; a zero term changes no sum, so it is skipped); ``words``
        is the sum of the ``table`` weights of its distinct words (the scorer reads them with its own
        per-word lookups)."""
        pc, pp, pn, pa, pq, pqc, pe, pl, pi, pic, ps, pz = self.dense_pos
        nc, np_, nn, na, nq, nqc, ne, nl, ni, nic, ns, nz = self.dense_neg
        if compound:
            a = -compound if compound < 0 else compound
            zp = compound * pc + pos * pp + neg * pn + a * pa
            zn = compound * nc + pos * np_ + neg * nn + a * na
            if question:
                zp = zp + pq + compound * pqc
                zn = zn + nq + compound * nqc
        else:
            zp = zn = 0.0
            if question:
                zp = pq
                zn = nq
        if exclaim:
            zp += pe
            zn += ne
        if laugh:
            zp += pl
            zn += nl
        if indonesian:
            zp += pi
            zn += ni
            if compound:
                zp += compound * pic
                zn += compound * nic
        if short:
            zp += ps
            zn += ns
        if not compound:
            zp += pz
            zn += nz
        z = complex(self.bias[0] + zp, self.bias[1] + zn) + words
        return gated_compound(compound, z.real, z.imag, self.gate)

    def logits(self, dense: tuple[float, ...], keys: Iterable[str]) -> tuple[float, float]:
        """The positive and negative logits (neutral is the reference, 0)."""
        z_pos = self.bias[0] + sum(map(mul, dense, self.dense_pos))
        z_neg = self.bias[1] + sum(map(mul, dense, self.dense_neg))
        z = complex(z_pos, z_neg) + sum(filter(None, map(self.table.get, keys)), 0j)
        return z.real, z.imag


def load_adjuster() -> Adjuster | None:
    """The shipped model, or None (rules only) when its file is missing or unreadable."""
    try:
        text = resources.files("bot.core.scoring").joinpath("data").joinpath(MODEL_FILE).read_text("utf-8")
        return Adjuster(json.loads(text))
    except (FileNotFoundError, OSError, ValueError, KeyError, TypeError):
        log.warning("sentiment correction %s missing or unreadable; using the rules only", MODEL_FILE)
        return None
