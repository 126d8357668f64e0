"""The demo pulse data: a year of rounds with a signal, suppression in the small units, one open round."""

import datetime as dt
import random

import numpy as np
import pytest
from django.utils import timezone

from core.demo import DemoOrg
from employees import demo as employees_demo
from pulse_surveys import demo
from pulse_surveys.models import Participation, Response, Round, RoundResult
from pulse_surveys.selectors import internal_satisfaction_series, open_rounds_for

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_year_of_rounds_a_signal_suppression_and_an_open_round():
    org = DemoOrg(today=timezone.localdate(), rng=random.Random(2026))
    employees_demo.seed(org)
    demo.seed(org)

    # twelve closed monthly rounds with results, and one open round
    rounds = list(Round.objects.order_by("number"))
    assert [r.status for r in rounds] == ["closed"] * 12 + ["open"]
    assert all(r.results_ready for r in rounds[:12])
    assert len({r.period for r in rounds[:12]}) == 12
    # which the `employee` login has not answered yet
    (waiting,) = open_rounds_for(org.people["employee"])
    assert waiting.answered is False

    # the small units are suppressed in every round
    for code in ("PGD", "ARSIP"):
        results = RoundResult.objects.filter(department=org.departments[code])
        assert results.count() == 12
        assert set(results.values_list("reason", flat=True)) == {"below_threshold"}

    # customer service improves over the year and Surabaya declines
    today = timezone.localdate()
    rows = internal_satisfaction_series(
        period_from=(today - dt.timedelta(days=400)).replace(day=1), period_to=today.replace(day=1), metrics=["overall"]
    )

    def slope(code):
        series = sorted((r["period"], r["value"]) for r in rows if r["department_id"] == org.departments[code].pk)
        assert len(series) >= 10
        return np.polyfit(np.arange(len(series)), [value for _period, value in series], 1)[0]

    assert slope("LYN-PLG") > 1.5
    assert slope("CAB-SBY") < -1.5

    # seeding again changes nothing
    counts = (Round.objects.count(), Participation.objects.count(), Response.objects.count())
    demo.seed(org)
    assert (Round.objects.count(), Participation.objects.count(), Response.objects.count()) == counts
