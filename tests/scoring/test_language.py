"""Language guess and the Indonesian word-form rules."""

from __future__ import annotations

import pytest

from bot.core.scoring import Scorer
from bot.core.scoring.indonesian import find_root, is_laughter, normalize_word, unreduplicate
from bot.core.scoring.language import detect_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("this stream is so good", "en"),
        ("you're trash lol", "en"),
        ("I don't like the new intro", "en"),
        ("aku suka banget sama videonya", "id"),
        ("kecewa banget, isinya iklan doang", "id"),
        ("gk jelas yg ini wkwk", "id"),
        ("kecewa", "id"),
        ("mid", "en"),
        ("videonya keren banget, love it", "mixed"),
        ("the editing is bagus banget sih", "mixed"),
        ("12345", "unknown"),
        ("", "unknown"),
        ("zzzz qqqq", "unknown"),
    ],
)
def test_detect_language(scorer: Scorer, text: str, language: str) -> None:
    assert scorer.score(text).language == language


def test_detect_language_without_lexicons() -> None:
    assert detect_language(["the", "video", "is", "ok"]) == "en"
    assert detect_language(["yang", "ini", "bagus"]) == "id"
    assert detect_language(["the", "yang"]) == "mixed"
    assert detect_language(["foo"]) == "unknown"


@pytest.mark.parametrize(
    ("word", "canonical"),
    [("bgt", "banget"), ("gk", "gak"), ("tdk", "tidak"), ("yg", "yang"), ("bgs", "bagus"),
     ("mantul", "mantap"), ("bagus2", "bagus"), ("kata-kata", "kata"), ("kata-katanya", "kata"),
     ("bangeeeet", "banget"),
     ("gajelas", "gak jelas"), ("rumah", "rumah")],
)  # fmt: skip
def test_normalize_word(word: str, canonical: str) -> None:
    assert normalize_word(word) == canonical


def test_unreduplicate_keeps_ordinary_words() -> None:
    assert unreduplicate("e-mail") == "e-mail"
    assert unreduplicate("covid-19") == "covid-19"
    assert unreduplicate("a2") == "a2"


@pytest.mark.parametrize(
    ("word", "root"),
    [("kekecewaan", "kecewa"), ("dikecewakan", "kecewa"), ("mengecewakan", "kecewa"), ("bagusnya", "bagus"),
     ("kebersihannya", "bersih"), ("termahal", "mahal"), ("membosankan", "bosan"), ("menyenangkan", "senang"),
     ("diperbaiki", "baik")],
)  # fmt: skip
def test_find_root(word: str, root: str) -> None:
    known = {"kecewa", "bagus", "bersih", "mahal", "bosan", "senang", "baik"}
    assert find_root(word, known) == root


def test_find_root_unknown() -> None:
    assert find_root("xyzabc", {"kecewa"}) is None


@pytest.mark.parametrize(
    ("word", "laugh"),
    [("wkwk", True), ("wkwkwkwk", True), ("hahaha", True), ("awokawok", True), ("hehe", True),
     ("wow", False), ("haha", True), ("halo", False)],
)  # fmt: skip
def test_is_laughter(word: str, laugh: bool) -> None:
    assert is_laughter(word) is laugh
