"""Spam and scam detection for single messages: rules plus a small logistic model shipped as JSON."""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable, Hashable, Iterator
from importlib import resources
from itertools import chain, pairwise, repeat
from pathlib import Path
from typing import Any

from bot.core.spam import community, rules
from bot.core.spam import normalize as _n
from bot.core.spam.features import GRAM_MAX_WORD, GRAM_SLICE_OBJECTS, Analysis, analyse

log = logging.getLogger(__name__)

MODEL_FILE = "spam_model.json"
_ZEROS = repeat(0.0)
WORD_GRAMS_LIMIT = 50_000  # words whose n-gram weight sum is kept (a few MB); emptied when full
PROMO_CONFIDENCE = 0.8  # a hand-written self-promotion pattern ("check out my channel", "i'm a rapper")
OFFER_CONFIDENCE = (
    0.85  # "free gift cards", or "make money online" with a link or a request to click/subscribe
)
HINT_PROBABILITY = 0.2  # model probability from which a missed message's category is worth a guess
GAMBLING_RULE_BELOW = 0.5  # model probability above which the chat-style gambling rule is not needed
_OBFUSCATED = _n.STYLED | _n.MARKS | _n.SPACED
# whole words only: the look-behind stops the engine from retrying inside a word (quadratic on long words)
_STYLED_WORD_RE = re.compile(
    r"(?<!\S)\S*(?:" + _n._STYLED_RE.pattern + r"|[\u0300-\u036f\u1ab0-\u1aff\u20d0-\u20ff])\S*"
)
_WORD_EDGE_RE = re.compile(r"^[\W_]+|[\W_]+$")


class SpamVerdict(tuple[bool, float, bool, "str | Callable[[], str] | None", str]):
    """What :meth:`SpamDetector.check_text` decided: ``SpamVerdict(is_spam, confidence, reason,
    high_confidence, category=...)``. Immutable; compares and hashes by the first four (a verdict rebuilt
    from the worker protocol's plain values has no category).

    ``category`` is one of :data:`bot.core.spam.community.CATEGORIES` (gambling, scam, promotion, bait) for
    spam, "" otherwise.

    ``reason`` (short, human readable, for moderators) is worked out when read, for the detector's own
    verdicts: it is the slowest part of judging a spam message and most verdicts are never explained.
    """

    __slots__ = ()
    __match_args__ = ("is_spam", "confidence", "reason", "high_confidence", "category")

    def __new__(
        cls,
        is_spam: bool,
        confidence: float,
        reason: str | None,
        high_confidence: bool,
        *,
        explain: Callable[[], str] | None = None,
        category: str = "",
    ) -> SpamVerdict:
        return tuple.__new__(cls, (is_spam, confidence, high_confidence, explain or reason, category))

    def __getnewargs_ex__(self) -> tuple[tuple[bool, float, str | None, bool], dict[str, str]]:
        return (self[0], self[1], self.reason, self[2]), {"category": self[4]}

    @property
    def is_spam(self) -> bool:
        return self[0]

    @property
    def confidence(self) -> float:
        """0..1: how sure we are that the message is spam."""
        return self[1]

    @property
    def high_confidence(self) -> bool:
        """Safe for the optional automatic delete."""
        return self[2]

    @property
    def reason(self) -> str | None:
        reason = self[3]
        return reason() if callable(reason) else reason

    @property
    def category(self) -> str:
        """gambling | scam | promotion | bait for spam; "" when not spam."""
        return self[4]

    def _fields(self) -> tuple[bool, float, str | None, bool]:
        return (self[0], self[1], self.reason, self[2])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SpamVerdict):
            return NotImplemented
        return self._fields() == other._fields()

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        return (
            f"SpamVerdict(is_spam={self[0]!r}, confidence={self[1]!r}, reason={self.reason!r}, "
            f"high_confidence={self[2]!r}, category={self[4]!r})"
        )


NOT_SPAM = SpamVerdict(False, 0.0, None, False)
# Not-spam verdicts by confidence in hundredths, built once: most messages end here.
_NOT_SPAM_BY_PERCENT = [SpamVerdict(False, i / 100, None, False) for i in range(101)]


class SpamModel:
    """Logistic regression over :func:`bot.core.spam.features.analyse` features, loaded from JSON."""

    __slots__ = (
        "bias",
        "grams",
        "high_threshold",
        "hint_threshold",
        "pairs",
        "plain_threshold",
        "prefixes3",
        "prefixes4",
        "table",
        "threshold",
        "weights",
        "word_grams",
    )

    def __init__(
        self,
        bias: float,
        weights: dict[str, float],
        threshold: float,
        high_threshold: float,
        plain_threshold: float = 0.75,
        hint_threshold: float | None = None,
    ) -> None:
        self.bias = bias
        self.threshold = threshold  # probability at or above which a message with evidence is spam
        self.plain_threshold = max(threshold, plain_threshold)  # the same, when only wording is suspicious
        # the same with only a weak hint (a bare link to an unknown site, "check out my", "like and share")
        self.hint_threshold = min(
            self.plain_threshold, max(threshold, hint_threshold if hint_threshold is not None else 1.0)
        )
        self.high_threshold = high_threshold  # probability for a high-confidence gambling verdict
        self.weights: dict[str, float] = {}  # words and #markers
        self.pairs: dict[tuple[str, str], float] = {}  # adjacent word pairs
        self.grams: dict[str, float] = {}  # character n-gram of a word (stored as "~" + n-gram in the file)
        for name, weight in weights.items():
            first, sep, second = name.partition(" ")
            if sep:
                self.pairs[(first, second)] = weight
            elif name.startswith("~"):
                self.grams[name[1:]] = weight
            else:
                self.weights[name] = weight
        # the first 3 (4) characters of the model's 4- and 5-grams (5-grams): where a longer one may start
        self.prefixes3 = frozenset(g[:3] for g in self.grams if len(g) > 3)
        self.prefixes4 = frozenset(g[:4] for g in self.grams if len(g) > 4)
        # per word, the sum of its character n-gram weights (filled as words are seen; chat repeats its words)
        self.word_grams: dict[str, float] = {}
        # words, #markers and word pairs in one table, so that scoring is a single pass of dictionary lookups
        self.table: dict[Hashable, float] = {}
        for table in (self.weights, self.pairs):
            for key, weight in table.items():
                self.table[key] = weight

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SpamModel:
        hint = data.get("hint_threshold")
        return cls(
            bias=float(data["bias"]),
            weights={str(k): float(v) for k, v in data["weights"].items()},
            threshold=float(data["threshold"]),
            high_threshold=float(data["high_threshold"]),
            plain_threshold=float(data.get("plain_threshold", 0.75)),
            hint_threshold=float(hint) if hint is not None else None,
        )

    @classmethod
    def load(cls, path: Path | None = None) -> SpamModel:
        if path is None:
            text = resources.files("bot.core.spam").joinpath("data", MODEL_FILE).read_text(encoding="utf-8")
        else:
            text = path.read_text(encoding="utf-8")
        return cls.from_json(json.loads(text))

    def logit(self, a: Analysis) -> float:
        toks = a.tokens
        features: Iterator[Hashable] = chain(toks, a.markers, pairwise(toks))
        total = self.bias + sum(map(self.table.get, features, _ZEROS))
        if self.grams:
            cached = self.word_grams
            scores = list(map(cached.get, toks))
            if None in scores:
                if len(cached) > WORD_GRAMS_LIMIT:
                    cached.clear()
                grams, prefixes3, prefixes4 = self.grams, self.prefixes3, self.prefixes4
                # filled from local values, never read back from the cache: another thread (a command's
                # check, off the event loop) may clear the shared cache meanwhile
                for i, score in enumerate(scores):
                    if score is None:
                        tok = toks[i]
                        score = cached.get(tok)
                        if score is None:
                            score = cached[tok] = _gram_sum_gated(grams, prefixes3, prefixes4, tok)
                        scores[i] = score
            total += sum(scores)  # type: ignore[arg-type]
        return total

    def weight_of(self, feature: str) -> float:
        first, sep, second = feature.partition(" ")
        if sep:
            return self.pairs.get((first, second), 0.0)
        if feature.startswith("~"):
            return self.grams.get(feature[1:], 0.0)
        return self.weights.get(feature, 0.0)


def _gram_sum(grams: dict[str, float], token: str) -> float:
    """The sum of the weights of ``token``'s character n-grams: what ``char_grams`` names, without building
    the names (a new word's n-grams are computed on the hot path)."""
    if len(token) > GRAM_MAX_WORD:
        return 0.0
    padded = f"_{token}_"
    return sum(map(grams.get, map(padded.__getitem__, GRAM_SLICE_OBJECTS[len(padded)]), _ZEROS))


def _gram_sum_gated(
    grams: dict[str, float], prefixes3: frozenset[str], prefixes4: frozenset[str], token: str
) -> float:
    """:func:`_gram_sum`, looking up a longer n-gram only where the model has one starting with the shorter
    n-gram there (most positions have none). The weights found are added in the same order (all 3-grams,
    then 4-grams, then 5-grams, left to right) and the missing ones are zeros, so the float sum is the same
    to the last bit."""
    size = len(token)
    if size > GRAM_MAX_WORD:
        return 0.0
    padded = f"_{token}_"
    get = grams.get
    found: list[float] = []
    longer: list[int] = []
    for i in range(size):  # the 3-grams of the padded word start at 0 .. size - 1
        gram = padded[i : i + 3]
        weight = get(gram)
        if weight is not None:
            found.append(weight)
        if gram in prefixes3:
            longer.append(i)
    if not longer:
        return sum(found)
    fives: list[int] = []
    for i in longer:
        if i < size - 1:  # a 4-gram fits
            gram = padded[i : i + 4]
            weight = get(gram)
            if weight is not None:
                found.append(weight)
            if i < size - 2 and gram in prefixes4:  # a 5-gram fits and the model has one here
                fives.append(i)
    for i in fives:
        weight = get(padded[i : i + 5])
        if weight is not None:
            found.append(weight)
    return sum(found)


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-min(x, 60.0)))
    z = math.exp(max(x, -60.0))
    return z / (1.0 + z)


class SpamDetector:
    """Judges one message's text. Cheap to call; build once and share."""

    def __init__(
        self, model_path: Path | None = None, *, model: SpamModel | None = None, cache_size: int = 4096
    ) -> None:
        self.model = model if model is not None else SpamModel.load(model_path)
        # verdicts per exact text: chat repeats itself ("lol", "gg", a raid's copy-pasted spam)
        self._cache: dict[str, SpamVerdict] = {}
        self._cache_size = cache_size
        log.debug("spam model loaded: %d weights", len(self.model.weights))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SpamDetector:
        """A detector over a model given as the JSON object the trainer writes (for validation)."""
        return cls(model=SpamModel.from_json(data))

    def clear_cache(self) -> None:
        self._cache.clear()
        self.model.word_grams.clear()

    def check_text(self, content: str) -> SpamVerdict:
        """Judge RAW message content (URLs and mentions intact)."""
        cache = self._cache
        verdict = cache.get(content)
        if verdict is None:
            verdict = self._judge(content)[0]
            if len(cache) >= self._cache_size:
                cache.clear()  # cheaper than LRU bookkeeping on every message; refills from live traffic
            cache[content] = verdict
        return verdict

    def check_text_with_normalized(self, content: str) -> tuple[SpamVerdict, _n.Normalized | None]:
        """:meth:`check_text`, plus ``normalize(content)`` when judging it worked that out on the way, so a
        caller that needs it too (the behaviour fingerprint) need not repeat it. None when it did not: the
        verdict came from the cache (which keeps verdicts only: fewer live objects for the garbage collector
        to walk), the text has links or HTML entities (judged on a rewritten text), or it is blank."""
        cache = self._cache
        verdict = cache.get(content)
        if verdict is not None:
            return verdict, None
        entry = self._judge(content)
        if len(cache) >= self._cache_size:
            cache.clear()
        cache[content] = entry[0]
        return entry

    def category_hint(self, content: str) -> str:
        """The category ``content`` points to even when it is not judged spam (for reports on missed spam):
        the verdict's, else the category of any rule that fires or of a suspicious model score, else ""."""
        verdict = self.check_text(content)
        if verdict.is_spam or not content or content.isspace():
            return verdict.category
        a = analyse(content)
        prob = _sigmoid(self.model.logit(a))
        hits = _rule_hits(a, content, prob)
        if hits:
            return community.category_of([kind for kind, _ in hits])
        text = a.norm.text
        if prob >= HINT_PROBABILITY or a.sites or rules.GAMBLING_WEAK_RE.search(text) is not None:
            return _model_category(a)
        return community.GAMBLING if rules.GAMBLING_STRONG_RE.search(text) is not None else ""

    def _judge(self, content: str) -> tuple[SpamVerdict, _n.Normalized | None]:
        if not content or content.isspace():
            return NOT_SPAM, None
        a = analyse(content)
        norm = a.norm if not a.urls and a.raw == content else None
        if not a.tokens and not a.link_count and "@" not in content:
            return NOT_SPAM, norm  # nothing but emoji, punctuation or invisible characters
        model = self.model
        prob = _sigmoid(model.logit(a))
        # Fixed-confidence rules, each behind a cheap gate; only their kinds are noted here, the evidence for
        # the reason is gathered in _explain, for spam only, when the reason is first read.
        hits = _rule_hits(a, content, prob)
        if not hits:
            if prob < model.threshold or prob < _needed(model, a):
                return _NOT_SPAM_BY_PERCENT[round(prob * 100)], norm
            rule_conf = 0.0
        else:
            rule_conf = max(h[1] for h in hits)
        confidence = max(prob, rule_conf)
        if rule_conf < 0.5 and prob < model.threshold:
            return SpamVerdict(False, round(confidence, 4), None, False), norm
        if hits:
            high = any(_strong(kind, a, content) for kind, _ in hits)
            category = community.category_of([kind for kind, _ in hits])
        else:
            high = prob >= model.high_threshold and _gambling_evident(a)
            category = _model_category(a)

        def explain() -> str:
            return self._explain(a, prob, [_signal(kind, a, content) for kind, _ in hits])

        verdict = SpamVerdict(True, round(confidence, 4), None, high, explain=explain, category=category)
        return verdict, norm

    # --- explanation (only for spam, so it may be slower) -------------------------------------------------
    def _explain(self, a: Analysis, prob: float, rule_hits: list[rules.Signal]) -> str:
        extra = [s.detail for s in a.link_signals if s.confidence == 0]
        if rule_hits:
            best = max(rule_hits, key=lambda s: (s.strong, s.confidence))
            others = [s.detail for s in rule_hits if s is not best] + extra
            return best.detail + (f"; {'; '.join(others[:2])}" if others else "")
        text = a.norm.text
        gambling = rules.GAMBLING_STRONG_RE.findall(text)
        weak = [] if gambling else rules.GAMBLING_WEAK_RE.findall(text)
        promo = [] if gambling or a.sites else _promo_terms(a)
        obfuscated = bool(a.norm.flags & _OBFUSCATED)
        suffix = f"; {'; '.join(extra[:2])}" if extra else ""
        if gambling or a.sites or (obfuscated and not promo):
            evidence = rules.quote_terms(gambling or weak)
            sites = _display_sites(a)
            if sites:
                evidence = ", ".join(x for x in (evidence, "site " + rules.quote_terms(sites, 2)) if x)
            if obfuscated and not evidence:
                evidence = "styled lettering"
            return f"online-gambling promotion ({evidence})" + suffix
        if promo:
            return f"self-promotion ({rules.quote_terms(promo)})" + suffix
        if "#bait_hint" in a.markers:
            terms = rules.BAIT_HINT_RE.findall(text) or rules.SHARE_TEXT_RE.findall(text)
            return f"engagement bait ({rules.quote_terms(terms) or 'wording'})" + suffix
        words = self._top_words(a)
        if weak:
            return f"likely gambling promotion ({rules.quote_terms(weak + words)})" + suffix
        detail = rules.quote_terms(words) or "wording and layout"
        if "#url" in a.markers and not extra:
            linked = [h for h in rules.hosts("", a.urls) if rules.registrable(h) not in rules.COMMON_SITES]
            suffix = f"; link to {linked[0]}" if linked else ""
        return f"looks like promotional spam ({detail})" + suffix

    def _top_words(self, a: Analysis) -> list[str]:
        scored = {(self.model.weight_of(f), f) for f in a.feature_names() if f[0] not in "#~"}
        return [f for w, f in sorted(scored, reverse=True)[:3] if w > 0]


# Markers that back a model verdict with something beyond word choice.
_EVIDENCE = frozenset(
    {"#styled", "#marks", "#invisible", "#spaced", "#leet", "#site", "#promo", "#bait", "#offer",
     "#url_promo", "#shortener", "#punycode"}
)  # fmt: skip
# Weaker hints: as true of members talking about themselves or sharing a profile as of spam. A bare link to a
# site outside bot.core.spam.rules.COMMON_SITES is none: members share news and tools that way.
# A link to a site outside COMMON_SITES with a suspicious shape (a shop, a free host, a referral or tracking
# parameter, an IP address, digits in the host name, several such links, a request around it) is a hint too:
# the model, trained on which links YouTube spam used, then decides.
_HINTS = frozenset(
    {"#promo_hint", "#bait_hint", "#url_profile", "#url_store", "#url_freehost", "#url_ref", "#url_ip",
     "#url_hostdigit", "#url_multi", "#url_ask"}
)  # fmt: skip


def _needed(model: SpamModel, a: Analysis) -> float:
    """The model probability a message needs without a deciding rule: ``threshold`` with evidence (styling,
    a site name or gambling term, self-promotion, a link shortener), ``hint_threshold`` with only a weak
    hint, else ``plain_threshold``: "check out the pinned post" is not spam in a Discord server, however
    often YouTube spammers write "check out"."""
    markers = a.markers
    if not _EVIDENCE.isdisjoint(markers):
        return model.threshold
    text = a.norm.text
    if rules.GAMBLING_STRONG_RE.search(text) is not None or rules.GAMBLING_WEAK_RE.search(text) is not None:
        return model.threshold
    if not _HINTS.isdisjoint(markers):
        return model.hint_threshold
    return model.plain_threshold


# Hand-written markers that decide on their own: marker -> (rule kind, confidence, model probability needed).
# Self-promotion and something-for-nothing offers are never "strong" (no automatic delete).
MARKER_RULES: dict[str, tuple[str, float, float]] = {
    "#promo": ("promo", 0.8, 0.0),  # "check out my channel", "i'm a rapper", "subscribe to me"
    "#bait": ("bait", 0.7, 0.0),  # "like this comment", "please like and share", "click here"
    "#url_promo": ("promo_link", 0.7, 0.0),  # referral codes, bare social profiles, crowdfunding pages
}


def _rule_hits(a: Analysis, content: str, prob: float) -> list[tuple[str, float]]:
    """(kind, confidence) of the rules that fire; cheap, since it runs on every message."""
    hits: list[tuple[str, float]] = []
    text = a.norm.text
    gift = False
    if a.link_count:
        for sig in a.link_signals:
            if sig.confidence > 0:
                hits.append((sig.kind, sig.confidence))
        if rules.GIFT_BAIT_RE.search(text):
            gift = True
            hits.append(("gift", 0.97))
    if "@" in content and ("<@" in content or "@everyone" in content or "@here" in content):
        if len(set(rules.USER_MENTION_RE.findall(content))) >= 5:
            hits.append(("mentions", 0.9))
        if (a.link_count or gift) and rules.EVERYONE_RE.search(content):
            hits.append(("everyone", 0.95))
    if (
        (not rules.MONEY_TRIGGERS.isdisjoint(a.tokens) or "$" in text)
        and rules.MONEY_RE.search(text)
        and (rules.CONTACT_RE.search(text) or (a.urls and rules.CONTACT_RE.search(" ".join(a.urls).lower())))
    ):
        hits.append(("money", 0.93))
    markers = a.markers
    # "free gems every login" is game talk; an offer with a link to an unknown site or a request, or two
    # offers at once ("free gift cards and paypal money"), is not
    if "#offer" in markers and (
        "#url" in markers
        or "#promo" in markers
        or "#bait" in markers
        or len(set(rules.OFFER_RE.findall(text))) >= 2
    ):
        hits.append(("offer", OFFER_CONFIDENCE))
    for marker in markers:
        rule = MARKER_RULES.get(marker)
        if rule is not None and prob >= rule[2]:
            hits.append((rule[0], rule[1]))
    kinds = community.community_hits(
        text, a.tokens, a.norm.flags, a.urls, a.sites, "<@" in content, gambling=prob < GAMBLING_RULE_BELOW
    )
    if kinds:
        # a community rule adds what the rules above did not already say (they keep the reason they gave)
        said = {community.KIND_CATEGORY.get(kind) for kind, _ in hits}
        for kind in kinds:
            category, confidence = community.KIND_RULES[kind]
            if category not in said:
                hits.append((kind, confidence))
    return hits


def _model_category(a: Analysis) -> str:
    """The category of a verdict the model decided alone; agrees with _explain."""
    text = a.norm.text
    if a.sites or rules.GAMBLING_STRONG_RE.search(text) is not None:
        return community.GAMBLING
    promo = bool(_promo_terms(a))
    if a.norm.flags & _OBFUSCATED and not promo:
        return community.GAMBLING
    if promo:
        return community.PROMOTION
    if "#bait_hint" in a.markers:
        return community.BAIT
    if rules.GAMBLING_WEAK_RE.search(text) is not None:
        return community.GAMBLING
    return community.PROMOTION


def _gambling_evident(a: Analysis) -> bool:
    """Whether a model verdict reads as online-gambling promotion (the only kind it may auto-delete): a site
    name or gambling term, or styled lettering that is not self-promotion. Agrees with _explain."""
    text = a.norm.text
    if a.sites or rules.GAMBLING_STRONG_RE.search(text) is not None:
        return True
    if a.norm.flags & _OBFUSCATED:
        return rules.SELF_PROMO_RE.search(text) is None and rules.PROMO_HINT_RE.search(text) is None
    return False


def _strong(kind: str, a: Analysis, content: str) -> bool:
    """Whether rule ``kind`` is safe for an automatic delete; the same as _signal(...).strong, but cheap."""
    for sig in a.link_signals:
        if sig.kind == kind:
            return sig.strong
    if kind == "gift":
        return True
    if kind == "everyone":
        return bool(a.link_signals) or rules.GIFT_BAIT_RE.search(a.norm.text) is not None
    if kind == "money":
        return bool(a.link_count) or any(c.startswith("+") for c in rules.CONTACT_RE.findall(a.norm.text))
    return False


def _signal(kind: str, a: Analysis, content: str) -> rules.Signal:
    """The rule ``kind`` with its evidence spelled out for the moderator (spam only)."""
    text = a.norm.text
    for sig in a.link_signals:
        if sig.kind == kind:
            return sig
    if kind == "gift":
        return _gift_signal(rules.GIFT_BAIT_RE.findall(text))
    if kind == "mentions":
        users = set(rules.USER_MENTION_RE.findall(content))
        return rules.Signal("mentions", f"mass mentions ({len(users)} users)", 0.9, strong=False)
    if kind == "everyone":
        what = "@everyone" if "@everyone" in content else "@here"
        gift = bool(rules.GIFT_BAIT_RE.search(text))
        return rules.Signal("mentions", f"{what} with a link", 0.95, strong=bool(a.link_signals) or gift)
    if kind == "money":
        money = rules.MONEY_RE.findall(text)
        contact = rules.CONTACT_RE.findall(text) + rules.CONTACT_RE.findall(" ".join(a.urls).lower())
        strong = bool(a.link_count) or any(c.startswith("+") for c in contact)
        return rules.Signal(
            "money", f"money-making bait ({rules.quote_terms(money + contact)})", 0.93, strong
        )
    if kind == "offer":
        terms = rules.OFFER_RE.findall(text) + _promo_terms(a)
        return rules.Signal(
            "offer", f"something-for-nothing offer ({rules.quote_terms(terms)})", OFFER_CONFIDENCE
        )
    if kind == "bait":
        terms = rules.ENGAGEMENT_BAIT_RE.findall(text) or rules.SHARE_TEXT_RE.findall(text)
        return rules.Signal("bait", f"engagement bait ({rules.quote_terms(terms)})", MARKER_RULES["#bait"][1])
    if kind == "promo_link":
        return rules.Signal("promo_link", "link to a page to promote", MARKER_RULES["#url_promo"][1])
    if kind in community.KIND_RULES:
        detail = community.describe(kind, text, a.urls, a.sites)
        return rules.Signal(kind, detail, community.KIND_RULES[kind][1])
    return rules.Signal("promo", f"self-promotion ({rules.quote_terms(_promo_terms(a))})", PROMO_CONFIDENCE)


def _promo_terms(a: Analysis) -> list[str]:
    text = a.norm.text
    return [m.group(0) for m in rules.SELF_PROMO_RE.finditer(text)] or [
        m.group(0) for m in rules.PROMO_HINT_RE.finditer(text)
    ]


def _gift_signal(terms: list[str]) -> rules.Signal:
    return rules.Signal("gift", f"free-gift bait with a link ({rules.quote_terms(terms)})", 0.97, strong=True)


def _display_sites(a: Analysis) -> list[str]:
    sites = [s.upper() for s in a.sites]
    if not sites and a.norm.flags & (_n.STYLED | _n.MARKS):
        for word in _STYLED_WORD_RE.findall(a.raw):
            plain = _WORD_EDGE_RE.sub("", _n.normalize(word).text.split(" ")[0])
            if len(plain) >= 3 and plain.upper() not in sites:
                sites.append(plain.upper())
    return sites
