"""Did the action work: the staggered difference in differences (not-yet-treated comparison)
against statsmodels' clustered OLS, a planted effect recovered, and about 5% false alarms."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats

from improvement import effects


def simulate(rng, *, units=40, periods=10, effect=0.0, cohorts=(4, 6, 8), share_treated=0.6):
    """Unit and period effects, noise, and an action effect from the period a unit acts in."""
    unit_level = rng.normal(60, 8, size=(units, 1))
    period_level = rng.normal(0, 3, size=(1, periods))
    panel = unit_level + period_level + rng.normal(0, 4, size=(units, periods))
    first = np.full(units, -1)
    treated = rng.permutation(units)[: int(units * share_treated)]
    first[treated] = rng.choice(cohorts, size=len(treated))
    after = (first[:, None] >= 0) & (np.arange(periods)[None, :] >= first[:, None])
    return panel + effect * after, first


def two_by_two(panel, first, g, t):
    change = panel[:, t] - panel[:, g - 1]
    treated = (first == g) & np.isfinite(change)
    controls = ((first > t) | (first < 0)) & np.isfinite(change)
    rows = []
    for unit in np.flatnonzero(treated | controls):
        for period, post in ((g - 1, 0), (t, 1)):
            rows.append({"unit": unit, "y": panel[unit, period], "treated": int(treated[unit]), "post": post})
    return pd.DataFrame(rows)


def test_each_group_time_effect_equals_the_clustered_ols_difference_in_differences():
    # given staggered actions
    panel, first = simulate(np.random.default_rng(1), effect=3.0)
    panel[5, 3] = np.nan  # a unit not measured once
    # when
    result = effects.staggered_did(panel, first)
    # then every ATT(g, t) is the interaction of OLS on its own two periods and units
    assert len(result.cells) > 5
    for cell in result.cells:
        frame = two_by_two(panel, first, cell.group, cell.period)
        fit = smf.ols("y ~ treated * post", data=frame).fit()
        assert cell.att == pytest.approx(fit.params["treated:post"], abs=1e-6)
        assert (cell.treated, cell.controls) == (
            frame[frame.post == 0].treated.sum(),
            (frame[frame.post == 0].treated == 0).sum(),
        )
    weights = np.array([cell.treated for cell in result.cells], dtype=float)
    assert result.att == pytest.approx(np.average([cell.att for cell in result.cells], weights=weights), abs=1e-9)


def test_with_one_cohort_and_two_periods_the_standard_error_is_statsmodels_clustered_one():
    # given one group acting in period 1, the rest never
    rng = np.random.default_rng(4)
    panel, first = simulate(rng, units=30, periods=2, effect=2.0, cohorts=(1,), share_treated=0.5)
    # when
    result = effects.staggered_did(panel, first)
    # then
    frame = two_by_two(panel, first, 1, 1)
    raw = smf.ols("y ~ treated * post", data=frame).fit(
        cov_type="cluster", cov_kwds={"groups": frame["unit"], "use_correction": False}
    )
    groups = frame["unit"].nunique()
    assert result.att == pytest.approx(raw.params["treated:post"], abs=1e-6)
    assert result.se**2 * (groups - 1) / groups == pytest.approx(
        raw.cov_params().loc["treated:post", "treated:post"], abs=1e-6
    )
    critical = stats.t.ppf(0.975, groups - 1)
    assert result.high - result.low == pytest.approx(2 * critical * result.se)


def test_a_planted_effect_is_recovered_with_an_interval_that_holds_it():
    hits, significant = 0, 0
    for seed in range(50):
        panel, first = simulate(np.random.default_rng(seed), effect=5.0)
        result = effects.staggered_did(panel, first)
        hits += result.low <= 5.0 <= result.high
        significant += result.p_value < 0.05 and result.att > 0
    assert hits >= 44  # 95% intervals: 47.5 expected of 50
    assert significant >= 45


def test_with_no_effect_about_five_percent_of_panels_show_one():
    # 400 panels: binomial standard error at 5% is 1.1 points
    rejections = [
        effects.staggered_did(*simulate(np.random.default_rng(1000 + seed))).p_value < 0.05 for seed in range(400)
    ]
    assert 0.02 <= np.mean(rejections) <= 0.085


def test_the_two_way_fixed_effects_shortcut_would_be_biased_where_effects_grow_and_this_is_not():
    # given effects that grow with time since acting (the case where TWFE goes wrong)
    rng = np.random.default_rng(9)
    panel, first = simulate(rng, units=60, periods=10, effect=0.0, share_treated=0.8)
    since = np.where(first[:, None] >= 0, np.arange(10)[None, :] - first[:, None], -1)
    panel = panel + np.where(since >= 0, 2.0 * (since + 1), 0.0)
    result = effects.staggered_did(panel, first)
    truth = np.mean([2.0 * (cell.period - cell.group + 1) for cell in result.cells for _unit in range(cell.treated)])
    assert result.low <= truth <= result.high


@pytest.mark.parametrize(
    ("first", "code"),
    [
        (np.array([-1] * 9 + [4]), "too_few_treated"),
        (np.array([4] * 9 + [-1]), "too_few_controls"),
    ],
)
def test_when_the_data_cannot_tell_it_says_so(first, code):
    panel = np.random.default_rng(2).normal(size=(10, 8))
    with pytest.raises(effects.NotEstimable) as raised:
        effects.staggered_did(panel, first)
    assert raised.value.code == code


def test_constant_scores_cannot_tell():
    with pytest.raises(effects.NotEstimable) as raised:
        effects.staggered_did(np.full((10, 6), 70.0), np.array([3, 3, 3, 4, 4, -1, -1, -1, -1, -1]))
    assert raised.value.code == "no_variation"


def test_the_interrupted_series_equals_welchs_test():
    before, after = np.array([61.0, 63.0, 60.0, 62.0]), np.array([66.0, 65.0, 68.0])
    result = effects.interrupted_series(before, after)
    expected = stats.ttest_ind(after, before, equal_var=False)
    assert result.p_value == pytest.approx(expected.pvalue, abs=1e-12)
    assert result.change == pytest.approx(after.mean() - before.mean())
    with pytest.raises(effects.NotEstimable):
        effects.interrupted_series(before[:1], after)
