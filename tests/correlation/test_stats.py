"""The report's statistics equal scipy's (to 1e-9) and statsmodels' (to 1e-6) on the same
arrays, and match published hand-checks."""

import math

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps
from statsmodels.stats.multitest import multipletests

from correlation import stats

TOLERANCE = 1e-9
STATSMODELS_TOLERANCE = 1e-6


def _correlated(seed: int, n: int, rho: float = 0.4):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = rho * x + math.sqrt(1 - rho**2) * rng.normal(size=n)
    return x, y


def _clustered_fit(design, y, groups):
    return sm.OLS(y, design).fit(cov_type="cluster", cov_kwds={"groups": groups}, use_t=True)


def _standardised(values):
    return (values - values.mean()) / values.std()


@pytest.mark.parametrize(("seed", "units", "periods"), [(1, 8, 3), (2, 30, 12), (3, 129, 5)])
def test_the_pooled_r_is_pearsons_and_its_p_and_interval_are_statsmodels_clustered_by_unit(seed, units, periods):
    unit, x, y = _panel(seed, units=units, periods=periods)
    result = stats.correlate(x, y, units=unit)
    fit = _clustered_fit(sm.add_constant(_standardised(x)), _standardised(y), unit)
    assert result.pearson_r == pytest.approx(sps.pearsonr(x, y).statistic, abs=TOLERANCE)
    assert result.pearson_r == pytest.approx(fit.params[1], abs=STATSMODELS_TOLERANCE)
    assert result.pearson_p == pytest.approx(fit.pvalues[1], abs=STATSMODELS_TOLERANCE)
    low, high = fit.conf_int()[1]
    assert (result.ci_low, result.ci_high) == pytest.approx((max(low, -1), min(high, 1)), abs=STATSMODELS_TOLERANCE)
    ranked = _clustered_fit(sm.add_constant(_standardised(sps.rankdata(x))), _standardised(sps.rankdata(y)), unit)
    assert result.spearman_rho == pytest.approx(sps.spearmanr(x, y).statistic, abs=TOLERANCE)
    assert result.spearman_p == pytest.approx(ranked.pvalues[1], abs=STATSMODELS_TOLERANCE)
    assert (result.n, result.units) == (units * periods, units)


def test_the_pooled_test_counts_units_not_unit_periods():
    # given 30 units whose levels differ a lot and 12 periods each, and no relation at all
    rng = np.random.default_rng(21)
    unit = np.repeat(np.arange(30), 12)
    x = rng.normal(scale=3, size=30)[unit] + rng.normal(size=unit.size)
    y = rng.normal(scale=3, size=30)[unit] + rng.normal(size=unit.size)
    result = stats.correlate(x, y, units=unit)
    # then the design effect is large and the effective sample a fraction of the 360 unit-periods
    assert result.design_effect > 5
    assert result.effective_n == pytest.approx(360 / result.design_effect)
    assert result.min_detectable_r == pytest.approx(stats.min_detectable_r(result.effective_n))
    assert result.min_detectable_r > 2 * stats.min_detectable_r(360)


def test_the_intraclass_correlation_is_one_way_anovas():
    unit, x, _y = _panel(22, units=9, periods=4)
    groups = [x[unit == g] for g in range(9)]
    between = 4 * np.var([g.mean() for g in groups], ddof=1)
    within = np.mean([np.var(g, ddof=1) for g in groups])
    assert stats.intraclass_correlation(unit, x) == pytest.approx((between - within) / (between + 3 * within))


def test_the_between_unit_test_is_pearsons_on_the_unit_means():
    unit, x, y = _panel(23, units=12, periods=5)
    result = stats.correlate_between_units(x, y, units=unit)
    x_means = [x[unit == g].mean() for g in range(12)]
    y_means = [y[unit == g].mean() for g in range(12)]
    expected = sps.pearsonr(x_means, y_means)
    interval = expected.confidence_interval()
    assert (result.pearson_r, result.pearson_p) == pytest.approx((expected.statistic, expected.pvalue), abs=TOLERANCE)
    assert (result.ci_low, result.ci_high) == pytest.approx((interval.low, interval.high), abs=TOLERANCE)
    assert result.spearman_p == pytest.approx(sps.spearmanr(x_means, y_means).pvalue, abs=TOLERANCE)
    assert (result.effective_n, result.units, result.n) == (12, 12, 60)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), units=st.integers(1, 14), periods=st.integers(1, 30), pairs=st.integers(1, 5))
def test_between_unit_tests_of_matrices_are_each_pairs_own_test(seed, units, periods, pairs):
    """Each pair of units × periods matrices gets what `correlate_between_units` gives its
    unit-periods where both have a value, to the last bit: missing cells, units without a pair,
    tied unit means (values on a coarse grid), constant series and too few units included."""
    rng = np.random.default_rng(seed)

    def matrix():
        # (thirds and tenths: summed in another order, equal means would differ in the last bit)
        values = rng.integers(0, 4, size=(units, periods)) * (100 / 3) + 0.1
        values[rng.random((units, periods)) < 0.3] = np.nan
        return values

    matrices = [(matrix(), matrix()) for _ in range(pairs)]
    together = stats.correlate_between_units_of_matrices(matrices, min_units=3)
    for (x, y), result in zip(matrices, together, strict=True):
        rows = np.repeat(np.arange(units), periods)
        assert result == stats.correlate_between_units(x.ravel(), y.ravel(), units=rows, min_units=3)


def test_floors_are_counted_in_units_not_pairs():
    # ten pairs from two units pass a floor of pairs but not one of units
    unit, x, y = _panel(24, units=2, periods=5)
    for result in (
        stats.correlate(x, y, units=unit),
        stats.correlate_between_units(x, y, units=unit),
        stats.correlate_within_units(x, y, unit),
    ):
        assert result.insufficient_data
        assert result.reason == stats.FEW_UNITS
        assert result.pearson_r is None
    unit, x, y = _panel(25, units=7, periods=5)
    assert stats.correlate(x, y, units=unit).reason == stats.FEW_UNITS
    assert not stats.correlate_within_units(x, y, unit).insufficient_data
    assert not stats.correlate(x, y, units=unit, min_units=7).insufficient_data


def test_units_with_fewer_than_three_periods_are_left_out_of_the_within_unit_test():
    unit, x, y = _panel(26, units=6, periods=4)
    unit, x, y = np.append(unit, [50, 50]), np.append(x, [1000.0, 0]), np.append(y, [-1000.0, 0])
    result = stats.correlate_within_units(x, y, unit)
    assert (result.n, result.units) == (24, 6)


def test_the_fisher_interval_matches_the_published_hand_check():
    low, high = stats.fisher_interval(0.536, 50)
    assert low == pytest.approx(0.30283, abs=5e-6)
    assert high == pytest.approx(0.70862, abs=5e-6)


def test_the_fisher_interval_is_tanh_of_atanh_r_plus_minus_z_over_root_n_minus_3():
    low, high = stats.fisher_interval(-0.2, 30, confidence=0.9)
    z = sps.norm.ppf(0.95) / math.sqrt(27)
    assert (low, high) == pytest.approx((math.tanh(math.atanh(-0.2) - z), math.tanh(math.atanh(-0.2) + z)), abs=1e-12)


def test_benjamini_hochberg_matches_the_published_hand_check():
    q = stats.benjamini_hochberg([0.01, 0.04, 0.03, 0.005, 0.20])
    assert q == pytest.approx([0.025, 0.05, 0.05, 0.025, 0.20], abs=TOLERANCE)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1, allow_nan=False), min_size=1, max_size=60))
def test_benjamini_hochberg_equals_scipys_false_discovery_control(p_values):
    expected = sps.false_discovery_control(p_values, method="bh")
    assert np.allclose(stats.benjamini_hochberg(p_values), expected, rtol=0, atol=TOLERANCE)


def test_benjamini_hochberg_of_no_tests_is_empty():
    assert stats.benjamini_hochberg([]).size == 0


def test_fewer_than_ten_pairs_is_insufficient_data_without_numbers():
    x, y = _correlated(7, 9)
    result = stats.correlate(x, y, units=np.arange(9))
    assert result.insufficient_data
    assert (result.n, result.reason) == (9, stats.FEW_PAIRS)
    assert (result.pearson_r, result.pearson_p, result.ci_low, result.spearman_rho) == (None, None, None, None)


def test_pairs_with_a_missing_value_are_dropped():
    x, y = _correlated(9, 30)
    x_gappy = x.copy()
    x_gappy[[2, 5, 11]] = np.nan
    result = stats.correlate(x_gappy, y, units=np.arange(30))
    keep = np.isfinite(x_gappy)
    assert result.n == 27
    assert result.pearson_r == pytest.approx(sps.pearsonr(x[keep], y[keep]).statistic, abs=TOLERANCE)


def test_a_constant_series_has_no_correlation():
    result = stats.correlate(np.full(20, 70.0), np.arange(20.0), units=np.arange(20))
    assert result.insufficient_data
    assert result.reason == stats.CONSTANT
    assert result.pearson_r is None


def test_the_minimum_detectable_r_has_eighty_percent_power():
    for n in (10, 48, 85, 400):
        r = stats.min_detectable_r(n)
        # the power of the two-sided .05 test at true r (Fisher approximation; the far tail is
        # negligible) is 0.8
        power = sps.norm.cdf(math.atanh(r) * math.sqrt(n - 3) - sps.norm.ppf(0.975))
        assert power == pytest.approx(0.8, abs=TOLERANCE)
    # the textbook figure: about 85 pairs are needed to detect r = .3
    assert stats.min_detectable_r(85) == pytest.approx(0.2998, abs=1e-4)


def test_the_t_test_p_equals_scipys_pearson_p():
    x, y = _correlated(10, 40)
    expected = sps.pearsonr(x, y)
    assert stats.t_test_p(float(expected.statistic), 38) == pytest.approx(expected.pvalue, abs=TOLERANCE)


def _panel(seed: int, units: int, periods: int):
    """Units with very different levels whose within-unit changes are related."""
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(units), periods)
    level = rng.normal(scale=10, size=units)[unit]
    x = level + rng.normal(size=unit.size)
    y = -level + 0.5 * (x - level) + rng.normal(size=unit.size)
    return unit, x, y


def test_the_within_unit_r_is_pearsons_r_of_the_unit_centred_series():
    unit, x, y = _panel(11, units=8, periods=6)
    result = stats.correlate_within_units(x, y, unit)
    expected = sps.pearsonr(stats.demean_within(unit, x), stats.demean_within(unit, y))
    assert result.pearson_r == pytest.approx(expected.statistic, abs=TOLERANCE)
    expected_rho = sps.spearmanr(stats.demean_within(unit, x), stats.demean_within(unit, y)).statistic
    assert result.spearman_rho == pytest.approx(expected_rho, abs=TOLERANCE)
    assert (result.n, result.units) == (48, 8)


def test_the_within_unit_p_and_interval_are_the_fixed_effects_slope_clustered_by_unit_as_statsmodels():
    # Frisch–Waugh–Lovell: the within-unit slope is the slope in y = b·x + one intercept per
    # unit; its errors are clustered by unit, the unit intercepts counted as parameters.
    unit, x, y = _panel(12, units=7, periods=5)
    x_within = stats.demean_within(unit, x)
    y_within = stats.demean_within(unit, y)
    dummies = (unit[:, None] == np.arange(7)).astype(float)
    fit = _clustered_fit(np.column_stack([x_within / x_within.std(), dummies]), y_within / y_within.std(), unit)
    result = stats.correlate_within_units(x, y, unit)
    assert result.pearson_r == pytest.approx(fit.params[0], abs=STATSMODELS_TOLERANCE)
    assert result.pearson_p == pytest.approx(fit.pvalues[0], abs=STATSMODELS_TOLERANCE)
    low, high = fit.conf_int()[0]
    assert (result.ci_low, result.ci_high) == pytest.approx((max(low, -1), min(high, 1)), abs=STATSMODELS_TOLERANCE)


def test_the_lead_test_equals_statsmodels_fixed_effects_regressions_clustered_by_unit():
    rng = np.random.default_rng(27)
    earlier = rng.normal(size=(9, 8)) + rng.normal(size=(9, 1))
    later = rng.normal(size=(9, 8))
    later[:, 1:] += 0.4 * earlier[:, :-1]
    later[2, 5] = np.nan
    result = stats.lead_test(earlier, later, lag=1)
    # the rows: periods 1..7 where the outcome, its previous value and both x's exist
    unit, period = np.nonzero(np.isfinite(later[:, 1:]) & np.isfinite(later[:, :-1]))
    period = period + 1
    outcome, lead, same, previous = (
        later[unit, period],
        earlier[unit, period - 1],
        earlier[unit, period],
        later[unit, period - 1],
    )
    scale = [stats.demean_within(unit, v).std() for v in (outcome, lead, same, previous)]
    unit_dummies = (unit[:, None] == np.arange(9)).astype(float)
    period_dummies = (period[:, None] == np.arange(2, 8)).astype(float)
    columns = [lead / scale[1], same / scale[2]]
    static = _clustered_fit(np.column_stack([*columns, period_dummies, unit_dummies]), outcome / scale[0], unit)
    columns.append(previous / scale[3])
    dynamic = _clustered_fit(np.column_stack([*columns, period_dummies, unit_dummies]), outcome / scale[0], unit)
    assert result.coefficient == pytest.approx(static.params[0], abs=STATSMODELS_TOLERANCE)
    assert result.pearson_p == pytest.approx(max(static.pvalues[0], dynamic.pvalues[0]), abs=STATSMODELS_TOLERANCE)
    assert (result.ci_low, result.ci_high) == pytest.approx(tuple(static.conf_int()[0]), abs=STATSMODELS_TOLERANCE)
    assert (result.n, result.units) == (unit.size, 9)


def test_holm_equals_statsmodels_multipletests():
    p = [0.01, 0.04, 0.03, 0.005, 0.20, 0.5]
    expected = multipletests(p, method="holm")[1]
    assert stats.holm(p) == pytest.approx(expected, abs=TOLERANCE)


def test_within_units_separates_units_that_got_better_from_better_units():
    # given units whose levels are opposed (pooled: strongly negative) but whose changes go together
    unit, x, y = _panel(13, units=10, periods=8)
    pooled = stats.correlate(x, y, units=unit)
    within = stats.correlate_within_units(x, y, unit)
    assert pooled.pearson_r < -0.5
    assert within.pearson_r > 0.2


def test_units_with_a_single_pair_are_left_out_of_the_within_unit_test():
    unit, x, y = _panel(14, units=5, periods=4)
    unit = np.append(unit, 99)
    x, y = np.append(x, 1000.0), np.append(y, -1000.0)
    result = stats.correlate_within_units(x, y, unit)
    assert (result.n, result.units) == (20, 5)


def test_the_regression_band_is_least_squares_with_a_band_clustered_by_unit():
    unit, x, y = _panel(15, units=10, periods=4)
    band = stats.regression_band(x, y, units=unit, steps=5)
    fit = _clustered_fit(sm.add_constant(x), y, unit)
    assert (band.intercept, band.slope) == pytest.approx(tuple(fit.params), abs=STATSMODELS_TOLERANCE)
    # the band is the mean's interval from statsmodels' clustered covariance, with Student's t on
    # units − 1 degrees of freedom (the reference of its clustered p-values)
    grid = sm.add_constant(band.xs)
    spread = np.sqrt(np.einsum("ij,jk,ik->i", grid, fit.cov_params(), grid))
    half = sps.t.ppf(0.975, fit.df_resid_inference) * spread
    assert fit.df_resid_inference == 9
    assert band.fitted == pytest.approx(grid @ fit.params, abs=STATSMODELS_TOLERANCE)
    assert band.low == pytest.approx(grid @ fit.params - half, abs=STATSMODELS_TOLERANCE)
    assert band.high == pytest.approx(grid @ fit.params + half, abs=STATSMODELS_TOLERANCE)
    assert stats.regression_band([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]) is None


def test_the_between_reading_weighted_by_respondents_equals_statsmodels_wls_with_hc3():
    import statsmodels.api as sm
    from statsmodels.stats.weightstats import DescrStatsW

    rng = np.random.default_rng(31)
    units, periods = 15, 5
    sizes = rng.integers(3, 300, size=units).astype(float)
    x = rng.normal(0, 1, size=(units, 1)) + rng.normal(0, 0.5, size=(units, periods))
    y = 0.4 * x + rng.normal(0, 1, size=(units, periods)) / np.sqrt(sizes)[:, None]
    labels = np.repeat(np.arange(units), periods)
    # each period's respondents vary; the unit's weight is their sum over its pairs
    respondents = np.repeat(sizes, periods) + rng.integers(0, 3, size=units * periods)
    reading = stats.correlate_between_units_weighted(x.ravel(), y.ravel(), units=labels, weights=respondents)

    weights = np.bincount(labels, weights=respondents)
    x_means, y_means = x.mean(axis=1), y.mean(axis=1)
    fit = sm.WLS(y_means, sm.add_constant(x_means), weights=weights).fit(cov_type="HC3", use_t=True)
    assert reading.p == pytest.approx(fit.pvalues[1], abs=1e-9)
    described = DescrStatsW(np.column_stack([x_means, y_means]), weights=weights)
    assert reading.r == pytest.approx(described.corrcoef[0, 1], abs=1e-9)
    assert reading.effective_units == pytest.approx(weights.sum() ** 2 / (weights**2).sum(), abs=1e-9)
    assert reading.units == units


def test_the_weighted_between_reading_says_why_when_it_cannot_run():
    few = stats.correlate_between_units_weighted([1, 2, 3, 4], [2, 1, 4, 3], units=[1, 2, 3, 4], weights=[5, 5, 5, 5])
    assert (few.r, few.reason) == (None, stats.FEW_UNITS)
    flat = stats.correlate_between_units_weighted(
        np.arange(10.0), np.ones(10), units=np.arange(10), weights=np.full(10, 4.0)
    )
    assert (flat.r, flat.reason) == (None, stats.CONSTANT)


@pytest.mark.parametrize("seed", range(6))
def test_ranks_and_the_two_coefficients_are_scipys_with_ties(seed):
    rng = np.random.default_rng(seed)
    # Likert-like values tie often; a few continuous ones do not
    x = rng.integers(1, 6, size=40).astype(float) if seed % 2 else rng.normal(size=40)
    y = 0.5 * x + rng.integers(0, 3, size=40)
    assert stats.ranks(x) == pytest.approx(sps.rankdata(x), abs=0)
    assert stats.spearman_rho(x, y) == pytest.approx(sps.spearmanr(x, y).statistic, abs=TOLERANCE)
    assert stats.pearson_r(x, y) == pytest.approx(sps.pearsonr(x, y).statistic, abs=TOLERANCE)
    assert stats.pearson_r(x, 3 * x + 1) == pytest.approx(1.0, abs=TOLERANCE)
