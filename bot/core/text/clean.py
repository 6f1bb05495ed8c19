"""Strip Discord markup from a message before sentiment scoring (see docs/architecture.md)."""

from __future__ import annotations

import logging
import re

log = logging.getLogger(__name__)

# Order matters: code first (its content is not prose), then quotes and spoilers (someone else's or hidden
# words), then links (masked links keep their text), then Discord tokens, then line markers and emphasis.
_FENCED_CODE = re.compile(r"```.*?```", re.DOTALL)
_INLINE_CODE = re.compile(r"``(?:[^`]|`(?!`))+?``|`[^`\n]+`")
_BLOCK_QUOTE = re.compile(r"(?:^|\n)[ \t]*>>>(?:[ \t].*|$)", re.DOTALL)
_LINE_QUOTE = re.compile(r"^[ \t]*>(?:[ \t][^\n]*)?$", re.MULTILINE)
_SPOILER = re.compile(r"\|\|.*?\|\|", re.DOTALL)
# Neither the text nor the link holds a "[" (as in Discord, "[a [b](url)" links "b"): each "[" is tried once,
# not once per "[" before it (quadratic on "[[[[...](").
_MASKED_LINK = re.compile(r"\[([^\[\]\n]*)\]\(\s*<?(?:https?://|www\.)[^)\s\[]*>?(?:\s+\"[^\"]*\")?\s*\)")
_ANGLE_URL = re.compile(r"<(?:https?://|www\.)[^>\s]*>")
_URL = re.compile(r"(?:https?://|www\.)\S+")
_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>|</[\w -]+:\d+>")
_EVERYONE = re.compile(r"@(?:everyone|here)\b")
_CUSTOM_EMOJI = re.compile(r"<a?:(\w{1,64}):\d+>")
_TIMESTAMP = re.compile(r"<t:-?\d+(?::[tTdDfFR])?>")
_HEADING = re.compile(r"^[ \t]*(?:#{1,3}|-#)[ \t]+", re.MULTILINE)
_LIST_MARKER = re.compile(r"^[ \t]*(?:[-*+•]|\d{1,3}[.)])[ \t]+", re.MULTILINE)
_STRONG = re.compile(r"\*\*\*|\*\*|~~|__")
_EM_OPEN = re.compile(r"(?<![\w*])[*_](?=\w)")
_EM_CLOSE = re.compile(r"(?<=[\w!?.,)'\"])[*_](?![\w*])")


def _emoji_name(match: re.Match[str]) -> str:
    return f" {match.group(1).replace('_', ' ')} "


def clean_for_scoring(content: str) -> str:
    """Return ``content`` without Discord markup, whitespace collapsed. Pure, fast, never raises.

    Drops mentions, @everyone/@here, timestamps, URLs, code (fenced and inline), spoilers and quoted lines
    (``> ...``, ``>>> ...``); keeps custom emoji names (underscores to spaces), masked-link text and the words
    inside emphasis, headings and list items.
    """
    if not isinstance(content, str):
        return ""
    try:
        text = content
        if "`" in text:
            text = _FENCED_CODE.sub(" ", text)
            text = _INLINE_CODE.sub(" ", text)
        if ">" in text:
            text = _BLOCK_QUOTE.sub("\n", text)
            text = _LINE_QUOTE.sub("", text)
        if "||" in text:
            text = _SPOILER.sub(" ", text)
        if "](" in text:
            text = _MASKED_LINK.sub(r" \1 ", text)
        if "<" in text:
            text = _ANGLE_URL.sub(" ", text)
            text = _MENTION.sub(" ", text)
            text = _CUSTOM_EMOJI.sub(_emoji_name, text)
            text = _TIMESTAMP.sub(" ", text)
        if "http" in text or "www." in text:
            text = _URL.sub(" ", text)
        if "@" in text:
            text = _EVERYONE.sub(" ", text)
        if (
            "#" in text
            or "\n" in text
            or text.lstrip()[:1] in ("-", "*", "+", "•")
            or text.lstrip()[:1].isdigit()
        ):
            text = _HEADING.sub("", text)
            text = _LIST_MARKER.sub("", text)
        if "*" in text or "_" in text or "~" in text:
            text = _STRONG.sub("", text)
            text = _EM_OPEN.sub("", text)
            text = _EM_CLOSE.sub("", text)
        return " ".join(text.split())
    except Exception:  # never let a pathological message break scoring
        log.exception("clean_for_scoring failed; falling back to whitespace collapse")
        return " ".join(content.split())
