"""Pulse results reach the report through the pulse app's own series: overall satisfaction and
each driver, from materialised results only, never from a group hidden for anonymity."""

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest
from django.utils import timezone, translation
from scipy import stats as sps

from core.periods import Period
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_pulse_results_feed_the_report_and_hidden_groups_stay_out(
    org, request_report, django_capture_on_commit_callbacks
):
    from pulse_surveys import services as pulse
    from pulse_surveys.selectors import internal_satisfaction_series
    from service_quality.services import external_score_create

    # given twelve service units of five people and one of three (below the anonymity threshold)
    workload = pulse.driver_create(key="fair-workload", name_en="Fair workload")
    growth = pulse.driver_create(key="room-to-grow", name_en="Room to grow")
    questions = [
        pulse.question_create(text_en="My workload is fair.", kind="likert", driver=workload),
        pulse.question_create(text_en="I can grow here.", kind="likert", driver=growth),
    ]
    sizes = [5] * 12 + [3]
    units = [
        DepartmentFactory(code=f"PU{index:02d}", parent=org.ops, is_service_unit=True) for index in range(len(sizes))
    ]
    members = {
        unit: [UserFactory(department=unit) for _ in range(size)] for unit, size in zip(units, sizes, strict=True)
    }
    survey = pulse.survey_create(title="Monthly pulse", questions=questions, departments=units, anonymity_threshold=5)
    now = timezone.now()
    pulse_round = pulse.round_create(
        survey=survey, opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(days=3)
    )
    rng = np.random.default_rng(8)
    with django_capture_on_commit_callbacks(execute=True):
        for index, unit in enumerate(units):
            level = 1 + 4 * index / (len(units) - 1)
            for person in members[unit]:
                answers = [
                    {"question": question.pk, "value": int(np.clip(round(level + rng.normal(0, 0.8)), 1, 5))}
                    for question in questions
                ]
                pulse.response_submit(pulse_round=pulse_round, employee=person, answers=answers)
        pulse.round_close(pulse_round=pulse_round)
    month = Period.of(timezone.localdate()).first_day
    # and their SKM index this month, better where staff are more satisfied
    for index, unit in enumerate(units):
        external_score_create(
            department=unit,
            period=month,
            source="skm",
            dimension="ikm",
            value=Decimal(f"{60 + 2 * index + rng.normal(0, 3):.2f}"),
            respondents=50,
            actor=org.hana,
        )

    # when a report is run over this month
    report = request_report(
        org.lina, period_from=month, period_to=month, granularity="month", max_lag=0, external_source="skm"
    )

    # then its points are exactly the unit-months the pulse app shows, the hidden unit not among them
    shown = {
        row["department_id"]: row["value"]
        for row in internal_satisfaction_series(period_from=month, period_to=month, metrics=["overall"])
    }
    points = {point.department_id: point for point in report.points.all()}
    assert units[-1].pk not in shown
    assert set(points) == set(shown) & {unit.pk for unit in units}
    assert len(points) >= 10
    # the headline equals scipy's on those pairs
    ids = sorted(points)
    x = [shown[unit_id] for unit_id in ids]
    y = [points[unit_id].external for unit_id in ids]
    headline = report.results.get(family="satisfaction_external", variant="pooled", lag=0)
    assert headline.n == len(ids)
    assert headline.pearson_r == pytest.approx(sps.pearsonr(x, y).statistic, abs=1e-9)
    assert headline.pearson_r > 0.5
    # and every driver is crossed with the source's dimensions
    matrix = report.results.filter(family="drivers_dimensions")
    assert {r.internal_metric for r in matrix} == {"driver:fair-workload", "driver:room-to-grow"}
    assert "skm:ikm" in {r.external_metric for r in matrix}


def test_headcount_is_each_month_s_recorded_audience_not_today_s(org, django_capture_on_commit_callbacks):
    from correlation import inputs as report_inputs
    from correlation import series
    from correlation.models import Granularity
    from pulse_surveys import services as pulse
    from pulse_surveys.selectors import headcount_series

    # given three service units of 6, 5 and 3 people in a round that closed this month (the last
    # unit below the anonymity threshold, so its result is hidden)
    driver = pulse.driver_create(key="fair-workload", name_en="Fair workload")
    question = pulse.question_create(text_en="My workload is fair.", kind="likert", driver=driver)
    units = [DepartmentFactory(code=f"HC{index}", parent=org.ops, is_service_unit=True) for index in range(3)]
    members = {
        unit: [UserFactory(department=unit) for _ in range(size)] for unit, size in zip(units, (6, 5, 3), strict=True)
    }
    survey = pulse.survey_create(title="Pulse", questions=[question], departments=units, anonymity_threshold=5)
    now = timezone.now()
    pulse_round = pulse.round_create(
        survey=survey, opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(days=3)
    )
    with django_capture_on_commit_callbacks(execute=True):
        for unit in units:
            for person in members[unit]:
                answer = [{"question": question.pk, "value": 4}]
                pulse.response_submit(pulse_round=pulse_round, employee=person, answers=answer)
        pulse.round_close(pulse_round=pulse_round)
    # and, after it, four people join the first unit and two leave the second
    for _ in range(4):
        UserFactory(department=units[0])
    for person in members[units[1]][:2]:
        person.is_active = False
        person.save(update_fields=["is_active"])
    month = Period.of(timezone.localdate()).first_day

    # when a report reads its inputs for this month
    read = report_inputs.read(period_from=month, period_to=month, external_source="skm")

    # then each unit's headcount this month is the audience the round recorded, the hidden unit's too,
    # while today's headcount has moved on
    recorded = read.headcount_history
    this_month = recorded["month"] == month.year * 12 + month.month - 1
    history = dict(
        zip(recorded["department_id"][this_month].tolist(), recorded["people"][this_month].tolist(), strict=True)
    )
    assert [history[unit.pk] for unit in units] == [6, 5, 3]
    assert [read.headcount[unit.pk] for unit in units] == [10, 3, 3]
    # the columns hold what the rows of pulse_surveys' headcount series hold
    rows = headcount_series(period_from=month, period_to=month)
    assert sorted(zip(recorded["department_id"].tolist(), recorded["people"].tolist(), strict=True)) == sorted(
        (row["department_id"], row["people"]) for row in rows if row["department_id"] in history
    )
    aggregated = series.aggregate(
        read,
        granularity=Granularity.MONTH,
        period_from=month,
        period_to=month,
        external_source="skm",
        external_dimension="",
    )
    assert [aggregated["headcount"][str(unit.pk)] for unit in units] == [6, 5, 3]
    assert aggregated["headcount_basis"]["recorded"] >= 3


def test_a_report_may_read_small_units_pulse_scores_shrunk_toward_the_organisation(
    org, request_report, django_capture_on_commit_callbacks
):
    from pulse_surveys import drivers
    from pulse_surveys import services as pulse
    from pulse_surveys.selectors import agreement_by_month, internal_satisfaction_series
    from service_quality.services import external_score_create

    # given ten service units of 5 to 14 people who answered a round this month
    driver = pulse.driver_create(key="fair-workload", name_en="Fair workload")
    question = pulse.question_create(text_en="My workload is fair.", kind="likert", driver=driver)
    units = [DepartmentFactory(code=f"EB{index}", parent=org.ops, is_service_unit=True) for index in range(10)]
    members = {unit: [UserFactory(department=unit) for _ in range(5 + index)] for index, unit in enumerate(units)}
    survey = pulse.survey_create(title="Pulse", questions=[question], departments=units, anonymity_threshold=5)
    now = timezone.now()
    pulse_round = pulse.round_create(
        survey=survey, opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(days=3)
    )
    rng = np.random.default_rng(5)
    with django_capture_on_commit_callbacks(execute=True):
        for index, unit in enumerate(units):
            for person in members[unit]:
                value = int(np.clip(round(2 + index * 0.25 + rng.normal(0, 1)), 1, 5))
                pulse.response_submit(
                    pulse_round=pulse_round, employee=person, answers=[{"question": question.pk, "value": value}]
                )
        pulse.round_close(pulse_round=pulse_round)
    month = Period.of(timezone.localdate()).first_day
    for index, unit in enumerate(units):
        external_score_create(
            department=unit, period=month, source="skm", dimension="ikm", value=Decimal(70 + index), actor=org.hana
        )

    # when the series is read shrunk
    agreement = agreement_by_month(period_from=month, period_to=month)[month]
    span = {"period_from": month, "period_to": month, "metrics": ["overall"]}
    measured = {row["department_id"]: row for row in internal_satisfaction_series(**span)}
    shrunk = {row["department_id"]: row for row in internal_satisfaction_series(**span, shrink=True)}

    # then each unit's score is the empirical-Bayes estimate of its measured mean, a small unit moved most
    for unit in units:
        row = measured[unit.pk]
        expected, reliability = drivers.shrink(row["value"], row["respondents"], agreement)
        assert shrunk[unit.pk]["value"] == pytest.approx(expected, abs=1e-9)
        assert shrunk[unit.pk]["reliability"] == pytest.approx(reliability, abs=1e-9)
    assert shrunk[units[0].pk]["reliability"] < shrunk[units[-1].pk]["reliability"] < 1
    # and a report that asks for it uses those scores and says so in words
    report = request_report(
        org.lina, period_from=month, period_to=month, granularity="month", max_lag=0, shrink_units=True
    )
    points = {point.department_id: point.internal for point in report.points.all()}
    assert points[units[0].pk] == pytest.approx(shrunk[units[0].pk]["value"], abs=1e-9)
    assert any(note.startswith("shrunk:10:10:") for note in report.notes)
    plain = request_report(org.lina, period_from=month, period_to=month, granularity="month", max_lag=0)
    assert plain.input_fingerprint != report.input_fingerprint
    from correlation import interpretation

    with translation.override("en"):
        sentence = interpretation.missing_input_sentence(next(n for n in report.notes if n.startswith("shrunk:")))
    assert sentence.startswith("Shrunk scores: 10 of the 10 unit-months of pulse results are empirical-Bayes")
