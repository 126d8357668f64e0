"""Line charts over months, drawn on the server as SVG coordinates: no chart library, nothing
from a CDN, no inline style (classes and SVG attributes only). Coordinates are plain strings
with a dot for decimals, so the page's number localisation never touches them; the labels
are written in the reader's language."""

import datetime as dt
import math
from dataclasses import dataclass, field

from django.utils import formats

from core.charts import coordinate
from core.formatting import month, number

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 14, 46
SERIES_CLASSES = 8  # series-0 … series-7 in insights.css, then the colours repeat


@dataclass(frozen=True)
class Tick:
    position: str
    label: str
    sublabel: str = ""


@dataclass(frozen=True)
class Dot:
    x: str
    y: str
    title: str


@dataclass
class Line:
    label: str
    css: str
    segments: list[str] = field(default_factory=list)  # SVG polyline points, one per unbroken run
    dots: list[Dot] = field(default_factory=list)


@dataclass
class LineChart:
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    top: int = TOP
    bottom_edge: int = HEIGHT - BOTTOM
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    zero: str = ""  # the y of 0 when the scale crosses it

    @property
    def year_label_y(self) -> int:
        return self.bottom_edge + 32

    @property
    def month_label_y(self) -> int:
        return self.bottom_edge + 17


@dataclass(frozen=True)
class SeriesInput:
    label: str
    values: dict[dt.date, float | None]
    css: str = ""


def scale_around(values: list[float], *, floor: float, ceiling: float, step: float = 10) -> tuple[float, float]:
    """A scale from a round number below the lowest value to one above the highest, within
    floor..ceiling (for IKM: 25..100)."""
    if not values:
        return floor, ceiling
    low = max(floor, math.floor(min(values) / step) * step)
    high = min(ceiling, math.ceil(max(values) / step) * step)
    if high - low < step:
        low, high = max(floor, high - step), min(ceiling, low + step)
    return low, high


def line_chart(
    periods: list[dt.date],
    series: list[SeriesInput],
    *,
    low: float,
    high: float,
    step: float,
    places: int = 0,
    suffix: str = "",
) -> LineChart:
    """One line per series across `periods` (one slot per month); a month without a value
    breaks the line. Every dot carries a title with its label, month and value."""
    chart = LineChart()
    plot_height = chart.bottom_edge - chart.top
    slot = (chart.right_edge - chart.left) / max(len(periods), 1)

    def y_of(value: float) -> float:
        return chart.bottom_edge - (value - low) / (high - low) * plot_height

    def x_of(index: int) -> float:
        return chart.left + (index + 0.5) * slot

    tick = low
    while tick <= high + 1e-9:
        chart.y_ticks.append(Tick(coordinate(y_of(tick)), number(tick, 0)))
        tick += step
    if low < 0 < high:
        chart.zero = coordinate(y_of(0))
    for index, period in enumerate(periods):
        show_year = index == 0 or period.month == 1
        chart.x_ticks.append(
            Tick(coordinate(x_of(index)), formats.date_format(period, "M"), str(period.year) if show_year else "")
        )
    for position, item in enumerate(series):
        line = Line(label=item.label, css=item.css or f"series-{position % SERIES_CLASSES}")
        run: list[str] = []
        for index, period in enumerate(periods):
            value = item.values.get(period)
            if value is None:
                if run:
                    line.segments.append(" ".join(run))
                run = []
                continue
            x, y = coordinate(x_of(index)), coordinate(y_of(min(max(value, low), high)))
            run.append(f"{x},{y}")
            line.dots.append(Dot(x, y, f"{item.label}, {month(period)}: {number(value, places)}{suffix}"))
        if run:
            line.segments.append(" ".join(run))
        chart.lines.append(line)
    return chart
