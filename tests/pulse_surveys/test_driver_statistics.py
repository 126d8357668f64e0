"""Driver impact (Shapley decomposition of R²) and agreement within units, checked against
statsmodels and scipy on the same data."""

from itertools import combinations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from statsmodels.stats.anova import anova_lm

from pulse_surveys import drivers


def planted(n: int = 400, p: int = 5, seed: int = 7, effects=None):
    """Correlated drivers (as survey drivers are) with known effects on the outcome."""
    rng = np.random.default_rng(seed)
    common = rng.normal(size=(n, 1))
    x = 0.5 * common + rng.normal(size=(n, p))
    effects = np.array(effects if effects is not None else [1.2, 0.8, 0.5, 0.25, 0.0][:p])
    y = x @ effects + rng.normal(scale=1.5, size=n)
    return x, y, effects


def ols_r2(x: np.ndarray, y: np.ndarray, columns: tuple) -> float:
    if not columns:
        return 0.0
    return sm.OLS(y, sm.add_constant(x[:, list(columns)])).fit().rsquared


def test_every_subsets_r2_equals_statsmodels_ols():
    # given
    x, y, _effects = planted()
    data = np.column_stack([x, y])
    # when
    r2 = drivers.subset_r2(np.cov(data, rowvar=False)[None])[0]
    # then
    p = x.shape[1]
    for size in range(p + 1):
        for columns in combinations(range(p), size):
            mask = sum(1 << j for j in columns)
            assert r2[mask] == pytest.approx(ols_r2(x, y, columns), abs=1e-6)


@pytest.mark.filterwarnings("ignore:The design matrix is rank-deficient")
@pytest.mark.parametrize("broken", ["constant", "copy"])
def test_a_driver_with_nothing_left_to_explain_adds_nothing_as_statsmodels_pinv_has_it(broken):
    # given: in one resample a driver is constant, or a copy of another (as a small resample can draw)
    x, y, _effects = planted(n=60, p=4)
    x = x.copy()
    x[:, 2] = 3.0 if broken == "constant" else x[:, 0]
    healthy = planted(n=60, p=4, seed=5)
    covs = np.stack([np.cov(np.column_stack(data), rowvar=False, bias=True) for data in ((x, y), healthy[:2])])
    # when
    r2 = drivers.subset_r2(covs)
    # then: every subset's R² is statsmodels' (whose OLS solves by pseudo-inverse), in both resamples
    for index, (xs, ys) in enumerate(((x, y), healthy[:2])):
        for size in range(1, 5):
            for columns in combinations(range(4), size):
                mask = sum(1 << j for j in columns)
                assert r2[index, mask] == pytest.approx(ols_r2(xs, ys, columns), abs=1e-6), (index, columns)


def test_shapley_values_equal_the_average_gain_over_every_order_from_statsmodels():
    # given
    x, y, _effects = planted(p=4)
    p = x.shape[1]
    # when
    total, importance = drivers.shapley_r2(x, y)
    # then: the textbook definition, each R² from statsmodels
    from itertools import permutations

    expected = np.zeros(p)
    orders = list(permutations(range(p)))
    for order in orders:
        for position, j in enumerate(order):
            before = tuple(sorted(order[:position]))
            expected[j] += ols_r2(x, y, tuple(sorted((*before, j)))) - ols_r2(x, y, before)
    expected /= len(orders)
    np.testing.assert_allclose(importance, expected, atol=1e-6)
    assert total == pytest.approx(ols_r2(x, y, tuple(range(p))), abs=1e-6)
    assert importance.sum() == pytest.approx(total, abs=1e-9)


def test_planted_importances_are_recovered_in_order_with_intervals_that_hold_them():
    # given drivers whose effects fall from first to last
    x, y, _effects = planted(n=600, p=5, effects=[1.2, 0.8, 0.5, 0.25, 0.0])
    # when
    result = drivers.driver_impact(x, y, draws=400)
    # then
    importances = [row.importance for row in result.drivers]
    assert importances == sorted(importances, reverse=True)
    for row in result.drivers:
        assert row.low <= row.importance <= row.high
        assert row.share_low <= row.share <= row.share_high
    assert result.drivers[0].above_average > 0.95
    assert result.drivers[-1].above_average < 0.05
    assert sum(row.share for row in result.drivers) == pytest.approx(1.0)
    assert result.r2_low <= result.r2 <= result.r2_high
    assert result.draws == 400


def test_the_bootstrap_resamples_respondents_as_a_loop_over_resamples_would():
    # given the same seed
    x, y, _effects = planted(n=80, p=3)
    draws = 30
    result = drivers.driver_impact(x, y, draws=draws, minimum=30)
    # when: each resample fitted on its own rows, drawn from the same stream
    rng = np.random.default_rng(drivers.BOOTSTRAP_SEED)
    values = []
    for start in range(0, draws, drivers.CHUNK):
        for rows in rng.integers(0, len(y), size=(min(drivers.CHUNK, draws - start), len(y))):
            values.append(drivers.shapley_r2(x[rows], y[rows])[1])
    low, high = np.percentile(np.array(values), [2.5, 97.5], axis=0)
    # then
    np.testing.assert_allclose([row.low for row in result.drivers], low, atol=1e-9)
    np.testing.assert_allclose([row.high for row in result.drivers], high, atol=1e-9)


def test_resamples_in_which_everyone_gave_the_same_outcome_are_not_counted():
    # given: 60 respondents, all but one recommending 7 (a resample without that one has no R²,
    # and its outcome's variance comes out as rounding, some of it above zero)
    x, _y, _effects = planted(n=60, p=3)
    y = np.full(60, 7.0)
    y[7] = 8.0
    draws = 200
    # when
    result = drivers.driver_impact(x, y, draws=draws)
    # then: the resamples counted are exactly those that drew respondent 7 (the same stream)
    rng = np.random.default_rng(drivers.BOOTSTRAP_SEED)
    drew = sum(
        int((drivers.resample_counts(rng, 60, min(drivers.CHUNK, draws - start))[:, 7] > 0).sum())
        for start in range(0, draws, drivers.CHUNK)
    )
    assert result.draws == drew < draws
    assert all(np.isfinite([row.share_low, row.share_high]).all() for row in result.drivers)


def test_the_same_data_give_the_same_intervals():
    x, y, _effects = planted(n=100, p=3)
    first = drivers.driver_impact(x, y, draws=50)
    second = drivers.driver_impact(x, y, draws=50)
    assert [row.low for row in first.drivers] == [row.low for row in second.drivers]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda x, y: (x[:10], y[:10]), "too_few_respondents"),
        (lambda x, y: (x, np.full_like(y, 7.0)), "constant_outcome"),
        (lambda x, y: (np.column_stack([x[:, :2], x[:, 0] * 2 + 1]), y), "singular_design"),
        (lambda x, y: (np.column_stack([x[:, :1], np.ones(len(y))]), y), "too_few_drivers"),
        (lambda x, y: (np.where(np.arange(len(y))[:, None] == 3, np.nan, x), y), "missing_values"),
        (lambda x, y: (np.tile(x, 3)[:, :13], y), "too_many_drivers"),
    ],
)
def test_bad_input_says_which_analysis_cannot_run(change, code):
    x, y, _effects = planted(n=100, p=5)
    if code == "too_many_drivers":
        x = np.random.default_rng(1).normal(size=(100, 13))
    else:
        x, y = change(x, y)
    with pytest.raises(drivers.NotEstimable) as raised:
        drivers.driver_impact(x, y, draws=20)
    assert raised.value.code == code


def test_a_driver_without_variance_is_left_out_and_the_rest_still_decomposed():
    x, y, _effects = planted(n=100, p=3)
    x = np.column_stack([x, np.full(len(y), 75.0)])
    result = drivers.driver_impact(x, y, draws=20)
    assert result.left_out == [3]
    assert len(result.drivers) == 3
    assert sum(row.importance for row in result.drivers) == pytest.approx(ols_r2(x, y, (0, 1, 2)), abs=1e-6)


# --- Agreement within units ---------------------------------------------------------------------


def units(seed: int = 3, icc: float = 0.3):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(4, 30, size=12)
    effects = rng.normal(scale=np.sqrt(icc), size=len(sizes))
    groups = np.repeat(np.arange(len(sizes)), sizes)
    values = 60 + 15 * (effects[groups] + rng.normal(scale=np.sqrt(1 - icc), size=len(groups)))
    return values, groups


def test_icc1_and_icc2_equal_the_anova_mean_squares_of_statsmodels():
    # given
    values, groups = units()
    frame = pd.DataFrame({"y": values, "unit": groups})
    table = anova_lm(smf.ols("y ~ C(unit)", data=frame).fit())
    msb, msw = table["mean_sq"].iloc[0], table["mean_sq"].iloc[1]
    sizes = np.bincount(groups)
    n, j = len(values), len(sizes)
    k0 = (n - (sizes**2).sum() / n) / (j - 1)
    # when
    agreement = drivers.one_way_anova(values, groups)
    # then
    assert agreement.ms_between == pytest.approx(msb, abs=1e-6)
    assert agreement.ms_within == pytest.approx(msw, abs=1e-6)
    assert agreement.icc1 == pytest.approx((msb - msw) / (msb + (k0 - 1) * msw), abs=1e-6)
    assert agreement.icc2 == pytest.approx((msb - msw) / msb, abs=1e-6)
    assert agreement.f == pytest.approx(table["F"].iloc[0], abs=1e-6)
    assert agreement.p_value == pytest.approx(table["PR(>F)"].iloc[0], abs=1e-9)


def test_icc1_recovers_a_planted_share_of_variance_between_units():
    big_values, big_groups = [], []
    for seed in range(20):  # 240 units, so that the estimate is close
        v, g = units(seed=seed, icc=0.4)
        big_values.append(v)
        big_groups.append(g + seed * 100)
    agreement = drivers.one_way_anova(np.concatenate(big_values), np.concatenate(big_groups))
    assert 0.3 < agreement.icc1 < 0.5


def test_rwg_j_equals_its_formula_on_numpy_variances_and_is_zero_beyond_the_uniform_null():
    rng = np.random.default_rng(5)
    items = rng.integers(3, 6, size=(12, 4)).astype(float)
    ratio = items.var(axis=0, ddof=1).mean() / 2.0  # (5² − 1) / 12
    expected = 4 * (1 - ratio) / (4 * (1 - ratio) + ratio)
    assert drivers.rwg_j(items) == pytest.approx(expected, abs=1e-12)
    split = np.array([[1, 1], [5, 5], [1, 1], [5, 5]], dtype=float)  # variance 5.33 > 2
    assert drivers.rwg_j(split) == 0.0
    assert drivers.rwg_j(np.full((5, 3), 4.0)) == 1.0


def test_shrinkage_pulls_a_small_unit_further_than_a_large_one():
    values, groups = units()
    agreement = drivers.one_way_anova(values, groups)
    small, small_weight = drivers.shrink(90.0, 3, agreement)
    large, large_weight = drivers.shrink(90.0, 300, agreement)
    assert small_weight < large_weight < 1
    assert agreement.grand_mean < small < large < 90.0
    expected = agreement.tau2 / (agreement.tau2 + agreement.ms_within / 3)
    assert small_weight == pytest.approx(expected)
    _noisy, noisy_weight = drivers.shrink(90.0, 3, agreement, extra_variance=25.0)
    assert noisy_weight < small_weight


@pytest.mark.parametrize(
    ("values", "groups", "code"),
    [
        ([1.0, 2.0, 3.0, 4.0], [1, 1, 2, 2], "too_few_units"),
        ([5.0] * 6, [1, 1, 2, 2, 3, 3], "constant_outcome"),
        ([1.0, 2.0, 3.0], [1, 2, 3], "one_per_unit"),
        ([1.0, 3.0, 1.0, 3.0, 1.0, 3.0], [1, 1, 2, 2, 3, 3], "no_between_variance"),
    ],
)
def test_agreement_on_bad_input_says_why_it_cannot_run(values, groups, code):
    with pytest.raises(drivers.NotEstimable) as raised:
        drivers.one_way_anova(np.array(values), np.array(groups))
    assert raised.value.code == code
