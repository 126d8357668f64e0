"""The API load test against a real gunicorn: submissions, reads and leave requests, checked."""

import pytest
from rest_framework.authtoken.models import Token

from bench import api
from pulse_surveys.models import Round
from tests.bench.conftest import quiet

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_small_load_is_served_checked_and_cleaned_up(tiny_org):
    # when a small load runs against gunicorn on the test database
    result = api.bench(submissions=15, reads=4, leave_requests=8, concurrency=4, workers=2, out=quiet)
    # then every phase ran without an error
    phases = result["phases"]
    assert {"submit: Prima API", "submit: raw SQL baseline", "leave: request"} <= set(phases)
    assert all(phase["errors"] == 0 and phase["requests"] > 0 for phase in phases.values()), phases
    # every 201 left exactly one participation, response and its answers
    for name in ("submit: Prima API", "submit: raw SQL baseline"):
        check = result["checks"][name]
        assert check["ok"] and check["accepted"] == 15 == check["responses"], check
    assert result["checks"]["leave: request"]["ok"]
    # the reads' queries were counted, and the ratio computed
    assert all(count["status"] == 200 and count["queries"] > 0 for count in result["query_counts"].values())
    assert result["submission_ratio"] > 0
    # and what the run wrote is gone again
    assert Round.objects.count() == 24
    assert not Token.objects.exists()
