"""Colours that read on Discord's dark (#313338) and light (#FFFFFF) backgrounds alike: the image is
transparent, so every colour here must keep a contrast of at least 3:1 against both (tests/test_charts.py
checks it)."""

from __future__ import annotations

__all__ = ["BACKGROUNDS", "GRID", "KIND_COLOURS", "PALETTE", "TEXT", "contrast", "heat_colour"]

BACKGROUNDS = {"dark": "#313338", "light": "#FFFFFF"}
TEXT = "#80848E"  # Discord's own muted text grey, legible on both themes
GRID = "#80848E"  # drawn faint (alpha) behind the bars
KIND_COLOURS = {
    "positive": "#23A55A",
    "neutral": "#7D8590",
    "negative": "#E5484D",
    "spam": "#D68A00",
    "previous": "#A371F7",
}
# Categorical colours for topics and campaigns (Okabe–Ito inspired, tuned for both backgrounds).
PALETTE = ("#3B82F6", "#E5484D", "#D68A00", "#23A55A", "#A371F7", "#E0609F", "#0EA5A4", "#8B7E5A")
# The heatmap goes from faint to the accent colour; its numbers are written on the cells in the text colour.
_HEAT_LOW = (0x80, 0x84, 0x8E)
_HEAT_HIGH = (0x3B, 0x82, 0xF6)


def _luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two ``#RRGGBB`` colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def heat_colour(fraction: float) -> tuple[float, float, float, float]:
    """RGBA for a heatmap cell: transparent at 0, the accent colour at the maximum."""
    f = min(max(fraction, 0.0), 1.0)
    rgb = [(lo + (hi - lo) * f) / 255 for lo, hi in zip(_HEAT_LOW, _HEAT_HIGH, strict=True)]
    return (rgb[0], rgb[1], rgb[2], 0.08 + 0.92 * f)
