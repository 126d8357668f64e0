"""The drivers and the question bank, in both languages; the list endpoints' query counts."""

import logging

import pytest

from pulse_surveys.bank import DRIVERS, QUESTIONS, bank_load
from pulse_surveys.models import Driver, Question
from tests.pulse_surveys.conftest import answers_for, open_round

pytestmark = pytest.mark.django_db


def test_the_bank_ships_about_25_questions_in_both_languages(bank):
    assert Driver.objects.count() == len(DRIVERS) == 9
    assert Question.objects.count() == len(QUESTIONS) == 25
    assert set(Question.objects.values_list("kind", flat=True)) == {"likert", "enps", "text"}
    assert not Question.objects.filter(text_id="").exists()
    assert bank_load() == (9, 25)  # loading again changes nothing
    assert Question.objects.count() == 25


def test_questions_are_shown_in_the_active_language(org, bank, api):
    client = api(org.ani)
    english = client.get("/api/v1/pulse/questions/?kind=enps").json()["results"][0]
    indonesian = client.get("/api/v1/pulse/questions/?kind=enps", HTTP_ACCEPT_LANGUAGE="id").json()["results"][0]
    assert english["text"].startswith("How likely")
    assert indonesian["text"].startswith("Seberapa besar")
    drivers = client.get("/api/v1/pulse/drivers/", HTTP_ACCEPT_LANGUAGE="id").json()["results"]
    assert drivers[0]["name"] == "Pengakuan dan penghargaan"


def test_hr_adds_a_driver_and_a_question(org, bank, api):
    client = api(org.hana)
    driver = client.post("/api/v1/pulse/drivers/", {"key": "safety", "name_en": "Safety", "name_id": "Keselamatan"})
    assert driver.status_code == 201
    payload = {
        "text": "I feel safe at work.",
        "text_id": "Saya merasa aman.",
        "kind": "likert",
        "driver": driver.json()["id"],
    }
    question = client.post("/api/v1/pulse/questions/", payload, format="json")
    assert question.status_code == 201, question.content
    assert question.json()["text_en"] == "I feel safe at work." and question.json()["required"] is True
    assert client.post("/api/v1/pulse/questions/", {"text": "No driver", "kind": "likert"}).status_code == 400
    assert client.post("/api/v1/pulse/questions/", {"text": "x", "kind": "stars"}).status_code == 400
    assert client.post("/api/v1/pulse/questions/", {"kind": "text"}).status_code == 400
    assert api(org.ani).post("/api/v1/pulse/drivers/", {"key": "x", "name_en": "X"}).status_code == 403


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/api/v1/pulse/drivers/", 2),  # count, page
        ("/api/v1/pulse/questions/", 2),  # count, page with drivers joined
        ("/api/v1/pulse/surveys/", 5),  # count, page, question order, questions, departments
    ],
)
def test_list_query_counts_are_pinned(org, bank, survey, api, django_assert_max_num_queries, url, queries):
    from pulse_surveys import services

    for index in range(5):
        services.survey_create(title=f"S{index}", questions=[bank["enps"], bank["pay-1"]], departments=[org.cs])
    client = api(org.hana)
    with django_assert_max_num_queries(queries):
        assert client.get(url).status_code == 200


def test_nothing_about_a_submission_reaches_the_logs(org, survey, api, caplog):
    pulse_round = open_round(survey)
    secret = "my manager shouts at us"
    with caplog.at_level(logging.DEBUG):
        api(org.ani).post(
            f"/api/v1/pulse/rounds/{pulse_round.pk}/responses/",
            {"answers": [*answers_for(pulse_round, comment=secret), {"question": 99999, "text": secret}]},
            format="json",
        )
        api(org.ani).post(
            f"/api/v1/pulse/rounds/{pulse_round.pk}/responses/",
            {"answers": answers_for(pulse_round, comment=secret)},
            format="json",
        )
    assert secret not in caplog.text
    assert all(secret not in str(record.args) for record in caplog.records)


def test_the_api_schema_describes_the_pulse_endpoints(org, api):
    schema = api(org.hana).get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in (
        "/api/v1/pulse/surveys/{id}/rounds/",
        "/api/v1/pulse/rounds/{id}/responses/",
        "/api/v1/pulse/rounds/{id}/close/",
        "/api/v1/pulse/rounds/{id}/results/",
    ):
        assert path in schema["paths"], path
