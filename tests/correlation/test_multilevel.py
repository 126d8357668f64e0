"""The multilevel model (`correlation.multilevel`): its estimates equal statsmodels' and
linearmodels' on the same data to 1e-6, its inference is clustered by unit, and it says in a
reason, never in a NaN, when it cannot run."""

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from linearmodels import PanelOLS
from scipy import stats as sps
from statsmodels.regression.mixed_linear_model import MixedLM, MixedLMParams

from correlation import multilevel, stats


def _panel(seed=7, units=24, periods=10, missing=0.0, within=0.3, between=0.5):
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(units), periods)
    time = np.tile(np.arange(periods), units)
    keep = rng.random(unit.size) >= missing
    unit, time = unit[keep], time[keep]
    level = rng.normal(size=units)
    x = 1.5 * level[unit] + rng.normal(size=unit.size) + 0.2 * time
    shock = rng.normal(size=periods)
    y = between * level[unit] + 2 * rng.normal(size=units)[unit] + within * x + shock[time] + rng.normal(size=unit.size)
    return x, y, unit, time


def test_the_fixed_effects_are_mixedlm_s_and_the_covariance_is_the_jackknife_over_units():
    # given an unbalanced panel (a fifth of the unit-periods missing)
    x, y, unit, time = _panel(missing=0.2)
    model = multilevel.fit(x, y, unit, time)
    columns = multilevel.design(x, unit, time)
    # then the coefficients and variance components are statsmodels' REML mixed model's
    reference = MixedLM(y, columns, groups=unit).fit(reml=True)
    assert reference.converged
    assert model.params == pytest.approx(np.asarray(reference.fe_params), abs=1e-6)
    # (statsmodels' optimiser stops within its tolerance of the maximum: ours is as high or higher)
    assert model.unit_variance == pytest.approx(float(np.asarray(reference.cov_re)[0, 0]), rel=1e-3)
    assert _restricted_loglike(unit, columns, y, model) >= reference.llf - 1e-9
    # and GLS on the quasi-demeaned rows gives them again; the covariance is the delete-one-unit
    # jackknife of statsmodels' OLS refitted without each unit in turn
    _labels, inverse, counts = np.unique(unit, return_inverse=True, return_counts=True)
    theta = 1 - np.sqrt(model.residual_variance / (model.residual_variance + counts * model.unit_variance))
    rows = multilevel.quasi_demeaned(inverse, counts, theta, np.column_stack([y, columns]))
    assert sm.OLS(rows[:, 0], rows[:, 1:]).fit().params == pytest.approx(model.params, abs=1e-6)
    leave_one_out = np.array([sm.OLS(rows[unit != g, 0], rows[unit != g, 1:]).fit().params for g in _labels])
    centred = leave_one_out - leave_one_out.mean(axis=0)
    jackknife = (len(_labels) - 1) / len(_labels) * centred.T @ centred
    assert model.fit.cov == pytest.approx(jackknife, abs=1e-6)
    assert model.fit.df == len(_labels) - 1
    se = np.sqrt(jackknife[1, 1])
    assert model.fit.p_value(1) == pytest.approx(2 * sps.t.sf(abs(model.params[1]) / se, len(_labels) - 1), abs=1e-6)


def _restricted_loglike(unit, columns, y, model) -> float:
    """statsmodels' restricted log-likelihood at the variance ratio the model chose."""
    reference = MixedLM(y, columns, groups=unit)
    reference.fit(reml=True)  # sets up the REML bookkeeping the likelihood reads
    ratio = model.unit_variance / model.residual_variance
    components = MixedLMParams.from_components(fe_params=model.params, cov_re=np.array([[ratio]]))
    return float(reference.loglike(components, profile_fe=True))


def test_the_restricted_likelihood_is_statsmodels_up_to_a_constant():
    x, y, unit, time = _panel(missing=0.3, seed=9)
    columns = multilevel.design(x, unit, time)
    reference = MixedLM(y, columns, groups=unit)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference.fit(reml=True)
    _labels, inverse, counts = np.unique(unit, return_inverse=True, return_counts=True)
    rows = np.column_stack([y, columns])
    differences = [
        float(reference.loglike(MixedLMParams.from_components(np.zeros(columns.shape[1]), np.array([[r]])), True))
        + 0.5 * multilevel._reml_criterion(np.log(r), inverse, counts, rows)[0]
        for r in (1e-6, 0.01, 0.3, 2.0, 40.0)
    ]
    assert np.ptp(differences) < 1e-6


@pytest.mark.parametrize("noise", [1e-2, 1e-4, 1e-5])
def test_the_likelihood_from_cross_products_is_the_one_from_the_residuals_even_near_a_perfect_fit(noise):
    # given a panel where y is x to within `noise`
    x, _y, unit, time = _panel(missing=0.1, seed=4)
    y = 0.5 * x + noise * np.random.default_rng(5).normal(size=x.size)
    columns = multilevel.design(x, unit, time)
    _labels, inverse, counts = np.unique(unit, return_inverse=True, return_counts=True)
    rows = np.column_stack([y, columns])
    for ratio in (1e-6, 0.3, 5.0):
        # when the criterion is computed as the fit does, and directly from the quasi-demeaned rows
        criterion, params = multilevel._reml_criterion(np.log(ratio), inverse, counts, rows)
        theta = 1 - 1 / np.sqrt(1 + counts * ratio)
        transformed = multilevel.quasi_demeaned(inverse, counts, theta, rows)
        gram = transformed[:, 1:].T @ transformed[:, 1:]
        direct = np.linalg.solve(gram, transformed[:, 1:].T @ transformed[:, 0])
        rss = float(np.sum((transformed[:, 0] - transformed[:, 1:] @ direct) ** 2))
        n, p = transformed[:, 1:].shape
        expected = (n - p) * np.log(rss) + np.sum(np.log1p(counts * ratio)) + np.linalg.slogdet(gram)[1]
        # then they agree
        assert params == pytest.approx(direct, abs=1e-9)
        assert criterion == pytest.approx(expected, abs=1e-6)


def test_without_unit_effects_the_maximum_is_on_the_boundary_where_mixedlm_stops_short_of_it():
    # given series with no unit effect at all
    rng = np.random.default_rng(0)
    unit, time = np.repeat(np.arange(30), 12), np.tile(np.arange(12), 30)
    x, y = rng.normal(size=unit.size), rng.normal(size=unit.size)
    columns = multilevel.design(x, unit, time)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = MixedLM(y, columns, groups=unit).fit(reml=True)
    # statsmodels' optimiser stops inside (σ²_u > 0) ...
    assert float(np.asarray(reference.cov_re)[0, 0]) > 0
    # ... where the model finds the maximum on the boundary: no unit variance, and so the
    # coefficients of least squares
    model = multilevel.fit(x, y, unit, time)
    assert model.unit_variance == 0
    assert model.params == pytest.approx(sm.OLS(y, columns).fit().params, abs=1e-9)
    # and statsmodels' own restricted likelihood agrees that this is higher
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert _restricted_loglike(unit, columns, y, model) > reference.llf


def test_on_a_balanced_panel_the_within_effect_is_the_two_way_fixed_effects_estimate():
    # Mundlak (1978): with the unit means as a regressor, the random-intercept model's within
    # coefficient is the fixed-effects one (units and periods), whatever the variance components
    x, y, unit, time = _panel(seed=11)
    model = multilevel.fit(x, y, unit, time)
    frame = pd.DataFrame({"unit": unit, "time": time, "x": x, "y": y}).set_index(["unit", "time"])
    fixed = PanelOLS(frame["y"], frame[["x"]], entity_effects=True, time_effects=True).fit()
    assert model.params[1] == pytest.approx(float(fixed.params["x"]), abs=1e-6)


def test_the_effects_are_standardised_and_find_what_was_planted():
    # given a positive within-unit effect and an opposite between-unit one
    x, y, unit, time = _panel(seed=5, units=40, periods=12, within=0.6, between=-4.0)
    within, between = multilevel.within_and_between(x, y, unit, times=time)
    assert within.coefficient > 0 and within.pearson_p < 0.001 and within.ci_low > 0
    assert between.coefficient < 0 and between.ci_high < 0
    assert within.pearson_r is None and within.units == 40 and within.n == x.size
    # the standardised within effect reads on the scale of the within-unit correlation
    plain = stats.correlate_within_units(x, y, unit, times=time)
    assert abs(within.coefficient - plain.pearson_r) < 0.15


def test_an_instrument_change_is_taken_out_of_the_within_effect():
    # given units whose internal series switches from an imported score to pulse results halfway,
    # the switch raising the internal figure and (by coincidence) the external one too
    rng = np.random.default_rng(3)
    units, periods = 20, 12
    unit = np.repeat(np.arange(units), periods)
    time = np.tile(np.arange(periods), units)
    imported = (time < 6) & (unit % 2 == 0)
    x = rng.normal(size=unit.size) - 3.0 * imported
    y = rng.normal(size=units)[unit] + rng.normal(size=unit.size) - 3.0 * imported
    with_flag, _ = multilevel.within_and_between(x, y, unit, times=time, imported=imported)
    without_flag, _ = multilevel.within_and_between(x, y, unit, times=time)
    # without the indicator the switch passes for a strong within-unit relationship
    assert without_flag.pearson_p < 0.001
    assert with_flag.pearson_p > 0.01


@pytest.mark.parametrize(
    ("units", "within_reason", "between_reason"),
    [(4, stats.FEW_UNITS, stats.FEW_UNITS), (6, "", stats.FEW_UNITS), (9, "", "")],
)
def test_each_effect_keeps_its_own_floor_in_units(units, within_reason, between_reason):
    x, y, unit, time = _panel(units=units, periods=6)
    within, between = multilevel.within_and_between(x, y, unit, times=time)
    assert (within.reason, between.reason) == (within_reason, between_reason)
    assert within.insufficient_data == bool(within_reason)
    assert (between.coefficient is None) == bool(between_reason)


def test_bad_input_says_why_in_a_reason_never_a_nan():
    x, y, unit, time = _panel(units=10, periods=6)
    # a constant series
    constant = multilevel.within_and_between(np.full(x.size, 3.0), y, unit, times=time)
    assert [r.reason for r in constant] == [stats.CONSTANT, stats.CONSTANT]
    # an external series that moves only with the periods: its within-unit part is the periods
    # and x is the periods too, so the periods and x cannot be told apart
    lockstep = multilevel.within_and_between(time.astype(float) + unit, y, unit, times=time)
    assert [r.reason for r in lockstep] == [stats.SINGULAR, stats.SINGULAR]
    # an external series that differs only between units: nothing moves within them
    levels = multilevel.within_and_between(x, np.random.default_rng(0).normal(size=10)[unit], unit, times=time)
    assert [r.reason for r in levels] == [stats.CONSTANT, stats.CONSTANT]
    # one series an exact function of the other: the likelihood has no maximum
    wild = multilevel.within_and_between(x, 2 * x + 1, unit, times=time)
    assert [r.reason for r in wild] == [multilevel.NOT_CONVERGED, multilevel.NOT_CONVERGED]
    assert all(r.coefficient is None and r.pearson_p is None for r in (*constant, *lockstep, *levels, *wild))
    # missing values are left out, not counted
    holes = x.copy()
    holes[::7] = np.nan
    within, _between = multilevel.within_and_between(holes, y, unit, times=time)
    assert within.n == int(np.isfinite(holes).sum())
    assert np.isfinite(within.coefficient) and np.isfinite(within.pearson_p)
