"""fingerprint_normalized (the behaviour fingerprint from the spam check's normalisation) against the plain
definition: the distinct normalised words (letters only, two or more) hashed in sorted order."""

from __future__ import annotations

import hashlib
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.spam import SpamDetector
from bot.core.spam.behaviour import fingerprint, fingerprint_normalized
from bot.core.spam.normalize import normalize, normalize_for_matching

_WORD_RE = re.compile(r"[^\W\d_]{2,}")


def reference(content: str) -> int | None:
    words = _WORD_RE.findall(normalize_for_matching(content))
    if len(words) < 3 or sum(map(len, words)) < 12:
        return None
    digest = hashlib.blake2b(" ".join(sorted(set(words))).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


TRICKY = [
    "FREE NITRO 123 https://x free nitro",
    "free nitro 456 claim it here now",
    "a b c d e f g h i j k l m n o p",  # spaced letters
    "s.l.o.t g.a.c.o.r hari ini bosku",
    "p3t1r xuxu4d pulau777 maxwin terus",
    "𝐒𝐋𝐎𝐓 𝐆𝐀𝐂𝐎𝐑 hari ini di PULAU777, maxwin terus bosku!",
    "PuIauwin is the best site I know",
    "x² and ½ and Ⅷ are numbers, not words here",
    "\u212a is the kelvin sign in some words here",
    "P͓̽U͓̽L͓̽A͓̽U͓̽ 7 7 7 daftar sekarang juga",
    "ok ok ok ok ok ok",
    "gm",
    "I I I am here again and again",
    "abc_def ghi_jkl mno_pqr stu",
    "كلمات عربية هنا في النص الطويل",
    "日本語のテキストもあります、長い文章です",
    "\ufeffYouTube export ends every comment like this\ufeff",
    "zero\u200bwidth sp\u200bace inside the words here",
]


SOUP = st.sampled_from(["ab", "Cd", "x", "7", "9z", "é", "ǅ", "²", " ", ".", "I", "l0l"])
LINKED = "see https://example.com/abc for it"
ENTITY = "tom &amp; jerry show today"


@pytest.mark.parametrize("text", TRICKY)
def test_matches_the_definition(text: str) -> None:
    expected = reference(text)
    assert fingerprint(text) == expected
    assert fingerprint_normalized(normalize(text)) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_matches_the_definition_on_any_text(text: str) -> None:
    assert fingerprint_normalized(normalize(text)) == reference(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(SOUP, max_size=20))
def test_matches_the_definition_on_word_soup(parts: list[str]) -> None:
    text = " ".join(parts)
    assert fingerprint_normalized(normalize(text)) == reference(text)


def test_order_and_repeats_do_not_matter() -> None:
    assert fingerprint("nitro free claim here") == fingerprint("claim here free nitro nitro")
    assert fingerprint("nitro free claim here") is not None


@pytest.mark.parametrize("text", [*TRICKY, LINKED, ENTITY])
def test_check_text_with_normalized(text: str) -> None:
    detector = SpamDetector()
    verdict, norm = detector.check_text_with_normalized(text)
    assert verdict == SpamDetector().check_text(text)
    if norm is not None:  # when given, it is the text's own normalisation
        assert norm == normalize(text)
    # a cached answer has the same verdict (the cache keeps verdicts only)
    assert detector.check_text_with_normalized(text) == (verdict, None)
    assert detector.check_text(text) == verdict


def test_no_normalisation_for_rewritten_text() -> None:
    detector = SpamDetector()
    assert detector.check_text_with_normalized(LINKED)[1] is None
    assert detector.check_text_with_normalized(ENTITY)[1] is None
    assert detector.check_text_with_normalized("   ")[1] is None
    assert detector.check_text_with_normalized("plain words here")[1] == normalize("plain words here")
