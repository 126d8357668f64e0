"""From the aggregated series to the report's tests.

Each metric becomes a units × periods matrix (NaN where a unit has no value); a lag of k
periods pairs column t of the leading series with column t + k of the other, so that the work
is a few array slices per test, whatever the number of answers behind the series.

The families of tests are fixed before the data are seen, and each is corrected on its own:

- *confirmatory* (Holm, family-wise): internal satisfaction × the headline external series in
  the same period, within units and between units as the multilevel model reads them
  (`correlation.multilevel`, the primary estimate), and the test of which came first at every
  lag 1..max_lag in both directions. Only these tests may lead the summary;
- *exploratory*, one Benjamini–Hochberg family each: the headline pair's plain correlations
  (within units and between units in the same period, within units at the other lags, and
  pooled); every driver × every dimension of the external source (between units); each lever ×
  internal satisfaction (within units at every lag, between units in the same period).
  Spearman's p-values are corrected in the same families (`spearman_q`).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
from django.conf import settings

from core.periods import Period
from correlation import multilevel, stats
from correlation.models import Family, Role, Variant
from correlation.series import INTERNAL_OVERALL, LEVERS, headline_external_metric, matrices


@dataclass(frozen=True)
class Comparison:
    family: str
    variant: str
    leading: str  # the series that comes first at a positive lag
    following: str
    lag: int
    role: str = Role.EXPLORATORY

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
        """`series` as `correlation.series.aggregate` stores it, or spelled out as `readable`
        gives it."""
        self.periods = [Period.parse(text).first_day for text in series.get("periods", [])]
        self.headcount = {int(unit): people for unit, people in series.get("headcount", {}).items()}
        self.imported = {(unit, Period.parse(period).first_day) for unit, period in series.get("imported", [])}
        self.headcount_basis = dict(series.get("headcount_basis") or {})
        if "grid" in series:
            units, self.matrices, self._respondents = matrices(series)
            self.units = units.tolist()
            return
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
        self._respondents = np.full((len(self.units), len(self.periods)), np.nan)
        position = {unit: i for i, unit in enumerate(self.units)}
        for unit, period, people in series.get("respondents", []):
            if unit in position and period in period_index:
                self._respondents[position[unit], period_index[period]] = people

    def has(self, metric: str) -> bool:
        return metric in self.matrices

    def pairs(self, leading: str, following: str, lag: int):
        """(leading values, following values, unit ids, periods of the leading value) of every
        unit-period where both exist; with lag k the following series is read k periods later
        (k < 0: the following series comes first)."""
        x, y, units, columns = self.indexed_pairs(leading, following, lag)
        return x, y, units, [self.periods[c] for c in columns.tolist()]

    def indexed_pairs(self, leading: str, following: str, lag: int):
        """As `pairs`, with the position of the leading value's period instead of the period."""
        empty = np.empty(0)
        if not (self.has(leading) and self.has(following)) or abs(lag) >= len(self.periods):
            return empty, empty, np.empty(0, dtype=int), np.empty(0, dtype=int)
        x, y = self.matrices[leading], self.matrices[following]
        width = len(self.periods) - abs(lag)
        offset = max(0, -lag)
        x = x[:, offset : offset + width]
        y = y[:, max(0, lag) : max(0, lag) + width]
        both = np.isfinite(x) & np.isfinite(y)
        rows, cols = np.nonzero(both)
        units = np.asarray(self.units, dtype=int)[rows]
        return x[both], y[both], units, cols + offset

    def respondents(self) -> np.ndarray:
        """units × periods: the respondents behind each internal value (NaN where none)."""
        return self._respondents

    def present(self, metric: str) -> np.ndarray:
        """units × periods: where `metric` has a value."""
        if not self.has(metric):
            return np.zeros((len(self.units), len(self.periods)), dtype=bool)
        return np.isfinite(self.matrices[metric])


@dataclass(frozen=True)
class Floors:
    """The least data a result needs, counted in units (from settings)."""

    units: int = stats.MIN_UNITS
    units_within: int = stats.MIN_UNITS_WITHIN
    periods_within: int = stats.MIN_PERIODS_WITHIN

    @classmethod
    def from_settings(cls) -> "Floors":
        return cls(
            units=settings.PRIMA_CORRELATION_MIN_UNITS,
            units_within=settings.PRIMA_CORRELATION_MIN_UNITS_WITHIN,
            periods_within=settings.PRIMA_CORRELATION_MIN_PERIODS_WITHIN,
        )


def comparisons(panel: Panel, *, max_lag: int, external_source: str, external_dimension: str) -> list[Comparison]:
    headline = headline_external_metric(external_source, external_dimension)
    lags = range(-max_lag, max_lag + 1)
    confirmatory, exploratory = Role.CONFIRMATORY, Role.EXPLORATORY
    topic = Family.SATISFACTION_EXTERNAL
    specs = [
        Comparison(topic, Variant.MULTILEVEL_WITHIN, INTERNAL_OVERALL, headline, 0, confirmatory),
        Comparison(topic, Variant.MULTILEVEL_BETWEEN, INTERNAL_OVERALL, headline, 0, confirmatory),
        *(
            Comparison(topic, Variant.CROSS_LAGGED, INTERNAL_OVERALL, headline, lag, confirmatory)
            for lag in lags
            if lag != 0
        ),
        Comparison(topic, Variant.BETWEEN_UNIT, INTERNAL_OVERALL, headline, 0, exploratory),
        *(Comparison(topic, Variant.WITHIN_UNIT, INTERNAL_OVERALL, headline, lag, exploratory) for lag in lags),
        *(Comparison(topic, Variant.POOLED, INTERNAL_OVERALL, headline, lag, exploratory) for lag in lags),
    ]
    drivers = sorted(name for name in panel.matrices if name.startswith("internal:driver:"))
    dimensions = sorted(
        name for name in panel.matrices if name.startswith(f"external:{external_source}:") and not name.endswith(":all")
    )
    specs += [
        Comparison(Family.DRIVERS_DIMENSIONS, Variant.BETWEEN_UNIT, driver, dimension, 0, exploratory)
        for driver in drivers
        for dimension in dimensions
    ]
    for lever in LEVERS:
        if panel.has(lever):
            specs.append(Comparison(Family.LEVERS, Variant.BETWEEN_UNIT, lever, INTERNAL_OVERALL, 0, exploratory))
            specs += [
                Comparison(Family.LEVERS, Variant.WITHIN_UNIT, lever, INTERNAL_OVERALL, lag, exploratory)
                for lag in lags
            ]
    return specs


def _multilevel(panel: Panel, spec: Comparison, floors: Floors) -> dict[str, stats.Correlation]:
    x, y, units, times = panel.indexed_pairs(spec.leading, spec.following, spec.lag)
    imported = np.fromiter(
        ((unit, panel.periods[t]) in panel.imported for unit, t in zip(units.tolist(), times.tolist(), strict=True)),
        dtype=bool,
        count=units.size,
    )
    within, between = multilevel.within_and_between(
        x,
        y,
        units,
        times=times,
        imported=imported,
        min_units=floors.units,
        min_units_within=floors.units_within,
        min_periods=floors.periods_within,
    )
    return {Variant.MULTILEVEL_WITHIN: within, Variant.MULTILEVEL_BETWEEN: between}


MULTILEVEL = (Variant.MULTILEVEL_WITHIN, Variant.MULTILEVEL_BETWEEN)


def _between_units(panel: Panel, specs: list[Comparison], floors: Floors) -> dict[Comparison, stats.Correlation]:
    """The same-period between-unit tests of `specs` whose series both exist, computed together."""
    batch = [
        spec
        for spec in specs
        if spec.variant == Variant.BETWEEN_UNIT and spec.lag == 0
        if panel.has(spec.leading) and panel.has(spec.following)
    ]
    pairs = [(panel.matrices[spec.leading], panel.matrices[spec.following]) for spec in batch]
    return dict(zip(batch, stats.correlate_between_units_of_matrices(pairs, min_units=floors.units), strict=True))


def _test(panel: Panel, spec: Comparison, floors: Floors, models: dict) -> stats.Correlation:
    """One test; `models` holds what was computed for several tests at once (by spec, or by
    series and lag for the multilevel model's two effects)."""
    if spec in models:
        return models[spec]
    if spec.variant in MULTILEVEL:
        # one model gives both effects: fitted once per pair of series
        key = (spec.leading, spec.following, spec.lag)
        if key not in models:
            models[key] = _multilevel(panel, spec, floors)
        return models[key][spec.variant]
    if spec.variant == Variant.CROSS_LAGGED:
        earlier, later = (spec.leading, spec.following) if spec.lag > 0 else (spec.following, spec.leading)
        if not (panel.has(earlier) and panel.has(later)):
            return stats.Correlation(n=0, units=0, insufficient_data=True, reason=stats.FEW_PAIRS)
        return stats.lead_test(
            panel.matrices[earlier],
            panel.matrices[later],
            lag=abs(spec.lag),
            min_units=floors.units_within,
            min_periods=floors.periods_within,
        )
    x, y, units, times = panel.indexed_pairs(spec.leading, spec.following, spec.lag)
    if spec.variant == Variant.WITHIN_UNIT:
        return stats.correlate_within_units(
            x, y, units, times=times, min_units=floors.units_within, min_periods=floors.periods_within
        )
    if spec.variant == Variant.BETWEEN_UNIT:
        return stats.correlate_between_units(x, y, units=units, min_units=floors.units)
    return stats.correlate(x, y, units=units, min_units=floors.units)


def correct(rows: list[dict]) -> None:
    """Fills `q_value` and `spearman_q` family by family: Holm in the confirmatory family,
    Benjamini–Hochberg in each exploratory one; tests without a p-value are not counted."""
    families: dict[tuple, list[dict]] = {}
    for row in rows:
        families.setdefault((row["role"], row["family"]), []).append(row)
    for (role, _family), members in families.items():
        adjust = stats.holm if role == Role.CONFIRMATORY else stats.benjamini_hochberg
        for p_field, q_field in (("pearson_p", "q_value"), ("spearman_p", "spearman_q")):
            tested = [row for row in members if row[p_field] is not None]
            for row, q in zip(tested, adjust([row[p_field] for row in tested]), strict=True):
                row[q_field] = float(q)


def run(
    series: dict | Panel,
    *,
    max_lag: int,
    external_source: str,
    external_dimension: str,
    floors: Floors | None = None,
    on_progress: Callable[[float], None] | None = None,
) -> list[dict]:
    """Every test of the report, as rows for `CorrelationResult`, each corrected within its
    family."""
    panel = series if isinstance(series, Panel) else Panel(series)
    floors = floors or Floors()
    specs = comparisons(panel, max_lag=max_lag, external_source=external_source, external_dimension=external_dimension)
    rows, models = [], _between_units(panel, specs, floors)
    for done, spec in enumerate(specs, start=1):
        result = _test(panel, spec, floors, models)
        rows.append(
            {
                "family": spec.family,
                "variant": spec.variant,
                "role": spec.role,
                "internal_metric": spec.internal_metric,
                "external_metric": spec.external_metric,
                "lag": spec.lag,
                **asdict(result),
                "q_value": None,
                "spearman_q": None,
            }
        )
        if on_progress is not None and (done % 20 == 0 or done == len(specs)):
            on_progress(done / len(specs))
    correct(rows)
    return rows


# A unit of fewer people than this is "small" for the sensitivity line: below twice the default
# anonymity threshold, its results are the first to be hidden and its means the least precise.
SMALL_UNIT_PEOPLE = 10


def _without_small_units(panel: Panel, headline: str, floors: Floors) -> dict:
    """The confirmatory same-period readings again, without the units of fewer than
    SMALL_UNIT_PEOPLE people: whether the result leans on them."""
    x, y, units, times = panel.indexed_pairs(INTERNAL_OVERALL, headline, 0)
    small = sorted(unit for unit in set(units.tolist()) if panel.headcount.get(unit, 0) < SMALL_UNIT_PEOPLE)
    if not small:
        return {"small_units": 0, "people": SMALL_UNIT_PEOPLE}
    keep = ~np.isin(units, small)
    within = stats.correlate_within_units(
        x[keep],
        y[keep],
        units[keep],
        times=times[keep],
        min_units=floors.units_within,
        min_periods=floors.periods_within,
    )
    between = stats.correlate_between_units(x[keep], y[keep], units=units[keep], min_units=floors.units)
    return {
        "small_units": len(small),
        "people": SMALL_UNIT_PEOPLE,
        **{
            name: {"r": result.pearson_r, "low": result.ci_low, "high": result.ci_high, "p": result.pearson_p}
            for name, result in (("within", within), ("between", between))
        },
    }


def _weighted_between(panel: Panel, headline: str, floors: Floors) -> dict:
    """The same-period between-unit reading again with each unit weighted by its respondents."""
    x, y, units, columns = panel.indexed_pairs(INTERNAL_OVERALL, headline, 0)
    rows = np.searchsorted(np.asarray(panel.units, dtype=int), units)
    weights = panel.respondents()[rows, columns] if units.size else np.empty(0)
    reading = stats.correlate_between_units_weighted(x, y, units=units, weights=weights, min_units=floors.units)
    return {"r": reading.r, "p": reading.p, "units": reading.units, "effective_units": reading.effective_units}


def _instruments(panel: Panel, headline: str) -> dict:
    """How many of the headline's unit-periods rest on an imported historical score, and in how
    many units the internal series changes instrument (import and pulse both present): there a
    change within the unit may be a change of instrument."""
    _x, _y, units, columns = panel.indexed_pairs(INTERNAL_OVERALL, headline, 0)
    from_import = np.fromiter(
        (
            (unit, panel.periods[column]) in panel.imported
            for unit, column in zip(units.tolist(), columns.tolist(), strict=True)
        ),
        dtype=bool,
        count=units.size,
    )
    switching = set(units[from_import].tolist()) & set(units[~from_import].tolist())
    return {"imported_paired": int(from_import.sum()), "units_changing_instrument": len(switching)}


def disclosure(series: dict | Panel, *, external_source: str, external_dimension: str, floors: Floors) -> dict:
    """What the headline rests on and what it leaves out: the units and periods, the unit-periods
    without an internal or an external value (hidden for anonymity or not measured), and the
    units left out of the within-unit reading for having too few periods."""
    panel = series if isinstance(series, Panel) else Panel(series)
    headline = headline_external_metric(external_source, external_dimension)
    internal, external = panel.present(INTERNAL_OVERALL), panel.present(headline)
    # the units that have either series at all, over every period of the report
    seen = internal.any(axis=1) | external.any(axis=1)
    internal, external = internal[seen], external[seen]
    paired_per_unit = (internal & external).sum(axis=1)
    return {
        "units": int(seen.sum()),
        "periods": len(panel.periods),
        "paired": int(paired_per_unit.sum()),
        "internal_missing": int((~internal).sum()),
        "external_missing": int((~external).sum()),
        "units_paired": int(np.count_nonzero(paired_per_unit)),
        "without_small_units": _without_small_units(panel, headline, floors),
        "weighted_between": _weighted_between(panel, headline, floors),
        "headcount_basis": panel.headcount_basis,
        **_instruments(panel, headline),
        "units_too_short_for_within": int(
            np.count_nonzero((paired_per_unit > 0) & (paired_per_unit < floors.periods_within))
        ),
    }


def headline_points(
    series: dict | Panel, *, external_source: str, external_dimension: str
) -> list[tuple[int, dt.date, float, float]]:
    """(department, period, internal, external) of the unit-periods that have both, same period."""
    panel = series if isinstance(series, Panel) else Panel(series)
    x, y, units, periods = panel.pairs(
        INTERNAL_OVERALL, headline_external_metric(external_source, external_dimension), 0
    )
    return sorted(zip(units.tolist(), periods, x.tolist(), y.tolist(), strict=True))
