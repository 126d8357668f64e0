"""SKM collected in Prima: collections, the public form's endpoint, the `skm` series it feeds,
and every bad input refused with nothing stored."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import IdempotencyRecord
from service_quality import collecting, collection_selectors, selectors, services
from service_quality.ikm import krejcie_morgan_sample_size
from service_quality.models import (
    CollectedResponse,
    ExternalScore,
    Origin,
    ScoreConflict,
    SkmCollection,
    VisitCode,
)
from tests.service_quality.factories import (
    PROFILE,
    SKM_HEADER,
    answers_of,
    body,
    csv_bytes,
    public_client,
    skm_rows,
    submit,
)

pytestmark = pytest.mark.django_db

COLLECTIONS = "/api/v1/service-quality/collections/"


# --- Collections.


def test_hr_opens_a_collection_with_the_krejcie_morgan_target_and_a_short_public_link(org, api):
    # given
    today = timezone.localdate()
    payload = {"department": org.cs.pk, "period_from": str(today), "period_to": str(today), "expected_customers": 1000}
    # when
    answer = api(org.hana).post(COLLECTIONS, payload, format="json")
    # then
    assert answer.status_code == 201, answer.json()
    data = answer.json()
    assert data["sample_target"] == 278  # Krejcie & Morgan (1970), Table 1: N = 1000 → 278
    assert data["status"] == "open"
    assert data["public_url"].endswith(f"/s/{data['token']}/")
    assert len(data["token"]) >= 12
    assert data["poster_url"].endswith(f"/service-quality/collections/{data['id']}/poster.pdf")


def test_a_manager_opens_collections_only_for_their_own_units(org, api):
    today = str(timezone.localdate())
    payload = {"period_from": today, "period_to": today, "expected_customers": 50}
    assert api(org.budi).post(COLLECTIONS, {**payload, "department": org.cs.pk}, format="json").status_code == 201
    assert api(org.budi).post(COLLECTIONS, {**payload, "department": org.lkt.pk}, format="json").status_code == 403
    assert api(org.ani).post(COLLECTIONS, {**payload, "department": org.cs.pk}, format="json").status_code == 403
    assert SkmCollection.objects.count() == 1


def test_a_collection_needs_a_service_unit_dates_in_order_and_customers(org, api):
    today = timezone.localdate()
    answer = api(org.hana).post(
        COLLECTIONS,
        {
            "department": org.hrd.pk,
            "period_from": str(today),
            "period_to": str(today - dt.timedelta(days=1)),
            "expected_customers": 0,
        },
        format="json",
    )
    assert answer.status_code == 400
    assert {"department", "expected_customers"} <= set(answer.json())
    assert SkmCollection.objects.count() == 0


def test_each_manager_sees_only_their_units_collections(org, api, collection):
    assert api(org.budi).get(COLLECTIONS).json()["count"] == 1
    assert api(org.mira).get(COLLECTIONS).json()["count"] == 0
    assert api(org.lina).get(COLLECTIONS).json()["count"] == 1
    assert api(org.mira).get(f"{COLLECTIONS}{collection.pk}/results/").status_code == 404
    assert api(org.ani).get(COLLECTIONS).status_code == 403


@pytest.mark.parametrize("population", [10, 100, 1000, 10000, 1000000])
def test_the_sample_target_is_the_published_table_value(org, population):
    published = {10: 10, 100: 80, 1000: 278, 10000: 370, 1000000: 384}
    today = timezone.localdate()
    opened = collecting.collection_create(
        department=org.cs, period_from=today, period_to=today, expected_customers=population, actor=org.hana
    )
    assert opened.sample_target == published[population] == krejcie_morgan_sample_size(population)


# --- The public form: results and the series.


HAND_EXAMPLE = [
    [4, 3, 4, 2, 3, 4, 4, 3, 3],
    [3, 3, 3, 3, 3, 3, 4, 2, 4],
    [4, 4, 2, 3, 4, 4, 3, 3, 2],
]


def test_ikm_from_collected_answers_equals_the_hand_computed_example(org, api, collection):
    # given three customers
    for values in HAND_EXAMPLE:
        assert submit(collection, body(values)).status_code == 201
    # when
    results = api(org.hana).get(f"{COLLECTIONS}{collection.pk}/results/").json()
    # then: element means 11/3, 10/3, 9/3, 8/3, 10/3, 11/3, 11/3, 8/3, 9/3; their mean is 87/27;
    # × 25 = 80.5555… → 80.56, grade B (76.61–88.30)
    assert results["responses"] == 3
    assert results["ikm"] == "80.56"
    assert results["grade"] == "B"
    assert [element["mean"] for element in results["elements"]] == [
        "3.667",
        "3.333",
        "3.000",
        "2.667",
        "3.333",
        "3.667",
        "3.667",
        "2.667",
        "3.000",
    ]


def test_collected_answers_write_the_skm_series_as_an_import_of_the_same_answers_does(
    org, collection, django_capture_on_commit_callbacks
):
    # given the same answers collected at CS and imported for LKT in the same month
    for values in HAND_EXAMPLE:
        with django_capture_on_commit_callbacks(execute=True):
            submit(collection, body(values))
    period = timezone.localdate().replace(day=1)
    label = period.strftime("%Y-%m")
    services.score_import_create(
        kind="skm",
        file_name="lkt.csv",
        content=csv_bytes(SKM_HEADER, skm_rows("LKT", label, HAND_EXAMPLE)),
        actor=org.hana,
    )
    # then both write the same values to the same dimensions, each with its origin
    collected = {
        score.dimension: (score.value, score.respondents)
        for score in ExternalScore.objects.filter(department=org.cs, period=period, source="skm")
    }
    imported = {
        score.dimension: (score.value, score.respondents)
        for score in ExternalScore.objects.filter(department=org.lkt, period=period, source="skm")
    }
    assert collected == imported
    assert collected["ikm"] == (Decimal("80.5600"), 3)
    assert set(ExternalScore.objects.filter(department=org.cs).values_list("origin", flat=True)) == {Origin.COLLECTED}
    assert selectors.ikm_for(department=org.cs, period=period).ikm == Decimal("80.56")


def test_a_collected_and_an_imported_month_is_a_conflict_hr_resolves(
    org, collection, api, django_capture_on_commit_callbacks
):
    # given an imported SKM for CS this month
    period = timezone.localdate().replace(day=1)
    services.score_import_create(
        kind="skm",
        file_name="cs.csv",
        content=csv_bytes(SKM_HEADER, skm_rows("CS", period.strftime("%Y-%m"), [[1] * 9, [2] * 9])),
        actor=org.hana,
    )
    imported_ikm = ExternalScore.objects.get(department=org.cs, period=period, dimension="ikm").value
    # when customers answer there too
    with django_capture_on_commit_callbacks(execute=True):
        submit(collection, body())
    # then the series keeps the imported value, and a conflict waits for HR
    score = ExternalScore.objects.get(department=org.cs, period=period, dimension="ikm")
    assert (score.value, score.origin) == (imported_ikm, Origin.IMPORTED)
    conflict = ScoreConflict.objects.get(department=org.cs, period=period)
    assert conflict.kept == ""
    # when HR keeps the collected answers
    answer = api(org.hana).post(f"/api/v1/service-quality/conflicts/{conflict.pk}/resolve/", {"keep": "collected"})
    assert answer.status_code == 200
    score = ExternalScore.objects.get(department=org.cs, period=period, dimension="ikm")
    assert (score.value, score.origin) == (Decimal("100.0000"), Origin.COLLECTED)
    # and a later answer keeps writing there
    with django_capture_on_commit_callbacks(execute=True):
        submit(collection, body([1] * 9))
    assert ExternalScore.objects.get(department=org.cs, period=period, dimension="ikm").value == Decimal("62.5000")


def test_a_valid_visit_code_marks_the_answer_verified_and_is_used_once(org, collection):
    code = collecting.visit_codes_issue(collection=collection, count=2, actor=org.hana)[0].code
    first = submit(collection, body(visit_code=code.lower()))
    assert first.status_code == 201 and first.json()["verified"] is True
    again = submit(collection, body(visit_code=code))
    assert again.status_code == 409
    assert CollectedResponse.objects.count() == 1
    assert VisitCode.objects.get(code=code).response_id == first.json()["id"]


def test_the_same_device_answering_again_is_refused(collection):
    phone = public_client()
    assert submit(collection, body(), client=phone).status_code == 201
    again = submit(collection, body(), client=phone)
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate"
    assert CollectedResponse.objects.count() == 1


def test_a_retry_with_the_same_idempotency_key_is_answered_from_the_first(collection):
    phone = public_client()
    key = str(uuid.uuid4())
    first = submit(collection, body(), client=phone, key=key)
    second = submit(collection, body(), client=phone, key=key)
    assert first.status_code == second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert CollectedResponse.objects.count() == 1


def test_the_kiosk_answers_many_from_one_device_each_once(collection):
    kiosk = public_client()
    keys = [str(uuid.uuid4()) for _index in range(3)]
    for key in keys + keys:  # the queue sent twice, as after a lost answer
        answer = submit(collection, body(), client=kiosk, key=key, HTTP_X_KIOSK_KEY=collection.kiosk_key)
        assert answer.status_code == 201
    assert CollectedResponse.objects.filter(channel="kiosk").count() == 3


def test_the_rate_limit_answers_429_and_loses_no_accepted_answer(collection, monkeypatch):
    monkeypatch.setattr(collecting, "RATE_PER_ADDRESS", 4)
    address = "192.0.2.44"
    statuses = [submit(collection, body(), client=public_client(address=address)).status_code for _index in range(7)]
    assert statuses == [201, 201, 201, 201, 429, 429, 429]
    assert CollectedResponse.objects.count() == 4
    assert collection_selectors.collection_results(collection).responses == 4


def test_a_burst_from_one_address_is_flagged_and_left_out_of_the_index(collection, monkeypatch):
    address = "192.0.2.45"
    for _index in range(collecting.BURST_SIZE - 1):
        submit(collection, body(), client=public_client(address=address))
    submit(collection, body([1] * 9), client=public_client(address=address))
    results = collection_selectors.collection_results(collection)
    assert (results.responses, results.flagged, results.counted) == (5, 1, 4)
    assert results.ikm == Decimal("100.00")


# --- Bad input: a clear answer in the respondent's language, nothing stored.


BAD_BODIES = {
    "missing answer": lambda: {**body(), "answers": {f"u{i}": 3 for i in range(1, 9)}},
    "out of range": lambda: body([5, 4, 4, 4, 4, 4, 4, 4, 4]),
    "zero": lambda: body([0, 4, 4, 4, 4, 4, 4, 4, 4]),
    "text answer": lambda: {**body(), "answers": {**answers_of([4] * 9), "u3": "4"}},
    "boolean answer": lambda: {**body(), "answers": {**answers_of([4] * 9), "u3": True}},
    "unknown question": lambda: {**body(), "answers": {**answers_of([4] * 9), "u10": 4}},
    "no profile": lambda: {"answers": answers_of([4] * 9)},
    "unknown sex": lambda: {**body(), "profile": {**PROFILE, "sex": "x"}},
    "expectation 4": lambda: body(expectation_level=4),
    "oversize suggestion": lambda: body(suggestion="a" * 1001),
    "suggestion not text": lambda: body(suggestion=["a"]),
    "forged visit code": lambda: body(visit_code="ZZZZZZZZ"),
    "honeypot filled": lambda: body(website="http://spam.example"),
    "a list": lambda: [body()],
}


@pytest.mark.parametrize("case", list(BAD_BODIES))
def test_bad_input_is_refused_with_400_and_nothing_stored(collection, case):
    answer = submit(collection, BAD_BODIES[case]())
    assert answer.status_code == 400, answer.content
    assert answer.json()
    assert CollectedResponse.objects.count() == 0
    assert not ExternalScore.objects.exists()


def test_messages_come_in_the_respondents_language(collection):
    answer = submit(collection, body([5] * 9), HTTP_ACCEPT_LANGUAGE="id")
    assert answer.json()["answers.u1"] == ["Pilih jawaban dari 1 sampai 4."]


def test_a_body_that_is_not_json_is_refused(collection):
    answer = public_client().post(
        f"/api/v1/public/skm/{collection.token}/responses/", "{not json", content_type="application/json"
    )
    assert answer.status_code == 400
    assert CollectedResponse.objects.count() == 0


def test_an_unknown_a_closed_or_a_finished_collection_is_404(org, collection):
    assert public_client().post("/api/v1/public/skm/nope/responses/", body(), format="json").status_code == 404
    collecting.collection_close(collection=collection, actor=org.hana)
    assert submit(collection, body()).status_code == 404
    today = timezone.localdate()
    past = collecting.collection_create(
        department=org.cs,
        period_from=today - dt.timedelta(days=9),
        period_to=today - dt.timedelta(days=1),
        expected_customers=10,
        actor=org.hana,
    )
    assert submit(past, body()).status_code == 404
    assert CollectedResponse.objects.count() == 0


def test_a_signed_in_prima_session_or_token_is_refused(org, collection, client):
    client.force_login(org.ani)
    answer = client.post(f"/api/v1/public/skm/{collection.token}/responses/", body(), content_type="application/json")
    assert answer.status_code == 403
    with_token = submit(collection, body(), HTTP_AUTHORIZATION="Token abc")
    assert with_token.status_code == 403
    assert CollectedResponse.objects.count() == 0


def test_script_in_a_suggestion_is_stored_as_text_and_escaped_on_the_page(org, collection, client):
    script = "<script>alert(1)</script>"
    assert submit(collection, body(suggestion=script)).status_code == 201
    assert CollectedResponse.objects.get().suggestion == script
    client.force_login(org.hana)
    page = client.get(f"/service-quality/collections/{collection.pk}/").content.decode()
    assert script not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- Results.


def test_profile_groups_below_five_show_only_their_count(collection):
    for _index in range(5):
        submit(collection, body())
    submit(collection, body(profile={**PROFILE, "sex": "male"}))
    groups = {group.value: group for group in collection_selectors.results_by_profile(collection)["sex"]}
    assert groups["female"].responses == 5 and groups["female"].ikm == Decimal("100.00")
    assert groups["male"].responses == 1 and groups["male"].suppressed


def test_live_results_take_one_query_however_many_answers(org, collection):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            collection_selectors.collection_results(collection)
        return len(captured)

    submit(collection, body())
    few = queries()
    CollectedResponse.objects.bulk_create(
        [
            CollectedResponse(
                collection=collection,
                department=org.cs,
                period=timezone.localdate().replace(day=1),
                **answers_of([3] * 9),
                **PROFILE,
            )
            for _index in range(200)
        ]
    )
    assert queries() == few == 1  # the aggregate of the collection's answers


def test_an_answer_costs_four_statements_in_one_transaction(collection):
    # given a phone that has not answered yet
    phone = public_client()
    # when it sends its answers with an Idempotency-Key
    with CaptureQueriesContext(connection) as captured:
        answer = submit(collection, body(), client=phone, key=str(uuid.uuid4()))
    # then: the key claimed (INSERT … ON CONFLICT DO NOTHING), the open collection read with the
    # device's and the address's recent answers (one SELECT), the answer (one INSERT), the key's
    # response kept (one UPDATE) — inside one transaction (a savepoint here, in the test's own)
    assert answer.status_code == 201
    statements = [query["sql"].split()[0].upper() for query in captured.captured_queries]
    assert statements == ["SAVEPOINT", "INSERT", "SELECT", "INSERT", "UPDATE", "RELEASE"]
    assert "ON CONFLICT" in captured.captured_queries[1]["sql"]
    assert "service_quality_collectedresponse" in captured.captured_queries[3]["sql"]


def test_a_refused_answer_leaves_its_idempotency_key_free(collection):
    # given an answer refused for a missing question
    phone, key = public_client(), str(uuid.uuid4())
    refused = submit(collection, {**body(), "answers": {"u1": 4}}, client=phone, key=key)
    assert refused.status_code == 400
    assert not IdempotencyRecord.objects.filter(key=key).exists()
    # when the same key comes again with the answers complete
    answer = submit(collection, body(), client=phone, key=key)
    # then it is taken, once
    assert answer.status_code == 201 and not answer.has_header("Idempotent-Replayed")
    assert CollectedResponse.objects.count() == 1


def test_a_public_idempotency_key_older_than_a_day_is_taken_anew(collection):
    # given a key used two days ago
    key = str(uuid.uuid4())
    first = submit(collection, body(), key=key)
    IdempotencyRecord.objects.filter(key=key).update(created=timezone.now() - dt.timedelta(days=2))
    # when another phone sends the same key
    again = submit(collection, body(), key=key)
    # then it is a new answer, not the old one replayed
    assert again.status_code == 201 and again.json()["id"] != first.json()["id"]
    assert CollectedResponse.objects.count() == 2
    assert IdempotencyRecord.objects.filter(key=key).count() == 1


def test_an_skm_import_over_a_month_collected_first_is_a_conflict_hr_resolves(
    org, collection, api, django_capture_on_commit_callbacks
):
    # given answers collected at CS this month (IKM 100)
    period = timezone.localdate().replace(day=1)
    with django_capture_on_commit_callbacks(execute=True):
        submit(collection, body())
    # when a file brings an SKM of the same unit and month (IKM (1 + 2) / 2 × 25 = 37.5)
    services.score_import_create(
        kind="skm",
        file_name="cs-late.csv",
        content=csv_bytes(SKM_HEADER, skm_rows("CS", period.strftime("%Y-%m"), [[1] * 9, [2] * 9])),
        actor=org.hana,
    )
    # then the collected value stays in the series, and a conflict waits for HR
    score = ExternalScore.objects.get(department=org.cs, period=period, source="skm", dimension="ikm")
    assert (score.value, score.origin) == (Decimal("100.0000"), Origin.COLLECTED)
    conflict = ScoreConflict.objects.get(department=org.cs, period=period, source="skm")
    assert conflict.kept == ""
    # when HR keeps the imported answers
    answer = api(org.hana).post(f"/api/v1/service-quality/conflicts/{conflict.pk}/resolve/", {"keep": "imported"})
    assert answer.status_code == 200
    # then the series holds the imported IKM, and later answers no longer write there
    score = ExternalScore.objects.get(department=org.cs, period=period, source="skm", dimension="ikm")
    assert (score.value, score.origin) == (Decimal("37.5000"), Origin.IMPORTED)
    with django_capture_on_commit_callbacks(execute=True):
        submit(collection, body([1] * 9))
    assert ExternalScore.objects.get(department=org.cs, period=period, dimension="ikm").value == Decimal("37.5000")
