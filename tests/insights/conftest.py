"""An organisation with insight data: pulse rounds closed with results, SKM scores per service
unit and a finished correlation report, built through the apps' services.

`insight_org(units=n)` adds `n` service units under OPS (three people each, so that their
results are shown at the threshold of 3) to the personas' organisation (tests/conftest.py).
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from core.periods import Period
from pulse_surveys import services as pulse_services
from pulse_surveys.bank import bank_load
from pulse_surveys.models import Question, Round
from service_quality.models import ExternalScore
from service_quality.services import external_score_create
from tests.factories import DepartmentFactory, UserFactory
from tests.pulse_surveys.conftest import answer, close, open_round

THIS_MONTH = Period.of(timezone.localdate())


class InsightOrg:
    def __init__(self, org, units: list, staff: dict, rounds: list, report=None):
        self.org, self.units, self.staff, self.rounds, self.report = org, units, staff, rounds, report


def close_in(pulse_round: Round, period: dt.date) -> None:
    """Dates a closed round's results to `period` (as if it had closed that month)."""
    Round.objects.filter(pk=pulse_round.pk).update(period=period)


@pytest.fixture
def insight_org(org, django_capture_on_commit_callbacks):
    def make(*, units: int = 2, months: int = 2, report: bool = True, prefix: str = "IU") -> InsightOrg:
        bank_load()
        questions = [Question.objects.get(key=key) for key in ("recognition-1", "workload-1", "teamwork-1", "enps")]
        departments = [
            DepartmentFactory(
                code=f"{prefix}{index:02d}", name=f"Unit {prefix}{index:02d}", parent=org.ops, is_service_unit=True
            )
            for index in range(units)
        ]
        staff = {unit.code: [UserFactory(department=unit) for _ in range(3)] for unit in departments}
        staff[org.cs.code] = [org.budi, org.ani, org.andi]
        survey = pulse_services.survey_create(
            title="Pulse", questions=questions, anonymity_threshold=3, questions_per_round=4, actor=org.hana
        )
        rounds = []
        for month_back in range(months - 1, -1, -1):
            pulse_round = open_round(survey)
            for index, people in enumerate(staff.values()):
                for person in people:
                    answer(pulse_round, person, likert=2 + (index + month_back) % 3, enps=5 + index % 5)
            # bayu and mira (LKT) and hana and lina (HRD) answer too little to be shown alone.
            answer(pulse_round, org.bayu, likert=3, enps=7)
            close(pulse_round)
            close_in(pulse_round, THIS_MONTH.shift(-month_back).first_day)
            rounds.append(pulse_round)
        measured = (
            [*departments] if ExternalScore.objects.filter(department=org.cs).exists() else [org.cs, *departments]
        )
        for unit_index, unit in enumerate(measured):
            for month_back in range(months):
                external_score_create(
                    department=unit,
                    period=THIS_MONTH.shift(-month_back).first_day,
                    source="skm",
                    dimension="ikm",
                    value=Decimal(70 + (3 * unit_index) % 28 + month_back),
                    respondents=100 + unit_index,
                    actor=org.hana,
                )
        finished = None
        if report:
            from correlation import services as correlation_services

            with django_capture_on_commit_callbacks(execute=True):
                finished = correlation_services.correlation_report_request(
                    actor=org.lina,
                    period_from=THIS_MONTH.shift(-11).first_day,
                    period_to=THIS_MONTH.first_day,
                    granularity="month",
                    max_lag=1,
                    external_source="skm",
                    external_dimension="",
                )
            finished.refresh_from_db()
        return InsightOrg(org, departments, staff, rounds, finished)

    return make
