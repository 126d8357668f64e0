"""How Prima draws an axis: the one place that writes a number into an SVG attribute, picks
round ticks and maps values to pixels. Charts are drawn on the server (no chart library,
nothing from a CDN); the labels are written by `core.formatting` in the reader's language, the
coordinates here never are: a browser reads `12.5`, and `12,5` in Bahasa Indonesia would put
every point in the wrong place."""

import math
from dataclasses import dataclass


def coordinate(value: float, places: int = 1) -> str:
    """A number for an SVG attribute (x, y, points, viewBox…): always a dot for decimals."""
    return f"{value:.{places}f}"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering low..high (1, 2 or 5 times a power of ten apart)."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks, value = [], first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(value, 10))
    return ticks


@dataclass
class Axis:
    """Values low..high drawn from pixel `start` to pixel `end` (end < start for a y axis)."""

    low: float
    high: float
    start: float  # pixel of `low`
    end: float  # pixel of `high`

    def at(self, value: float) -> float:
        return round(self.start + (value - self.low) / (self.high - self.low) * (self.end - self.start), 2)


# The five shades of a 0–100 score heatmap (pulse results by unit and driver): below 40, 40–55,
# 55–70, 70–85, from 85 on.
SCORE_HEAT_BANDS = (40, 55, 70, 85)


def heat_band(value: float | None, bounds) -> int | None:
    """The shade of a heatmap cell: how many of the ascending `bounds` the value reaches (0 below
    the first, len(bounds) from the last on); None for a cell without a value."""
    if value is None:
        return None
    return sum(value >= bound for bound in bounds)
