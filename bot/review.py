"""Domain helpers for the review queue, free of Discord I/O: making a comment safe to show inside an embed
(Markdown and mentions escaped, shortened without breaking a character or leaving a dangling escape), and
turning false-positive texts into word candidates for ``/lexicon add``."""

from __future__ import annotations

import logging
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import discord

from bot.storage.models import FlagKind, FlagStatus

if TYPE_CHECKING:
    from bot.scoring import Explanation

log = logging.getLogger(__name__)

ELLIPSIS = "…"

# Discord embed limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
# We measure in UTF-16 code units, which is never less than the number of code points, so a string that fits
# by our count fits by Discord's, whichever way it counts.
EMBED_DESCRIPTION_LIMIT = 4096
EMBED_FIELD_VALUE_LIMIT = 1024
EMBED_TOTAL_LIMIT = 6000
# What a review post gives the comment: leaves room for the title, fields and footer under the 6000 total.
REVIEW_TEXT_LIMIT = 3500
REVIEW_REASON_LIMIT = 1000

_ZWJ = "\u200d"


def utf16_len(text: str) -> int:
    """Length as JavaScript (and Discord's limits) counts it: astral characters count twice."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _extends_cluster(ch: str, prev: str) -> bool:
    """True when ``ch`` belongs to the same user-perceived character as the text before it (a simplified
    version of the Unicode grapheme cluster rules that covers what people type in chat)."""
    cp = ord(ch)
    if prev == "\r" and ch == "\n":
        return True
    if prev == _ZWJ:  # emoji ZWJ sequences: 👩‍💻
        return True
    if ch == _ZWJ:
        return True
    if unicodedata.category(ch) in ("Mn", "Me", "Mc"):  # combining marks, enclosing keycap, vowel signs
        return True
    if 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF:  # variation selectors
        return True
    if 0x1F3FB <= cp <= 0x1F3FF:  # skin tone modifiers
        return True
    if 0xE0020 <= cp <= 0xE007F:  # tag characters (subdivision flags)
        return True
    # A lone surrogate (text that came through a lenient JSON decoder) stays with its partner.
    return 0xDC00 <= cp <= 0xDFFF and len(prev) == 1 and 0xD800 <= ord(prev) <= 0xDBFF


def _is_regional_indicator(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def grapheme_clusters(text: str) -> Iterator[str]:
    """Split ``text`` into user-perceived characters (approximately; see ``_extends_cluster``)."""
    cluster = ""
    ri_run = 0  # regional indicators pair up into flags: 🇮🇩
    for ch in text:
        if cluster:
            prev = cluster[-1]
            joins = _extends_cluster(ch, prev)
            if not joins and _is_regional_indicator(ch) and _is_regional_indicator(prev) and ri_run % 2 == 1:
                joins = True
            if not joins:
                yield cluster
                cluster = ""
        ri_run = ri_run + 1 if _is_regional_indicator(ch) else 0
        cluster += ch
    if cluster:
        yield cluster


def truncate(text: str, limit: int, *, ellipsis: str = ELLIPSIS) -> str:
    """Shorten already-escaped ``text`` to at most ``limit`` UTF-16 units, ending with ``ellipsis``.

    Never splits a surrogate pair, an emoji sequence or a letter from its combining marks, and never leaves
    a trailing unpaired backslash (which would escape the ellipsis or swallow a character in Discord)."""
    if limit <= 0:
        return ""
    if utf16_len(text) <= limit:
        return text
    budget = limit - utf16_len(ellipsis)
    if budget <= 0:
        return ellipsis[:limit] if utf16_len(ellipsis[:limit]) <= limit else ""
    parts: list[str] = []
    used = 0
    for cluster in grapheme_clusters(text):
        size = utf16_len(cluster)
        if used + size > budget:
            break
        parts.append(cluster)
        used += size
    out = "".join(parts).rstrip()
    trailing = len(out) - len(out.rstrip("\\"))
    if trailing % 2 == 1:
        out = out[:-1]
    return out + ellipsis


def escape(text: str) -> str:
    """Markdown and mentions escaped, so the comment shows exactly as typed and can never ping."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def safe_text(text: str, limit: int = REVIEW_TEXT_LIMIT) -> str:
    """A comment ready for an embed: escaped first, then shortened safely."""
    return truncate(escape(text), limit)


def jump_url(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


# -- buttons -----------------------------------------------------------------------------------------------


class ReviewAction:
    """Button actions on review posts. The values are part of persisted custom ids: never rename."""

    ACK = "ack"
    NOT_NEGATIVE = "fp"
    DELETE = "del"
    SPAM_DELETE = "spamdel"
    SPAM_TIMEOUT = "spamto"
    NOT_SPAM = "notspam"
    UNDO = "undo"


ACTIONS_FOR_KIND: dict[FlagKind, tuple[str, ...]] = {
    FlagKind.NEGATIVE: (ReviewAction.ACK, ReviewAction.NOT_NEGATIVE, ReviewAction.DELETE),
    FlagKind.MANUAL: (ReviewAction.ACK, ReviewAction.NOT_NEGATIVE, ReviewAction.DELETE),
    FlagKind.SPAM: (ReviewAction.SPAM_DELETE, ReviewAction.SPAM_TIMEOUT, ReviewAction.NOT_SPAM),
}

STATUS_FOR_ACTION: dict[str, FlagStatus] = {
    ReviewAction.ACK: FlagStatus.ACKNOWLEDGED,
    ReviewAction.NOT_NEGATIVE: FlagStatus.NOT_NEGATIVE,
    ReviewAction.DELETE: FlagStatus.DELETED,
    ReviewAction.SPAM_DELETE: FlagStatus.DELETED,
    ReviewAction.SPAM_TIMEOUT: FlagStatus.DELETED_TIMED_OUT,
    ReviewAction.NOT_SPAM: FlagStatus.NOT_SPAM,
}

DELETING_ACTIONS = frozenset({ReviewAction.DELETE, ReviewAction.SPAM_DELETE, ReviewAction.SPAM_TIMEOUT})


def action_allowed(action: str, kind: FlagKind, status: FlagStatus) -> bool:
    """Whether a button with ``action`` makes sense on a flag of this kind (custom ids can be forged)."""
    if action == ReviewAction.UNDO:
        return kind is FlagKind.SPAM and status is FlagStatus.AUTO_DELETED
    return action in ACTIONS_FOR_KIND.get(kind, ())


# -- false-positive words ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WordCandidate:
    word: str
    flags: int  # in how many false-positive texts the word pulled the score down
    avg_valence: float  # its average (negative) effect there, VADER scale


def false_positive_candidates(
    texts: Iterable[str], explain: Callable[[str], Explanation], *, limit: int = 10
) -> list[WordCandidate]:
    """Words that most often pushed comments moderators marked *Not negative* below zero.

    ``explain`` takes the raw text (the caller cleans it and applies the server's lexicon), so a word already
    fixed with ``/lexicon add`` stops showing up. Each word counts once per text. Most frequent first, then
    the strongest effect, then alphabetical."""
    counts: Counter[str] = Counter()
    valence_sum: dict[str, float] = {}
    for text in texts:
        if not text:
            continue
        try:
            explanation = explain(text)
        except Exception:  # a scorer bug must not break /flags summary
            log.exception("could not explain a false-positive text")
            continue
        seen: dict[str, float] = {}
        for contribution in explanation.contributions:
            if contribution.valence < 0:
                word = contribution.word.lower()
                seen[word] = min(seen.get(word, 0.0), contribution.valence)
        for word, valence in seen.items():
            counts[word] += 1
            valence_sum[word] = valence_sum.get(word, 0.0) + valence
    ranked = sorted(counts, key=lambda w: (-counts[w], valence_sum[w] / counts[w], w))
    return [WordCandidate(w, counts[w], valence_sum[w] / counts[w]) for w in ranked[: max(limit, 0)]]
