"""`Idempotency-Key`: a retried POST returns the first answer and creates nothing new."""

import pytest

from employees.models import Department

pytestmark = pytest.mark.django_db


def signed_in(user):
    """A browser-like client: the session identifies the person before the view runs."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(user)
    return client


def post(client, body, key="retry-1"):
    return client.post("/api/v1/departments/", body, format="json", headers={"Idempotency-Key": key})


def test_the_same_key_and_body_return_the_first_answer(org):
    client = signed_in(org.hana)
    first = post(client, {"name": "Loket Pajak", "code": "PJK"})
    second = post(client, {"name": "Loket Pajak", "code": "PJK"})
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Department.objects.filter(code="PJK").count() == 1


def test_the_same_key_with_a_different_body_is_422(org):
    client = signed_in(org.hana)
    post(client, {"name": "Loket Pajak", "code": "PJK"})
    response = post(client, {"name": "Loket Bea", "code": "BEA"})
    assert response.status_code == 422
    assert not Department.objects.filter(code="BEA").exists()


def test_a_refused_request_keeps_nothing_and_frees_its_key(org):
    from core.models import IdempotencyRecord

    # given
    client = signed_in(org.hana)
    # when
    refused = post(client, {"name": "Loket Pajak", "code": "not a slug"})
    # then
    assert refused.status_code == 400
    assert not IdempotencyRecord.objects.exists()
    assert post(client, {"name": "Loket Pajak", "code": "PJK"}).status_code == 201


def test_keys_belong_to_one_person(org):
    post(signed_in(org.hana), {"name": "Loket Pajak", "code": "PJK"})
    # another HR-capable person using the same key is not answered with hana's response
    response = post(signed_in(org.lina), {"name": "Loket Pajak", "code": "PJK"})
    assert response.status_code == 403


def test_a_token_client_is_recognised(org, client):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=org.hana)
    headers = {"Authorization": f"Token {token.key}", "Idempotency-Key": "k"}
    first = client.post(
        "/api/v1/departments/", {"name": "A", "code": "A1"}, content_type="application/json", headers=headers
    )
    second = client.post(
        "/api/v1/departments/", {"name": "A", "code": "A1"}, content_type="application/json", headers=headers
    )
    assert (first.status_code, second.status_code) == (201, 201)
    assert second["Idempotent-Replayed"] == "true"
    assert Department.objects.filter(code="A1").count() == 1


def test_an_overlong_key_is_a_400(org):
    response = post(signed_in(org.hana), {"name": "A", "code": "A2"}, key="k" * 300)
    assert response.status_code == 400
    assert not Department.objects.filter(code="A2").exists()


def test_a_retried_pulse_answer_keeps_no_fingerprint_of_its_body(org):
    """Anonymous answers: the record holds no hash of what was answered; a retry with the same
    key gets the first answer back whatever its body (answering twice is refused anyway)."""
    import hashlib

    from core.idempotency import ANONYMOUS_BODIES
    from core.models import IdempotencyRecord
    from pulse_surveys import services
    from pulse_surveys.bank import bank_load
    from pulse_surveys.models import Question
    from tests.pulse_surveys.conftest import open_round

    # given an open round of one question, which ani is invited to
    bank_load()
    question = Question.objects.filter(kind="likert").order_by("pk").first()
    survey = services.survey_create(title="Pulse", questions=[question], anonymity_threshold=3, actor=org.hana)
    path = f"/api/v1/pulse/rounds/{open_round(survey).pk}/responses/"
    assert any(pattern.match(path) for pattern in ANONYMOUS_BODIES)
    client = signed_in(org.ani)
    # when she answers, and retries with the same key and another answer
    first = client.post(
        path, {"answers": [{"question": question.pk, "value": 2}]}, format="json", headers={"Idempotency-Key": "a"}
    )
    second = client.post(
        path, {"answers": [{"question": question.pk, "value": 5}]}, format="json", headers={"Idempotency-Key": "a"}
    )
    # then the first answer comes back, and the record holds the path only
    assert first.status_code == second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    record = IdempotencyRecord.objects.get(scope=str(org.ani.pk), key="a")
    assert record.request_hash == hashlib.sha256(b"POST" + path.encode() + b"\0").hexdigest()
