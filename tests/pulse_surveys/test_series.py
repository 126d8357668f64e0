"""The read interface other apps consume: internal satisfaction per department and month."""

import datetime as dt

import numpy as np
import pytest
from django.utils import timezone

from pulse_surveys.models import Round, RoundResult
from pulse_surveys.selectors import driver_keys, internal_satisfaction_series
from tests.pulse_surveys.conftest import answer, close, open_round

pytestmark = pytest.mark.django_db


def test_driver_keys_are_the_shipped_drivers_in_order(db):
    assert driver_keys() == [
        "recognition",
        "pay_fairness",
        "workload",
        "leadership",
        "teamwork",
        "growth",
        "workplace",
        "service_culture",
        "wellbeing",
    ]


def _closed_round(survey, people, likert, month: dt.date):
    pulse_round = open_round(survey)
    for person, value in zip(people, likert, strict=True):
        answer(pulse_round, person, likert=value, enps=10)
    pulse_round = close(pulse_round)
    Round.objects.filter(pk=pulse_round.pk).update(period=month)
    return pulse_round


def test_series_come_from_shown_results_pooled_by_month(org, survey, staff):
    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    _closed_round(survey, staff["cs"], [5, 5, 4, 4, 3, 3, 1], last_month)
    _closed_round(survey, staff["cs"][:4], [2, 2, 2, 2], this_month)
    _closed_round(survey, staff["cs"][:3], [5, 5, 5], this_month)
    # when
    rows = internal_satisfaction_series(period_from=last_month, period_to=this_month, department_ids=[org.cs.pk])
    # then
    overall = {row["period"]: row for row in rows if row["metric"] == "overall"}
    assert overall[last_month]["value"] == pytest.approx(
        np.mean((np.array([5, 5, 4, 4, 3, 3, 1]) - 1) / 4 * 100), abs=1e-9
    )
    pooled = np.mean((np.array([2, 2, 2, 2, 5, 5, 5]) - 1) / 4 * 100)
    assert overall[this_month]["value"] == pytest.approx(pooled, abs=1e-9)
    assert overall[this_month]["respondents"] == 7
    assert {row["metric"] for row in rows} == {"overall", "enps", "driver:recognition", "driver:workload"}
    assert all(row["department_id"] == org.cs.pk for row in rows)
    enps = [row for row in rows if row["metric"] == "enps"]
    assert all(row["value"] == pytest.approx(100.0) for row in enps)


def test_suppressed_groups_never_appear_in_series(org, survey, staff):
    month = timezone.localdate().replace(day=1)
    _closed_round(survey, staff["cs"] + staff["hrd"], [4] * 9, month)
    rows = internal_satisfaction_series(period_from=month, period_to=month)
    shown = set(RoundResult.objects.filter(suppressed=False, is_total=False).values_list("department_id", flat=True))
    assert {row["department_id"] for row in rows} == shown
    assert org.hrd.pk not in shown


def test_metrics_and_periods_filter_the_series(org, survey, staff):
    month = timezone.localdate().replace(day=1)
    _closed_round(survey, staff["cs"], [4] * 7, month)
    rows = internal_satisfaction_series(period_from=month, period_to=month, metrics=["driver:workload"])
    assert {row["metric"] for row in rows} == {"driver:workload"}
    earlier = month - dt.timedelta(days=40)
    assert internal_satisfaction_series(period_from=earlier.replace(day=1), period_to=earlier.replace(day=1)) == []
    assert internal_satisfaction_series(period_from=month, period_to=month, metrics=[]) == []
