"""Text made safe for Discord: Markdown and mentions escaped, and shortened to Discord's limits without
breaking a user-perceived character or leaving a dangling escape. Every place that shows a member's words or
cuts a string to a limit goes through here."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

import discord

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
