"""Terms of a comment for `/trends`: its words and two-word phrases, normalised, without stop words.

Pure and linear in the text's length. The text is cleaned as for scoring (no mentions, URLs, code, quotes),
custom emoji and ``:shortcodes:`` are dropped, then it is folded: plain ASCII to lower case, anything else by
the spam matcher's normalisation (styled Unicode, look-alikes, letters spaced apart, digit swaps, case). A
word is a run of letters and digits that does not start with a digit (so numbers go), of 2 to ``MAX_WORD``
characters, that is not an English or Indonesian stop word (``data/``) nor laughter; a phrase is two such
words next to each other in one sentence (punctuation and dropped words break phrases). At most
``MAX_TERMS`` distinct terms per comment, in order of first appearance."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from bot.core.spam.normalize import LEET, normalize
from bot.core.text.bounds import bound_content
from bot.core.text.clean import clean_for_scoring

MAX_TERMS = 64  # distinct terms counted per comment
MAX_WORD = 30  # longer runs are not words (hashes, keyboard mashing, scripts written without spaces)

_STOP_FILES = ("stopwords_en.txt", "stopwords_id.txt", "chat_en.txt", "chat_id.txt")
_CUSTOM_EMOJI = re.compile(r"<a?:\w{1,64}:\d+>")
_SHORTCODE = re.compile(r":[\w+~-]{1,64}:")
# words, and the punctuation that ends a phrase
_PIECES = re.compile(r"[^\W_]+|[.,!?;:()\[\]\"“”…/|]")
_LAUGH = re.compile(r"(?:ha|he|hi){2,}[ah]?|a?(?:wk){2,}\w?|x+d+", re.ASCII)  # haha, wkwkwk, xd


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """The shipped English and Indonesian stop words and chat fillers (lower case)."""
    words: set[str] = set()
    folder = resources.files("bot.core.trends") / "data"
    for name in _STOP_FILES:
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            if not line.startswith("#"):
                words.update(line.split())
    return frozenset(words)


def _text_for_terms(content: str, cleaned: str | None) -> str:
    if "<" in content and _CUSTOM_EMOJI.search(content):
        cleaned = clean_for_scoring(_CUSTOM_EMOJI.sub(" ", content))
    elif cleaned is None:
        cleaned = clean_for_scoring(content)
    if ":" in cleaned:
        cleaned = _SHORTCODE.sub(" ", cleaned)
    return cleaned


_WORD_CACHE = 100_000  # pieces whose verdict is remembered (chat repeats its words)
_verdicts: dict[str, bool] = {}


def _verdict(piece: str) -> bool:
    """Whether ``piece`` (a word of folded text, or a punctuation mark) is a term word."""
    ok = (
        2 <= len(piece) <= MAX_WORD
        and not piece[0].isdigit()
        and piece not in stop_words()
        and _LAUGH.fullmatch(piece) is None
    )
    if len(_verdicts) >= _WORD_CACHE:
        _verdicts.clear()
    _verdicts[piece] = ok
    return ok


def extract_terms(content: str, cleaned: str | None = None) -> tuple[str, ...]:
    """The distinct terms of ``content`` (raw message text). ``cleaned``: ``clean_for_scoring(content)``
    when the caller already has it (the analysis half does)."""
    if not content:
        return ()
    text = _text_for_terms(bound_content(content), cleaned)
    if not text:
        return ()
    if text.isascii():  # most comments: case is all there is to fold
        folded, leet = text.lower(), False
    else:
        norm = normalize(text)
        # the normaliser wrote "p3t1r petir": keep the letters-only form
        folded, leet = norm.text, bool(norm.flags & LEET)
    verdicts = _verdicts
    terms: dict[str, None] = {}
    prev: str | None = None
    for piece in _PIECES.findall(folded):
        ok = verdicts.get(piece)
        if ok is None:
            ok = _verdict(piece)
        if not ok or (leet and not piece.isalpha()):
            prev = None  # punctuation, a number, a stop word: no term, and no phrase across it
            continue
        terms[piece] = None
        if prev is not None:
            terms[f"{prev} {piece}"] = None
        if len(terms) >= MAX_TERMS:
            break
        prev = piece
    if len(terms) > MAX_TERMS:
        return tuple(terms)[:MAX_TERMS]
    return tuple(terms)
