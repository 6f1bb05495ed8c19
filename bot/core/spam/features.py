"""Features for the small spam model, shared by the trainer (scripts/train_spam.py) and the detector.

A message becomes its normalised words (at most :data:`MAX_TOKENS`), the adjacent word pairs, and a few
``#markers`` for obfuscation, links, layout and the hand-written self-promotion, engagement-bait, offer and
promotional-link patterns of :mod:`bot.core.spam.rules` (each regex behind a cheap word or substring gate).
The model is a logistic regression over the counts of these, so scoring is a handful of C-level dictionary
lookups. Everything here runs on every message: keep it cheap, and leave the expensive evidence gathering
(for the moderator-facing reason) to the detector, which only does it for spam.
"""

from __future__ import annotations

import html
import itertools
import logging
import re
from dataclasses import dataclass

from bot.core.spam import normalize as _n
from bot.core.spam import rules

log = logging.getLogger(__name__)

MAX_TOKENS = 60
# Sub-word features: the character n-grams of each word, with "_" marking its edges ("_sub", "scri", "nnel_"),
# stored as "~" + n-gram. Spam shares word shapes across videos (subscribe/subscribers/subscribing,
# channel/channels, "www", ".com") where whole words are specific to the video they were learned on.
GRAM_SIZES = (3, 4, 5)
GRAM_MAX_WORD = 20  # longer "words" (ids, keyboard mashing) get no sub-word features
TOKEN_RE = _n.TOKEN_RE
_FLAG_FEATURES = (
    (_n.STYLED, "#styled"),
    (_n.MARKS, "#marks"),
    (_n.INVISIBLE, "#invisible"),
    (_n.SPACED, "#spaced"),
    (_n.LEET, "#leet"),
)
# Cheap pre-checks for rules.SITE_RE: a letter before two digits or "4d" (PULAU777, XUXU4D), or a word ending
# in "win"/"bet" (PULAUWIN); English "window", "better" do not end there.
_LETTER_DIGITS_RE = re.compile(r"[a-z](?:\d\d|4d)")
_WIN_BET_RE = re.compile(r"[a-z]{3}(?:win|bet)(?![^\W_])")
PROMO_WORDS, PROMO_VERBS, PROMO_OWNERS = rules.PROMO_WORDS, rules.PROMO_VERBS, rules.PROMO_OWNERS
BAIT_CONTEXT, BAIT_OBJECTS, OFFER_CONTEXT = rules.BAIT_CONTEXT, rules.BAIT_OBJECTS, rules.OFFER_CONTEXT
_GATE_WORDS = PROMO_WORDS | PROMO_VERBS | PROMO_OWNERS | BAIT_CONTEXT | BAIT_OBJECTS | OFFER_CONTEXT
# normaliser flag set -> its marker names
_FLAG_MARKERS = [tuple(name for bit, name in _FLAG_FEATURES if flags & bit) for flags in range(32)]


@dataclass(slots=True)
class Analysis:
    """What the per-message pass learned; the detector builds reasons from it only for spam."""

    raw: str
    norm: _n.Normalized
    tokens: list[str]
    markers: list[str]
    sites: list[str]
    link_signals: list[rules.Signal]
    link_count: int
    urls: list[str]  # the links as written (their text is not in ``norm``)

    def feature_names(self) -> list[str]:
        """Feature names as stored in the model file (word pairs joined by a space, n-grams after "~")."""
        toks = self.tokens
        grams = [g for t in toks for g in char_grams(t)]
        return [*toks, *map(" ".join, itertools.pairwise(toks)), *self.markers, *grams]


# per padded word length, the (start, end) of each of its character n-grams: the one place they are enumerated
GRAM_SLICES = [
    [(i, i + n) for n in GRAM_SIZES for i in range(length - n + 1)] for length in range(GRAM_MAX_WORD + 3)
]
# the same as slice objects, for C-level lookups (detector._gram_sum)
GRAM_SLICE_OBJECTS = [[slice(i, j) for i, j in slices] for slices in GRAM_SLICES]


def char_grams(token: str) -> tuple[str, ...]:
    """The ``~``-prefixed character n-grams (:data:`GRAM_SIZES`) of one word with its edges marked.
    Not cached: a word's n-grams take ~50 strings (kilobytes), and the detector keeps what it needs, the sum
    of their weights per word (SpamModel.word_grams)."""
    if len(token) > GRAM_MAX_WORD:
        return ()
    padded = f"_{token}_"
    return tuple("~" + padded[i:j] for i, j in GRAM_SLICES[len(padded)])


def analyse(raw: str) -> Analysis:
    if "&" in raw and ";" in raw:
        raw = html.unescape(raw)
    urls: list[str] = []
    if rules.may_have_link(raw):
        urls = rules.URL_RE.findall(raw)
    # Links are judged on their own (below and by the rules): their text is not vocabulary, not obfuscation
    # ("clip-q1w2e3" is no leetspeak) and not a place for site names (youtu.be/nara98179 is a video id).
    norm = _n.normalize(rules.URL_RE.sub(" ", raw) if urls else raw)
    text = norm.text
    tokens = norm.tokens
    if len(tokens) > MAX_TOKENS:
        tokens = tokens[:MAX_TOKENS]
    markers: list[str] = []
    if norm.flags:
        markers.extend(_FLAG_MARKERS[norm.flags])
    # the message's words that any rule gate looks for, found in one pass (most messages have none or few)
    vocab = _GATE_WORDS.intersection(tokens)
    sites: list[str] = []
    # a gambling site's own domain (pulau777.com) still names it, unlike any path or id in a link
    site_text = " ".join([text, *rules.uncommon_host_labels(urls)]) if urls else text
    # site names need a digit (PULAU777, XUXU4D) or a site-like suffix (AGUSTOTO, PULAUWIN)
    if (
        ((norm.has_digits or urls) and _LETTER_DIGITS_RE.search(site_text) is not None)
        or "toto" in site_text
        or "slot" in site_text
        or "jp" in site_text
        or "gacor" in site_text
        or "hoki" in site_text
        or "cuan" in site_text
        or (("win" in site_text or "bet" in site_text) and _WIN_BET_RE.search(site_text) is not None)
    ):
        sites = [s for s in rules.SITE_RE.findall(site_text) if s not in rules.NOT_SITES]
        if sites:
            markers.append("#site")
    if (
        "sub" in text
        or "scri" in text
        or "cribe" in text
        or "check" in text
        or "channel" in text
        or (vocab and (not PROMO_WORDS.isdisjoint(vocab) or (vocab & PROMO_VERBS and vocab & PROMO_OWNERS)))
    ):
        if rules.SELF_PROMO_RE.search(text):
            markers.append("#promo")
        elif rules.PROMO_HINT_RE.search(text):
            markers.append("#promo_hint")
    if vocab and (
        not BAIT_CONTEXT.isdisjoint(vocab)
        or (("like" in text or "please" in text or "help" in text) and not BAIT_OBJECTS.isdisjoint(vocab))
    ):
        if rules.ENGAGEMENT_BAIT_RE.search(text):
            markers.append("#bait")
        elif rules.SHARE_TEXT_RE.search(text):
            markers.append("#bait_hint" if urls else "#bait")
        elif rules.BAIT_HINT_RE.search(text):
            markers.append("#bait_hint")
    if ((vocab and not OFFER_CONTEXT.isdisjoint(vocab)) or "$" in text) and rules.OFFER_RE.search(text):
        markers.append("#offer")
    link_signals: list[rules.Signal] = []
    link_count = 0
    if urls:
        link_signals, link_count, common = rules.link_signals(raw, urls)
        if common:
            markers.append("#url_common")
        if link_count > common:
            markers.append("#url")
        markers.extend("#" + sig.kind for sig in link_signals)
        promo_link = rules.promo_link_kind(urls)
        if promo_link:
            markers.append(promo_link)
        if link_count > common:
            markers.extend(rules.link_shape_markers(urls, tokens, raw))
    if "!!!" in text:
        markers.append("#exclaim")
    if not tokens:
        markers.append("#url_only" if "#url" in markers else "#empty")
    elif len(tokens) <= 3:
        markers.append("#short")
    return Analysis(raw, norm, tokens, markers, sites, link_signals, link_count, urls)
