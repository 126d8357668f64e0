"""Closing a round on the real stack: beat's close job runs on a Celery worker, which then
materialises the results through the round-close job, against PostgreSQL and Redis."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from pulse_surveys import services
from pulse_surveys.models import Answer, Ballot, Response, Round, RoundResult
from tasks.surveys import survey_round_close_task, survey_rounds_close_expired_task
from tests.integration.test_jobs_under_faults import backends_waiting_on_a_lock, psycopg_connection, wait_for
from tests.pulse_surveys.conftest import answer, bank, staff  # noqa: F401 - fixtures

pytestmark = pytest.mark.integration


def _round_answered_by(people, bank, **values) -> Round:  # noqa: F811
    """An open round of a rating question and eNPS, answered by `people` alike."""
    survey = services.survey_create(
        title="Pulse", questions=[bank["recognition-1"], bank["enps"]], anonymity_threshold=3
    )
    now = timezone.now()
    pulse_round = services.round_create(
        survey=survey, opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(hours=1)
    )
    for person in people:
        answer(pulse_round, person, **values)
    return pulse_round


def test_an_expired_round_is_closed_and_its_results_materialised_by_the_worker(celery_worker, org, bank, staff):  # noqa: F811
    # given a round with answers whose closing time has passed
    pulse_round = _round_answered_by(staff["cs"], bank, likert=5, enps=10)
    Round.objects.filter(pk=pulse_round.pk).update(closes_at=timezone.now())
    # when beat's job runs on the worker
    assert survey_rounds_close_expired_task.delay().get(timeout=60) == [pulse_round.pk]
    # then the worker's follow-up job materialises the results
    deadline = time.monotonic() + 60
    while not Round.objects.get(pk=pulse_round.pk).results_ready and time.monotonic() < deadline:
        time.sleep(0.2)
    result = RoundResult.objects.get(round=pulse_round, department=org.cs)
    assert (result.responded, result.suppressed, result.score, result.enps) == (7, False, 100.0, 100.0)


def test_a_close_job_whose_worker_dies_while_opening_the_ballots_opens_each_exactly_once(
    worker_factory,
    org,
    bank,  # noqa: F811
    staff,  # noqa: F811
    monkeypatch,
):
    # given a closed round whose seven ballots are still sealed, and a short lease for the test
    monkeypatch.setenv("CELERY_VISIBILITY_TIMEOUT", "3")
    pulse_round = _round_answered_by(staff["cs"], bank, likert=4, enps=9)
    now = timezone.now()
    Round.objects.filter(pk=pulse_round.pk).update(status="closed", closed_at=now, period=now.date().replace(day=1))
    # and another connection holding the responses table, so that the job stops in the middle:
    # ballots read and opened, its responses not yet written
    blocker = psycopg_connection()
    blocker.execute("LOCK TABLE pulse_surveys_response IN SHARE MODE")
    first = worker_factory()
    survey_round_close_task.delay(pulse_round.pk)
    try:
        wait_for(backends_waiting_on_a_lock, 60, "the close job to block while writing responses")
        # when the worker dies there (SIGKILL)
        first.kill()
    finally:
        blocker.rollback()
        blocker.close()
    # and a new worker starts
    worker_factory()
    # then the job runs again and every ballot became exactly one response, with its answers
    wait_for(lambda: Round.objects.get(pk=pulse_round.pk).results_ready, 60, "the results")
    assert Response.objects.filter(round=pulse_round).count() == 7
    assert Answer.objects.filter(round=pulse_round).count() == 14
    assert not Ballot.objects.filter(round=pulse_round).exists()
    result = RoundResult.objects.get(round=pulse_round, department=org.cs)
    assert (result.responded, result.score, result.enps) == (7, 75.0, 100.0)
