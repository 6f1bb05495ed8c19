"""Size bounds on message text, applied where text enters the pipeline (issue 13, items 5 and 6).

Discord itself never sends more than :data:`MAX_CONTENT_CHARS` characters of content, so anything longer
(an export, a hostile stand-in) is cut before it can reach the scorer, the spam check or the ``flags``
table. :func:`cap_mark_runs` keeps Unicode normalisation linear: canonical ordering sorts each run of
combining marks, which costs the square of the run's length (100k marks took seconds)."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["MAX_CONTENT_CHARS", "MAX_MARK_RUN", "bound_content", "cap_mark_runs"]

MAX_CONTENT_CHARS = 4000  # Discord's own maximum message length (with Nitro)
MAX_MARK_RUN = 30  # combining marks kept after one base character (Unicode's "stream-safe" limit, UAX #15)


_NON_STARTER_SPAN = (0x300, 0x1F000)  # no non-starter lies outside this range (Unicode 15)


def _non_starter_class() -> str:
    """The characters that normalisation sorts: combining marks (non-zero combining class) and the few
    characters whose decomposition starts with one (Tibetan vowel signs, half-width voicing marks)."""
    ranges: list[str] = []
    start = prev = -2
    for cp in range(*_NON_STARTER_SPAN):
        ch = chr(cp)
        if not (
            unicodedata.combining(ch)
            or (unicodedata.decomposition(ch) and unicodedata.combining(unicodedata.normalize("NFKD", ch)[0]))
        ):
            continue
        if cp != prev + 1:
            if start >= 0:
                ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(prev))}")
            start = cp
        prev = cp
    ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(prev))}")
    return "".join(ranges)


_LONG_MARK_RUN = re.compile(f"[{_non_starter_class()}]{{{MAX_MARK_RUN + 1},}}")
# A long run of non-starters is first of all a long run of characters of their span: one range test per
# character, where the class above tests hundreds of ranges. Chat text (accents, emoji, a few fancy letters)
# has no such run and never reaches the costly search.
_LONG_SPAN_RUN = re.compile(
    f"[{chr(_NON_STARTER_SPAN[0])}-{chr(_NON_STARTER_SPAN[1] - 1)}]{{{MAX_MARK_RUN + 1},}}"
)


def cap_mark_runs(text: str) -> str:
    """``text`` with every run of more than :data:`MAX_MARK_RUN` combining marks cut to its first ones.

    One linear pass; text without such a run (every real message) is returned unchanged. Call it before
    ``unicodedata.normalize`` on text from users."""
    if text.isascii() or _LONG_SPAN_RUN.search(text) is None:
        return text
    return _LONG_MARK_RUN.sub(lambda m: m.group(0)[:MAX_MARK_RUN], text)


def bound_content(content: str) -> str:
    """Message content as the pipeline takes it: at most :data:`MAX_CONTENT_CHARS` characters, with long
    combining-mark runs cut (:func:`cap_mark_runs`). For every entry point: the listener, catch-up and
    `sentimeter analyze`'s export reader."""
    if len(content) > MAX_CONTENT_CHARS:
        content = content[:MAX_CONTENT_CHARS]
    return cap_mark_runs(content)
