"""The statistics of a correlation report: pure functions over numpy arrays.

Every coefficient, p-value and interval is computed with numpy/scipy, or (where Prima computes
it itself: the Benjamini–Hochberg q-values, the within-unit test) checked against scipy to 1e-9
in `tests/correlation/test_stats.py`.

Two variants of each test:

- *pooled*: every unit-period is one pair; it mixes "better units" with "units that got better";
- *within-unit*: each unit's own mean is removed from both series first (the repeated-measures
  correlation of Bakdash & Marusich 2017, after Bland & Altman 1995), so only changes within a
  unit over time count. Removing k unit means costs k degrees of freedom: df = n − k − 1.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

# Below this many pairs a report says "insufficient data" instead of a number.
MIN_PAIRS = 10
CONFIDENCE = 0.95
# Minimum detectable effect: two-sided α = .05 at 80% power (Cohen 1988).
ALPHA = 0.05
POWER = 0.80


@dataclass(frozen=True)
class Correlation:
    """One test. Every number is None when `insufficient_data` (or when a series is constant)."""

    n: int
    units: int
    insufficient_data: bool
    pearson_r: float | None = None
    pearson_p: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    spearman_rho: float | None = None
    spearman_p: float | None = None
    min_detectable_r: float | None = None


def fisher_interval(r: float, n: int, *, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The confidence interval of a correlation by Fisher's z transformation: tanh(atanh(r) ±
    z_{1−α/2} / √(n − 3)). `n` is the (effective) number of pairs, at least 4."""
    if n <= 3:
        raise ValueError("a Fisher interval needs more than three pairs")
    z_critical = sps.norm.ppf(1 - (1 - confidence) / 2)
    with np.errstate(divide="ignore"):
        z = np.arctanh(r)
    half_width = z_critical / math.sqrt(n - 3)
    return float(np.tanh(z - half_width)), float(np.tanh(z + half_width))


def min_detectable_r(n: int, *, alpha: float = ALPHA, power: float = POWER) -> float | None:
    """The smallest |r| a two-sided test at `alpha` detects with probability `power` given n
    pairs (Fisher z approximation): tanh((z_{1−α/2} + z_{power}) / √(n − 3))."""
    if n <= 3:
        return None
    return float(np.tanh((sps.norm.ppf(1 - alpha / 2) + sps.norm.ppf(power)) / math.sqrt(n - 3)))


def t_test_p(r: float, df: int) -> float:
    """Two-sided p of a correlation coefficient with `df` degrees of freedom (Student's t)."""
    if abs(r) >= 1:
        return 0.0
    t = r * math.sqrt(df / (1 - r * r))
    return float(2 * sps.t.sf(abs(t), df))


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


def demean_within(units: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Each value minus the mean of its unit's values."""
    units = np.asarray(units)
    values = np.asarray(values, dtype=float)
    _labels, inverse = np.unique(units, return_inverse=True)
    sums = np.bincount(inverse, weights=values)
    counts = np.bincount(inverse)
    return values - (sums / counts)[inverse]


def _is_constant(values: np.ndarray) -> bool:
    return values.size == 0 or bool(np.ptp(values) == 0)


def _finite_pairs(x, y, units=None):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    keep = np.isfinite(x) & np.isfinite(y)
    units = np.zeros(x.size, dtype=int) if units is None else np.asarray(units)
    return x[keep], y[keep], units[keep]


def correlate(x, y, *, units=None) -> Correlation:
    """The pooled test of two aligned series (pairs with a missing value are dropped)."""
    x, y, units = _finite_pairs(x, y, units)
    n = int(x.size)
    unit_count = int(np.unique(units).size)
    if n < MIN_PAIRS or _is_constant(x) or _is_constant(y):
        return Correlation(n=n, units=unit_count, insufficient_data=True)
    pearson = sps.pearsonr(x, y)
    r = float(pearson.statistic)
    low, high = fisher_interval(r, n)
    spearman = sps.spearmanr(x, y)
    return Correlation(
        n=n,
        units=unit_count,
        insufficient_data=False,
        pearson_r=r,
        pearson_p=float(pearson.pvalue),
        ci_low=low,
        ci_high=high,
        spearman_rho=float(spearman.statistic),
        spearman_p=float(spearman.pvalue),
        min_detectable_r=min_detectable_r(n),
    )


def correlate_within_units(x, y, units) -> Correlation:
    """The within-unit test: each unit's mean removed from both series (units with a single
    pair carry no within-unit information and are left out). Pearson r and Spearman ρ of the
    centred series, with p-values and the Fisher interval on df = n − k − 1."""
    x, y, units = _finite_pairs(x, y, units)
    _labels, inverse, counts = np.unique(units, return_inverse=True, return_counts=True)
    keep = counts[inverse] >= 2
    x, y, units = x[keep], y[keep], units[keep]
    n = int(x.size)
    unit_count = int(np.unique(units).size)
    df = n - unit_count - 1
    effective_n = df + 2
    if n < MIN_PAIRS or effective_n <= 3:
        return Correlation(n=n, units=unit_count, insufficient_data=True)
    x_within = demean_within(units, x)
    y_within = demean_within(units, y)
    if _is_constant(x_within) or _is_constant(y_within):
        return Correlation(n=n, units=unit_count, insufficient_data=True)
    r = float(np.corrcoef(x_within, y_within)[0, 1])
    low, high = fisher_interval(r, effective_n)
    rho = float(sps.spearmanr(x_within, y_within).statistic)
    return Correlation(
        n=n,
        units=unit_count,
        insufficient_data=False,
        pearson_r=r,
        pearson_p=t_test_p(r, df),
        ci_low=low,
        ci_high=high,
        spearman_rho=rho,
        spearman_p=t_test_p(rho, df),
        min_detectable_r=min_detectable_r(effective_n),
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


def regression_band(x, y, *, steps: int = 40, confidence: float = CONFIDENCE) -> RegressionBand | None:
    """Line and band over the range of x (None below three pairs or for a constant x)."""
    x, y, _units = _finite_pairs(x, y)
    n = x.size
    if n < 3 or _is_constant(x):
        return None
    fit = sps.linregress(x, y)
    xs = np.linspace(x.min(), x.max(), steps)
    fitted = fit.intercept + fit.slope * xs
    residual_sd = math.sqrt(float(np.sum((y - (fit.intercept + fit.slope * x)) ** 2)) / (n - 2))
    sxx = float(np.sum((x - x.mean()) ** 2))
    half = sps.t.ppf(1 - (1 - confidence) / 2, n - 2) * residual_sd * np.sqrt(1 / n + (xs - x.mean()) ** 2 / sxx)
    return RegressionBand(float(fit.slope), float(fit.intercept), xs, fitted, fitted - half, fitted + half)
