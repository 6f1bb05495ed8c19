"""Regression table: everyday neutral Discord chat must not be flagged; real complaints must stay flagged.

Lines written for this project in the style of an Indonesian/English cooking-and-gaming community (questions
about stream times, recipes, logistics). Each neutral line once tripped, or could trip, a learned weight that
SmSA's reviews gave a topical word ("jawa", "berapa", "kemarin", "eh").
"""

from __future__ import annotations

import pytest

from bot.core.scoring import DEFAULT_FLAG_THRESHOLD, Scorer
from bot.core.scoring.indonesian import NEUTRAL_WORDS
from bot.core.text.clean import clean_for_scoring

NEUTRAL_CHAT = [
    # Indonesian
    "besok stream jam berapa ya",
    "btw besok stream jam berapa ya",
    "besok live jam berapa kak?",
    "kapan live lagi kak?",
    "siapa yang menang giveaway kemarin?",
    "itu beli bahannya di mana kak",
    "pakai kompor apa?",
    "kalau ga pakai santan bisa ga kak",
    "kalau ga pakai santan bisa ga kak wkwk",
    "jadwal live minggu ini udah keluar belum 🙏",
    "udah liat ini belum 🙏",
    "resep martabak ada di deskripsi ga?",
    "aku dari Surabaya, salam kenal semua",
    "otw pulang kerja, nanti nonton",
    "eh oke kak",
    "gimana cara bikin sambalnya kak?",
    "kenapa pakai gula merah kak?",
    "berapa lama masaknya kak?",
    "nanti malam main apa?",
    "kakak orang Sunda ya?",
    "aku dari Bali, baru join",
    # English
    "what time is the stream tomorrow?",
    "is the rendang recipe in the description?",
    "which mic are you using now",
    "how long did the soto ayam take",
    "brb dinner",
    "did you see this yet or not 😂",
    "anyone playing Valorant tonight?",
    # mixed
    "wait itu pakai gula jawa or gula pasir?",
    "eh link resep martabak nya where ya",
    "anyone mau mabar Elden Ring malam ini?",
    "ada yang main Minecraft malam ini?",
    "stream nya jam 7 WIB kan?",
    "kak dimana beli galangal di Jakarta?",
]

PRAISE = [
    "gila sih skillnya, insane clutch",
    "that clutch was insane",
    "that play was sick",
    "crazy good rendang",
    "enak gila kak",
    "anjir jago banget aim nya",
]

COMPLAINTS = [
    "audionya jelek banget today, so annoying",
    "streamnya ngelag parah, kecewa",
    "udah nunggu sejam malah batal live, kecewa berat",
    "kok mods nya rude sih, not cool",
    "sponsor nya kepanjangan, bosen",
    "jelek banget kualitas streamnya hari ini",
    "kenapa komen aku dihapus? ga adil",
    "stream hari ini so laggy, ga bisa ditonton",
    "worst stream in a while, sorry but it was painfully slow",
    "I waited an hour and the stream got cancelled, not happy",
    "gila lu, jelek banget",
    "this is insane, terrible stream",
    "I'm sick of these ads",
    "live nya telat terus, nyebelin",
]


def compound(scorer: Scorer, text: str) -> float:
    return scorer.score(clean_for_scoring(text)).compound


def test_table_is_large_enough() -> None:
    assert len(NEUTRAL_CHAT) >= 30


@pytest.mark.parametrize("text", NEUTRAL_CHAT)
def test_neutral_chat_not_flagged(scorer: Scorer, text: str) -> None:
    assert compound(scorer, text) > DEFAULT_FLAG_THRESHOLD, scorer.explain(clean_for_scoring(text))


@pytest.mark.parametrize("text", PRAISE)
def test_intensified_praise_is_positive(scorer: Scorer, text: str) -> None:
    assert compound(scorer, text) > 0.05, scorer.explain(clean_for_scoring(text))


@pytest.mark.parametrize("text", COMPLAINTS)
def test_complaints_stay_flagged(scorer: Scorer, text: str) -> None:
    assert compound(scorer, text) <= DEFAULT_FLAG_THRESHOLD, scorer.explain(clean_for_scoring(text))


@pytest.mark.parametrize("word", ["jawa", "berapa", "kemarin", "eh", "kak", "sunda", "besok"])
def test_neutral_words_carry_no_weight(scorer: Scorer, word: str) -> None:
    assert word in NEUTRAL_WORDS
    e = scorer.explain(f"itu {word} ya")
    assert e.contributions == []
    assert e.score.compound == 0.0


def test_neutral_words_are_not_in_the_shipped_list() -> None:
    from bot.core.scoring.scorer import load_id_lexicon

    lexicon = load_id_lexicon()
    assert not NEUTRAL_WORDS & set(lexicon)
    assert not any(any(c.isdigit() for c in word) for word in lexicon)


def test_praise_rule_explains_itself(scorer: Scorer) -> None:
    e = scorer.explain("insane clutch")
    notes = {c.word: c.note for c in e.contributions}
    assert notes["insane"] == "praise next to a skill or praise word"


def test_praise_rule_needs_the_praise_word_unnegated(scorer: Scorer) -> None:
    assert compound(scorer, "insane, not a good clutch at all") < compound(scorer, "insane clutch")
    assert compound(scorer, "insane") < 0  # alone it keeps VADER's -1.7


def test_laughter_and_emoji_are_not_negated(scorer: Scorer) -> None:
    assert compound(scorer, "udah liat belum 🙏") > 0
    assert compound(scorer, "bisa ga wkwk") > 0


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("join our discord", 1),  # the platform's name is not a complaint (VADER alone: -0.13)
        ("can't wait!!", 1),
        ("this goes hard", 1),
        ("gak sabar nunggu part 2", 1),
        ("pepeD pepeD", 1),
        ("<:Sadge:801223867719417866> missed it", -1),
        ("PepeHands", -1),
        ("ResidentSleeper", -1),
    ],
)
def test_community_language(scorer: Scorer, text: str, sign: int) -> None:
    compound = scorer.score(clean_for_scoring(text)).compound
    assert compound * sign >= 0.05, (text, compound)
