"""Two submissions racing for the same person and round: exactly one is stored (PostgreSQL)."""

import threading
import time

import pytest
from django.db import connection, transaction
from rest_framework.test import APIClient

from core.errors import Conflict
from pulse_surveys import services
from pulse_surveys.models import Answer, Ballot, Participation, Response
from tests.pulse_surveys.conftest import answer, answers_for, close, open_round

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def sessions_waiting_on_a_lock(thread) -> int:
    """Polls, from inside the caller's transaction, until another session waits on a lock (or
    `thread` has ended); how many do."""
    waiting = 0
    with connection.cursor() as cursor:
        while not waiting and thread.is_alive():
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # else the view is frozen in a transaction
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            waiting = cursor.fetchone()[0]
            time.sleep(0.02)  # poll gently: the other thread needs the interpreter too
    return waiting


def race(user, url: str, payload: dict, runners: int = 2) -> list[int]:
    barrier = threading.Barrier(runners)
    statuses: list[int] = []

    def submit():
        client = APIClient()
        client.force_authenticate(user)
        try:
            barrier.wait()
            statuses.append(client.post(url, payload, format="json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(runners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


def test_racing_submissions_store_exactly_one(org, survey, staff):
    pulse_round = open_round(survey)
    people = staff["cs"] + staff["lkt"]
    payload = {"answers": answers_for(pulse_round)}
    url = f"/api/v1/pulse/rounds/{pulse_round.pk}/responses/"
    for person in people:
        assert race(person, url, payload, runners=3) == [201, 409, 409]
    assert Participation.objects.filter(round=pulse_round).count() == len(people)
    assert Ballot.objects.filter(round=pulse_round).count() == len(people)
    # and closing the round opens exactly one response per person, with all their answers
    close(pulse_round)
    assert Response.objects.filter(round=pulse_round).count() == len(people)
    assert Answer.objects.filter(response__round=pulse_round).count() == 3 * len(people)
    assert not Ballot.objects.exists()


def test_a_submission_that_passes_every_check_while_the_first_is_uncommitted_is_refused_by_the_constraint(org, survey):
    """Deterministic version of the race: the first submission is written but not committed,
    so the second does not see it, passes every check and reaches the insert, where the unique
    constraint makes it wait for the first and then refuses it (a Conflict: 409 in the API)."""
    pulse_round = open_round(survey)
    answers = answers_for(pulse_round)
    first_written, outcomes = threading.Event(), []

    def second():
        first_written.wait()
        try:
            services.response_submit(pulse_round=pulse_round, employee=org.ani, answers=answers)
            outcomes.append("stored")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    thread = threading.Thread(target=second)
    thread.start()
    with transaction.atomic():
        services.response_submit(pulse_round=pulse_round, employee=org.ani, answers=answers)
        first_written.set()
        waiting = sessions_waiting_on_a_lock(thread)  # hold the commit until the second waits on our row
    thread.join()
    assert waiting == 1, "the second submission never reached the insert"
    assert outcomes == ["conflict"]
    assert Participation.objects.filter(round=pulse_round).count() == 1
    assert Ballot.objects.filter(round=pulse_round).count() == 1


def test_a_submission_racing_the_close_waits_for_it_and_is_refused_so_no_ballot_is_left_sealed(org, survey):
    """The submission has passed its checks (the round was open) when the close takes the round;
    it then waits for the close, finds the round closed and writes nothing — a ballot written
    after its round's ballots were opened would never be opened."""
    pulse_round = open_round(survey)
    answers, outcomes, checked = answers_for(pulse_round), [], threading.Event()
    clean = services._clean_answers

    def clean_then_signal(questions, items):
        cleaned = clean(questions, items)
        checked.set()
        return cleaned

    def submit():
        try:
            services.response_submit(pulse_round=pulse_round, employee=org.ani, answers=answers)
            outcomes.append("stored")
        except Conflict as conflict:
            outcomes.append(conflict.code)
        finally:
            connection.close()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "_clean_answers", clean_then_signal)
        thread = threading.Thread(target=submit)
        with transaction.atomic():
            services.round_close(pulse_round=pulse_round)  # the round row is held FOR UPDATE
            thread.start()
            checked.wait(10)
            waiting = sessions_waiting_on_a_lock(thread)
        thread.join()
    assert waiting == 1, "the submission never waited for the close"
    assert outcomes == ["round_not_open"]
    assert not Participation.objects.filter(round=pulse_round).exists()
    assert not Ballot.objects.exists()
    assert Response.objects.filter(round=pulse_round).count() == 0


@pytest.mark.parametrize("analysis", ["engagement", "ikm"])
def test_two_driver_analyses_of_one_round_take_turns(org, survey, staff, analysis):
    """A close job run twice, or a refresh after an import beside the close job: the second run
    must wait for the first and then do its work again, not delete and write the round's
    analyses beside it (it would then break the one-row-per-group rule and fail)."""
    from django.db import IntegrityError

    from pulse_surveys.impact import round_driver_analyses_materialise
    from pulse_surveys.models import DriverAnalysis
    from pulse_surveys.unit_impact import round_ikm_analysis_materialise

    materialise = round_driver_analyses_materialise if analysis == "engagement" else round_ikm_analysis_materialise
    pulse_round = open_round(survey)
    for person in staff["cs"] + staff["lkt"]:
        answer(pulse_round, person)
    close(pulse_round)
    started, outcomes = threading.Event(), []

    def second_run():
        started.wait()
        try:
            materialise(round_id=pulse_round.pk, draws=50)
            outcomes.append("ran")
        except IntegrityError:
            outcomes.append("failed")
        finally:
            connection.close()

    thread = threading.Thread(target=second_run)
    thread.start()
    # given a first run that has written its analyses and not committed yet
    with transaction.atomic():
        materialise(round_id=pulse_round.pk, draws=50)
        started.set()
        # when the second starts and waits on it
        waiting = sessions_waiting_on_a_lock(thread)
    thread.join()
    # then it ran after the first, and the round has one analysis per group
    assert waiting == 1, "the second run never waited for the first"
    assert outcomes == ["ran"]
    rows = DriverAnalysis.objects.filter(round=pulse_round, outcome=analysis)
    assert rows.exists()
    assert rows.count() == len(set(rows.values_list("department_id", "is_total")))
