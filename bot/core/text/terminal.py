"""Text from messages, safe to print on a terminal: control characters (escape sequences that recolour,
retitle or clear the screen, a bell, a carriage return that hides what came before) and the invisible
direction overrides that reorder what is shown are written out as escapes instead."""

from __future__ import annotations

_CONTROLS = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]
_DIRECTION = [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
_ESCAPES = {c: f"\\x{c:02x}" for c in _CONTROLS} | {c: f"\\u{c:04x}" for c in _DIRECTION}


def for_terminal(text: str) -> str:
    """``text`` with every control character and direction override escaped (``\\x1b``, ``\\u202e``)."""
    return text.translate(_ESCAPES)


def one_line(text: str | None, width: int | None = None) -> str:
    """Whitespace runs (newlines too) as one space, escaped for a terminal, cut to ``width`` with "…"."""
    flat = for_terminal(" ".join((text or "").split()))
    if width is not None and len(flat) > width:
        return flat[: width - 1] + "…"
    return flat
