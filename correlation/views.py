"""Correlation reports: pages (the list with its form, a report, its CSV exports and its PDF)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from config.replica import heavy_reads
from core.csv_files import csv_response
from core.dimensions import ServiceDimension
from core.periods import Period
from core.web import form_errors_from, page_for
from correlation import charts, inputs, interpretation, pdf, services
from correlation.api import READERS, ResultSerializer
from correlation.forms import ReportForm
from correlation.models import Family, ReportStatus, Variant
from correlation.selectors import report_detail_queryset, report_for_pdf, report_list
from correlation.series import LEVERS
from employees.permissions import has_role
from pulse_surveys.impact import agreement_for_period

REPORTS_PER_PAGE = 25
# The scatter's data table on the page shows this many unit-periods; the CSV holds them all.
POINTS_IN_TABLE = 500
# The lag charts draw r by lag; a between-unit result has no lag and a test of which came first
# no r.
LAG_CHART_VARIANTS = (Variant.POOLED, Variant.WITHIN_UNIT)


def _point_label(point, external_label: str) -> str:
    """What a scatter dot is, e.g. "Loket Perizinan, Mar 2026: internal satisfaction 72.5, SKM · IKM 81.0"."""
    return _("%(unit)s, %(period)s: internal satisfaction %(internal)s, %(external_label)s %(external)s") % {
        "unit": point.department.name,
        "period": formats.date_format(point.period, "M Y"),
        "internal": interpretation.number(point.internal, 1),
        "external_label": external_label,
        "external": interpretation.number(point.external, 1),
    }


def can_read_reports(user) -> bool:
    """Leadership and HR read correlation reports."""
    return has_role(user, READERS)


@page_for(can_read_reports)
def reports(request):
    last_month = Period.of(timezone.localdate()).shift(-1)
    initial = {"period_from": str(last_month.shift(-11)), "period_to": str(last_month)}
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.correlation_report_request(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The report has been requested; it is computed in the background."))
            return redirect("correlation:detail", pk=report.pk)
    page = Paginator(report_list(), REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "correlation/list.html", {"form": form, "page": page})


def _dimension_order(metric: str) -> tuple:
    """The index first, then the six Prima dimensions in their order, then the SKM elements."""
    dimension = metric.partition(":")[2]
    if dimension == "ikm":
        return (0, 0, "")
    if dimension in ServiceDimension.values:
        return (1, ServiceDimension.values.index(dimension), "")
    if dimension[:1] == "u" and dimension[1:].isdigit():
        return (2, int(dimension[1:]), "")
    return (3, 0, dimension)


def _matrix(results: list, *, lower_metrics: set[str] = frozenset()) -> dict:
    """Drivers × dimensions, each cell coloured by r oriented by its own dimension's measure:
    a lower-is-better dimension's column has its colours turned around."""
    cells = {(r.internal_metric, r.external_metric): r for r in results}
    drivers = sorted({r.internal_metric for r in results})
    dimensions = sorted({r.external_metric for r in results}, key=_dimension_order)
    lower = {d for d in dimensions if f"external:{d}" in lower_metrics}
    return {
        "columns": [
            interpretation.dimension_label(d.partition(":")[2])
            if d not in lower
            else _("%(score)s (lower is better)") % {"score": interpretation.dimension_label(d.partition(":")[2])}
            for d in dimensions
        ],
        "turned": bool(lower),
        "rows": [
            {
                "label": interpretation.metric_label(driver),
                "cells": [
                    {
                        "result": cells.get((driver, dimension)),
                        "css": charts.heat_class(
                            getattr(cells.get((driver, dimension)), "pearson_r", None),
                            higher_is_better=dimension not in lower,
                        ),
                        "significant": (getattr(cells.get((driver, dimension)), "q_value", None) or 1) < 0.05,
                    }
                    for dimension in dimensions
                ],
            }
            for driver in drivers
        ],
    }


@page_for(can_read_reports)
@heavy_reads()
def report_detail(request, pk: int):
    report = get_object_or_404(report_detail_queryset(), pk=pk)
    context = {"report": report}
    if report.status == ReportStatus.SUCCEEDED:
        results = list(report.results.all())
        points = list(report.points.all())
        headline = [r for r in results if r.family == Family.SATISFACTION_EXTERNAL]
        same_period = next((r for r in headline if r.lag == 0 and r.variant == Variant.POOLED), None)
        levers = []
        for lever in LEVERS:
            lever_results = [r for r in results if r.family == Family.LEVERS and r.external_metric == lever]
            by_lag = [r for r in lever_results if r.variant in LAG_CHART_VARIANTS]
            if lever_results:
                levers.append(
                    {
                        "id": f"lever-{len(levers) + 1}",
                        "label": interpretation.metric_label(lever),
                        "chart": charts.lag_chart(by_lag, max_lag=report.max_lag),
                        "results": lever_results,
                    }
                )
        external_label = (
            interpretation.headline_label(report)
            if report.external_higher_is_better
            else _("%(score)s (lower is better)") % {"score": interpretation.headline_label(report)}
        )
        context |= {
            "summary": interpretation.summarise(report, results),
            "external_label": external_label,
            "same_period": same_period,
            "same_period_text": interpretation.describe(
                same_period, granularity=report.granularity, higher_is_better=report.external_higher_is_better
            )
            if same_period is not None and same_period.pearson_r is not None
            else "",
            "points": points,
            "points_in_table": points[:POINTS_IN_TABLE],
            "points_not_in_table": max(0, len(points) - POINTS_IN_TABLE),
            "scatter": charts.scatter(
                [p.internal for p in points],
                [p.external for p in points],
                [p.department_id for p in points],
                labels=[_point_label(p, external_label) for p in points],
                higher_is_better=report.external_higher_is_better,
            ),
            "lag_chart": charts.lag_chart(
                [r for r in headline if r.variant in LAG_CHART_VARIANTS], max_lag=report.max_lag
            ),
            "headline": headline,
            "matrix": _matrix(
                [r for r in results if r.family == Family.DRIVERS_DIMENSIONS],
                lower_metrics=inputs.lower_is_better_metrics(),
            ),
            "levers": levers,
            "results": results,
            "heat_legend": list(zip(charts.HEAT_CLASSES, _heat_labels(), strict=True)),
            "strength_bands": interpretation.STRENGTH_BANDS,
        }
        context["agreement_round"], context["impact"] = agreement_for_period(report.period_to)
    return render(request, "correlation/detail.html", context)


def _heat_labels() -> list[str]:
    """The r each colour stands for, in HEAT_CLASSES order (a colour holds its lower bound)."""
    labels = []
    for low, high in charts.heat_legend_bounds():
        if low is None:
            labels.append(f"< {interpretation.number(high, 1)}")
        elif high is None:
            labels.append(f"≥ {interpretation.number(low, 1)}")
        else:
            labels.append(f"{interpretation.number(low, 1)} … {interpretation.number(high, 1)}")
    return labels


@page_for(can_read_reports)
@heavy_reads()
def report_results_csv(request, pk: int):
    report = get_object_or_404(report_detail_queryset(), pk=pk)
    context = {
        "granularity": report.granularity,
        "higher_is_better": report.external_higher_is_better,
        "lower_metrics": inputs.lower_is_better_metrics(),
    }
    data = ResultSerializer(report.results.all(), many=True, context=context).data
    header = list(ResultSerializer.Meta.fields)
    return csv_response(
        f"correlation-report-{report.pk}-results.csv", header, ([row[key] for key in header] for row in data)
    )


@page_for(can_read_reports)
@heavy_reads()
def report_points_csv(request, pk: int):
    report = get_object_or_404(report_detail_queryset(), pk=pk)
    header = ["department", "department_code", "department_name", "period", "internal", "external"]
    rows = (
        [p.department_id, p.department.code, p.department.name, str(Period.of(p.period)), p.internal, p.external]
        for p in report.points.all()
    )
    return csv_response(f"correlation-report-{report.pk}-points.csv", header, rows)


@page_for(can_read_reports)
@heavy_reads()
def report_pdf(request, pk: int):
    """The whole report as PDF (served at `/insights/reports/<id>.pdf`)."""
    report = report_for_pdf(pk)
    if report is None or report.status != ReportStatus.SUCCEEDED:
        raise Http404
    response = HttpResponse(pdf.report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="correlation-report-{report.pk}.pdf"'
    return response
