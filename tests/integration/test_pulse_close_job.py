"""Closing a round on the real stack: beat's close job runs on a Celery worker, which then
materialises the results through the round-close job, against PostgreSQL and Redis."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from pulse_surveys import services
from pulse_surveys.models import Round, RoundResult
from tasks.surveys import survey_rounds_close_expired_task
from tests.pulse_surveys.conftest import answer, bank, staff  # noqa: F401 - fixtures

pytestmark = pytest.mark.integration


def test_an_expired_round_is_closed_and_its_results_materialised_by_the_worker(celery_worker, org, bank, staff):  # noqa: F811
    # given a round with answers whose closing time has passed
    survey = services.survey_create(
        title="Pulse", questions=[bank["recognition-1"], bank["enps"]], anonymity_threshold=3
    )
    now = timezone.now()
    pulse_round = services.round_create(
        survey=survey, opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(hours=1)
    )
    for person in staff["cs"]:
        answer(pulse_round, person, likert=5, enps=10)
    Round.objects.filter(pk=pulse_round.pk).update(closes_at=timezone.now())
    # when beat's job runs on the worker
    assert survey_rounds_close_expired_task.delay().get(timeout=60) == [pulse_round.pk]
    # then the worker's follow-up job materialises the results
    deadline = time.monotonic() + 60
    while not Round.objects.get(pk=pulse_round.pk).results_ready and time.monotonic() < deadline:
        time.sleep(0.2)
    result = RoundResult.objects.get(round=pulse_round, department=org.cs)
    assert (result.responded, result.suppressed, result.score, result.enps) == (7, False, 100.0, 100.0)
