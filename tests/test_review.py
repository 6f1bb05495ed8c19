"""bot/core/review.py: escaping and safe truncation for review posts, button/action tables, and
false-positive word candidates."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.app.markdown import ELLIPSIS, escape, grapheme_clusters, safe_text, truncate, utf16_len
from bot.core.review import (
    ACTIONS_FOR_KIND,
    STATUS_FOR_ACTION,
    ReviewAction,
    action_allowed,
    false_positive_candidates,
)
from bot.core.scoring import Scorer
from bot.core.text.clean import clean_for_scoring
from bot.storage.models import FlagKind, FlagStatus


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("plain words", "plain words"),
        ("**bold** and _it_", r"\*\*bold\*\* and \_it\_"),
        ("> quoted line", r"\> quoted line"),
        ("# heading", r"\# heading"),
        ("- list item", r"\- list item"),
        ("`code` ||spoiler|| ~~gone~~", r"\`code\` \|\|spoiler\|\| \~\~gone\~\~"),
        ("back\\slash", "back\\\\slash"),
        ("[masked](https://evil.example)", r"\[masked](https://evil.example)"),
        ("https://example.com/a_b_c", "https://example.com/a_b_c"),  # links stay clickable
        ("@everyone look", "@\u200beveryone look"),
        ("hi @here", "hi @\u200bhere"),
        (
            "<@123456789012345678> and <@!123456789012345678>",
            "<@\u200b123456789012345678> and <@\u200b!123456789012345678>",
        ),
        ("<@&123456789012345678>", "<@\u200b&123456789012345678>"),
    ],
)
def test_escape_table(raw: str, expected: str) -> None:
    assert escape(raw) == expected


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short", 10, "short"),
        ("exactly10!", 10, "exactly10!"),
        ("hello world", 8, "hello w…"),
        ("hello world", 7, "hello…"),  # the trailing space before the cut is dropped
        ("abc", 1, "…"),
        ("abc", 0, ""),
        # an astral emoji counts 2 UTF-16 units and is never split in half
        ("ab😀cd", 4, "ab…"),
        ("ab😀cd", 5, "ab😀…"),
        # a letter stays with its combining accent
        ("cafe\u0301 noir", 5, "caf…"),
        ("cafe\u0301 noir", 6, "cafe\u0301…"),
        # ZWJ emoji sequences (👩‍💻 = 5 UTF-16 units) and skin tones stay whole
        ("x👩\u200d💻yz", 6, "x…"),
        ("x👩\u200d💻yz", 7, "x👩\u200d💻…"),
        ("👍🏽👍🏽", 6, "👍🏽…"),
        # flags are pairs of regional indicators
        ("🇮🇩🇬🇧", 6, "🇮🇩…"),
        # never leave a dangling escape: "a\*b" cut after the backslash loses the backslash
        (r"a\*bcdef", 3, "a…"),
        (r"a\*bcdef", 4, r"a\*…"),
        # an escaped backslash is kept whole or dropped whole
        ("a\\\\bcdef", 3, "a…"),
        ("a\\\\bcdef", 4, "a\\\\…"),
    ],
)
def test_truncate_table(text: str, limit: int, expected: str) -> None:
    out = truncate(text, limit)
    assert out == expected
    assert utf16_len(out) <= max(limit, 0)


def test_safe_text_escapes_before_cutting() -> None:
    out = safe_text("*" * 50, 10)
    # every kept asterisk is escaped and the cut does not strand a backslash
    assert out.endswith(ELLIPSIS)
    body = out.removesuffix(ELLIPSIS)
    assert body == "\\*" * (len(body) // 2)
    assert utf16_len(out) <= 10


def test_utf16_len_counts_astral_twice() -> None:
    assert utf16_len("a😀") == 3
    assert utf16_len("é") == 1


def test_grapheme_clusters_keep_sequences() -> None:
    assert list(grapheme_clusters("a\u0301b👩\u200d💻🇮🇩🇬🇧\r\n")) == [
        "a\u0301",
        "b",
        "👩\u200d💻",
        "🇮🇩",
        "🇬🇧",
        "\r\n",
    ]


@given(st.text(max_size=300), st.integers(min_value=0, max_value=120))
def test_truncate_properties(text: str, limit: int) -> None:
    escaped = escape(text)
    out = truncate(escaped, limit)
    assert utf16_len(out) <= limit
    if utf16_len(escaped) <= limit:
        assert out == escaped
    elif out:
        body = out.removesuffix(ELLIPSIS)
        assert escaped.startswith(body)
        # no dangling escape and no split cluster: the kept part ends on a cluster boundary of the original
        assert (len(body) - len(body.rstrip("\\"))) % 2 == 0
        rest = escaped[len(body) :]
        if rest and body:
            assert unicodedata.category(rest[0]) not in ("Mn", "Me", "Mc")
            assert not (0xDC00 <= ord(rest[0]) <= 0xDFFF)


def test_action_tables() -> None:
    assert ACTIONS_FOR_KIND[FlagKind.NEGATIVE] == (
        ReviewAction.ACK,
        ReviewAction.NOT_NEGATIVE,
        ReviewAction.DELETE,
    )
    assert ACTIONS_FOR_KIND[FlagKind.MANUAL] == ACTIONS_FOR_KIND[FlagKind.NEGATIVE]
    assert ACTIONS_FOR_KIND[FlagKind.SPAM] == (
        ReviewAction.SPAM_DELETE,
        ReviewAction.SPAM_TIMEOUT,
        ReviewAction.NOT_SPAM,
    )
    assert STATUS_FOR_ACTION[ReviewAction.SPAM_TIMEOUT] is FlagStatus.DELETED_TIMED_OUT
    assert STATUS_FOR_ACTION[ReviewAction.NOT_NEGATIVE] is FlagStatus.NOT_NEGATIVE


@pytest.mark.parametrize(
    ("action", "kind", "status", "allowed"),
    [
        (ReviewAction.ACK, FlagKind.NEGATIVE, FlagStatus.OPEN, True),
        (ReviewAction.SPAM_TIMEOUT, FlagKind.NEGATIVE, FlagStatus.OPEN, False),  # forged custom id
        (ReviewAction.NOT_SPAM, FlagKind.SPAM, FlagStatus.OPEN, True),
        (ReviewAction.DELETE, FlagKind.SPAM, FlagStatus.OPEN, False),
        (ReviewAction.UNDO, FlagKind.SPAM, FlagStatus.AUTO_DELETED, True),
        (ReviewAction.UNDO, FlagKind.SPAM, FlagStatus.DELETED, False),
        (ReviewAction.UNDO, FlagKind.NEGATIVE, FlagStatus.AUTO_DELETED, False),
    ],
)
def test_action_allowed(action: str, kind: FlagKind, status: FlagStatus, allowed: bool) -> None:
    assert action_allowed(action, kind, status) is allowed


# -- false-positive candidates (explanations shaped like bot.core.scoring's) ------------------------------


@dataclass(frozen=True)
class _Contribution:
    word: str
    valence: float
    note: str | None = None


@dataclass(frozen=True)
class _Explanation:
    contributions: list[_Contribution]


_FAKE_VALENCE = {"sick": -1.8, "killer": -2.0, "insane": -1.5, "love": 2.0, "not": 0.0}


def _explain(text: str) -> _Explanation:
    return _Explanation([_Contribution(w, _FAKE_VALENCE[w]) for w in text.split() if w in _FAKE_VALENCE])


def test_false_positive_candidates_counts_once_per_text_and_ranks() -> None:
    texts = ["sick sick beat", "killer sick drop", "insane killer love", "", "love it"]
    out = false_positive_candidates(texts, _explain, limit=10)  # type: ignore[arg-type]
    assert [(c.word, c.flags) for c in out] == [("killer", 2), ("sick", 2), ("insane", 1)]
    assert out[0].avg_valence == pytest.approx(-2.0)
    assert false_positive_candidates(texts, _explain, limit=1)[0].word == "killer"  # type: ignore[arg-type]


def test_false_positive_candidates_survive_a_failing_explainer() -> None:
    def explain(text: str) -> _Explanation:
        if text == "boom":
            raise ValueError("scorer bug")
        return _explain(text)

    out = false_positive_candidates(["boom", "sick"], explain)  # type: ignore[arg-type]
    assert [c.word for c in out] == ["sick"]


def test_false_positive_candidates_with_the_real_scorer() -> None:
    scorer = Scorer()

    def explain(text: str) -> object:
        return scorer.explain(clean_for_scoring(text))

    texts = ["died to the boss 6 times", "died in the lava again", "i died laughing"]
    words = {c.word for c in false_positive_candidates(texts, explain)}  # type: ignore[arg-type]
    assert "died" in words
    # once the server's lexicon says "died" is neutral, it stops being a candidate
    lexicon = {"died": 0.0}

    def explain_with_lexicon(text: str) -> object:
        return scorer.explain(clean_for_scoring(text), overrides=lexicon)

    words = {c.word for c in false_positive_candidates(texts, explain_with_lexicon)}  # type: ignore[arg-type]
    assert "died" not in words
