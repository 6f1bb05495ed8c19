"""normalize_for_matching: the obfuscations spammers use must fold to plain words."""

from __future__ import annotations

import pytest

from bot.core.spam import normalize_for_matching
from bot.core.spam.normalize import INVISIBLE, LEET, MARKS, SPACED, STYLED, normalize


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("𝐒𝐋𝐎𝐓 𝐆𝐀𝐂𝐎𝐑", "slot gacor"),  # mathematical bold
        ("𝘼𝙂𝙐𝙎𝙏𝙊𝙏𝙊", "agustoto"),  # mathematical sans bold italic
        ("ＳＩＴＵＳ", "situs"),  # full-width
        ("P͓̽U͓̽L͓̽A͓̽U͓̽", "pulau"),  # combining marks
        ("keP͟͟U͟͟L͟͟A͟͟U͟͟W͟͟I͟͟N͟͟?", "kepulauwin?"),
        ("P U L A U 7 7 7", "pulau777"),  # spaced apart
        ("s.l.o.t gacor", "slot gacor"),  # dotted apart
        ("_A G E N 3 3 8_ bikin", "_agen338_ bikin"),
        ("𝐴 X L 𝟽 𝟳 𝟩 gachor", "axl777 gachor"),
        ("sl\u200bot ga\u200dcor", "slot gacor"),  # zero-width space / joiner
        ("\ufeffmax\u2060win", "maxwin"),  # BOM, word joiner
        ("A𝙀Я𝘖𝟾𝟪", "aero88"),  # Cyrillic look-alike inside a styled word
        ("PuIauwin", "pulauwin"),  # capital I standing in for l
        ("btv❶❻❽", "btv168"),  # dingbat digits
        ("🅿🆄🅻🅰🆄", "pulau"),  # negative squared letters
    ],
)
def test_folds_styled_text(raw: str, expected: str) -> None:
    assert normalize_for_matching(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("p3t1r", "p3t1r petir"),  # swapped form appended, original kept
        ("s3ns4t10n4l", "s3ns4t10n4l sensational"),
        ("xuxu4d", "xuxu4d xuxuad"),  # "4d" must survive for the lottery-site shape
        ("PULAU777", "pulau777"),  # trailing site digits are not letters
        ("b0sswd", "b0sswd bosswd"),
    ],
)
def test_digit_letter_swaps_keep_both_forms(raw: str, expected: str) -> None:
    assert normalize_for_matching(raw) == expected


@pytest.mark.parametrize(
    "plain",
    [
        "I am a big fan of this channel",
        "see you at 7 pm, room 101",
        "U.S. economy news",
        "kemarin gue datang ke tempat makan baru",
    ],
)
def test_plain_text_is_only_lower_cased(plain: str) -> None:
    assert normalize_for_matching(plain) == plain.lower()


def test_accents_are_folded_but_not_flagged() -> None:
    result = normalize("García café ⭐️")
    assert result.text == "garcia cafe ⭐"
    assert result.flags == 0


@pytest.mark.parametrize(
    ("raw", "flag"),
    [
        ("𝐒𝐋𝐎𝐓", STYLED),
        ("P͓̽U͓̽L͓̽A͓̽U͓̽", MARKS),
        ("sl\u200bot", INVISIBLE),
        ("P U L A U", SPACED),
        ("p3t1r", LEET),
    ],
)
def test_flags_report_the_obfuscation(raw: str, flag: int) -> None:
    assert normalize(raw).flags & flag


def test_emoji_joiners_are_not_invisible_tricks() -> None:
    assert not normalize("family 👨\u200d👩\u200d👧 ❤\ufe0f").flags & INVISIBLE


@pytest.mark.parametrize(
    "raw", ["great song\ufeff", "\ufeffgreat song", "great song\u200b ", "\u2060great song"]
)
def test_invisible_characters_at_the_ends_are_not_obfuscation(raw: str) -> None:
    result = normalize(raw)
    assert result.text == "great song"
    assert result.flags == 0


def test_ascii_and_unicode_tokenisation_agree() -> None:
    assert normalize("Check THIS out, 2 times_over!").tokens == ["check", "this", "out", "2", "times", "over"]
    assert normalize("Check THIS out, 2 times_over! 🙂").tokens == [
        "check",
        "this",
        "out",
        "2",
        "times",
        "over",
    ]
