"""The report's statistics equal scipy's on the same arrays (to 1e-9) and match published
hand-checks."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from correlation import stats

TOLERANCE = 1e-9


def _correlated(seed: int, n: int, rho: float = 0.4):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = rho * x + math.sqrt(1 - rho**2) * rng.normal(size=n)
    return x, y


@pytest.mark.parametrize(("seed", "n"), [(1, 10), (2, 25), (3, 200), (4, 1000)])
def test_pearson_r_p_and_interval_equal_scipys(seed, n):
    x, y = _correlated(seed, n)
    result = stats.correlate(x, y)
    expected = sps.pearsonr(x, y)
    interval = expected.confidence_interval(confidence_level=0.95)
    assert result.n == n
    assert result.pearson_r == pytest.approx(expected.statistic, abs=TOLERANCE)
    assert result.pearson_p == pytest.approx(expected.pvalue, abs=TOLERANCE)
    assert result.ci_low == pytest.approx(interval.low, abs=TOLERANCE)
    assert result.ci_high == pytest.approx(interval.high, abs=TOLERANCE)


@pytest.mark.parametrize(("seed", "n"), [(5, 12), (6, 80)])
def test_spearman_rho_and_p_equal_scipys(seed, n):
    x, y = _correlated(seed, n)
    result = stats.correlate(x, y)
    expected = sps.spearmanr(x, y)
    assert result.spearman_rho == pytest.approx(expected.statistic, abs=TOLERANCE)
    assert result.spearman_p == pytest.approx(expected.pvalue, abs=TOLERANCE)


def test_spearman_matches_the_published_hand_check():
    # Five pairs are below the report's minimum, so the check is on scipy's call the report makes.
    result = sps.spearmanr([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])
    assert result.statistic == pytest.approx(0.8207826816681233, abs=TOLERANCE)
    assert result.pvalue == pytest.approx(0.08858700531354384, abs=TOLERANCE)
    # and the same arrays twice over give the report's own Spearman ρ (ties and all)
    doubled = stats.correlate([1, 2, 3, 4, 5] * 2, [5, 6, 7, 8, 7] * 2)
    assert doubled.spearman_rho == pytest.approx(0.8207826816681233, abs=TOLERANCE)


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
    result = stats.correlate(x, y)
    assert result.insufficient_data
    assert result.n == 9
    assert (result.pearson_r, result.pearson_p, result.ci_low, result.spearman_rho) == (None, None, None, None)


def test_ten_pairs_are_enough():
    x, y = _correlated(8, 10)
    assert not stats.correlate(x, y).insufficient_data


def test_pairs_with_a_missing_value_are_dropped():
    x, y = _correlated(9, 30)
    x_gappy = x.copy()
    x_gappy[[2, 5, 11]] = np.nan
    result = stats.correlate(x_gappy, y)
    keep = np.isfinite(x_gappy)
    assert result.n == 27
    assert result.pearson_r == pytest.approx(sps.pearsonr(x[keep], y[keep]).statistic, abs=TOLERANCE)


def test_a_constant_series_has_no_correlation():
    result = stats.correlate(np.full(20, 70.0), np.arange(20.0))
    assert result.insufficient_data
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


def test_the_within_unit_p_is_the_slope_test_of_a_regression_with_unit_intercepts():
    # Frisch–Waugh–Lovell: the within-unit correlation's t-test is the slope's t-test in
    # y = b·x + one intercept per unit, with n − k − 1 degrees of freedom.
    unit, x, y = _panel(12, units=7, periods=5)
    design = np.column_stack([x, (unit[:, None] == np.arange(7)).astype(float)])
    coefficients, residuals, _rank, _sv = np.linalg.lstsq(design, y, rcond=None)
    df = x.size - 7 - 1
    sigma2 = residuals[0] / df
    standard_error = math.sqrt(sigma2 * np.linalg.inv(design.T @ design)[0, 0])
    expected_p = 2 * sps.t.sf(abs(coefficients[0] / standard_error), df)
    result = stats.correlate_within_units(x, y, unit)
    assert result.pearson_p == pytest.approx(expected_p, abs=TOLERANCE)
    low, high = stats.fisher_interval(result.pearson_r, df + 2)
    assert (result.ci_low, result.ci_high) == pytest.approx((low, high), abs=TOLERANCE)


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


def test_the_regression_band_is_least_squares_with_a_t_band_around_the_mean():
    x, y = _correlated(15, 30)
    band = stats.regression_band(x, y, steps=5)
    slope, intercept = np.polyfit(x, y, 1)
    assert (band.slope, band.intercept) == pytest.approx((slope, intercept), abs=TOLERANCE)
    assert band.fitted == pytest.approx(intercept + slope * band.xs, abs=TOLERANCE)
    assert np.all(band.low < band.fitted) and np.all(band.fitted < band.high)
    # the half-width is t(.975, n − 2) · s · √(1/n + (x − x̄)² / Sxx): narrowest at the mean of x
    residual_sd = math.sqrt(np.sum((y - intercept - slope * x) ** 2) / 28)
    sxx = np.sum((x - x.mean()) ** 2)
    half = sps.t.ppf(0.975, 28) * residual_sd * np.sqrt(1 / 30 + (band.xs - x.mean()) ** 2 / sxx)
    assert band.high - band.fitted == pytest.approx(half, abs=TOLERANCE)
    assert stats.regression_band([1.0, 1.0, 1.0], [1.0, 2.0, 3.0]) is None
