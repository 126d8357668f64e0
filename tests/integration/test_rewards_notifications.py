"""A recognition reaches its recipient through a real Celery worker, after the commit."""

import time

import pytest

from rewards.models import Recognition

pytestmark = pytest.mark.integration


def test_a_recognition_is_notified_by_the_worker(org, api, celery_worker):
    # when ani recognises bayu through the API
    response = api(org.ani).post(
        "/api/v1/rewards/recognitions/",
        {"recipient": org.bayu.pk, "dimension": "courtesy", "message": "Very patient", "points": 5},
        format="json",
    )
    assert response.status_code == 201
    # then the worker marks it notified (waiting for the worker, not timing it)
    recognition = Recognition.objects.get(pk=response.json()["id"])
    deadline = time.monotonic() + 60
    while recognition.notified_at is None and time.monotonic() < deadline:
        time.sleep(0.2)
        recognition.refresh_from_db()
    assert recognition.notified_at is not None
