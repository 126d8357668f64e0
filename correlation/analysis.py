"""From the aggregated series to the report's tests.

Each metric becomes a units × periods matrix (NaN where a unit has no value); a lag of k
periods pairs column t of the leading series with column t + k of the other, so that the work
is a few array slices per test, whatever the number of answers behind the series.

The report's family of tests (all corrected together by Benjamini–Hochberg):

- internal satisfaction × the headline external series, at lags −max_lag..max_lag, pooled and
  within units (positive lag: satisfaction first);
- every driver × every dimension of the external source, same period, pooled;
- each lever × internal satisfaction, at lags −max_lag..max_lag, pooled and within units
  (positive lag: the lever first).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from core.periods import Period
from correlation import stats
from correlation.models import Family, Variant
from correlation.series import INTERNAL_OVERALL, LEVERS, headline_external_metric


@dataclass(frozen=True)
class Comparison:
    family: str
    variant: str
    leading: str  # the series that comes first at a positive lag
    following: str
    lag: int

    @property
    def internal_metric(self) -> str:
        name = self.following if self.family == Family.LEVERS else self.leading
        return name.removeprefix("internal:")

    @property
    def external_metric(self) -> str:
        name = self.leading if self.family == Family.LEVERS else self.following
        return name.removeprefix("external:")


class Panel:
    """The aggregated series as matrices over one list of units and one list of periods."""

    def __init__(self, series: dict):
        self.periods = [Period.parse(text).first_day for text in series.get("periods", [])]
        columns = {
            name: tuple(zip(*rows, strict=True)) if rows else ((), (), ())
            for name, rows in series.get("metrics", {}).items()
        }
        units = np.unique(np.fromiter((unit for c in columns.values() for unit in c[0]), dtype=np.int64))
        self.units = units.tolist()
        period_index = {str(Period.of(period)): j for j, period in enumerate(self.periods)}
        self.matrices: dict[str, np.ndarray] = {}
        for name, (departments, periods, values) in columns.items():
            matrix = np.full((len(self.units), len(self.periods)), np.nan)
            column = np.fromiter((period_index.get(period, -1) for period in periods), dtype=np.intp)
            known = column >= 0
            rows = np.searchsorted(units, np.asarray(departments, dtype=np.int64))
            matrix[rows[known], column[known]] = np.asarray(values, dtype=float)[known]
            self.matrices[name] = matrix

    def has(self, metric: str) -> bool:
        return metric in self.matrices

    def pairs(self, leading: str, following: str, lag: int):
        """(leading values, following values, unit ids, periods of the leading value) of every
        unit-period where both exist; with lag k the following series is read k periods later
        (k < 0: the following series comes first)."""
        empty = np.empty(0)
        if not (self.has(leading) and self.has(following)) or abs(lag) >= len(self.periods):
            return empty, empty, np.empty(0, dtype=int), []
        x, y = self.matrices[leading], self.matrices[following]
        width = len(self.periods) - abs(lag)
        offset = max(0, -lag)
        x = x[:, offset : offset + width]
        y = y[:, max(0, lag) : max(0, lag) + width]
        both = np.isfinite(x) & np.isfinite(y)
        rows, cols = np.nonzero(both)
        units = np.asarray(self.units, dtype=int)[rows]
        periods = [self.periods[c + offset] for c in cols.tolist()]
        return x[both], y[both], units, periods


def comparisons(panel: Panel, *, max_lag: int, external_source: str, external_dimension: str) -> list[Comparison]:
    headline = headline_external_metric(external_source, external_dimension)
    lags = range(-max_lag, max_lag + 1)
    variants = (Variant.POOLED, Variant.WITHIN_UNIT)
    specs = [
        Comparison(Family.SATISFACTION_EXTERNAL, variant, INTERNAL_OVERALL, headline, lag)
        for variant in variants
        for lag in lags
    ]
    drivers = sorted(name for name in panel.matrices if name.startswith("internal:driver:"))
    dimensions = sorted(
        name for name in panel.matrices if name.startswith(f"external:{external_source}:") and not name.endswith(":all")
    )
    specs += [
        Comparison(Family.DRIVERS_DIMENSIONS, Variant.POOLED, driver, dimension, 0)
        for driver in drivers
        for dimension in dimensions
    ]
    specs += [
        Comparison(Family.LEVERS, variant, lever, INTERNAL_OVERALL, lag)
        for lever in LEVERS
        if panel.has(lever)
        for variant in variants
        for lag in lags
    ]
    return specs


def run(
    series: dict | Panel,
    *,
    max_lag: int,
    external_source: str,
    external_dimension: str,
    on_progress: Callable[[float], None] | None = None,
) -> list[dict]:
    """Every test of the report, as rows for `CorrelationResult`, with q-values over the
    tests that had enough data."""
    panel = series if isinstance(series, Panel) else Panel(series)
    specs = comparisons(panel, max_lag=max_lag, external_source=external_source, external_dimension=external_dimension)
    rows = []
    for done, spec in enumerate(specs, start=1):
        x, y, units, _periods = panel.pairs(spec.leading, spec.following, spec.lag)
        if spec.variant == Variant.WITHIN_UNIT:
            result = stats.correlate_within_units(x, y, units)
        else:
            result = stats.correlate(x, y, units=units)
        rows.append(
            {
                "family": spec.family,
                "variant": spec.variant,
                "internal_metric": spec.internal_metric,
                "external_metric": spec.external_metric,
                "lag": spec.lag,
                **asdict(result),
                "q_value": None,
            }
        )
        if on_progress is not None and (done % 20 == 0 or done == len(specs)):
            on_progress(done / len(specs))
    tested = [row for row in rows if row["pearson_p"] is not None]
    for row, q in zip(tested, stats.benjamini_hochberg([row["pearson_p"] for row in tested]), strict=True):
        row["q_value"] = float(q)
    return rows


def headline_points(
    series: dict | Panel, *, external_source: str, external_dimension: str
) -> list[tuple[int, dt.date, float, float]]:
    """(department, period, internal, external) of the unit-periods that have both, same period."""
    panel = series if isinstance(series, Panel) else Panel(series)
    x, y, units, periods = panel.pairs(
        INTERNAL_OVERALL, headline_external_metric(external_source, external_dimension), 0
    )
    return sorted(zip(units.tolist(), periods, x.tolist(), y.tolist(), strict=True))
