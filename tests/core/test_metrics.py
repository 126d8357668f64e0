"""/metrics: Prometheus figures for operators only — staff, or a scraper with the token."""

import pytest
from prometheus_client.parser import text_string_to_metric_families

from employees.models import User
from tasks.system import ping_task
from tests.factories import UserFactory

TOKEN = "scrape-token-for-the-test-3b9c"

pytestmark = pytest.mark.django_db


def samples(body: bytes) -> list:
    return [sample for family in text_string_to_metric_families(body.decode()) for sample in family.samples]


def value(body: bytes, name: str, **labels) -> float:
    found = [s.value for s in samples(body) if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())]
    return sum(found)


@pytest.fixture
def scrape(client, settings):
    settings.PRIMA_METRICS_TOKEN = TOKEN

    def scrape():
        answer = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert answer.status_code == 200
        return answer.content

    return scrape


def test_the_public_and_a_wrong_token_are_refused(client, settings):
    settings.PRIMA_METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer not-the-token"}).status_code == 403
    assert client.get("/metrics", headers={"Authorization": f"Token {TOKEN}"}).status_code == 403


def test_without_a_configured_token_no_bearer_gets_in(client, settings):
    settings.PRIMA_METRICS_TOKEN = ""
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 403


def test_staff_read_the_metrics_and_other_people_do_not(client):
    charlie = UserFactory(username="charlie", role="employee")
    client.force_login(charlie)
    assert client.get("/metrics").status_code == 403
    operator = UserFactory(username="operator", role="hr")
    User.objects.filter(pk=operator.pk).update(is_staff=True)
    client.force_login(operator)
    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/plain")


def test_requests_are_timed_and_their_queries_counted_by_view(client, scrape):
    # given the figures as they are
    before = scrape()
    # when the health probe is asked twice (each asks the database once)
    client.get("/healthz")
    client.get("/healthz")
    # then two more requests of that view are timed, and their queries counted
    after = scrape()
    timed = "prima_http_request_duration_seconds_count"
    assert value(after, timed, view="healthz", status="200") - value(before, timed, view="healthz", status="200") == 2
    queries = "prima_http_request_db_queries_sum"
    assert value(after, queries, view="healthz") - value(before, queries, view="healthz") >= 2
    total = "prima_db_queries_total"
    assert value(after, total, alias="default") > value(before, total, alias="default")


def test_jobs_are_timed_per_queue(scrape):
    # given the figures as they are
    before = value(scrape(), "prima_job_duration_seconds_count", queue="default", task="tasks.system.ping_task")
    # when a job runs
    assert ping_task.delay().get() == "pong"
    # then it is counted on its queue
    after = value(scrape(), "prima_job_duration_seconds_count", queue="default", task="tasks.system.ping_task")
    assert after == before + 1
