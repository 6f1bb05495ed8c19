"""Hand-written patterns in bot.core.spam.rules: what they catch, what they leave, and the boundary
hoisting."""

from __future__ import annotations

import re

import pytest

from bot.core.spam import rules
from bot.core.spam.normalize import normalize_for_matching


@pytest.mark.parametrize(
    "text",
    [
        "check out my channel",
        "please subscribe to my channel",
        "sub 4 sub",
        "if i get 500 subscribers i will",
        "help me reach 1k subs",
        "follow me on twitter",
        "please become my first subscriber",
        "los invito a suscribirse a mi canal",
        "give my new song a listen",
        'check out "someone123" channel',
        "FOLLOW MY COMPANY ON TWITTER",
        "check out my new music video",
        "Nice song .See my new track.",
        "come hear our new single",
        "come follow and watch my stream!",
        "My videos are half way decent, check them out if you want.",
        "SUBSCRIBE",
        "suscribe!!!",
    ],
)
def test_self_promotion_is_recognised(text: str) -> None:
    assert rules.SELF_PROMO_RE.search(normalize_for_matching(text))


@pytest.mark.parametrize(
    "text",
    [
        "i'm a young rapper from london",
        "im an aspiring singer",
        "check out my new keyboard",
        "add me on steam",
        "go subscribe",
        "my new video is up",
        "check out this song called midnight by lanes",
        "check out the new single",
        "can i get views and subscribers for no reason?",
    ],
)
def test_weak_self_promotion_is_only_a_hint(text: str) -> None:
    folded = normalize_for_matching(text)
    assert rules.SELF_PROMO_RE.search(folded) is None
    assert rules.PROMO_HINT_RE.search(folded)


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
        "go subscribe to Nara if you haven't already",
        "i bet all my channel points on the wrong team",
        "add me on steam, my code is 123",
        "check out my new keyboard, it's so thocky",
        "she'll hit 100k subs soon",
        "i watched my stream back and cringed",
        "subscribed",
        "subscribed!!",
        "subscribers",
        "my new keyboard came today, check it out",
        "her videos are great, check them out",
    ],
)
def test_ordinary_talk_is_not_self_promotion(text: str) -> None:
    assert rules.SELF_PROMO_RE.search(normalize_for_matching(text)) is None


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("like this comment if you agree", rules.ENGAGEMENT_BAIT_RE),
        ("take a look at this video on youtube:", rules.SHARE_TEXT_RE),
        ("please like my comment", rules.ENGAGEMENT_BAIT_RE),
        ("like and subscribe", rules.BAIT_HINT_RE),
        ("click here to win", rules.ENGAGEMENT_BAIT_RE),
        ("get free itunes gift cards", rules.OFFER_RE),
        ("earn real money from home", rules.OFFER_RE),
        ("share this to 10 people or you get bad luck", rules.ENGAGEMENT_BAIT_RE),
        ("send this to 5 more servers", rules.ENGAGEMENT_BAIT_RE),
    ],
)
def test_bait_and_offers(text: str, pattern: re.Pattern[str]) -> None:
    assert pattern.search(text)


@pytest.mark.parametrize(
    "text",
    [
        "i like it if you play the old maps",
        "thumbs up from me",
        "react with a thumbs up emoji to vote",
        "send this to the mods",
        "i would like if we did a q&a",
    ],
)
def test_ordinary_talk_is_not_bait(text: str) -> None:
    folded = normalize_for_matching(text)
    assert rules.ENGAGEMENT_BAIT_RE.search(folded) is None
    assert rules.BAIT_HINT_RE.search(folded) is None


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
        ("https://www.change.org/p/bring-back-the-old-map", True),
        ("http://www.avaaz.org/po/petition/Some_Cause/?abc", True),
        ("https://www.exchange.org/rates", False),
    ],
)
def test_promotional_links(url: str, promo: bool) -> None:
    assert bool(rules.PROMO_LINK_RE.search(url)) is promo


@pytest.mark.parametrize(
    ("urls", "kind"),
    [
        (["https://www.facebook.com/somepage"], "#url_promo"),
        (["https://www.swagbucks.com/refer/someone"], "#url_promo"),
        (["https://www.twitch.tv/nara"], "#url_profile"),  # a well-known site: a hint, never a verdict alone
        (["https://clips.twitch.tv/TinyPogChampSleepyWombat-aACtnRJtH7Fq2oQx"], None),  # a clip, no profile
        (["https://www.reddit.com/r/gaming/comments/abc123/this_is_so_true/"], None),  # "/r/" is no referral
        (["https://youtu.be/nara98179"], None),
    ],
)
def test_promotional_link_kind(urls: list[str], kind: str | None) -> None:
    assert rules.promo_link_kind(urls) == kind


@pytest.mark.parametrize(
    ("text", "sites"),
    [
        ("main di PULAU777 aja", ["pulau777"]),
        ("https://youtu.be/nara98179", []),  # a video id is not a site name
        ("daftar di https://pulau777.com sekarang", ["pulau777"]),  # the site's own domain is
        ("rtx4090 is overkill lol", []),  # four digits: a model number or a year
        ("my username is nara_fan2003", []),
    ],
)
def test_site_names_come_from_the_text_not_link_paths(text: str, sites: list[str]) -> None:
    from bot.core.spam.features import analyse

    assert analyse(text).sites == sites


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


def test_link_shape_markers_describe_the_link() -> None:
    from bot.core.spam.rules import link_shape_markers

    shop = link_shape_markers(["http://www.ebay.com/itm/131275322914?ssPageName=STRK&tag=abc"], [], "x")
    assert {"#host=ebay", "#tld=com", "#url_store", "#url_query", "#url_ref"} <= set(shop)
    free = link_shape_markers(
        ["http://www.bubblews.com/news/9277547-peace"],
        ["please", "like"],
        "please like http://www.bubblews.com/news/9277547-peace",
    )
    assert {"#url_freehost", "#url_ask", "#url_end"} <= set(free)
    assert "#url_ip" in link_shape_markers(["http://192.168.10.4/login"], [], "x")
    # well-known sites are left to the existing #url_common marker
    assert link_shape_markers(["https://www.youtube.com/watch?v=abc&ref=x"], ["my"], "x") == []


def test_documentation_subdomains_are_not_lookalikes() -> None:
    from bot.core.spam.rules import lookalike_of

    assert lookalike_of("discordpy.readthedocs.io") is None
    assert lookalike_of("discord-gift.xyz") == "discord.com"
