"""Service-quality pages: cards, trends, the list, and importing through upload → preview →
confirm. Pages carry no inline style (Content-Security-Policy)."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from service_quality import hooks, services
from service_quality.models import ScoreImport, SkmResponse
from tests.service_quality.factories import SCORES_HEADER, SKM_HEADER, ExternalScoreFactory, csv_bytes, skm_rows


@pytest.fixture
def measured(org, skm_file):
    """CS has SKM results for February and March 2025."""
    services.score_import_create(kind="skm", file_name="skm.csv", content=skm_file, actor=org.hana)
    february = csv_bytes(SKM_HEADER, skm_rows("CS", "2025-02", [[2] * 9] * 3))
    services.score_import_create(kind="skm", file_name="skm-feb.csv", content=february, actor=org.hana)
    return org


def no_inline_style(html: str) -> bool:
    return re.search(r"\sstyle=", html) is None


def test_leadership_sees_a_card_per_unit_with_ikm_grade_and_element_bars(measured, client):
    client.force_login(measured.lina)
    response = client.get("/service-quality/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "84.26" in html and "grade-b" in html
    assert html.count("<meter") == 9
    assert "Loket Perizinan" in html  # a unit without results still has its card
    assert no_inline_style(html)


def test_the_overview_can_show_another_period(measured, client):
    client.force_login(measured.lina)
    html = client.get("/service-quality/", {"period": "2025-02"}).content.decode()
    assert "50.00" in html and "84.26" not in html


def test_a_units_page_has_its_trend_and_every_period(measured, client):
    client.force_login(measured.hana)
    response = client.get(f"/service-quality/units/{measured.cs.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<polyline" in html and html.count("<circle") == 2
    assert "2025-02" in html and "2025-03" in html
    assert no_inline_style(html)


def test_the_score_list_filters(measured, client):
    client.force_login(measured.lina)
    html = client.get("/service-quality/scores/", {"dimension": "ikm", "period_from": "2025-03"}).content.decode()
    assert "84.26" in html and "50.00" not in html
    bad = client.get("/service-quality/scores/", {"period_from": "March"})
    assert bad.status_code == 200


def test_the_score_list_names_each_import_without_reading_its_file(measured, client):
    # given: HR's view of the list, whose scores came from two imports
    client.force_login(measured.hana)
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/service-quality/scores/").content.decode()
    imports = ScoreImport.objects.order_by("pk")
    # then: each score links to its import by number...
    for score_import in imports:
        assert f'href="/service-quality/imports/{score_import.pk}/">#{score_import.pk}</a>' in html
    # ...and no query of the page reads the files (which every score's row would otherwise drag
    # through the sort: 16 s for the demo's 3,000 scores), nor asks for each import on its own
    reads = [query["sql"] for query in queries.captured_queries]
    assert not [sql for sql in reads if '"service_quality_scoreimport"."content"' in sql]
    assert not [sql for sql in reads if 'WHERE "service_quality_scoreimport"."id" =' in sql]


@pytest.mark.parametrize("path", ["/service-quality/", "/service-quality/scores/", "/service-quality/imports/"])
def test_employees_and_managers_are_refused(org, client, path):
    for person in (org.ani, org.budi):
        client.force_login(person)
        assert client.get(path).status_code == 403


def test_leadership_does_not_import(org, client):
    client.force_login(org.lina)
    assert client.get("/service-quality/imports/").status_code == 403


def test_hr_uploads_sees_a_preview_and_confirms(org, client, skm_file):
    client.force_login(org.hana)
    response = client.post(
        "/service-quality/imports/", {"kind": "skm", "file": SimpleUploadedFile("skm.csv", skm_file)}
    )
    score_import = ScoreImport.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/imports/{score_import.pk}/")
    preview = client.get(response["Location"]).content.decode()
    assert "R1" in preview and "Confirm the import" in preview
    assert not SkmResponse.objects.exists()
    client.post(f"/service-quality/imports/{score_import.pk}/confirm/")
    assert SkmResponse.objects.count() == 3
    done = client.get(response["Location"]).content.decode()
    assert "Confirm the import" not in done and no_inline_style(done)


def test_an_upload_with_problems_lists_them_with_row_and_column(org, client):
    client.force_login(org.hana)
    content = csv_bytes(SCORES_HEADER, ["XX,2025-03,csat,overall,80,10", "CS,2025-03,csat,overall,180,10"])
    response = client.post(
        "/service-quality/imports/", {"kind": "scores", "file": SimpleUploadedFile("s.csv", content)}, follow=True
    )
    html = response.content.decode()
    assert "2 problems" in html
    assert "department_code" in html and "There is no department with the code" in html
    assert "Confirm the import" not in html


def test_uploading_the_same_file_again_says_so(org, client, skm_file):
    client.force_login(org.hana)
    services.score_import_create(kind="skm", file_name="skm.csv", content=skm_file, actor=org.hana)
    response = client.post(
        "/service-quality/imports/", {"kind": "skm", "file": SimpleUploadedFile("skm.csv", skm_file)}
    )
    assert response.status_code == 200
    assert "already imported" in response.content.decode()


def test_home_panels_for_hr_and_leadership(measured, client):
    client.force_login(measured.hana)
    html = client.get("/").content.decode()
    assert "Recent score imports" in html and "skm-feb.csv" in html
    client.force_login(measured.lina)
    html = client.get("/").content.decode()
    assert "IKM per service unit" in html and "84.26" in html and "Recent score imports" not in html
    assert "1 service unit measured in 2025-03" in html and "Lowest IKM" in html
    assert 'href="/service-quality/"' in html  # every unit's card, with its elements, is there


def test_the_home_panel_in_bahasa_indonesia(measured, client):
    client.force_login(measured.lina)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "1 unit layanan diukur pada 2025-03" in html and "IKM terendah" in html


def _home_panel_queries(user) -> int:
    request = RequestFactory().get("/")
    request.user = user
    with CaptureQueriesContext(connection) as queries:
        for panel in hooks.home_panels(request):
            if panel.template == "service_quality/panel_ikm.html":
                render_to_string(panel.template, {"panel": panel})
    return len(queries)


def test_the_ikm_home_panel_costs_two_queries_whatever_the_number_of_units(org):
    """The IKM panel: the units per grade of the latest period (a GROUP BY, the latest period
    as a subquery) and the five lowest IKMs (ORDER BY value LIMIT 5)."""
    # given two service units with an IKM
    for _ in range(2):
        ExternalScoreFactory(source="skm", dimension="ikm", period=dt.date(2025, 6, 1))
    few = _home_panel_queries(org.lina)
    # when thirty more have one
    for _ in range(30):
        ExternalScoreFactory(source="skm", dimension="ikm", period=dt.date(2025, 6, 1))
    # then the panel costs the same two queries
    assert few == _home_panel_queries(org.lina) == 2


def test_nav_items_follow_the_role(org, client):
    client.force_login(org.hana)
    html = client.get("/").content.decode()
    assert "/service-quality/imports/" in html
    client.force_login(org.ani)
    html = client.get("/").content.decode()
    assert "/service-quality/" not in html


def test_a_units_page_shows_servqual_gaps_and_other_scores(org, client):
    rows = [
        "CS,2025-01,servqual,reliability,70,30",
        "CS,2025-01,servqual,reliability_expectation,80,30",
        "CS,2025-01,csat,overall,77.5,90",
    ]
    services.score_import_create(
        kind="scores", file_name="s.csv", content=csv_bytes(SCORES_HEADER, rows), actor=org.hana
    )
    client.force_login(org.lina)
    html = client.get(f"/service-quality/units/{org.cs.pk}/").content.decode()
    assert "reliability" in html and "-10.0" in html
    assert "sq-level-below" in html and "below expectations (dissatisfied)" in html
    assert "77.5" in html


def test_the_pages_speak_bahasa_indonesia(measured, client, settings):
    settings.LANGUAGE_CODE = "id"
    client.force_login(measured.hana)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    overview = client.get("/service-quality/", headers={"accept-language": "id"}).content.decode()
    assert "Unit layanan" in overview and "baik" in overview and "persyaratan" in overview
    imports = client.get("/service-quality/imports/", headers={"accept-language": "id"}).content.decode()
    assert "Impor berkas" in imports


def test_a_file_of_100000_rows_is_previewed_then_imported_by_the_job(org, client, django_capture_on_commit_callbacks):
    # given a file at the size where imports run in the background
    rows = [f"CS,2025-{1 + n % 12:02d},R{n},4,4,3,4,3,4,4,3,4" for n in range(100_000)]
    content = csv_bytes(SKM_HEADER, rows)
    client.force_login(org.hana)
    # when it is uploaded, only its columns and first rows are checked for the preview
    client.post("/service-quality/imports/", {"kind": "skm", "file": SimpleUploadedFile("big.csv", content)})
    upload = ScoreImport.objects.get()
    assert (upload.status, upload.rows_total, len(upload.preview["rows"])) == ("uploaded", 100_000, 10)
    # and when it is confirmed, the job checks and imports every row
    with django_capture_on_commit_callbacks(execute=True) as jobs:
        client.post(f"/service-quality/imports/{upload.pk}/confirm/")
    upload.refresh_from_db()
    assert len(jobs) == 2  # the import; then its months' driver impact for IKM
    assert (upload.status, upload.rows_imported) == ("succeeded", 100_000)
    assert SkmResponse.objects.count() == 100_000


@pytest.mark.parametrize("path", ["/service-quality/", "/service-quality/scores/"])
def test_read_only_pages_answer_get_only(org, client, path):
    client.force_login(org.hana)
    assert client.post(path).status_code == 405


def test_hr_plans_an_action_for_a_weak_skm_element_from_the_units_page(measured, client):
    client.force_login(measured.hana)
    html = client.get(f"/service-quality/units/{measured.cs.pk}/").content.decode()
    # then each of the unit's weakest elements links to the action form, target and unit filled in
    links = re.findall(r'href="/improvement/actions/new/\?target=dimension:(u\d)&amp;department=(\d+)"', html)
    assert links and {int(department) for _key, department in links} == {measured.cs.pk}
    key = links[0][0]
    form = client.get(f"/improvement/actions/new/?target=dimension:{key}&department={measured.cs.pk}")
    assert form.status_code == 200
    assert f'<option value="dimension:{key}" selected>' in form.content.decode()
    # and leadership, who plans no actions, reads the page without the links
    client.force_login(measured.lina)
    assert "/improvement/actions/new/" not in client.get(f"/service-quality/units/{measured.cs.pk}/").content.decode()
