"""From monthly input rows (the shape the other apps' selectors return) to the report's tests."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import numpy as np
import pytest
from django.utils import translation
from scipy import stats as sps
from statsmodels.stats.multitest import multipletests

from core.periods import Period
from correlation import analysis, interpretation, series, stats
from correlation.inputs import Inputs
from correlation.models import Granularity
from tests.correlation.panels import panel
from tests.correlation.panels import series as series_of

JAN, FEB, MAR, APR = (dt.date(2025, month, 1) for month in (1, 2, 3, 4))


def _stored(inputs, granularity=Granularity.MONTH, source="skm", dimension=""):
    """The series of 2025 as a report stores it."""
    return series.aggregate(
        inputs,
        granularity=granularity,
        period_from=JAN,
        period_to=dt.date(2025, 12, 1),
        external_source=source,
        external_dimension=dimension,
    )


def _aggregate(inputs, granularity=Granularity.QUARTER, source="skm", dimension=""):
    """The series as a report stores it, spelled out as people read it."""
    return series.readable(_stored(inputs, granularity, source, dimension))


def test_a_quarter_is_the_respondent_weighted_mean_of_its_months():
    inputs = Inputs(
        internal=[
            {"department_id": 7, "period": JAN, "metric": "overall", "value": 60.0, "respondents": 10},
            {"department_id": 7, "period": FEB, "metric": "overall", "value": 90.0, "respondents": 30},
            {"department_id": 7, "period": APR, "metric": "overall", "value": 50.0, "respondents": 5},
        ]
    )
    aggregated = _aggregate(inputs)
    assert aggregated["periods"] == ["2025-01", "2025-04", "2025-07", "2025-10"]
    assert aggregated["metrics"]["internal:overall"] == [[7, "2025-01", 82.5], [7, "2025-04", 50.0]]


def test_historical_internal_scores_fill_months_without_a_pulse_result():
    inputs = Inputs(
        internal=[{"department_id": 7, "period": FEB, "metric": "overall", "value": 80.0, "respondents": 10}],
        internal_imports=[
            {"department_id": 7, "period": JAN, "metric": "overall", "value": 70.0, "respondents": 10},
            {"department_id": 7, "period": FEB, "metric": "overall", "value": 10.0, "respondents": 10},
        ],
    )
    aggregated = _aggregate(inputs, Granularity.MONTH)
    assert aggregated["metrics"]["internal:overall"] == [[7, "2025-01", 70.0], [7, "2025-02", 80.0]]
    # and the month that rests on the imported score is marked: another instrument
    assert aggregated["imported"] == [[7, "2025-01"]]


def test_a_series_that_changes_instrument_is_disclosed():
    # given units whose first two months come from imported historical scores, then pulses
    internal, external = panel(np.random.default_rng(32), units=10, periods=6)
    stored = series_of(internal, external)
    stored["imported"] = [[unit, period] for unit in (1, 2, 3) for period in stored["periods"][:2]]
    # when
    facts = analysis.disclosure(stored, external_source="skm", external_dimension="ikm", floors=analysis.Floors())
    # then
    assert (facts["imported_paired"], facts["units_changing_instrument"]) == (6, 3)
    with translation.override("en"):
        sentences = interpretation.disclosure_sentences(SimpleNamespace(disclosure=facts))
    assert any(
        sentence.startswith("6 of the headline's unit-periods rest on imported historical scores")
        and "in 3 units the series changes from one to the other" in sentence
        for sentence in sentences
    )


def test_external_scores_keep_each_dimension_and_the_headline_is_the_ikm_for_skm():
    inputs = Inputs(
        external=[
            {"department_id": 3, "period": JAN, "source": "skm", "dimension": "ikm", "value": 81.0, "respondents": 50},
            {
                "department_id": 3,
                "period": JAN,
                "source": "skm",
                "dimension": "courtesy",
                "value": 75.0,
                "respondents": 50,
            },
        ]
    )
    aggregated = _aggregate(inputs, Granularity.MONTH)
    assert set(aggregated["metrics"]) == {"external:skm:ikm", "external:skm:courtesy"}
    assert series.headline_external_metric("skm", "") == "external:skm:ikm"


def test_without_a_dimension_another_source_is_averaged_over_its_dimensions():
    inputs = Inputs(
        external=[
            {
                "department_id": 3,
                "period": JAN,
                "source": "csat",
                "dimension": "speed",
                "value": 60.0,
                "respondents": 10,
            },
            {
                "department_id": 3,
                "period": JAN,
                "source": "csat",
                "dimension": "staff",
                "value": 90.0,
                "respondents": 20,
            },
        ]
    )
    aggregated = _aggregate(inputs, Granularity.MONTH, source="csat")
    assert aggregated["metrics"]["external:csat:all"] == [[3, "2025-01", 80.0]]


def _running_means(rows, granularity):
    """The weighted means as a running sum over the rows, cell by cell (how they were first
    computed): the reference for the array version."""
    sums = {}
    for metric, department_id, month, value, weight in rows:
        cell = sums.setdefault((metric, department_id, granularity.bucket(month)), [0.0, 0.0])
        cell[0] += value * weight
        cell[1] += weight
    return {key: total / weight for key, (total, weight) in sums.items()}


def test_the_array_weighted_means_equal_a_running_sum_over_the_rows_exactly():
    # given rows of two metrics and three units, out of order, with values whose sums depend
    # on the order of addition in floating point
    rows = [
        ("internal:overall", 12, FEB, 0.1, 3.0),
        ("internal:driver:workload", 5, JAN, 61.7, 1.0),
        ("internal:overall", 5, MAR, 1e16, 1.0),
        ("internal:overall", 12, JAN, 0.2, 7.0),
        ("internal:overall", 5, JAN, 1.0, 1.0),
        ("internal:overall", 5, FEB, -1e16, 1.0),
        ("internal:overall", 12, APR, 55.5, 4.0),
        ("internal:driver:workload", 12, JAN, 70.3, 2.0),
        ("internal:overall", 12, MAR, 0.3, 11.0),
        ("internal:overall", 9, APR, 42.0, 1.0),
    ]
    buckets = Granularity.QUARTER.buckets(JAN, dt.date(2025, 12, 1))
    # when they are rolled up to quarters with arrays
    metrics, departments, months, values, weights = zip(*rows, strict=True)
    grids = series.weighted_means(
        list(metrics),
        list(departments),
        list(months),
        np.array(values),
        np.array(weights),
        granularity=Granularity.QUARTER,
        buckets=buckets,
    )
    # then every cell equals the running sum's, to the last bit, and no other cell exists
    periods = [str(Period.of(bucket)) for bucket in buckets]
    cells = {
        (name, unit, Period.parse(period).first_day): value
        for name, grid in grids.items()
        for unit, period, value in grid.rows(periods)
    }
    assert cells == _running_means(rows, Granularity.QUARTER)
    # in row order (1e16, 1.0, −1e16) the 1.0 is lost, as it was in the running sum
    assert cells[("internal:overall", 5, JAN)] == 0.0


def test_levers_are_totals_per_head_with_zero_where_nothing_was_given():
    inputs = Inputs(
        bonus=[{"department_id": 1, "period": FEB, "amount": Decimal("3000000")}],
        recognitions=[{"department_id": 2, "period": MAR, "count": 4}],
        headcount={1: 3, 2: 2, 9: 0},
    )
    aggregated = _aggregate(inputs)
    bonus = aggregated["metrics"]["lever:bonus_per_head"]
    assert [1, "2025-01", 1000000.0] in bonus
    assert [2, "2025-01", 0.0] in bonus  # no bonus: zero, not missing
    assert all(row[0] != 9 for row in bonus)  # nobody there: no per-head figure
    assert [2, "2025-01", 2.0] in aggregated["metrics"]["lever:recognitions_per_head"]
    assert "lever:leave_days_per_head" not in aggregated["metrics"]  # never recorded: not a lever yet


def _planted(lag: int, *, units: int = 20, periods: int = 12, strength: float = 0.9, seed: int = 3):
    """Internal satisfaction per unit-month, and external scores that follow it `lag` months
    later (negative: that lead it)."""
    rng = np.random.default_rng(seed)
    internal = rng.normal(70, 8, size=(units, periods + 6))
    noise = rng.normal(0, 8, size=internal.shape)
    external = np.full_like(internal, np.nan)
    for t in range(internal.shape[1]):
        source = t - lag
        if 0 <= source < internal.shape[1]:
            external[:, t] = 75 + strength * (internal[:, source] - 70) + np.sqrt(1 - strength**2) * noise[:, t]
    months = [Period(2025, 1).shift(t - 3).first_day for t in range(internal.shape[1])]
    rows_in = [
        {"department_id": u + 1, "period": months[t], "metric": "overall", "value": internal[u, t], "respondents": 10}
        for u in range(units)
        for t in range(3, 3 + periods)
    ]
    rows_out = [
        {
            "department_id": u + 1,
            "period": months[t],
            "source": "skm",
            "dimension": "ikm",
            "value": external[u, t],
            "respondents": 40,
        }
        for u in range(units)
        for t in range(3, 3 + periods)
        if np.isfinite(external[u, t])
    ]
    return Inputs(internal=rows_in, external=rows_out)


@pytest.mark.parametrize(("planted", "direction"), [(1, 1), (2, 1), (-1, -1)])
def test_an_effect_planted_at_a_lag_is_strongest_at_that_lag_and_direction(planted, direction):
    aggregated = _stored(_planted(planted))
    rows = analysis.run(aggregated, max_lag=3, external_source="skm", external_dimension="")
    pooled = [r for r in rows if r["family"] == "satisfaction_external" and r["variant"] == "pooled"]
    strongest = max(pooled, key=lambda r: r["pearson_r"] or 0)
    assert strongest["lag"] == planted
    assert (strongest["lag"] > 0) == (direction > 0)
    assert strongest["pearson_r"] > 0.7
    assert strongest["q_value"] < 0.001


def test_a_lag_pairs_each_unit_period_with_the_other_series_k_periods_later():
    inputs = _planted(1, units=3, periods=6)
    aggregated = _stored(inputs)
    panel = analysis.Panel(aggregated)
    x, y, units, periods = panel.pairs("internal:overall", "external:skm:ikm", 1)
    internal = {(r["department_id"], r["period"]): r["value"] for r in inputs.internal}
    external = {(r["department_id"], r["period"]): r["value"] for r in inputs.external}
    next_month = {period: Period.of(period).shift(1).first_day for _unit, period in internal}
    expected = sorted(
        (unit, period, value, external[(unit, next_month[period])])
        for (unit, period), value in internal.items()
        if (unit, next_month[period]) in external
    )
    got = sorted(zip(units.tolist(), periods, x.tolist(), y.tolist(), strict=True))
    assert [row[:2] for row in got] == [row[:2] for row in expected]
    assert np.allclose([row[2:] for row in got], [row[2:] for row in expected], rtol=0, atol=1e-9)
    assert len(got) == 3 * 5  # six months of each, one lost to the lag


def test_the_report_results_are_corrected_family_by_family():
    aggregated = _stored(_planted(0, units=8, periods=6, strength=0.4))
    rows = analysis.run(aggregated, max_lag=1, external_source="skm", external_dimension="")
    pooled = next(r for r in rows if r["variant"] == "pooled" and r["lag"] == 0)
    x, y, units, _periods = analysis.Panel(aggregated).pairs("internal:overall", "external:skm:ikm", 0)
    assert pooled["n"] == 48
    assert pooled["pearson_r"] == pytest.approx(sps.pearsonr(x, y).statistic, abs=1e-9)
    assert pooled["pearson_p"] == pytest.approx(stats.correlate(x, y, units=units).pearson_p, abs=1e-12)
    # the confirmatory family: the multilevel model's within- and between-unit effects in the
    # same period, and which came first
    confirmatory = [r for r in rows if r["role"] == "confirmatory"]
    assert sorted((r["variant"], r["lag"]) for r in confirmatory) == [
        ("cross_lagged", -1),
        ("cross_lagged", 1),
        ("multilevel_between", 0),
        ("multilevel_within", 0),
    ]
    tested = [r for r in confirmatory if r["pearson_p"] is not None]
    expected = multipletests([r["pearson_p"] for r in tested], method="holm")[1]
    assert [r["q_value"] for r in tested] == pytest.approx(list(expected), abs=1e-9)
    # each exploratory family on its own, Spearman's p-values too
    explored = [r for r in rows if r["role"] == "exploratory" and r["family"] == "satisfaction_external"]
    assert sorted((r["variant"], r["lag"]) for r in explored) == [
        ("between_unit", 0),
        ("pooled", -1),
        ("pooled", 0),
        ("pooled", 1),
        ("within_unit", -1),
        ("within_unit", 0),
        ("within_unit", 1),
    ]
    for p_field, q_field in (("pearson_p", "q_value"), ("spearman_p", "spearman_q")):
        tested = [r for r in explored if r[p_field] is not None]
        expected_q = sps.false_discovery_control([r[p_field] for r in tested])
        assert [r[q_field] for r in tested] == pytest.approx(list(expected_q), abs=1e-9)


def test_drivers_are_crossed_with_every_dimension_of_the_source_in_the_same_period():
    inputs = Inputs(
        internal=[
            {"department_id": u, "period": JAN, "metric": f"driver:{d}", "value": 50.0 + u, "respondents": 5}
            for u in range(12)
            for d in ("workload", "recognition")
        ],
        external=[
            {
                "department_id": u,
                "period": JAN,
                "source": "skm",
                "dimension": d,
                "value": 60.0 + u * u,
                "respondents": 5,
            }
            for u in range(12)
            for d in ("ikm", "courtesy", "timeliness")
        ],
    )
    rows = analysis.run(_aggregate(inputs, Granularity.MONTH), max_lag=0, external_source="skm", external_dimension="")
    matrix = [r for r in rows if r["family"] == "drivers_dimensions"]
    assert {(r["internal_metric"], r["external_metric"]) for r in matrix} == {
        (f"driver:{d}", f"skm:{e}") for d in ("workload", "recognition") for e in ("ikm", "courtesy", "timeliness")
    }
    assert all(r["lag"] == 0 and r["spearman_rho"] == pytest.approx(1.0) for r in matrix)


def test_levers_are_tested_against_internal_satisfaction_lever_first_at_positive_lags():
    rng = np.random.default_rng(5)
    inputs = Inputs(
        internal=[
            {"department_id": u, "period": m, "metric": "overall", "value": float(rng.normal(70, 5)), "respondents": 8}
            for u in range(1, 7)
            for m in (JAN, FEB, MAR, APR)
        ],
        recognitions=[
            {"department_id": u, "period": m, "count": int(rng.integers(0, 5))} for u in range(1, 7) for m in (JAN, FEB)
        ],
        headcount=dict.fromkeys(range(1, 7), 4),
    )
    rows = analysis.run(_aggregate(inputs, Granularity.MONTH), max_lag=1, external_source="skm", external_dimension="")
    levers = [r for r in rows if r["family"] == "levers"]
    assert {(r["internal_metric"], r["external_metric"]) for r in levers} == {
        ("overall", "lever:recognitions_per_head")
    }
    assert sorted({r["lag"] for r in levers}) == [-1, 0, 1]
    same_period = next(r for r in levers if r["lag"] == 0 and r["variant"] == "within_unit")
    assert same_period["n"] == 6 * 4  # every month from the first recognition on, zero where none
    assert {r["variant"] for r in levers} == {"within_unit", "between_unit"}


def test_improvement_actions_and_training_hours_are_levers_per_head():
    inputs = Inputs(
        actions_completed=[{"department_id": 1, "period": FEB, "count": 2}],
        training_hours=[{"department_id": 2, "period": MAR, "hours": Decimal("12.00")}],
        headcount={1: 4, 2: 3},
    )
    aggregated = _aggregate(inputs)
    assert [1, "2025-01", 0.5] in aggregated["metrics"]["lever:actions_completed_per_head"]
    assert [2, "2025-01", 0.0] in aggregated["metrics"]["lever:actions_completed_per_head"]
    assert [2, "2025-01", 4.0] in aggregated["metrics"]["lever:training_hours_per_head"]


@pytest.mark.django_db
def test_the_inputs_read_done_actions_and_attended_training(org):
    from correlation.inputs import read
    from improvement import services as improvement
    from tests.improvement.factories import backdate

    action = improvement.action_create(
        actor=org.budi,
        department=org.cs,
        title="Antrian",
        owner=org.budi,
        due_date=dt.date.today() + dt.timedelta(days=30),
        dimension="timeliness",
    )
    improvement.action_status_change(action=action, actor=org.budi, status="in_progress")
    improvement.action_status_change(action=action, actor=org.budi, status="done")
    backdate(action, start_date=dt.date(2025, 1, 2), due_date=dt.date(2025, 2, 20), completed_on=dt.date(2025, 2, 10))
    inputs = read(period_from=dt.date(2025, 1, 1), period_to=dt.date(2025, 3, 1), external_source="skm")
    assert inputs.actions_completed == [{"department_id": org.cs.pk, "period": dt.date(2025, 2, 1), "count": 1}]


def test_the_disclosure_counts_what_was_left_out_and_reruns_the_headline_without_small_units():
    # given 12 units over 6 months, three of them of fewer than ten people, one month of one
    # unit's internal result hidden
    internal, external = panel(np.random.default_rng(31), units=12, periods=6, same_period=0.6)
    internal[0, 2] = np.nan
    stored = series_of(internal, external)
    stored["headcount"] = {str(unit): (4 if unit <= 3 else 40) for unit in range(1, 13)}
    # when
    facts = analysis.disclosure(stored, external_source="skm", external_dimension="ikm", floors=analysis.Floors())
    # then
    assert (facts["units"], facts["periods"], facts["paired"]) == (12, 6, 71)
    assert (facts["internal_missing"], facts["external_missing"]) == (1, 0)
    without = facts["without_small_units"]
    assert (without["small_units"], without["people"]) == (3, 10)
    x, y, units, times = analysis.Panel(stored).indexed_pairs("internal:overall", "external:skm:ikm", 0)
    keep = units > 3
    expected = stats.correlate_within_units(x[keep], y[keep], units[keep], times=times[keep])
    assert without["within"]["r"] == pytest.approx(expected.pearson_r, abs=1e-12)
    assert without["between"]["r"] == pytest.approx(
        stats.correlate_between_units(x[keep], y[keep], units=units[keep]).pearson_r, abs=1e-12
    )
    with translation.override("en"):
        sentences = interpretation.disclosure_sentences(SimpleNamespace(disclosure=facts))
    assert sentences[0].startswith("The headline rests on 71 unit-periods of 12 units.")
    assert "1 have no internal result (hidden for anonymity or not measured)" in sentences[0]
    assert sentences[-1].startswith("Without the 3 units of fewer than 10 people: within units: r = ")


def test_levers_divide_by_each_period_s_recorded_headcount_and_say_where_it_came_from():
    may, jun = dt.date(2025, 5, 1), dt.date(2025, 6, 1)
    inputs = Inputs(
        bonus=[
            {"department_id": unit, "period": month, "amount": Decimal("1200")}
            for unit in (1, 2, 3)
            for month in (JAN, APR, may, jun)
        ],
        # unit 1 grew from 4 to 6 people (recorded in January and May); unit 2 was surveyed only in
        # April; unit 3 never was, and has 8 people today
        headcount_history=[
            {"department_id": 1, "period": JAN, "people": 4},
            {"department_id": 1, "period": may, "people": 6},
            {"department_id": 2, "period": APR, "people": 3},
        ],
        headcount={1: 12, 2: 5, 3: 8},
    )
    aggregated = _aggregate(inputs, granularity=Granularity.MONTH)
    bonus = {(unit, period): value for unit, period, value in aggregated["metrics"]["lever:bonus_per_head"]}
    # recorded months use their own headcount, months between take the earlier record
    assert bonus[(1, "2025-01")] == 300.0
    assert bonus[(1, "2025-04")] == 300.0
    assert bonus[(1, "2025-05")] == 200.0
    assert bonus[(1, "2025-06")] == 200.0
    # before a unit's first record, the first record counts; a unit never surveyed counts today's
    assert bonus[(2, "2025-01")] == 400.0
    assert bonus[(3, "2025-06")] == 150.0
    months = 12
    assert aggregated["headcount_basis"] == {"recorded": 3, "carried": 2 * months - 3, "today": months}
    assert aggregated["headcount"] == {"1": 6, "2": 3, "3": 8}


def test_a_unit_s_respondents_behind_its_internal_values_are_kept_for_weighting():
    inputs = Inputs(
        internal=[
            {"department_id": 7, "period": JAN, "metric": "overall", "value": 60.0, "respondents": 10},
            {"department_id": 7, "period": FEB, "metric": "overall", "value": 90.0, "respondents": 30},
            {"department_id": 8, "period": JAN, "metric": "overall", "value": 50.0, "respondents": 4},
        ]
    )
    aggregated = _aggregate(inputs)
    assert aggregated["respondents"] == [[7, "2025-01", 40.0], [8, "2025-01", 4.0]]


def test_disclosure_says_which_headcount_and_checks_the_between_reading_weighted_by_respondents():
    rng = np.random.default_rng(12)
    units, periods = 12, 6
    sizes = rng.integers(5, 200, size=units)
    x = rng.normal(70, 6, size=(units, 1)) + rng.normal(0, 3, size=(units, periods))
    y = 0.5 * x + rng.normal(0, 4, size=(units, periods))
    months = [Period(2025, 1).shift(t).first_day for t in range(periods)]
    inputs = Inputs(
        internal=[
            {
                "department_id": u + 1,
                "period": months[t],
                "metric": "overall",
                "value": x[u, t],
                "respondents": int(sizes[u]),
            }
            for u in range(units)
            for t in range(periods)
        ],
        external=[
            {"department_id": u + 1, "period": months[t], "source": "skm", "dimension": "ikm", "value": y[u, t]}
            for u in range(units)
            for t in range(periods)
        ],
        headcount_history=[
            {"department_id": u + 1, "period": months[0], "people": int(sizes[u])} for u in range(units)
        ],
    )
    aggregated = _aggregate(inputs, granularity=Granularity.MONTH)
    facts = analysis.disclosure(aggregated, external_source="skm", external_dimension="", floors=analysis.Floors())
    weighted = stats.correlate_between_units_weighted(
        x.ravel(),
        y.ravel(),
        units=np.repeat(np.arange(units), periods),
        weights=np.repeat(sizes, periods).astype(float),
    )
    assert facts["weighted_between"]["r"] == pytest.approx(weighted.r, abs=1e-9)
    assert facts["weighted_between"]["units"] == units
    assert facts["headcount_basis"]["recorded"] == units
    with translation.override("en"):
        text = " ".join(interpretation.disclosure_sentences(SimpleNamespace(disclosure=facts)))
    assert "Weighting each unit by its respondents instead, the between-unit correlation is r = " in text
    assert "not a separate finding" in text
    assert "that period's headcount, as pulse rounds recorded it when they opened (12 unit-periods)" in text
    assert "unit-periods without a round keep the unit's last recorded headcount before them" in text
    with translation.override("id"):
        indonesian = " ".join(interpretation.disclosure_sentences(SimpleNamespace(disclosure=facts)))
    assert "Weighting each unit" not in indonesian


def test_a_stored_series_and_its_readable_form_make_the_same_panel():
    # given a series as the job stores it (matrices in base64) with a hidden unit-month
    inputs = _planted(1, units=4, periods=6)
    inputs.internal = [row for row in inputs.internal if (row["department_id"], row["period"]) != (2, MAR)]
    stored = _stored(inputs)
    # when it is read as stored and as spelled out for people
    packed, spelled = analysis.Panel(stored), analysis.Panel(series.readable(stored))
    # then both hold the same units, cells and respondents, the hidden month absent from both
    assert packed.units == spelled.units == [1, 2, 3, 4]
    assert set(packed.matrices) == set(spelled.matrices) == {"internal:overall", "external:skm:ikm"}
    for name, matrix in packed.matrices.items():
        np.testing.assert_array_equal(matrix, spelled.matrices[name])
    np.testing.assert_array_equal(packed.respondents(), spelled.respondents())
    assert np.isnan(packed.matrices["internal:overall"][1, 2])
    cells = [row[:2] for row in series.readable(stored)["metrics"]["internal:overall"]]
    assert cells[0] == [1, "2025-01"] and [2, "2025-02"] in cells and [2, "2025-03"] not in cells
