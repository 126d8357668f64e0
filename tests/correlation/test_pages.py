"""The reports pages: the list with its form and live progress, a report with its charts,
tables and summary, the CSV exports, the home panel and the navigation."""

import csv
import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import numpy as np
import pytest
from django.utils import translation

from correlation.models import CorrelationReport, ReportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished_report(org, synthetic_organisation, request_report):
    organisation = synthetic_organisation(units=12, months=6)
    rng = np.random.default_rng(5)
    internal = 70 + 8 * rng.standard_normal((12, 6))
    external = 80 + 0.5 * (internal - 70) + 4 * rng.standard_normal((12, 6))
    organisation.load(internal, external)
    return request_report(
        org.lina,
        period_from=organisation.period_from,
        period_to=organisation.period_to,
        granularity="month",
        max_lag=1,
        external_source="skm",
    )


@pytest.mark.parametrize("persona", ["hana", "lina"])
def test_hr_and_leadership_find_the_reports_in_the_navigation_and_open_the_list(org, client, persona, skm_source):
    client.force_login(getattr(org, persona))
    home = client.get("/").content.decode()
    assert 'href="/reports/"' in home
    response = client.get("/reports/")
    assert response.status_code == 200
    assert "Run a report" in response.content.decode()


@pytest.mark.parametrize("persona", ["budi", "ani"])
def test_managers_and_employees_neither_see_nor_open_the_reports(org, client, persona):
    client.force_login(getattr(org, persona))
    assert 'href="/reports/"' not in client.get("/").content.decode()
    assert client.get("/reports/").status_code == 403


def test_the_form_requests_a_report_and_leads_to_its_page(org, client, skm_source, django_capture_on_commit_callbacks):
    client.force_login(org.hana)
    form = {
        "period_from": "2025-01",
        "period_to": "2025-06",
        "granularity": "month",
        "max_lag": "1",
        "external_source": "skm",
        "external_dimension": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/", form)
    report = CorrelationReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/reports/{report.pk}/"
    report.refresh_from_db()
    assert report.status == ReportStatus.SUCCEEDED
    assert report.requested_by == org.hana


def test_the_form_shows_bad_input_and_requests_nothing(org, client, skm_source):
    client.force_login(org.hana)
    response = client.post(
        "/reports/",
        {
            "period_from": "2025-06",
            "period_to": "2025-01",
            "granularity": "month",
            "max_lag": "1",
            "external_source": "skm",
        },
    )
    assert response.status_code == 200
    assert "The first period must not be after the last." in response.content.decode()
    assert not CorrelationReport.objects.exists()


def test_a_running_report_shows_a_live_progress_bar(org, client, skm_source):
    report = CorrelationReport.objects.create(
        period_from="2025-01-01",
        period_to="2025-06-01",
        granularity="month",
        external_source="skm",
        status=ReportStatus.RUNNING,
        progress=40,
    )
    client.force_login(org.lina)
    for url in ("/reports/", f"/reports/{report.pk}/"):
        content = client.get(url).content.decode()
        assert f'<progress max="100" value="40" data-report="{report.pk}"' in content
        assert 'src="/static/correlation/progress.js"' in content
        assert 'data-report-api="/api/v1/correlation-reports/"' in content


def test_the_progress_script_can_poll_the_reports_it_shows(org, api, skm_source):
    reports = [
        CorrelationReport.objects.create(
            period_from="2025-01-01", period_to="2025-06-01", granularity="month", external_source="skm"
        )
        for _ in range(3)
    ]
    body = api(org.lina).get(f"/api/v1/correlation-reports/?id__in={reports[0].pk},{reports[2].pk}").json()
    assert sorted(r["id"] for r in body["results"]) == [reports[0].pk, reports[2].pk]
    assert {r["progress"] for r in body["results"]} == {0}


def test_a_report_page_shows_its_summary_charts_with_text_alternatives_and_data_tables(org, client, finished_report):
    client.force_login(org.lina)
    content = client.get(f"/reports/{finished_report.pk}/").content.decode()
    # the plain-language summary
    assert "relationship (r = " in content
    assert "Correlation does not prove cause." in content
    # charts drawn on the server, each with a title, a text alternative and its data table
    assert content.count('role="img"') == 2  # scatter and r by lag (no levers, no drivers here)
    assert content.count("<desc id=") == 2
    assert content.count("<summary>Data table</summary>") == 2
    assert content.count('class="dot"') == 72
    assert '<polyline class="fit"' in content and '<polygon class="band"' in content
    # csv exports
    assert f'href="/reports/{finished_report.pk}/results.csv"' in content
    # nothing that the Content-Security-Policy would block
    assert 'style="' not in content
    assert "<script>" not in content


def test_a_report_page_in_bahasa_indonesia_formats_numbers_the_indonesian_way(org, client, finished_report):
    client.force_login(org.lina)
    client.post("/i18n/setlang/", {"language": "id", "next": "/"})
    content = client.get(f"/reports/{finished_report.pk}/").content.decode()
    assert "Korelasi tidak membuktikan sebab-akibat." in content
    assert "selang kepercayaan 95% 0," in content
    # the SVG coordinates stay machine-readable
    assert 'cx="' in content and not any(f'cx="{d},' in content for d in "0123456789")


def test_the_results_and_points_export_as_csv(org, client, finished_report):
    client.force_login(org.hana)
    response = client.get(f"/reports/{finished_report.pk}/results.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == finished_report.results.count()
    assert {"internal_metric", "external_metric", "lag", "pearson_r", "ci_low", "q_value"} <= set(rows[0])
    points = list(csv.DictReader(io.StringIO(client.get(f"/reports/{finished_report.pk}/points.csv").content.decode())))
    assert len(points) == 72
    assert points[0]["department_code"].startswith("SU")


def test_leadership_sees_the_latest_report_on_the_home_page(org, client, finished_report):
    client.force_login(org.lina)
    content = client.get("/").content.decode()
    assert "Satisfaction and service quality" in content
    assert f'href="/reports/{finished_report.pk}/"' in content
    client.force_login(org.ani)
    assert "Satisfaction and service quality" not in client.get("/").content.decode()


def test_a_failed_report_shows_its_error(org, client, skm_source):
    report = CorrelationReport.objects.create(
        period_from="2025-01-01",
        period_to="2025-06-01",
        granularity="month",
        external_source="skm",
        status=ReportStatus.FAILED,
        error="The database could not be reached.",
    )
    client.force_login(org.hana)
    content = client.get(f"/reports/{report.pk}/").content.decode()
    assert 'role="alert"' in content and "The database could not be reached." in content


def test_an_unknown_report_page_is_a_404(org, client):
    client.force_login(org.hana)
    assert client.get("/reports/999/").status_code == 404


def test_administrators_can_read_reports_in_the_admin(admin_client, finished_report):
    assert admin_client.get("/admin/correlation/correlationreport/").status_code == 200
    response = admin_client.get(f"/admin/correlation/correlationreport/{finished_report.pk}/change/")
    assert response.status_code == 200
    assert finished_report.input_fingerprint in response.content.decode()


def test_a_long_scatter_table_on_the_page_defers_to_the_csv(org, client, finished_report, monkeypatch):
    from correlation import views

    monkeypatch.setattr(views, "POINTS_IN_TABLE", 10)
    client.force_login(org.lina)
    content = client.get(f"/reports/{finished_report.pk}/").content.decode()
    assert content.count('class="dot"') == 72  # the chart still shows every unit-period
    assert "62 more unit-periods are in the CSV file." in content


def test_a_finished_report_links_to_its_pdf(org, client):
    from correlation.models import CorrelationReport, ReportStatus

    report = CorrelationReport.objects.create(
        period_from=dt.date(2025, 1, 1),
        period_to=dt.date(2025, 12, 1),
        granularity="month",
        max_lag=1,
        external_source="csat",
        status=ReportStatus.SUCCEEDED,
        progress=100,
    )
    client.force_login(org.lina)
    assert f"/insights/reports/{report.pk}.pdf" in client.get(f"/reports/{report.pk}/").content.decode()


def _scores(org, *rows):
    from service_quality.services import external_score_create

    for source, dimension, period in rows:
        external_score_create(department=org.cs, period=period, source=source, dimension=dimension,
                              value=Decimal("80"), respondents=40, actor=org.hana)  # fmt: skip


def test_the_form_lists_each_dimension_once_with_the_sources_that_hold_it(org, client):
    # given SKM and SERVQUAL both hold "reliability"-like Prima dimensions and one only SERVQUAL has
    jan = dt.date(2025, 1, 1)
    _scores(org, ("skm", "ikm", jan), ("skm", "timeliness", jan), ("servqual", "timeliness", jan),
            ("servqual", "tangibles", jan))  # fmt: skip
    client.force_login(org.hana)
    content = client.get("/reports/").content.decode()
    select = content.split('name="external_dimension"')[1].split("</select>")[0]
    # then each dimension is one option, naming its sources
    assert select.count('value="timeliness"') == 1
    assert 'value="timeliness" data-sources="servqual skm"' in select or 'data-sources="skm servqual"' in select
    assert 'value="tangibles" data-sources="servqual"' in select
    assert "<optgroup" not in select
    # and the default option is short; the explanation is a help text
    assert '<option value="" selected>Headline score</option>' in select
    assert "mean of every dimension" in content
    assert "correlation/dimensions.js" in content


def test_a_dimension_the_source_lacks_is_refused_with_a_message(org, client):
    jan = dt.date(2025, 1, 1)
    _scores(org, ("skm", "ikm", jan), ("servqual", "tangibles", jan))
    client.force_login(org.hana)
    response = client.post(
        "/reports/",
        {"period_from": "2025-01", "period_to": "2025-12", "granularity": "month", "max_lag": "1",
         "external_source": "skm", "external_dimension": "tangibles", "external_higher_is_better": "1"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Unknown dimension" in response.content.decode()
    assert not CorrelationReport.objects.exists()


@pytest.mark.parametrize(("language", "label"), [("en", "CSAT · overall"), ("id", "CSAT · keseluruhan")])
def test_a_csat_report_names_its_scores_in_the_readers_language_unshouted(org, client, request_report, language, label):
    _scores(org, ("csat", "overall", dt.date(2025, 1, 1)))
    report = request_report(org.hana, external_source="csat", external_dimension="overall")
    client.force_login(org.hana)
    content = client.get(f"/reports/{report.pk}/", headers={"accept-language": language}).content.decode()
    assert f"<dd>{label}</dd>" in content
    assert "OVERALL" not in content


def test_each_scatter_dot_says_which_unit_and_period_it_is(org, client, finished_report):
    # given a finished report with unit-periods
    report = finished_report
    point = report.points.select_related("department").first()
    client.force_login(org.lina)
    content = client.get(f"/reports/{report.pk}/").content.decode()
    svg = content.split('id="scatter-title"')[1].split("</svg>")[0]
    # then every dot carries a title naming its unit, its period and both figures
    assert svg.count("<circle") == svg.count("<title>") == report.points.count()
    assert f"<title>{point.department.name}, " in svg
    assert f"internal satisfaction {point.internal:.1f}" in svg


def test_a_lower_is_better_measure_turns_the_axis_and_the_colours_around(org, client, request_report):
    from core.periods import Period
    from tests.correlation.conftest import import_csv
    from tests.factories import DepartmentFactory

    # given ten units whose waiting time (a custom measure described as lower-is-better) and internal
    # satisfaction are known for six months
    rng = np.random.default_rng(4)
    units = [DepartmentFactory(code=f"WT{i}", parent=org.ops, is_service_unit=True) for i in range(10)]
    months = [str(Period(2025, 1).shift(t)) for t in range(6)]
    import_csv(
        kind="internal",
        header=["department_code", "period", "score", "respondents"],
        rows=[[unit.code, month, f"{rng.uniform(50, 90):.2f}", 10] for unit in units for month in months],
        actor=org.hana,
    )
    import_csv(
        kind="scores",
        header=["department_code", "period", "source", "dimension", "value", "respondents", "direction"],
        rows=[
            [unit.code, month, "custom", "waiting_minutes", f"{rng.uniform(5, 40):.2f}", "", "lower"]
            for unit in units
            for month in months
        ],
        actor=org.hana,
    )
    # when a report on it is opened
    report = request_report(
        org.hana, external_source="custom", external_dimension="waiting_minutes", period_to=dt.date(2025, 6, 1)
    )
    assert report.status == "succeeded", report.error
    assert report.external_higher_is_better is False
    client.force_login(org.lina)
    content = client.get(f"/reports/{report.pk}/", headers={"accept-language": "en"}).content.decode()
    # then it says so, and the scatter's external axis runs with lower values up
    assert "(lower is better)" in content
    assert "that axis runs with lower values up: up is better" in content
    svg = content.split('id="scatter-title"')[1].split("</svg>")[0]
    ticks = [
        (float(line.split('y1="')[1].split('"')[0]), float(text.split(">")[1].split("<")[0]))
        for line, text in zip(svg.split('<line class="grid"')[1:], svg.split('<text class="tick"')[1:], strict=False)
        if 'x1="60"' in line
    ]
    positions = [position for position, _value in sorted(ticks, key=lambda tick: tick[1])]
    assert len(positions) >= 2 and positions == sorted(positions)  # the smallest value drawn highest
    # and the drivers × dimensions colours read r the other way round, their legend too
    from correlation import charts, views

    assert charts.heat_class(0.6, higher_is_better=False) == charts.heat_class(-0.6) == "heat-n3"
    assert charts.heat_class(-0.2, higher_is_better=False) == charts.heat_class(0.2) == "heat-p1"
    with translation.override("en"):
        assert views._heat_labels()[0] == "< -0.5"
    # each dimension's column follows its own measure, whatever the report's headline
    cells = [
        SimpleNamespace(
            family="drivers_dimensions",
            internal_metric="driver:workload",
            external_metric=f"custom:{dimension}",
            pearson_r=0.6,
            q_value=0.01,
        )
        for dimension in ("kiosk_rating", "waiting_minutes")
    ]
    with translation.override("en"):
        matrix = views._matrix(cells, lower_metrics={"external:custom:waiting_minutes"})
    assert [cell["css"] for cell in matrix["rows"][0]["cells"]] == ["heat-p3", "heat-n3"]
    assert matrix["columns"][1].endswith("(lower is better)") and matrix["turned"]
