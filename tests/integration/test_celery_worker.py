import pytest

from tasks.system import employee_count_task, heartbeat_task, ping_task
from tests.factories import UserFactory

pytestmark = pytest.mark.integration


def test_a_job_round_trips_through_redis_and_a_real_worker(celery_worker):
    # given a worker process listening on Redis
    # when a job is sent and its result awaited
    result = ping_task.delay()
    # then the worker ran it and the answer came back through the result backend
    assert result.get(timeout=30) == "pong"


def test_the_worker_reads_the_same_postgresql_database(celery_worker):
    # given three people committed to the test database
    UserFactory.create_batch(3)
    # when the worker counts them
    count = employee_count_task.delay().get(timeout=30)
    # then it saw exactly what the test wrote
    assert count == 3


def test_healthz_reports_a_live_worker(celery_worker, client, settings):
    # given a live worker and the operators' probe token
    settings.PRIMA_HEALTHZ_TOKEN = "probe-token-for-the-test"
    heartbeat_task.delay().get(timeout=30)
    # when the probe asks with the token
    response = client.get("/healthz", headers={"X-Health-Token": "probe-token-for-the-test"})
    # then it reads every check
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "worker": "ok", "status": "ok"}
    # and the public reads only that Prima is up
    assert client.get("/healthz").json() == {"status": "ok"}


def test_healthz_says_unavailable_to_the_public_when_no_worker_answers(celery_worker_queue, client, admin_user):
    # given the broker and database up, but no worker running
    # when the public asks
    response = client.get("/healthz")
    # then it learns only that Prima is unavailable
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    # and staff read which part is missing
    client.force_login(admin_user)
    details = client.get("/healthz").json()
    assert details["worker"] == "unreachable"
    assert details["status"] == "unavailable"
