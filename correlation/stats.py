"""The statistics of a correlation report: pure functions over numpy arrays.

A report's series are repeated measures: the same units, period after period. A unit's
unit-periods are not independent observations, so no test here counts them as if they were.
Every p-value and interval is *cluster-robust by unit* (the CR1 sandwich with Student's t on
G − 1 degrees of freedom, G = units), equal to statsmodels' `OLS(...).fit(cov_type="cluster",
use_t=True)` on the same design to 1e-6 in `tests/correlation/test_stats.py`.

Three readings of one pair of series:

- *between units*: each unit's mean of both series (units, not unit-periods, are the pairs):
  do units that are generally more satisfied get better scores?
- *within units*: each unit's own mean removed from both series (the repeated-measures
  correlation of Bakdash & Marusich 2017): when a unit is more satisfied than usual, is its
  score better than usual? Its slope test is the unit-fixed-effects regression with errors
  clustered by unit, so that a series that persists over time does not pass for evidence;
- *pooled*: every unit-period one pair, with the interval and p clustered by unit. It mixes the
  two readings above and is never the headline.

And a test of which came first (`cross_lagged`): the later series on the earlier one k
periods before, controlling for the later series' same-period partner (x_t), with unit and
period fixed effects; once without and once with the later series' own previous value. Both
must agree (the larger of the two p-values is the test's p, an intersection–union test), so
that neither persistent errors nor persistence of the outcome can fake a lead.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import special

# Below this many pairs no test is computed at all.
MIN_PAIRS = 10
# Floors counted in units (the reports' defaults; settings may raise them): a between-unit or
# pooled result needs this many units; a within-unit result this many units with at least
# MIN_PERIODS_WITHIN periods each.
MIN_UNITS = 8
MIN_UNITS_WITHIN = 5
MIN_PERIODS_WITHIN = 3
CONFIDENCE = 0.95
# Minimum detectable effect: two-sided α = .05 at 80% power (Cohen 1988).
ALPHA = 0.05
POWER = 0.80

# Why a test has no numbers.
FEW_PAIRS = "few_pairs"
FEW_UNITS = "few_units"
CONSTANT = "constant"
SINGULAR = "singular"


@dataclass(frozen=True)
class Correlation:
    """One test. Every number is None when `insufficient_data`, and `reason` says why."""

    n: int
    units: int
    insufficient_data: bool
    reason: str = ""
    pearson_r: float | None = None
    pearson_p: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    spearman_rho: float | None = None
    spearman_p: float | None = None
    min_detectable_r: float | None = None
    # The number of independent pairs the n unit-periods are worth (n / design effect).
    effective_n: float | None = None
    design_effect: float | None = None
    # cross_lagged only: the standardised coefficient of the earlier series.
    coefficient: float | None = None


def _without_numbers(n: int, units: int, reason: str) -> Correlation:
    return Correlation(n=n, units=units, insufficient_data=True, reason=reason)


def _below_floor(n: int, units: int, min_units: int) -> str:
    """Why n pairs from `units` units are too few for a result ("" when they are enough)."""
    if n < MIN_PAIRS:
        return FEW_PAIRS
    return FEW_UNITS if units < min_units else ""


def fisher_interval(r: float, n: float, *, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The confidence interval of a correlation by Fisher's z transformation: tanh(atanh(r) ±
    z_{1−α/2} / √(n − 3)). `n` is the (effective) number of pairs, more than three."""
    if n <= 3:
        raise ValueError("a Fisher interval needs more than three pairs")
    z_critical = special.ndtri(1 - (1 - confidence) / 2)
    with np.errstate(divide="ignore"):
        z = np.arctanh(r)
    half_width = z_critical / math.sqrt(n - 3)
    return float(np.tanh(z - half_width)), float(np.tanh(z + half_width))


def min_detectable_r(n: float, *, alpha: float = ALPHA, power: float = POWER) -> float | None:
    """The smallest |r| a two-sided test at `alpha` detects with probability `power` given n
    independent pairs (Fisher z approximation): tanh((z_{1−α/2} + z_{power}) / √(n − 3))."""
    if n is None or n <= 3:
        return None
    return float(np.tanh((special.ndtri(1 - alpha / 2) + special.ndtri(power)) / math.sqrt(n - 3)))


def t_test_p(r: float, df: int) -> float:
    """Two-sided p of a correlation coefficient with `df` degrees of freedom (Student's t)."""
    if abs(r) >= 1:
        return 0.0
    t = r * math.sqrt(df / (1 - r * r))
    return float(2 * special.stdtr(df, -abs(t)))


def ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 1..n, ties given their average rank (as `scipy.stats.rankdata`)."""
    order = np.argsort(values)  # ties share their average rank, so their order does not matter
    ordered = values[order]
    new_value = np.ones(values.size + 1, dtype=bool)  # where a run of equal values starts (and the end)
    np.not_equal(ordered[1:], ordered[:-1], out=new_value[1:-1])
    edges = np.flatnonzero(new_value)
    ranked = np.empty(values.size)
    ranked[order] = np.repeat((edges[:-1] + edges[1:] + 1) / 2, edges[1:] - edges[:-1])
    return ranked


def pearson_r(x: np.ndarray, y: np.ndarray) -> float:
    """Pearson's r of two series that both vary, cut to −1..1."""
    dx, dy = x - x.sum() / x.size, y - y.sum() / y.size  # (what .mean() computes, without its checks)
    return float(min(max(dx @ dy / math.sqrt((dx @ dx) * (dy @ dy)), -1.0), 1.0))


def spearman_rho(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's ρ: Pearson's r of the average ranks."""
    return pearson_r(ranks(x), ranks(y))


def benjamini_hochberg(p_values: Sequence[float]) -> np.ndarray:
    """Benjamini–Hochberg (1995) adjusted p-values (q-values) of one family of tests:
    q_(i) = min over j ≥ i of p_(j) · m / j, capped at 1, in the input order."""
    p = np.asarray(p_values, dtype=float)
    m = p.size
    if m == 0:
        return p
    order = np.argsort(p, kind="stable")
    scaled = p[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.minimum(adjusted, 1.0)
    return q


def holm(p_values: Sequence[float]) -> np.ndarray:
    """Holm (1979) step-down adjusted p-values of one family (family-wise error control):
    p_(i) · (m − i + 1), made non-decreasing, capped at 1, in the input order."""
    p = np.asarray(p_values, dtype=float)
    m = p.size
    if m == 0:
        return p
    order = np.argsort(p, kind="stable")
    scaled = np.maximum.accumulate(p[order] * (m - np.arange(m)))
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(scaled, 1.0)
    return adjusted


def group_sums(inverse: np.ndarray, values: np.ndarray, groups: int) -> np.ndarray:
    """groups × columns: the sum of each column's values per group (`inverse`: each row's
    group), one `np.bincount` per column (far quicker than `np.add.at`)."""
    if values.shape[1] == 0:
        return np.zeros((groups, 0))
    return np.column_stack([np.bincount(inverse, weights=column, minlength=groups) for column in values.T])


def unit_codes(units: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(each row's unit as 0..k−1 in the order of the units, the rows of each unit as float)."""
    _labels, inverse, counts = np.unique(units, return_inverse=True, return_counts=True)
    return inverse.reshape(-1), counts.astype(float)


def demean_within(units: np.ndarray, values: np.ndarray, *, codes: tuple | None = None) -> np.ndarray:
    """Each value minus the mean of its unit's values (works on a column matrix too); `codes`
    are `unit_codes(units)` where the caller has them."""
    values = np.asarray(values, dtype=float)
    inverse, counts = codes if codes is not None else unit_codes(np.asarray(units))
    if values.ndim == 1:
        return values - (np.bincount(inverse, weights=values) / counts)[inverse]
    return values - (group_sums(inverse, values, counts.size) / counts[:, None])[inverse]


def _is_constant(values: np.ndarray) -> bool:
    return values.size == 0 or bool(np.ptp(values) == 0)


def _finite_pairs(x, y, units=None, times=None):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    keep = np.isfinite(x) & np.isfinite(y)
    units = np.arange(x.size) if units is None else np.asarray(units)
    times = np.zeros(x.size, dtype=int) if times is None else np.asarray(times)
    return x[keep], y[keep], units[keep], times[keep]


@dataclass(frozen=True)
class ClusteredFit:
    """Least squares with a cluster-robust (CR1) covariance: coefficients, their covariance and
    the degrees of freedom of the t reference (clusters − 1)."""

    params: np.ndarray
    cov: np.ndarray
    df: int

    def standard_error(self, index: int) -> float:
        return math.sqrt(max(float(self.cov[index, index]), 0.0))

    def p_value(self, index: int) -> float:
        se = self.standard_error(index)
        if se == 0:
            return 0.0
        return float(2 * special.stdtr(self.df, -abs(self.params[index]) / se))

    def interval(self, index: int, *, confidence: float = CONFIDENCE) -> tuple[float, float]:
        half = special.stdtrit(self.df, 1 - (1 - confidence) / 2) * self.standard_error(index)
        return float(self.params[index] - half), float(self.params[index] + half)


def ols_clustered(
    design: np.ndarray, y: np.ndarray, clusters: np.ndarray, *, absorbed: int = 0, codes: tuple | None = None
) -> ClusteredFit | None:
    """y on the columns of `design`, errors clustered by `clusters` (`codes`: their
    `unit_codes`, where the caller has them). `absorbed` counts the parameters already
    partialled out of every column (unit means), so that the small-sample factor
    G/(G − 1) · (N − 1)/(N − K) counts them as statsmodels does when the same unit dummies are
    columns of its design. None for a design that is singular."""
    design = np.asarray(design, dtype=float)
    n, k = design.shape
    inverse, counts = codes if codes is not None else unit_codes(clusters)
    groups = counts.size if n else 0
    parameters = k + absorbed
    if groups < 2 or n <= parameters:
        return None
    gram = design.T @ design
    # (one column: what matrix_rank decides, its one singular value above itself times ε)
    if (gram[0, 0] <= 0) if k == 1 else (np.linalg.matrix_rank(gram) < k):
        return None
    bread = np.linalg.inv(gram)
    params = bread @ (design.T @ y)
    residuals = y - design @ params
    scores = group_sums(inverse, design * residuals[:, None], groups)
    factor = groups / (groups - 1) * (n - 1) / (n - parameters)
    cov = factor * bread @ (scores.T @ scores) @ bread
    return ClusteredFit(params=params, cov=cov, df=groups - 1)


def _standardised(values: np.ndarray) -> np.ndarray:
    return (values - values.mean()) / values.std()


def _clustered_r(x: np.ndarray, y: np.ndarray, units: np.ndarray, *, absorbed: int, codes: tuple | None = None):
    """(slope, p, low, high) of standardised y on standardised x, clustered by unit: the slope is
    Pearson's r of x and y. With `absorbed` unit means already removed, no intercept."""
    xs, ys = _standardised(x), _standardised(y)
    design = xs[:, None] if absorbed else np.column_stack([np.ones(xs.size), xs])
    fit = ols_clustered(design, ys, units, absorbed=absorbed, codes=codes)
    if fit is None:
        return None
    index = design.shape[1] - 1
    low, high = fit.interval(index)
    return float(fit.params[index]), fit.p_value(index), max(low, -1.0), min(high, 1.0)


def intraclass_correlation(units: np.ndarray, values: np.ndarray) -> float:
    """ICC(1) of one-way ANOVA with unequal group sizes (the n₀ of Snedecor & Cochran): the share
    of a series' variance that lies between units, cut to 0..1."""
    _labels, inverse, counts = np.unique(units, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    k, n = counts.size, values.size
    if k < 2 or n <= k:
        return 0.0
    means = np.bincount(inverse, weights=values) / counts
    between = float(np.sum(counts * (means - values.mean()) ** 2)) / (k - 1)
    within = float(np.sum((values - means[inverse]) ** 2)) / (n - k)
    size = (n - float(np.sum(counts**2)) / n) / (k - 1)
    denominator = between + (size - 1) * within
    if denominator <= 0:
        return 0.0
    return float(min(max((between - within) / denominator, 0.0), 1.0))


def pooled_design_effect(x: np.ndarray, y: np.ndarray, units: np.ndarray) -> float:
    """Kish's design effect of a correlation over clustered pairs, 1 + (m̄ − 1)·ρₓ·ρᵧ (Scott &
    Holt 1982), with m̄ the mean number of periods per unit and ρ each series' ICC(1)."""
    unit_count = np.unique(units).size
    periods = x.size / unit_count
    return float(1 + (periods - 1) * intraclass_correlation(units, x) * intraclass_correlation(units, y))


def _neighbours(units: np.ndarray, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(earlier, later): the row positions of every pair of one unit's consecutive periods."""
    order = np.lexsort((times, units))
    units, times = units[order], times[order]
    neighbours = (units[1:] == units[:-1]) & (times[1:] == times[:-1] + 1)
    return order[:-1][neighbours], order[1:][neighbours]


def lag_one_autocorrelation(units: np.ndarray, times: np.ndarray, values: np.ndarray, *, pairs=None) -> float:
    """The correlation of each unit-centred value with the same unit's value one period
    earlier, over every such neighbour pair (0 when there are fewer than three); `pairs` are
    `_neighbours(units, times)` where the caller has them."""
    earlier, later = pairs if pairs is not None else _neighbours(units, times)
    if earlier.size < 3:
        return 0.0
    earlier, later = values[earlier], values[later]
    if _is_constant(earlier) or _is_constant(later):
        return 0.0
    return pearson_r(earlier, later)


def serial_design_effect(units, times, x_within, y_within) -> float:
    """Bartlett's variance inflation of a correlation between two AR(1) series, (1 + φₓφᵧ) /
    (1 − φₓφᵧ), from the lag-one autocorrelations of the unit-centred series (at least 1)."""
    pairs = _neighbours(units, times)
    product = lag_one_autocorrelation(units, times, x_within, pairs=pairs) * lag_one_autocorrelation(
        units, times, y_within, pairs=pairs
    )
    product = min(product, 0.95)
    return float(max((1 + product) / (1 - product), 1.0))


def correlate(x, y, *, units, min_units: int = MIN_UNITS) -> Correlation:
    """The pooled test: every unit-period one pair, p and interval clustered by unit."""
    x, y, units, _times = _finite_pairs(x, y, units)
    n = int(x.size)
    unit_count = int(np.unique(units).size)
    if short := _below_floor(n, unit_count, min_units):
        return _without_numbers(n, unit_count, short)
    if _is_constant(x) or _is_constant(y):
        return _without_numbers(n, unit_count, CONSTANT)
    codes = unit_codes(units)
    fitted = _clustered_r(x, y, units, absorbed=0, codes=codes)
    if fitted is None:
        return _without_numbers(n, unit_count, SINGULAR)
    r, p, low, high = fitted
    x_ranks, y_ranks = ranks(x), ranks(y)
    rho = pearson_r(x_ranks, y_ranks)  # Spearman's ρ
    ranked = _clustered_r(x_ranks, y_ranks, units, absorbed=0, codes=codes)
    design_effect = pooled_design_effect(x, y, units)
    effective_n = n / design_effect
    return Correlation(
        n=n,
        units=unit_count,
        insufficient_data=False,
        pearson_r=r,
        pearson_p=p,
        ci_low=low,
        ci_high=high,
        spearman_rho=rho,
        spearman_p=ranked[1] if ranked is not None else None,
        min_detectable_r=min_detectable_r(effective_n),
        effective_n=effective_n,
        design_effect=design_effect,
    )


def correlate_between_units(x, y, *, units, min_units: int = MIN_UNITS) -> Correlation:
    """The between-unit test: Pearson's r (and Spearman's ρ) of the units' means, n = units.
    Each unit counts once, whatever its size or number of periods."""
    x, y, units, _times = _finite_pairs(x, y, units)
    labels, inverse, counts = np.unique(units, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    x_means = np.bincount(inverse, weights=x, minlength=labels.size) / counts
    y_means = np.bincount(inverse, weights=y, minlength=labels.size) / counts
    return _between_units_of_means(int(x.size), x_means, y_means, min_units=min_units)


def correlate_between_units_of_matrices(
    pairs: Sequence[tuple[np.ndarray, np.ndarray]], *, min_units: int = MIN_UNITS
) -> list[Correlation]:
    """`correlate_between_units` of many pairs of units × periods matrices (NaN where a unit has
    no value) over the same units and periods, each pair read where both have a value: the
    units' means of all pairs are summed at once, which at a hundred pairs is most of the work."""
    if not pairs:
        return []
    x = np.stack([first for first, _ in pairs])
    y = np.stack([second for _, second in pairs])
    both = np.isfinite(x) & np.isfinite(y)
    counts = both.sum(axis=2)
    # summed one value after another, in the order of the periods, as `np.bincount` sums one
    # pair's: the same means to the last bit, so that units tied there stay tied for Spearman
    cell = np.broadcast_to(np.arange(counts.size).reshape(counts.shape)[:, :, None], both.shape)[both]
    x_sums = np.bincount(cell, weights=x[both], minlength=counts.size).reshape(counts.shape)
    y_sums = np.bincount(cell, weights=y[both], minlength=counts.size).reshape(counts.shape)
    results = []
    for index in range(len(pairs)):
        held = counts[index] > 0
        people = counts[index][held]
        results.append(
            _between_units_of_means(
                int(counts[index].sum()),
                x_sums[index][held] / people,
                y_sums[index][held] / people,
                min_units=min_units,
            )
        )
    return results


def _between_units_of_means(n: int, x_means: np.ndarray, y_means: np.ndarray, *, min_units: int) -> Correlation:
    """The between-unit test of n pairs whose units' means are `x_means` and `y_means`."""
    unit_count = int(x_means.size)
    if short := _below_floor(n, unit_count, min_units):
        return _without_numbers(n, unit_count, short)
    if _is_constant(x_means) or _is_constant(y_means):
        return _without_numbers(n, unit_count, CONSTANT)
    # Pearson's r with its t test and Fisher interval, Spearman's ρ with its t test, on units − 2
    # degrees of freedom: what scipy.stats.pearsonr and spearmanr give (tests/correlation/test_stats.py)
    r, rho = pearson_r(x_means, y_means), spearman_rho(x_means, y_means)
    low, high = (r, r) if abs(r) == 1 else fisher_interval(r, unit_count) if unit_count > 3 else (-1.0, 1.0)
    return Correlation(
        n=n,
        units=unit_count,
        insufficient_data=False,
        pearson_r=r,
        pearson_p=t_test_p(r, unit_count - 2),
        ci_low=low,
        ci_high=high,
        spearman_rho=rho,
        spearman_p=t_test_p(rho, unit_count - 2),
        min_detectable_r=min_detectable_r(unit_count),
        effective_n=float(unit_count),
        design_effect=n / unit_count,
    )


@dataclass(frozen=True)
class WeightedBetween:
    """The between-unit reading with each unit's means weighted by its respondents: the weighted
    Pearson r, the p of the weighted least-squares slope with a heteroscedasticity-robust (HC3)
    variance on t with units − 2 degrees of freedom, and the equally weighted units that would be
    as precise (Kish's effective number, (Σw)² / Σw²)."""

    units: int
    r: float | None = None
    p: float | None = None
    effective_units: float | None = None
    reason: str = ""


def correlate_between_units_weighted(x, y, *, units, weights, min_units: int = MIN_UNITS) -> WeightedBetween:
    """As `correlate_between_units`, each unit weighted by the sum of `weights` (respondents) over
    its pairs, so a unit's mean counts by how precisely it was measured."""
    x, y, units, weights = (np.asarray(a) for a in (x, y, units, weights))
    keep = np.isfinite(x) & np.isfinite(y) & np.isfinite(weights.astype(float))
    x, y, units, weights = x[keep].astype(float), y[keep].astype(float), units[keep], weights[keep].astype(float)
    labels, inverse, counts = np.unique(units, return_inverse=True, return_counts=True)
    unit_count = int(labels.size)
    if unit_count < max(min_units, 3):
        return WeightedBetween(units=unit_count, reason=FEW_UNITS)
    inverse = inverse.reshape(-1)
    x_means = np.bincount(inverse, weights=x) / counts
    y_means = np.bincount(inverse, weights=y) / counts
    w = np.bincount(inverse, weights=weights)
    if _is_constant(x_means) or _is_constant(y_means) or not (w > 0).all():
        return WeightedBetween(units=unit_count, reason=CONSTANT)
    share = w / w.sum()
    dx, dy = x_means - share @ x_means, y_means - share @ y_means
    r = float(share @ (dx * dy) / math.sqrt((share @ dx**2) * (share @ dy**2)))
    root = np.sqrt(w)
    design = np.column_stack([root, root * x_means])
    target = root * y_means
    bread = np.linalg.inv(design.T @ design)
    coefficients = bread @ design.T @ target
    residuals = target - design @ coefficients
    leverage = np.einsum("ij,jk,ik->i", design, bread, design)
    if (leverage >= 1 - 1e-12).any():  # a unit that alone fixes the line: HC3 is undefined
        return WeightedBetween(units=unit_count, reason=SINGULAR)
    meat = (design * (residuals / (1 - leverage))[:, None] ** 2).T @ design
    se = math.sqrt(max(float((bread @ meat @ bread)[1, 1]), 0.0))
    p = 0.0 if se == 0 else float(2 * special.stdtr(unit_count - 2, -abs(coefficients[1]) / se))
    return WeightedBetween(units=unit_count, r=r, p=p, effective_units=float(w.sum() ** 2 / (w**2).sum()))


def _units_with_periods(units: np.ndarray, minimum: int) -> np.ndarray:
    _labels, inverse, counts = np.unique(units, return_inverse=True, return_counts=True)
    return counts[inverse.reshape(-1)] >= minimum


def correlate_within_units(
    x,
    y,
    units,
    *,
    times=None,
    min_units: int = MIN_UNITS_WITHIN,
    min_periods: int = MIN_PERIODS_WITHIN,
) -> Correlation:
    """The within-unit test: each unit's mean removed from both series (units with fewer than
    `min_periods` pairs are left out). r and ρ are Pearson's and Spearman's of the centred
    series; p and interval are the unit-fixed-effects slope test clustered by unit. `times`
    (period positions) let the effective sample size count the series' persistence."""
    x, y, units, times = _finite_pairs(x, y, units, times)
    keep = _units_with_periods(units, min_periods)
    x, y, units, times = x[keep], y[keep], units[keep], times[keep]
    n = int(x.size)
    codes = unit_codes(units)
    unit_count = int(codes[1].size)
    if short := _below_floor(n, unit_count, min_units):
        return _without_numbers(n, unit_count, short)
    x_within = demean_within(units, x, codes=codes)
    y_within = demean_within(units, y, codes=codes)
    if _is_constant(x_within) or _is_constant(y_within):
        return _without_numbers(n, unit_count, CONSTANT)
    fitted = _clustered_r(x_within, y_within, units, absorbed=unit_count, codes=codes)
    if fitted is None:
        return _without_numbers(n, unit_count, SINGULAR)
    r, p, low, high = fitted
    x_ranks, y_ranks = ranks(x_within), ranks(y_within)
    rho = pearson_r(x_ranks, y_ranks)  # Spearman's ρ
    ranked = _clustered_r(
        demean_within(units, x_ranks, codes=codes),
        demean_within(units, y_ranks, codes=codes),
        units,
        absorbed=unit_count,
        codes=codes,
    )
    design_effect = serial_design_effect(units, times, x_within, y_within)
    effective_n = (n - unit_count + 1) / design_effect
    return Correlation(
        n=n,
        units=unit_count,
        insufficient_data=False,
        pearson_r=r,
        pearson_p=p,
        ci_low=low,
        ci_high=high,
        spearman_rho=rho,
        spearman_p=ranked[1] if ranked is not None else None,
        min_detectable_r=min_detectable_r(effective_n),
        effective_n=effective_n,
        design_effect=design_effect,
    )


def _period_columns(times: np.ndarray) -> np.ndarray:
    """One indicator column per period but the first."""
    periods = np.unique(times)
    return (times[:, None] == periods[None, 1:]).astype(float)


def lead_test(
    earlier: np.ndarray,
    later: np.ndarray,
    *,
    lag: int,
    min_units: int = MIN_UNITS_WITHIN,
    min_periods: int = MIN_PERIODS_WITHIN,
) -> Correlation:
    """Does `earlier` (a units × periods matrix) predict `later` `lag` periods on, beyond their
    same-period link? later[t] on earlier[t − lag] and earlier[t] with unit and period fixed
    effects, errors clustered by unit (the *static* model), and the same with later[t − 1] added
    (the *dynamic* model). p is the larger of the two p-values of earlier[t − lag]; the
    coefficient (of the static model) is in standard deviations of the unit-centred series."""
    periods = earlier.shape[1]
    start = max(lag, 1)
    if lag < 1 or periods <= start:
        return _without_numbers(0, 0, FEW_PAIRS)
    columns = np.arange(start, periods)
    outcome = later[:, columns]
    lead = earlier[:, columns - lag]
    same = earlier[:, columns]
    previous = later[:, columns - 1]
    present = np.isfinite(outcome) & np.isfinite(lead) & np.isfinite(same) & np.isfinite(previous)
    rows, cols = np.nonzero(present)
    units, times = rows, columns[cols]
    keep = _units_with_periods(units, min_periods)
    units, times = units[keep], times[keep]
    rows, cols = rows[keep], cols[keep]
    n = int(units.size)
    unit_count = int(np.unique(units).size)
    if short := _below_floor(n, unit_count, min_units):
        return _without_numbers(n, unit_count, short)
    variables = np.column_stack([outcome[rows, cols], lead[rows, cols], same[rows, cols], previous[rows, cols]])
    centred = demean_within(units, np.column_stack([variables, _period_columns(times)]))
    scale = centred[:, :4].std(axis=0)
    if np.any(scale == 0):
        return _without_numbers(n, unit_count, CONSTANT)
    centred[:, :4] /= scale
    y, regressors, fixed_periods = centred[:, 0], centred[:, 1:4], centred[:, 4:]
    static = ols_clustered(np.column_stack([regressors[:, :2], fixed_periods]), y, units, absorbed=unit_count)
    dynamic = ols_clustered(np.column_stack([regressors, fixed_periods]), y, units, absorbed=unit_count)
    if static is None or dynamic is None:
        return _without_numbers(n, unit_count, SINGULAR)
    low, high = static.interval(0)
    return Correlation(
        n=n,
        units=unit_count,
        insufficient_data=False,
        pearson_p=max(static.p_value(0), dynamic.p_value(0)),
        ci_low=low,
        ci_high=high,
        coefficient=float(static.params[0]),
    )


@dataclass(frozen=True)
class RegressionBand:
    """The least-squares line of y on x with the 95% confidence band of its mean."""

    slope: float
    intercept: float
    xs: np.ndarray
    fitted: np.ndarray
    low: np.ndarray
    high: np.ndarray


def regression_band(x, y, *, units=None, steps: int = 40, confidence: float = CONFIDENCE) -> RegressionBand | None:
    """Line and band over the range of x (None below three pairs, for a constant x, or with
    fewer than two units). With `units` the band is clustered by unit (t on units − 1 degrees
    of freedom), so that it is as wide as the unit-periods are really worth."""
    x, y, units, _times = _finite_pairs(x, y, units)
    if x.size < 3 or _is_constant(x):
        return None
    design = np.column_stack([np.ones(x.size), x])
    fit = ols_clustered(design, y, units)
    if fit is None:
        return None
    xs = np.linspace(x.min(), x.max(), steps)
    grid = np.column_stack([np.ones(steps), xs])
    fitted = grid @ fit.params
    spread = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", grid, fit.cov, grid), 0.0))
    half = special.stdtrit(fit.df, 1 - (1 - confidence) / 2) * spread
    return RegressionBand(float(fit.params[1]), float(fit.params[0]), xs, fitted, fitted - half, fitted + half)
