"""Two submissions racing for the same person and round: exactly one is stored (PostgreSQL)."""

import threading

import pytest
from django.db import connection
from rest_framework.test import APIClient

from pulse_surveys.models import Answer, Participation, Response
from tests.pulse_surveys.conftest import answers_for, open_round

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


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
    assert Response.objects.filter(round=pulse_round).count() == len(people)
    assert Answer.objects.filter(response__round=pulse_round).count() == 3 * len(people)
