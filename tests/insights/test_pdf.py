"""A correlation report as PDF: who may download it, and what its charts and text hold."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation
from reportlab.graphics.shapes import Circle, Drawing, Polygon, PolyLine, Rect
from reportlab.platypus import KeepTogether, Paragraph, Table

from core.pdf import markup
from correlation import pdf, stats
from correlation.models import CorrelationReport, Family, ReportStatus
from correlation.selectors import report_for_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(insight_org):
    data = insight_org(units=12, months=2)
    assert data.report.status == ReportStatus.SUCCEEDED
    return report_for_pdf(data.report.pk)


def _flowables(story):
    for item in story:
        if isinstance(item, KeepTogether):
            yield from _flowables(item._content)
        elif isinstance(item, Table):
            for row in item._cellvalues:
                yield from _flowables(row)
        else:
            yield item


def _texts(story) -> str:
    return "\n".join(item.text for item in _flowables(story) if isinstance(item, Paragraph))


def _drawings(story) -> list[Drawing]:
    return [item for item in _flowables(story) if isinstance(item, Drawing)]


def _shapes(drawing: Drawing, kind) -> list:
    return [shape for shape in drawing.contents if isinstance(shape, kind)]


@pytest.mark.parametrize(("persona", "expected"), [("lina", 200), ("hana", 200), ("budi", 403), ("ani", 403)])
def test_leadership_and_hr_download_the_pdf_and_nobody_else(report, org, client, persona, expected):
    client.force_login(getattr(org, persona))
    response = client.get(reverse("insights:report-pdf", args=[report.pk]))
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
        assert b"/Type /Page" in response.content


def test_a_report_not_yet_finished_or_missing_has_no_pdf(org, client):
    pending = CorrelationReport.objects.create(
        period_from=dt.date(2025, 1, 1), period_to=dt.date(2025, 6, 1), granularity="month", external_source="skm"
    )
    client.force_login(org.lina)
    assert client.get(reverse("insights:report-pdf", args=[pending.pk])).status_code == 404
    assert client.get(reverse("insights:report-pdf", args=[pending.pk + 1000])).status_code == 404


def test_the_scatter_draws_every_unit_period_with_the_fitted_line_and_its_band(report):
    # given
    points = list(report.points.all())
    assert len(points) >= 10
    # when
    drawing = pdf.scatter_drawing(points, external_label="SKM · IKM")
    # then: one dot per unit-period, placed in the order of its values
    dots = _shapes(drawing, Circle)
    assert len(dots) == len(points)
    by_internal = sorted(range(len(points)), key=lambda i: points[i].internal)
    assert [dots[i].cx for i in by_internal] == sorted(dot.cx for dot in dots)
    by_external = sorted(range(len(points)), key=lambda i: points[i].external)
    assert [dots[i].cy for i in by_external] == sorted(dot.cy for dot in dots)
    # the least-squares line rises or falls as scipy's slope says, inside its band
    band = stats.regression_band([p.internal for p in points], [p.external for p in points])
    (line,) = _shapes(drawing, PolyLine)
    ys = line.points[1::2]
    assert (ys[-1] - ys[0] > 0) == (band.slope > 0)
    assert len(_shapes(drawing, Polygon)) == 1
    # and for a lower-is-better measure the external axis runs the other way, as on the page
    turned = _shapes(pdf.scatter_drawing(points, external_label="x", higher_is_better=False), Circle)
    assert [turned[i].cy for i in by_external] == sorted((dot.cy for dot in turned), reverse=True)


def test_the_lag_chart_marks_every_tested_lag_with_its_interval(report):
    headline = [r for r in report.results.all() if r.family == Family.SATISFACTION_EXTERNAL]
    # r by lag: the pooled and within-unit readings (a between-unit result has no lag, a test of
    # which came first no r)
    tested = [r for r in headline if r.pearson_r is not None and r.variant in ("pooled", "within_unit")]
    drawing = pdf.lag_drawing(headline, max_lag=report.max_lag, left_label="left", right_label="right")
    legend = 2  # a circle and a square in the legend
    marks = _shapes(drawing, Circle) + _shapes(drawing, Rect)
    assert len(marks) - legend == len(tested)
    assert {r.lag for r in tested} == set(range(-report.max_lag, report.max_lag + 1))


def test_the_document_holds_the_summary_charts_and_tables(report):
    with translation.override("en"):
        story = pdf.report_story(report)
        text = _texts(story)
        assert "Summary" in text
        assert "Correlation does not prove cause." in text
        assert "The relationship at each lag" in text
    assert len(_drawings(story)) == 2
    # the bytes build
    with translation.override("en"):
        assert pdf.report_pdf(report).startswith(b"%PDF-")


def test_the_document_speaks_bahasa_indonesia_with_indonesian_numbers(report):
    same_period = next(
        r
        for r in report.results.all()
        if r.family == Family.SATISFACTION_EXTERNAL and r.lag == 0 and r.variant == "pooled"
    )
    with translation.override("id"):
        text = _texts(pdf.report_story(report))
    assert "Ringkasan" in text
    assert f"{same_period.pearson_r:.2f}".replace(".", ",") in text
    assert "Korelasi tidak membuktikan sebab-akibat." in text


def test_greek_letters_are_written_out_for_the_embedded_font():
    assert markup("two-sided α = 0.05, ρ & r < 1") == "two-sided alpha = 0.05, rho &amp; r &lt; 1"
