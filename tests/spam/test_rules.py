"""Hand-written patterns in bot.spam.rules: what they catch, what they leave, and the boundary hoisting."""

from __future__ import annotations

import re

import pytest

from bot.spam import rules
from bot.spam.normalize import normalize_for_matching


@pytest.mark.parametrize(
    "text",
    [
        "check out my channel",
        "please subscribe to my channel",
        "sub 4 sub",
        "i'm a young rapper from london",
        "im an aspiring singer",
        "if i get 500 subscribers i will",
        "help me reach 1k subs",
        "follow me on twitter",
        "please become my first subscriber",
        "los invito a suscribirse a mi canal",
        "give my new song a listen",
        'check out "someone123" channel',
    ],
)
def test_self_promotion_is_recognised(text: str) -> None:
    assert rules.SELF_PROMO_RE.search(normalize_for_matching(text))


@pytest.mark.parametrize(
    "text",
    [
        "subscribe to her channel, she's amazing",
        "check out the pinned post",
        "check out her channel too",
        "i love my new headphones",
        "listen to my favourite radio station",
        "I am a big fan of this channel",
        "subscriber count is wild",
        "they subscribe to the theory",
    ],
)
def test_ordinary_talk_is_not_self_promotion(text: str) -> None:
    assert rules.SELF_PROMO_RE.search(normalize_for_matching(text)) is None


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("like this comment if you agree", rules.ENGAGEMENT_BAIT_RE),
        ("take a look at this video on youtube:", rules.ENGAGEMENT_BAIT_RE),
        ("click here to win", rules.ENGAGEMENT_BAIT_RE),
        ("get free itunes gift cards", rules.OFFER_RE),
        ("earn real money from home", rules.OFFER_RE),
    ],
)
def test_bait_and_offers(text: str, pattern: re.Pattern[str]) -> None:
    assert pattern.search(text)


@pytest.mark.parametrize(
    ("url", "promo"),
    [
        ("https://www.facebook.com/somepage", True),
        ("https://www.facebook.com/pages/Some-Page/123456", True),
        ("http://hackfb.example.com/?ref=4477063", True),
        ("https://twitter.com/someone", True),
        ("https://twitter.com/someone/status/123456", False),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", False),
        ("https://www.bbc.co.uk/news/technology-123", False),
    ],
)
def test_promotional_links(url: str, promo: bool) -> None:
    assert bool(rules.PROMO_LINK_RE.search(url)) is promo


def test_compile_words_hoists_the_boundary_without_changing_matches() -> None:
    source = r"\bsub\s*4\s*sub\b|\bcheck\s*out\s*my\b|\+\d{3}"
    fast = rules._compile_words(source)
    assert fast.pattern.startswith(r"\b(?:")
    slow = re.compile(source)
    for text in [
        "sub 4 sub",
        "xsub 4 sub",
        "pls check out my page",
        "call +123",
        "nothing here",
        "recheck out my",
    ]:
        assert [m.group(0) for m in fast.finditer(text)] == [m.group(0) for m in slow.finditer(text)]


def test_split_alternatives_respects_groups_and_classes() -> None:
    assert rules._split_alternatives(r"a(b|c)|[|x]|\|d") == ["a(b|c)", "[|x]", r"\|d"]
