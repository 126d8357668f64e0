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


def test_healthz_reports_a_live_worker(celery_worker, client):
    heartbeat_task.delay().get(timeout=30)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "worker": "ok", "status": "ok"}
