"""Community language: questions, chat idioms, emoji readings and 😭 taking the tone around it."""

import pytest

from bot.core.scoring import Scorer, sentiment_label
from bot.core.text.clean import clean_for_scoring


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return Scorer()


def label(scorer: Scorer, text: str) -> str:
    return sentiment_label(scorer.score(clean_for_scoring(text)).compound)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # questions name what they ask about
        ("is it worth it to upgrade?", "neutral"),
        ("what shader is that?? looks like complementary but brighter", "neutral"),
        ("is the giveaway free or paid?", "neutral"),
        ("anyone know good free alternatives to photoshop", "neutral"),
        # rhetorical questions and strong words keep their tone
        ("why is the audio so bad?", "negative"),
        ("who names this crap?", "negative"),
        # hype idioms and emotes
        ("she ate and left no crumbs", "positive"),
        ("that split was disgusting, 3 seconds ahead of PB pace", "positive"),
        ("chat we are so back <:PogU:123456789012345678>", "positive"),
        ("gas bang review yg foldable!!", "positive"),
        # complaints without VADER's negative words
        ("musik nya kegedean kak, suara kakak ga kedengeran", "negative"),
        ("stream at 7, starts at 8:30, every single time", "negative"),
        ("the audio is out of sync again", "negative"),
        ("new video every friday they said. it's been 3 fridays 🙃", "negative"),
        # 😭 laughs with fun words and cries with sad ones
        ("kalah 5x beruntun, tim gue afk semua 😭", "negative"),
        ("this is so funny 😭", "positive"),
    ],
)
def test_community_labels(scorer: Scorer, text: str, expected: str) -> None:
    assert label(scorer, text) == expected


def test_question_words_explained(scorer: Scorer) -> None:
    notes = [c.note or "" for c in scorer.explain("is it worth it?").contributions]
    assert all("in a question" in note for note in notes)


def test_long_question_is_linear(scorer: Scorer) -> None:
    text = "is this good " * 2000 + "?"
    assert label(scorer, text) == "neutral"
