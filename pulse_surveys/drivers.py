"""Which drivers matter for an outcome, and whether a unit's score means anything: the
statistics, on plain arrays (no database, no Django models).

Driver impact is the Shapley decomposition of R² (also called LMG or dominance analysis): the
R² of the outcome regressed on all drivers is shared out so that each driver gets its average
gain in R² over every order in which drivers could enter the model. It is exact (computed over
all 2^p subsets of drivers, which is cheap for the ten or so drivers a survey has), the shares
add up to R² exactly, and each subset's R² is an ordinary least-squares R² that statsmodels
reproduces. Johnson's relative weights approximate the same quantity; with at most
`MAX_DRIVERS` drivers there is no need to approximate.

How sure: a percentile bootstrap over respondents (`BOOTSTRAP_DRAWS` resamples, seeded), done
as weighted covariance matrices so that every resample costs two matrix products.

Agreement within units (one-way ANOVA of the respondents' overall scores across units):
ICC(1) = (MSB − MSW) / (MSB + (k₀ − 1)·MSW), the share of one person's variance that is the
unit's; ICC(2) = (MSB − MSW) / MSB, the reliability of a unit's mean (Bliese 2000; k₀ is the
adjusted average unit size for unequal units). r_wg(J) compares the within-unit variance of
J items with the variance of a uniform answer over the A scale points, (A² − 1) / 12 (James,
Demaree & Wolf 1984), truncated to 0 when it exceeds it. Empirical-Bayes shrinkage pulls each
unit's mean toward the organisation's by its reliability λ = τ² / (τ² + σ²/n).
"""

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

MAX_DRIVERS = 12  # 2^12 subsets per resample: still well under a second
BOOTSTRAP_DRAWS = 1000
BOOTSTRAP_SEED = 20240
MIN_RESPONDENTS = 30  # below this the bootstrap intervals are too wide to rank drivers
CHUNK = 100  # resamples counted together (memory: CHUNK × respondents floats)
PIVOT_TOLERANCE = 1e-12  # relative: a driver with less variance left explains nothing more
LIKERT_POINTS = 5
RWG_AGREEMENT = 0.7  # the usual cut-off for "members agree" (LeBreton & Senter 2008)
MIN_UNITS = 3


class NotEstimable(ValueError):
    """The analysis cannot run on these data; `code` and `params` say why (see `reasons`)."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code, self.params = code, params


# --- Shapley decomposition of R² ---------------------------------------------------------------


def shapley_weights(p: int) -> np.ndarray:
    """W (p × 2^p) with Shapley value_j = Σ_mask W[j, mask] · R²(mask): each subset S without j
    enters with −|S|!(p−|S|−1)!/p! and S ∪ {j} with the same weight, positive."""
    masks = np.arange(1 << p)
    sizes = np.array([bin(mask).count("1") for mask in masks])
    weight = np.array([math.factorial(s) * math.factorial(p - s - 1) / math.factorial(p) for s in range(p)])
    out = np.zeros((p, 1 << p))
    for j in range(p):
        has = (masks >> j) & 1 == 1
        out[j, has] = weight[sizes[has] - 1]
        out[j, ~has & (sizes < p)] = -weight[sizes[~has & (sizes < p)]]
    return out


def subset_r2(cov: np.ndarray) -> np.ndarray:
    """R² of the outcome (the last variable) on every subset of the others, from covariance
    matrices (B × q × q): B × 2^(q−1), indexed by bit mask (mask 0: R² = 0).

    The subsets are visited as a tree, each one its parent plus one driver of a higher index, and
    each step *sweeps* that driver out of the covariances of the drivers still to come and the
    outcome (what is left of them once it is accounted for). The outcome's left-over variance
    gives R² = 1 − left-over / variance. One step costs a few array operations over all B
    resamples at once, instead of one linear system per subset and resample. A driver with
    nothing left to explain (constant in a resample, or a copy of drivers already in) adds
    nothing, as a pseudo-inverse would have it."""
    draws, p = cov.shape[0], cov.shape[1] - 1
    r2 = np.zeros((draws, 1 << p))
    variance_y = cov[:, p, p]
    # below this a driver's left-over variance is rounding (each resample's largest variance sets the scale)
    floor = PIVOT_TOLERANCE * np.diagonal(cov, axis1=1, axis2=2).max(axis=1)

    def visit(block: np.ndarray, drivers: range, mask: int) -> None:
        # `block`: the covariances of `drivers` (still to add) and the outcome (last), given `mask`
        for position, driver in enumerate(drivers):
            pivot = block[:, position, position]
            usable = pivot > floor
            column = block[:, position:, position] * np.sqrt(usable / np.where(usable, pivot, 1.0))[:, None]
            rest = block[:, position + 1 :, position + 1 :] - column[:, 1:, None] * column[:, None, 1:]
            child = mask | (1 << driver)
            r2[:, child] = 1.0 - rest[:, -1, -1] / variance_y
            if position + 1 < len(drivers):
                visit(rest, drivers[position + 1 :], child)

    visit(cov, range(p), 0)
    return r2


def _products(centred: np.ndarray) -> np.ndarray:
    """Each row's cross products, upper triangle only (n × q(q+1)/2), computed once for every
    resample: the product with the resample counts is most of a large round's cost."""
    upper, lower = np.triu_indices(centred.shape[1])
    return centred[:, upper] * centred[:, lower]


def _weighted_covariances(centred: np.ndarray, products: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Covariance matrices (divisor n) of the rows of `centred` counted `weights` times each
    (B × n counts summing to n): two matrix products for all resamples."""
    n, q = centred.shape
    upper, lower = np.triu_indices(q)
    first = weights @ centred / n
    second = np.empty((weights.shape[0], q, q))
    second[:, upper, lower] = weights @ products / n
    second[:, lower, upper] = second[:, upper, lower]
    return second - first[:, :, None] * first[:, None, :]


def resample_counts(rng: np.random.Generator, n: int, size: int) -> np.ndarray:
    """How often each of n respondents is drawn in each of `size` resamples of n with
    replacement (size × n): drawn row numbers, counted."""
    drawn = rng.integers(0, n, size=(size, n)) + (np.arange(size) * n)[:, None]
    return np.bincount(drawn.ravel(), minlength=size * n).reshape(size, n).astype(float)


@dataclass
class DriverImpact:
    importance: float  # the driver's share of R², in R² units
    low: float
    high: float
    share: float  # importance / R², 0–1
    share_low: float
    share_high: float
    above_average: float  # share of resamples in which its importance exceeded R² / p


@dataclass
class ImpactResult:
    respondents: int
    r2: float
    r2_low: float
    r2_high: float
    drivers: list[DriverImpact]
    left_out: list[int] = field(default_factory=list)  # indices of drivers without variance
    draws: int = 0


def check_design(drivers: np.ndarray, outcome: np.ndarray, *, minimum: int = MIN_RESPONDENTS) -> list[int]:
    """Raises `NotEstimable` when no decomposition can run; returns the drivers left out for
    having no variance (everyone gave them the same answer)."""
    n, p = drivers.shape
    if n < minimum:
        raise NotEstimable("too_few_respondents", respondents=n, minimum=minimum)
    if not np.all(np.isfinite(drivers)) or not np.all(np.isfinite(outcome)):
        raise NotEstimable("missing_values")
    if np.ptp(outcome) == 0:
        raise NotEstimable("constant_outcome")
    constant = [j for j in range(p) if np.ptp(drivers[:, j]) == 0]
    kept = p - len(constant)
    if kept < 2:
        raise NotEstimable("too_few_drivers", drivers=kept)
    if kept > MAX_DRIVERS:
        raise NotEstimable("too_many_drivers", drivers=kept, maximum=MAX_DRIVERS)
    varying = np.delete(drivers, constant, axis=1)
    if np.linalg.matrix_rank(varying - varying.mean(axis=0)) < kept:
        raise NotEstimable("singular_design")
    return constant


def shapley_r2(drivers: np.ndarray, outcome: np.ndarray) -> tuple[float, np.ndarray]:
    """R² of the outcome on all drivers and each driver's Shapley share of it (full sample)."""
    data = np.column_stack([drivers, outcome]).astype(float)
    cov = np.cov(data, rowvar=False, bias=True)[None]
    r2 = subset_r2(cov)[0]
    return float(r2[-1]), shapley_weights(drivers.shape[1]) @ r2


def driver_impact(
    drivers: np.ndarray,
    outcome: np.ndarray,
    *,
    draws: int = BOOTSTRAP_DRAWS,
    seed: int = BOOTSTRAP_SEED,
    minimum: int = MIN_RESPONDENTS,
) -> ImpactResult:
    """Each driver's Shapley share of R² with percentile bootstrap intervals (respondents
    resampled). Drivers without variance are left out (listed in `left_out`) and get no row.
    Raises `NotEstimable` when the analysis cannot run."""
    drivers, outcome = np.asarray(drivers, dtype=float), np.asarray(outcome, dtype=float)
    left_out = check_design(drivers, outcome, minimum=minimum)
    kept = np.delete(drivers, left_out, axis=1)
    n, p = kept.shape
    data = np.column_stack([kept, outcome])
    centred = data - data.mean(axis=0)
    weights_w = shapley_weights(p)
    r2_full, importance = shapley_r2(kept, outcome)

    products = _products(centred)
    rng = np.random.default_rng(seed)
    cov = np.empty((draws, p + 1, p + 1))
    for start in range(0, draws, CHUNK):  # the counts of a chunk of resamples at a time
        size = min(CHUNK, draws - start)
        cov[start : start + size] = _weighted_covariances(centred, products, resample_counts(rng, n, size))
    # A resample of one outcome value (R² undefined): its variance is zero up to rounding.
    degenerate = cov[:, p, p] <= PIVOT_TOLERANCE * centred[:, p].var()
    cov[degenerate, p, p] = 1.0
    subsets = subset_r2(cov)  # every resample at once
    subsets[degenerate] = np.nan
    r2_boot = subsets[:, -1]
    importance_boot = subsets @ weights_w.T
    valid = np.isfinite(r2_boot)
    r2_boot, importance_boot = r2_boot[valid], importance_boot[valid]
    shares_boot = importance_boot / np.where(r2_boot > 0, r2_boot, np.nan)[:, None]
    above = (importance_boot > r2_boot[:, None] / p).mean(axis=0)
    low, high = np.percentile(importance_boot, [2.5, 97.5], axis=0)
    share_low, share_high = np.nanpercentile(shares_boot, [2.5, 97.5], axis=0)
    r2_low, r2_high = np.percentile(r2_boot, [2.5, 97.5])
    rows = [
        DriverImpact(
            importance=float(importance[j]),
            low=float(low[j]),
            high=float(high[j]),
            share=float(importance[j] / r2_full) if r2_full > 0 else 0.0,
            share_low=float(share_low[j]),
            share_high=float(share_high[j]),
            above_average=float(above[j]),
        )
        for j in range(p)
    ]
    return ImpactResult(n, r2_full, float(r2_low), float(r2_high), rows, left_out, int(valid.sum()))


# --- Agreement within units ----------------------------------------------------------------------


@dataclass
class Agreement:
    units: int
    respondents: int
    ms_between: float
    ms_within: float
    k0: float
    icc1: float
    icc2: float
    f: float
    p_value: float
    tau2: float  # variance of the true unit means (ICC(1)'s numerator), 0 when negative
    grand_mean: float


def one_way_anova(values: np.ndarray, groups: np.ndarray) -> Agreement:
    """ICC(1), ICC(2) and the F test of a one-way ANOVA of `values` across `groups`."""
    values, groups = np.asarray(values, dtype=float), np.asarray(groups)
    labels, index = np.unique(groups, return_inverse=True)
    units, n = len(labels), len(values)
    if units < MIN_UNITS:
        raise NotEstimable("too_few_units", units=units, minimum=MIN_UNITS)
    sizes = np.bincount(index)
    if n - units < 1:
        raise NotEstimable("one_per_unit")
    means = np.bincount(index, weights=values) / sizes
    grand = values.mean()
    ms_between = float((sizes * (means - grand) ** 2).sum() / (units - 1))
    ms_within = float(((values - means[index]) ** 2).sum() / (n - units))
    if ms_between == 0 and ms_within == 0:
        raise NotEstimable("constant_outcome")
    if ms_between == 0:
        raise NotEstimable("no_between_variance")
    k0 = float((n - (sizes**2).sum() / n) / (units - 1))
    f = ms_between / ms_within if ms_within > 0 else math.inf
    return Agreement(
        units=units,
        respondents=n,
        ms_between=ms_between,
        ms_within=ms_within,
        k0=k0,
        icc1=(ms_between - ms_within) / (ms_between + (k0 - 1) * ms_within),
        icc2=(ms_between - ms_within) / ms_between,
        f=f,
        p_value=float(stats.f.sf(f, units - 1, n - units)) if math.isfinite(f) else 0.0,
        tau2=max(0.0, (ms_between - ms_within) / k0),
        grand_mean=float(grand),
    )


def uniform_null_variance(points: int = LIKERT_POINTS) -> float:
    """Variance of answers spread evenly over `points` scale points: (A² − 1) / 12."""
    return (points**2 - 1) / 12


def rwg_j(items: np.ndarray, *, points: int = LIKERT_POINTS) -> float:
    """r_wg(J) of one unit: `items` is members × J item answers on a 1..points scale. The mean
    within-unit item variance (ddof 1) against the uniform null; 0 when it exceeds the null."""
    items = np.asarray(items, dtype=float)
    if items.ndim == 1:
        items = items[:, None]
    if items.shape[0] < 2:
        raise NotEstimable("one_per_unit")
    j = items.shape[1]
    ratio = items.var(axis=0, ddof=1).mean() / uniform_null_variance(points)
    if ratio >= 1:
        return 0.0
    return float(j * (1 - ratio) / (j * (1 - ratio) + ratio))


def shrink(mean: float, size: int, agreement: Agreement, *, extra_variance: float = 0.0) -> tuple[float, float]:
    """Empirical-Bayes estimate of a unit's mean and its reliability λ: the organisation's mean
    plus λ times the unit's distance from it, λ = τ² / (τ² + σ²/n + extra) (extra: a stored
    noise's variance, for protected figures)."""
    if size <= 0:
        return agreement.grand_mean, 0.0
    error = agreement.ms_within / size + extra_variance
    reliability = agreement.tau2 / (agreement.tau2 + error) if agreement.tau2 + error > 0 else 1.0
    return agreement.grand_mean + reliability * (mean - agreement.grand_mean), reliability
