"""Features for the small spam model, shared by the trainer (scripts/train_spam.py) and the detector.

A message becomes a set of strings: its normalised words, adjacent word pairs ("a b") and a few
``#markers`` for obfuscation and rule hits. The model is a logistic regression over these binary features,
so scoring is a set intersection with the weight table (C speed) plus a sum.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from bot.spam import normalize as _n
from bot.spam import rules

log = logging.getLogger(__name__)

MAX_TOKENS = 60
_TOKEN_RE = re.compile(r"[^\W_]+")
_MONEY_AMOUNT_RE = re.compile(r"\$\s?\d|\b\d+\s?(?:k|rb|jt|ribu|juta)\b|\brp\.?\s?\d")
_EXCLAIM_RE = re.compile(r"!{3,}")
_FLAG_FEATURES = (
    (_n.STYLED, "#styled"),
    (_n.MARKS, "#marks"),
    (_n.INVISIBLE, "#invisible"),
    (_n.SPACED, "#spaced"),
    (_n.LEET, "#leet"),
)


@dataclass(slots=True)
class Analysis:
    """Everything learned about one message; the reason is built from it only when needed."""

    raw: str
    norm: _n.Normalized
    features: set[str]
    gambling_strong: list[str]
    sites: list[str]
    self_promo: list[str]
    link_signals: list[rules.Signal]
    link_count: int


def analyse(raw: str) -> Analysis:
    norm = _n.normalize(raw)
    text = norm.text
    has_link_hint = rules.URL_HINT_RE.search(raw) is not None
    # link text is not vocabulary: the link itself is judged by the rules below
    tokens = _TOKEN_RE.findall(rules.URL_RE.sub(" ", text) if has_link_hint else text)
    if len(tokens) > MAX_TOKENS:
        tokens = tokens[:MAX_TOKENS]
    feats = set(tokens)
    if len(tokens) > 1:
        feats.update(map("{} {}".format, tokens, tokens[1:]))
    if norm.flags:
        for bit, name in _FLAG_FEATURES:
            if norm.flags & bit:
                feats.add(name)
    gambling = rules.GAMBLING_STRONG_RE.findall(text)
    if gambling:
        feats.add("#gamble")
    if rules.GAMBLING_WEAK_RE.search(text):
        feats.add("#gamble_weak")
    sites = [s for s in rules.SITE_RE.findall(text) if s not in _NOT_SITES]
    if sites:
        feats.add("#site")
    promo = rules.SELF_PROMO_RE.findall(text)
    if promo:
        feats.add("#promo")
    link_signals: list[rules.Signal] = []
    link_count = 0
    if has_link_hint:
        link_signals, link_count = rules.link_signals(raw)
        if link_count:
            feats.add("#url")
        for sig in link_signals:
            feats.add("#" + sig.kind)
    if _MONEY_AMOUNT_RE.search(text):
        feats.add("#amount")
    if _EXCLAIM_RE.search(text):
        feats.add("#exclaim")
    if not tokens:
        feats.add("#empty")
    elif len(tokens) <= 3:
        feats.add("#short")
    return Analysis(raw, norm, feats, gambling, sites, promo, link_signals, link_count)
