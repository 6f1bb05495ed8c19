"""Term extraction for /trends: words and two-word phrases, normalised, stop words of both languages out,
numbers/URLs/mentions/emoji codes dropped, bounded, linear in the text's length."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from bot.core.trends import MAX_TERMS, extract_terms, stop_words
from bot.core.trends.extract import MAX_WORD
from tests.test_fuzz_text import N, assert_linear, hostile_text, hostile_units


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # English: stop words out, phrases only between neighbouring kept words
        ("The new map is amazing", ("new", "map", "new map", "amazing")),
        # Indonesian, chat spellings included
        (
            "Yg gak jelas, update terbaru bikin lag parah wkwkwk",
            ("update", "terbaru", "update terbaru", "bikin", "terbaru bikin", "lag", "bikin lag", "parah",
             "lag parah"),
        ),
        # mixed: "banget", "the", "is" are stop words in one language or the other
        ("boss fight nya susah banget tapi the loot is worth it",
         ("boss", "fight", "boss fight", "nya", "fight nya", "susah", "nya susah", "loot", "worth")),
        # punctuation ends a phrase
        ("great stream. new merch!", ("great", "stream", "great stream", "new", "merch", "new merch")),
    ],
)  # fmt: skip
def test_words_and_phrases_of_both_languages(text: str, expected: tuple[str, ...]) -> None:
    assert extract_terms(text) == expected


def test_styled_unicode_and_spaced_letters_fold_like_the_spam_matcher() -> None:
    plain = extract_terms("new map")
    assert extract_terms("𝐍𝐄𝐖 𝐌𝐀𝐏") == plain
    assert extract_terms("ｎｅｗ ｍａｐ") == plain
    assert extract_terms("NEW MAP") == plain
    assert extract_terms("nеw mаp") == plain  # Cyrillic look-alikes
    assert "merch" in extract_terms("Ｍ Ｅ Ｒ Ｃ Ｈ drop")


def test_numbers_urls_mentions_and_emoji_codes_are_dropped() -> None:
    text = (
        "<@123456> check https://example.com/patch <#999> <:pepega:123456789> <a:dance:42> :fire: 2024 100k "
        "`code words` @everyone gta6 trailer"
    )
    assert extract_terms(text) == ("check", "gta6", "trailer", "gta6 trailer")


def test_quoted_lines_are_someone_elses_words() -> None:
    expected = ("new", "map", "new map", "rocks", "map rocks")
    assert extract_terms("> the old map was bad\nnew map rocks") == expected


def test_digit_swapped_styled_words_count_once_as_letters() -> None:
    assert extract_terms("𝐩3𝐭1𝐫 jackpot") == ("petir", "jackpot", "petir jackpot")


def test_stop_words_cover_both_languages() -> None:
    words = stop_words()
    assert {"the", "and", "yang", "dan", "gak", "lol", "banget"} <= words
    assert not {"map", "game", "stream", "lagu", "harga"} & words
    assert extract_terms("the and of yang dan di ke lol wkwk") == ()


def test_terms_are_bounded_per_comment_and_per_word() -> None:
    text = " ".join(f"word{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}" for i in range(1000))
    terms = extract_terms(text)
    assert len(terms) == MAX_TERMS
    assert len(set(terms)) == MAX_TERMS
    assert extract_terms("a" * (MAX_WORD + 1) + " ok map") == ("map",)


def test_blank_and_markup_only_text_has_no_terms() -> None:
    assert extract_terms("") == ()
    assert extract_terms("   ") == ()
    assert extract_terms("<@1> https://x.y") == ()


@pytest.mark.parametrize(
    "unit",
    ["love the new map ", "𝐍𝐄𝐖 𝐌𝐀𝐏 ", "a. ", "w k w k ", "[[[(( ", "::::", "<:a:1>", "p3t1r ", "é\u0301 "],
)
def test_linear_in_the_text_length(unit: str) -> None:
    """CPU time within the fuzz suite's budget per character, and growing about 4x from n to 4n characters
    (quadratic work would grow 16x)."""
    assert_linear(extract_terms, hostile_text(unit, N), hostile_text(unit, 4 * N))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(unit=hostile_units())
def test_hostile_text_is_linear(unit: str) -> None:
    assert_linear(extract_terms, hostile_text(unit, N), hostile_text(unit, 4 * N))
    assert len(extract_terms(hostile_text(unit, 4 * N))) <= MAX_TERMS
