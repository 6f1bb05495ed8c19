"""The campaign matcher: styled, spaced and dotted keywords, phrases, links by host and path prefix, no hits
inside other words, and linear time on hostile text."""

from __future__ import annotations

import time

import pytest

from bot.core.campaigns.matcher import CampaignMatcher, CampaignSet, matcher_for, parse_link

M = CampaignMatcher(
    CampaignSet(
        (
            (1, ("Brand", "brand cola")),
            (2, ("https://www.shop.example/promo", "acme.io")),
            (3, ("kopi kenangan",)),
        )
    )
)


@pytest.mark.parametrize(
    ("text", "hits"),
    [
        ("I love brand", (1,)),
        ("I love B R A N D", (1,)),
        ("b.r.a.n.d rocks", (1,)),
        ("B-R-A-N-D", (1,)),
        ("𝐁𝐑𝐀𝐍𝐃!!", (1,)),  # mathematical bold
        ("ＢＲＡＮＤ", (1,)),  # full-width
        ("ВRАND", (1,)),  # Cyrillic look-alikes
        ("brandon and rebrand and brands", ()),  # never inside another word
        ("Kopi   Kenangan enak", (3,)),  # a phrase, any spacing
        ("kopi saja", ()),
        ("k.o.p.i k.e.n.a.n.g.a.n!", (3,)),  # spelt out, the words run together
        ("#KopiKenangan", (3,)),
        ("kopikenangannya", ()),
        ("go to https://shop.example/promo/x?ref=1", (2,)),
        ("www.shop.example/promo", (2,)),
        ("https://shop.example/promotion", ()),  # a path prefix ends at a segment
        ("https://shop.example/other", ()),
        ("https://m.acme.io/anything", (2,)),  # a subdomain of the host
        ("https://notacme.io and acme.iox", ()),
        ("brand and https://acme.io", (1, 2)),
        ("", ()),
    ],
)
def test_matches(text: str, hits: tuple[int, ...]) -> None:
    assert M.match(text) == hits


def test_parse_link() -> None:
    link = parse_link("https://www.Shop.example/Promo/")
    assert link is not None and (link.host, link.path) == ("shop.example", "/promo")
    assert parse_link("brand cola") is None
    assert parse_link("b.r.a.n.d") is None  # a one-letter "top-level domain": words


def test_compiled_once_per_set() -> None:
    cset = CampaignSet(((9, ("x",)),))
    assert matcher_for(cset) is matcher_for(CampaignSet(((9, ("x",)),)))


@pytest.mark.parametrize(
    "unit",
    ["a.", "a ", "brand ", "kopi ", "www.a", "https://a.b", "a-", "𝐁 ", "B R "],
)
def test_linear_time(unit: str) -> None:
    """Four times the text costs about four times the CPU, not sixteen (a budget, not a sleep)."""
    many = CampaignMatcher(
        CampaignSet(tuple((i, tuple(f"kopi w{i}{j}" for j in range(20))) for i in range(25)))
    )

    def cost(n: int) -> float:
        text = unit * (n // len(unit))
        start = time.process_time()
        for _ in range(5):
            M.match(text)
            many.match(text)
        return time.process_time() - start

    cost(1000)  # warm up
    small, large = cost(1000), cost(4000)
    assert large < 8 * max(small, 1e-3)
