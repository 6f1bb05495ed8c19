"""Text normalisation for spam matching.

Spammers dress gambling site names and keywords up so that plain keyword filters miss them:
mathematical bold/italic letters (𝐒𝐋𝐎𝐓), full-width letters (ＳＩＴＵＳ), combining marks (P͓̽U͓̽L͓̽A͓̽U͓̽),
zero-width characters, Cyrillic look-alikes (AEЯO88), letters spaced or dotted apart ("P U L A U 7 7 7",
"s.l.o.t") and digit/letter swaps ("p3t1r"). :func:`normalize_for_matching` folds all of that into plain
lower-case ASCII-ish text. It is only for matching: callers keep the original text for display.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from typing import NamedTuple

from bot.core.text.bounds import cap_mark_runs

log = logging.getLogger(__name__)

__all__ = ["Normalized", "normalize", "normalize_for_matching"]

# Flags describing what the normaliser had to undo (obfuscation is itself a spam signal).
STYLED = 1  # mathematical alphanumerics, full-width, enclosed/squared letters, small capitals, look-alikes
MARKS = 2  # combining marks stacked on letters
INVISIBLE = 4  # zero-width / invisible format characters
SPACED = 8  # letters spaced or dotted apart
LEET = 16  # digits standing in for letters inside a word


# Character classes (the inside of [...]), kept as strings so the fast pre-check can join them.
# Invisible characters worth flagging. Not the emoji joiner (U+200D) nor the emoji variation selectors, which
# ordinary emoji carry; those are still deleted.
_INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b\u200c\u200e\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufeff\uffa0\U0001d173-\U0001d17a\U000e0000-\U000e007f\U000e0100-\U000e01ef"
)
_JOINERS = "\u200d\ufe00-\ufe0f"
_MARK_CHARS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u0610-\u061a\u064b-\u065f\u1ab0-\u1aff\u1dc0-\u1dff"
    "\u20d0-\u20ff\ufe20-\ufe2f\u0e31\u0e34-\u0e3a\u0e47-\u0e4e"
)
_LOOKALIKE_CHARS = (
    "\u00f8\u00d8\u0110\u0111\u0126\u0127\u0131\u0141\u0142\u0166\u0167\u0180\u01eb\u01ea\u0237"
    "\u0250-\u02af\u0370-\u03ff\u0400-\u052f\u1d00-\u1d2b\ua730-\ua7ff\u2800\u2776-\u2793\u24f5-\u24ff"
    "\U0001f150-\U0001f169\U0001f170-\U0001f189\U0001f1e6-\U0001f1ff"
)
_STYLED_CHARS = (
    "\U0001d400-\U0001d7ff\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u24b6-\u24e9\U0001f130-\U0001f189"
    "\u1d00-\u1d22\ua730-\ua7ff\u2776-\u2793\u24f5-\u24ff\u0262\u026a\u0274\u0280\u028f\u0299\u029c\u029f"
)
_EDGE_CHARS = " \t\r\n\ufeff\u200b\u2060"
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")
_DELETABLE_RE = re.compile(f"[{_INVISIBLE}{_JOINERS}]")
# Anything _unstyle deals with, as one character class (a single fast scan for the common case). Emoji
# variation selectors are left out: plain emoji carry them and the fast path simply deletes them.
_SPECIAL_RE = re.compile(f"[{_INVISIBLE}\u200d{_MARK_CHARS}{_LOOKALIKE_CHARS}{_STYLED_CHARS}]")

# Combining marks (after NFKD): the common blocks used for "Zalgo" and underline/overline styling.
_MARKS_RE = re.compile(f"[{_MARK_CHARS}]+")

# Characters NFKC leaves alone but that render as Latin letters.
_LOOKALIKES = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "я": "r", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ь": "b",
    "ү": "y", "һ": "h", "ɡ": "g", "ᴦ": "r",
    # Greek
    "α": "a", "β": "b", "ε": "e", "ζ": "z", "η": "n", "ι": "i", "κ": "k", "μ": "u", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ϲ": "c",
    # small capitals and other letter-likes
    "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ꜰ": "f", "ɢ": "g", "ʜ": "h", "ɪ": "i", "ᴊ": "j",
    "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ǫ": "q", "ʀ": "r", "ꜱ": "s", "ᴛ": "t",
    "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ʏ": "y", "ᴢ": "z", "ı": "i", "ȷ": "j", "ɩ": "i", "ɑ": "a", "ꞵ": "b",
    "ø": "o", "đ": "d", "ł": "l", "ħ": "h", "ŧ": "t", "ƀ": "b",
}  # fmt: skip


def _build_lookalikes() -> dict[int, str]:
    table = {ord(k): v for k, v in _LOOKALIKES.items()}
    for k, v in _LOOKALIKES.items():
        up = k.upper()
        if len(up) == 1 and ord(up) not in table and up != k:
            table[ord(up)] = v
    for i in range(26):
        letter = chr(ord("a") + i)
        table[0x1F150 + i] = letter  # negative circled capitals 🅐
        table[0x1F170 + i] = letter  # negative squared capitals 🅰
        table[0x1F1E6 + i] = letter  # regional indicators 🇦
    for i in range(10):  # dingbat digits ❶..❿, ➀..➉, ➊..➓ (1..10; 10 becomes "10")
        digit = str((i + 1) % 10) if i < 9 else "10"
        for start in (0x2776, 0x2780, 0x278A):
            table[start + i] = digit
        table[0x24F5 + i] = digit  # double circled ⓵..⓾
    table[0x24FF] = "0"
    table[0x2800] = " "  # braille blank, used as an "invisible" space
    return table


_LOOKALIKE_TABLE = _build_lookalikes()
# Any character _LOOKALIKE_TABLE maps (checked first: str.translate is slow on long non-ASCII text).
_LOOKALIKE_RE = re.compile(f"[{_LOOKALIKE_CHARS}]")
# Styled Latin: mathematical alphanumerics, full-width, circled/squared/negative letters, small capitals,
# dingbat digits, and words mixing Latin with Cyrillic/Greek look-alikes ("AEЯO88").
_STYLED_RE = re.compile(
    f"[{_STYLED_CHARS}]|[A-Za-z][\u0370-\u03ff\u0400-\u04ff]|[\u0370-\u03ff\u0400-\u04ff][A-Za-z0-9]"
)
# An upper-case "I" between lower-case letters is a stand-in for "l" ("PuIauwin").
_CAPITAL_I_RE = re.compile(r"(?<=[a-z])I(?=[a-z])")

# Three or more single letters/digits separated by spaces, dots, dashes, underscores or bullets.
_SPACED_RE = re.compile(r"(?<![^\W_])[^\W_](?:[\s._*·•\-]{1,3}[^\W_](?![^\W_])){2,}")
_SEPARATORS_RE = re.compile(r"[\s._*·•\-]+")

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t"})
# A run of swap-able digits with letters on both sides, inside one word.
_LEET_CANDIDATE_RE = re.compile(r"[a-z][013457]+[a-z]")
# whole words only: the look-behind stops the engine from retrying inside a word (quadratic on long words)
_MIXED_WORD_RE = re.compile(r"(?<![^\W_])[^\W_]*[a-z][013457]+[a-z][^\W_]*")
_INNER_DIGITS_RE = re.compile(r"(?<=[a-z])[013457]+(?=[a-z])")
_SPACES_RE = re.compile(r"\s+")
TOKEN_RE = re.compile(r"[^\W_]+")
_TOKENS = TOKEN_RE.findall
_ASCII_TOKENS = re.compile(r"[^\W_]+", re.ASCII).findall  # the same words, for ASCII-only text


class Normalized(NamedTuple):  # a tuple: cheap to build on every message
    text: str  # folded text for matching
    flags: int  # bit set of STYLED | MARKS | INVISIBLE | SPACED | LEET
    tokens: list[str]  # the words of ``text`` (TOKEN_RE)
    has_digits: bool  # some word contains a digit


_new_normalized = tuple.__new__


def _collapse_spaced(match: re.Match[str]) -> str:
    return _SEPARATORS_RE.sub("", match.group(0))


def _deleet_word(match: re.Match[str]) -> str:
    word = match.group(0)
    swapped = _INNER_DIGITS_RE.sub(lambda m: m.group(0).translate(_LEET), word)
    # keep both forms: "xuxu4d" must still look like a "4d" lottery site, "p3t1r" should also read "petir"
    return f"{word} {swapped}"


def normalize(text: str) -> Normalized:
    """Fold ``text`` for matching and report which obfuscations were undone."""
    flags = 0
    if not text.isascii():
        if text[-1] in _EDGE_CHARS or text[0] in _EDGE_CHARS:
            # a byte-order mark or zero-width space at either end hides nothing (YouTube exports end every
            # comment with U+FEFF): only invisible characters inside the text count as obfuscation
            text = text.strip(_EDGE_CHARS)
        if not text.isascii():
            text, flags = _fold_unicode(text)
    # the fast path: most messages are plain ASCII, where the ASCII-only token pattern is much quicker
    tokenize = _ASCII_TOKENS if text.isascii() else _TOKENS
    if "I" in text:
        text = _fix_capital_i(text)
    text = text.lower()
    tokens = tokenize(text)
    # spaced-out letters leave one-character words behind; only then is the (slower) pattern worth running
    if list(map(len, tokens)).count(1) >= 3 and _SPACED_RE.search(text):
        text = _SPACED_RE.sub(_collapse_spaced, text)
        flags |= SPACED
        tokens = tokenize(text)
    has_digits = not "".join(tokens).isalpha()
    if has_digits and _LEET_CANDIDATE_RE.search(text):
        text = _MIXED_WORD_RE.sub(_deleet_word, text)
        flags |= LEET
        tokens = tokenize(text)
    if flags:
        text = _SPACES_RE.sub(" ", text).strip()
    return _new_normalized(Normalized, (text, flags, tokens, has_digits))  # (skips the keyword handling)


def tokenize(text: str) -> list[str]:
    """The words of already folded ``text`` (TOKEN_RE), with the fast path for ASCII."""
    return _ASCII_TOKENS(text) if text.isascii() else _TOKENS(text)


def _fold_unicode(text: str) -> tuple[str, int]:
    if _SPECIAL_RE.search(text) is None:
        # plain non-ASCII (emoji, accented letters): just fold compatibility forms and accents
        if "\ufe0f" in text:
            text = text.replace("\ufe0f", "")
        if not unicodedata.is_normalized("NFKD", text):
            text = cap_mark_runs(text)  # normalising sorts each mark run: keep the runs short
            text = _MARKS_RE.sub("", unicodedata.normalize("NFKD", text))
        return text, 0
    return _unstyle(text)


def _fix_capital_i(text: str) -> str:
    """An upper-case "I" between lower-case letters stands in for "l" ("PuIauwin")."""
    i = text.find("I", 1)
    end = len(text) - 1
    while 0 < i < end:
        if text[i - 1].islower() and text[i + 1].islower():
            return _CAPITAL_I_RE.sub("l", text)
        i = text.find("I", i + 1)
    return text


def _unstyle(text: str) -> tuple[str, int]:
    """The slow path: invisible characters, styled letters, stacked marks, look-alikes."""
    flags = 0
    if _DELETABLE_RE.search(text):
        if _INVISIBLE_RE.search(text):
            flags |= INVISIBLE
        text = _DELETABLE_RE.sub("", text)
    if _STYLED_RE.search(text):
        flags |= STYLED
    # marks in the text as typed are styling (P͓̽U͓̽); accents that NFKD splits off (é) are not
    if _MARKS_RE.search(text):
        flags |= MARKS
    text = unicodedata.normalize("NFKD", cap_mark_runs(text))
    text = _MARKS_RE.sub("", text)
    if _LOOKALIKE_RE.search(text):
        text = text.translate(_LOOKALIKE_TABLE)
    return text, flags


def normalize_for_matching(text: str) -> str:
    """Return ``text`` folded for keyword matching (never for display).

    Applies compatibility decomposition (NFKD, which folds mathematical and full-width letters), drops
    combining marks and invisible characters, maps common look-alike letters (Cyrillic, Greek, small capitals,
    enclosed letters) to Latin, lower-cases, joins letters spaced or dotted apart ("P U L A U 7 7 7" ->
    "pulau777") and, for words with digits standing in for letters, appends the swapped form after the
    original ("p3t1r" -> "p3t1r petir"), so site-name digits such as "777" or "4d" are never lost.
    """
    return normalize(text).text
