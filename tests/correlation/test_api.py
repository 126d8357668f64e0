"""The correlation-reports API: who may use it, what it accepts, what a finished report says."""

import pytest

from correlation.models import CorrelationReport

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("skm_source")]

URL = "/api/v1/correlation-reports/"
VALID = {
    "period_from": "2025-01",
    "period_to": "2025-12",
    "granularity": "quarter",
    "max_lag": 1,
    "external_source": "skm",
}


@pytest.mark.parametrize("persona", ["hana", "lina"])
def test_hr_and_leadership_request_a_report_and_get_202_pending_at_once(
    org, api, persona, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api(getattr(org, persona)).post(URL, VALID, format="json")
    # then the answer comes before the job has run
    assert response.status_code == 202
    report = CorrelationReport.objects.get()
    assert response.json() == {"id": report.pk, "status": "pending"}
    assert report.status == "pending"
    assert len(callbacks) == 1  # the job starts once the request's transaction commits


def test_a_report_reads_its_external_score_the_way_the_measure_was_described(
    org, api, django_capture_on_commit_callbacks
):
    import datetime as dt

    from tests.correlation.measures import custom_measures

    # given a custom measure described as lower-is-better when its first score came in, and one
    # nobody described
    directions = {"waiting_minutes": "lower", "kiosk_rating": ""}
    custom_measures(org, period=dt.date(2025, 3, 1), value="42", directions=directions)
    client = api(org.hana)

    def request(**parameters):
        with django_capture_on_commit_callbacks(execute=False):
            return client.post(URL, {**VALID, "external_source": "custom", **parameters}, format="json")

    # when reports are requested on each, one of them claiming the opposite direction
    lower = request(external_dimension="waiting_minutes", external_higher_is_better=True).json()["id"]
    higher = request(external_dimension="kiosk_rating").json()["id"]
    # then each follows its measure, not the request
    assert CorrelationReport.objects.get(pk=lower).external_higher_is_better is False
    assert client.get(f"{URL}{lower}/").json()["external_higher_is_better"] is False
    assert CorrelationReport.objects.get(pk=higher).external_higher_is_better is True
    # and the source's measures together, which point different ways, are refused in words
    mixed = request()
    assert mixed.status_code == 400
    assert "point different ways" in str(mixed.json())
    assert CorrelationReport.objects.filter(external_source="custom").count() == 2


@pytest.mark.parametrize("persona", ["budi", "ani"])
def test_managers_and_employees_are_refused(org, api, persona):
    client = api(getattr(org, persona))
    assert client.post(URL, VALID, format="json").status_code == 403
    assert client.get(URL).status_code == 403


def test_anonymous_callers_must_sign_in(db, api):
    assert api().get(URL).status_code == 401


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"period_from": "2026-01", "period_to": "2025-12"}, "period_from"),
        ({"max_lag": 4}, "max_lag"),
        ({"max_lag": -1}, "max_lag"),
        ({"max_lag": "two"}, "max_lag"),
        ({"granularity": "week"}, "granularity"),
        ({"external_source": "gallup"}, "external_source"),
        ({"external_source": "csat"}, "external_source"),  # a known kind of source, but no scores from it
        ({"external_dimension": "smell"}, "external_dimension"),
        ({"period_from": "2010-01", "period_to": "2020-01"}, "period_to"),  # more than ten years
        ({"period_to": "2025-13"}, "period_to"),
        ({"period_from": None}, "period_from"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(org, api, change, field):
    response = api(org.hana).post(URL, {**VALID, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not CorrelationReport.objects.exists()


def test_a_finished_report_carries_status_progress_results_and_points(org, api, django_capture_on_commit_callbacks):
    # given a report requested and computed
    client = api(org.lina)
    with django_capture_on_commit_callbacks(execute=True):
        report_id = client.post(URL, VALID, format="json").json()["id"]
    # when it is read
    body = client.get(f"{URL}{report_id}/").json()
    # then
    assert body["status"] == "succeeded"
    assert body["progress"] == 100
    assert body["error"] == ""
    assert body["period_from"] == "2025-01"
    assert body["points"] == []
    headline = [r for r in body["results"] if r["family"] == "satisfaction_external"]
    assert sorted({r["lag"] for r in headline}) == [-1, 0, 1]
    assert {r["variant"] for r in headline} == {
        "pooled",
        "within_unit",
        "between_unit",
        "cross_lagged",
        "multilevel_within",
        "multilevel_between",
    }
    assert {r["role"] for r in headline} == {"confirmatory", "exploratory"}
    first = headline[0]
    for key in (
        "internal_metric",
        "external_metric",
        "lag",
        "n",
        "pearson_r",
        "pearson_p",
        "ci_low",
        "ci_high",
        "spearman_rho",
        "spearman_p",
        "q_value",
        "spearman_q",
        "role",
        "reason",
        "effective_n",
        "design_effect",
        "coefficient",
    ):
        assert key in first
    assert first["internal_metric"] == "overall"
    assert first["external_metric"] == "skm:ikm"
    # too little data: the report succeeds and says so
    assert all(r["insufficient_data"] and r["pearson_r"] is None for r in body["results"])
    assert first["interpretation"].startswith("Not computed")
    assert body["summary"][0].startswith("The data cannot tell whether internal satisfaction and SKM · IKM go together")


def test_an_unknown_report_is_a_404(org, api):
    assert api(org.hana).get(f"{URL}999/").status_code == 404


def test_the_list_is_paginated_newest_first_and_filterable_in_a_fixed_number_of_queries(
    org, api, request_report, django_assert_max_num_queries
):
    for _ in range(3):
        request_report(org.hana)
    request_report(org.lina, granularity="year", max_lag=0)
    client = api(org.hana)
    # queries: session/user is forced, so: count, page of reports (with requester)
    with django_assert_max_num_queries(2):
        body = client.get(URL).json()
    assert body["count"] == 4
    assert body["results"][0]["granularity"] == "year"
    assert "results" not in body["results"][0]
    assert client.get(URL, {"granularity": "year"}).json()["count"] == 1
    assert client.get(URL, {"status": ["pending", "running"]}).json()["count"] == 0
    assert client.get(URL, {"status": "succeeded"}).json()["count"] == 4


def test_reading_a_report_costs_the_same_queries_however_many_results(
    org, api, request_report, django_assert_max_num_queries
):
    report = request_report(org.hana, max_lag=3)
    # queries: the report (with requester), its results, its points (with departments), the
    # lower-is-better measures
    with django_assert_max_num_queries(4):
        response = api(org.hana).get(f"{URL}{report.pk}/")
    assert response.status_code == 200


def test_a_dimension_that_holds_scores_is_accepted(org, api):
    response = api(org.hana).post(URL, {**VALID, "external_dimension": "ikm"}, format="json")
    assert response.status_code == 202


@pytest.mark.parametrize("ids", ["1,x", "143524664155652866048", "-3", "2,,3"])
def test_a_bad_list_of_ids_is_a_400(org, api, ids):
    response = api(org.hana).get(URL, {"id__in": ids})
    assert response.status_code == 400
    assert "id__in" in response.json()


def test_a_report_may_ask_for_shrunk_pulse_scores(org, api, django_capture_on_commit_callbacks):
    client = api(org.hana)
    with django_capture_on_commit_callbacks(execute=False):
        shrunk = client.post(URL, {**VALID, "shrink_units": True}, format="json").json()["id"]
        plain = client.post(URL, VALID, format="json").json()["id"]
    assert client.get(f"{URL}{shrunk}/").json()["shrink_units"] is True
    assert CorrelationReport.objects.get(pk=plain).shrink_units is False
