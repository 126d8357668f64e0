"""The service-quality API: imports, scores and the IKM of a unit."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from service_quality.models import ExternalScore, ScoreImport
from tests.service_quality.factories import SCORES_HEADER, ExternalScoreFactory, csv_bytes

IMPORTS = "/api/v1/service-quality/imports/"
SCORES = "/api/v1/service-quality/scores/"
IKM = "/api/v1/service-quality/ikm/"


def upload(client, content: bytes, kind: str = "scores", name: str = "scores.csv"):
    return client.post(IMPORTS, {"file": SimpleUploadedFile(name, content), "kind": kind}, format="multipart")


# --- Imports.


def test_hr_imports_a_file_and_gets_the_contract_answer(org, api):
    response = upload(api(org.hana), csv_bytes(SCORES_HEADER, ["CS,2025-03,csat,overall,80,10"]))
    assert response.status_code == 201
    body = response.json()
    assert {"id", "status", "rows_total", "rows_imported", "errors"} <= set(body)
    assert (body["status"], body["rows_total"], body["rows_imported"], body["errors"]) == ("succeeded", 1, 1, [])


def test_a_file_with_problems_is_a_400_listing_them_and_imports_nothing(org, api):
    response = upload(api(org.hana), csv_bytes(SCORES_HEADER, ["XX,2025-3,csat,overall,180,10"]))
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "failed" and body["rows_imported"] == 0
    assert {(error["row"], error["column"]) for error in body["errors"]} == {
        (2, "department_code"),
        (2, "period"),
        (2, "value"),
    }
    assert not ExternalScore.objects.exists()


def test_the_same_file_twice_is_a_409(org, api):
    client = api(org.hana)
    content = csv_bytes(SCORES_HEADER, ["CS,2025-03,csat,overall,80,10"])
    assert upload(client, content).status_code == 201
    response = upload(client, content, name="renamed.csv")
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate"
    assert ExternalScore.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [({"kind": "scores"}, "file"), ({"kind": "pulse", "file": b"x"}, "kind")],
    ids=["no-file", "bad-kind"],
)
def test_a_bad_request_is_a_400_naming_the_field(org, api, data, field):
    if "file" in data:
        data = {**data, "file": SimpleUploadedFile("f.csv", data["file"])}
    response = api(org.hana).post(IMPORTS, data, format="multipart")
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("persona", ["lina", "budi", "ani"])
def test_only_hr_imports(org, api, persona):
    response = upload(api(getattr(org, persona)), csv_bytes(SCORES_HEADER, ["CS,2025-03,csat,overall,80,10"]))
    assert response.status_code == 403
    assert not ScoreImport.objects.exists()


def test_anonymous_callers_are_a_401(api):
    assert api().get(SCORES).status_code == 401


def test_the_import_list_has_a_fixed_number_of_queries(org, api, django_assert_max_num_queries):
    client = api(org.hana)
    for month in range(1, 6):
        upload(client, csv_bytes(SCORES_HEADER, [f"CS,2025-{month:02d},csat,overall,80,10"]))
    # the count, the page of imports with their importer (one join)
    with django_assert_max_num_queries(2):
        response = client.get(IMPORTS)
    assert response.json()["count"] == 5


def test_an_import_can_be_polled(org, api):
    created = upload(api(org.hana), csv_bytes(SCORES_HEADER, ["CS,2025-03,csat,overall,80,10"])).json()
    response = api(org.hana).get(f"{IMPORTS}{created['id']}/")
    assert (response.status_code, response.json()["progress"]) == (200, 100)


# --- Scores.


def test_hr_enters_a_score_and_leadership_reads_it(org, api):
    body = {"department": org.cs.pk, "period": "2025-03", "source": "csat", "dimension": "overall", "value": "82.5"}
    created = api(org.hana).post(SCORES, body, format="json")
    assert created.status_code == 201, created.json()
    listed = api(org.lina).get(SCORES).json()
    assert listed["count"] == 1
    row = listed["results"][0]
    assert (row["period"], row["value"], row["department_code"], row["derived"]) == ("2025-03", "82.5000", "CS", False)


@pytest.mark.parametrize("persona", ["budi", "ani"])
def test_managers_and_employees_do_not_read_scores(org, api, persona):
    assert api(getattr(org, persona)).get(SCORES).status_code == 403


def test_leadership_does_not_write_scores(org, api):
    body = {"department": org.cs.pk, "period": "2025-03", "source": "csat", "dimension": "overall", "value": "80"}
    assert api(org.lina).post(SCORES, body, format="json").status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"value": "100.5"}, "value"),
        ({"period": "2025-3"}, "period"),
        ({"source": "survey"}, "source"),
        ({"dimension": "speed"}, "dimension"),
        ({"source": "skm", "dimension": "ikm", "value": "20"}, "value"),
        ({"period": "2999-01"}, "period"),
    ],
)
def test_bad_scores_are_a_400_naming_the_field(org, api, change, field):
    body = {"department": org.cs.pk, "period": "2025-03", "source": "csat", "dimension": "overall", "value": "80"}
    response = api(org.hana).post(SCORES, {**body, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_a_score_for_a_department_that_is_not_a_service_unit_is_a_400(org, api):
    body = {"department": org.hrd.pk, "period": "2025-03", "source": "csat", "dimension": "overall", "value": "80"}
    response = api(org.hana).post(SCORES, body, format="json")
    assert (response.status_code, list(response.json())) == (400, ["department"])


def test_a_second_score_for_the_same_key_is_a_409(org, api):
    body = {"department": org.cs.pk, "period": "2025-03", "source": "csat", "dimension": "overall", "value": "80"}
    client = api(org.hana)
    assert client.post(SCORES, body, format="json").status_code == 201
    assert client.post(SCORES, body, format="json").status_code == 409


def test_hr_changes_and_deletes_an_entered_score(org, api):
    score = ExternalScoreFactory(department=org.cs)
    client = api(org.hana)
    changed = client.patch(f"{SCORES}{score.pk}/", {"value": "90"}, format="json")
    assert (changed.status_code, changed.json()["value"]) == (200, "90.0000")
    moved = client.patch(f"{SCORES}{score.pk}/", {"period": "2025-01"}, format="json")
    assert moved.status_code == 400
    assert client.delete(f"{SCORES}{score.pk}/").status_code == 204
    assert not ExternalScore.objects.exists()


def test_scores_prima_computed_cannot_be_edited(org, api, skm_file):
    upload(api(org.hana), skm_file, kind="skm")
    ikm = ExternalScore.objects.get(dimension="ikm")
    assert api(org.hana).patch(f"{SCORES}{ikm.pk}/", {"value": "99"}, format="json").status_code == 409
    assert api(org.hana).delete(f"{SCORES}{ikm.pk}/").status_code == 409


def test_entering_servqual_dimensions_derives_the_prima_dimension(org, api):
    client = api(org.hana)
    body = {"department": org.cs.pk, "period": "2025-03", "source": "servqual", "dimension": "tangibles", "value": "64"}
    client.post(SCORES, body, format="json")
    assert ExternalScore.objects.get(dimension="comfort").derived is True
    client.delete(f"{SCORES}{ExternalScore.objects.get(dimension='tangibles').pk}/")
    assert not ExternalScore.objects.filter(dimension="comfort").exists()


def test_scores_are_filtered_by_period_source_and_dimension(org, api):
    ExternalScoreFactory(department=org.cs, period=dt.date(2025, 1, 1))
    ExternalScoreFactory(department=org.cs, period=dt.date(2025, 2, 1))
    ExternalScoreFactory(department=org.lkt, period=dt.date(2025, 2, 1), source="nps")
    client = api(org.lina)
    assert client.get(SCORES, {"period": "2025-02"}).json()["count"] == 2
    assert client.get(SCORES, {"period_from": "2025-02", "source": "csat"}).json()["count"] == 1
    assert client.get(SCORES, {"department": org.lkt.pk, "dimension": "overall"}).json()["count"] == 1
    assert client.get(SCORES, {"period": "February"}).status_code == 400


def test_the_score_list_has_a_fixed_number_of_queries(org, api, django_assert_max_num_queries):
    for month in range(1, 13):
        ExternalScoreFactory(department=org.cs, period=dt.date(2024, month, 1))
    # the count, the page of scores with their unit (one join), the lower-is-better measures
    with django_assert_max_num_queries(3):
        response = api(org.lina).get(SCORES)
    assert response.json()["count"] == 12


# --- IKM.


def test_the_ikm_of_a_unit_and_period(org, api, skm_file):
    org.cs.customer_population = 50
    org.cs.save()
    upload(api(org.hana), skm_file, kind="skm")
    response = api(org.lina).get(IKM, {"department": org.cs.pk, "period": "2025-03"})
    assert response.status_code == 200
    body = response.json()
    assert (body["ikm"], body["grade"], body["respondents"]) == ("84.26", "B", 3)
    assert body["elements"][0] == {"element": "u1", "label": "requirements", "mean": "3.000"}
    assert [element["element"] for element in body["elements"]] == [f"u{i}" for i in range(1, 10)]
    assert (body["minimum_sample"], body["sample_too_small"]) == (44, True)
    assert len(body["weakest"]) == 3


@pytest.mark.parametrize(
    "query",
    [{}, {"department": "x", "period": "2025-03"}, {"department": 1, "period": "March"}],
    ids=["nothing", "bad-department", "bad-period"],
)
def test_the_ikm_needs_a_department_and_a_period(org, api, query):
    assert api(org.lina).get(IKM, query).status_code == 400


def test_the_ikm_of_an_unknown_unit_or_period_is_a_404(org, api, skm_file):
    upload(api(org.hana), skm_file, kind="skm")
    assert api(org.lina).get(IKM, {"department": 999999, "period": "2025-03"}).status_code == 404
    assert api(org.lina).get(IKM, {"department": org.cs.pk, "period": "2025-04"}).status_code == 404


def test_employees_do_not_read_the_ikm(org, api):
    assert api(org.ani).get(IKM, {"department": org.cs.pk, "period": "2025-03"}).status_code == 403


def test_a_custom_measure_entered_as_lower_is_better_keeps_that_direction(org, api):
    client = api(org.hana)
    body = {"department": org.cs.pk, "period": "2025-03", "source": "custom", "dimension": "complaints", "value": "7"}
    created = client.post(SCORES, {**body, "direction": "lower"}, format="json")
    assert (created.status_code, created.json()["direction"]) == (201, "lower")
    # a later score of the measure need not say it, and may not say the opposite
    later = client.post(SCORES, {**body, "period": "2025-04"}, format="json")
    assert (later.status_code, later.json()["direction"]) == (201, "lower")
    opposite = client.post(SCORES, {**body, "period": "2025-05", "direction": "higher"}, format="json")
    assert (opposite.status_code, list(opposite.json())) == (400, ["direction"])
    turned = client.patch(f"{SCORES}{created.json()['id']}/", {"direction": "higher"}, format="json")
    assert (turned.status_code, list(turned.json())) == (400, ["direction"])
    assert (
        client.patch(
            f"{SCORES}{created.json()['id']}/", {"direction": "lower", "value": "6"}, format="json"
        ).status_code
        == 200
    )
    # a satisfaction score cannot be lower-is-better, and every score says its direction
    csat = {**body, "source": "csat", "dimension": "overall", "value": "80", "direction": "lower"}
    assert list(client.post(SCORES, csat, format="json").json()) == ["direction"]
    listed = api(org.lina).get(SCORES).json()["results"]
    assert {row["direction"] for row in listed} == {"lower"}
    assert ExternalScore.objects.filter(source="custom").count() == 2
