"""The leadership dashboard: who may read it, what each section shows, and what it costs."""

import csv
import io
import re

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from insights import dashboard, selectors, views
from pulse_surveys import selectors as pulse_selectors
from pulse_surveys.models import RoundResult
from tests.factories import UserFactory
from tests.insights.conftest import THIS_MONTH

pytestmark = pytest.mark.django_db

URL = "/insights/"


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize(("persona", "expected"), [("lina", 200), ("hana", 200), ("budi", 403), ("ani", 403)])
def test_leadership_and_hr_read_the_dashboard_and_nobody_else(org, client, persona, expected):
    client.force_login(getattr(org, persona))
    assert client.get(URL).status_code == expected
    for table in ("satisfaction", "heatmap", "ikm", "ikm-trend"):
        assert client.get(reverse("insights:export", args=[table])).status_code == expected


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_empty_organisation_gets_a_dashboard_that_says_so(org, client):
    client.force_login(org.lina)
    response = client.get(URL)
    assert response.status_code == 200
    assert b"No closed round yet." in response.content
    assert b"No finished correlation report yet." in response.content


def test_the_dashboard_shows_every_section_with_its_text_alternative_and_table(insight_org, client):
    # given
    data = insight_org(units=2)
    client.force_login(data.org.lina)
    # when
    html = client.get(URL).content.decode()
    # then: three charts, each an image with a title and a description, and a data table
    assert html.count('role="img"') == 3
    for chart in ("chart-satisfaction", "chart-enps", "chart-ikm"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in html
        assert f'<title id="{chart}-title">' in html
        assert re.search(rf'<desc id="{chart}-desc">[^<]+\S[^<]*</desc>', html)
    for table in ("table-satisfaction", "table-heatmap", "table-ikm-trend", "ikm-cards"):
        assert f'id="{table}"' in html
    # every table has its CSV
    for table in ("satisfaction", "heatmap", "ikm", "ikm-trend"):
        assert reverse("insights:export", args=[table]) in html
    # the grade badges, the report's summary and the link to it
    assert 'class="badge grade-' in html
    assert reverse("correlation:detail", args=[data.report.pk]) in html
    # no inline style anywhere (Content-Security-Policy)
    assert "style=" not in html


def test_suppressed_cells_say_why_they_are_hidden(insight_org, client):
    data = insight_org(units=1, months=1, report=False)
    client.force_login(data.org.hana)
    html = client.get(URL).content.decode()
    hidden = RoundResult.objects.filter(round=data.rounds[-1], suppressed=True).select_related("department")
    assert hidden.exists()
    for result in hidden:
        # the reason once per row: pointing at any of its cells shows it, a screen reader reads it in the first
        row = re.search(
            rf'<tr title="([^"]+)">\s*<th scope="row"[^>]*>{re.escape(result.department.name)}</th>(.*?)</tr>',
            html,
            re.S,
        )
        assert row, result.department.name
        assert row.group(1) == result.get_reason_display()
        assert f'<span class="sr-only">{result.get_reason_display()}</span>' in row.group(2)
        assert re.search(r">\s*\d", re.sub(r"<td class=\"num\">[^<]*/[^<]*</td>", "", row.group(2))) is None


def _heatmap_rows(html: str) -> list[int]:
    table = html.split('id="table-heatmap"')[1].split("</table>")[0]
    return [int(depth) for depth in re.findall(r'<th scope="row" class="dept depth-(\d+)">', table)]


def test_a_large_organisation_s_dashboard_shows_the_top_levels_of_its_departments(insight_org, client, monkeypatch):
    # given more departments with a result than the dashboard's heatmap has rows for
    data = insight_org(units=3, months=1, report=False)
    levels = [path.count("/") - 1 for _department, path in pulse_selectors.round_result_paths(data.rounds[-1])]
    deepest = max(levels)
    above = sum(1 for level in levels if level < deepest)
    assert deepest >= 3 and 0 < above < len(levels)
    monkeypatch.setattr(views, "HEATMAP_ROWS", above)
    client.force_login(data.org.lina)
    # when
    html = client.get(URL).content.decode()
    # then the whole audience and every department above the deepest level, in the tree's order
    rows = _heatmap_rows(html)
    assert rows[0] == 0 and sorted(rows[1:]) == sorted(level for level in levels if level < deepest)
    assert f"The top {deepest - 1} levels of departments: {above} of {len(levels)}." in html
    # and the full heatmap still lists every department
    full = client.get(reverse("pulse_surveys:heatmap")).content.decode()
    assert all(department.name in full for department in data.units)
    # a heatmap that fits shows every department, and says nothing about levels
    monkeypatch.setattr(views, "HEATMAP_ROWS", len(levels))
    html = client.get(URL).content.decode()
    assert len(_heatmap_rows(html)) == 1 + len(levels) and 'id="heatmap-levels"' not in html


def test_a_heatmap_too_small_for_the_top_level_still_shows_the_top_level(insight_org):
    data = insight_org(units=3, months=1, report=False)
    top = sum(1 for _d, path in pulse_selectors.round_result_paths(data.rounds[-1]) if path.count("/") == 2)
    heatmap = selectors.latest_heatmap(max_rows=0)
    assert heatmap.levels == 1 and heatmap.departments_shown == top


def test_a_protected_row_says_why_once(insight_org, client):
    data = insight_org(units=1, months=1, report=False)
    result = RoundResult.objects.filter(round=data.rounds[-1], suppressed=False, is_total=False).first()
    RoundResult.objects.filter(pk=result.pk).update(protected=True, score_margin=2.0, enps_margin=5.0)
    result.refresh_from_db()
    client.force_login(data.org.lina)
    html = client.get(URL).content.decode()
    note = escape(result.protection_note)
    row = re.search(
        rf'<tr title="{re.escape(note)}">\s*<th scope="row"[^>]*>{re.escape(result.department.name)}</th>(.*?)</tr>',
        html,
        re.S,
    )
    assert row
    assert row.group(1).count(note) == 1 and "title=" not in row.group(1)
    assert row.group(1).count(" ± ") >= 2


def test_satisfaction_per_month_pools_the_whole_audience_weighted_by_respondents(insight_org):
    # given two rounds, closed in two months
    data = insight_org(units=2, months=2, report=False)
    # when
    trend = selectors.satisfaction_trend(period_from=THIS_MONTH.shift(-11).first_day, period_to=THIS_MONTH.first_day)
    # then: one row per month, equal to the respondent-weighted mean of that month's totals
    assert [row.period for row in trend] == [THIS_MONTH.shift(-1).first_day, THIS_MONTH.first_day]
    for row, pulse_round in zip(trend, data.rounds, strict=True):
        totals = list(RoundResult.objects.filter(round=pulse_round, is_total=True, suppressed=False))
        assert row.score == pytest.approx(
            np.average([t.score for t in totals], weights=[t.responded for t in totals]), abs=1e-9
        )
        assert row.enps == pytest.approx(np.average([t.enps for t in totals], weights=[t.responded for t in totals]))
        assert row.response_rate == pytest.approx(100 * totals[0].responded / totals[0].invited, abs=1e-9)


def test_a_suppressed_whole_audience_result_is_left_out_of_the_trend(insight_org):
    data = insight_org(units=1, months=2, report=False)
    RoundResult.objects.filter(round=data.rounds[0], is_total=True).update(suppressed=True, score=None, enps=None)
    trend = selectors.satisfaction_trend(period_from=THIS_MONTH.shift(-11).first_day, period_to=THIS_MONTH.first_day)
    assert [row.period for row in trend] == [THIS_MONTH.first_day]


def test_the_csv_exports_hold_the_numbers_the_tables_show(insight_org, client):
    data = insight_org(units=2, months=2, report=False)
    client.force_login(data.org.lina)
    satisfaction = _csv(client.get(reverse("insights:export", args=["satisfaction"])))
    trend = selectors.satisfaction_trend(period_from=THIS_MONTH.shift(-11).first_day, period_to=THIS_MONTH.first_day)
    assert [row["period"] for row in satisfaction] == [str(THIS_MONTH.shift(-1)), str(THIS_MONTH)]
    assert [float(row["satisfaction"]) for row in satisfaction] == [round(row.score, 2) for row in trend]

    heatmap = _csv(client.get(reverse("insights:export", args=["heatmap"])))
    by_code = {row["department_code"]: row for row in heatmap}
    shown = by_code[data.units[0].code]
    assert shown["suppressed"] == "no" and float(shown["score"]) > 0
    hidden = by_code[data.org.lkt.code]
    assert hidden["suppressed"] == "yes" and hidden["score"] == "" and hidden["suppression_reason"]

    ikm = _csv(client.get(reverse("insights:export", args=["ikm"])))
    assert {row["department_code"]: row["ikm"] for row in ikm}[data.units[1].code] == "76.00"
    assert {row["department_code"]: row["grade"] for row in ikm}[data.units[1].code] == "C"

    ikm_trend = _csv(client.get(reverse("insights:export", args=["ikm-trend"])))
    unit_rows = [row for row in ikm_trend if row["department_code"] == data.units[1].code]
    assert [(row["period"], row["ikm"]) for row in unit_rows] == [
        (str(THIS_MONTH.shift(-1)), "77.0"),
        (str(THIS_MONTH), "76.0"),
    ]


def test_an_unknown_export_is_not_found(org, client):
    client.force_login(org.lina)
    assert client.get("/insights/export/wages.csv").status_code == 404


def test_a_department_named_like_a_formula_is_exported_as_text(insight_org, client):
    data = insight_org(units=1, months=1, report=False)
    unit = data.units[0]
    unit.name = "=HYPERLINK(1)"
    unit.save(update_fields=["name"])
    client.force_login(data.org.lina)
    rows = _csv(client.get(reverse("insights:export", args=["ikm"])))
    assert {row["department_code"]: row["department"] for row in rows}[unit.code] == "'=HYPERLINK(1)"


def test_numbers_are_written_the_indonesian_way_in_bahasa_indonesia(insight_org, client):
    data = insight_org(units=2, months=1, report=False)
    client.force_login(data.org.lina)
    client.cookies["django_language"] = "id"
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert '<html lang="id">' in html
    assert ">76,00<" in html  # IKM with a decimal comma
    with translation.override("id"):
        month = THIS_MONTH.first_day.strftime("%Y")
    assert month in html


def test_the_dashboard_costs_the_same_queries_for_a_small_and_a_large_organisation(insight_org, client):
    small = insight_org(units=2, months=2, prefix="SM")
    client.force_login(small.org.lina)
    with CaptureQueriesContext(connection) as small_queries:
        assert client.get(URL).status_code == 200
    insight_org(units=8, months=1, report=False, prefix="LG")
    for _ in range(20):
        UserFactory(department=small.units[0])
    with CaptureQueriesContext(connection) as large_queries:
        assert client.get(URL).status_code == 200
    assert len(large_queries) == len(small_queries)


def test_the_dashboard_query_count_is_pinned(insight_org, client, django_assert_max_num_queries):
    """Session, user; satisfaction per month; the latest round, its departments' levels in the tree,
    the drivers, the round's results and their driver scores; the service units, their latest
    periods, their scores and the series; the latest report and its results; the inbox's counts
    beside the navigation (six: pulse rounds, leave requests, bonuses, score imports, organisation
    imports, actions); the session's update (three with its savepoint); where to act first: the
    latest round again, whether its driver analyses exist (computed when it closed), the whole
    audience's analysis and its drivers' names; what people write about most (three: the latest
    closed round, its whole-audience result, the last year's suggestions)."""
    data = insight_org(units=6, months=2)
    client.force_login(data.org.hana)
    with django_assert_max_num_queries(QUERY_BUDGET):
        assert client.get(URL).status_code == 200


QUERY_BUDGET = 29


def test_leadership_and_hr_find_the_dashboard_from_their_home_page(insight_org, client):
    data = insight_org(units=1, months=1, report=False)
    for person in (data.org.lina, data.org.hana):
        client.force_login(person)
        html = client.get("/").content.decode()
        assert html.count('href="/insights/"') == 2  # the navigation and the panel
        assert "Internal satisfaction" in html
    client.force_login(data.org.ani)
    assert 'href="/insights/"' not in client.get("/").content.decode()


def test_an_ikm_card_warns_when_its_sample_is_below_the_krejcie_morgan_minimum(insight_org, client):
    # given: the first unit serves 10,000 customers (minimum 370) but heard about 100; the second
    # serves 100 (minimum 80) and heard more than that
    data = insight_org(units=2)
    short, enough = data.units
    short.customer_population, enough.customer_population = 10_000, 100
    short.save(update_fields=["customer_population"])
    enough.save(update_fields=["customer_population"])
    client.force_login(data.org.lina)
    # when
    cards = client.get(URL).content.decode().split('id="ikm-cards"')[1].split("</ul>")[0]
    # then only the short unit's card warns, naming the minimum
    by_unit = {unit.name: cards.split(unit.name)[1].split("</li>")[0] for unit in data.units}
    assert "sample below its minimum of 370 (Krejcie–Morgan)" in by_unit[short.name]
    assert "sample-warning" not in by_unit[enough.name]


def test_many_service_units_are_shown_as_their_spread_and_the_lowest_first(insight_org, client, monkeypatch):
    # given more service units than the dashboard draws lines and cards for
    data = insight_org(units=5, months=2, report=False)
    monkeypatch.setattr(dashboard, "UNIT_LINES", 3)
    monkeypatch.setattr(dashboard, "UNIT_CARDS", 2)
    # when
    section = dashboard.quality_section(timezone.localdate())
    # then the chart and its table: the 25th, 50th and 75th percentiles of the units' IKM each month
    assert section.spread and len(section.units) == 6  # the five units and CS
    assert len(section.lines) == 3 and len(section.chart.lines) == 3
    for period in section.months:
        values = [unit["values"][period] for unit in section.units if period in unit["values"]]
        if values:
            expected = np.percentile(values, [25, 50, 75]).tolist()
            assert [line["values"][period] for line in section.lines] == pytest.approx(expected, abs=1e-12)
    # the cards: the two units with the lowest latest IKM, lowest first
    latest = sorted((card["result"].ikm, card["department"].name) for card in selectors.ikm_cards() if card["result"])
    assert [card["department"].name for card in section.cards] == [name for _ikm, name in latest[:2]]
    client.force_login(data.org.lina)
    html = client.get(URL).content.decode()
    assert f"The 2 service units with the lowest IKM, of {section.cards_measured} with a result;" in html
    assert "Median unit" in html and html.split('id="ikm-cards"')[1].split("</ul>")[0].count("<li") == 2
    # the CSV files keep every unit
    trend = _csv(client.get(reverse("insights:export", args=["ikm-trend"])))
    assert {row["department"] for row in trend} == {unit["department"].name for unit in section.units}


def test_a_few_service_units_each_get_their_line_and_card(insight_org):
    insight_org(units=2, months=2, report=False)
    section = dashboard.quality_section(timezone.localdate())
    assert not section.spread
    assert [line["label"] for line in section.lines] == [unit["department"].name for unit in section.units]
    assert len(section.cards) == section.cards_total
