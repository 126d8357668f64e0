import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from core.heartbeat import HEARTBEAT_CACHE_KEY, HEARTBEAT_FRESH, worker_heartbeat_record
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


@pytest.fixture
def no_heartbeat():
    """No worker has recorded a heartbeat (one from an earlier test is forgotten)."""
    cache.delete(HEARTBEAT_CACHE_KEY)


def test_healthz_is_ok_once_a_worker_has_started(no_heartbeat, worker_factory, client, settings):
    # given the broker and database up, but no worker ever started
    settings.PRIMA_HEALTHZ_TOKEN = "probe-token-for-the-test"
    assert client.get("/healthz").status_code == 503
    # when a worker starts
    worker_factory()
    # then the probe with the token reads every check as ok
    response = client.get("/healthz", headers={"X-Health-Token": "probe-token-for-the-test"})
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "worker": "ok", "status": "ok"}
    # and the public reads only that Prima is up
    assert client.get("/healthz").json() == {"status": "ok"}


def test_healthz_reads_the_heartbeat_a_live_worker_records(celery_worker, no_heartbeat, client):
    # given a live worker whose heartbeat was lost
    assert client.get("/healthz").status_code == 503
    # when beat's heartbeat job runs on it
    heartbeat_task.delay().get(timeout=30)
    # then Prima is healthy again
    assert client.get("/healthz").status_code == 200


def test_healthz_says_unavailable_to_the_public_when_no_worker_answers(
    celery_worker_queue, no_heartbeat, client, admin_user
):
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


def test_healthz_is_unavailable_once_the_last_heartbeat_is_stale(db, celery_worker_queue, client):
    # given the last heartbeat recorded just within the bound
    now = timezone.now()
    worker_heartbeat_record(now=now - HEARTBEAT_FRESH + dt.timedelta(minutes=1))
    assert client.get("/healthz").status_code == 200
    # when it is older than the bound (no worker took beat's job, or beat stopped)
    worker_heartbeat_record(now=now - HEARTBEAT_FRESH - dt.timedelta(minutes=1))
    # then Prima is unavailable
    assert client.get("/healthz").status_code == 503
