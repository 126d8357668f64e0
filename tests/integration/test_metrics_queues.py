"""The metrics endpoint reads how many jobs wait in each queue from the broker."""

import pytest
import redis
from django.conf import settings as django_settings
from prometheus_client.parser import text_string_to_metric_families

from config.queues import queue
from tasks.system import ping_task

pytestmark = pytest.mark.integration
TOKEN = "scrape-token-for-the-queue-test"


def queue_lengths(client) -> dict[str, float]:
    body = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).content.decode()
    return {
        sample.labels["queue"]: sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
        if sample.name == "prima_queue_length"
    }


def test_waiting_jobs_are_counted_per_queue(celery_worker_queue, client, settings):
    settings.PRIMA_METRICS_TOKEN = TOKEN
    broker = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    try:
        # given no worker on this test's queues, and two jobs sent to `default`
        before = queue_lengths(client)
        ping_task.delay()
        ping_task.delay()
        # when the metrics are read
        after = queue_lengths(client)
        # then `default` holds two more, the other queues none
        assert before == dict.fromkeys(("default", "reports", "imports", "mail", "maintenance"), 0)
        assert after == {**before, "default": 2}
    finally:
        broker.delete(queue("default").name)
