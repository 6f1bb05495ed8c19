"""What a chart shows, as plain frozen data: built by the statistics code, rendered by ``render.py`` in
another process (so every field is picklable), and every text in it already localised."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MAX_BARS", "MAX_SERIES", "BarChart", "Heatmap", "Series", "Span"]

MAX_BARS = 400  # more labels than this is a caller's bug (a year of days is 366): refused, never drawn slowly
MAX_SERIES = 12


@dataclass(frozen=True, slots=True)
class Series:
    """One stacked layer (or the overlay line). ``kind`` picks the colour: positive, neutral, negative, spam,
    previous, or "" for the next colour of the categorical palette."""

    name: str
    values: tuple[float, ...]
    kind: str = ""


@dataclass(frozen=True, slots=True)
class Span:
    """A shaded range of bars, ``start`` inclusive and ``end`` exclusive (label indices)."""

    start: int
    end: int
    label: str


@dataclass(frozen=True, slots=True)
class BarChart:
    title: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    line: Series | None = None
    spans: tuple[Span, ...] = ()
    y_label: str = ""

    def __post_init__(self) -> None:
        if len(self.labels) > MAX_BARS:
            raise ValueError(f"a bar chart shows at most {MAX_BARS} bars, got {len(self.labels)}")
        if len(self.series) > MAX_SERIES:
            raise ValueError(f"a bar chart stacks at most {MAX_SERIES} series, got {len(self.series)}")
        for s in (*self.series, *([self.line] if self.line else [])):
            if len(s.values) != len(self.labels):
                raise ValueError(
                    f"series {s.name!r} has {len(s.values)} values for {len(self.labels)} labels"
                )


@dataclass(frozen=True, slots=True)
class Heatmap:
    """``values[row][column]``: e.g. rows are weekdays, columns the hours 00–23."""

    title: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    values: tuple[tuple[float, ...], ...]
    caption: str = ""

    def __post_init__(self) -> None:
        if len(self.rows) > 31 or len(self.columns) > 48:
            raise ValueError("a heatmap has at most 31 rows and 48 columns")
        if len(self.values) != len(self.rows) or any(len(r) != len(self.columns) for r in self.values):
            raise ValueError("heatmap values must be rows × columns")
