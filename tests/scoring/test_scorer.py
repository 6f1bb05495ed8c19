"""Scoring behaviour: English, Indonesian, mixed, slang, negation, boosters, emoji, overrides, explain()."""

from __future__ import annotations

import pickle

import pytest

from bot.core.scoring import DEFAULT_FLAG_THRESHOLD, Scorer, SentimentScore, is_flagged, sentiment_label
from bot.core.text.clean import clean_for_scoring


def compound(scorer: Scorer, text: str) -> float:
    return scorer.score(clean_for_scoring(text)).compound


FLAGGED = [
    # English
    "This video is terrible",
    "worst stream ever, what a waste of time",
    "not good at all",
    # community slang and emoji
    "you're trash lol",
    "that's an L take",
    "mid",
    "skill issue tbh",
    "cringe 🤮",
    "this is so bad 💀",
    "absolute garbage 🗑️",
    "npc behaviour",
    "unsubscribed",
    # Indonesian
    "kecewa banget, isinya iklan doang",
    "tidak bagus",
    "kurang bagus videonya",
    "jelek parah",
    "gak jelas banget kontennya",
    "pelayanannya mengecewakan",
    "kata-katanya kasar",
    "videonya bagus tapi audionya jelek",
    "kecewa wkwk",
    # mixed
    "videonya boring banget, gak ada isinya",
]

NOT_FLAGGED = [
    "This video is great",
    "thanks for the stream!",
    "W stream",
    "goated streamer",
    "that's based",
    "this beat is fire 🔥🔥",
    "💀💀💀",
    "😭😭 I can't",
    "lol",
    "crazy day lol",
    "bagus banget",
    "gak jelek",
    "tidak buruk kok",
    "mantul bgt",
    "bagus2 semua",
    "keren parah",
    "wkwkwk ngakak",
    "videonya keren banget, love it",
    "based on the book",
    "see you at 8",
    "",
]


@pytest.mark.parametrize("text", FLAGGED)
def test_flagged(scorer: Scorer, text: str) -> None:
    assert compound(scorer, text) <= DEFAULT_FLAG_THRESHOLD


@pytest.mark.parametrize("text", NOT_FLAGGED)
def test_not_flagged(scorer: Scorer, text: str) -> None:
    assert compound(scorer, text) > DEFAULT_FLAG_THRESHOLD


@pytest.mark.parametrize(
    ("weaker", "stronger"),
    [
        ("good", "very good"),
        ("very good", "very good!!!"),
        ("great stream", "GREAT stream"),
        ("bagus", "bagus banget"),
        ("bagus", "sangat bagus"),
        ("enak", "enak sekali"),
    ],
)
def test_boosters_raise_positive(scorer: Scorer, weaker: str, stronger: str) -> None:
    assert compound(scorer, stronger) > compound(scorer, weaker) > 0


@pytest.mark.parametrize(("milder", "harsher"), [("agak jelek", "jelek"), ("jelek", "jelek banget")])
def test_degree_words_on_negative(scorer: Scorer, milder: str, harsher: str) -> None:
    assert compound(scorer, harsher) < compound(scorer, milder) < 0


@pytest.mark.parametrize(
    ("plain", "negated"),
    [("bagus", "tidak bagus"), ("jelek", "gak jelek"), ("bagus", "gk bagus"), ("good", "not good")],
)
def test_negation_flips_sign(scorer: Scorer, plain: str, negated: str) -> None:
    a, b = compound(scorer, plain), compound(scorer, negated)
    assert a * b < 0
    assert abs(b) < abs(a)  # VADER's negation scalar is -0.74


def test_laughter_does_not_cancel_insult(scorer: Scorer) -> None:
    assert compound(scorer, "you're trash lol") == compound(scorer, "you're trash")
    assert compound(scorer, "lol") > 0


def test_plain_english_matches_vader_rules(scorer: Scorer) -> None:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer()
    for text in [
        "VADER is smart, handsome, and funny!",
        "VADER is not smart, handsome, nor funny.",
        "At least it isn't a horrible book.",
        "The book was only kind of good.",
        "Today SUX!",
        "Not bad at all",
    ]:
        assert scorer.score(text).compound == pytest.approx(vader.polarity_scores(text)["compound"], abs=1e-4)


def test_score_fields(scorer: Scorer) -> None:
    s = scorer.score("I love this, but the audio is bad")
    assert isinstance(s, SentimentScore)
    assert -1.0 <= s.compound <= 1.0
    assert s.pos > 0 and s.neg > 0
    assert s.pos + s.neu + s.neg == pytest.approx(1.0, abs=0.01)
    assert s.language == "en"


def test_empty_text(scorer: Scorer) -> None:
    s = scorer.score("")
    assert (s.compound, s.pos, s.neu, s.neg, s.language) == (0.0, 0.0, 0.0, 0.0, "unknown")


def test_overrides_replace_builtin_valence(scorer: Scorer) -> None:
    assert compound(scorer, "that stream was sick") < 0  # VADER: sick = -2.3
    assert scorer.score("that stream was sick", overrides={"Sick": 3.0}).compound > 0.5


def test_overrides_add_words_and_phrases(scorer: Scorer) -> None:
    assert scorer.score("bikin pusing").compound == 0.0 or True  # baseline may be anything
    assert scorer.score("kontennya bikin pusing", overrides={"pusing": -2.5}).compound < -0.3
    assert scorer.score("chat is a zoo", overrides={"a zoo": -2.0}).compound < -0.3
    assert scorer.score("skill issue", overrides={"skill issue": 0.0}).compound == 0.0


def test_overrides_go_through_negation(scorer: Scorer) -> None:
    assert scorer.score("tidak pusing", overrides={"pusing": -2.5}).compound > 0


def test_overrides_do_not_leak_between_calls(scorer: Scorer) -> None:
    before = compound(scorer, "that was sick")
    scorer.score("that was sick", overrides={"sick": 3.0})
    assert compound(scorer, "that was sick") == before


def test_explain_lists_words_and_rules(scorer: Scorer) -> None:
    text = clean_for_scoring("**tidak bagus**, kecewa banget")
    e = scorer.explain(text)
    assert e.cleaned_text == "tidak bagus, kecewa banget"
    assert e.score == scorer.score(text)
    by_word = {c.word: c for c in e.contributions}
    assert by_word["bagus"].valence < 0
    assert by_word["bagus"].note is not None and "negated by 'tidak'" in by_word["bagus"].note
    assert by_word["kecewa"].note is not None and "boosted by 'banget'" in by_word["kecewa"].note
    assert "tidak" not in by_word and "banget" not in by_word  # modifiers are not words of their own
    magnitudes = [abs(c.valence) for c in e.contributions]
    assert magnitudes == sorted(magnitudes, reverse=True)


def test_explain_marks_server_lexicon_and_laughter(scorer: Scorer) -> None:
    e = scorer.explain("chat is sick lol", overrides={"sick": 2.0})
    notes = {c.word: c.note for c in e.contributions}
    assert notes["sick"] == "server lexicon"
    e = scorer.explain("you're trash lmao")
    assert [c.word for c in e.contributions] == ["trash"]


def test_explain_reports_stemmed_root(scorer: Scorer) -> None:
    e = scorer.explain("kekecewaannya besar")
    assert any(c.word == "kekecewaannya" and c.note and c.note.startswith("root '") for c in e.contributions)
    assert e.score.compound < 0


def test_explain_original_spelling(scorer: Scorer) -> None:
    e = scorer.explain("bgs bgt")
    assert [c.word for c in e.contributions] == ["bgs"]
    assert e.contributions[0].note == "boosted by 'banget'"


def test_scorer_pickles(scorer: Scorer) -> None:
    clone = pickle.loads(pickle.dumps(scorer))
    assert isinstance(clone, Scorer)
    for text in ("kecewa banget", "W stream", "tidak bagus"):
        assert clone.score(text) == scorer.score(text)
    assert len(pickle.dumps(scorer)) < 1000  # rebuilt from package data, not shipped


def test_custom_id_lexicon_survives_pickle() -> None:
    custom = Scorer(id_lexicon={"zorblat": -3.0})
    clone = pickle.loads(pickle.dumps(custom))
    assert clone.score("videonya zorblat").compound < 0


@pytest.mark.parametrize(
    ("compound_value", "label"),
    [(0.05, "positive"), (0.9, "positive"), (0.049, "neutral"), (0.0, "neutral"), (-0.049, "neutral"),
     (-0.05, "negative"), (-1.0, "negative")],
)  # fmt: skip
def test_sentiment_label(compound_value: float, label: str) -> None:
    assert sentiment_label(compound_value) == label


def test_is_flagged_uses_inclusive_threshold() -> None:
    assert is_flagged(DEFAULT_FLAG_THRESHOLD)
    assert not is_flagged(DEFAULT_FLAG_THRESHOLD + 0.001)
    assert is_flagged(-0.3, threshold=-0.3)
    assert not is_flagged(-0.2, threshold=-0.3)


@pytest.mark.parametrize(
    "text",
    [
        "jujur the new schedule bikin kecewa",
        "honestly the audio was jelek banget today",
        "this update nyebelin",
    ],
)
def test_indonesian_feedback_inside_an_english_sentence_counts(scorer: Scorer, text: str) -> None:
    assert scorer.score(clean_for_scoring(text)).compound <= DEFAULT_FLAG_THRESHOLD
