"""Numbers and months in the reader's language, and line charts whose coordinates never are."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from core.formatting import month, number, percent
from insights.charts import SeriesInput, line_chart, scale_around

MONTHS = [dt.date(2026, m, 1) for m in range(1, 5)]


@pytest.mark.parametrize(
    ("language", "expected"), [("id", ("1.234,5", "87%", "Okt 2026")), ("en", ("1,234.5", "87%", "Oct 2026"))]
)
def test_numbers_and_months_are_written_as_the_language_writes_them(language, expected):
    with translation.override(language):
        assert (number(1234.54, 1), percent(86.6), month(dt.date(2026, 10, 1))) == expected


def test_the_template_filters_format_and_show_a_dash_for_nothing():
    template = Template("{% load insights_format %}{{ a|num:2 }} {{ b|num }} {{ c|pct:1 }} {{ d|month }}")
    with translation.override("id"):
        text = template.render(Context({"a": 76, "b": None, "c": 79.84, "d": dt.date(2026, 8, 1)}))
    assert text == "76,00 — 79,8% Agu 2026"


def test_a_month_without_a_value_breaks_the_line():
    chart = line_chart(
        MONTHS, [SeriesInput("IKM", {MONTHS[0]: 80.0, MONTHS[1]: 82.0, MONTHS[3]: 85.0})], low=60, high=100, step=10
    )
    (line,) = chart.lines
    assert len(line.dots) == 3
    assert [segment.count(",") for segment in line.segments] == [2, 1]


def test_coordinates_use_a_decimal_point_in_every_language():
    with translation.override("id"):
        chart = line_chart(MONTHS, [SeriesInput("x", {MONTHS[0]: 33.3333})], low=0, high=100, step=20)
    dot = chart.lines[0].dots[0]
    assert "," not in dot.x + dot.y
    assert float(dot.y) == pytest.approx(chart.bottom_edge - 0.333333 * (chart.bottom_edge - chart.top), abs=0.06)
    assert dot.title == "x, Jan 2026: 33"


def test_higher_values_are_drawn_higher_and_the_zero_line_appears_when_crossed():
    chart = line_chart(
        MONTHS[:2], [SeriesInput("eNPS", {MONTHS[0]: -40.0, MONTHS[1]: 20.0})], low=-100, high=100, step=50
    )
    first, second = chart.lines[0].dots
    assert float(second.y) < float(first.y) and float(second.x) > float(first.x)
    assert chart.zero


@pytest.mark.parametrize(
    ("values", "expected"), [([71.3, 88.2], (70, 90)), ([], (25, 100)), ([99.5, 99.9], (90, 100)), ([25.0], (25, 35))]
)
def test_the_ikm_scale_is_rounded_around_the_values_within_its_range(values, expected):
    assert scale_around(values, floor=25, ceiling=100) == expected
