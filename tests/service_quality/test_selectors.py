"""The series correlation reports read, and SERVQUAL classes."""

import datetime as dt
from collections import Counter
from decimal import Decimal

import numpy as np
import pytest

from employees.models import Department
from service_quality import selectors, services
from service_quality.dimensions import PRIMA_DIMENSION_MAPPING, SKM_ELEMENT_KEYS
from service_quality.ikm import ikm_grade
from service_quality.servqual import expectation_level, servqual_result
from tests.service_quality.factories import (
    INTERNAL_HEADER,
    SCORES_HEADER,
    SKM_HEADER,
    ExternalScoreFactory,
    ServiceUnitFactory,
    csv_bytes,
    skm_rows,
)

YEAR = {"period_from": dt.date(2025, 1, 1), "period_to": dt.date(2025, 12, 1)}


def test_skm_results_appear_as_ikm_elements_and_prima_dimensions(org, skm_file):
    services.score_import_create(kind="skm", file_name="skm.csv", content=skm_file, actor=org.hana)
    rows = selectors.external_score_series(**YEAR, source="skm")
    dimensions = {row["dimension"] for row in rows}
    assert dimensions == {"ikm", *SKM_ELEMENT_KEYS, *(str(key) for key in PRIMA_DIMENSION_MAPPING)}
    ikm = next(row for row in rows if row["dimension"] == "ikm")
    assert ikm == {
        "department_id": org.cs.pk,
        "period": dt.date(2025, 3, 1),
        "source": "skm",
        "dimension": "ikm",
        "value": 84.26,
        "respondents": 3,
    }
    u1 = next(row for row in rows if row["dimension"] == "u1")
    assert u1["value"] == 75.0  # mean 3 × 25


def test_the_external_series_filters_by_range_unit_source_and_dimension(org):
    ExternalScoreFactory(department=org.cs, period=dt.date(2024, 12, 1))
    ExternalScoreFactory(department=org.cs, period=dt.date(2025, 1, 1))
    ExternalScoreFactory(department=org.lkt, period=dt.date(2025, 12, 1), source="nps")
    assert len(selectors.external_score_series(**YEAR)) == 2
    assert len(selectors.external_score_series(**YEAR, department_ids=[org.lkt.pk])) == 1
    assert selectors.external_score_series(**YEAR, source="csat")[0]["department_id"] == org.cs.pk
    assert selectors.external_score_series(**YEAR, dimension="ikm") == []


def test_the_internal_series_carries_imported_scores_as_overall(org):
    content = csv_bytes(INTERNAL_HEADER, ["CS,2025-02,71.5,30", "CS,2024-02,70,30"])
    services.score_import_create(kind="internal", file_name="i.csv", content=content, actor=org.hana)
    assert selectors.internal_import_series(**YEAR) == [
        {
            "department_id": org.cs.pk,
            "period": dt.date(2025, 2, 1),
            "metric": "overall",
            "value": 71.5,
            "respondents": 30,
        }
    ]


def test_sources_and_dimensions_lists_each_pair_once(org):
    ExternalScoreFactory(department=org.cs, period=dt.date(2025, 1, 1))
    ExternalScoreFactory(department=org.lkt, period=dt.date(2025, 1, 1))
    ExternalScoreFactory(department=org.lkt, period=dt.date(2025, 1, 1), source="nps")
    assert selectors.external_sources_and_dimensions() == [("csat", "overall"), ("nps", "overall")]


def test_the_series_read_in_one_query(org, django_assert_num_queries, skm_file):
    services.score_import_create(kind="skm", file_name="skm.csv", content=skm_file, actor=org.hana)
    with django_assert_num_queries(1):
        selectors.external_score_series(**YEAR)
    with django_assert_num_queries(1):
        selectors.internal_import_series(**YEAR)


def test_the_overview_shows_each_units_latest_ikm(org):
    content = csv_bytes(SKM_HEADER, skm_rows("CS", "2025-02", [[2] * 9] * 2) + skm_rows("CS", "2025-03", [[4] * 9] * 2))
    services.score_import_create(kind="skm", file_name="skm.csv", content=content, actor=org.hana)
    cards = {card["department"].code: card for card in selectors.ikm_overview()}
    assert cards["CS"]["result"].ikm == Decimal("100.00")
    assert cards["LKT"]["result"] is None
    chosen = {card["department"].code: card for card in selectors.ikm_overview(period=dt.date(2025, 2, 1))}
    assert chosen["CS"]["result"].ikm == Decimal("50.00")
    assert [result.ikm for result in selectors.ikm_trend(department=org.cs)] == [Decimal("50.00"), Decimal("100.00")]


def _ikm(value: str, *, period=dt.date(2025, 6, 1), name: str | None = None, **kwargs):
    unit = ServiceUnitFactory(**({"name": name} if name else {}))
    return ExternalScoreFactory(
        department=unit, period=period, source="skm", dimension="ikm", value=Decimal(value), **kwargs
    )


def test_the_ikm_summary_counts_grades_as_ikm_grade_reads_them_at_two_decimals(db):
    # given IKMs on both sides of every band's lower bound, at four decimals
    values = ["100", "88.3050", "88.3049", "76.6050", "76.6049", "65.0000", "64.9949", "25"]
    for value in values:
        _ikm(value)
    # when they are summarised
    summary = selectors.ikm_summary()
    # then each grade counts what ikm_grade says of each value
    expected = Counter(ikm_grade(Decimal(value)).letter for value in values)
    assert [(grade.letter, units) for grade, units in summary.grades] == [
        (letter, expected[letter]) for letter in "ABCD"
    ]
    assert expected == {"A": 2, "B": 2, "C": 2, "D": 2}
    assert summary.units == len(values)


def test_the_ikm_summary_reads_the_latest_period_and_lists_the_five_lowest(db):
    # given six service units measured in June, one also in May, and a department that is no
    # longer a service unit
    for value, name in [("90", "F"), ("70", "C"), ("60.004", "A"), ("80", "E"), ("60.001", "B"), ("75", "D")]:
        _ikm(value, name=name)
    _ikm("10", period=dt.date(2025, 5, 1), name="May only")
    former = _ikm("30", name="Former unit")
    Department.objects.filter(pk=former.department_id).update(is_service_unit=False)
    # when the panel's summary is read
    summary = selectors.ikm_summary()
    # then it covers June's service units only, lowest first, at two decimals
    assert summary.period == dt.date(2025, 6, 1)
    assert summary.units == 6
    assert [(unit.department_name, unit.ikm, unit.grade.letter) for unit in summary.lowest] == [
        ("B", Decimal("60.00"), "D"),
        ("A", Decimal("60.00"), "D"),
        ("C", Decimal("70.00"), "C"),
        ("D", Decimal("75.00"), "C"),
        ("E", Decimal("80.00"), "B"),
    ]


def test_without_ikm_the_summary_is_empty_after_one_query(db, django_assert_num_queries):
    ExternalScoreFactory(source="csat", dimension="overall")
    with django_assert_num_queries(1):
        summary = selectors.ikm_summary()
    assert (summary.period, summary.grades, summary.lowest) == (None, [], [])


# --- SERVQUAL.


@pytest.mark.parametrize(
    ("gap", "level"),
    [
        ("-5", "below"),
        ("-1.01", "below"),
        ("-1.00", "meeting"),
        ("0", "meeting"),
        ("1.00", "meeting"),
        ("1.01", "exceeding"),
    ],
)
def test_the_mean_gap_classes_a_unit(gap, level):
    assert expectation_level(Decimal(gap)) == level


def test_gaps_are_perception_minus_expectation_where_both_are_given():
    result = servqual_result(
        {
            "tangibles": Decimal(70),
            "tangibles_expectation": Decimal(80),
            "reliability": Decimal(90),
            "reliability_expectation": Decimal(85),
            "empathy": Decimal(60),  # no expectation: no gap
        }
    )
    gaps = {dimension.dimension: dimension.gap for dimension in result.dimensions}
    assert gaps == {"tangibles": -10, "reliability": 5, "responsiveness": None, "assurance": None, "empathy": None}
    assert (result.mean_gap, result.level) == (Decimal("-2.50"), "below")


def test_servqual_results_of_a_unit_per_period(org):
    rows = [
        "CS,2025-01,servqual,reliability,80,30",
        "CS,2025-01,servqual,reliability_expectation,70,30",
        "CS,2025-02,servqual,reliability,80,30",
    ]
    services.score_import_create(
        kind="scores", file_name="s.csv", content=csv_bytes(SCORES_HEADER, rows), actor=org.hana
    )
    results = selectors.servqual_results(department=org.cs)
    assert [(period, result.level) for period, result in results] == [
        (dt.date(2025, 1, 1), "exceeding"),
        (dt.date(2025, 2, 1), None),
    ]


def test_the_external_columns_hold_what_the_series_holds(org, settings):
    # given scores of two units, months and dimensions, one without a respondent count
    ExternalScoreFactory(department=org.cs, period=dt.date(2025, 3, 1), dimension="u1", value=Decimal("61.25"))
    ExternalScoreFactory(department=org.cs, period=dt.date(2025, 1, 1), dimension="ikm", respondents=None)
    ExternalScoreFactory(department=org.lkt, period=dt.date(2025, 12, 1), dimension="waktu tunggu", value=Decimal(90))
    ExternalScoreFactory(department=org.lkt, period=dt.date(2025, 12, 1), source="nps")
    # when both are read (the columns packed by PostgreSQL, in one query)
    rows = selectors.external_score_series(**YEAR, source="csat")
    columns = selectors.external_score_columns(**YEAR, source="csat")
    # then they agree row for row, months as month numbers, a missing count as 0
    assert [row["department_id"] for row in rows] == columns["department_id"].tolist()
    assert [row["period"].year * 12 + row["period"].month - 1 for row in rows] == columns["month"].tolist()
    assert [row["dimension"] for row in rows] == columns["dimension"].tolist()
    assert [row["value"] for row in rows] == columns["value"].tolist() == [80.0, 61.25, 90.0]
    assert [row["respondents"] or 0 for row in rows] == columns["people"].tolist() == [0, 100, 100]
    assert columns["department_id"].dtype == np.int64 and columns["value"].dtype == np.float64
    assert selectors.external_score_columns(**YEAR, source="servqual")["value"].size == 0
