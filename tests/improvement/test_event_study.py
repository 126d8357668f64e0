"""The event study of an action: effects by month relative to acting, each equal to clustered
OLS on its own two-by-two comparisons, a planted pre-trend flagged, and none flagged in most
panels without one."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf

from improvement import effects
from tests.improvement.test_effects import simulate


def event_two_by_two(panel, first, g, t) -> pd.DataFrame:
    """Units acting in g against those not acting by max(t, g) (nor ever), months g − 1 and t."""
    change = panel[:, t] - panel[:, g - 1]
    treated = (first == g) & np.isfinite(change)
    controls = ((first < 0) | (first > max(t, g))) & np.isfinite(change)
    rows = []
    for unit in np.flatnonzero(treated | controls):
        for period, post in ((g - 1, 0), (t, 1)):
            rows.append({"unit": unit, "y": panel[unit, period], "treated": int(treated[unit]), "post": post})
    return pd.DataFrame(rows)


def clustered_fit(frame):
    return smf.ols("y ~ treated * post", data=frame).fit(
        cov_type="cluster", cov_kwds={"groups": frame["unit"], "use_correction": False}
    )


def test_with_one_cohort_each_event_time_is_statsmodels_clustered_difference_in_differences():
    # given one group acting in month 5, the rest never, one month missing
    panel, first = simulate(np.random.default_rng(3), units=36, periods=9, effect=2.0, cohorts=(5,), share_treated=0.5)
    panel[4, 2] = np.nan
    # when
    study = effects.event_study(panel, first, window=3)
    # then
    assert [time.relative for time in study.times] == [-3, -2, -1, 0, 1, 2, 3]
    for time in study.times:
        if time.reference:
            assert (time.att, time.se) == (0.0, 0.0)
            continue
        frame = event_two_by_two(panel, first, 5, 5 + time.relative)
        fit = clustered_fit(frame)
        groups = frame["unit"].nunique()
        assert time.att == pytest.approx(fit.params["treated:post"], abs=1e-6)
        assert time.se**2 * (groups - 1) / groups == pytest.approx(
            fit.cov_params().loc["treated:post", "treated:post"], abs=1e-6
        )
        assert time.units == groups


def test_with_staggered_cohorts_each_event_time_averages_the_two_by_two_estimates_by_acting_units():
    panel, first = simulate(np.random.default_rng(5), units=40, periods=10, effect=3.0)
    study = effects.event_study(panel, first, window=3)
    for time in study.times:
        if time.reference:
            continue
        estimates, weights = [], []
        for g in sorted(set(first[first >= 1])):
            t = g + time.relative
            if not 0 <= t < panel.shape[1]:
                continue
            frame = event_two_by_two(panel, first, g, t)
            if frame.empty or frame.treated.nunique() < 2:
                continue
            estimates.append(smf.ols("y ~ treated * post", data=frame).fit().params["treated:post"])
            weights.append(frame[frame.post == 0].treated.sum())
        assert time.att == pytest.approx(np.average(estimates, weights=weights), abs=1e-6)
    # and after acting the planted effect shows
    assert np.mean([time.att for time in study.times if time.relative >= 0]) == pytest.approx(3.0, abs=1.5)


def test_the_joint_pre_trend_test_equals_its_formula():
    panel, first = simulate(np.random.default_rng(8), units=40, periods=10)
    study = effects.event_study(panel, first, window=3)
    pre = [time for time in study.times if time.relative <= -2]
    assert study.pre_df[0] == len(pre) == 2
    # with one pre-period the F statistic is the square of its t statistic
    single = effects.event_study(panel, first, window=2)
    (only,) = [time for time in single.times if time.relative <= -2]
    assert single.pre_f == pytest.approx((only.att / only.se) ** 2, rel=1e-9)
    assert single.pre_p_value == pytest.approx(only.p_value, rel=1e-9)


def diverging_panel(rng, slope: float):
    """Acting units drift away from the others by `slope` points a month all along."""
    panel, first = simulate(rng, units=40, periods=10)
    acting = first >= 0
    panel[acting] += slope * np.arange(10)[None, :]
    return panel, first


def test_a_planted_pre_trend_is_flagged():
    flagged = [effects.event_study(*diverging_panel(np.random.default_rng(seed), 4.0)).diverging for seed in range(30)]
    assert np.mean(flagged) >= 0.9


def test_without_a_pre_trend_most_panels_are_not_flagged():
    flagged = [
        effects.event_study(*simulate(np.random.default_rng(500 + seed), effect=4.0)).diverging for seed in range(200)
    ]
    assert np.mean(flagged) <= 0.1


def test_with_one_cohort_the_joint_pre_trend_test_is_statsmodels_clustered_wald_test():
    # given one group acting in month 5 against units that never act, months 2..4
    panel, first = simulate(np.random.default_rng(12), units=30, periods=9, cohorts=(5,), share_treated=0.5)
    study = effects.event_study(panel, first, window=3)
    rows = [
        {"unit": unit, "y": panel[unit, month], "treated": int(first[unit] == 5), "month": f"m{month}"}
        for unit in range(30)
        for month in (4, 2, 3)
    ]
    frame = pd.DataFrame(rows)
    fit = smf.ols("y ~ treated * C(month, Treatment('m4'))", data=frame).fit(
        cov_type="cluster", cov_kwds={"groups": frame["unit"], "use_correction": False}
    )
    names = [f"treated:C(month, Treatment('m4'))[T.m{month}]" for month in (2, 3)]
    estimates = fit.params[names].to_numpy()
    covariance = fit.cov_params().loc[names, names].to_numpy() * 30 / 29
    # then: the pre-period effects and their joint F equal statsmodels'
    pre = [time.att for time in study.times if time.relative <= -2]
    assert pre == pytest.approx(list(estimates), abs=1e-6)
    assert study.pre_f == pytest.approx(estimates @ np.linalg.inv(covariance) @ estimates / 2, abs=1e-6)
    assert study.pre_df == (2, 29)
