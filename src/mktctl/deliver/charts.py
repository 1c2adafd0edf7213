"""Charts as data for inline SVG: bars with their geometry, computed here, drawn (and escaped) by the
report template. No script, no external resource: the report works offline and prints as it shows."""

from __future__ import annotations

from dataclasses import dataclass, field

PALETTE = {"accepted": "#2e7d32", "duplicate": "#f9a825", "rejected": "#c62828", "created": "#2e7d32",
           "updated": "#1565c0", "unchanged": "#78909c", "failed": "#c62828", "not_attempted": "#8d6e63",
           "done": "#2e7d32", "pending": "#ef6c00", "other": "#5c6bc0"}
SERIES = ["#5c6bc0", "#26a69a", "#ef6c00", "#8d6e63", "#ab47bc", "#29b6f6", "#9ccc65", "#ec407a", "#78909c"]


@dataclass
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    color: str
    text_x: float
    value_x: float


@dataclass
class Chart:
    title: str
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    label_width: int = 0

    @property
    def empty(self) -> bool:
        return not self.bars or all(bar.value == 0 for bar in self.bars)


def bars(title: str, values: list[tuple[str, int, str | None]], *, width: int = 560, row: int = 22,
         label_width: int = 150) -> Chart:
    """A horizontal bar chart: one bar per (label, value, colour key or None)."""
    top = 6
    chart = Chart(title=title, width=width, height=top * 2 + row * max(len(values), 1), label_width=label_width)
    largest = max((v for _l, v, _c in values), default=0) or 1
    room = width - label_width - 60
    for index, (label, value, colour) in enumerate(values):
        length = room * value / largest if value > 0 else 0
        y = top + index * row
        chart.bars.append(Bar(label=label, value=value, x=label_width, y=y + 3, width=max(length, 1 if value else 0),
                              height=row - 8, color=PALETTE.get(colour or "", SERIES[index % len(SERIES)]),
                              text_x=label_width - 6, value_x=label_width + length + 6))
    return chart


def stacked(title: str, values: list[tuple[str, int, str | None]], *, width: int = 560, height: int = 26) -> Chart:
    """One bar split into parts (for example accepted / duplicate / rejected)."""
    total = sum(v for _l, v, _c in values) or 1
    chart = Chart(title=title, width=width, height=height)
    x = 0.0
    for index, (label, value, colour) in enumerate(values):
        length = width * value / total
        chart.bars.append(Bar(label=label, value=value, x=x, y=0, width=length, height=height,
                              color=PALETTE.get(colour or "", SERIES[index % len(SERIES)]), text_x=x + 4,
                              value_x=x + length / 2))
        x += length
    return chart
