"""The report page's charts, drawn on the server as SVG coordinates (no chart library, nothing
from a CDN). Each chart comes with its title, a text alternative and the rows of the table
behind it; the templates only place what is computed here."""

from dataclasses import dataclass, field
from itertools import pairwise

from core.charts import Axis, heat_band, nice_ticks
from correlation import stats
from correlation.interpretation import number

WIDTH, HEIGHT = 640, 400
LEFT, RIGHT, TOP, BOTTOM = 60, 16, 16, 56

# Colour classes of the drivers × dimensions matrix, by r (strongest negative to strongest positive).
HEAT_BOUNDS = (-0.5, -0.3, -0.1, 0.1, 0.3, 0.5)
HEAT_CLASSES = ("heat-n3", "heat-n2", "heat-n1", "heat-0", "heat-p1", "heat-p2", "heat-p3")


def heat_class(r: float | None, *, higher_is_better: bool = True) -> str:
    """The colour of r, oriented so that the same colour always means the same for the service:
    for a lower-is-better measure a negative r is the good one."""
    band = heat_band(r if r is None or higher_is_better else -r, HEAT_BOUNDS)
    return "heat-none" if band is None else HEAT_CLASSES[band]


def heat_legend_bounds() -> list[tuple[float | None, float | None]]:
    """The (low, high) r of each colour class in HEAT_CLASSES order; None: open-ended."""
    return list(pairwise([None, *HEAT_BOUNDS, None]))


@dataclass
class Tick:
    position: float
    label: str


@dataclass
class ScatterChart:
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    top: int = TOP
    bottom_edge: int = HEIGHT - BOTTOM
    # (x, y, what the dot is: its unit, period and figures, told to a pointer, a tap or focus)
    points: list[tuple[float, float, str]] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    line: str = ""  # SVG polyline points
    band: str = ""  # SVG polygon points


def scatter(
    xs: list[float],
    ys: list[float],
    units: list[int] | None = None,
    labels: list[str] | None = None,
    *,
    higher_is_better: bool = True,
) -> ScatterChart | None:
    """Internal satisfaction (x) against the external score (y), with the least-squares line
    and the 95% confidence band of its mean, clustered by unit (a unit's periods are not
    independent pairs). `labels` name each dot (its unit and period). For a lower-is-better
    measure the y axis runs with lower values up, so that up is better on every chart."""
    if not xs:
        return None
    x_ticks = nice_ticks(min(xs), max(xs))
    y_values = list(ys)
    band = stats.regression_band(xs, ys, units=units)
    if band is not None:
        y_values += [float(band.low.min()), float(band.high.max())]
    y_ticks = nice_ticks(min(y_values), max(y_values))
    chart = ScatterChart()
    x_axis = Axis(x_ticks[0], x_ticks[-1], chart.left, chart.right_edge)
    if higher_is_better:
        y_axis = Axis(y_ticks[0], y_ticks[-1], chart.bottom_edge, chart.top)
    else:
        y_axis = Axis(y_ticks[0], y_ticks[-1], chart.top, chart.bottom_edge)
    labels = labels if labels is not None else [""] * len(xs)
    chart.points = [(x_axis.at(x), y_axis.at(y), label) for x, y, label in zip(xs, ys, labels, strict=True)]
    chart.x_ticks = [Tick(x_axis.at(t), number(t, 0 if float(t).is_integer() else 1)) for t in x_ticks]
    chart.y_ticks = [Tick(y_axis.at(t), number(t, 0 if float(t).is_integer() else 1)) for t in y_ticks]
    if band is not None:
        chart.line = " ".join(f"{x_axis.at(x)},{y_axis.at(y)}" for x, y in zip(band.xs, band.fitted, strict=True))
        upper = [f"{x_axis.at(x)},{y_axis.at(y)}" for x, y in zip(band.xs, band.high, strict=True)]
        lower = [f"{x_axis.at(x)},{y_axis.at(y)}" for x, y in zip(band.xs, band.low, strict=True)]
        chart.band = " ".join(upper + lower[::-1])
    return chart


@dataclass
class LagMark:
    lag: int
    variant: str
    x: float
    y: float | None
    low: float | None
    high: float | None
    significant: bool
    result: object

    @property
    def cap_left(self) -> float:
        return round(self.x - 4, 2)

    @property
    def cap_right(self) -> float:
        return round(self.x + 4, 2)

    @property
    def square_top(self) -> float | None:
        return None if self.y is None else round(self.y - 4, 2)


@dataclass
class LagChart:
    width: int = WIDTH
    height: int = 300
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    top: int = TOP
    bottom_edge: int = 300 - BOTTOM
    zero: float = 0.0
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    marks: list[LagMark] = field(default_factory=list)


def lag_chart(results: list, *, max_lag: int) -> LagChart:
    """r (with its 95% interval) at every lag, both directions, pooled and within units side by
    side. Negative lags on the left (the second series first), positive on the right."""
    chart = LagChart()
    y_axis = Axis(-1.0, 1.0, chart.bottom_edge, chart.top)
    slots = 2 * max_lag + 1
    slot_width = (chart.right_edge - chart.left) / slots
    chart.zero = y_axis.at(0)
    chart.y_ticks = [Tick(y_axis.at(t), number(t, 1)) for t in (-1.0, -0.5, 0.0, 0.5, 1.0)]
    chart.x_ticks = [
        Tick(round(chart.left + (lag + max_lag + 0.5) * slot_width, 2), f"{lag:+d}" if lag else "0")
        for lag in range(-max_lag, max_lag + 1)
    ]
    offsets = {"pooled": -0.15, "within_unit": 0.15}
    for result in sorted(results, key=lambda r: (r.lag, r.variant)):
        x = round(chart.left + (result.lag + max_lag + 0.5 + offsets.get(result.variant, 0)) * slot_width, 2)
        has_r = result.pearson_r is not None
        chart.marks.append(
            LagMark(
                lag=result.lag,
                variant=result.variant,
                x=x,
                y=y_axis.at(result.pearson_r) if has_r else None,
                low=y_axis.at(result.ci_low) if has_r else None,
                high=y_axis.at(result.ci_high) if has_r else None,
                significant=result.q_value is not None and result.q_value < 0.05,
                result=result,
            )
        )
    return chart
