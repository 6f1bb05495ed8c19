"""Spam and scam detection for single messages: rules plus a small logistic model shipped as JSON."""

from __future__ import annotations

import json
import logging
import math
import re
from dataclasses import dataclass
from importlib import resources
from itertools import pairwise, repeat
from pathlib import Path
from typing import Any

from bot.spam import normalize as _n
from bot.spam import rules
from bot.spam.features import Analysis, analyse

log = logging.getLogger(__name__)

MODEL_FILE = "spam_model.json"
_ZEROS = repeat(0.0)
PROMO_CONFIDENCE = 0.8  # a hand-written self-promotion pattern ("check out my channel", "i'm a rapper")
OFFER_CONFIDENCE = 0.85  # "free gift cards" / "make money online" with a link or a request to click/subscribe
_OBFUSCATED = _n.STYLED | _n.MARKS | _n.SPACED
_STYLED_WORD_RE = re.compile(
    r"\S*(?:" + _n._STYLED_RE.pattern + r"|[\u0300-\u036f\u1ab0-\u1aff\u20d0-\u20ff])\S*"
)
_WORD_EDGE_RE = re.compile(r"^[\W_]+|[\W_]+$")


@dataclass(frozen=True, slots=True)
class SpamVerdict:
    is_spam: bool
    confidence: float  # 0..1: how sure we are that the message is spam
    reason: str | None  # short, human readable, for moderators
    high_confidence: bool  # safe for the optional automatic delete


NOT_SPAM = SpamVerdict(False, 0.0, None, False)
# Not-spam verdicts by confidence in hundredths, built once: most messages end here.
_NOT_SPAM_BY_PERCENT = [SpamVerdict(False, i / 100, None, False) for i in range(101)]


class SpamModel:
    """Logistic regression over :func:`bot.spam.features.analyse` features, loaded from JSON."""

    __slots__ = ("bias", "high_threshold", "pairs", "plain_threshold", "promo_floor", "threshold", "weights")

    def __init__(
        self,
        bias: float,
        weights: dict[str, float],
        threshold: float,
        high_threshold: float,
        plain_threshold: float = 0.75,
        promo_floor: float = 0.0,
    ) -> None:
        self.promo_floor = promo_floor  # model probability a self-promotion pattern needs to count
        self.bias = bias
        self.threshold = threshold  # probability at or above which a message is spam
        self.plain_threshold = max(threshold, plain_threshold)  # the same, when only wording is suspicious
        self.high_threshold = high_threshold  # probability for a high-confidence gambling verdict
        self.weights: dict[str, float] = {}  # words and #markers
        self.pairs: dict[tuple[str, str], float] = {}  # adjacent word pairs
        for name, weight in weights.items():
            first, sep, second = name.partition(" ")
            if sep:
                self.pairs[(first, second)] = weight
            else:
                self.weights[name] = weight

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SpamModel:
        return cls(
            bias=float(data["bias"]),
            weights={str(k): float(v) for k, v in data["weights"].items()},
            threshold=float(data["threshold"]),
            high_threshold=float(data["high_threshold"]),
            plain_threshold=float(data.get("plain_threshold", 0.75)),
            promo_floor=float(data.get("promo_floor", 0.0)),
        )

    @classmethod
    def load(cls, path: Path | None = None) -> SpamModel:
        if path is None:
            text = resources.files("bot.spam").joinpath("data", MODEL_FILE).read_text(encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
        return cls.from_json(json.loads(text))

    def logit(self, a: Analysis) -> float:
        toks = a.tokens
        return (
            self.bias
            + sum(map(self.weights.get, toks + a.markers, _ZEROS))
            + sum(map(self.pairs.get, pairwise(toks), _ZEROS))
        )

    def weight_of(self, feature: str) -> float:
        first, sep, second = feature.partition(" ")
        if sep:
            return self.pairs.get((first, second), 0.0)
        return self.weights.get(feature, 0.0)


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-min(x, 60.0)))
    z = math.exp(max(x, -60.0))
    return z / (1.0 + z)


class SpamDetector:
    """Judges one message's text. Cheap to call; build once and share."""

    def __init__(self, model_path: Path | None = None, *, model: SpamModel | None = None) -> None:
        self.model = model if model is not None else SpamModel.load(model_path)
        log.debug("spam model loaded: %d weights", len(self.model.weights))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SpamDetector:
        """A detector over a model given as the JSON object the trainer writes (for validation)."""
        return cls(model=SpamModel.from_json(data))

    def check_text(self, content: str) -> SpamVerdict:
        """Judge RAW message content (URLs and mentions intact)."""
        if not content or content.isspace():
            return NOT_SPAM
        a = analyse(content)
        if not a.tokens and not a.link_count and "@" not in content:
            return NOT_SPAM  # nothing but emoji, punctuation or invisible characters
        prob = _sigmoid(self.model.logit(a))

        # Scams the comment data sets do not cover: fixed-confidence rules, each behind a cheap gate.
        rule_hits: list[rules.Signal] = []
        text = a.norm.text
        gift: list[str] = []
        if a.link_count:
            rule_hits.extend(s for s in a.link_signals if s.confidence > 0)
            gift = rules.GIFT_BAIT_RE.findall(text)
            if gift:
                rule_hits.append(_gift_signal(gift))
        if "@" in content and ("<@" in content or "@everyone" in content or "@here" in content):
            rule_hits.extend(_mention_signals(content, a, bool(gift)))
        if not rules.MONEY_TRIGGERS.isdisjoint(a.tokens) or "$" in text:
            money = rules.MONEY_RE.findall(text)
            contact = rules.CONTACT_RE.findall(text) if money else []
            if contact:
                strong = bool(a.link_count) or any(c.startswith("+") for c in contact)
                detail = f"money-making bait ({rules.quote_terms(money + contact)})"
                rule_hits.append(rules.Signal("money", detail, 0.93, strong=strong))

        markers = a.markers
        if "#promo" in markers and prob >= self.model.promo_floor:
            rule_hits.append(rules.Signal("promo", "", PROMO_CONFIDENCE))
        if "#offer" in markers and (a.link_count or "#promo" in markers or "#bait" in markers):
            rule_hits.append(rules.Signal("offer", "", OFFER_CONFIDENCE))
        if not rule_hits:
            if prob < self.model.threshold or (prob < self.model.plain_threshold and _no_evidence(a)):
                return _NOT_SPAM_BY_PERCENT[round(prob * 100)]
            rule_conf = 0.0
        else:
            rule_conf = max(s.confidence for s in rule_hits)
        confidence = max(prob, rule_conf)
        if rule_conf < 0.5 and prob < self.model.threshold:
            return SpamVerdict(False, round(confidence, 4), None, False)
        reason, high = self._explain(a, prob, rule_hits)
        return SpamVerdict(True, round(confidence, 4), reason, high)

    # --- explanation (only for spam, so it may be slower) -------------------------------------------------
    def _explain(self, a: Analysis, prob: float, rule_hits: list[rules.Signal]) -> tuple[str, bool]:
        extra = [s.detail for s in a.link_signals if s.confidence == 0]
        if rule_hits:
            best = max(rule_hits, key=lambda s: (s.strong, s.confidence))
            others = [s.detail for s in rule_hits if s is not best] + extra
            reason = best.detail + (f"; {'; '.join(others[:2])}" if others else "")
            return reason, any(s.strong for s in rule_hits)
        text = a.norm.text
        gambling = rules.GAMBLING_STRONG_RE.findall(text)
        weak = [] if gambling else rules.GAMBLING_WEAK_RE.findall(text)
        promo = [] if gambling or a.sites else rules.SELF_PROMO_RE.findall(text)
        obfuscated = bool(a.norm.flags & _OBFUSCATED)
        suffix = f"; {'; '.join(extra[:2])}" if extra else ""
        if gambling or a.sites or (obfuscated and not promo):
            evidence = rules.quote_terms(gambling or weak)
            sites = _display_sites(a)
            if sites:
                evidence = ", ".join(x for x in (evidence, "site " + rules.quote_terms(sites, 2)) if x)
            if obfuscated and not evidence:
                evidence = "styled lettering"
            high = prob >= self.model.high_threshold and bool(gambling or a.sites or weak or obfuscated)
            return f"online-gambling promotion ({evidence})" + suffix, high
        if promo:
            return f"self-promotion ({rules.quote_terms(promo)})" + suffix, False
        words = self._top_words(a)
        if weak:
            return f"likely gambling promotion ({rules.quote_terms(weak + words)})" + suffix, False
        detail = rules.quote_terms(words) or "wording and layout"
        return f"looks like promotional spam ({detail})" + suffix, False

    def _top_words(self, a: Analysis) -> list[str]:
        scored = {(self.model.weight_of(f), f) for f in a.feature_names() if not f.startswith("#")}
        return [f for w, f in sorted(scored, reverse=True)[:3] if w > 0]


# Markers that back a model verdict with something beyond word choice.
_EVIDENCE = frozenset(
    {"#styled", "#marks", "#invisible", "#spaced", "#leet", "#site", "#promo", "#bait", "#offer", "#url_promo",
     "#shortener",
     "#punycode"}
)  # fmt: skip


def _no_evidence(a: Analysis) -> bool:
    """True when only the wording (and maybe an ordinary link) looks spammy: no styling, site name, gambling
    term, self-promotion or link shortener.

    Such messages need a higher model score ("check out the pinned post" is not spam in a Discord server,
    however often YouTube spammers write "check out").
    """
    if not _EVIDENCE.isdisjoint(a.markers):
        return False
    text = a.norm.text
    return rules.GAMBLING_STRONG_RE.search(text) is None and rules.GAMBLING_WEAK_RE.search(text) is None


def _gift_signal(terms: list[str]) -> rules.Signal:
    return rules.Signal("gift", f"free-gift bait with a link ({rules.quote_terms(terms)})", 0.97, strong=True)


def _mention_signals(content: str, a: Analysis, gift: bool) -> list[rules.Signal]:
    out: list[rules.Signal] = []
    users = set(rules.USER_MENTION_RE.findall(content))
    if len(users) >= 5:
        out.append(rules.Signal("mentions", f"mass mentions ({len(users)} users)", 0.9, strong=False))
    if rules.EVERYONE_RE.search(content) and (a.link_count or gift):
        what = "@everyone" if "@everyone" in content else "@here"
        out.append(rules.Signal("mentions", f"{what} with a link", 0.95, strong=bool(a.link_signals) or gift))
    return out


def _display_sites(a: Analysis) -> list[str]:
    sites = [s.upper() for s in a.sites]
    if not sites and a.norm.flags & (_n.STYLED | _n.MARKS):
        for word in _STYLED_WORD_RE.findall(a.raw):
            plain = _WORD_EDGE_RE.sub("", _n.normalize(word).text.split(" ")[0])
            if len(plain) >= 3 and plain.upper() not in sites:
                sites.append(plain.upper())
    return sites
