"""clean_for_scoring: the Discord markup table described in docs/architecture.md."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.text.clean import clean_for_scoring

CASES = [
    # mentions, @everyone / @here
    ("<@123456789> this is great", "this is great"),
    ("<@!123456789> nice", "nice"),
    ("thanks <@&987654321> team", "thanks team"),
    ("see <#55555> for rules", "see for rules"),
    ("@everyone stream is live", "stream is live"),
    ("@here quick poll", "quick poll"),
    # custom emoji keep their name, underscores become spaces
    ("<:pepe_cry:123456> that ending", "pepe cry that ending"),
    ("<a:party_parrot:99>yay", "party parrot yay"),
    # timestamps
    ("stream at <t:1700000000:R> hype", "stream at hype"),
    ("<t:1700000000> starts", "starts"),
    # URLs, bare and in angle brackets
    ("watch https://youtu.be/abc?t=10 so good", "watch so good"),
    ("no embed <https://example.com/x> pls", "no embed pls"),
    ("www.example.com is down", "is down"),
    # masked links keep their text
    ("[my new video](https://youtu.be/abc) is up", "my new video is up"),
    # code: fenced and inline are dropped
    ("```py\nprint('terrible')\n``` works now", "works now"),
    ("try `rm -rf bad` instead", "try instead"),
    ("``double `tick` code`` done", "done"),
    # spoilers are dropped
    ("the ending ||he dies, awful|| was wild", "the ending was wild"),
    ("||spoiler\nacross lines|| ok", "ok"),
    # quotes are someone else's words
    ("> you are trash\nno, you are great", "no, you are great"),
    ("agree\n>>> everything after\nis quoted", "agree"),
    (">>> whole message quoted", ""),
    # emphasis markers go, words stay
    ("this is **really** good", "this is really good"),
    ("*so* _cool_ __under__ ~~old~~ ***wow***", "so cool under old wow"),
    ("**great!**", "great!"),
    ("snake_case_name stays", "snake_case_name stays"),
    # emoticons survive
    (":) ^_^ >:( :*", ":) ^_^ >:( :*"),
    # headings, subtext and list markers
    ("# Big news\n## Sub\n-# tiny", "Big news Sub tiny"),
    ("- first point\n* second\n1. third", "first point second third"),
    # whitespace collapses; empty stays empty
    ("  lots   of\n\n space\t here ", "lots of space here"),
    ("", ""),
    ("<@1> <#2> https://x.y", ""),
    # Indonesian text passes through
    ("kecewa banget, isinya iklan doang", "kecewa banget, isinya iklan doang"),
]


@pytest.mark.parametrize(("raw", "expected"), CASES)
def test_clean_table(raw: str, expected: str) -> None:
    assert clean_for_scoring(raw) == expected


def test_non_string_input_gives_empty_string() -> None:
    assert clean_for_scoring(None) == ""  # type: ignore[arg-type]


def test_pathological_markup_is_cleaned_without_the_fallback(caplog: pytest.LogCaptureFixture) -> None:
    """Thousands of unbalanced markers go through the markup rules without an exception: nothing is logged
    from the whitespace-only fallback, and the spoiler bars are gone (the fallback would keep them)."""
    nasty = "||" * 5000 + "`" * 5001 + "<@" * 3000 + "*_" * 4000 + "[" * 2000 + "](" * 2000
    with caplog.at_level("DEBUG", logger="bot.core.text.clean"):
        out = clean_for_scoring(nasty)
    assert isinstance(out, str)
    assert "||" not in out
    assert [r for r in caplog.records if r.name == "bot.core.text.clean"] == []


@given(st.text())
def test_never_raises_and_whitespace_is_collapsed(text: str) -> None:
    out = clean_for_scoring(text)
    assert out == out.strip()
    assert "  " not in out
    assert "\n" not in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # as Discord renders it: the link is "b", the "[a " before it is plain text
        ("[a [b](https://example.com) c", "[a b c"),
        ("[[[[ok](https://example.com)", "[[[ ok"),
        ("[see [1]](https://example.com)", "[see [1]]("),  # no link: shown as typed, the URL dropped
    ],
)
def test_a_masked_link_text_never_spans_an_opening_bracket(text: str, expected: str) -> None:
    assert clean_for_scoring(text) == expected
