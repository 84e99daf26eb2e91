"""Charts for staff, drawn on the server as SVG (no chart library, no CDN, no script): geometry
here, markup in templates/ratings/_bar_chart.html. Each chart is paired with the table of the same
figures, which is what screen readers read."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 210
VALUE_WIDTH = 70
BAR_HEIGHT = 22
GAP = 8
TOP = 8
MAX_LABEL = 13  # characters of a name shown beside a bar (the table has the full name)


@dataclass(frozen=True)
class Bar:
    label: str
    full_label: str
    text: str
    y: int
    width: float
    text_y: int
    tone: str  # "good" | "warn" | "bad" | "none" | "count"


@dataclass(frozen=True)
class BarChart:
    title: str
    description: str
    bars: list[Bar]
    height: int
    legend: str = ""
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    plot_width: int = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    value_x: int = WIDTH - VALUE_WIDTH + 6


def _short(name: str) -> str:
    return name if len(name) <= MAX_LABEL else name[: MAX_LABEL - 1] + "…"


def _tone(value: float | None, good: float, warn: float, *, higher_is_better: bool) -> str:
    if value is None:
        return "none"
    if not higher_is_better:
        value, good, warn = -value, -good, -warn
    return "good" if value >= good else ("warn" if value >= warn else "bad")


def rate_chart(rows: Sequence, *, value: Callable[[object], float | None], title: str, description: str,
               good: float = 0.95, warn: float = 0.85, higher_is_better: bool = True, limit: int = 15) -> BarChart:
    """Horizontal bars of a rate (0–1) per row, the first `limit` rows."""
    bars = []
    for i, row in enumerate(list(rows)[:limit]):
        v = value(row)
        y = TOP + i * (BAR_HEIGHT + GAP)
        plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
        bars.append(Bar(label=_short(row.name), full_label=row.name, text="—" if v is None else f"{v:.1%}", y=y,
                        width=round(plot * (v or 0), 1), text_y=y + BAR_HEIGHT - 6,
                        tone=_tone(v, good, warn, higher_is_better=higher_is_better)))
    height = TOP * 2 + max(len(bars), 1) * (BAR_HEIGHT + GAP)
    better, worse = ("≥", "<") if higher_is_better else ("≤", ">")
    legend = f"绿色 {better} {good:.0%}，橙色 {better} {warn:.0%}，红色 {worse} {warn:.0%}；灰色为无数据。"
    return BarChart(title=title, description=description, bars=bars, height=height, legend=legend)


def count_chart(rows: Sequence[tuple[str, int]], *, title: str, description: str) -> BarChart:
    """Horizontal bars of counts (e.g. ratings per month), scaled to the largest."""
    top = max((n for _, n in rows), default=0) or 1
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = []
    for i, (name, n) in enumerate(rows):
        y = TOP + i * (BAR_HEIGHT + GAP)
        bars.append(Bar(label=_short(name), full_label=name, text=str(n), y=y, width=round(plot * n / top, 1),
                        text_y=y + BAR_HEIGHT - 6, tone="count"))
    return BarChart(title=title, description=description, bars=bars,
                    height=TOP * 2 + max(len(bars), 1) * (BAR_HEIGHT + GAP))
